package paykit

import (
	"context"
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
	// A retried write is safe only with the same idempotency key: pass
	// WithIdempotencyKey, since the key the Client generates when you give
	// none is new on every call.
	Retryable bool
	// RetryAfter is how long the provider asked to wait before retrying.
	RetryAfter time.Duration
	// OutcomeUnknown reports that a write reached the provider and no answer
	// says whether it was applied: the connection dropped after the request
	// was sent, the provider answered 5xx or 408, or the call's context
	// ended while the request was in flight. The charge, refund or update
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

// ContextError classifies the error of a context that ended a call: an
// expired deadline is a NETWORK_ERROR "call timed out", a cancellation an
// OPERATION_FAILED "call canceled"; neither is Retryable, since a write may
// have been applied. err stays reachable, so errors.Is(e, ctx.Err()) holds.
// The Client and every provider use it, so an ended context reads alike
// whichever layer noticed it.
func ContextError(err error) *Error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeNetwork, Message: "call timed out", Err: err}
	}
	return &Error{Code: CodeOperationFailed, Message: "call canceled", Err: err}
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

// secretPattern matches credentials that must never reach an error or a
// log: provider API keys, webhook secrets and bearer tokens.
var secretPattern = regexp.MustCompile(
	`\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9*]{6,}` + // Stripe keys
		`|\bwhsec_[A-Za-z0-9+/=_-]{6,}` + // webhook secrets
		`|\bpolar_[a-z]{2,4}_[A-Za-z0-9]{10,}` + // Polar tokens
		`|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}`) // Authorization header values

// panPattern matches card-number candidates: runs of digit groups joined
// by single spaces or hyphens. Redact splits each at its separators and
// redacts every run of consecutive groups holding 13 to 19 digits that
// passes the Luhn check and stands alone, so a card number next to another
// number ("4242424242424242 12/34") is found, while one glued into a UUID
// or a longer token is not.
var panPattern = regexp.MustCompile(`\b\d+(?:[ -]\d+)*\b`)

// Redact returns s with API keys, webhook secrets, bearer tokens and card
// numbers replaced by "[REDACTED]". Every error string and log line of
// paykit goes through it.
func Redact(s string) string {
	secrets, digits := mayHoldSecret(s)
	if secrets {
		s = secretPattern.ReplaceAllString(s, "[REDACTED]")
	}
	if !digits {
		return s
	}
	var b strings.Builder
	last := 0
	var groups [][2]int
	var covered []bool
	for _, m := range panPattern.FindAllStringIndex(s, -1) {
		groups = digitGroups(s, m[0], m[1], groups[:0])
		covered = markCards(s, groups, append(covered[:0], make([]bool, len(groups))...))
		for i := 0; i < len(groups); i++ {
			if !covered[i] {
				continue
			}
			j := i
			for j+1 < len(groups) && covered[j+1] {
				j++
			}
			b.WriteString(s[last:groups[i][0]])
			b.WriteString("[REDACTED]")
			last = groups[j][1]
			i = j
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// digitGroups appends to dst the [start, end) of each digit run in
// s[start:end], a panPattern match.
func digitGroups(s string, start, end int, dst [][2]int) [][2]int {
	for i := start; i < end; {
		j := i
		for j < end && isDigit(s[j]) {
			j++
		}
		dst = append(dst, [2]int{i, j})
		i = j + 1 // skip the one separator
	}
	return dst
}

// markCards sets covered[k] for every group k inside some run of groups
// that is a card number: 13 to 19 digits, Luhn-valid and standing alone.
// Every such run is marked, not only the first found, so a number that
// happens to form a valid run with a card's first groups cannot leave the
// card's other groups visible.
func markCards(s string, groups [][2]int, covered []bool) []bool {
	for i := range groups {
		if !standsAlone(s, groups, i, true) {
			continue
		}
		n := 0
		for j := i; j < len(groups); j++ {
			if n += groups[j][1] - groups[j][0]; n > 19 {
				break
			}
			if n >= 13 && standsAlone(s, groups, j, false) && luhnValid(s[groups[i][0]:groups[j][1]]) {
				for k := i; k <= j; k++ {
					covered[k] = true
				}
			}
		}
	}
	return covered
}

// standsAlone reports whether groups[k] can begin (left) or end a card
// number: next to it is a space or nothing that joins it to a longer token
// (a hyphen joins the groups of a UUID or an id).
func standsAlone(s string, groups [][2]int, k int, left bool) bool {
	if left {
		if k > 0 {
			return s[groups[k][0]-1] == ' '
		}
		p := groups[k][0]
		return p == 0 || !joins(s[p-1], p >= 2 && isDigit(s[p-2]))
	}
	if k < len(groups)-1 {
		return s[groups[k][1]] == ' '
	}
	p := groups[k][1]
	return p == len(s) || !joins(s[p], p+1 < len(s) && isDigit(s[p+1]))
}

// luhnValid reports whether the digits of s, other characters skipped,
// pass the Luhn check.
func luhnValid(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit(c) {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return sum%10 == 0
}

// joins reports whether c, next to a digit run, makes it part of a longer
// token: a hyphen or underscore, or a decimal point followed by a digit.
func joins(c byte, digitBeyond bool) bool {
	return c == '-' || c == '_' || c == '.' && digitBeyond
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mayHoldSecret is a cheap pre-check that keeps Redact off the regexp
// engine for the common, secret-free string: it reports whether s holds a
// credential marker, and whether it holds a run of 13 or more digits.
func mayHoldSecret(s string) (secrets, digits bool) {
	for _, marker := range [...]string{"_live_", "_test_", "whsec_", "polar_"} {
		if strings.Contains(s, marker) {
			secrets = true
			break
		}
	}
	run := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if run++; run >= 13 {
				digits = true
			}
		case c == 'b' || c == 'B':
			if !secrets && i+6 <= len(s) && strings.EqualFold(s[i:i+6], "bearer") {
				secrets = true
			}
			run = 0
		case c != ' ' && c != '-':
			run = 0
		}
	}
	return secrets, digits
}
