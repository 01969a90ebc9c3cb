package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/paykit-go/paykit/internal/stripemock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v79/webhook"
)

var mockURL string

// TestMain runs the shop against stripe-mock; without it the tests fail.
func TestMain(m *testing.M) {
	srv, err := stripemock.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: the stripe-checkout example's tests need stripe-mock:", err)
		os.Exit(1)
	}
	mockURL = srv.URL
	code := m.Run()
	_ = srv.Close()
	os.Exit(code)
}

const secret = "whsec_example_test_secret"

func TestConfigFromEnv(t *testing.T) {
	_, err := configFromEnv(func(string) string { return "" })
	require.Error(t, err)
	for _, name := range []string{"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PRICE"} {
		assert.Contains(t, err.Error(), name)
	}
	env := map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": secret, "STRIPE_PRICE": "price_1", "STRIPE_API_BASE": "http://127.0.0.1:12111"}
	cfg, err := configFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", cfg.Addr)
	assert.Equal(t, "http://127.0.0.1:8080", cfg.PublicURL)
	assert.Equal(t, "http://127.0.0.1:12111", cfg.APIBase)
}

// TestShop buys the product against stripe-mock: the Buy button redirects
// to the checkout page, and a signed checkout.session.completed marks the
// order paid.
func TestShop(t *testing.T) {
	var s *shop
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.ServeHTTP(w, r) }))
	defer srv.Close()
	s = newShop(config{Key: "sk_test_4eC39HqLyjWDarjtT1zdp7dc", WebhookSecret: secret, Price: "price_123", APIBase: mockURL, PublicURL: srv.URL},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	body := get(t, srv.URL+"/")
	assert.Contains(t, body, "Buy")

	resp, err := noRedirect.PostForm(srv.URL+"/checkout", url.Values{"email": {"buyer@example.com"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "https://checkout.stripe.com/"), resp.Header.Get("Location"))

	s.mu.Lock()
	require.Len(t, s.paid, 1)
	var id string
	for id = range s.paid {
	}
	s.mu.Unlock()
	assert.Contains(t, get(t, srv.URL+"/success?checkout="+id), "being confirmed")

	event := fmt.Appendf(nil, `{"id":"evt_1","object":"event","type":"checkout.session.completed","created":1700000000,
		"data":{"object":{"id":%q,"object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
		"amount_total":2000,"currency":"usd","customer_details":{"email":"buyer@example.com"},"payment_intent":"pi_1","metadata":{}}}}`, id)
	assert.Equal(t, http.StatusOK, postWebhook(t, srv.URL, event, secret))
	assert.Contains(t, get(t, srv.URL+"/success?checkout="+id), "is paid")

	assert.Equal(t, http.StatusBadRequest, postWebhook(t, srv.URL, event, "whsec_forged"))

	resp, err = noRedirect.PostForm(srv.URL+"/checkout", url.Values{"email": {"not an email"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func postWebhook(t *testing.T, base string, body []byte, secret string) int {
	t.Helper()
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret})
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+"/webhooks", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Stripe-Signature", sig.Header)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}
