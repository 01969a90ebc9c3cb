package providerkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

const testToken = "polar_oat_abcdefghijklmnopqrstuvwxyz0123456789"

// newMock returns a RESTClient over an httpmock transport whose sleeps are
// recorded instead of waited.
func newMock(t *testing.T, cfg RESTConfig) (*RESTClient, *httpmock.MockTransport, *[]time.Duration) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	cfg.HTTPClient = &http.Client{Transport: mt}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.example.test"
	}
	c := NewRESTClient(cfg)
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, mt, waits
}

func TestDoSendsJSONHeadersAndDecodes(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{
		Auth:              BearerToken(testToken, "access_token"),
		Header:            http.Header{"Polar-Version": {"2026-10"}},
		IdempotencyHeader: "Idempotency-Key",
		MaxRetries:        2,
	})
	mt.RegisterResponder(http.MethodPost, "https://api.example.test/v1/things/", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
		assert.Equal(t, "2026-10", r.Header.Get("Polar-Version"))
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, "key-1", r.Header.Get("Idempotency-Key"))
		assert.Equal(t, "a", r.URL.Query().Get("q"))
		b, _ := io.ReadAll(r.Body)
		assert.JSONEq(t, `{"name":"x"}`, string(b))
		res := httpmock.NewStringResponse(201, `{"id":"t1","name":"x"}`)
		res.Header.Set("X-Request-Id", "req_1")
		return res, nil
	})
	var out struct{ ID, Name string }
	res, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/v1/things/", Query: url.Values{"q": {"a"}},
		JSON: map[string]string{"name": "x"}, IdempotencyKey: "key-1"}, &out)
	require.NoError(t, err)
	assert.Equal(t, "t1", out.ID)
	assert.Equal(t, "req_1", res.RequestID)
	assert.Equal(t, 1, res.Attempts)
}

func TestDoSendsForm(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{})
	mt.RegisterResponder(http.MethodPost, "https://api.example.test/token", func(r *http.Request) (*http.Response, error) {
		assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
		require.NoError(t, r.ParseForm())
		assert.Equal(t, "client_credentials", r.PostForm.Get("grant_type"))
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/token", Form: url.Values{"grant_type": {"client_credentials"}}}, nil)
	require.NoError(t, err)
}

func TestNoKeyHeaderWhenProviderHonoursNone(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{})
	mt.RegisterResponder(http.MethodPost, "https://api.example.test/x", func(r *http.Request) (*http.Response, error) {
		assert.Empty(t, r.Header.Get("Idempotency-Key"))
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/x", JSON: struct{}{}, IdempotencyKey: "k"}, nil)
	require.NoError(t, err)
}

func TestEmptyTokenIsConfigurationErrorAndSendsNothing(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{Auth: BearerToken("", "access_token"), MaxRetries: 3})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, paykit.ErrConfiguration)
	pe, _ := paykit.AsError(err)
	assert.Equal(t, "access_token", pe.Param)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestErrorMappingFillsStatusRequestIDRetryAfter(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{MapError: func(r *Response) *paykit.Error {
		return &paykit.Error{Code: paykit.CodeValidation, Param: "email", Message: "bad email"}
	}})
	mt.RegisterResponder(http.MethodGet, "https://api.example.test/x",
		httpmock.NewStringResponder(422, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req_9"}, "Retry-After": {"3"}}))
	res, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	pe, ok := paykit.AsError(err)
	require.True(t, ok)
	assert.Equal(t, paykit.CodeValidation, pe.Code)
	assert.Equal(t, "email", pe.Param)
	assert.Equal(t, 422, pe.StatusCode)
	assert.Equal(t, "req_9", pe.RequestID)
	assert.Equal(t, 3*time.Second, pe.RetryAfter)
	require.NotNil(t, res)
	assert.Equal(t, 422, res.StatusCode)
}

func TestStatusError(t *testing.T) {
	for status, want := range map[int]paykit.ErrorCode{
		400: paykit.CodeValidation, 401: paykit.CodeAuthentication, 403: paykit.CodePermission,
		404: paykit.CodeNotFound, 409: paykit.CodeInvalidState, 422: paykit.CodeValidation,
		429: paykit.CodeRateLimited, 500: paykit.CodeProviderUnavailable, 503: paykit.CodeProviderUnavailable,
		418: paykit.CodeOperationFailed,
	} {
		pe := StatusError(&Response{StatusCode: status})
		assert.Equal(t, want, pe.Code, "status %d", status)
		assert.Equal(t, status == 429 || status >= 500, pe.Retryable, "status %d", status)
	}
}

func TestReadsAreRetriedOn5xx429AndConnectionErrors(t *testing.T) {
	c, mt, waits := newMock(t, RESTConfig{MaxRetries: 3, BaseDelay: time.Millisecond})
	mt.RegisterResponder(http.MethodGet, "https://api.example.test/x",
		httpmock.NewStringResponder(500, `{}`).Once().
			Then(httpmock.ConnectionFailure).
			Then(httpmock.NewStringResponder(429, `{}`).HeaderSet(http.Header{"Retry-After": {"2"}})).
			Then(httpmock.NewStringResponder(200, `{"ok":true}`)))
	var out struct{ OK bool }
	res, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, &out)
	require.NoError(t, err)
	assert.True(t, out.OK)
	assert.Equal(t, 4, res.Attempts)
	assert.Equal(t, 4, mt.GetTotalCallCount())
	require.Len(t, *waits, 3)
	assert.GreaterOrEqual(t, (*waits)[2], 2*time.Second, "Retry-After is honoured")
}

func TestRetriesStopAtMaxRetries(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{MaxRetries: 2, BaseDelay: time.Millisecond})
	mt.RegisterResponder(http.MethodGet, "https://api.example.test/x", httpmock.NewStringResponder(503, `{}`))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.ErrorIs(t, err, paykit.ErrProviderUnavailable)
	assert.True(t, paykit.IsRetryable(err))
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

func TestWriteWithoutHonouredKeyIsNeverRetriedOnceSent(t *testing.T) {
	for name, responder := range map[string]httpmock.Responder{
		"500":        httpmock.NewStringResponder(500, `{}`),
		"502":        httpmock.NewStringResponder(502, `{}`),
		"dropped":    httpmock.ConnectionFailure,
		"429":        httpmock.NewStringResponder(429, `{}`).HeaderSet(http.Header{"Retry-After": {"1"}}),
		"timeout408": httpmock.NewStringResponder(408, `{}`),
	} {
		t.Run(name, func(t *testing.T) {
			c, mt, _ := newMock(t, RESTConfig{MaxRetries: 5, BaseDelay: time.Millisecond})
			mt.RegisterResponder(http.MethodPost, "https://api.example.test/refunds", responder)
			_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/refunds", JSON: map[string]int{"amount": 1}, IdempotencyKey: "k"}, nil)
			require.Error(t, err)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a write that reached the server is sent once")
			pe, _ := paykit.AsError(err)
			// Only a 429 says the server did nothing. A 408 may come from an
			// intermediary that does not speak for the provider's server.
			if name == "429" {
				assert.True(t, pe.Retryable, "the server refused it before doing anything")
				assert.False(t, pe.OutcomeUnknown, "the server refused it before doing anything")
			} else {
				assert.False(t, pe.Retryable, "it may have been applied")
				assert.True(t, pe.OutcomeUnknown, "it may have been applied")
				// The paykit Client says so, once, for every provider.
				assert.NotContains(t, pe.Message, "may have been applied")
			}
		})
	}
}

func TestWriteWithHonouredKeyIsRetriedWithTheSameKey(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{MaxRetries: 3, BaseDelay: time.Millisecond, IdempotencyHeader: "Idempotency-Key"})
	var keys []string
	mt.RegisterResponder(http.MethodPost, "https://api.example.test/charges", func(r *http.Request) (*http.Response, error) {
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		b, _ := io.ReadAll(r.Body)
		assert.JSONEq(t, `{"amount":5}`, string(b), "the body is resent whole")
		if len(keys) < 3 {
			return httpmock.NewStringResponse(500, `{}`), nil
		}
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/charges", JSON: map[string]int{"amount": 5}, IdempotencyKey: "key-7"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"key-7", "key-7", "key-7"}, keys)
}

func TestWriteWithoutKeyIsNotRetriedEvenWhenProviderHonoursKeys(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{MaxRetries: 3, BaseDelay: time.Millisecond, IdempotencyHeader: "Idempotency-Key"})
	mt.RegisterResponder(http.MethodPost, "https://api.example.test/charges", httpmock.NewStringResponder(500, `{}`))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/charges", JSON: struct{}{}}, nil)
	require.Error(t, err)
	assert.Equal(t, 1, mt.GetTotalCallCount())
	pe, _ := paykit.AsError(err)
	assert.True(t, pe.OutcomeUnknown)
	assert.False(t, pe.Retryable, "sent without a key: a repeat could apply it twice")
}

// TestOutcomeUnknownOnlyWhenAWriteMayHaveBeenApplied holds the rule of
// Error.OutcomeUnknown at the transport: set on a write the server may
// have had (a lost answer, 408, 5xx), never on a read, never on an answer
// that proves nothing was done (4xx, 429 included).
func TestOutcomeUnknownOnlyWhenAWriteMayHaveBeenApplied(t *testing.T) {
	for name, tc := range map[string]struct {
		method    string
		key       string
		responder httpmock.Responder
		unknown   bool
		retryable bool
	}{
		"write 500":             {http.MethodPost, "", httpmock.NewStringResponder(500, `{}`), true, false},
		"write 501":             {http.MethodPost, "", httpmock.NewStringResponder(501, `{}`), true, false},
		"write 503":             {http.MethodDelete, "", httpmock.NewStringResponder(503, `{}`), true, false},
		"write 408":             {http.MethodPatch, "", httpmock.NewStringResponder(408, `{}`), true, false},
		"write answer lost":     {http.MethodPost, "", httpmock.ConnectionFailure, true, false},
		"write 400":             {http.MethodPost, "", httpmock.NewStringResponder(400, `{}`), false, false},
		"write 401":             {http.MethodPost, "", httpmock.NewStringResponder(401, `{}`), false, false},
		"write 404":             {http.MethodPost, "", httpmock.NewStringResponder(404, `{}`), false, false},
		"write 409":             {http.MethodPut, "", httpmock.NewStringResponder(409, `{}`), false, false},
		"write 422":             {http.MethodPost, "", httpmock.NewStringResponder(422, `{}`), false, false},
		"write 429":             {http.MethodPost, "", httpmock.NewStringResponder(429, `{}`), false, true},
		"keyed write 500":       {http.MethodPost, "k1", httpmock.NewStringResponder(500, `{}`), true, true},
		"keyed write lost":      {http.MethodPost, "k1", httpmock.ConnectionFailure, true, true},
		"keyed write 429":       {http.MethodPost, "k1", httpmock.NewStringResponder(429, `{}`), false, true},
		"read 500":              {http.MethodGet, "", httpmock.NewStringResponder(500, `{}`), false, true},
		"read answer lost":      {http.MethodGet, "", httpmock.ConnectionFailure, false, true},
		"read 408":              {http.MethodHead, "", httpmock.NewStringResponder(408, `{}`), false, true},
		"options 503":           {http.MethodOptions, "", httpmock.NewStringResponder(503, `{}`), false, true},
		"keyed write 500 → 429": {http.MethodPost, "k1", httpmock.NewStringResponder(500, `{}`).Once().Then(httpmock.NewStringResponder(429, `{}`)), true, true},
		"keyed write 500 → 400": {http.MethodPost, "k1", httpmock.NewStringResponder(500, `{}`).Once().Then(httpmock.NewStringResponder(400, `{}`)), true, false},
	} {
		t.Run(name, func(t *testing.T) {
			c, mt, _ := newMock(t, RESTConfig{MaxRetries: 1, BaseDelay: time.Millisecond, IdempotencyHeader: "Idempotency-Key"})
			mt.RegisterResponder(tc.method, "https://api.example.test/x", tc.responder)
			req := &Request{Method: tc.method, Path: "/x", IdempotencyKey: tc.key}
			if tc.method != http.MethodGet && tc.method != http.MethodHead && tc.method != http.MethodOptions {
				req.JSON = map[string]int{"amount": 1}
			}
			_, err := c.Do(context.Background(), req, nil)
			pe, ok := paykit.AsError(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.unknown, pe.OutcomeUnknown, "OutcomeUnknown")
			assert.Equal(t, tc.retryable, pe.Retryable, "Retryable")
			if tc.unknown {
				assert.Equal(t, tc.key, pe.IdempotencyKey, "the error names the key the write carried")
			} else {
				assert.Empty(t, pe.IdempotencyKey, "a known outcome needs no key to repeat")
			}
			assert.NotContains(t, pe.Message, "may have been applied", "the paykit Client words it")
		})
	}
}

func TestLongRetryAfterEndsTheCall(t *testing.T) {
	for header, want := range map[string]time.Duration{
		"120": 120 * time.Second,
		// Too large for an int64: the longest wait, not no wait.
		"99999999999999999999": 24 * time.Hour,
	} {
		t.Run(header, func(t *testing.T) {
			c, mt, waits := newMock(t, RESTConfig{MaxRetries: 3, MaxRetryAfter: time.Second})
			mt.RegisterResponder(http.MethodGet, "https://api.example.test/x",
				httpmock.NewStringResponder(429, `{}`).HeaderSet(http.Header{"Retry-After": {header}}))
			_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
			require.ErrorIs(t, err, paykit.ErrRateLimited)
			pe, _ := paykit.AsError(err)
			assert.Equal(t, want, pe.RetryAfter)
			assert.Equal(t, 1, mt.GetTotalCallCount())
			assert.Empty(t, *waits)
		})
	}
}

func TestNoRetryAfterContextIsDone(t *testing.T) {
	t.Run("canceled", func(t *testing.T) {
		c, mt, _ := newMock(t, RESTConfig{MaxRetries: 3})
		ctx, cancel := context.WithCancel(context.Background())
		mt.RegisterResponder(http.MethodGet, "https://api.example.test/x", func(*http.Request) (*http.Response, error) {
			cancel()
			return httpmock.NewStringResponse(503, `{}`), nil
		})
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.Error(t, err)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
	t.Run("deadline before the wait ends", func(t *testing.T) {
		c, mt, waits := newMock(t, RESTConfig{MaxRetries: 3, BaseDelay: time.Second})
		mt.RegisterResponder(http.MethodGet, "https://api.example.test/x",
			httpmock.NewStringResponder(503, `{}`).HeaderSet(http.Header{"X-Request-Id": {"req_7"}}))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded, "the deadline ended the call")
		require.ErrorIs(t, err, paykit.ErrNetwork, "as the paykit Client reports a timeout")
		pe, _ := paykit.AsError(err)
		assert.Equal(t, 503, pe.StatusCode, "the last answer is kept")
		assert.Equal(t, "req_7", pe.RequestID)
		assert.Contains(t, pe.Message, "503")
		assert.True(t, pe.Retryable, "a read that failed with 503 may succeed with more time")
		assert.Equal(t, 1, mt.GetTotalCallCount())
		assert.Empty(t, *waits)
	})
	t.Run("canceled during the wait", func(t *testing.T) {
		c, mt, _ := newMock(t, RESTConfig{MaxRetries: 3, BaseDelay: time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c.sleep = func(ctx context.Context, _ time.Duration) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		mt.RegisterResponder(http.MethodGet, "https://api.example.test/x",
			httpmock.NewStringResponder(429, `{}`).HeaderSet(http.Header{"Retry-After": {"1"}}))
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.ErrorIs(t, err, context.Canceled)
		pe, _ := paykit.AsError(err)
		assert.Equal(t, paykit.CodeOperationFailed, pe.Code)
		assert.False(t, pe.Retryable, "the caller canceled it")
		assert.Equal(t, 429, pe.StatusCode)
		assert.Equal(t, time.Second, pe.RetryAfter)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
	t.Run("deadline during the wait", func(t *testing.T) {
		c, mt, _ := newMock(t, RESTConfig{MaxRetries: 3, BaseDelay: time.Millisecond})
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		// The wait is cut short by the deadline, whose error it returns.
		c.sleep = func(context.Context, time.Duration) error { return context.DeadlineExceeded }
		mt.RegisterResponder(http.MethodGet, "https://api.example.test/x", httpmock.ConnectionFailure)
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.ErrorIs(t, err, paykit.ErrNetwork)
		assert.Contains(t, err.Error(), "timed out")
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
	t.Run("already done", func(t *testing.T) {
		c, mt, _ := newMock(t, RESTConfig{MaxRetries: 3})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"}, nil)
		require.ErrorIs(t, err, context.Canceled)
		pe, _ := paykit.AsError(err)
		assert.Equal(t, paykit.CodeOperationFailed, pe.Code)
		assert.Zero(t, mt.GetTotalCallCount())
	})
}

// ctxProvider answers every customer retrieval with its ctx's error, as
// a provider that lets the paykit Client classify it.
type ctxProvider struct{ paykit.UnimplementedProvider }

func (ctxProvider) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{Ops: []paykit.Op{paykit.OpCustomersRetrieve}}
}

func (ctxProvider) RetrieveCustomer(ctx context.Context, _ string, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestContextErrorAgreesWithTheClient(t *testing.T) {
	client := paykit.New(ctxProvider{})
	canceled, cancel := context.WithCancel(context.Background())
	go cancel()
	timedOut, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	for name, tc := range map[string]struct {
		ctx   context.Context
		cause error
	}{
		"canceled":  {canceled, context.Canceled},
		"timed out": {timedOut, context.DeadlineExceeded},
	} {
		t.Run(name, func(t *testing.T) {
			_, want := client.Customers.Retrieve(tc.ctx, "cus_1")
			wantPE, ok := paykit.AsError(want)
			require.True(t, ok)
			got := paykit.ContextError(tc.cause)
			assert.Equal(t, wantPE.Code, got.Code, "same code as the paykit Client gives")
			assert.Equal(t, wantPE.Retryable, got.Retryable)
			assert.Equal(t, wantPE.Message, got.Message)
			assert.ErrorIs(t, got, tc.cause)
		})
	}
	assert.Equal(t, paykit.CodeOperationFailed, paykit.ContextError(context.Canceled).Code)
	assert.Equal(t, paykit.CodeNetwork, paykit.ContextError(context.DeadlineExceeded).Code)
}

func TestPerCallDeadlineFromContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The body read first, so that the server notices the client leave.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer srv.Close()
	c := NewRESTClient(RESTConfig{BaseURL: srv.URL, MaxRetries: 2, BaseDelay: time.Millisecond})
	for _, req := range []*Request{{Method: http.MethodGet, Path: "/slow"}, {Method: http.MethodPost, Path: "/refunds", JSON: struct{}{}}} {
		t.Run(req.Method, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := c.Do(ctx, req, nil)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), time.Second)
			pe, _ := paykit.AsError(err)
			// A write the server had when the deadline ended the call may
			// have been applied; a read changes nothing.
			assert.Equal(t, req.Method == http.MethodPost, pe.OutcomeUnknown, "OutcomeUnknown")
		})
	}
}

func TestBackoffGrowsWithJitterAndIsCapped(t *testing.T) {
	c := NewRESTClient(RESTConfig{BaseDelay: 100 * time.Millisecond, MaxDelay: 400 * time.Millisecond})
	for n, bounds := range map[int][2]time.Duration{
		1: {50 * time.Millisecond, 100 * time.Millisecond},
		2: {100 * time.Millisecond, 200 * time.Millisecond},
		3: {200 * time.Millisecond, 400 * time.Millisecond},
		9: {200 * time.Millisecond, 400 * time.Millisecond},
	} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := c.backoff.Delay(n)
			assert.GreaterOrEqual(t, d, bounds[0])
			assert.LessOrEqual(t, d, bounds[1])
			seen[d] = true
		}
		assert.Greater(t, len(seen), 1, "jitter varies the wait")
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, 5*time.Second, RetryAfter(http.Header{"Retry-After": {"5"}}, now))
	assert.Equal(t, 30*time.Second, RetryAfter(http.Header{"Retry-After": {now.Add(30 * time.Second).Format(http.TimeFormat)}}, now))
	assert.Zero(t, RetryAfter(http.Header{"Retry-After": {"soon"}}, now))
	assert.Zero(t, RetryAfter(http.Header{"Retry-After": {"-4"}}, now))
	assert.Equal(t, 24*time.Hour, RetryAfter(http.Header{"Retry-After": {"99999999999999999999"}}, now), "overflow is the longest wait")
	assert.Zero(t, RetryAfter(http.Header{"Retry-After": {"-99999999999999999999"}}, now))
	assert.Zero(t, RetryAfter(http.Header{}, now))
}

// refusingDialer fails the first n dials, as when the server is
// unreachable, then dials normally.
func refusingDialer(n int) (func(ctx context.Context, network, addr string) (net.Conn, error), func() int) {
	var mu sync.Mutex
	dials := 0
	d := &net.Dialer{}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dials++
			fail := dials <= n
			mu.Unlock()
			if fail {
				return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
			}
			return d.DialContext(ctx, network, addr)
		}, func() int {
			mu.Lock()
			defer mu.Unlock()
			return dials
		}
}

func TestWriteIsRetriedWhenTheConnectionWasNeverEstablished(t *testing.T) {
	var applied atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		applied.Add(1)
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	dial, dials := refusingDialer(2)
	c := NewRESTClient(RESTConfig{BaseURL: srv.URL, MaxRetries: 3, BaseDelay: time.Millisecond,
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: dial}}})
	res, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/refunds", JSON: struct{}{}}, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, res.Attempts)
	assert.Equal(t, 3, dials())
	assert.Equal(t, int32(1), applied.Load())
}

func TestWriteIsNotRetriedWhenTheConnectionDropsAfterTheServerAppliedIt(t *testing.T) {
	var applied atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		applied.Add(1)
		dropConnection(w)
	}))
	defer srv.Close()
	c := NewRESTClient(RESTConfig{BaseURL: srv.URL, MaxRetries: 3, BaseDelay: time.Millisecond})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/refunds", JSON: struct{}{}}, nil)
	require.ErrorIs(t, err, paykit.ErrNetwork)
	assert.False(t, paykit.IsRetryable(err))
	pe, _ := paykit.AsError(err)
	assert.True(t, pe.OutcomeUnknown, "the server had it and no answer says what it did")
	assert.Equal(t, int32(1), applied.Load())
}

func TestWriteThatNeverConnectedIsNotOutcomeUnknown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("nothing may reach the server")
	}))
	defer srv.Close()
	dial, dials := refusingDialer(10)
	c := NewRESTClient(RESTConfig{BaseURL: srv.URL, MaxRetries: 2, BaseDelay: time.Millisecond,
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: dial}}})
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/refunds", JSON: struct{}{}}, nil)
	require.ErrorIs(t, err, paykit.ErrNetwork)
	pe, _ := paykit.AsError(err)
	assert.False(t, pe.OutcomeUnknown, "a refused dial proves nothing was sent")
	assert.True(t, pe.Retryable)
	assert.Equal(t, 3, dials(), "a write never sent is retried")
}

func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func TestLogsAreRedactedAndCarryNoHeadersOrBodies(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	const card = "4242424242424242"
	c, mt, _ := newMock(t, RESTConfig{
		Provider: "test", Auth: BearerToken(testToken, "access_token"), Logger: logger, MaxRetries: 1, BaseDelay: time.Millisecond,
		MapError: func(r *Response) *paykit.Error {
			// A provider echoing the secret back must not leak it.
			return &paykit.Error{Code: paykit.CodeAuthentication, Message: "token " + testToken + " rejected"}
		},
	})
	mt.RegisterResponder(http.MethodGet, "https://api.example.test/x", httpmock.NewStringResponder(503, `{"card":"`+card+`"}`))
	mt.RegisterResponder(http.MethodPost, "https://api.example.test/y", httpmock.NewStringResponder(401, `{}`))
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.Error(t, err)
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/y", JSON: map[string]string{"card": card}}, nil)
	require.Error(t, err)
	out := buf.String()
	require.Contains(t, out, `"msg":"paykit http request"`)
	require.Contains(t, out, `"msg":"paykit http retry"`)
	assert.Contains(t, out, `"path":"/x"`)
	for _, secret := range []string{testToken, "Bearer", "Authorization", card} {
		assert.NotContains(t, out, secret)
	}
	assert.NotContains(t, err.Error(), testToken)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec))
		assert.Equal(t, "DEBUG", rec["level"])
	}
}

func TestUndecodableBody(t *testing.T) {
	c, mt, _ := newMock(t, RESTConfig{})
	mt.RegisterResponder(http.MethodGet, "https://api.example.test/x", httpmock.NewStringResponder(200, `{not json`))
	var out map[string]any
	_, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, &out)
	require.Error(t, err)
	pe, _ := paykit.AsError(err)
	assert.Equal(t, paykit.CodeOperationFailed, pe.Code)
}

func BenchmarkDo(b *testing.B) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://api.example.test/v1/customers/",
		httpmock.NewStringResponder(201, `{"id":"1dbfc517-0bbf-4301-9ba8-555ca42b9737","email":"user@example.com","metadata":{"a":"b"}}`))
	c := NewRESTClient(RESTConfig{BaseURL: "https://api.example.test", HTTPClient: &http.Client{Transport: mt},
		Auth: BearerToken(testToken, "access_token"), Header: http.Header{"Polar-Version": {"2026-10"}}})
	req := &Request{Method: http.MethodPost, Path: "/v1/customers/", JSON: map[string]any{"email": "user@example.com", "metadata": map[string]string{"a": "b"}}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var out struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		}
		if _, err := c.Do(ctx, req, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// A write the provider answered 2xx was applied; when its body cannot be
// decoded the caller cannot learn the object it created. The error must
// say the outcome is unknown (as stripe's outcome() does for "a success
// whose body could not be read"), or a caller repeats a charge that was
// made.
func TestWriteAnswered2xxUndecodableIsOutcomeUnknown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`<html>created</html>`))
	}))
	defer srv.Close()
	c := NewRESTClient(RESTConfig{BaseURL: srv.URL, IdempotencyHeader: "Idempotency-Key", MaxRetries: 2})
	var out struct{ ID string }
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/payments", JSON: map[string]int{"amount": 100}, IdempotencyKey: "k1"}, &out)
	pe, ok := paykit.AsError(err)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	if !pe.OutcomeUnknown || pe.IdempotencyKey != "k1" {
		t.Errorf("write answered 201 with an undecodable body: OutcomeUnknown=%v IdempotencyKey=%q (%v); want true and \"k1\"", pe.OutcomeUnknown, pe.IdempotencyKey, err)
	}
}

// The token request runs with the first caller's ctx values
// (context.WithoutCancel), which include the httptrace.ClientTrace the

// RESTClient put on the attempt to learn whether it connected. The token
// request's own connection fires that GotConn, so an API request whose
// dial is refused counts as "may have reached the server": a write that
// was never sent gets OutcomeUnknown and, without keys, is not retried.
func TestTokenRequestDoesNotCountAsReachingTheAPI(t *testing.T) {
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"tok_review_123456","token_type":"Bearer","expires_in":3600}`))
	}))
	defer tokenSrv.Close()
	// An address nothing listens on: every dial is refused.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	tm, err := NewClientCredentials(ClientCredentialsConfig{TokenURL: tokenSrv.URL, ClientID: "id", ClientSecret: NewSecret("secret")}, TokenManagerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c := NewRESTClient(RESTConfig{BaseURL: deadURL, Auth: tm, MaxRetries: 0})
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/payments", JSON: map[string]int{"amount": 1}}, nil)
	pe, _ := paykit.AsError(err)
	t.Logf("err=%v OutcomeUnknown=%v Retryable=%v", err, pe.OutcomeUnknown, pe.Retryable)
	if pe.OutcomeUnknown || !pe.Retryable {
		t.Errorf("a write whose dial was refused (never sent): OutcomeUnknown=%v Retryable=%v, want false, true", pe.OutcomeUnknown, pe.Retryable)
	}

	// Control: the same request once the token is cached.
	_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/payments", JSON: map[string]int{"amount": 1}}, nil)
	pe, _ = paykit.AsError(err)
	if pe.OutcomeUnknown || !pe.Retryable {
		t.Errorf("with the token cached: OutcomeUnknown=%v Retryable=%v, want false, true", pe.OutcomeUnknown, pe.Retryable)
	}
}

// TestJSONBodyKeepsItsBytes: a JSON body is sent without HTML escaping,
// so that a json.RawMessage in it (PayPal's verify-webhook-signature takes
// the event as received) keeps "<", ">" and "&".
func TestJSONBodyKeepsItsBytes(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c := NewRESTClient(RESTConfig{BaseURL: srv.URL})
	event := json.RawMessage(`{"summary":"Payment of <10 & more> completed"}`)
	_, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/verify", JSON: map[string]any{"webhook_event": event}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"webhook_event":{"summary":"Payment of <10 & more> completed"}}`; string(got) != want {
		t.Errorf("body sent = %s, want %s", got, want)
	}
}
