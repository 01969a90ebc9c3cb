package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/sqlite"
)

const testSecret = "whsec_dGVzdC1zZWNyZXQtb2YtdGhlLWxvY2FsLXByb3ZpZGVy"

var allEventTypes = []paykit.EventType{
	paykit.EventCustomerCreated, paykit.EventCustomerUpdated, paykit.EventCustomerDeleted,
	paykit.EventSubscriptionCreated, paykit.EventSubscriptionUpdated, paykit.EventSubscriptionCanceled,
	paykit.EventPaymentCreated, paykit.EventPaymentUpdated, paykit.EventPaymentCanceled,
	paykit.EventRefundCreated, paykit.EventInvoiceGenerated,
	paykit.EventCheckoutCreated, paykit.EventCheckoutUpdated, paykit.EventCheckoutCompleted, paykit.EventCheckoutExpired,
}

// app is the receiving side: a real paykit webhook endpoint whose handlers
// count every event id they handle.
type app struct {
	mu      sync.Mutex
	handled map[string]int
	order   []string
	typed   int // events whose Data had the right Go type
	webhook *paykit.Webhook
}

func newApp(secret string) *app {
	a := &app{handled: map[string]int{}}
	a.webhook = paykit.New(local.Provider()).Webhooks.Setup(paykit.WebhookConfig{Secret: secret})
	for _, typ := range allEventTypes {
		a.webhook.On(typ, func(_ context.Context, e *paykit.Event) error {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.handled[e.ID]++
			a.order = append(a.order, e.ID)
			if e.Customer() != nil || e.Checkout() != nil || e.Payment() != nil || e.Refund() != nil || e.Invoice() != nil || e.Subscription() != nil {
				a.typed++
			}
			return nil
		})
	}
	return a
}

// flakyEndpoint fails its first failFirst requests with 503 without
// handling them, and answers 500 after handling request number lostAck
// (a lost acknowledgement), so the event comes again.
type flakyEndpoint struct {
	next      http.Handler
	failFirst int64
	lostAck   int64
	n         atomic.Int64
	seen      sync.Map // webhook-id -> []string timestamps
}

func (f *flakyEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.n.Add(1)
	ts, _ := f.seen.LoadOrStore(r.Header.Get("webhook-id"), &[]string{})
	*ts.(*[]string) = append(*ts.(*[]string), r.Header.Get("webhook-timestamp")+" "+r.Header.Get("webhook-signature"))
	switch {
	case n <= f.failFirst:
		http.Error(w, "warming up", http.StatusServiceUnavailable)
	case n == f.lostAck:
		f.next.ServeHTTP(httptest.NewRecorder(), r)
		http.Error(w, "ack lost", http.StatusInternalServerError)
	default:
		f.next.ServeHTTP(w, r)
	}
}

// shop runs a purchase flow that emits every kind of event.
func shop(t *testing.T, e *env) {
	t.Helper()
	cus := e.customer(t)
	if _, err := e.client.Customers.Update(e.ctx, cus.ID, &paykit.UpdateCustomerParams{Name: paykit.String("New")}); err != nil {
		t.Fatal(err)
	}
	co := e.checkout(t, paykit.CustomerID(cus.ID), "price_usd", paykit.SessionOneTime, 1)
	if _, err := e.client.Checkouts.Update(e.ctx, co.ID, &paykit.UpdateCheckoutParams{Metadata: map[string]string{"a": "b"}}); err != nil {
		t.Fatal(err)
	}
	pay, err := e.sim.CompleteCheckout(e.ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 500}); err != nil {
		t.Fatal(err)
	}
	expired := e.checkout(t, paykit.CustomerID(cus.ID), "price_usd", paykit.SessionOneTime, 1)
	if err := e.client.Checkouts.Delete(e.ctx, expired.ID); err != nil {
		t.Fatal(err)
	}
	auth := e.payment(t, paykit.CustomerID(cus.ID), 300, paykit.CaptureManual)
	if _, err := e.client.Payments.Cancel(e.ctx, auth.ID); err != nil {
		t.Fatal(err)
	}
	sub := e.subscription(t, paykit.CustomerID(cus.ID), "price_pro")
	if _, err := e.client.Subscriptions.Update(e.ctx, sub.ID, &paykit.UpdateSubscriptionParams{Quantity: paykit.Int64(2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Subscriptions.Cancel(e.ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.client.Customers.Delete(e.ctx, cus.ID); err != nil {
		t.Fatal(err)
	}
}

// checkDelivered verifies that every logged event was delivered and
// handled exactly once, in the order emitted.
func checkDelivered(t *testing.T, e *env, a *app) []*local.LoggedEvent {
	t.Helper()
	logged, err := e.sim.Events(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	types := map[paykit.EventType]bool{}
	for _, le := range logged {
		ids = append(ids, le.Event.ID)
		types[le.Event.Type] = true
		for _, d := range le.Deliveries {
			if d.Status != local.DeliverySucceeded || !d.Attempts[len(d.Attempts)-1].OK() || !d.NextAttemptAt.IsZero() {
				t.Errorf("event %s delivery %+v not succeeded", le.Event.ID, d)
			}
		}
	}
	for _, typ := range allEventTypes {
		if !types[typ] {
			t.Errorf("the flow emitted no %s", typ)
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range ids {
		if a.handled[id] != 1 {
			t.Errorf("event %s handled %d times, want exactly once", id, a.handled[id])
		}
	}
	if !slices.Equal(a.order, ids) {
		t.Errorf("handled in order %v, emitted %v", a.order, ids)
	}
	if a.typed != len(ids) {
		t.Errorf("%d of %d events had typed data", a.typed, len(ids))
	}
	return logged
}

var fastRetry = local.WithDeliveryRetry(20, 2*time.Millisecond, 20*time.Millisecond)

func TestDeliveryToFlakyHTTPEndpoint(t *testing.T) {
	a := newApp(testSecret)
	ep := &flakyEndpoint{next: a.webhook, failFirst: 3, lostAck: 6}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	e := newEnv(t, local.WithWebhookURL(srv.URL+"/hooks"), local.WithWebhookSecret(testSecret), fastRetry)
	shop(t, e)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	logged := checkDelivered(t, e, a)
	first := logged[0].Deliveries[0]
	if first.Endpoint != srv.URL+"/hooks" || len(first.Attempts) != 4 || first.Attempts[0].StatusCode != http.StatusServiceUnavailable || first.Attempts[0].Error == "" {
		t.Errorf("first event's delivery log = %+v, want 3 failed attempts then success", first)
	}
	// Redeliveries carry the same id with a fresh signature.
	sigs, _ := ep.seen.Load(logged[0].Event.ID)
	if got := *sigs.(*[]string); len(got) != 4 {
		t.Errorf("the first event was posted %d times, want 4", len(got))
	}
	if total := ep.n.Load(); total != int64(len(logged))+3+1 {
		t.Errorf("%d requests for %d events, want one each plus 3 failures and 1 lost ack", total, len(logged))
	}
}

// refusingClient is a webhook HTTP client whose connections are refused,
// as against a closed port, while down is true.
func refusingClient(down *atomic.Bool) *http.Client {
	var dialer net.Dialer
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if down.Load() {
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}}
}

// waitRefused waits until the first event's delivery was refused n times.
func waitRefused(t *testing.T, e *env, n int) {
	t.Helper()
	for i := 0; ; i++ {
		le, err := e.sim.Events(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := le[0].Deliveries[0]; d.AttemptCount >= n {
			if d.Status != local.DeliveryPending || d.Attempts[0].StatusCode != 0 || !strings.Contains(d.Attempts[0].Error, "refused") {
				t.Errorf("delivery while down = %+v", d)
			}
			return
		}
		if i == 2000 {
			t.Fatalf("fewer than %d attempts while the endpoint was down", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestDeliveryToEndpointDownForAWhile(t *testing.T) {
	a := newApp(testSecret)
	srv := httptest.NewServer(a.webhook)
	defer srv.Close()
	var down atomic.Bool
	down.Store(true)
	e := newEnv(t, local.WithWebhookURL(srv.URL), local.WithWebhookSecret(testSecret), local.WithHTTPClient(refusingClient(&down)), fastRetry)
	shop(t, e)
	waitRefused(t, e, 2)
	down.Store(false)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, e, a)
}

func TestDeliveryGivesUpAndResends(t *testing.T) {
	a := newApp(testSecret)
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			http.Error(w, "broken", http.StatusBadGateway)
			return
		}
		a.webhook.ServeHTTP(w, r)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	e := newEnv(t, local.WithWebhookURL(srv.URL), local.WithWebhookSecret(testSecret),
		local.WithDeliveryRetry(3, time.Millisecond, 4*time.Millisecond),
		local.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	e.customer(t)
	e.customer(t)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	logged, _ := e.sim.Events(e.ctx)
	for _, le := range logged {
		d := le.Deliveries[0]
		if d.Status != local.DeliveryFailed || len(d.Attempts) != 3 || d.Attempts[2].StatusCode != http.StatusBadGateway {
			t.Errorf("delivery to a broken endpoint = %+v, want failed after 3 attempts", d)
		}
		// The backoff doubles: 1 ms, then 2 ms.
		if gap := d.Attempts[2].At.Sub(d.Attempts[1].At); gap < 2*time.Millisecond {
			t.Errorf("second retry after %v, want >= 2ms", gap)
		}
	}
	if !strings.Contains(logs.String(), "gave up") || strings.Contains(logs.String(), testSecret) {
		t.Errorf("logs = %s", logs.String())
	}

	healthy.Store(true)
	if err := e.sim.Resend(e.ctx, logged[1].Event.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	le, err := e.sim.Event(e.ctx, logged[1].Event.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := le.Deliveries[0]; d.Status != local.DeliverySucceeded || len(d.Attempts) != 4 {
		t.Errorf("resent delivery = %+v, want succeeded on a 4th attempt", d)
	}
	a.mu.Lock()
	if a.handled[logged[1].Event.ID] != 1 || a.handled[logged[0].Event.ID] != 0 {
		t.Errorf("handled = %v", a.handled)
	}
	a.mu.Unlock()
	wantErr(t, e.sim.Resend(e.ctx, "evt_missing"), paykit.ErrNotFound, "id")
}

func TestInProcessHandler(t *testing.T) {
	a := newApp(testSecret)
	var calls atomic.Int64
	flaky := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			panic("handler bug")
		}
		a.webhook.ServeHTTP(w, r)
	})
	e := newEnv(t, local.WithWebhookHandler(flaky), local.WithWebhookSecret(testSecret), fastRetry)
	shop(t, e)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	logged := checkDelivered(t, e, a)
	d := logged[0].Deliveries[0]
	if d.Endpoint != local.HandlerEndpoint || len(d.Attempts) != 2 || !strings.Contains(d.Attempts[0].Error, "panicked") {
		t.Errorf("delivery after a panic = %+v", d)
	}
}

func TestDeliveryToBothEndpoints(t *testing.T) {
	viaHTTP, inProcess := newApp(testSecret), newApp(testSecret)
	srv := httptest.NewServer(viaHTTP.webhook)
	defer srv.Close()
	e := newEnv(t, local.WithWebhookURL(srv.URL), local.WithWebhookHandler(inProcess.webhook), local.WithWebhookSecret(testSecret))
	shop(t, e)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, e, viaHTTP)
	checkDelivered(t, e, inProcess)
}

func TestFlushAndClose(t *testing.T) {
	// No endpoint: events are logged, Flush returns at once.
	e := newEnv(t)
	e.customer(t)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	if logged, _ := e.sim.Events(e.ctx); len(logged) != 1 || len(logged[0].Deliveries) != 0 {
		t.Errorf("log without endpoint = %+v", logged)
	}

	// Flush gives up with ctx while a delivery waits for its retry.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer srv.Close()
	e = newEnv(t, local.WithWebhookURL(srv.URL), local.WithDeliveryRetry(5, time.Hour, time.Hour))
	e.customer(t)
	ctx, cancel := context.WithTimeout(e.ctx, 50*time.Millisecond)
	defer cancel()
	if err := e.sim.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Flush past its deadline = %v", err)
	}

	// Close stops delivery; the simulator keeps working and logging.
	if err := e.sim.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	e.customer(t)
	if err := e.sim.Flush(e.ctx); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Flush after Close with deliveries queued = %v", err)
	}
	if logged, _ := e.sim.Events(e.ctx); len(logged) != 2 || logged[1].Deliveries[0].Status != local.DeliveryPending {
		t.Errorf("log after Close = %+v", logged)
	}
}

func TestEventPayload(t *testing.T) {
	rec := &recorder{}
	e := clockEnv(t, local.WithWebhookHandler(rec))
	cus := e.customer(t)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 1 {
		t.Fatalf("%d deliveries", len(reqs))
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	data, _ := body["data"].(map[string]any)
	if body["type"] != "customer.created" || body["provider"] != "local" || !strings.HasPrefix(body["id"].(string), "evt_") ||
		body["created"] != "2025-01-15T12:00:00Z" || data["id"] != cus.ID || data["email"] != "buyer@example.com" {
		t.Errorf("payload = %s", reqs[0].Body)
	}
	h := reqs[0].Header
	if h.Get("webhook-id") != body["id"] || h.Get("Content-Type") != "application/json" || !strings.HasPrefix(h.Get("webhook-signature"), "v1,") {
		t.Errorf("headers = %v", h)
	}
	// Signed with the real time, although the simulated clock is in 2025.
	evs, err := e.sim.ParseWebhook(e.ctx, reqs[0], e.sim.WebhookSecret())
	if err != nil || len(evs) != 1 || evs[0].Customer().ID != cus.ID || !evs[0].Created.Equal(start) || !bytes.Equal(evs[0].Raw, reqs[0].Body) {
		t.Fatalf("ParseWebhook = %+v, %v", evs, err)
	}
	// SignedRequest signs like the worker, for testing endpoints.
	if evs, err := e.sim.ParseWebhook(e.ctx, e.sim.SignedRequest("evt_own", reqs[0].Body), e.sim.WebhookSecret()); err != nil || evs[0].Customer().ID != cus.ID {
		t.Errorf("ParseWebhook(SignedRequest) = %+v, %v", evs, err)
	}
	if s := e.sim.WebhookSecret(); !strings.HasPrefix(s, "whsec_") || len(providerkit.StandardWebhookKey(s)) != 24 {
		t.Errorf("generated secret %q is not whsec_ with a 24-byte key", s)
	}
}

func TestParseWebhook(t *testing.T) {
	reqs, secret := realDeliveries(t)
	sim := newSim(t)
	ctx := context.Background()
	genuine := reqs[0]
	key := providerkit.StandardWebhookKey(secret)
	signed := func(body []byte, at time.Time) *paykit.WebhookRequest {
		return &paykit.WebhookRequest{Body: body, Header: providerkit.StandardWebhookHeaders(key, "evt_test", at, body)}
	}
	without := func(name string) *paykit.WebhookRequest {
		h := genuine.Header.Clone()
		h.Del(name)
		return &paykit.WebhookRequest{Body: genuine.Body, Header: h}
	}
	tampered := bytes.Clone(genuine.Body)
	tampered[bytes.IndexByte(tampered, ':')+2] ^= 1
	rotated := genuine.Header.Clone()
	rotated.Set("webhook-signature", "v1,"+strings.Repeat("A", 44)+" "+genuine.Header.Get("webhook-signature"))

	cases := []struct {
		name    string
		req     *paykit.WebhookRequest
		secret  string
		wantErr *paykit.Error
		param   string
		check   func([]*paykit.Event) bool
	}{
		{name: "genuine", req: genuine, secret: secret, check: func(evs []*paykit.Event) bool {
			return evs[0].Type == paykit.EventCustomerCreated && evs[0].Customer() != nil
		}},
		{name: "rotated secrets", req: &paykit.WebhookRequest{Body: genuine.Body, Header: rotated}, secret: secret, check: func(evs []*paykit.Event) bool { return len(evs) == 1 }},
		{name: "tampered body", req: &paykit.WebhookRequest{Body: tampered, Header: genuine.Header}, secret: secret, wantErr: paykit.ErrWebhookSignature},
		{name: "wrong secret", req: genuine, secret: testSecret, wantErr: paykit.ErrWebhookSignature},
		{name: "expired", req: signed(genuine.Body, time.Now().Add(-6*time.Minute)), secret: secret, wantErr: paykit.ErrWebhookSignature},
		{name: "from the future", req: signed(genuine.Body, time.Now().Add(6*time.Minute)), secret: secret, wantErr: paykit.ErrWebhookSignature},
		{name: "within tolerance", req: signed(genuine.Body, time.Now().Add(-4*time.Minute)), secret: secret, check: func(evs []*paykit.Event) bool { return len(evs) == 1 }},
		{name: "no webhook-id", req: without("webhook-id"), secret: secret, wantErr: paykit.ErrWebhookSignature},
		{name: "no webhook-timestamp", req: without("webhook-timestamp"), secret: secret, wantErr: paykit.ErrWebhookSignature},
		{name: "no webhook-signature", req: without("webhook-signature"), secret: secret, wantErr: paykit.ErrWebhookSignature},
		{name: "authentic but not JSON", req: signed([]byte("hello"), time.Now()), secret: secret, wantErr: paykit.ErrValidation, param: "body"},
		{name: "authentic but no type", req: signed([]byte(`{"id":"evt_1"}`), time.Now()), secret: secret, wantErr: paykit.ErrValidation, param: "body"},
		{name: "authentic but no data", req: signed([]byte(`{"id":"evt_1","type":"payment.updated","data":null}`), time.Now()), secret: secret, wantErr: paykit.ErrValidation, param: "body"},
		{name: "unknown type", req: signed([]byte(`{"id":"evt_1","type":"payout.paid","provider":"local","created":"2025-01-01T00:00:00Z","data":{"x":1}}`), time.Now()), secret: secret,
			check: func(evs []*paykit.Event) bool {
				raw, _ := evs[0].Data.(json.RawMessage)
				return evs[0].Type == paykit.EventUnknown && evs[0].NativeType == "payout.paid" && string(raw) == `{"x":1}`
			}},
		{name: "nil request", req: nil, secret: secret, wantErr: paykit.ErrValidation, param: "request"},
		{name: "empty secret", req: genuine, secret: "", wantErr: paykit.ErrConfiguration, param: "secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, err := sim.ParseWebhook(ctx, c.req, c.secret)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr, c.param)
				if c.secret != "" && strings.Contains(err.Error(), c.secret) {
					t.Errorf("error %q leaks the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(evs) {
				t.Errorf("events = %+v", evs)
			}
		})
	}

	// Every real delivery verifies and decodes to typed data.
	for _, r := range reqs {
		evs, err := sim.ParseWebhook(ctx, r, secret)
		if err != nil || len(evs) != 1 || evs[0].ID != r.Header.Get("webhook-id") || evs[0].Data == nil {
			t.Errorf("real delivery %s: %+v, %v", r.Body, evs, err)
		}
	}
}

// Secrets never reach errors, logs or the event log.
func TestSecretNeverLeaks(t *testing.T) {
	var logs bytes.Buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	defer srv.Close()
	e := newEnv(t, local.WithWebhookURL(srv.URL), local.WithWebhookSecret(testSecret),
		local.WithDeliveryRetry(2, time.Millisecond, time.Millisecond), local.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	shop(t, e)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	logged, _ := e.sim.Events(e.ctx)
	dump, _ := json.Marshal(logged)
	_, perr := e.sim.ParseWebhook(e.ctx, &paykit.WebhookRequest{Body: []byte("{}"), Header: http.Header{}}, testSecret)
	key := strings.TrimPrefix(testSecret, "whsec_")
	for name, s := range map[string]string{"logs": logs.String(), "event log": string(dump), "error": perr.Error()} {
		if strings.Contains(s, key) {
			t.Errorf("%s contains the webhook secret", name)
		}
	}
	if !strings.Contains(logs.String(), "I'm a teapot") {
		t.Errorf("logs do not show the failed attempts: %s", logs.String())
	}
}

// A redirect is no delivery: following it would re-send the event as a GET
// without its body and count the answer as accepted.
func TestDeliveryRedirectIsAFailedAttempt(t *testing.T) {
	var gets, posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets.Add(1)
			return
		}
		posts.Add(1)
		http.Redirect(w, r, "/moved", http.StatusFound)
	}))
	defer srv.Close()
	caller := &http.Client{Timeout: 5 * time.Second}
	for _, opts := range [][]local.Option{nil, {local.WithHTTPClient(caller)}} {
		e := newEnv(t, append(opts, local.WithWebhookURL(srv.URL), local.WithDeliveryRetry(2, time.Millisecond, time.Millisecond))...)
		e.customer(t)
		if err := e.sim.Flush(e.ctx); err != nil {
			t.Fatal(err)
		}
		logged, _ := e.sim.Events(e.ctx)
		d := logged[0].Deliveries[0]
		if d.Status != local.DeliveryFailed || len(d.Attempts) != 2 || d.Attempts[0].StatusCode != http.StatusFound ||
			d.Attempts[0].Error != "endpoint redirected to /moved" {
			t.Errorf("delivery to a redirecting endpoint = %+v, want failed with the redirect logged", d)
		}
	}
	if gets.Load() != 0 || posts.Load() != 4 {
		t.Errorf("endpoint saw %d GETs and %d POSTs, want 0 and 4", gets.Load(), posts.Load())
	}
	if caller.CheckRedirect != nil {
		t.Error("the caller's client was changed")
	}
}

// Two simulators on one SQLite file (two processes, say) deliver each
// event once: a delivery is leased before it is attempted.
func TestTwoSimulatorsOnOneFileDeliverOnce(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond) // a slow endpoint widens the race
		mu.Lock()
		seen[r.Header.Get("Webhook-Id")]++
		mu.Unlock()
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "paykit.db")
	var envs []*env
	for range 2 {
		store, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		envs = append(envs, newEnv(t, local.WithStore(store), local.WithWebhookURL(srv.URL)))
	}
	var wg sync.WaitGroup
	for _, e := range envs {
		wg.Go(func() {
			for range 10 {
				e.customer(t)
			}
		})
	}
	wg.Wait()
	for _, e := range envs {
		if err := e.sim.Flush(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	logged, err := envs[0].sim.Events(envs[0].ctx)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, le := range logged {
		if n := seen[le.Event.ID]; n != 1 || le.Deliveries[0].AttemptCount != 1 {
			t.Errorf("event %s delivered %d times, %d attempts logged, want 1", le.Event.ID, n, le.Deliveries[0].AttemptCount)
		}
	}
	if len(logged) != 20 {
		t.Errorf("%d events, want 20", len(logged))
	}
}

// queueFor returns a store holding one customer.created event queued for
// an endpoint that was down, as a simulator left it when it stopped.
func queueFor(t *testing.T) (local.Store, string) {
	t.Helper()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	defer down.Close()
	store := local.NewMemoryStore()
	e := newEnv(t, local.WithStore(store), local.WithWebhookURL(down.URL), local.WithDeliveryRetry(local.UnlimitedAttempts, time.Hour, time.Hour))
	e.customer(t)
	for {
		le, _ := e.sim.Events(e.ctx)
		if le[0].Deliveries[0].AttemptCount > 0 {
			break
		}
		select {
		case <-e.ctx.Done():
			t.Fatal("no attempt")
		case <-time.After(time.Millisecond):
		}
	}
	_ = e.sim.Close()
	return store, down.URL
}

// A restart with another webhook URL moves the queued deliveries of the
// old URL to it instead of failing them.
func TestQueuedDeliveriesMoveToTheNewURL(t *testing.T) {
	store, old := queueFor(t)
	rec := new(recorder)
	srv := httptest.NewServer(rec)
	defer srv.Close()
	e := newEnv(t, local.WithStore(store), local.WithWebhookURL(srv.URL))
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	logged, _ := e.sim.Events(e.ctx)
	if d := logged[0].Deliveries; len(d) != 1 || d[0].Endpoint != srv.URL || d[0].Status != local.DeliverySucceeded {
		t.Errorf("deliveries after the move from %s = %+v, want one succeeded to %s", old, d, srv.URL)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("new endpoint got %d deliveries, want 1", n)
	}
}

// Without a URL endpoint to move them to, queued deliveries of a vanished
// endpoint stay queued (a warning is logged), and Flush does not wait for
// them.
func TestQueuedDeliveriesOfAVanishedEndpointStayQueued(t *testing.T) {
	store, old := queueFor(t)
	var logs paykittest.SyncBuffer
	e := newEnv(t, local.WithStore(store), local.WithWebhookHandler(new(recorder)),
		local.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	e.customer(t)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	logged, _ := e.sim.Events(e.ctx)
	if d := logged[0].Deliveries; len(d) != 1 || d[0].Endpoint != old || d[0].Status != local.DeliveryPending || d[0].AttemptCount != 1 {
		t.Errorf("deliveries to the vanished endpoint = %+v, want still pending after 1 attempt", d)
	}
	if d := logged[1].Deliveries; len(d) != 1 || d[0].Status != local.DeliverySucceeded {
		t.Errorf("new event's deliveries = %+v", d)
	}
	if !strings.Contains(logs.String(), "no longer configured") {
		t.Errorf("logs = %q, want a warning", logs.String())
	}
}

// A Resend while an attempt is in flight sends the event again: the
// in-flight attempt's success does not settle the resent delivery.
func TestResendDuringAnAttempt(t *testing.T) {
	inFlight, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			close(inFlight)
			<-release
		}
	}))
	defer srv.Close()
	e := newEnv(t, local.WithWebhookURL(srv.URL))
	e.customer(t)
	select {
	case <-inFlight:
	case <-e.ctx.Done():
		t.Fatal("no attempt")
	}
	logged, _ := e.sim.Events(e.ctx)
	if err := e.sim.Resend(e.ctx, logged[0].Event.ID); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	le, _ := e.sim.Event(e.ctx, logged[0].Event.ID)
	if d := le.Deliveries[0]; calls.Load() != 2 || d.Status != local.DeliverySucceeded || d.AttemptCount != 2 {
		t.Errorf("after a Resend during an attempt: %d calls, delivery %+v; want 2 calls, succeeded after 2 attempts", calls.Load(), d)
	}
}

// MappedEvents lists exactly the event types the simulator emits: a run
// through every state machine emits each of them, and nothing else.
func TestMappedEventsAreTheEmittedOnes(t *testing.T) {
	e := newEnv(t)
	shop(t, e)
	// A renewal of an email payee awaits its payer, whose payment then
	// pays the open invoice (invoice.updated).
	payee := e.subscription(t, paykit.CustomerEmail("payer@example.com"), "price_pro")
	if _, err := e.sim.ConfirmPayment(e.ctx, path.Base(payee.PaymentURL)); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AdvanceClock(e.ctx, 32*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	payee, err := e.client.Subscriptions.Retrieve(e.ctx, payee.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.ConfirmPayment(e.ctx, path.Base(payee.PaymentURL)); err != nil {
		t.Fatal(err)
	}

	emitted := map[string]bool{}
	for _, typ := range e.eventTypes(t) {
		emitted[string(typ)] = true
	}
	mapped := map[string]bool{}
	for _, typ := range local.MappedEvents() {
		if mapped[typ] {
			t.Errorf("MappedEvents lists %s twice", typ)
		}
		mapped[typ] = true
		if !emitted[typ] {
			t.Errorf("MappedEvents lists %s, which the run did not emit", typ)
		}
	}
	for typ := range emitted {
		if !mapped[typ] {
			t.Errorf("the simulator emitted %s, which MappedEvents does not list", typ)
		}
	}
}

// TestWebhookHeaderKeysInAnyCase: the case. Webhooks.Handle with
// the header keys of an AWS Lambda event ("webhook-id", lower case), and
// ParseWebhook called directly with them, verify as canonical keys do.
func TestWebhookHeaderKeysInAnyCase(t *testing.T) {
	sim := newSim(t)
	body := []byte(`{"id":"evt_case","type":"customer.created","provider":"local","created":"2026-01-02T03:04:05Z","data":{"id":"cus_1","email":"a@example.com"}}`)
	signed := sim.SignedRequest("evt_case", body)
	lower := http.Header{}
	for k, v := range signed.Header {
		lower[strings.ToLower(k)] = v
	}
	req := &paykit.WebhookRequest{Body: body, Header: lower}
	ran := 0
	wh := paykit.New(sim).Webhooks.Setup(paykit.WebhookConfig{Secret: sim.WebhookSecret()}).
		On(paykit.EventCustomerCreated, func(context.Context, *paykit.Event) error { ran++; return nil })
	if err := wh.Handle(context.Background(), req); err != nil || ran != 1 {
		t.Fatalf("Handle with lower-case header keys: err %v, handler ran %d times", err, ran)
	}
	if _, err := sim.ParseWebhook(context.Background(), req, sim.WebhookSecret()); err != nil {
		t.Fatalf("ParseWebhook with lower-case header keys: %v", err)
	}
}
