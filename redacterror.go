package paykit

import (
	"errors"
	"reflect"
)

// RedactError redacts every string field of e (Message, Param, RequestID,
// DeclineCode, Provider, Op) with Redact, except IdempotencyKey, which the
// caller or the Client chose and a retry must repeat verbatim, cleans the
// error chain under it, and returns e. It writes a field only when
// redaction changes it, so an *Error shared between calls (a provider's
// configuration error) is not written concurrently once it is clean.
//
// The chain: an *Error in it is redacted likewise. Any other error is
// cleaned in place when it can be: every string and []byte reachable
// through its exported fields (a provider's API error type, stripe-go's
// *stripe.Error with LastResponse.RawJSON and its headers, *url.Error) is
// redacted, and the error stays reachable with errors.As. An error that
// holds a secret where it cannot be changed (an unexported field, such as
// the text of fmt.Errorf or errors.New, which may quote a response body)
// is replaced by an error carrying its redacted text: errors.Is still
// sees through it (context.DeadlineExceeded, net errors), errors.As and
// errors.Unwrap do not.
//
// The paykit Client calls RedactError on every error it returns, as does
// providerkit's RESTClient on every error it builds, and NewError,
// ValidationError, NotFoundError and ContextError on theirs. A provider
// that builds an *Error otherwise and returns it from a direct call calls
// it too.
func RedactError(e *Error) *Error {
	if e == nil || e.sentinel {
		return e
	}
	redactField(&e.Message)
	redactField(&e.Param)
	redactField(&e.RequestID)
	redactField(&e.DeclineCode)
	redactField(&e.Provider)
	if op := Op(Redact(string(e.Op))); op != e.Op {
		e.Op = op
	}
	if err := redactChain(e.Err); err != e.Err {
		e.Err = err
	}
	return e
}

func redactField(p *string) {
	if r := Redact(*p); r != *p {
		*p = r
	}
}

// redactChain returns err cleaned in place, or a redactedError standing
// for it (see RedactError).
func redactChain(err error) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*Error); ok {
		RedactError(pe)
		return err
	}
	if scrubValue(reflect.ValueOf(err), map[uintptr]bool{}, 0) {
		return err
	}
	return &redactedError{msg: Redact(err.Error()), err: err}
}

// redactedError stands in the chain for a native error that held a
// secret paykit could not remove: its text, redacted. It has no Unwrap,
// so nothing reaches the original, but errors.Is answers for it.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is reports whether the original error matches target (errors.Is), so
// that context.DeadlineExceeded and sentinels stay recognisable.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// maxScrubDepth bounds the walk of scrubValue; a value nested deeper
// counts as unclean, so its error is replaced.
const maxScrubDepth = 48

// scrubValue redacts, in place, every string and []byte reachable from v
// that can be set, and reports whether nothing that needs redaction is
// left (none was found where it could not be set).
func scrubValue(v reflect.Value, seen map[uintptr]bool, depth int) bool {
	if depth > maxScrubDepth {
		return false
	}
	switch v.Kind() {
	case reflect.String:
		return scrubText(v, v.String(), v.SetString)
	case reflect.Slice:
		if v.IsNil() {
			return true
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return scrubText(v, string(v.Bytes()), func(r string) { v.SetBytes([]byte(r)) })
		}
		if seen[v.Pointer()] && v.Len() > 0 {
			return true
		}
		seen[v.Pointer()] = true
		fallthrough
	case reflect.Array:
		clean := true
		for i := range v.Len() {
			clean = scrubValue(v.Index(i), seen, depth+1) && clean
		}
		return clean
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return true
		}
		seen[v.Pointer()] = true
		return scrubValue(v.Elem(), seen, depth+1)
	case reflect.Interface:
		if v.IsNil() {
			return true
		}
		return scrubValue(v.Elem(), seen, depth+1)
	case reflect.Struct:
		clean := true
		for i := range v.NumField() {
			clean = scrubValue(v.Field(i), seen, depth+1) && clean
		}
		return clean
	case reflect.Map:
		if v.IsNil() {
			return true
		}
		clean := true
		iter := v.MapRange()
		for iter.Next() {
			val := iter.Value()
			if !v.CanInterface() {
				// Reached through an unexported field: nothing can be
				// stored back, only checked.
				clean = scrubValue(val, seen, depth+1) && clean
				continue
			}
			// A map's values cannot be set in place: clean a copy and
			// store it back.
			cp := reflect.New(val.Type()).Elem()
			cp.Set(val)
			if val.Kind() == reflect.Slice && !val.IsNil() {
				dup := reflect.MakeSlice(val.Type(), val.Len(), val.Len())
				reflect.Copy(dup, val)
				cp.Set(dup)
			}
			if !scrubValue(cp, seen, depth+1) {
				clean = false
				continue
			}
			if !reflect.DeepEqual(cp.Interface(), val.Interface()) {
				v.SetMapIndex(iter.Key(), cp)
			}
		}
		return clean
	}
	return true
}

// scrubText redacts text, the content of v, storing it back with set when
// v can be set, and reports whether what is left is clean.
func scrubText(v reflect.Value, text string, set func(string)) bool {
	r := Redact(text)
	if r == text {
		return true
	}
	if v.CanSet() {
		set(r)
		return true
	}
	return false
}
