package stripe

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/webhook"
)

// mapErr turns an error of stripe-go into a *paykit.Error whose Err is the
// original, so errors.As still reaches *stripe.Error. No message carries
// the API key: a message that echoes it has it replaced.
//
// A write that may have been applied (an *unknownOutcome: see outcome in
// transport.go) has OutcomeUnknown set, IdempotencyKey the key Stripe
// received, and is Retryable, since a retry with that key applies it at
// most once, unless the provider made the key itself (a direct call
// without one), which repeating the call would not send. A paykit.Client
// also makes it not Retryable when the Client generated the key.
//
// The error is redacted as it is built (paykit.RedactError): its fields,
// and the chain under it: the *stripe.Error's message, RawJSON and other
// fields are scrubbed in place, stripe-go's text errors (which quote a
// non-JSON body) are replaced by their redacted text.
func (a *provider) mapErr(err error) error {
	if err == nil {
		return nil
	}
	return paykit.RedactError(a.mapErrRaw(err))
}

func (a *provider) mapErrRaw(err error) *paykit.Error {
	var uo *unknownOutcome
	if errors.As(err, &uo) {
		e := a.mapErrRaw(uo.err)
		e.OutcomeUnknown, e.IdempotencyKey, e.Retryable = true, uo.key, !uo.generated
		return e
	}
	var se *stripeapi.Error
	if errors.As(err, &se) {
		e := a.mapStripeErr(se)
		if ended, ok := err.(*retriesEnded); ok {
			// Keep the deadline reachable with errors.Is.
			e.Err = ended
			e.Message += " (the call's deadline ended the retries)"
		}
		return e
	}
	e := &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Err: err}
	status := undecodableStatus(err)
	// When the deadline ended the retries, the last answer's status, if
	// it had one, is what is reported.
	_, ended := err.(*retriesEnded)
	switch {
	case errors.Is(err, context.DeadlineExceeded) && (!ended || status == 0),
		errors.Is(err, context.Canceled):
		ce := paykit.ContextError(err)
		e.Code, e.Message = ce.Code, ce.Message
	case status != 0:
		e.StatusCode = status
		e.Message = "Stripe answered " + strconv.Itoa(status) + " " + http.StatusText(status) + " with a body that is not a Stripe error"
		if ended {
			e.Message += " (the call's deadline ended the retries)"
		}
		if status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests {
			e.Code, e.Retryable = paykit.CodeProviderUnavailable, true
		}
	case errors.As(err, new(*url.Error)):
		// The HTTP client failed: refused or dropped connection, answer
		// cut short, TLS, DNS. What was safe to retry has been retried.
		e.Code, e.Retryable = paykit.CodeNetwork, true
		e.Message = "the connection to Stripe failed: " + a.scrub(innermost(err).Error())
	default:
		e.Message = a.scrub(err.Error())
	}
	return e
}

// undecodableRE matches the error stripe-go returns when an error response
// is not JSON (a proxy's HTML 502, say).
var undecodableRE = regexp.MustCompile(`^Couldn't deserialize JSON \(response status: (\d{3})`)

func undecodableStatus(err error) int {
	m := undecodableRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// stateCodes are Stripe error codes of requests that are valid but come at
// the wrong time for the object.
var stateCodes = map[stripeapi.ErrorCode]bool{
	stripeapi.ErrorCodePaymentIntentUnexpectedState: true,
	stripeapi.ErrorCodeSetupIntentUnexpectedState:   true,
	stripeapi.ErrorCodeChargeAlreadyCaptured:        true,
	stripeapi.ErrorCodeChargeExpiredForCapture:      true,
	stripeapi.ErrorCodeInvoiceNotEditable:           true,
}

func (a *provider) mapStripeErr(se *stripeapi.Error) *paykit.Error {
	// The key must not survive anywhere in the chain, the native error
	// included: it is ours (decoded from this one response), so scrub it.
	se.Msg = a.scrub(se.Msg)
	e := &paykit.Error{
		Code:        paykit.CodeOperationFailed,
		Provider:    Name,
		Message:     se.Msg,
		Param:       paramName(se.Param),
		StatusCode:  se.HTTPStatusCode,
		RequestID:   se.RequestID,
		DeclineCode: string(se.DeclineCode),
		Err:         se,
	}
	switch status := se.HTTPStatusCode; {
	case se.Type == stripeapi.ErrorTypeCard:
		e.Code = paykit.CodeCardDeclined
		if e.DeclineCode == "" {
			e.DeclineCode = string(se.Code)
		}
	case se.Type == stripeapi.ErrorTypeIdempotency, se.Code == stripeapi.ErrorCodeIdempotencyKeyInUse:
		e.Code = paykit.CodeIdempotencyConflict
		e.Retryable = se.Code == stripeapi.ErrorCodeIdempotencyKeyInUse
	case status == http.StatusUnauthorized:
		e.Code = paykit.CodeAuthentication
	case status == http.StatusForbidden:
		e.Code = paykit.CodePermission
	case status == http.StatusTooManyRequests:
		e.Code, e.Retryable = paykit.CodeRateLimited, true
		if se.LastResponse != nil {
			e.RetryAfter = retryAfter(se.LastResponse.Header.Get("Retry-After"))
		}
	case se.Code == stripeapi.ErrorCodeResourceMissing, status == http.StatusNotFound:
		e.Code = paykit.CodeNotFound
	case status >= 500, status == http.StatusRequestTimeout, se.Type == stripeapi.ErrorTypeAPI:
		e.Code, e.Retryable = paykit.CodeProviderUnavailable, true
	case status == http.StatusConflict:
		e.Code = paykit.CodeIdempotencyConflict
	case stateCodes[se.Code]:
		e.Code = paykit.CodeInvalidState
	case se.Type == stripeapi.ErrorTypeInvalidRequest:
		e.Code = paykit.CodeValidation
	}
	return e
}

// scrub removes the API key from s.
func (a *provider) scrub(s string) string {
	if a.key.IsZero() {
		return s
	}
	return strings.ReplaceAll(s, a.key.Reveal(), "[REDACTED]")
}

func retryAfter(h string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 0
}

// paramNames translates Stripe's parameter names into paykit's.
var paramNames = map[string]string{
	"line_items.0.price":                  "item_id",
	"line_items.0.quantity":               "quantity",
	"line_items.0.price_data.unit_amount": "amount",
	"line_items.0.price_data.currency":    "currency",
	"line_items.0.price_data.product":     "item_id",
	"items.0.price":                       "item_id",
	"items.0.quantity":                    "quantity",
	"items.0.price_data.unit_amount":      "amount",
	"items.0.price_data.currency":         "currency",
	"items.0.price_data.product":          "item_id",
	"customer_email":                      "customer.email",
	"payment_intent":                      "payment_id",
	"charge":                              "payment_id",
	"amount_to_capture":                   "amount",
}

// paramName turns "metadata[plan]" into "metadata.plan" and Stripe's names
// of what paykit calls otherwise into paykit's.
func paramName(p string) string {
	if p == "" || !strings.ContainsAny(p, "[_") {
		return p
	}
	p = strings.NewReplacer("][", ".", "[", ".", "]", "").Replace(p)
	if name, ok := paramNames[p]; ok {
		return name
	}
	return p
}

func signatureError(err error) error {
	msg := "no signature in the Stripe-Signature header matches the body: wrong secret, or the body was altered"
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		msg = "the delivery has no Stripe-Signature header"
	case errors.Is(err, webhook.ErrInvalidHeader):
		msg = "the Stripe-Signature header is malformed"
	case errors.Is(err, webhook.ErrTooOld):
		msg = "the signature's timestamp is older than the tolerance (a replayed delivery?)"
	}
	return &paykit.Error{Code: paykit.CodeWebhookSignature, Provider: Name, Op: paykit.OpWebhooksHandle, Message: msg, Err: err}
}
