package polar

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// errorCodes maps Polar's named errors to paykit codes where the HTTP
// status alone would mislead.
var errorCodes = map[string]paykit.ErrorCode{
	"AlreadyCanceledSubscription": paykit.CodeInvalidState,
	"InactiveSubscription":        paykit.CodeInvalidState,
	"SubscriptionLocked":          paykit.CodeInvalidState,
	"RefundedAlready":             paykit.CodeInvalidState,
	"OrderNotDraft":               paykit.CodeInvalidState,
	"CheckoutForbiddenError":      paykit.CodeInvalidState,
	"ExpiredCheckoutError":        paykit.CodeInvalidState,
	"PaymentFailed":               paykit.CodeCardDeclined,
	"PaymentActionRequired":       paykit.CodeCardDeclined,
	"ResourceNotFound":            paykit.CodeNotFound,
}

// mapError turns Polar's error answers into *paykit.Error: the status
// decides the code (401 authentication, 403 permission, 404 not found,
// 409 and 412 invalid state, 422 validation, 429 rate limit, 5xx provider
// unavailable), a named Polar error may refine it, and the detail becomes
// the Message. A 422 names the first offending field in Param.
func mapError(res *providerkit.Response) *paykit.Error {
	pe := providerkit.StatusError(res)
	pe.Provider = Name
	var body struct {
		Error  string          `json:"error"`
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(res.Body, &body) != nil {
		return pe
	}
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	var detail string
	switch {
	case json.Unmarshal(body.Detail, &items) == nil && len(items) > 0:
		pe.Code = paykit.CodeValidation
		pe.Param = locParam(items[0].Loc)
		msgs := make([]string, 0, len(items))
		for _, it := range items {
			if p := locParam(it.Loc); p != "" {
				msgs = append(msgs, p+": "+it.Msg)
			} else {
				msgs = append(msgs, it.Msg)
			}
		}
		pe.Message = strings.Join(msgs, "; ")
	case json.Unmarshal(body.Detail, &detail) == nil && detail != "":
		pe.Message = detail
		if body.Error != "" {
			pe.Message = body.Error + ": " + detail
		}
	}
	if code, ok := errorCodes[body.Error]; ok {
		pe.Code = code
		pe.Retryable = false
	}
	if body.Error == "PaymentActionRequired" {
		pe.DeclineCode = "authentication_required"
	}
	if res.StatusCode == http.StatusUnprocessableEntity || res.StatusCode == http.StatusBadRequest {
		pe.Retryable = false
	}
	return pe
}

// locParam turns a FastAPI error location, e.g. ["body","customer_email"],
// into a dotted field name, without the leading body/query/path.
func locParam(loc []any) string {
	parts := make([]string, 0, len(loc))
	for i, l := range loc {
		switch v := l.(type) {
		case string:
			if i == 0 && (v == "body" || v == "query" || v == "path" || v == "header") {
				continue
			}
			parts = append(parts, v)
		case float64:
			parts = append(parts, strconv.Itoa(int(v)))
		}
	}
	return strings.Join(parts, ".")
}

// translateParam renames the Param of a validation error from Polar's
// field to paykit's, by its first segment. A name ending in ".*" keeps
// the rest of the path: {"customer_billing_address": "billing.address.*"}
// turns "customer_billing_address.country" into "billing.address.country".
func translateParam(err error, fields map[string]string) error {
	pe, ok := paykit.AsError(err)
	if !ok || pe.Param == "" || len(fields) == 0 {
		return err
	}
	head, rest, _ := strings.Cut(pe.Param, ".")
	to, ok := fields[head]
	if !ok {
		return err
	}
	cp := *pe
	cp.Param = to
	if prefix, keep := strings.CutSuffix(to, ".*"); keep {
		cp.Param = prefix
		if rest != "" {
			cp.Param += "." + rest
		}
	}
	return &cp
}
