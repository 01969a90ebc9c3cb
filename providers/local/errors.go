package local

import (
	"context"
	"encoding/json"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// guard is the check every operation makes first, in process or in
// remote mode: an invalid option fails every call (cfgErr), and so does a
// nil or ended context.
type guard struct{ cfgErr error }

// check runs before every operation: configuration and context.
func (g guard) check(ctx context.Context, op paykit.Op) error {
	if g.cfgErr != nil {
		e := *g.cfgErr.(*paykit.Error)
		e.Op = op
		return &e
	}
	if ctx == nil {
		return &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Op: op, Param: "ctx", Message: "context is nil"}
	}
	if err := ctx.Err(); err != nil {
		return ctxError(op, err)
	}
	return nil
}

func ctxError(op paykit.Op, err error) error {
	e := paykit.ContextError(err)
	e.Provider, e.Op = Name, op
	return e
}

// opError gives every error leaving the simulator the provider and op.
func opError(op paykit.Op, err error) error {
	if pe, ok := err.(*paykit.Error); ok {
		cp := *pe
		if cp.Provider == "" {
			cp.Provider = Name
		}
		if cp.Op == "" {
			cp.Op = op
		}
		return &cp
	}
	if err == context.Canceled || err == context.DeadlineExceeded {
		return ctxError(op, err)
	}
	return &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Op: op, Message: "local store failed", Err: err}
}

// invalidState is the error of an operation the resource's state forbids.
func invalidState(msg string) error {
	return paykit.NewError(paykit.CodeInvalidState, msg)
}

// notFoundParam is a not-found error for a resource named by a parameter.
func notFoundParam(param, noun, id string) error {
	e := paykit.NotFoundError(noun, id)
	e.Param = param
	return e
}

// remoteError reads the server's error envelope; an answer without one
// (a proxy in between) is mapped by its status.
func remoteError(res *providerkit.Response) *paykit.Error {
	var body wire.ErrorBody
	if err := json.Unmarshal(res.Body, &body); err != nil || body.Error.Code == "" {
		return providerkit.StatusError(res)
	}
	return body.Error.Err(res.StatusCode)
}
