package stripe

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/form"
	"github.com/tidwall/gjson"
)

// Bounds of the sleep between retries, stripe-go's own.
const (
	minRetrySleep = 500 * time.Millisecond
	maxRetrySleep = 5 * time.Second
)

// retryBackoff is stripe-go's sleep before retry number n: 500 ms × (1 +
// (n-1)²), at most 5 s, shortened by up to a quarter but never below
// 500 ms.
var retryBackoff = providerkit.Backoff{
	Initial: minRetrySleep, Max: maxRetrySleep, Growth: providerkit.Quadratic,
	Jitter: 0.25, Floor: minRetrySleep,
}

// retryingBackend is the stripe-go backend of a provider. stripe-go sleeps
// between its retries with time.Sleep, blind to the request's context: a
// cancelled call would still wait up to 5 s, and a call with a deadline
// would overrun it and end as a timeout that hides Stripe's answer. So
// every call is sent by a stripe-go backend without retries (once), and
// retried here under stripe-go's rules (same params, so the same
// idempotency key) with sleeps that end with the context: a retry whose
// sleep would pass the deadline is not made, and the last answer is
// returned. Customer reads, which the provider sends itself (get, below),
// are retried by the same loop.
type retryingBackend struct {
	once       *stripeapi.BackendImplementation
	maxRetries int
	// noSleep makes retries immediate, for tests.
	noSleep bool
}

func (b *retryingBackend) Call(method, path, key string, params stripeapi.ParamsContainer, v stripeapi.LastResponseSetter) error {
	var p *stripeapi.Params
	if params != nil {
		p = params.GetParams()
	}
	return b.do(method, p, func() error { return b.once.Call(method, path, key, params, v) })
}

func (b *retryingBackend) CallStreaming(method, path, key string, params stripeapi.ParamsContainer, v stripeapi.StreamingLastResponseSetter) error {
	var p *stripeapi.Params
	if params != nil {
		p = params.GetParams()
	}
	return b.do(method, p, func() error { return b.once.CallStreaming(method, path, key, params, v) })
}

func (b *retryingBackend) CallRaw(method, path, key string, body *form.Values, params *stripeapi.Params, v stripeapi.LastResponseSetter) error {
	return b.do(method, params, func() error { return b.once.CallRaw(method, path, key, body, params, v) })
}

func (b *retryingBackend) CallMultipart(method, path, key, boundary string, body *bytes.Buffer, params *stripeapi.Params, v stripeapi.LastResponseSetter) error {
	// stripe-go reads body afresh on each request; it is not consumed.
	return b.do(method, params, func() error { return b.once.CallMultipart(method, path, key, boundary, body, params, v) })
}

// SetMaxNetworkRetries sets the number of retries of every call.
func (b *retryingBackend) SetMaxNetworkRetries(n int64) { b.maxRetries = int(n) }

// do sends a call with its retries. A write without an idempotency key
// gets one first, which all its tries send, as stripe-go's own retries do.
// A write that failed after a try may have been applied fails with an
// *unknownOutcome (see outcome).
func (b *retryingBackend) do(method string, p *stripeapi.Params, once func() error) error {
	ctx := context.Background()
	if p != nil && p.Context != nil {
		ctx = p.Context
	}
	deadline, _ := ctx.Deadline()
	if p == nil || method == http.MethodGet || method == http.MethodHead {
		return b.retry(ctx, deadline, once)
	}
	generated := p.IdempotencyKey == nil
	if generated {
		p.IdempotencyKey = stripeapi.String(stripeapi.NewIdempotencyKey())
	}
	// Each try reports whether its request was written to a connection,
	// which a refused dial, say, never was.
	var sent atomic.Bool
	caller := p.Context
	p.Context = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { sent.Store(true) }})
	defer func() { p.Context = caller }()
	var unknown bool
	err := b.retry(ctx, deadline, func() error {
		sent.Store(false)
		err := once()
		switch outcome(err, sent.Load()) {
		case outcomeKnown:
			unknown = false
		case outcomeUnknown:
			unknown = true
		}
		return err
	})
	if err != nil && unknown {
		return &unknownOutcome{err: err, key: *p.IdempotencyKey, generated: generated}
	}
	return err
}

// What one try of a write tells of whether the write was applied.
const (
	// outcomeSame: nothing new (a request never sent, a 409 or 429
	// refusing this try); what earlier tries said stands.
	outcomeSame = iota
	// outcomeKnown: an answer that says (a success, a 4xx).
	outcomeKnown
	// outcomeUnknown: the request was sent and no answer says: the
	// connection failed or the context ended after it was written, or
	// Stripe answered 5xx or 408.
	outcomeUnknown
)

// outcome classifies the result of one try of a write; sent reports that
// its request was written to a connection.
func outcome(err error, sent bool) int {
	status := 0
	var se *stripeapi.Error
	switch {
	case err == nil:
		return outcomeKnown
	case errors.As(err, &se):
		status = se.HTTPStatusCode
	default:
		status = undecodableStatus(err)
	}
	switch {
	case status >= http.StatusInternalServerError, status == http.StatusRequestTimeout:
		return outcomeUnknown
	case status == http.StatusConflict, status == http.StatusTooManyRequests:
		return outcomeSame
	case status >= http.StatusBadRequest:
		return outcomeKnown
	case status != 0:
		// A success whose body could not be read: applied, most
		// likely, but the answer is lost.
		return outcomeUnknown
	case sent:
		return outcomeUnknown
	}
	return outcomeSame
}

// unknownOutcome is the failure of a write that may have been applied:
// mapErr sets OutcomeUnknown and the key it was sent with.
type unknownOutcome struct {
	err error
	key string
	// generated reports that the provider made the key (a direct call
	// without one): repeating the call would send a new one.
	generated bool
}

func (e *unknownOutcome) Error() string { return e.err.Error() }

func (e *unknownOutcome) Unwrap() error { return e.err }

// retry makes attempt until it succeeds, fails in a way that is not
// retried, or has been retried maxRetries times, sleeping between tries as
// stripe-go does. A sleep ends with ctx, and a retry that could not start
// before deadline (if not zero) is not made: the last answer is returned.
// The caller makes every attempt send the same request, idempotency key
// included.
func (b *retryingBackend) retry(ctx context.Context, deadline time.Time, attempt func() error) error {
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
		sleep := retryBackoff.Ceiling(retry + 1)
		if !deadline.IsZero() && time.Until(deadline) < sleep {
			// The retry could not start before the deadline.
			return err
		}
		if b.noSleep {
			continue
		}
		t := time.NewTimer(retryBackoff.Delay(retry + 1))
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

// Customer reads, whose answers paykit decodes itself, skip stripe-go's
// backend's Do. It validates every answer with encoding/json
// four times over (its response wrapper and then the target are each
// unmarshalled, and each unmarshal scans the body twice), copies the body
// into a string for a debug log line that is not printed, and gives a GET
// a request body: a fifth of the client's CPU for a customer read. get
// sends the request stripe-go would send, built by the backend's
// NewRequest (same headers), through the same HTTP client, and leaves
// errors to stripe-go: ResponseToError builds the *stripe.Error of a
// failed answer. Its retries are those of every call (retryingBackend).

// get sends GET path (query included) and returns the answer, a JSON
// object, retrying as stripe-go would: connection failures, including an
// answer cut short, and the answers Stripe marks retryable. An answer that
// is not a JSON object fails as it would through stripe-go.
func (a *provider) get(ctx context.Context, path string) ([]byte, error) {
	if ctx == nil {
		// As stripe-go's calls, which take a nil context.
		ctx = context.Background()
	}
	var body []byte
	deadline, _ := ctx.Deadline()
	err := a.retry.retry(ctx, deadline, func() (err error) {
		body, err = a.getOnce(ctx, path)
		return err
	})
	return body, err
}

func (a *provider) getOnce(ctx context.Context, path string) ([]byte, error) {
	req, err := a.backend.NewRequest(http.MethodGet, path, a.key.Reveal(), formContentType, &stripeapi.Params{Context: ctx})
	if err != nil {
		return nil, err
	}
	res, err := a.backend.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := readBody(res)
	if err != nil {
		// The connection failed mid-answer: a connection failure,
		// retried and reported as one.
		return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: err}
	}
	if res.StatusCode >= http.StatusBadRequest {
		return nil, a.backend.ResponseToError(res, body)
	}
	return a.object(res.StatusCode, body)
}

// object returns body, a successful answer, trimmed, if it is a JSON
// object; else the error stripe-go reports for an answer it cannot
// decode, which mapErr reads.
func (a *provider) object(status int, body []byte) ([]byte, error) {
	body = bytes.TrimSpace(body)
	if mustBeObject(body) != nil || !gjson.ValidBytes(body) {
		if err := a.backend.UnmarshalJSONVerbose(status, body, new(wireResponse)); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("Couldn't deserialize JSON (response status: %d): %w", status, errNotObject)
	}
	return body[:len(body):len(body)], nil
}

// formContentType is the Content-Type stripe-go gives every request of
// its API backend, reads included.
const formContentType = "application/x-www-form-urlencoded"

// maxPresized is the largest declared length of an answer that readBody
// allocates up front; a longer one grows as it arrives.
const maxPresized = 1 << 20

// readBody reads and closes the body of res, in one allocation when its
// length is declared.
func readBody(res *http.Response) ([]byte, error) {
	defer res.Body.Close()
	if n := res.ContentLength; n > 0 && n <= maxPresized {
		body := make([]byte, n)
		if _, err := io.ReadFull(res.Body, body); err != nil {
			return nil, err
		}
		return body, nil
	}
	return io.ReadAll(res.Body)
}

// wireIter returns the iterator over the pages of the list at path that
// stripe-go's List methods would return, with wireObject items, each page
// read with get.
func (a *provider) wireIter(path string, params stripeapi.ListParamsContainer) *stripeapi.Iter {
	return stripeapi.GetIter(params, func(p *stripeapi.Params, values *form.Values) ([]any, stripeapi.ListContainer, error) {
		list := &wireList{}
		query := path
		if values != nil && !values.Empty() {
			query += "?" + values.Encode()
		}
		body, err := a.get(p.Context, query)
		if err == nil {
			list.read(body)
		}
		return list.items, list, err
	})
}
