package paykittest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// Canaries are the recognisable secrets RunSecretConformance configures a
// provider with and feeds it, and then searches for in everything the
// provider and a paykit.Client print, log, encode and answer. Each
// credential holds the marker "PaykitCanary" after its known prefix, so
// that a part of one is found as well as the whole.
type Canaries struct {
	// APIKey is a Stripe-shaped secret key ("sk_test_…"), for providers
	// that take an API key.
	APIKey string
	// Token is an access token ("polar_oat_…"), for providers that take
	// one (a Polar organization token, a local server's access token).
	Token string
	// ClientID is an OAuth client id. It is not a secret and is not
	// searched for; the pair ClientID:ClientSecret in Basic form is.
	ClientID string
	// ClientSecret is an OAuth client secret, for providers that take
	// client credentials (PayPal).
	ClientSecret string
	// WebhookSecret is a webhook signing secret in the Standard Webhooks
	// form "whsec_<base64>"; the suite verifies its deliveries with it.
	WebhookSecret string
	// CardNumber is a card number the suite puts in metadata, names and
	// webhook bodies: "4242424242424242".
	CardNumber string
	// ID is a key-shaped string ("sk_live_…") the suite passes as an
	// object id, as a caller's bug might.
	ID string
	// Logger logs at debug level into the buffer the suite searches.
	// Give it to the provider's logging option, when it has one, so that
	// its request and retry lines are searched too.
	Logger *slog.Logger
}

// canaryMarker is in every credential of NewCanaries.
const canaryMarker = "PaykitCanary"

// NewCanaries returns the canaries RunSecretConformance uses, with a nil
// Logger.
func NewCanaries() Canaries {
	return Canaries{
		APIKey:        "sk_test_51" + canaryMarker + "ApiKey0000000000000000",
		Token:         "polar_oat_" + canaryMarker + "Token00000000000000000",
		ClientID:      "paykit-conformance-client",
		ClientSecret:  "EC" + canaryMarker + "ClientSecret000000000000",
		WebhookSecret: "whsec_" + base64.StdEncoding.EncodeToString([]byte(canaryMarker+"WebhookSecret000000")),
		CardNumber:    "4242424242424242",
		ID:            "sk_live_" + canaryMarker + "Id0000000000000000000",
	}
}

// needles are the strings none of which may appear anywhere: each
// credential, its marker, the Basic form of the client credentials, the
// base64 part of the webhook secret and the card number.
func (c Canaries) needles() []string {
	out := []string{canaryMarker, c.CardNumber,
		base64.StdEncoding.EncodeToString([]byte(c.ClientID + ":" + c.ClientSecret)),
		strings.TrimPrefix(c.WebhookSecret, "whsec_")}
	for _, s := range []string{c.APIKey, c.Token, c.ClientSecret, c.WebhookSecret, c.ID} {
		out = append(out, s)
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// SecretHarness tells RunSecretConformance how to configure one provider
// with canary secrets.
type SecretHarness struct {
	// NewProvider returns the provider configured with the canaries'
	// credentials (those it takes: an API key, a token, client
	// credentials; the harness decides which) and pointed at echo, the
	// base URL of the suite's echo server, for every request it sends
	// (token requests and webhook verification calls too). Keep its
	// retries few, since every answer is an error. Required.
	NewProvider func(t *testing.T, c Canaries, echo string) paykit.Provider
	// NoEcho, when set, says why the provider cannot be pointed at the
	// echo server; the suite then does not require it to send any
	// request there.
	NoEcho string
	// SignedDeliveries returns genuine deliveries, as
	// Harness.SignedDeliveries; the suite takes the first, adds the
	// canaries to its body (a top-level "paykit_canary" field) and signs
	// it again with SignAt. Required when the provider declares
	// webhooks.handle.
	SignedDeliveries func(t *testing.T, p paykit.Provider) ([]*paykit.WebhookRequest, string)
	// SignAt signs req with secret at time at, as Harness.SignAt: the
	// suite signs with it the canary delivery, with
	// Canaries.WebhookSecret and with another secret (a forgery), so it
	// must sign the Body as given. Required when the provider declares
	// webhooks.handle.
	SignAt func(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest
}

// echoStatuses are the error statuses the echo server answers, in turn.
// Their number is odd, so that JSON and plain-text bodies (alternating)
// meet each of them.
var echoStatuses = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusInternalServerError,
	http.StatusUnprocessableEntity, http.StatusForbidden, http.StatusNotFound, http.StatusConflict}

// echoServer answers every request with an error that quotes every
// header and the body it received, in its body and its headers, as real
// gateways, proxies and error pages do.
type echoServer struct {
	*httptest.Server
	n atomic.Int64
}

func newEchoServer() *echoServer {
	e := &echoServer{}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	return e
}

func (e *echoServer) serve(w http.ResponseWriter, r *http.Request) {
	n := e.n.Add(1) - 1
	body, _ := io.ReadAll(r.Body)
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var text strings.Builder
	fmt.Fprintf(&text, "%s %s\n", r.Method, r.URL)
	var line []string
	for _, k := range keys {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&text, "%s: %s\n", k, v)
			line = append(line, k+": "+v)
			w.Header().Add("X-Echo-"+k, v)
		}
	}
	text.Write(body)
	quoted := strings.Join(line, "; ")
	w.Header().Set("Request-Id", "req_"+quoted)
	w.Header().Set("Paypal-Debug-Id", quoted)
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+quoted+`"`)
	status := echoStatuses[n%int64(len(echoStatuses))]
	if n%2 == 1 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, text.String())
		return
	}
	msg := text.String()
	doc := map[string]any{
		"error":             map[string]any{"type": "invalid_request_error", "code": "echo", "param": quoted, "message": msg},
		"message":           msg,
		"name":              "ECHO",
		"detail":            msg,
		"error_description": msg,
		"debug_id":          quoted,
		"details":           []map[string]any{{"issue": "ECHO", "field": quoted, "description": msg}},
		"echo":              map[string]any{"method": r.Method, "url": r.URL.String(), "headers": r.Header, "body": string(body)},
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

// secretRun is one run of RunSecretConformance.
type secretRun struct {
	t       *testing.T
	needles []string
	counts  map[string]int
	order   []string
}

// scan fails the test when text, which is what, holds a needle, in any
// case.
func (r *secretRun) scan(kind, what, text string) {
	r.t.Helper()
	if _, ok := r.counts[kind]; !ok {
		r.order = append(r.order, kind)
	}
	r.counts[kind]++
	lower := strings.ToLower(text)
	for _, s := range r.needles {
		if strings.Contains(lower, strings.ToLower(s)) {
			r.t.Errorf("secret conformance: %s shows the canary %q:\n%s", what, s, text)
			return
		}
	}
}

// scanErr searches every form of err and of every error under it.
func (r *secretRun) scanErr(what string, err error) {
	r.t.Helper()
	if err == nil {
		return
	}
	r.scan("error", what+": Error()", err.Error())
	r.scan("error", what+": fmt and JSON", Printed(err))
	seen := 0
	var walk func(depth int, e error)
	walk = func(depth int, e error) {
		if e == nil || depth > 32 || seen > 256 {
			return
		}
		seen++
		if depth > 0 {
			r.scan("unwrapped error", fmt.Sprintf("%s: error %d levels under it (%T)", what, depth, e), e.Error()+"\n"+fmt.Sprintf("%+v", e))
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(depth+1, u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(depth+1, c)
			}
		}
	}
	walk(0, err)
}

// secretCall is one operation called with canaries in its arguments,
// through a Client and directly on a provider.
type secretCall struct {
	op     paykit.Op
	client func(ctx context.Context, c *paykit.Client) error
	direct func(ctx context.Context, p paykit.Provider) error
}

// plainID is an id of the form most providers check before sending a
// request (Polar's are UUIDs): the calls made on it reach the echo
// server, with the card number in their bodies.
const plainID = "0b1c5d1e-5a8f-4b4e-9d4a-00000000c0de"

// secretCalls are the operations the suite tries, with c's card number
// in metadata and names, and id as every id.
func secretCalls(c Canaries, id string) []secretCall {
	meta := map[string]string{"card": c.CardNumber, "note": "card " + c.CardNumber + " key " + c.ID}
	customer := &paykit.CreateCustomerParams{Email: "canary@example.com", Name: "Card " + c.CardNumber, Metadata: meta}
	payment := &paykit.CreatePaymentParams{Amount: 1000, Currency: "USD", Customer: paykit.CustomerID(id), Metadata: meta}
	checkout := &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(id), ItemID: id, SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/ok", Metadata: meta}
	subscription := &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(id), ItemID: id, Metadata: meta}
	refund := &paykit.CreateRefundParams{PaymentID: id, Amount: 100, Metadata: meta}
	w, rd := func() *paykit.RequestOptions { return &paykit.RequestOptions{IdempotencyKey: "canary-idempotency-key"} }, func() *paykit.RequestOptions { return &paykit.RequestOptions{} }
	return []secretCall{
		{paykit.OpCustomersCreate,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Customers.Create(ctx, customer)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.CreateCustomer(ctx, customer, w())) }},
		{paykit.OpCustomersRetrieve,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Customers.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.RetrieveCustomer(ctx, id, rd())) }},
		{paykit.OpCustomersList,
			func(ctx context.Context, cl *paykit.Client) error {
				return errOf(cl.Customers.ListPage(ctx, &paykit.ListCustomersParams{Email: "canary@example.com"}))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListCustomers(ctx, &paykit.ListCustomersParams{Email: "canary@example.com"}, rd()))
			}},
		{paykit.OpPaymentsCreate,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Payments.Create(ctx, payment)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.CreatePayment(ctx, payment, w())) }},
		{paykit.OpPaymentsRetrieve,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Payments.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.RetrievePayment(ctx, id, rd())) }},
		{paykit.OpPaymentsList,
			func(ctx context.Context, cl *paykit.Client) error {
				return errOf(cl.Payments.ListPage(ctx, &paykit.ListPaymentsParams{CustomerID: id}))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListPayments(ctx, &paykit.ListPaymentsParams{CustomerID: id}, rd()))
			}},
		{paykit.OpCheckoutsCreate,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Checkouts.Create(ctx, checkout)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.CreateCheckout(ctx, checkout, w())) }},
		{paykit.OpCheckoutsRetrieve,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Checkouts.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.RetrieveCheckout(ctx, id, rd())) }},
		{paykit.OpSubscriptionsCreate,
			func(ctx context.Context, cl *paykit.Client) error {
				return errOf(cl.Subscriptions.Create(ctx, subscription))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CreateSubscription(ctx, subscription, w()))
			}},
		{paykit.OpSubscriptionsRetrieve,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Subscriptions.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.RetrieveSubscription(ctx, id, rd()))
			}},
		{paykit.OpRefundsCreate,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Refunds.Create(ctx, refund)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.CreateRefund(ctx, refund, w())) }},
		{paykit.OpInvoicesRetrieve,
			func(ctx context.Context, cl *paykit.Client) error { return errOf(cl.Invoices.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error { return errOf(p.RetrieveInvoice(ctx, id, rd())) }},
	}
}

// RunSecretConformance configures the provider with canary secrets
// (NewCanaries), points it at an echo server (an httptest server on
// 127.0.0.1 that answers every request with an error status, 400, 401,
// 500, 422, 403, 404 and 409 in turn, whose JSON or plain-text body and
// whose headers quote every header and the body it received), and fails
// when a canary appears in anything a program prints, logs, encodes or
// answers. It calls each declared operation among customers.create,
// .retrieve and .list, payments.create, .retrieve and .list,
// checkouts.create and .retrieve, subscriptions.create and .retrieve,
// refunds.create and invoices.retrieve, with the card number in metadata
// and names and the key-shaped Canaries.ID as every id, then again with
// a UUID as every id (which a provider that checks an id's form before
// sending, as Polar does, sends on), through a paykit.Client logging at
// debug level and directly on the provider.
// When the provider declares webhooks.handle, it sends a paykit.Webhook
// over HTTP, and through Handle, a delivery carrying the canaries signed
// with Canaries.WebhookSecret whose handlers fail quoting them, a forged
// copy (signed with another secret) and a tampered one.
//
// It searches err.Error(), Printed(err) (fmt's %v, %+v, %#v, %s, %q and
// json.Marshal), each error reachable by errors.Unwrap (its Error() and
// %+v), every log line, every webhook response body and Printed of the
// provider and the Client. Log lines are those of Canaries.Logger, given
// to the Client and to its Webhooks, and of slog's default logger and
// package log, which the suite redirects to the same buffer while it
// runs: do not run it from a parallel test. It logs how many of each it
// searched. It uses the standard library only.
func RunSecretConformance(t *testing.T, h SecretHarness) {
	t.Helper()
	if h.NewProvider == nil {
		t.Fatal("SecretHarness needs NewProvider")
	}
	echo := newEchoServer()
	t.Cleanup(echo.Close)
	var logs SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := NewCanaries()
	c.Logger = logger
	// What the provider logs through slog's default logger or package
	// log is searched too.
	prevLogger, prevOut, prevFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(logger)
	t.Cleanup(func() {
		slog.SetDefault(prevLogger)
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
	})
	r := &secretRun{t: t, needles: c.needles(), counts: map[string]int{}}

	p := h.NewProvider(t, c, echo.URL)
	client := paykit.New(p, paykit.WithLogger(logger), paykit.WithDefaultTimeout(20*time.Second))
	r.scan("printed value", "the provider printed", Printed(p))
	r.scan("printed value", "the Client printed", Printed(client))

	calls := 0
	for _, id := range []string{c.ID, plainID} {
		for _, sc := range secretCalls(c, id) {
			if !client.Supports(sc.op) {
				continue
			}
			calls++
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			err := sc.client(ctx, client)
			r.scanErr(fmt.Sprintf("%s on %q through the Client", sc.op, id), err)
			err = sc.direct(ctx, p)
			r.scanErr(fmt.Sprintf("%s on %q called directly", sc.op, id), err)
			cancel()
		}
	}
	if calls == 0 {
		t.Errorf("secret conformance: %s declares none of the operations the suite calls", p.Name())
	}
	if client.Supports(paykit.OpWebhooksHandle) {
		if h.SignedDeliveries == nil || h.SignAt == nil {
			t.Error("secret conformance: webhooks.handle is declared, but the harness cannot sign deliveries (SignedDeliveries, SignAt)")
		} else {
			r.webhooks(h, c, p, client, logger)
		}
	}
	r.scan("printed value", "the provider printed after the calls", Printed(p))
	r.scan("printed value", "the Client printed after the calls", Printed(client))
	out := logs.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for _, l := range lines {
		if l != "" {
			r.scan("log line", "the debug log line", l)
		}
	}
	if sent := echo.n.Load(); sent == 0 && h.NoEcho == "" {
		t.Errorf("secret conformance: %s sent no request to the echo server at %s: point NewProvider at it, or say in NoEcho why it cannot be", p.Name(), echo.URL)
	}
	var parts []string
	for _, k := range r.order {
		parts = append(parts, fmt.Sprintf("%d %s", r.counts[k], k))
	}
	t.Logf("secret conformance: %s: %d operation calls made twice, %d requests echoed; searched %s for %d canaries", p.Name(), calls, echo.n.Load(), strings.Join(parts, ", "), len(r.needles))
}

// webhooks sends the canary deliveries to Webhooks of client.
func (r *secretRun) webhooks(h SecretHarness, c Canaries, p paykit.Provider, client *paykit.Client, logger *slog.Logger) {
	t := r.t
	reqs, _ := h.SignedDeliveries(t, p)
	if len(reqs) == 0 {
		t.Error("secret conformance: SignedDeliveries gave no delivery")
		return
	}
	g := reqs[0]
	body := g.Body
	var fields map[string]json.RawMessage
	if json.Unmarshal(g.Body, &fields) == nil {
		extra, _ := json.Marshal(map[string]string{"card": c.CardNumber, "key": c.APIKey, "id": c.ID, "webhook_secret": c.WebhookSecret})
		fields["paykit_canary"] = extra
		body, _ = json.Marshal(fields)
	}
	withBody := *g
	withBody.Header = g.Header.Clone()
	withBody.Body = body
	genuine := h.SignAt(t, &withBody, c.WebhookSecret, time.Now())
	forged := h.SignAt(t, &withBody, "whsec_"+base64.StdEncoding.EncodeToString([]byte("another-secret-0123456789")), time.Now())
	tampered := *genuine
	tampered.Body = bytes.Clone(genuine.Body)
	if n := len(tampered.Body); n > 0 {
		tampered.Body[n/2] ^= 0x01
	}

	wh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: c.WebhookSecret, Logger: logger})
	for _, typ := range allEventTypes {
		wh.On(typ, func(ctx context.Context, e *paykit.Event) error {
			return fmt.Errorf("handler failed on card %s with key %s", c.CardNumber, c.APIKey)
		})
	}
	srv := httptest.NewServer(wh)
	defer srv.Close()
	for _, a := range []struct {
		name string
		req  *paykit.WebhookRequest
		// handlerErr: the handlers ran and failed, quoting canaries; the
		// error Handle returns carries the caller's own error, so only
		// the response and the log are searched.
		handlerErr bool
	}{
		{"a genuine delivery whose handlers fail", genuine, true},
		{"a forged delivery", forged, false},
		{"a tampered delivery", &tampered, false},
	} {
		hr, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(a.req.Body))
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range a.req.Header {
			for _, v := range vs {
				hr.Header.Add(k, v)
			}
		}
		resp, err := srv.Client().Do(hr)
		if err != nil {
			t.Errorf("secret conformance: %s over HTTP: %v", a.name, err)
			continue
		}
		got, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		var hdr strings.Builder
		_ = resp.Header.Write(&hdr)
		r.scan("webhook response", fmt.Sprintf("the webhook response (%d) to %s", resp.StatusCode, a.name), hdr.String()+"\n"+string(got))
		if resp.StatusCode == http.StatusOK {
			t.Errorf("secret conformance: %s was answered 200", a.name)
		}
		fresh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: c.WebhookSecret, Logger: logger})
		err = fresh.Handle(context.Background(), a.req)
		if !a.handlerErr {
			r.scanErr("Handle of "+a.name, err)
		}
		_, err = p.ParseWebhook(context.Background(), a.req, c.WebhookSecret)
		r.scanErr("ParseWebhook of "+a.name, err)
	}
}
