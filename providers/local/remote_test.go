package local_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
	"github.com/paykit-go/paykit/providers/local/server"
	"github.com/paykit-go/paykit/providers/local/sqlite"
)

// startServer runs a local payments server selling the catalogue, with
// opts, stopped at the end of the test.
func startServer(t testing.TB, opts ...local.Option) *server.Server {
	t.Helper()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: append(catalogue(), opts...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// remoteSim returns a simulator in remote mode, a client of srv.
func remoteSim(t testing.TB, srv *server.Server) *local.Simulator {
	t.Helper()
	sim := local.Provider(local.WithServerURL(srv.URL()), local.WithWebhookSecret(srv.Simulator().WebhookSecret()))
	if err := sim.Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}

// newRemoteEnv is newEnv over a local server: env.sim is the client.
func newRemoteEnv(t testing.TB, opts ...local.Option) *env {
	t.Helper()
	sim := remoteSim(t, startServer(t, opts...))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return &env{sim: sim, client: paykit.New(sim), ctx: ctx}
}

func TestConformanceRemote(t *testing.T) {
	paykittest.RunConformance(t, harness(
		func(t *testing.T) paykit.Provider { return remoteSim(t, startServer(t)) },
		func(t testing.TB) ([]*paykit.WebhookRequest, string) {
			rec := &recorder{}
			e := newRemoteEnv(t, local.WithWebhookHandler(rec), local.WithWebhookSecret(testSecret))
			co := e.checkout(t, paykit.CustomerID(e.customer(t).ID), "price_usd", paykit.SessionOneTime, 1)
			if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.sim.Flush(e.ctx); err != nil {
				t.Fatal(err)
			}
			return rec.all(), e.sim.WebhookSecret()
		}))
}

// The simulation operations have one name in package local and on the
// wire.
func TestOpNamesMatchTheWire(t *testing.T) {
	for l, w := range map[paykit.Op]paykit.Op{
		local.OpCompleteCheckout: wire.OpPayCheckout, local.OpConfirmPayment: wire.OpConfirmPayment,
		local.OpFailPayment: wire.OpFailPayment, local.OpSetCardDeclined: wire.OpSetCardDeclined,
		local.OpAdvanceClock: wire.OpAdvanceClock,
	} {
		if l != w {
			t.Errorf("local op %q is %q on the wire", l, w)
		}
	}
}

// Errors of the server reach the app as the in-process simulator's
// errors: same Code, Param and Message, and the HTTP status.
func TestRemoteErrorsKeepTheirFields(t *testing.T) {
	in := newEnv(t)
	re := newRemoteEnv(t)
	type call func(e *env) error
	for name, c := range map[string]call{
		"not found": func(e *env) error { _, err := e.client.Customers.Retrieve(e.ctx, "cus_nope"); return err },
		"unknown item": func(e *env) error {
			_, err := e.client.Checkouts.Create(e.ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("a@example.com"),
				ItemID: "price_nope", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com"})
			return err
		},
		"invalid state": func(e *env) error {
			sub := e.subscription(t, paykit.CustomerID(e.customer(t).ID), "price_pro")
			if _, err := e.client.Subscriptions.Cancel(e.ctx, sub.ID); err != nil {
				return err
			}
			_, err := e.client.Subscriptions.Cancel(e.ctx, sub.ID)
			return err
		},
		"over-refund": func(e *env) error {
			pay := e.payment(t, paykit.CustomerID(e.customer(t).ID), 1000, "")
			_, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 1001})
			return err
		},
		"declined": func(e *env) error {
			cus := e.customer(t)
			if err := e.sim.SetCardDeclined(e.ctx, cus.ID, true); err != nil {
				return err
			}
			_, err := e.client.Payments.Create(e.ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID(cus.ID)})
			return err
		},
		"idempotency conflict": func(e *env) error {
			key := paykit.WithIdempotencyKey("k1")
			if _, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, key); err != nil {
				return err
			}
			_, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "b@example.com"}, key)
			return err
		},
		"simulation helper": func(e *env) error { _, err := e.sim.ConfirmPayment(e.ctx, "pay_nope"); return err },
	} {
		t.Run(name, func(t *testing.T) {
			want, _ := paykit.AsError(c(in))
			got, ok := paykit.AsError(c(re))
			if want == nil || !ok {
				t.Fatalf("in-process error %v, remote %v", want, got)
			}
			if got.Code != want.Code || got.Param != want.Param || got.DeclineCode != want.DeclineCode || got.Provider != "local" || got.Op != want.Op {
				t.Errorf("remote error %#v, in-process %#v", got, want)
			}
			// Messages name generated ids; compare them with ids masked.
			if mask(got.Message) != mask(want.Message) {
				t.Errorf("remote message %q, in-process %q", got.Message, want.Message)
			}
			if got.StatusCode < 400 || got.StatusCode > 499 {
				t.Errorf("StatusCode = %d", got.StatusCode)
			}
		})
	}
	// The server validates as the SDK does, also for callers that skip
	// the SDK's own checks.
	_, err := re.sim.CreateCustomer(re.ctx, &paykit.CreateCustomerParams{Email: "not an email"}, nil)
	if pe, ok := paykit.AsError(err); !ok || pe.Code != paykit.CodeValidation || pe.Param != "email" || pe.StatusCode != 400 {
		t.Errorf("invalid params sent straight to the server: %v", err)
	}
}

var generatedID = regexp.MustCompile(`\b(cus|pay|sub|cs|re|in|evt)_[0-9A-Za-z]{20}\b`)

func mask(s string) string { return generatedID.ReplaceAllString(s, "$1_*") }

// The remote mode refuses what the server owns, and reports a server it
// cannot reach as a network error that names no secret.
func TestRemoteConfigurationAndDownServer(t *testing.T) {
	sim := local.Provider(local.WithServerURL("http://127.0.0.1:1"), local.WithItem("price_x", 100, "USD"), local.WithStore(local.NewMemoryStore()),
		local.WithEventRetention(10))
	err := sim.Err()
	if !errors.Is(err, paykit.ErrConfiguration) || !strings.Contains(err.Error(), "WithEventRetention, WithItem, WithStore") {
		t.Errorf("server-side options with WithServerURL: %v", err)
	}
	if bad := local.Provider(local.WithServerURL("localhost:4242")); !errors.Is(bad.Err(), paykit.ErrConfiguration) {
		t.Errorf("a server URL without scheme: %v", bad.Err())
	}

	srv := startServer(t)
	url := srv.URL()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	sim = local.Provider(local.WithServerURL(url), local.WithWebhookSecret(testSecret))
	defer sim.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = paykit.New(sim).Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"})
	if !errors.Is(err, paykit.ErrNetwork) {
		t.Fatalf("a call to a stopped server = %v, want ErrNetwork", err)
	}
	if strings.Contains(err.Error(), testSecret) || strings.Contains(fmt.Sprintf("%+v", err), testSecret) {
		t.Errorf("the error names the webhook secret: %v", err)
	}
	if got := sim.WebhookSecret(); got != testSecret {
		t.Errorf("WebhookSecret = %q, want the configured one", got)
	}
}

// Through the server nothing is given up: an endpoint failing far more
// often than the in-process retry limit (8) still gets every event, once
// per id at the app's handler, in order.
func TestServerDeliversToFlakyEndpoint(t *testing.T) {
	a := newApp(testSecret)
	ep := &flakyEndpoint{next: a.webhook, failFirst: 20, lostAck: 25}
	hooks := httptest.NewServer(ep)
	defer hooks.Close()
	e := newRemoteEnv(t, local.WithWebhookURL(hooks.URL), local.WithWebhookSecret(testSecret),
		local.WithDeliveryRetry(local.UnlimitedAttempts, time.Millisecond, 4*time.Millisecond))
	shop(t, e)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	logged := checkDelivered(t, e, a)
	if d := logged[0].Deliveries[0]; d.AttemptCount != 21 || d.Attempts[0].StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first event's delivery = %d attempts, first %+v; want 20 failures then success", d.AttemptCount, d.Attempts[0])
	}
}

// An endpoint that is down (connections refused) for longer than the
// in-process retry limit gets everything once it is back.
func TestServerDeliversToEndpointDownForAWhile(t *testing.T) {
	a := newApp(testSecret)
	hooks := httptest.NewServer(a.webhook)
	defer hooks.Close()
	var down atomic.Bool
	down.Store(true)
	e := newRemoteEnv(t, local.WithWebhookURL(hooks.URL), local.WithWebhookSecret(testSecret), local.WithHTTPClient(refusingClient(&down)),
		local.WithDeliveryRetry(local.UnlimitedAttempts, time.Millisecond, 4*time.Millisecond))
	shop(t, e)
	waitRefused(t, e, 12)
	down.Store(false)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, e, a)
}

// A server restarted on the same SQLite file keeps its state (resources,
// the simulated clock) and delivers what it had queued: every event
// exactly once, in order.
func TestServerRestartKeepsStateAndQueuedDeliveries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paykit-dev.db")
	a := newApp(testSecret)
	var up atomic.Bool
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		a.webhook.ServeHTTP(w, r)
	}))
	defer hooks.Close()
	run := func() (*env, func()) {
		store, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: append(catalogue(), local.WithStore(store),
			local.WithWebhookURL(hooks.URL), local.WithWebhookSecret(testSecret),
			local.WithDeliveryRetry(local.UnlimitedAttempts, time.Millisecond, 4*time.Millisecond))})
		if err != nil {
			t.Fatal(err)
		}
		sim := remoteSim(t, srv)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		return &env{sim: sim, client: paykit.New(sim), ctx: ctx}, func() {
			cancel()
			if err := srv.Close(); err != nil {
				t.Error(err)
			}
			if err := store.Close(); err != nil {
				t.Error(err)
			}
		}
	}

	first, stop := run()
	shop(t, first)
	cus := first.customer(t)
	co := first.checkout(t, paykit.CustomerID(cus.ID), "price_pro", paykit.SessionRecurring, 1)
	pay, err := first.sim.CompleteCheckout(first.ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.sim.AdvanceClock(first.ctx, 40*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	then, _ := first.sim.Now(first.ctx)
	before, err := first.sim.Events(first.ctx)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	pending := 0
	for _, le := range before {
		if le.Deliveries[0].Status == local.DeliveryPending {
			pending++
		}
	}
	if pending == 0 || len(a.order) != 0 {
		t.Fatalf("before the restart: %d of %d events pending, %d handled", pending, len(before), len(a.order))
	}

	up.Store(true)
	second, stop := run()
	defer stop()
	if err := second.sim.Flush(second.ctx); err != nil {
		t.Fatal(err)
	}
	after := checkDelivered(t, second, a)
	if len(after) != len(before) {
		t.Errorf("%d events after the restart, %d before", len(after), len(before))
	}
	got, err := second.client.Payments.Retrieve(second.ctx, pay.ID)
	if err != nil || got.Status != paykit.PaymentSucceeded {
		t.Errorf("payment after the restart: %+v %v", got, err)
	}
	subs, err := second.client.Subscriptions.ListPage(second.ctx, &paykit.ListSubscriptionsParams{CustomerID: cus.ID})
	if err != nil || len(subs.Data) != 1 || subs.Data[0].Status != paykit.SubscriptionActive {
		t.Fatalf("subscription after the restart: %+v %v", subs, err)
	}
	invs, _ := second.client.Invoices.ListPage(second.ctx, &paykit.ListInvoicesParams{SubscriptionID: subs.Data[0].ID})
	if len(invs.Data) != 2 {
		t.Errorf("%d invoices of the subscription after a renewal, want 2", len(invs.Data))
	}
	if now, _ := second.sim.Now(second.ctx); now.Sub(then) < 0 || now.Sub(then) > time.Minute {
		t.Errorf("the simulated clock was %v before the restart and %v after", then, now)
	}
}

// Concurrent clients of one server on SQLite: every flow completes and
// nothing is lost or doubled.
func TestServerConcurrentClientsOnSQLite(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "paykit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := startServer(t, local.WithStore(store))
	const clients, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := &env{sim: remoteSim(t, srv), ctx: context.Background()}
			e.client = paykit.New(e.sim, paykit.WithDefaultTimeout(30*time.Second))
			for range each {
				cus, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "c@example.com"})
				if err != nil {
					errs <- err
					return
				}
				co, err := e.client.Checkouts.Create(e.ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: "price_usd",
					SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/ok"})
				if err != nil {
					errs <- err
					return
				}
				if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	e := &env{sim: remoteSim(t, srv), ctx: context.Background()}
	e.client = paykit.New(e.sim)
	count := func(seq func(func(*paykit.Payment, error) bool)) int {
		n := 0
		for p, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != paykit.PaymentSucceeded {
				t.Errorf("payment %s is %s", p.ID, p.Status)
			}
			n++
		}
		return n
	}
	if n := count(e.client.Payments.List(e.ctx, &paykit.ListPaymentsParams{ListParams: paykit.ListParams{Limit: 100}})); n != clients*each {
		t.Errorf("%d payments, want %d", n, clients*each)
	}
	evs, err := e.sim.Events(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 6*clients*each {
		t.Errorf("%d events, want 6 per flow: %d", len(evs), 6*clients*each)
	}
}

// The server never shows the webhook secret: not in its logs, its API
// answers, its dashboard or its errors.
func TestServerSecretNeverLeaks(t *testing.T) {
	var logs paykittest.SyncBuffer
	a := newApp(testSecret)
	hooks := httptest.NewServer(&flakyEndpoint{next: a.webhook, failFirst: 3, lostAck: 1000})
	defer hooks.Close()
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Logger: logger, Options: append(catalogue(), local.WithLogger(logger),
		local.WithWebhookURL(hooks.URL), local.WithWebhookSecret(testSecret),
		local.WithDeliveryRetry(local.UnlimitedAttempts, time.Millisecond, 4*time.Millisecond))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	e := &env{sim: remoteSim(t, srv), ctx: context.Background()}
	e.client = paykit.New(e.sim, paykit.WithDefaultTimeout(30*time.Second))
	shop(t, e)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	var seen strings.Builder
	seen.WriteString(logs.String())
	for _, path := range []string{"/", "/api/v1/events", "/api/v1/clock", "/api/v1/customers/cus_nope", "/api/v1/nope"} {
		res, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		seen.Write(body)
	}
	_, err = e.client.Payments.Retrieve(e.ctx, "pay_nope")
	seen.WriteString(fmt.Sprintf("%v %+v", err, err))
	if !strings.Contains(logs.String(), "webhook delivery failed") {
		t.Fatalf("no delivery warning was logged: %s", logs.String())
	}
	key := strings.TrimPrefix(testSecret, "whsec_")
	if strings.Contains(seen.String(), key) {
		t.Errorf("the secret leaked:\n%s", seen.String())
	}
}

// A client of a server reads the event log page by page: Events returns
// all of it, oldest first, EventsPage one page, newest first.
func TestRemoteEventsPages(t *testing.T) {
	e := newRemoteEnv(t)
	const n = 130 // more than one page of 100
	for i := range n {
		if _, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := e.sim.Events(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != n {
		t.Fatalf("%d events, want %d", len(evs), n)
	}
	for i, le := range evs {
		if c, ok := le.Event.Data.(*paykit.Customer); !ok || c.Email != fmt.Sprintf("c%d@example.com", i) {
			t.Fatalf("event %d = %+v, want customer c%d, oldest first", i, le.Event.Data, i)
		}
	}
	p, err := e.sim.EventsPage(e.ctx, paykit.ListParams{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Data) != 3 || !p.HasMore || p.Data[0].Event.ID != evs[n-1].Event.ID {
		t.Errorf("first page of 3 = %d events, more %v, want the newest first", len(p.Data), p.HasMore)
	}
	_, err = e.sim.EventsPage(e.ctx, paykit.ListParams{Limit: 101})
	wantErr(t, err, paykit.ErrValidation, "limit")
}

// A write called directly, without a paykit.Client and so without an
// idempotency key, gets one as a Client call would: when the answer is
// lost after the server applied the write, it is resent with the same
// key and applied once; when every answer is lost, the error names the
// key the write was sent with.
func TestRemoteDirectWriteGetsAKey(t *testing.T) {
	srv := startServer(t)
	var (
		mu   sync.Mutex
		keys []string
		drop int // answers of POST /customers still to lose
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, srv.URL()+r.URL.RequestURI(), strings.NewReader(string(body)))
		req.Header = r.Header.Clone()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		answer, _ := io.ReadAll(res.Body)
		mu.Lock()
		lose := r.Method == http.MethodPost && r.URL.Path == wire.Prefix+"/customers" && drop > 0
		if r.Method == http.MethodPost && r.URL.Path == wire.Prefix+"/customers" {
			keys = append(keys, r.Header.Get(wire.IdempotencyHeader))
			drop--
		}
		mu.Unlock()
		if lose { // the server applied it; its answer is lost on the way
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
			return
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(answer)
	}))
	defer proxy.Close()
	sim := local.Provider(local.WithServerURL(proxy.URL), local.WithWebhookSecret(srv.Simulator().WebhookSecret()))
	defer sim.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	customers := func() int {
		t.Helper()
		p, err := srv.Simulator().ListCustomers(ctx, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Data)
	}
	sent := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := keys
		keys = nil
		return out
	}

	for name, ro := range map[string]*paykit.RequestOptions{"nil options": nil, "no key": {}} {
		before := customers()
		mu.Lock()
		drop = 1
		mu.Unlock()
		cus, err := sim.CreateCustomer(ctx, &paykit.CreateCustomerParams{Email: "direct@example.com"}, ro)
		if err != nil {
			t.Fatalf("%s: a direct write whose first answer was lost = %v, want it resent and applied", name, err)
		}
		got := sent()
		if len(got) != 2 || got[0] == "" || got[0] != got[1] {
			t.Errorf("%s: attempts carried keys %q, want one generated key, sent twice", name, got)
		}
		if n := customers() - before; n != 1 || cus.Email != "direct@example.com" {
			t.Errorf("%s: the write was applied %d times, want once", name, n)
		}
	}

	// The caller's key is sent as it is.
	if _, err := sim.CreateCustomer(ctx, &paykit.CreateCustomerParams{Email: "keyed@example.com"}, &paykit.RequestOptions{IdempotencyKey: "mine"}); err != nil {
		t.Fatal(err)
	}
	if got := sent(); len(got) != 1 || got[0] != "mine" {
		t.Errorf("a call with the caller's key sent keys %q, want [mine]", got)
	}

	// Every answer lost: the error names the generated key, and repeating
	// the call with it applies the write once.
	before := customers()
	mu.Lock()
	drop = 100
	mu.Unlock()
	_, err := sim.CreateCustomer(ctx, &paykit.CreateCustomerParams{Email: "lost@example.com"}, nil)
	pe, _ := paykit.AsError(err)
	got := sent()
	if pe == nil || pe.IdempotencyKey == "" || len(got) < 2 || pe.IdempotencyKey != got[0] {
		t.Fatalf("a direct write whose answers were all lost = %v (key %q), sent with %q; want an error naming the key", err, pe.IdempotencyKey, got)
	}
	mu.Lock()
	drop = 0
	mu.Unlock()
	if _, err := sim.CreateCustomer(ctx, &paykit.CreateCustomerParams{Email: "lost@example.com"}, &paykit.RequestOptions{IdempotencyKey: pe.IdempotencyKey}); err != nil {
		t.Fatal(err)
	}
	if n := customers() - before; n != 1 {
		t.Errorf("the lost write, repeated with its key, was applied %d times, want once", n)
	}
}

// TestSimulationHelpersRefuseAnEmptyID: the helpers that name an object
// refuse an empty id before anything runs or is sent, in both modes (in
// remote mode it used to reach the server as a path like
// /payments//confirm).
func TestSimulationHelpersRefuseAnEmptyID(t *testing.T) {
	for mode, e := range map[string]*env{"in-process": newEnv(t), "remote": newRemoteEnv(t)} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			_, err := e.sim.ConfirmPayment(ctx, "")
			wantErr(t, err, paykit.ErrValidation, "id")
			_, err = e.sim.FailPayment(ctx, "")
			wantErr(t, err, paykit.ErrValidation, "id")
			_, err = e.sim.Event(ctx, "")
			wantErr(t, err, paykit.ErrValidation, "id")
			wantErr(t, e.sim.Resend(ctx, ""), paykit.ErrValidation, "id")
		})
	}
}
