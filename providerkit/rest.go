package providerkit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paykit-go/paykit"
)

// Defaults used when the RESTConfig fields are zero.
const (
	DefaultMaxRetries    = 2
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 8 * time.Second
	DefaultMaxRetryAfter = 30 * time.Second
	DefaultTimeout       = 60 * time.Second
	// MaxResponseBytes bounds the body read from one response.
	MaxResponseBytes = 16 << 20
)

// Authenticator adds credentials to an outgoing request.
type Authenticator interface {
	Authenticate(ctx context.Context, req *http.Request) error
}

// AuthFunc adapts a function to Authenticator.
type AuthFunc func(ctx context.Context, req *http.Request) error

// Authenticate calls f.
func (f AuthFunc) Authenticate(ctx context.Context, req *http.Request) error { return f(ctx, req) }

// BearerToken authenticates with "Authorization: Bearer <token>". An empty
// token fails every call with a CONFIGURATION_ERROR naming param, before
// anything is sent.
func BearerToken(token, param string) Authenticator {
	secret := NewSecret(token)
	return AuthFunc(func(_ context.Context, req *http.Request) error {
		if secret.IsZero() {
			return &paykit.Error{Code: paykit.CodeConfiguration, Param: param, Message: param + " is empty"}
		}
		req.Header.Set("Authorization", "Bearer "+secret.Reveal())
		return nil
	})
}

// RESTConfig configures a RESTClient. Only BaseURL is required.
type RESTConfig struct {
	// Provider names the provider in errors and logs.
	Provider string
	// BaseURL is the scheme and host (and optional path prefix) every
	// Request.Path is appended to.
	BaseURL string
	// HTTPClient sends the requests; nil uses a client of its own.
	HTTPClient *http.Client
	// Auth adds credentials to every attempt; nil sends none. When it is
	// also a Reauthenticator, a 401 replaces the credentials and repeats
	// the request once (see RESTClient).
	Auth Authenticator
	// Header is sent with every request (User-Agent, API version, ...).
	Header http.Header
	// IdempotencyHeader is the header that carries Request.IdempotencyKey,
	// for providers that honour idempotency keys. Empty means the provider
	// honours none: keys are not sent and writes that may have reached the
	// server are never retried.
	IdempotencyHeader string
	// RequestIDHeaders are the response headers that may hold the
	// provider's request id; the first present is used. Default
	// X-Request-Id.
	RequestIDHeaders []string
	// MaxRetries is how many times a failed call is repeated at most; 0
	// means never. The one repeat after a 401 that a Reauthenticator
	// answered is not counted. Providers usually pass DefaultMaxRetries.
	MaxRetries int
	// BaseDelay is the first backoff; it doubles on each retry up to
	// MaxDelay, with jitter. Defaults DefaultBaseDelay, DefaultMaxDelay.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the RESTClient waits out by
	// itself; a longer one ends the call with the error (its RetryAfter
	// set). Default DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// Timeout bounds each attempt, in addition to ctx; negative means no
	// bound of its own. Default DefaultTimeout.
	Timeout time.Duration
	// MapError turns a non-2xx response into an error. The RESTClient then
	// fills StatusCode, RequestID and RetryAfter where MapError left them
	// zero, and makes a 401 AUTHENTICATION_ERROR whatever code MapError
	// gave it. Nil uses StatusError.
	MapError func(*Response) *paykit.Error
	// Logger receives one debug record per attempt and per retry: method,
	// path, status, attempt, duration, request id. Headers and bodies are
	// never logged; every string goes through paykit.Redact.
	Logger *slog.Logger
}

// RESTClient sends requests to one provider API: JSON and form bodies,
// pluggable authentication, retries that never duplicate a write, request
// ids in errors, and debug logging with secrets redacted. It is safe for
// concurrent use.
//
// Retries. A call is retried on a dropped or refused connection, on 408,
// 429 and 5xx (except 501 and 505), with exponential backoff and jitter,
// waiting at least as long as the server's Retry-After, and never once ctx
// is done. A read (GET, HEAD, OPTIONS) is always safe to repeat. A write is
// repeated only when the provider honours idempotency keys
// (RESTConfig.IdempotencyHeader) and the request carries one (the same key on
// every attempt), or when the connection was never established, so the
// server cannot have seen it. A write that may have reached a provider
// without keys is never repeated and its error is not Retryable, except
// for 429, which the server answers before doing anything. A 408 is
// treated like a 5xx there: it may come from a proxy or load balancer that
// does not speak for the provider's server. Every repeat counts against
// RESTConfig.MaxRetries, save the one repeat after a refused credential
// (below).
//
// Outcome unknown. The error of a write (any method but GET, HEAD and
// OPTIONS) has OutcomeUnknown set when an attempt of it may have been
// applied: the connection dropped or the answer was lost after the request
// was sent, ctx ended while the server had it, or the server answered 408
// or 5xx (501 and 505 included: they are not repeated, but do not prove
// that nothing was done). Once set it stays set, even if a later attempt
// is answered 429. It is never set on a read, on a write that was never
// sent (a refused dial, missing credentials) or on a write answered only
// with 4xx other than 408: those prove the server did nothing. The
// transport adds no advice of its own to the message: the paykit Client
// completes such an error the same way for every provider (the
// idempotency key, Retryable, and how to repeat the call safely).
//
// Refused credentials. When the API answers 401 and RESTConfig.Auth is
// also a Reauthenticator (a TokenManager is), Reauthenticate is called
// with the request that was refused and the request is sent once more,
// at once: a 401 means the API acted on nothing, so this is safe for a
// write without keys too, and it does not count against MaxRetries, whose
// budget is for faults. It happens at most once per call; a second 401
// fails with paykit.ErrAuthentication. A 401 is AUTHENTICATION_ERROR
// whatever MapError answers. Credentials that cannot be obtained fail the
// call before anything is sent; when their error is Retryable (a token
// endpoint answering 5xx or 429, or out of reach), the attempt is
// repeated like any fault, with the same backoff and budget.
//
// Context. A call whose ctx is done fails with ContextError's error, which
// matches ctx.Err() with errors.Is. When ctx ends the call between two
// attempts (canceled during the wait, or a deadline that comes before the
// wait would end), that error also carries the last answer's StatusCode,
// RequestID, RetryAfter and OutcomeUnknown, and its message.
type RESTClient struct {
	cfg     RESTConfig
	http    *http.Client
	backoff Backoff
	sleep   func(ctx context.Context, d time.Duration) error
}

// NewRESTClient returns a RESTClient for cfg.
func NewRESTClient(cfg RESTConfig) *RESTClient {
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = DefaultBaseDelay
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if len(cfg.RequestIDHeaders) == 0 {
		cfg.RequestIDHeaders = []string{"X-Request-Id"}
	}
	if cfg.MapError == nil {
		cfg.MapError = StatusError
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	// The wait before retry n: BaseDelay doubled n-1 times, capped at
	// MaxDelay, with jitter in [d/2, d].
	backoff := Backoff{Initial: cfg.BaseDelay, Max: cfg.MaxDelay, Jitter: 0.5}
	return &RESTClient{cfg: cfg, http: hc, backoff: backoff, sleep: sleepCtx}
}

// Request is one logical call.
type Request struct {
	// Method is the HTTP method; GET, HEAD and OPTIONS are reads, every
	// other method a write.
	Method string
	// Path is appended to RESTConfig.BaseURL, e.g. "/v1/customers/".
	Path string
	// Query is the URL's query.
	Query url.Values
	// JSON, when non-nil, is marshaled as the application/json body.
	JSON any
	// Form, when non-nil, is the application/x-www-form-urlencoded body.
	Form url.Values
	// Header is added to this request only.
	Header http.Header
	// IdempotencyKey is sent in RESTConfig.IdempotencyHeader, unchanged on
	// every attempt, when the provider honours keys.
	IdempotencyKey string
	// GeneratedKey reports that IdempotencyKey is the provider's own,
	// made for a direct call that brought none (see IdempotencyKey): a
	// repeat of the call would carry another, so the error of a write
	// whose outcome is unknown is then not Retryable.
	GeneratedKey bool
}

// IdempotencyKey returns the key a write sends: the call's
// (ro.IdempotencyKey, which a paykit.Client always sets), or, for a
// provider method called directly without one, a new key, with
// generated true. Put both in Request.IdempotencyKey and
// Request.GeneratedKey, so that the write is as safe to retry as through
// a Client and its error says whether repeating it is.
func IdempotencyKey(ro *paykit.RequestOptions) (key string, generated bool) {
	if ro != nil && ro.IdempotencyKey != "" {
		return ro.IdempotencyKey, false
	}
	return rand.Text(), true
}

// Response is a provider's answer.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// RequestID is the provider's request id, when it sent one.
	RequestID string
	// Attempts is how many times the request was sent.
	Attempts int

	// sent is the request this answers, as sent (credentials included),
	// for a Reauthenticator.
	sent *http.Request
}

// Do sends req, retrying as RESTClient describes, and
// decodes a 2xx JSON body into out (when out is non-nil and the body is
// not empty). Every error is a *paykit.Error; a non-2xx answer is turned
// into one by RESTConfig.MapError and the Response is returned with it.
//
// The error of a write whose outcome is unknown carries the key it was
// sent with in IdempotencyKey (on a provider that takes keys), so the
// caller can repeat it at most once. A provider whose methods may be
// called directly, without a paykit.Client, sets a key of its own on a
// write that has none (the Client always gives one), so that such a call
// is as safe to retry.
func (c *RESTClient) Do(ctx context.Context, req *Request, out any) (*Response, error) {
	res, err := c.do(ctx, req, out)
	if pe, ok := err.(*paykit.Error); ok && pe.OutcomeUnknown && c.cfg.IdempotencyHeader != "" {
		pe.IdempotencyKey = req.IdempotencyKey
		if req.GeneratedKey {
			// A plain repeat of the call would carry another key.
			pe.Retryable = false
		}
	}
	return res, err
}

func (c *RESTClient) do(ctx context.Context, req *Request, out any) (*Response, error) {
	body, contentType, err := encodeBody(req)
	if err != nil {
		return nil, err
	}
	write := !isRead(req.Method)
	replaySafe := !write || (c.cfg.IdempotencyHeader != "" && req.IdempotencyKey != "")
	reauth, _ := c.cfg.Auth.(Reauthenticator)
	// applied: an attempt of this write may have been applied, so the
	// error the call ends with has OutcomeUnknown.
	applied, reauthenticated := false, false
	// tries counts the attempts for the logs, sent those that reached
	// the HTTP client (Response.Attempts), retries the repeats that
	// count against MaxRetries.
	tries, sent, retries := 0, 0, 0
	for {
		if err := ctx.Err(); err != nil {
			pe := paykit.ContextError(err)
			pe.OutcomeUnknown = applied
			return nil, pe
		}
		tries++
		start := time.Now()
		res, connected, err := c.attempt(ctx, req, body, contentType)
		var pe *paykit.Error
		var ns *notSent
		retry, logged := false, false
		switch {
		case errors.As(err, &ns):
			// Nothing was sent: a failed token request may be repeated
			// like any fault, anything else (a bad URL, no key) fails now.
			pe = ns.err
			retry = pe.Retryable && ctx.Err() == nil
		case err != nil:
			sent++
			pe = transportError(ctx, err)
			seen := connected || !isDialError(err)
			retry = ctx.Err() == nil && (replaySafe || !seen)
			if seen && write {
				applied = true
				if !replaySafe {
					pe.Retryable = false
				}
			}
		case res.StatusCode >= 200 && res.StatusCode < 300:
			sent++
			res.Attempts = sent
			c.log(ctx, req, tries, time.Since(start), res.StatusCode, res.RequestID, nil)
			if out != nil && len(bytes.TrimSpace(res.Body)) > 0 {
				if err := json.Unmarshal(res.Body, out); err != nil {
					// A write the provider answered with success was
					// applied, but what it made is unknown.
					return res, paykit.RedactError(&paykit.Error{Code: paykit.CodeOperationFailed, StatusCode: res.StatusCode, RequestID: res.RequestID,
						Message: "cannot decode the provider's response: " + err.Error(), Err: err, OutcomeUnknown: write})
				}
			}
			return res, nil
		default:
			sent++
			res.Attempts = sent
			pe = c.statusError(res)
			if res.StatusCode == http.StatusUnauthorized && reauth != nil && !reauthenticated && ctx.Err() == nil {
				// The API refused the credentials and acted on nothing:
				// replace them and repeat the request once, even a write,
				// without waiting and outside the MaxRetries budget.
				reauthenticated, logged = true, true
				c.log(ctx, req, tries, time.Since(start), res.StatusCode, pe.RequestID, pe)
				if err := reauth.Reauthenticate(ctx, res.sent); err != nil {
					pe = authError(err)
					retry = pe.Retryable && ctx.Err() == nil
					break
				}
				c.logRetry(ctx, req, tries, 0, pe)
				continue
			}
			if write && (res.StatusCode == http.StatusRequestTimeout || res.StatusCode >= 500) {
				// The server, or a proxy that does not speak for it, had
				// the write and does not say what became of it. Another
				// 4xx, 429 included, is answered before doing anything.
				applied = true
			}
			if retryableStatus(res.StatusCode) {
				retry = replaySafe
				if !replaySafe && res.StatusCode != http.StatusTooManyRequests {
					pe.Retryable = false
				}
			}
		}
		pe.OutcomeUnknown = pe.OutcomeUnknown || applied
		if ns == nil && !logged {
			status := 0
			if res != nil {
				status = res.StatusCode
			}
			c.log(ctx, req, tries, time.Since(start), status, pe.RequestID, pe)
		}
		if !retry || retries >= c.cfg.MaxRetries || pe.RetryAfter > c.cfg.MaxRetryAfter {
			return res, pe
		}
		retries++
		wait := max(c.backoff.Delay(retries), pe.RetryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			return res, interrupted(context.DeadlineExceeded, pe)
		}
		c.logRetry(ctx, req, tries, wait, pe)
		if err := c.sleep(ctx, wait); err != nil {
			return res, interrupted(err, pe)
		}
	}
}

// interrupted is the error of a call that ctx ended while it waited to
// repeat a failed attempt: paykit.ContextError(ctxErr), with the last attempt's
// status, request id, Retry-After, OutcomeUnknown and message. A deadline
// keeps the last error's Retryable (the call was safe to repeat, it ran out
// of time); a cancellation is not Retryable.
func interrupted(ctxErr error, last *paykit.Error) *paykit.Error {
	pe := paykit.ContextError(ctxErr)
	pe.Provider = last.Provider
	pe.StatusCode, pe.RequestID, pe.RetryAfter = last.StatusCode, last.RequestID, last.RetryAfter
	pe.OutcomeUnknown = last.OutcomeUnknown
	why := last.Message
	if why == "" {
		why = string(last.Code)
	}
	pe.Message += " before the call could be retried; last attempt: " + why
	if pe.Code == paykit.CodeNetwork {
		pe.Retryable = last.Retryable
	}
	return paykit.RedactError(pe)
}

// authError is the *paykit.Error of an Authenticator or Reauthenticator
// that failed: its own (copied, so that the transport's changes stay its
// own), or an AUTHENTICATION_ERROR carrying its message.
func authError(err error) *paykit.Error {
	if pe, ok := paykit.AsError(err); ok {
		cp := *pe
		return paykit.RedactError(&cp)
	}
	return paykit.RedactError(&paykit.Error{Code: paykit.CodeAuthentication, Message: "cannot authenticate the request: " + err.Error(), Err: err})
}

// notSent marks an attempt that failed before anything was sent, for a
// reason retrying cannot fix (bad URL, missing credentials).
type notSent struct{ err *paykit.Error }

func (e *notSent) Error() string { return e.err.Error() }

// attempt sends req once. connected reports whether a connection to the
// server was obtained, i.e. whether the server may have seen the request.
func (c *RESTClient) attempt(ctx context.Context, req *Request, body []byte, contentType string) (*Response, bool, error) {
	if c.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	}
	// The request is built and authenticated before the trace is on its
	// context: a token request Authenticate makes must not count as this
	// attempt reaching the API.
	hr, err := c.newRequest(ctx, req, body, contentType)
	if err != nil {
		return nil, false, err
	}
	var connected atomic.Bool
	hr = hr.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	}))
	hres, err := c.http.Do(hr)
	if err != nil {
		return nil, connected.Load(), err
	}
	defer hres.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hres.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, true, err
	}
	if len(data) > MaxResponseBytes {
		return nil, true, errors.New("response body exceeds " + strconv.Itoa(MaxResponseBytes) + " bytes")
	}
	return &Response{StatusCode: hres.StatusCode, Header: hres.Header, Body: data, RequestID: c.requestID(hres.Header), sent: hr}, true, nil
}

func (c *RESTClient) newRequest(ctx context.Context, req *Request, body []byte, contentType string) (*http.Request, error) {
	u := c.cfg.BaseURL + req.Path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, u, rd)
	if err != nil {
		return nil, &notSent{&paykit.Error{Code: paykit.CodeConfiguration, Message: "cannot build the request: " + err.Error(), Err: err}}
	}
	for k, vs := range c.cfg.Header {
		hr.Header[k] = append([]string(nil), vs...)
	}
	for k, vs := range req.Header {
		hr.Header[k] = append([]string(nil), vs...)
	}
	hr.Header.Set("Accept", "application/json")
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	if c.cfg.IdempotencyHeader != "" && req.IdempotencyKey != "" {
		hr.Header.Set(c.cfg.IdempotencyHeader, req.IdempotencyKey)
	}
	if c.cfg.Auth != nil {
		if err := c.cfg.Auth.Authenticate(ctx, hr); err != nil {
			return nil, &notSent{authError(err)}
		}
	}
	return hr, nil
}

func encodeBody(req *Request) ([]byte, string, error) {
	switch {
	case req.JSON != nil && req.Form != nil:
		return nil, "", &paykit.Error{Code: paykit.CodeConfiguration, Message: "request has both a JSON and a form body"}
	case req.JSON != nil:
		// Without HTML escaping: a provider reads the body, no browser
		// does, and a json.RawMessage in it (a webhook event sent back for
		// verification) must keep its bytes: "<", ">" and "&" would become
		// \u003c, \u003e and \u0026.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(req.JSON); err != nil {
			return nil, "", &paykit.Error{Code: paykit.CodeValidation, Message: "cannot encode the request body: " + err.Error(), Err: err}
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), "application/json", nil
	case req.Form != nil:
		return []byte(req.Form.Encode()), "application/x-www-form-urlencoded", nil
	}
	return nil, "", nil
}

// isDialError reports whether err says that no connection could be made
// (refused, unreachable, DNS failure): the server never saw the request.
func isDialError(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

func isRead(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

func retryableStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented, code == http.StatusHTTPVersionNotSupported:
		return false
	}
	return code >= 500 && code <= 599
}

func (c *RESTClient) requestID(h http.Header) string {
	for _, name := range c.cfg.RequestIDHeaders {
		if v := h.Get(name); v != "" {
			return v
		}
	}
	return ""
}

func (c *RESTClient) statusError(res *Response) *paykit.Error {
	pe := c.cfg.MapError(res)
	if pe == nil {
		pe = StatusError(res)
	}
	if pe.StatusCode == 0 {
		pe.StatusCode = res.StatusCode
	}
	if pe.RequestID == "" {
		pe.RequestID = res.RequestID
	}
	if pe.RetryAfter == 0 {
		pe.RetryAfter = RetryAfter(res.Header, time.Now())
	}
	if res.StatusCode == http.StatusUnauthorized && pe.Code != paykit.CodeAuthentication {
		// Refused credentials read alike on every provider
		// (paykit.ErrAuthentication), whatever the body says.
		pe.Code, pe.Param, pe.Retryable = paykit.CodeAuthentication, "", false
	}
	// MapError may quote the body, which may echo the request.
	return paykit.RedactError(pe)
}

// StatusError maps a non-2xx response to an error by its status alone:
// 400 and 422 VALIDATION_ERROR, 401 AUTHENTICATION_ERROR, 403
// PERMISSION_ERROR, 404 RESOURCE_NOT_FOUND, 409 and 412
// CONSTRAINT_VIOLATION, 429 RATE_LIMIT_ERROR, 5xx PROVIDER_UNAVAILABLE;
// 408, 429 and 5xx are Retryable. Providers build their MapError on it.
func StatusError(res *Response) *paykit.Error {
	code := paykit.CodeOperationFailed
	retryable := false
	switch s := res.StatusCode; {
	case s == http.StatusBadRequest, s == http.StatusUnprocessableEntity:
		code = paykit.CodeValidation
	case s == http.StatusUnauthorized:
		code = paykit.CodeAuthentication
	case s == http.StatusForbidden:
		code = paykit.CodePermission
	case s == http.StatusNotFound:
		code = paykit.CodeNotFound
	case s == http.StatusConflict, s == http.StatusPreconditionFailed:
		code = paykit.CodeInvalidState
	case s == http.StatusTooManyRequests:
		code, retryable = paykit.CodeRateLimited, true
	case s == http.StatusRequestTimeout:
		code, retryable = paykit.CodeNetwork, true
	case s >= 500:
		code, retryable = paykit.CodeProviderUnavailable, retryableStatus(s)
	}
	return &paykit.Error{Code: code, StatusCode: res.StatusCode, RequestID: res.RequestID, Retryable: retryable,
		Message: "provider answered " + strconv.Itoa(res.StatusCode) + " " + http.StatusText(res.StatusCode)}
}

// RetryAfter parses a Retry-After header (seconds or an HTTP date) relative
// to now; 0 when absent or unreadable. Seconds are capped at a day: a
// number too large for an int64 is a day too, not unreadable, so that the
// RESTClient ends the call as for any wait longer than MaxRetryAfter.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	// On overflow ParseInt answers ErrRange with the int64 bound of the
	// sign, which the cap below handles.
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 24*3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func transportError(ctx context.Context, err error) *paykit.Error {
	if pe, ok := paykit.AsError(err); ok {
		cp := *pe
		return paykit.RedactError(&cp)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return paykit.ContextError(ctxErr)
	}
	return paykit.RedactError(&paykit.Error{Code: paykit.CodeNetwork, Retryable: true, Message: "request failed: " + err.Error(), Err: err})
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *RESTClient) enabled(ctx context.Context) bool {
	return c.cfg.Logger != nil && c.cfg.Logger.Enabled(ctx, slog.LevelDebug)
}

func (c *RESTClient) log(ctx context.Context, req *Request, attempt int, took time.Duration, status int, requestID string, err *paykit.Error) {
	if !c.enabled(ctx) {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.cfg.Provider),
		slog.String("method", req.Method),
		slog.String("path", paykit.Redact(req.Path)),
		slog.Int("attempt", attempt),
		slog.Int("status", status),
		slog.Duration("duration", took),
	}
	if requestID != "" {
		attrs = append(attrs, slog.String("request_id", paykit.Redact(requestID)))
	}
	if err != nil {
		attrs = append(attrs, slog.String("code", string(err.Code)), slog.String("error", err.Error()))
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "paykit http request", attrs...)
}

func (c *RESTClient) logRetry(ctx context.Context, req *Request, attempt int, wait time.Duration, err *paykit.Error) {
	if !c.enabled(ctx) {
		return
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "paykit http retry",
		slog.String("provider", c.cfg.Provider),
		slog.String("method", req.Method),
		slog.String("path", paykit.Redact(req.Path)),
		slog.Int("attempt", attempt),
		slog.Duration("wait", wait),
		slog.String("reason", err.Error()))
}
