package paykit

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrorCode is the stable, provider-neutral classification of an *Error.
// The strings match the codes of the TypeScript PayKit where one exists.
type ErrorCode string

// Error codes. Every *Error carries exactly one of them.
const (
	CodeValidation          ErrorCode = "VALIDATION_ERROR"
	CodeNotFound            ErrorCode = "RESOURCE_NOT_FOUND"
	CodeNotSupported        ErrorCode = "NOT_IMPLEMENTED"
	CodeAuthentication      ErrorCode = "AUTHENTICATION_ERROR"
	CodePermission          ErrorCode = "PERMISSION_ERROR"
	CodeRateLimited         ErrorCode = "RATE_LIMIT_ERROR"
	CodeCardDeclined        ErrorCode = "CARD_DECLINED"
	CodeIdempotencyConflict ErrorCode = "IDEMPOTENCY_CONFLICT"
	CodeInvalidState        ErrorCode = "CONSTRAINT_VIOLATION"
	CodeProviderUnavailable ErrorCode = "PROVIDER_UNAVAILABLE"
	CodeNetwork             ErrorCode = "NETWORK_ERROR"
	CodeWebhookSignature    ErrorCode = "WEBHOOK_ERROR"
	CodeConfiguration       ErrorCode = "CONFIGURATION_ERROR"
	CodeOperationFailed     ErrorCode = "OPERATION_FAILED"
)

// Error is the one error type returned by every paykit operation. Match a
// kind with errors.Is against the sentinels (ErrNotFound, ErrCardDeclined,
// ...); reach the provider's native error with errors.As through Unwrap.
//
// Secrets. An *Error is redacted when it is built (RedactError): every
// string field is clean, so Error(), %#v and json.Marshal of it carry no
// API key, token, Basic credential or card number, even one the provider
// echoed. So is the chain under it, with errors.Unwrap or errors.As:
//   - kept, and reachable with errors.As: native errors whose strings and
//     bytes are all in exported fields, cleaned in place (a provider's
//     API error type such as paypal.APIError, stripe-go's *stripe.Error
//     with its Msg, Param, LastResponse.RawJSON and headers scrubbed,
//     *url.Error), context.Canceled and context.DeadlineExceeded;
//   - replaced by an error carrying only its redacted text, which
//     errors.Is sees through (a deadline, a net error) but errors.As and
//     errors.Unwrap do not: a native error that holds a secret where it
//     cannot be changed, such as the text of fmt.Errorf or errors.New
//     quoting a response body (stripe-go's "Couldn't deserialize JSON").
//
// A native error with no secret in it is kept whatever its type.
type Error struct {
	// Code classifies the error; see the Code constants.
	Code ErrorCode
	// Message is a human-readable explanation. It never contains secrets:
	// it is redacted when the error is built.
	Message string
	// Provider names the provider that failed ("stripe", "local", ...).
	Provider string
	// Op is the operation that failed.
	Op Op
	// Param names the offending parameter, in its JSON form ("email",
	// "metadata.plan", "quantity"), when one is to blame.
	Param string
	// StatusCode is the provider's HTTP status, when there was one.
	StatusCode int
	// RequestID is the provider's request id, when it sent one.
	RequestID string
	// DeclineCode is the issuer's reason for a card decline.
	DeclineCode string
	// Retryable reports whether the same call may succeed if tried again.
	// A retried write is safe only with the same idempotency key: pass
	// WithIdempotencyKey, since the key the Client generates when you give
	// none is new on every call.
	Retryable bool
	// RetryAfter is how long the provider asked to wait before retrying.
	RetryAfter time.Duration
	// OutcomeUnknown reports that a write reached the provider and no answer
	// says whether it was applied: the connection dropped after the request
	// was sent, the provider answered 5xx or 408, or the call's context
	// ended (the Client cannot tell whether the provider had the request
	// by then, so it counts every write its context ended). The charge, refund or update
	// may have happened. Such an error is Retryable only when the call
	// carried the caller's own idempotency key on a provider that honours
	// keys; otherwise retry with WithIdempotencyKey(IdempotencyKey), which
	// makes the retry safe, or look before repeating the call.
	OutcomeUnknown bool
	// IdempotencyKey is the key a failed write was sent with (the caller's
	// or the one the Client generated), on providers that honour keys.
	// Repeating the call with WithIdempotencyKey(IdempotencyKey) applies
	// the write at most once.
	IdempotencyKey string
	// Err is the underlying error, usually the provider's native one.
	Err error

	sentinel bool
}

// Sentinels for errors.Is. Each matches every *Error with the same Code.
var (
	ErrValidation          = sentinel(CodeValidation)
	ErrNotFound            = sentinel(CodeNotFound)
	ErrNotSupported        = sentinel(CodeNotSupported)
	ErrAuthentication      = sentinel(CodeAuthentication)
	ErrPermission          = sentinel(CodePermission)
	ErrRateLimited         = sentinel(CodeRateLimited)
	ErrCardDeclined        = sentinel(CodeCardDeclined)
	ErrIdempotencyConflict = sentinel(CodeIdempotencyConflict)
	ErrInvalidState        = sentinel(CodeInvalidState)
	ErrProviderUnavailable = sentinel(CodeProviderUnavailable)
	ErrNetwork             = sentinel(CodeNetwork)
	ErrWebhookSignature    = sentinel(CodeWebhookSignature)
	ErrConfiguration       = sentinel(CodeConfiguration)
)

func sentinel(code ErrorCode) *Error { return &Error{Code: code, sentinel: true} }

// Error formats the error on one line, with secrets redacted.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("paykit: ")
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	if e.Op != "" {
		b.WriteString(string(e.Op))
		b.WriteString(": ")
	}
	b.WriteString(string(e.Code))
	if e.Param != "" {
		b.WriteString(": ")
		b.WriteString(e.Param)
	}
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.DeclineCode != "" {
		b.WriteString(" (decline code ")
		b.WriteString(e.DeclineCode)
		b.WriteString(")")
	}
	if e.StatusCode != 0 {
		b.WriteString(" [status ")
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteString("]")
	}
	if e.RequestID != "" {
		b.WriteString(" [request ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	return Redact(b.String())
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel for e's Code, so that
// errors.Is(err, paykit.ErrNotFound) works for every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel && t.Code == e.Code
}

// NewError returns an *Error with the given code and message. Providers use
// it; Provider and Op are filled in by the Client when left empty.
func NewError(code ErrorCode, msg string) *Error {
	return RedactError(&Error{Code: code, Message: msg})
}

// ValidationError returns a VALIDATION_ERROR naming the offending parameter.
func ValidationError(param, msg string) *Error {
	return RedactError(&Error{Code: CodeValidation, Param: param, Message: msg})
}

// NotFoundError returns a RESOURCE_NOT_FOUND error for the named resource.
func NotFoundError(resource, id string) *Error {
	return RedactError(&Error{Code: CodeNotFound, Param: "id", Message: resource + " " + strconv.Quote(id) + " not found"})
}

// ContextError classifies the error of a context that ended a call: an
// expired deadline is a NETWORK_ERROR "call timed out", a cancellation an
// OPERATION_FAILED "call canceled"; neither is Retryable, since a write may
// have been applied. err stays reachable, so errors.Is(e, ctx.Err()) holds.
// The Client and every provider use it, so an ended context reads alike
// whichever layer noticed it.
func ContextError(err error) *Error {
	if errors.Is(err, context.DeadlineExceeded) {
		return RedactError(&Error{Code: CodeNetwork, Message: "call timed out", Err: err})
	}
	return RedactError(&Error{Code: CodeOperationFailed, Message: "call canceled", Err: err})
}

// AsError returns err as an *Error if one is in its chain.
func AsError(err error) (*Error, bool) {
	var pe *Error
	ok := errors.As(err, &pe)
	return pe, ok
}

// IsRetryable reports whether err is an *Error marked Retryable.
func IsRetryable(err error) bool {
	pe, ok := AsError(err)
	return ok && pe.Retryable
}
