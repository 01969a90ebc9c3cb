package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// These tests cover what stripe-mock cannot: state, declines and faults,
// with hand-written Stripe answers served on 127.0.0.1.

// routes answers "METHOD /path" with a handler; anything else is a 404
// that fails the test.
type routes map[string]http.HandlerFunc

// fixture serves routes and returns a Client over a provider talking to
// them, whose retries do not sleep, and the recorder of the
// requests the server received.
func fixture(t *testing.T, rs routes, opts ...Option) (*paykit.Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := rec.record(r); err != nil {
			t.Errorf("reading the request: %v", err)
		}
		h, ok := rs[r.Method+" "+r.URL.Path]
		if !ok {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
			http.Error(w, `{"error":{"type":"invalid_request_error","message":"unexpected"}}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_fixture")
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	base := []Option{WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Timeout: 10 * time.Second})}
	p := Provider(testKey, append(base, opts...)...).(*provider)
	p.retry.noSleep = true
	return paykit.New(p), rec
}

// reply answers with status and body.
func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// sequence answers the n-th request with the n-th handler, repeating the
// last one.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		h := hs[min(n, len(hs)-1)]
		n++
		h(w, r)
	}
}

// dropConnection closes the connection without answering.
func dropConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func stripeErr(typ, code, param, msg string) string {
	return fmt.Sprintf(`{"error":{"type":%q,"code":%q,"param":%q,"message":%q}}`, typ, code, param, msg)
}

const customerJSON = `{"id":"cus_1","object":"customer","created":1700000000,"email":"jenny@example.com","metadata":{}}`

// requireStripeErr checks the error matches sentinel and carries the
// native *stripe.Error.
func requireStripeErr(t *testing.T, err error, sentinel *paykit.Error) (*paykit.Error, *stripeapi.Error) {
	t.Helper()
	require.Error(t, err)
	require.True(t, errors.Is(err, sentinel), "got %v, want %s", err, sentinel.Code)
	pe, ok := paykit.AsError(err)
	require.True(t, ok)
	var se *stripeapi.Error
	require.True(t, errors.As(err, &se), "the *stripe.Error is reachable with errors.As")
	assert.Equal(t, "stripe", pe.Provider)
	return pe, se
}

func TestErrorMapping(t *testing.T) {
	ctx := context.Background()
	payWithCard := &paykit.CreatePaymentParams{Amount: 1000, Currency: "USD", Customer: paykit.CustomerID("cus_1"), ProviderMetadata: PaymentOptions{PaymentMethod: "pm_1"}}

	t.Run("card declined", func(t *testing.T) {
		client, rec := fixture(t, routes{"POST /v1/payment_intents": reply(402,
			`{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","charge":"ch_1"}}`)})
		_, err := client.Payments.Create(ctx, payWithCard)
		pe, se := requireStripeErr(t, err, paykit.ErrCardDeclined)
		assert.Equal(t, "insufficient_funds", pe.DeclineCode)
		assert.Equal(t, 402, pe.StatusCode)
		assert.Equal(t, "req_fixture", pe.RequestID)
		assert.Equal(t, "Your card has insufficient funds.", pe.Message)
		assert.Equal(t, paykit.OpPaymentsCreate, pe.Op)
		assert.False(t, pe.Retryable)
		assert.Equal(t, stripeapi.ErrorCodeCardDeclined, se.Code)
		assert.Len(t, rec.all(), 1, "a decline is not retried")
	})
	t.Run("card error without decline code", func(t *testing.T) {
		client, _ := fixture(t, routes{"POST /v1/payment_intents": reply(402, stripeErr("card_error", "expired_card", "exp_month", "Your card has expired."))})
		_, err := client.Payments.Create(ctx, payWithCard)
		pe, _ := requireStripeErr(t, err, paykit.ErrCardDeclined)
		assert.Equal(t, "expired_card", pe.DeclineCode)
	})
	t.Run("invalid request names the param in paykit's terms", func(t *testing.T) {
		client, _ := fixture(t, routes{"POST /v1/checkout/sessions": reply(400, stripeErr("invalid_request_error", "parameter_invalid_integer", "line_items[0][quantity]", "Invalid integer: 100000000"))})
		_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_1", SessionType: paykit.SessionOneTime, Quantity: 100000000, SuccessURL: "https://example.com"})
		pe, _ := requireStripeErr(t, err, paykit.ErrValidation)
		assert.Equal(t, "quantity", pe.Param)
		assert.Equal(t, 400, pe.StatusCode)
	})
	t.Run("metadata param", func(t *testing.T) {
		client, _ := fixture(t, routes{"POST /v1/customers/cus_1": reply(400, stripeErr("invalid_request_error", "", "metadata[plan]", "Invalid value"))})
		_, err := client.Customers.Update(ctx, "cus_1", &paykit.UpdateCustomerParams{Metadata: map[string]string{"plan": "x"}})
		pe, _ := requireStripeErr(t, err, paykit.ErrValidation)
		assert.Equal(t, "metadata.plan", pe.Param)
	})
	t.Run("resource missing", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/customers/cus_nope": reply(404, stripeErr("invalid_request_error", "resource_missing", "id", "No such customer: 'cus_nope'"))})
		cus, err := client.Customers.Retrieve(ctx, "cus_nope")
		assert.Nil(t, cus)
		pe, _ := requireStripeErr(t, err, paykit.ErrNotFound)
		assert.Equal(t, "id", pe.Param)
	})
	t.Run("refund larger than the payment", func(t *testing.T) {
		client, _ := fixture(t, routes{
			"GET /v1/payment_intents/pi_1": reply(200, `{"id":"pi_1","object":"payment_intent","currency":"usd","amount":1000}`),
			"POST /v1/refunds":             reply(400, stripeErr("invalid_request_error", "amount_too_large", "amount", "Refund amount ($20.00) is greater than charge amount ($10.00)")),
		})
		_, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "pi_1", Amount: 2000})
		pe, _ := requireStripeErr(t, err, paykit.ErrValidation)
		assert.Equal(t, "amount", pe.Param)
	})
	t.Run("wrong state", func(t *testing.T) {
		client, _ := fixture(t, routes{"POST /v1/payment_intents/pi_1/capture": reply(400, stripeErr("invalid_request_error", "payment_intent_unexpected_state", "", "This PaymentIntent could not be captured because it has a status of succeeded."))})
		_, err := client.Payments.Capture(ctx, "pi_1", nil)
		requireStripeErr(t, err, paykit.ErrInvalidState)
	})
	t.Run("401", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/customers/cus_1": reply(401, stripeErr("invalid_request_error", "", "", "Invalid API Key provided: sk_test_****p7dc"))})
		_, err := client.Customers.Retrieve(ctx, "cus_1")
		requireStripeErr(t, err, paykit.ErrAuthentication)
	})
	t.Run("403", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/customers/cus_1": reply(403, stripeErr("invalid_request_error", "", "", "The provided key does not have the required permissions for this endpoint."))})
		_, err := client.Customers.Retrieve(ctx, "cus_1")
		requireStripeErr(t, err, paykit.ErrPermission)
	})
	t.Run("429", func(t *testing.T) {
		client, rec := fixture(t, routes{"POST /v1/customers": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(429)
			fmt.Fprint(w, stripeErr("invalid_request_error", "rate_limit", "", "Too many requests."))
		}})
		_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"})
		pe, _ := requireStripeErr(t, err, paykit.ErrRateLimited)
		assert.True(t, pe.Retryable)
		assert.Equal(t, 3*time.Second, pe.RetryAfter)
		assert.Len(t, rec.all(), 1, "stripe-go does not retry a plain rate limit")
	})
	t.Run("idempotency error", func(t *testing.T) {
		client, _ := fixture(t, routes{"POST /v1/customers": reply(400, `{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters they were first used with."}}`)})
		_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, paykit.WithIdempotencyKey("k1"))
		pe, _ := requireStripeErr(t, err, paykit.ErrIdempotencyConflict)
		assert.False(t, pe.Retryable)
	})
	t.Run("5xx is retried with the same key, then reported", func(t *testing.T) {
		client, rec := fixture(t, routes{"POST /v1/customers": reply(500, `{"error":{"type":"api_error","message":"Something went wrong on Stripe's end."}}`)})
		_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, paykit.WithIdempotencyKey("retry-me"))
		pe, _ := requireStripeErr(t, err, paykit.ErrProviderUnavailable)
		assert.True(t, pe.Retryable)
		reqs := rec.all()
		require.Len(t, reqs, 3, "1 try and stripe-go's 2 retries")
		for _, r := range reqs {
			assert.Equal(t, "retry-me", r.Header.Get("Idempotency-Key"))
		}
	})
	t.Run("dropped connection", func(t *testing.T) {
		client, rec := fixture(t, routes{"POST /v1/customers": dropConnection}, WithMaxRetries(1))
		_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"})
		require.ErrorIs(t, err, paykit.ErrNetwork)
		reqs := rec.all()
		require.Len(t, reqs, 2)
		assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"), "the retry reuses the key")
		assert.NotEmpty(t, reqs[0].Header.Get("Idempotency-Key"))
		// The customer may have been created: the outcome is unknown, and
		// a repeat of the call, with a new key the Client generates, is
		// not safe; one with the key Stripe received is.
		pe, _ := paykit.AsError(err)
		assert.True(t, pe.OutcomeUnknown)
		assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), pe.IdempotencyKey)
		assert.False(t, paykit.IsRetryable(err), "the Client generated the key")
	})
	t.Run("proxy error page", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/customers/cus_1": reply(502, "<html>Bad Gateway</html>")}, WithMaxRetries(0))
		_, err := client.Customers.Retrieve(ctx, "cus_1")
		require.ErrorIs(t, err, paykit.ErrProviderUnavailable)
		pe, _ := paykit.AsError(err)
		assert.Equal(t, 502, pe.StatusCode)
		assert.True(t, pe.Retryable)
	})
	t.Run("timeout", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/customers/cus_1": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}})
		start := time.Now()
		_, err := client.Customers.Retrieve(ctx, "cus_1", paykit.WithTimeout(100*time.Millisecond))
		require.ErrorIs(t, err, paykit.ErrNetwork)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 3*time.Second, "no retry after the deadline")
	})
}

func TestRetrySucceedsWithTheSameKey(t *testing.T) {
	client, rec := fixture(t, routes{"POST /v1/refunds": sequence(
		reply(500, `{"error":{"type":"api_error","message":"try again"}}`),
		dropConnection,
		reply(200, `{"id":"re_1","object":"refund","amount":1000,"currency":"usd","status":"succeeded","payment_intent":"pi_1"}`),
	)})
	ref, err := client.Refunds.Create(context.Background(), &paykit.CreateRefundParams{PaymentID: "pi_1"}, paykit.WithIdempotencyKey("refund-once"))
	require.NoError(t, err)
	assert.Equal(t, "re_1", ref.ID)
	reqs := rec.all()
	require.Len(t, reqs, 3, "net/http or stripe-go resent it after each failure")
	for _, r := range reqs {
		assert.Equal(t, "refund-once", r.Header.Get("Idempotency-Key"), "one refund, however often it is sent")
	}
}

func TestNoRetriesWhenDisabled(t *testing.T) {
	client, rec := fixture(t, routes{"POST /v1/customers": reply(503, `{"error":{"type":"api_error","message":"down"}}`)}, WithMaxRetries(0))
	_, err := client.Customers.Create(context.Background(), &paykit.CreateCustomerParams{Email: "a@example.com"})
	require.ErrorIs(t, err, paykit.ErrProviderUnavailable)
	assert.Len(t, rec.all(), 1)
}

// TestKeyNeverInErrors sends a key that Stripe's answer echoes in full (a
// restricted key in a format paykit.Redact does not know) and checks every
// string of the error chain.
func TestKeyNeverInErrors(t *testing.T) {
	const key = "rk_live_Zq9TOPSECRETkey42"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		fmt.Fprint(w, stripeErr("invalid_request_error", "api_key_expired", "", "Invalid API Key provided: "+auth+" (key "+auth+")"))
	}))
	defer srv.Close()
	client := paykit.New(Provider(key, WithBaseURL(srv.URL)))
	_, err := client.Customers.Retrieve(context.Background(), "cus_1")
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	var se *stripeapi.Error
	require.True(t, errors.As(err, &se))
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		assert.NotContains(t, e.Error(), key)
		assert.NotContains(t, fmt.Sprintf("%+v %#v", e, e), key)
	}
	assert.NotContains(t, se.Msg, key)
	assert.Contains(t, err.Error(), "Invalid API Key provided", "the rest of the message stays")
}

func TestConfigurationErrors(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { calls++; fmt.Fprint(w, customerJSON) }))
	defer srv.Close()
	ctx := context.Background()
	cases := []struct {
		name, key, param string
		opts             []Option
	}{
		{"empty key", "", "key", nil},
		{"publishable key", "pk_test_abcdef123456", "key", nil},
		{"not a key", "hunter2hunter2", "key", nil},
		{"key with a newline", "sk_test_abc\ndef", "key", nil},
		{"relative base URL", testKey, "base_url", []Option{WithBaseURL("localhost:12111")}},
		{"negative retries", testKey, "max_retries", []Option{WithMaxRetries(-1)}},
		{"zero tolerance", testKey, "webhook_tolerance", []Option{WithWebhookTolerance(0)}},
		{"bad success URL", testKey, "success_url", []Option{WithReturnURLs("/ok", "")}},
		{"bad cancel URL", testKey, "cancel_url", []Option{WithReturnURLs("https://example.com/ok", "back")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Provider(tc.key, append([]Option{WithBaseURL(srv.URL), nil}, tc.opts...)...)
			client := paykit.New(p)
			_, err := client.Customers.Retrieve(ctx, "cus_1")
			require.ErrorIs(t, err, paykit.ErrConfiguration)
			pe, _ := paykit.AsError(err)
			assert.Equal(t, tc.param, pe.Param)
			if tc.key != "" {
				assert.NotContains(t, err.Error(), tc.key)
			}
			_, err = p.ParseWebhook(ctx, &paykit.WebhookRequest{}, testSecret)
			if tc.param == "key" {
				// Webhooks need only the signing secret: the
				// unsigned request is refused for its signature.
				require.ErrorIs(t, err, paykit.ErrWebhookSignature)
			} else {
				require.ErrorIs(t, err, paykit.ErrConfiguration)
			}
		})
	}
	assert.Zero(t, calls, "a misconfigured provider sends nothing")
}

func TestProviderMetadataOfTheWrongType(t *testing.T) {
	client, rec := fixture(t, routes{})
	ctx := context.Background()
	calls := map[string]func() error{
		"customer": func() error {
			_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com", ProviderMetadata: CheckoutOptions{}})
			return err
		},
		"checkout": func() error {
			_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_1", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com", ProviderMetadata: map[string]any{"locale": "de"}})
			return err
		},
		"checkout update": func() error {
			_, err := client.Checkouts.Update(ctx, "cs_1", &paykit.UpdateCheckoutParams{ProviderMetadata: CheckoutOptions{}})
			return err
		},
		"subscription": func() error {
			_, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_1", ProviderMetadata: PaymentOptions{}})
			return err
		},
		"payment": func() error {
			_, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 1, Currency: "USD", Customer: paykit.CustomerID("cus_1"), ProviderMetadata: "pm_1"})
			return err
		},
		"refund": func() error {
			_, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "pi_1", ProviderMetadata: &SubscriptionOptions{}})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		require.ErrorIs(t, err, paykit.ErrValidation, name)
		pe, _ := paykit.AsError(err)
		assert.Equal(t, "provider_metadata", pe.Param, name)
	}
	assert.Empty(t, rec.all())
}

func TestInputStripeCannotTake(t *testing.T) {
	client, rec := fixture(t, routes{})
	ctx := context.Background()
	tooMany := map[string]string{}
	for i := range paykit.MaxMetadataKeys {
		tooMany[fmt.Sprint("k", i)] = "v"
	}
	cases := []struct {
		name, param string
		call        func() error
	}{
		{"subscription for an email", "customer", func() error {
			_, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("a@example.com"), ItemID: "price_1"})
			return err
		}},
		{"custom interval", "billing_interval", func() error {
			_, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "prod_1", Amount: 100, Currency: "USD", BillingInterval: paykit.CustomInterval(36 * time.Hour)})
			return err
		}},
		{"product without an inline price", "item_id", func() error {
			_, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "prod_1"})
			return err
		}},
		{"update of a charge", "id", func() error {
			_, err := client.Payments.Update(ctx, "ch_1", &paykit.UpdatePaymentParams{Metadata: map[string]string{"k": "v"}})
			return err
		}},
		{"inline price without currency", "currency", func() error {
			_, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "prod_1", Amount: 100, BillingInterval: paykit.IntervalMonth})
			return err
		}},
		{"custom checkout interval", "subscription.billing_interval", func() error {
			_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_1", SessionType: paykit.SessionRecurring, Quantity: 1, SuccessURL: "https://example.com", Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.CustomInterval(time.Hour)}})
			return err
		}},
		{"KWD not in tens of fils", "amount", func() error {
			_, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 1255, Currency: "KWD", Customer: paykit.CustomerEmail("a@example.com"), ProviderMetadata: PaymentOptions{SuccessURL: "https://example.com"}})
			return err
		}},
		{"no page to send the payer to", "provider_metadata.success_url", func() error {
			_, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerEmail("a@example.com")})
			return err
		}},
		{"no room for paykit's metadata", "metadata", func() error {
			_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_1", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com", Metadata: tooMany})
			return err
		}},
		{"capture of a charge", "id", func() error {
			_, err := client.Payments.Capture(ctx, "ch_1", nil)
			return err
		}},
	}
	for _, tc := range cases {
		err := tc.call()
		require.ErrorIs(t, err, paykit.ErrValidation, tc.name)
		pe, _ := paykit.AsError(err)
		assert.Equal(t, tc.param, pe.Param, tc.name)
	}
	assert.Empty(t, rec.all(), "nothing reached Stripe")
}

func TestCapabilities(t *testing.T) {
	p := Provider(testKey)
	caps := p.Capabilities()
	assert.True(t, caps.IdempotencyKeys)
	for _, op := range paykit.AllOps() {
		assert.Equal(t, op != paykit.OpPaymentsDelete, caps.Supports(op), op)
	}
	err := p.DeletePayment(context.Background(), "pi_1", &paykit.RequestOptions{})
	require.ErrorIs(t, err, paykit.ErrNotSupported)
	assert.Equal(t, "stripe", p.Name())
}

// TestReadsSendStripeGosHeaders: customer reads, which skip stripe-go's
// backend's Do, send the headers stripe-go sends on its own reads.
func TestReadsSendStripeGosHeaders(t *testing.T) {
	client, rec := fixture(t, routes{
		"GET /v1/customers/cus_1":      reply(200, customerJSON),
		"GET /v1/customers":            reply(200, `{"object":"list","data":[],"has_more":false}`),
		"GET /v1/payment_intents/pi_1": reply(200, `{"id":"pi_1","object":"payment_intent","currency":"usd","amount":1000}`),
	})
	ctx := context.Background()
	_, err := client.Customers.Retrieve(ctx, "cus_1")
	require.NoError(t, err)
	_, err = client.Customers.ListPage(ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 3}})
	require.NoError(t, err)
	_, err = client.Payments.Retrieve(ctx, "pi_1") // through stripe-go
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 3)
	viaStripeGo := reqs[2].Header
	require.Equal(t, "Bearer "+testKey, viaStripeGo.Get("Authorization"))
	require.NotEmpty(t, viaStripeGo.Get("X-Stripe-Client-User-Agent"))
	for _, r := range reqs[:2] {
		assert.Equal(t, viaStripeGo, r.Header, r.Path)
	}
	assert.Equal(t, url.Values{"limit": {"3"}}, reqs[1].Form)
}

// TestCancelledCallIsCancelled: a caller who cancels a call while it waits
// to retry gets the cancellation, not the answer that caused the retry,
// and no further request is made. stripe-go's own waits would ignore the
// cancellation for up to 5 s.
func TestCancelledCallIsCancelled(t *testing.T) {
	for name, call := range map[string]func(context.Context, *paykit.Client) error{
		"read (sent by the provider)": func(ctx context.Context, c *paykit.Client) error {
			_, err := c.Customers.Retrieve(ctx, "cus_1")
			return err
		},
		"write (sent by stripe-go)": func(ctx context.Context, c *paykit.Client) error {
			_, err := c.Customers.Update(ctx, "cus_1", &paykit.UpdateCustomerParams{Name: paykit.String("Jenny")})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			unavailable := func(w http.ResponseWriter, r *http.Request) {
				time.AfterFunc(100*time.Millisecond, cancel)
				reply(503, `{"error":{"type":"api_error","message":"Something went wrong on Stripe's end."}}`)(w, r)
			}
			client, rec := fixture(t, routes{"GET /v1/customers/cus_1": unavailable, "POST /v1/customers/cus_1": unavailable})
			client.Provider().(*provider).retry.noSleep = false // a real wait
			start := time.Now()
			err := call(ctx, client)
			require.ErrorIs(t, err, context.Canceled)
			assert.False(t, paykit.IsRetryable(err))
			assert.NotErrorIs(t, err, paykit.ErrProviderUnavailable)
			assert.Less(t, time.Since(start), 450*time.Millisecond, "the wait before the retry ended with the context")
			assert.Len(t, rec.all(), 1)
		})
	}
}

// TestReadCutShortIsRetried: a read whose answer stops before its declared
// length is a connection failure: retried, and reported as one when the
// retries run out.
func TestReadCutShortIsRetried(t *testing.T) {
	cutShort := func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(customerJSON), customerJSON[:20])
		buf.Flush()
	}
	ctx := context.Background()

	client, rec := fixture(t, routes{"GET /v1/customers/cus_1": sequence(cutShort, reply(200, customerJSON))})
	cus, err := client.Customers.Retrieve(ctx, "cus_1")
	require.NoError(t, err)
	assert.Equal(t, "jenny@example.com", cus.Email)
	assert.Len(t, rec.all(), 2)

	client, rec = fixture(t, routes{"GET /v1/customers/cus_1": cutShort}, WithMaxRetries(1))
	_, err = client.Customers.Retrieve(ctx, "cus_1")
	require.ErrorIs(t, err, paykit.ErrNetwork)
	assert.True(t, paykit.IsRetryable(err))
	assert.Len(t, rec.all(), 2)
}
