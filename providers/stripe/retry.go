package stripe

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/form"
)

// Bounds of the sleep between retries, stripe-go's own.
const (
	minRetrySleep = 500 * time.Millisecond
	maxRetrySleep = 5 * time.Second
)

// deadlineBackend is the stripe-go backend of a provider. stripe-go sleeps
// between its retries with time.Sleep, blind to the request's context, so
// a call with a deadline would overrun it and end as a timeout that hides
// Stripe's answer. A call whose context has a deadline is therefore sent
// by a backend without retries, and retried here under the same rules
// (same params, so the same idempotency key) with sleeps that end with the
// context: a retry whose sleep would pass the deadline is not made, and the
// last answer is returned. Calls without a deadline keep stripe-go's
// retries, except customer reads, which the provider sends itself (get in
// wire.go) and always retries here.
type deadlineBackend struct {
	retrying, once *stripeapi.BackendImplementation
	maxRetries     int
	// noSleep makes retries immediate, for tests.
	noSleep bool
}

func (b *deadlineBackend) Call(method, path, key string, params stripeapi.ParamsContainer, v stripeapi.LastResponseSetter) error {
	var p *stripeapi.Params
	if params != nil {
		p = params.GetParams()
	}
	return b.do(method, p, func(be stripeapi.Backend) error { return be.Call(method, path, key, params, v) }, func() error {
		return b.retrying.Call(method, path, key, params, v)
	})
}

func (b *deadlineBackend) CallStreaming(method, path, key string, params stripeapi.ParamsContainer, v stripeapi.StreamingLastResponseSetter) error {
	return b.retrying.CallStreaming(method, path, key, params, v)
}

func (b *deadlineBackend) CallRaw(method, path, key string, body *form.Values, params *stripeapi.Params, v stripeapi.LastResponseSetter) error {
	return b.do(method, params, func(be stripeapi.Backend) error { return be.CallRaw(method, path, key, body, params, v) }, func() error {
		return b.retrying.CallRaw(method, path, key, body, params, v)
	})
}

func (b *deadlineBackend) CallMultipart(method, path, key, boundary string, body *bytes.Buffer, params *stripeapi.Params, v stripeapi.LastResponseSetter) error {
	return b.retrying.CallMultipart(method, path, key, boundary, body, params, v)
}

// SetMaxNetworkRetries sets the retries of calls with and without a
// deadline.
func (b *deadlineBackend) SetMaxNetworkRetries(n int64) {
	b.retrying.SetMaxNetworkRetries(n)
	b.maxRetries = int(n)
}

// do sends a call: by plain when its context has no deadline, else
// through the backend without retries, retrying here. A write without an
// idempotency key gets one first, which all its tries send (stripe-go
// would give each try a new one).
func (b *deadlineBackend) do(method string, p *stripeapi.Params, once func(stripeapi.Backend) error, plain func() error) error {
	var ctx context.Context
	if p != nil {
		ctx = p.Context
	}
	if ctx == nil || b.maxRetries == 0 {
		return plain()
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return plain()
	}
	if p.IdempotencyKey == nil && method != http.MethodGet && method != http.MethodHead {
		p.IdempotencyKey = stripeapi.String(stripeapi.NewIdempotencyKey())
	}
	return b.retry(ctx, deadline, func() error { return once(b.once) })
}

// retry makes attempt until it succeeds, fails in a way that is not
// retried, or has been retried maxRetries times, sleeping between tries as
// stripe-go does. A sleep ends with ctx, and a retry that could not start
// before deadline (if not zero) is not made: the last answer is returned.
// The caller makes every attempt send the same request, idempotency key
// included.
func (b *deadlineBackend) retry(ctx context.Context, deadline time.Time, attempt func() error) error {
	var last error // the last failure that had an answer or a cause of its own
	for retry := 0; ; retry++ {
		err := attempt()
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			if last != nil && ctxErr == context.DeadlineExceeded {
				// The deadline cut a retry short: report what the
				// previous attempt got, and the deadline. A caller
				// who cancelled gets the cancellation.
				return &retriesEnded{last: last, ctx: ctxErr}
			}
			return err
		}
		last = err
		if retry >= b.maxRetries || !shouldRetry(err) {
			return err
		}
		sleep := retrySleep(retry)
		if !deadline.IsZero() && time.Until(deadline) < sleep {
			// The retry could not start before the deadline.
			return err
		}
		if b.noSleep {
			continue
		}
		t := time.NewTimer(jitter(sleep))
		select {
		case <-ctx.Done():
			t.Stop()
			if ctx.Err() != context.DeadlineExceeded {
				return ctx.Err()
			}
			return &retriesEnded{last: err, ctx: ctx.Err()}
		case <-t.C:
		}
	}
}

// retriesEnded is the last failure of a call whose deadline ended its
// retries: errors.As reaches the failure (a *stripe.Error, say) and
// errors.Is the context's error.
type retriesEnded struct {
	last, ctx error
}

func (e *retriesEnded) Error() string {
	return e.last.Error() + " (the deadline ended the retries: " + e.ctx.Error() + ")"
}

func (e *retriesEnded) Unwrap() []error { return []error{e.last, e.ctx} }

// retrySleep is the longest sleep before retry number retry+1, as
// stripe-go computes it: 500 ms × (1 + retry²), at most 5 s.
func retrySleep(retry int) time.Duration {
	return min(minRetrySleep+minRetrySleep*time.Duration(retry*retry), maxRetrySleep)
}

// jitter returns d shortened by up to a quarter, never below 500 ms, as
// stripe-go does.
func jitter(d time.Duration) time.Duration {
	return max(d-rand.N(d/4), minRetrySleep)
}

// shouldRetry applies stripe-go's rules to the failure of one attempt:
// connection failures (but not bad certificates, schemes or redirect
// loops), answers with Stripe-Should-Retry: true, 409, 429 lock timeouts
// and 5xx; never an answer with Stripe-Should-Retry: false, nor a success
// whose body could not be read as JSON.
func shouldRetry(err error) bool {
	var se *stripeapi.Error
	if !errors.As(err, &se) {
		if status := undecodableStatus(err); status != 0 && status < 400 {
			// A success whose body is not JSON: the call was made,
			// and stripe-go does not retry it either.
			return false
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			if _, bad := ue.Err.(x509.UnknownAuthorityError); bad {
				return false
			}
			if msg := ue.Error(); strings.Contains(msg, "stopped after") || strings.Contains(msg, "unsupported protocol scheme") {
				return false
			}
		}
		return true
	}
	if se.LastResponse != nil {
		switch se.LastResponse.Header.Get("Stripe-Should-Retry") {
		case "false":
			return false
		case "true":
			return true
		}
	}
	switch status := se.HTTPStatusCode; {
	case status == http.StatusConflict:
		return true
	case status == http.StatusTooManyRequests:
		return se.Code == stripeapi.ErrorCodeLockTimeout
	}
	return se.HTTPStatusCode >= http.StatusInternalServerError
}
