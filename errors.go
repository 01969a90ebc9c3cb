package paykit

import (
	"errors"
	"regexp"
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
type Error struct {
	// Code classifies the error; see the Code constants.
	Code ErrorCode
	// Message is a human-readable explanation. It never contains secrets.
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
	Retryable bool
	// RetryAfter is how long the provider asked to wait before retrying.
	RetryAfter time.Duration
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
	return &Error{Code: code, Message: msg}
}

// ValidationError returns a VALIDATION_ERROR naming the offending parameter.
func ValidationError(param, msg string) *Error {
	return &Error{Code: CodeValidation, Param: param, Message: msg}
}

// NotFoundError returns a RESOURCE_NOT_FOUND error for the named resource.
func NotFoundError(resource, id string) *Error {
	return &Error{Code: CodeNotFound, Param: "id", Message: resource + " " + strconv.Quote(id) + " not found"}
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

// secretPattern matches strings that must never reach an error or a log:
// provider API keys and webhook secrets, bearer tokens and card numbers.
var secretPattern = regexp.MustCompile(
	`\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9*]{6,}` + // Stripe keys
		`|\bwhsec_[A-Za-z0-9+/=_-]{6,}` + // webhook secrets
		`|\bpolar_[a-z]{2,4}_[A-Za-z0-9]{10,}` + // Polar tokens
		`|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}` + // Authorization header values
		`|\b(?:\d[ -]?){12,18}\d\b`) // card numbers (PANs)

// Redact returns s with API keys, webhook secrets, bearer tokens and card
// numbers replaced by "[REDACTED]". Every error string and log line of
// paykit goes through it.
func Redact(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	return secretPattern.ReplaceAllString(s, "[REDACTED]")
}

// mayHoldSecret is a cheap pre-check that keeps Redact off the regexp
// engine for the common, secret-free string.
func mayHoldSecret(s string) bool {
	for _, marker := range [...]string{"_live_", "_test_", "whsec_", "polar_", "earer"} {
		if strings.Contains(s, marker) {
			return true
		}
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits++; digits >= 13 {
				return true
			}
		case c != ' ' && c != '-':
			digits = 0
		}
	}
	return false
}
