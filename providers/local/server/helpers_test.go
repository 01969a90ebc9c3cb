package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
)

const secret = "whsec_c2VydmVyLXRlc3Qtc2VjcmV0LW9mLXBheWtpdC1kZXY="

// items is the catalogue of the test servers.
func items() []local.Option {
	return []local.Option{
		local.WithItem("price_basic", 1500, "USD"),
		local.WithItem("price_jpy", 1500, "JPY"),
		local.WithItem("price_kwd", 2750, "KWD"),
		local.WithRecurringItem("price_pro", 900, "USD", paykit.IntervalMonth),
	}
}

// shop is an app on a local payments server: its provider is a client of
// the server, its webhook endpoint a real paykit handler recording every
// event, and it has success and cancel pages.
type shop struct {
	srv    *server.Server
	sim    *local.Simulator // the app's provider, in remote mode
	client *paykit.Client
	app    *httptest.Server // the app: /webhooks, /success, /cancel
	ctx    context.Context

	mu     sync.Mutex
	events []*paykit.Event
}

func newShop(t *testing.T, opts ...local.Option) *shop {
	t.Helper()
	s := &shop{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	s.ctx = ctx
	mux := http.NewServeMux()
	s.app = httptest.NewServer(mux)
	t.Cleanup(s.app.Close)
	base := append(items(), local.WithWebhookURL(s.app.URL+"/webhooks"), local.WithWebhookSecret(secret),
		local.WithDeliveryRetry(local.UnlimitedAttempts, 5*time.Millisecond, 50*time.Millisecond))
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: append(base, opts...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	s.srv = srv
	s.sim = local.Provider(local.WithServerURL(srv.URL()), local.WithWebhookSecret(secret))
	t.Cleanup(func() { _ = s.sim.Close() })
	s.client = paykit.New(s.sim)
	wh := s.client.Webhooks.Setup(paykit.WebhookConfig{Secret: secret})
	for _, typ := range []paykit.EventType{
		paykit.EventCustomerCreated, paykit.EventCustomerUpdated, paykit.EventCustomerDeleted,
		paykit.EventSubscriptionCreated, paykit.EventSubscriptionUpdated, paykit.EventSubscriptionCanceled,
		paykit.EventPaymentCreated, paykit.EventPaymentUpdated, paykit.EventPaymentCanceled,
		paykit.EventRefundCreated, paykit.EventInvoiceGenerated,
		paykit.EventCheckoutCreated, paykit.EventCheckoutUpdated, paykit.EventCheckoutCompleted, paykit.EventCheckoutExpired,
	} {
		wh.On(typ, func(_ context.Context, e *paykit.Event) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.events = append(s.events, e)
			return nil
		})
	}
	mux.Handle("POST /webhooks", wh)
	mux.HandleFunc("GET /success", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<h1 id=thanks>Thanks for your order "+r.URL.Query().Get("session")+"</h1>")
	})
	mux.HandleFunc("GET /cancel", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<h1 id=canceled>Order canceled</h1>")
	})
	return s
}

// checkout opens a checkout of item for a new customer, returning to the
// app's pages.
func (s *shop) checkout(t *testing.T, item string, session paykit.SessionType) *paykit.Checkout {
	t.Helper()
	cus, err := s.client.Customers.Create(s.ctx, &paykit.CreateCustomerParams{Email: "jane@example.com", Name: "Jane Doe"})
	if err != nil {
		t.Fatal(err)
	}
	co, err := s.client.Checkouts.Create(s.ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID(cus.ID), ItemID: item, SessionType: session, Quantity: 2,
		SuccessURL: s.app.URL + "/success?session={CHECKOUT_ID}", CancelURL: s.app.URL + "/cancel",
	})
	if err != nil {
		t.Fatal(err)
	}
	return co
}

// received returns the types of the events the app handled about id
// (any resource id in the event's data), waiting until want are all in.
func (s *shop) waitEvents(t *testing.T, want ...paykit.EventType) []*paykit.Event {
	t.Helper()
	if err := s.sim.Flush(s.ctx); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	got := map[paykit.EventType]bool{}
	for _, e := range s.events {
		got[e.Type] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("the app received no %s event", w)
		}
	}
	return append([]*paykit.Event(nil), s.events...)
}

// apiCall is one raw request to the server.
type apiCall struct {
	method, path, contentType string
	body                      []byte
	header                    map[string]string
}

type apiAnswer struct {
	status int
	header http.Header
	body   []byte
	err    struct {
		Code        paykit.ErrorCode `json:"code"`
		Message     string           `json:"message"`
		Param       string           `json:"param"`
		DeclineCode string           `json:"decline_code"`
	}
}

func do(t *testing.T, base string, c apiCall) *apiAnswer {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.body != nil {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range c.header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	a := &apiAnswer{status: res.StatusCode, header: res.Header}
	a.body, _ = io.ReadAll(res.Body)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && res.StatusCode >= 400 {
		var env struct {
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(a.body, &env); err != nil || json.Unmarshal(env.Error, &a.err) != nil {
			t.Fatalf("%s %s: error body %s is not the error envelope", c.method, c.path, a.body)
		}
	}
	return a
}
