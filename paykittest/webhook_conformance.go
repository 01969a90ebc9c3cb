package paykittest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// WebhookHarness tells RunWebhookConformance how to make and sign
// deliveries for one provider. Its fields are Harness's of the same names:
// Harness.Webhooks returns it.
type WebhookHarness struct {
	// NewProvider returns the provider under test. Required.
	NewProvider func(t *testing.T) paykit.Provider
	// SignedDeliveries returns genuine deliveries, signed now, and the
	// secret they verify with, as Harness.SignedDeliveries. Required.
	SignedDeliveries func(t *testing.T, p paykit.Provider) ([]*paykit.WebhookRequest, string)
	// SignAt returns req signed with secret as the provider signs a
	// delivery it sends at time at, keeping what names the event (a
	// Standard Webhooks webhook-id, say), as Harness.SignAt. The suite
	// also signs with it copies of a genuine delivery whose Body it
	// replaced, with bytes that may not be JSON at all (a truncated
	// object, an empty body): SignAt must sign the Body as given, never
	// reformat it. Required.
	SignAt func(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest
	// Tolerance is how far from now the provider accepts a delivery's
	// timestamp; 0 is 5 minutes, that of Stripe, Polar, Standard Webhooks
	// and PayPal's default.
	Tolerance time.Duration
}

// Webhooks returns the WebhookHarness made of h's NewProvider,
// SignedDeliveries and SignAt, for RunWebhookConformance.
func (h Harness) Webhooks() WebhookHarness {
	return WebhookHarness{NewProvider: h.NewProvider, SignedDeliveries: h.SignedDeliveries, SignAt: h.SignAt}
}

// RunWebhookConformance sends crafted deliveries to the provider through
// a paykit.Webhook, over HTTP (an httptest server on 127.0.0.1) and
// through Handle, each to a Webhook of its own unless it tests
// de-duplication, and checks the answers the README promises: 200 when
// the handlers ran, each event's exactly once; 400 (ErrWebhookSignature)
// for a delivery that is not authentic; 400 for a signed body that does
// not parse or is no event, which no handler sees; 413 for a body over
// WebhookConfig.MaxBodyBytes; 409 or 200 for the concurrent duplicates of
// one event; never 500. Its categories, each logged with what it tried:
//
//   - genuine: each delivery of SignedDeliveries is accepted, its events
//     handled once each.
//   - forged: a wrong secret, and a signature made with another secret.
//   - tampered body: a byte flipped at the start, a third in, the middle
//     and the end; a byte appended; the last byte dropped.
//   - missing header: each header removed in turn (one at least must be
//     needed) and all of them; a refusal is ErrWebhookSignature.
//   - tampered header: each header's value with its first and its
//     middle character changed, in turn; refused when the header's
//     removal is (the header is part of the signature), either way for
//     the others (Content-Type).
//   - repeated header: each header given twice (as sent, and with a
//     tampered copy after and before the genuine value): accepted or
//     refused, never a 500 or a second run.
//   - header case: every key lower-cased, and upper-cased, in a header
//     map built by hand (AWS Lambda, API gateways): accepted by Handle
//     and by ParseWebhook called directly.
//   - timestamp: signed at now ± (tolerance + 1 s), now ± 1 h and a year
//     ago, refused; at now ± tolerance/2, accepted.
//   - body size: MaxBodyBytes one short of the delivery (413), exactly
//     its length (accepted); an unsigned body one byte over the default
//     limit (413); a signed body of exactly the default limit (padded
//     JSON), accepted or refused for its content, never 413.
//   - unparseable body: correctly signed bytes that are not JSON (the
//     delivery truncated, with a byte appended, twice, empty, "{", a
//     truncated event object): 400, no handler runs.
//   - unexpected JSON: correctly signed null, [], a string, a number,
//     true and {} (400), and the delivery with each top-level field's
//     value of another type (accepted or 400, never 500).
//   - replay: one Webhook given a delivery, the same again, the same
//     signed anew now (a retry) and signed an hour ago: the handlers run
//     once in all.
//   - concurrent redelivery: eight retries of one delivery at once, over
//     HTTP and through Handle, with a handler that takes its time: 200
//     or 409 each, the handlers run once; the 409s, sent again, are 200
//     and run nothing.
//
// It uses the standard library only.
func RunWebhookConformance(t *testing.T, h WebhookHarness) {
	t.Helper()
	if h.NewProvider == nil || h.SignedDeliveries == nil || h.SignAt == nil {
		t.Fatal("WebhookHarness needs NewProvider, SignedDeliveries and SignAt")
	}
	p := h.NewProvider(t)
	reqs, secret := h.SignedDeliveries(t, p)
	if len(reqs) == 0 {
		t.Fatal("WebhookHarness.SignedDeliveries gave no delivery")
	}
	r := &webhookRun{t: t, h: h, p: p, client: paykit.New(p), secret: secret, tol: h.Tolerance, tallies: map[string]*tally{}, hooks: map[string]*paykit.Webhook{}}
	if r.tol <= 0 {
		r.tol = 5 * time.Minute
	}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		wh := r.hooks[req.URL.Path]
		r.mu.Unlock()
		if wh == nil {
			http.NotFound(w, req)
			return
		}
		wh.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	t.Cleanup(r.report)
	for i, req := range reqs {
		events, err := p.ParseWebhook(context.Background(), req, secret)
		if err != nil || len(events) == 0 {
			t.Fatalf("genuine delivery %d: ParseWebhook gave %d events, error %v", i, len(events), err)
		}
		r.ids = append(r.ids, eventIDs(events))
	}
	r.genuine = reqs
	r.run()
}

// outcome is what an attempt must get.
type outcome int

const (
	// accepted: 200, each event handled once (and, when the attempt
	// names them, exactly the events of the genuine delivery).
	accepted outcome = iota
	// badSignature: 400, ErrWebhookSignature, no handler run.
	badSignature
	// badBody: 400, ErrWebhookSignature or ErrValidation, no handler run.
	badBody
	// tooLarge: 413, no handler run (over HTTP only).
	tooLarge
	// acceptedOrRefused: 200 with each event handled once, or 400 with
	// none; never 413, 409 nor 500.
	acceptedOrRefused
)

func (o outcome) String() string {
	return [...]string{"200 (accepted)", "400 (ErrWebhookSignature)", "400 (bad body)", "413", "200 or 400"}[o]
}

// attempt is one crafted delivery.
type attempt struct {
	name string
	req  *paykit.WebhookRequest
	want outcome
	// ids are the event ids an accepted attempt must handle; nil checks
	// only that no event runs twice.
	ids []string
	// cfg adjusts the Webhook's configuration.
	cfg func(*paykit.WebhookConfig)
	// httpOnly and handleOnly restrict how it is sent.
	httpOnly, handleOnly bool
}

// tally counts what a category tried.
type tally struct {
	tried    int
	byStatus map[int]int
}

type webhookRun struct {
	t       *testing.T
	h       WebhookHarness
	p       paykit.Provider
	client  *paykit.Client
	secret  string
	tol     time.Duration
	genuine []*paykit.WebhookRequest
	ids     [][]string // event ids of each genuine delivery
	srv     *httptest.Server

	mu      sync.Mutex
	hooks   map[string]*paykit.Webhook
	seq     int
	tallies map[string]*tally
	order   []string
}

// allEventTypes are the types the suite's handlers are registered for.
var allEventTypes = []paykit.EventType{
	paykit.EventCustomerCreated, paykit.EventCustomerUpdated, paykit.EventCustomerDeleted,
	paykit.EventSubscriptionCreated, paykit.EventSubscriptionUpdated, paykit.EventSubscriptionCanceled,
	paykit.EventPaymentCreated, paykit.EventPaymentUpdated, paykit.EventPaymentCanceled,
	paykit.EventRefundCreated, paykit.EventRefundUpdated,
	paykit.EventInvoiceGenerated, paykit.EventInvoiceUpdated,
	paykit.EventCheckoutCreated, paykit.EventCheckoutUpdated, paykit.EventCheckoutCompleted, paykit.EventCheckoutExpired,
	paykit.EventUnknown,
}

// runs counts the handler runs of one Webhook by event id.
type runs struct {
	mu    sync.Mutex
	byID  map[string]int
	delay time.Duration
}

func (c *runs) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.byID)
}

// webhook returns a new Webhook on the provider, its path on the test
// server and its run counter.
func (r *webhookRun) webhook(cfg func(*paykit.WebhookConfig), delay time.Duration) (*paykit.Webhook, string, *runs) {
	c := paykit.WebhookConfig{Secret: r.secret}
	if cfg != nil {
		cfg(&c)
	}
	wh := r.client.Webhooks.Setup(c)
	rs := &runs{byID: map[string]int{}, delay: delay}
	for _, typ := range allEventTypes {
		wh.On(typ, func(ctx context.Context, e *paykit.Event) error {
			rs.mu.Lock()
			rs.byID[e.ID]++
			rs.mu.Unlock()
			if rs.delay > 0 {
				time.Sleep(rs.delay)
			}
			return nil
		})
	}
	r.mu.Lock()
	r.seq++
	path := fmt.Sprintf("/webhooks/%d", r.seq)
	r.hooks[path] = wh
	r.mu.Unlock()
	return wh, path, rs
}

// post sends req to the Webhook at path over HTTP and returns the status.
func (r *webhookRun) post(path string, req *paykit.WebhookRequest) (int, error) {
	hr, err := http.NewRequest(http.MethodPost, r.srv.URL+path, bytes.NewReader(req.Body))
	if err != nil {
		return 0, err
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	resp, err := r.srv.Client().Do(hr)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// statusOf is the status ServeHTTP answers for Handle's err.
func statusOf(err error) int {
	if err == nil {
		return http.StatusOK
	}
	if pe, ok := paykit.AsError(err); ok {
		switch pe.Code {
		case paykit.CodeWebhookSignature, paykit.CodeValidation:
			return http.StatusBadRequest
		case paykit.CodeIdempotencyConflict:
			return http.StatusConflict
		}
	}
	return http.StatusInternalServerError
}

func (r *webhookRun) count(category string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tl := r.tallies[category]
	if tl == nil {
		tl = &tally{byStatus: map[int]int{}}
		r.tallies[category] = tl
		r.order = append(r.order, category)
	}
	tl.tried++
	tl.byStatus[status]++
}

// report logs what each category tried.
func (r *webhookRun) report() {
	r.mu.Lock()
	defer r.mu.Unlock()
	total := 0
	for _, c := range r.order {
		tl := r.tallies[c]
		total += tl.tried
		var parts []string
		for _, s := range slices.Sorted(maps.Keys(tl.byStatus)) {
			parts = append(parts, fmt.Sprintf("%d×%d", tl.byStatus[s], s))
		}
		r.t.Logf("webhook conformance: %-22s %3d sent (%s)", c, tl.tried, strings.Join(parts, ", "))
	}
	r.t.Logf("webhook conformance: %d deliveries sent to %s", total, r.p.Name())
}

// try sends a over HTTP and through Handle, each to a new Webhook, and
// checks the answers. It returns the status Handle's error maps to (or
// HTTP's, for an HTTP-only attempt).
func (r *webhookRun) try(category string, a attempt) int {
	r.t.Helper()
	status := 0
	if !a.handleOnly {
		_, path, rs := r.webhook(a.cfg, 0)
		got, err := r.post(path, a.req)
		if err != nil {
			r.t.Errorf("%s: %s over HTTP: %v", category, a.name, err)
		} else {
			r.check(category, a, "over HTTP", got, nil, rs)
		}
		status = got
	}
	if !a.httpOnly {
		wh, _, rs := r.webhook(a.cfg, 0)
		err := wh.Handle(context.Background(), a.req)
		status = statusOf(err)
		r.check(category, a, "through Handle", status, err, rs)
	}
	return status
}

// check compares one answer with a.want.
func (r *webhookRun) check(category string, a attempt, via string, status int, err error, rs *runs) {
	r.t.Helper()
	r.count(category, status)
	ran := rs.snapshot()
	fail := func(format string, args ...any) {
		r.t.Errorf("%s: %s %s: %s (status %d, error %v, handler runs %v)", category, a.name, via, fmt.Sprintf(format, args...), status, err, ran)
	}
	refused := func() {
		if len(ran) > 0 {
			fail("refused, yet a handler ran: no handler may see an event of a refused delivery")
		}
	}
	onceEach := func() {
		for id, n := range ran {
			if n != 1 {
				fail("the handlers of event %q ran %d times, want once", id, n)
			}
		}
		if a.ids != nil && !slices.Equal(slices.Sorted(maps.Keys(ran)), slices.Sorted(slices.Values(a.ids))) {
			fail("handled events %q, want %q", slices.Sorted(maps.Keys(ran)), a.ids)
		}
	}
	switch a.want {
	case accepted:
		if status != http.StatusOK {
			fail("want %s", a.want)
			return
		}
		onceEach()
	case badSignature:
		if status != http.StatusBadRequest || err != nil && !errors.Is(err, paykit.ErrWebhookSignature) {
			fail("want %s", a.want)
		}
		refused()
	case badBody:
		if status != http.StatusBadRequest || err != nil && !errors.Is(err, paykit.ErrWebhookSignature) && !errors.Is(err, paykit.ErrValidation) {
			fail("want %s", a.want)
		}
		refused()
	case tooLarge:
		if status != http.StatusRequestEntityTooLarge {
			fail("want %s", a.want)
		}
		refused()
	case acceptedOrRefused:
		switch status {
		case http.StatusOK:
			onceEach()
		case http.StatusBadRequest:
			refused()
		default:
			fail("want %s", a.want)
		}
	}
}

// signBody returns a copy of req with body, signed at now.
func (r *webhookRun) signBody(req *paykit.WebhookRequest, body []byte) *paykit.WebhookRequest {
	c := *req
	c.Header = req.Header.Clone()
	c.Body = body
	return r.h.SignAt(r.t, &c, r.secret, time.Now())
}

// withHeader returns a copy of req with header k set to vs (removed for
// nil).
func withHeader(req *paykit.WebhookRequest, k string, vs []string) *paykit.WebhookRequest {
	c := *req
	c.Header = req.Header.Clone()
	if vs == nil {
		delete(c.Header, k)
	} else {
		c.Header[k] = vs
	}
	return &c
}

// tamper returns s with the character at i, or the next letter or digit
// after it, changed to another of its kind, or "" when s has none there.
func tamper(s string, i int) string {
	b := []byte(s)
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+1)%10
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+1)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+1)%26
		default:
			continue
		}
		return string(b)
	}
	return ""
}

func flip(body []byte, i int) []byte {
	b := bytes.Clone(body)
	b[i] ^= 0x01
	return b
}

func (r *webhookRun) run() {
	t := r.t
	g, ids := r.genuine[0], r.ids[0]
	keys := slices.Sorted(maps.Keys(g.Header))
	now := time.Now()

	for i, req := range r.genuine {
		r.try("genuine", attempt{name: fmt.Sprintf("delivery %d", i), req: req, want: accepted, ids: r.ids[i]})
	}

	r.try("forged", attempt{name: "verified with another secret", req: g, want: badSignature, cfg: func(c *paykit.WebhookConfig) { c.Secret += "x" }})
	r.try("forged", attempt{name: "signed with another secret", req: r.h.SignAt(t, g, r.secret+"-forged", now), want: badSignature})

	n := len(g.Body)
	for _, i := range []int{0, n / 3, n / 2, n - 1} {
		c := *g
		c.Body = flip(g.Body, i)
		r.try("tampered body", attempt{name: fmt.Sprintf("byte %d of %d flipped", i, n), req: &c, want: badSignature})
	}
	for name, body := range map[string][]byte{"a byte appended": append(bytes.Clone(g.Body), 'x'), "the last byte dropped": g.Body[: n-1 : n-1]} {
		c := *g
		c.Body = body
		r.try("tampered body", attempt{name: name, req: &c, want: badSignature})
	}

	// Which headers verification needs: those whose removal is refused.
	needed := map[string]bool{}
	for _, k := range keys {
		if r.try("missing header", attempt{name: k + " removed", req: withHeader(g, k, nil), want: acceptedOrRefused, ids: ids}) == http.StatusBadRequest {
			needed[k] = true
		}
	}
	if len(needed) == 0 {
		t.Errorf("missing header: the delivery verifies with any one of its headers %q removed: is no header part of its signature?", keys)
	}
	bare := *g
	bare.Header = http.Header{}
	r.try("missing header", attempt{name: "every header removed", req: &bare, want: badSignature})

	for _, k := range keys {
		want := acceptedOrRefused
		if needed[k] {
			want = badSignature
		}
		v := g.Header.Get(k)
		for _, at := range []int{0, len(v) / 2} {
			if tv := tamper(v, at); tv != "" {
				r.try("tampered header", attempt{name: fmt.Sprintf("%s changed at %d (%q)", k, at, tv), req: withHeader(g, k, []string{tv}), want: want, ids: ids})
			}
		}
	}

	for _, k := range keys {
		v := g.Header.Get(k)
		tv := tamper(v, len(v)/2)
		r.try("repeated header", attempt{name: k + " twice", req: withHeader(g, k, []string{v, v}), want: acceptedOrRefused, ids: ids})
		if tv != "" {
			r.try("repeated header", attempt{name: k + " then a tampered copy", req: withHeader(g, k, []string{v, tv}), want: acceptedOrRefused, ids: ids})
			r.try("repeated header", attempt{name: k + " after a tampered copy", req: withHeader(g, k, []string{tv, v}), want: acceptedOrRefused, ids: ids})
		}
	}

	for name, rekey := range map[string]func(string) string{"lower": strings.ToLower, "upper": strings.ToUpper} {
		c := *g
		c.Header = http.Header{}
		for k, v := range g.Header {
			c.Header[rekey(k)] = v
		}
		r.try("header case", attempt{name: "keys in " + name + " case", req: &c, want: accepted, ids: ids, handleOnly: true})
		events, err := r.p.ParseWebhook(context.Background(), &c, r.secret)
		r.count("header case", statusOf(err))
		if err != nil || !slices.Equal(eventIDs(events), ids) {
			t.Errorf("header case: ParseWebhook called directly with keys in %s case: events %q, error %v; want %q", name, eventIDs(events), err, ids)
		}
	}

	// Whole seconds away from now, so that a timestamp in seconds is past
	// the tolerance however long the check takes.
	floor, ceil := now.Truncate(time.Second), now.Truncate(time.Second).Add(time.Second)
	for _, ts := range []struct {
		name string
		at   time.Time
		want outcome
	}{
		{"tolerance + 1s ago", floor.Add(-r.tol - time.Second), badSignature},
		{"1h ago", now.Add(-time.Hour), badSignature},
		{"a year ago", now.AddDate(-1, 0, 0), badSignature},
		{"tolerance + 1s ahead", ceil.Add(r.tol + time.Second), badSignature},
		{"1h ahead", now.Add(time.Hour), badSignature},
		{"tolerance/2 ago", now.Add(-r.tol / 2), accepted},
		{"tolerance/2 ahead", now.Add(r.tol / 2), accepted},
	} {
		r.try("timestamp", attempt{name: "signed " + ts.name, req: r.h.SignAt(t, g, r.secret, ts.at), want: ts.want, ids: ids})
	}

	limit := func(n int) func(*paykit.WebhookConfig) {
		return func(c *paykit.WebhookConfig) { c.MaxBodyBytes = int64(n) }
	}
	r.try("body size", attempt{name: fmt.Sprintf("%d bytes, limit %d", n, n-1), req: g, want: tooLarge, cfg: limit(n - 1), httpOnly: true})
	r.try("body size", attempt{name: fmt.Sprintf("%d bytes, limit %d (exactly)", n, n), req: g, want: accepted, ids: ids, cfg: limit(n), httpOnly: true})
	big := *g
	big.Body = bytes.Repeat([]byte{' '}, paykit.DefaultMaxWebhookBody+1)
	r.try("body size", attempt{name: "default limit + 1 byte, unsigned", req: &big, want: tooLarge, httpOnly: true})
	if end := bytes.LastIndexByte(g.Body, '}'); end > 0 && n < paykit.DefaultMaxWebhookBody {
		padded := make([]byte, 0, paykit.DefaultMaxWebhookBody)
		padded = append(padded, g.Body[:end]...)
		padded = append(padded, bytes.Repeat([]byte{' '}, paykit.DefaultMaxWebhookBody-n)...)
		padded = append(padded, g.Body[end:]...)
		// Accepted, or refused for its content (a provider whose
		// verification sees compacted JSON), never for its size.
		r.try("body size", attempt{name: "signed JSON of exactly the default limit", req: r.signBody(g, padded), want: acceptedOrRefused})
	}

	// Cut within the JSON, not in the whitespace after it.
	trimmed := bytes.TrimRight(g.Body, " \t\r\n")
	for name, body := range map[string]string{
		"the delivery truncated by one byte": string(trimmed[:len(trimmed)-1]),
		"the delivery truncated by half":     string(trimmed[:len(trimmed)/2]),
		"the delivery and a byte":            string(g.Body) + "x",
		"the delivery twice":                 string(g.Body) + string(g.Body),
		"a truncated event object":           `{"id":"evt_x","type":"customer.created"`,
		"not JSON":                           "not json",
		"{":                                  "{",
		"empty":                              "",
	} {
		r.try("unparseable body", attempt{name: name + ", signed", req: r.signBody(g, []byte(body)), want: badBody})
	}

	for _, body := range []string{"null", "[]", `"event"`, "42", "true", "{}", `[{"id":"evt_x"}]`} {
		r.try("unexpected JSON", attempt{name: body + ", signed", req: r.signBody(g, []byte(body)), want: badBody})
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(g.Body, &fields) == nil {
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			swapped := maps.Clone(fields)
			swapped[k] = otherType(fields[k])
			body, _ := json.Marshal(swapped)
			r.try("unexpected JSON", attempt{name: fmt.Sprintf("%q as %s, signed", k, swapped[k]), req: r.signBody(g, body), want: acceptedOrRefused})
		}
	}

	r.replays(g, ids)
	r.concurrent(g, ids)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// otherType returns a JSON value of another type than v.
func otherType(v json.RawMessage) json.RawMessage {
	switch s := bytes.TrimSpace(v); {
	case len(s) == 0:
		return json.RawMessage(`{}`)
	case s[0] == '"':
		return json.RawMessage(`12345`)
	case s[0] == '{':
		return json.RawMessage(`"x"`)
	case s[0] == '[':
		return json.RawMessage(`{}`)
	case s[0] == 't' || s[0] == 'f':
		return json.RawMessage(`"yes"`)
	case s[0] == 'n':
		return json.RawMessage(`{"x":1}`)
	default:
		return json.RawMessage(`"1"`)
	}
}

// replays sends one Webhook a delivery, the same again, a retry signed
// now and one signed an hour ago: the handlers run once in all.
func (r *webhookRun) replays(g *paykit.WebhookRequest, ids []string) {
	t := r.t
	sequence := []attempt{
		{name: "the delivery", req: g, want: accepted, ids: ids},
		{name: "the same delivery again", req: g, want: accepted, ids: ids},
		{name: "a retry signed now", req: r.h.SignAt(t, g, r.secret, time.Now()), want: accepted, ids: ids},
		{name: "the delivery signed an hour ago", req: r.h.SignAt(t, g, r.secret, time.Now().Add(-time.Hour)), want: badSignature},
	}
	for _, via := range []string{"over HTTP", "through Handle"} {
		wh, path, rs := r.webhook(nil, 0)
		for _, a := range sequence {
			var status int
			var err error
			if via == "over HTTP" {
				if status, err = r.post(path, a.req); err != nil {
					t.Errorf("replay: %s over HTTP: %v", a.name, err)
					continue
				}
				err = nil
			} else {
				err = wh.Handle(context.Background(), a.req)
				status = statusOf(err)
			}
			r.count("replay", status)
			want := http.StatusOK
			if a.want == badSignature {
				want = http.StatusBadRequest
			}
			if status != want {
				t.Errorf("replay: %s %s: status %d (error %v), want %d", a.name, via, status, err, want)
			}
		}
		ran := rs.snapshot()
		if total := sum(ran); total != len(ids) {
			t.Errorf("replay %s: the handlers ran %d times over a delivery of %d events, its repeat and its retry; want %d", via, total, len(ids), len(ids))
		}
		if !slices.Equal(slices.Sorted(maps.Keys(ran)), slices.Sorted(slices.Values(ids))) {
			t.Errorf("replay %s: handled events %q, want %q", via, slices.Sorted(maps.Keys(ran)), ids)
		}
		for id, n := range ran {
			if n != 1 {
				t.Errorf("replay %s: the handlers of event %q ran %d times over a delivery, its repeat and its retry; want once", via, id, n)
			}
		}
	}
}

// concurrent sends eight retries of one delivery at once to one Webhook
// whose handlers take their time, over HTTP and through Handle.
func (r *webhookRun) concurrent(g *paykit.WebhookRequest, ids []string) {
	t := r.t
	const copies = 8
	retries := make([]*paykit.WebhookRequest, copies)
	for i := range retries {
		retries[i] = r.h.SignAt(t, g, r.secret, time.Now())
	}
	for _, via := range []string{"over HTTP", "through Handle"} {
		wh, path, rs := r.webhook(nil, 100*time.Millisecond)
		send := func(req *paykit.WebhookRequest) (int, error) {
			if via == "over HTTP" {
				return r.post(path, req)
			}
			err := wh.Handle(context.Background(), req)
			return statusOf(err), err
		}
		statuses := make([]int, copies)
		errs := make([]error, copies)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range retries {
			wg.Go(func() {
				<-start
				statuses[i], errs[i] = send(retries[i])
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for i, s := range statuses {
			r.count("concurrent redelivery", s)
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				// Sent again once the first is done: handled, so 200 and
				// no run.
				again, err := send(retries[i])
				r.count("concurrent redelivery", again)
				if again != http.StatusOK {
					t.Errorf("concurrent redelivery %s: copy %d answered 409, then, sent again after the others, %d (error %v); want 200", via, i, again, err)
				}
			default:
				t.Errorf("concurrent redelivery %s: copy %d answered %d (error %v); want 200 or 409", via, i, s, errs[i])
			}
		}
		if ok == 0 {
			t.Errorf("concurrent redelivery %s: no copy of %d was answered 200", via, copies)
		}
		ran := rs.snapshot()
		if total := sum(ran); total != len(ids) {
			t.Errorf("concurrent redelivery %s: the handlers ran %d times for %d copies of a delivery of %d events; want %d", via, total, copies, len(ids), len(ids))
		}
		if !slices.Equal(slices.Sorted(maps.Keys(ran)), slices.Sorted(slices.Values(ids))) {
			t.Errorf("concurrent redelivery %s: handled events %q, want %q", via, slices.Sorted(maps.Keys(ran)), ids)
		}
		for id, n := range ran {
			if n != 1 {
				t.Errorf("concurrent redelivery %s: the handlers of event %q ran %d times for %d copies of one delivery; want once", via, id, n, copies)
			}
		}
	}
}
