package acmepay_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/examples/custom-provider/acmepay"
	"github.com/paykit-go/paykit/paykittest/openapitest"
	"github.com/paykit-go/paykit/providerkit"
)

// Credentials the fake accepts, and the endpoint's webhook secret.
const (
	testClientID = "acme_client_test"
	testSecret   = "acme_secret_0123456789abcdef"
)

var testWebhookSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("acme-test-signing-key-0123456789"))

// obj is an Acme object as the fake keeps it: what encoding/json decodes.
type obj = map[string]any

// fakeAcme plays Acme Pay's API on an openapitest.Server: every request
// the provider sends is checked against testdata/openapi.yaml (unknown
// fields refused), and every answer too. It keeps state in maps, so
// round trips are real, and honours idempotency keys as Acme does.
type fakeAcme struct {
	t    testing.TB
	srv  *openapitest.Server
	spec *openapitest.Spec

	mu        sync.Mutex
	seq       int
	clock     time.Time
	objects   map[string]obj // customers, payments and refunds by id
	order     []string       // ids in creation order
	keys      map[string]keyed
	tokens    map[string]bool // access tokens issued
	failNext  map[string][]openapitest.Reply
	lastToken string
}

// keyed is the first request made with an idempotency key, and its reply.
type keyed struct {
	op    string
	body  []byte
	reply openapitest.Reply
}

func acmeSpec(t testing.TB) *openapitest.Spec {
	t.Helper()
	spec, err := openapitest.Load("testdata/openapi.yaml", openapitest.RejectUnknownProperties())
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func newFake(t testing.TB) *fakeAcme {
	t.Helper()
	f := &fakeAcme{
		t: t, spec: acmeSpec(t), clock: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC),
		objects: map[string]obj{}, keys: map[string]keyed{}, tokens: map[string]bool{}, failNext: map[string][]openapitest.Reply{},
	}
	f.srv = openapitest.NewServer(t, f.spec)
	// Beyond the document: the bearer token must be one the fake issued.
	f.srv.Check(func(r *http.Request) error {
		if r.URL.Path == "/oauth/token" {
			return nil
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !f.tokens[tok] {
			return fmt.Errorf("bearer token %q was not issued by /oauth/token", tok)
		}
		return nil
	})
	f.routes()
	return f
}

// provider returns an Acme Pay provider pointed at the fake.
func (f *fakeAcme) provider(opts ...acmepay.Option) paykit.Provider {
	return acmepay.Provider(testClientID, testSecret, append([]acmepay.Option{acmepay.WithBaseURL(f.srv.URL), acmepay.WithMaxRetries(0)}, opts...)...)
}

// fail makes the next call of op answer reply instead (a fault the
// document does not describe: a 503, a decline).
func (f *fakeAcme) fail(op string, reply openapitest.Reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	reply.Unchecked = true
	f.failNext[op] = append(f.failNext[op], reply)
}

func (f *fakeAcme) now() string {
	f.clock = f.clock.Add(time.Second)
	return f.clock.Format(time.RFC3339)
}

func (f *fakeAcme) newID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s_%06d", prefix, f.seq)
}

func (f *fakeAcme) store(o obj) obj {
	id := o["id"].(string)
	f.objects[id] = o
	f.order = append(f.order, id)
	return o
}

func acmeError(status int, code, msg, param string) openapitest.Reply {
	e := obj{"code": code, "message": msg}
	if param != "" {
		e["param"] = param
	}
	return openapitest.Reply{Status: status, Body: obj{"error": e}}
}

// handle serves op under the fake's lock, answering a queued fault first.
func (f *fakeAcme) handle(op string, h openapitest.Handler) {
	f.srv.Handle(op, func(c *openapitest.Call) openapitest.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		if q := f.failNext[op]; len(q) > 0 {
			f.failNext[op] = q[1:]
			return q[0]
		}
		return h(c)
	})
}

// write serves a write as Acme does: a key seen before with the same
// operation and body answers the first reply again; with another, 409.
// 5xx answers are not kept, so a retry runs the write.
func (f *fakeAcme) write(op string, h openapitest.Handler) {
	f.handle(op, func(c *openapitest.Call) openapitest.Reply {
		key := c.Header.Get("Idempotency-Key")
		if prev, ok := f.keys[key]; ok {
			if prev.op != op || !bytes.Equal(prev.body, c.RawBody) {
				return acmeError(http.StatusConflict, "idempotency_key_reused", "this key was used with another request", "")
			}
			return prev.reply
		}
		r := h(c)
		if r.Status < 500 {
			r.Body = snapshot(r.Body)
			f.keys[key] = keyed{op: op, body: c.RawBody, reply: r}
		}
		return r
	})
}

// snapshot copies v, so a kept reply does not change with the object.
func snapshot(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func (f *fakeAcme) get(prefix string) openapitest.Handler {
	return func(c *openapitest.Call) openapitest.Reply {
		id := c.PathParams["id"]
		if o, ok := f.objects[id]; ok && strings.HasPrefix(id, prefix) {
			return openapitest.Reply{Body: o}
		}
		return acmeError(http.StatusNotFound, "not_found", "no such object: "+id, "id")
	}
}

// page answers one page of the objects with prefix that keep accepts,
// newest first; the cursor is the id the previous page ended at.
func (f *fakeAcme) page(c *openapitest.Call, prefix string, keep func(obj) bool) openapitest.Reply {
	var items []obj
	for _, id := range slices.Backward(f.order) {
		if o := f.objects[id]; strings.HasPrefix(id, prefix) && keep(o) {
			items = append(items, o)
		}
	}
	if cur := c.Query.Get("cursor"); cur != "" {
		i := slices.IndexFunc(items, func(o obj) bool { return o["id"] == cur })
		if i < 0 {
			return acmeError(http.StatusBadRequest, "invalid_request", "unknown cursor", "cursor")
		}
		items = items[i+1:]
	}
	limit := 10
	if n, err := strconv.Atoi(c.Query.Get("limit")); err == nil {
		limit = n
	}
	body := obj{"data": []obj{}, "has_more": false, "next_cursor": nil}
	if len(items) > limit {
		items = items[:limit]
		body["has_more"], body["next_cursor"] = true, items[limit-1]["id"]
	}
	body["data"] = append([]obj{}, items...)
	return openapitest.Reply{Body: body}
}

func orNil(v any) any {
	if v == nil {
		return nil
	}
	return v
}

func orEmpty(v any) any {
	if v == nil {
		return obj{}
	}
	return v
}

func (f *fakeAcme) routes() {
	f.handle("token", func(c *openapitest.Call) openapitest.Reply {
		r := &http.Request{Header: c.Header}
		id, secret, ok := r.BasicAuth()
		if !ok || id != testClientID || secret != testSecret {
			return openapitest.Reply{Status: http.StatusUnauthorized, Body: obj{"error": "invalid_client"}}
		}
		tok := "tok_" + strconv.Itoa(len(f.tokens)+1)
		f.tokens[tok] = true
		f.lastToken = tok
		return openapitest.Reply{Body: obj{"access_token": tok, "token_type": "Bearer", "expires_in": 3600}}
	})

	f.write("createCustomer", func(c *openapitest.Call) openapitest.Reply {
		b := c.BodyMap()
		o := obj{"id": f.newID("cus"), "email": b["email"], "name": orNil(b["name"]), "phone": orNil(b["phone"]),
			"metadata": orEmpty(b["metadata"]), "created_at": f.now(), "updated_at": nil}
		return openapitest.Reply{Status: http.StatusCreated, Body: f.store(o)}
	})
	f.handle("retrieveCustomer", f.get("cus_"))
	f.handle("listCustomers", func(c *openapitest.Call) openapitest.Reply {
		email := c.Query.Get("email")
		return f.page(c, "cus_", func(o obj) bool { return email == "" || o["email"] == email })
	})

	f.write("createPayment", func(c *openapitest.Call) openapitest.Reply {
		b := c.BodyMap()
		cus, _ := b["customer"].(string)
		if _, ok := f.objects[cus]; !ok || !strings.HasPrefix(cus, "cus_") {
			return acmeError(http.StatusNotFound, "not_found", "no such customer: "+cus, "customer")
		}
		currency := b["currency"].(string)
		minor, err := providerkit.ParseDecimal(b["amount"].(string), currency)
		if err != nil {
			return acmeError(http.StatusBadRequest, "invalid_request", err.Error(), "amount")
		}
		zero, _ := providerkit.FormatDecimal(0, currency)
		amount, _ := providerkit.FormatDecimal(minor, currency)
		o := obj{"id": f.newID("pay"), "amount": amount, "currency": currency, "customer": cus, "status": "succeeded",
			"reference": orNil(b["reference"]), "statement_descriptor": orNil(b["statement_descriptor"]),
			"amount_refunded": zero, "failure_code": nil, "metadata": orEmpty(b["metadata"]), "created_at": f.now()}
		return openapitest.Reply{Status: http.StatusCreated, Body: f.store(o)}
	})
	f.handle("retrievePayment", f.get("pay_"))
	f.handle("listPayments", func(c *openapitest.Call) openapitest.Reply {
		cus := c.Query.Get("customer")
		return f.page(c, "pay_", func(o obj) bool { return cus == "" || o["customer"] == cus })
	})

	f.write("createRefund", func(c *openapitest.Call) openapitest.Reply {
		b := c.BodyMap()
		payID, _ := b["payment"].(string)
		pay, ok := f.objects[payID]
		if !ok || !strings.HasPrefix(payID, "pay_") {
			return acmeError(http.StatusNotFound, "not_found", "no such payment: "+payID, "payment")
		}
		currency := pay["currency"].(string)
		total, _ := providerkit.ParseDecimal(pay["amount"].(string), currency)
		refunded, _ := providerkit.ParseDecimal(pay["amount_refunded"].(string), currency)
		amount := total - refunded
		if s, ok := b["amount"].(string); ok {
			n, err := providerkit.ParseDecimal(s, currency)
			if err != nil {
				return acmeError(http.StatusBadRequest, "invalid_request", err.Error(), "amount")
			}
			amount = n
		}
		if amount <= 0 || amount > total-refunded {
			return acmeError(http.StatusBadRequest, "amount_too_large", "the refund exceeds what is left of the payment", "amount")
		}
		pay["amount_refunded"], _ = providerkit.FormatDecimal(refunded+amount, currency)
		formatted, _ := providerkit.FormatDecimal(amount, currency)
		o := obj{"id": f.newID("re"), "payment": payID, "amount": formatted, "currency": currency, "status": "succeeded",
			"metadata": orEmpty(b["metadata"]), "created_at": f.now()}
		return openapitest.Reply{Status: http.StatusCreated, Body: f.store(o)}
	})
	f.handle("retrieveRefund", f.get("re_"))
}

// delivery returns the webhook delivery of event typ about data, signed
// at at as Acme signs it (webhook-id is the event id). Its body is
// checked against the document's webhooks section first, for every type
// the document describes.
func delivery(t testing.TB, spec *openapitest.Spec, eventID, typ string, data obj, at time.Time) *paykit.WebhookRequest {
	t.Helper()
	body, err := json.Marshal(obj{"id": eventID, "type": typ, "created_at": at.UTC().Format(time.RFC3339), "data": data})
	if err != nil {
		t.Fatal(err)
	}
	if schema, err := spec.WebhookSchema(typ); err == nil {
		var v any
		_ = json.Unmarshal(body, &v)
		if err := spec.Validate(schema, v); err != nil {
			t.Fatalf("delivery %s does not match the document: %v", typ, err)
		}
	}
	return signAt(body, eventID, testWebhookSecret, at)
}

// signAt signs body as Acme does, at time at.
func signAt(body []byte, webhookID, secret string, at time.Time) *paykit.WebhookRequest {
	return &paykit.WebhookRequest{Body: body,
		Header: providerkit.StandardWebhookHeaders(providerkit.StandardWebhookKey(secret), webhookID, at, body)}
}

// paymentObj is an Acme payment as a webhook carries it.
func paymentObj(id, status string, failure any) obj {
	return obj{"id": id, "amount": "25.00", "currency": "USD", "customer": "cus_000001", "status": status,
		"reference": nil, "statement_descriptor": nil, "amount_refunded": "0.00", "failure_code": failure,
		"metadata": obj{"order": "42"}, "created_at": "2026-01-01T12:00:00Z"}
}
