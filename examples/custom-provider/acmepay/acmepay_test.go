package acmepay_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/examples/custom-provider/acmepay"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newCustomer(t *testing.T, ctx context.Context, c *paykit.Client) *paykit.Customer {
	t.Helper()
	cus, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jane@example.com", Name: "Jane"})
	if err != nil {
		t.Fatalf("Customers.Create: %v", err)
	}
	return cus
}

func requireCode(t *testing.T, err error, sentinel *paykit.Error, param string) *paykit.Error {
	t.Helper()
	pe, ok := paykit.AsError(err)
	if !errors.Is(err, sentinel) || !ok {
		t.Fatalf("got %v, want an error matching %s", err, sentinel.Code)
	}
	if pe.Param != param {
		t.Fatalf("got %v on %q, want it on %q", err, pe.Param, param)
	}
	return pe
}

// paykit's minor units travel as Acme's decimal strings, with each
// currency's ISO 4217 exponent, and come back unchanged.
func TestAmountsTravelAsDecimalStrings(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider())
	ctx := ctxFor(t)
	cus := newCustomer(t, ctx, c)
	for _, tc := range []struct {
		amount   int64
		currency string
		wire     string
	}{{2500, "USD", "25.00"}, {500, "JPY", "500"}, {1500, "KWD", "1.500"}, {7, "USD", "0.07"}} {
		pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: tc.amount, Currency: tc.currency, Customer: paykit.CustomerID(cus.ID)})
		if err != nil {
			t.Fatalf("%d %s: %v", tc.amount, tc.currency, err)
		}
		calls := f.srv.Calls("createPayment")
		if got := calls[len(calls)-1].BodyMap()["amount"]; got != tc.wire {
			t.Errorf("%d %s sent as %v, want %q", tc.amount, tc.currency, got, tc.wire)
		}
		if pay.Amount != tc.amount || pay.Currency != tc.currency || pay.Status != paykit.PaymentSucceeded || pay.AmountCaptured != tc.amount {
			t.Errorf("payment = %d %s %s captured %d, want %d %s succeeded", pay.Amount, pay.Currency, pay.Status, pay.AmountCaptured, tc.amount, tc.currency)
		}
	}
}

// The TokenManager fetches one token and every call carries it.
func TestOneTokenServesEveryCall(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider())
	ctx := ctxFor(t)
	cus := newCustomer(t, ctx, c)
	for range 3 {
		if _, err := c.Customers.Retrieve(ctx, cus.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.srv.Calls("token")); n != 1 {
		t.Errorf("%d token requests for 4 calls, want 1", n)
	}
	for _, call := range f.srv.Calls("") {
		if call.OperationID != "token" && call.Header.Get("Authorization") != "Bearer "+f.lastToken {
			t.Errorf("%s carried %q, want the issued token", call.OperationID, call.Header.Get("Authorization"))
		}
	}
}

// Refused credentials are an AUTHENTICATION_ERROR that never quotes the
// secret.
func TestRefusedCredentials(t *testing.T) {
	f := newFake(t)
	p := acmepay.Provider(testClientID, "wrong-secret-0123456789", acmepay.WithBaseURL(f.srv.URL))
	_, err := paykit.New(p).Customers.Retrieve(ctxFor(t), "cus_000001")
	requireCode(t, err, paykit.ErrAuthentication, "")
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("the error quotes the secret: %v", err)
	}
	if n := len(f.srv.Calls("retrieveCustomer")); n != 0 {
		t.Errorf("%d requests sent without a token", n)
	}
}

// Provider never fails: a missing credential or a bad option makes every
// call fail with a CONFIGURATION_ERROR naming it, before anything is sent.
func TestConfigurationErrors(t *testing.T) {
	f := newFake(t)
	base := acmepay.WithBaseURL(f.srv.URL)
	for _, tc := range []struct {
		name  string
		p     paykit.Provider
		param string
	}{
		{"no client id", acmepay.Provider("", testSecret, base), "client_id"},
		{"no secret", acmepay.Provider(testClientID, "", base), "client_secret"},
		{"bad base URL", acmepay.Provider(testClientID, testSecret, acmepay.WithBaseURL("api.acme-pay.example")), "base_url"},
		{"nil HTTP client", acmepay.Provider(testClientID, testSecret, base, acmepay.WithHTTPClient(nil)), "http_client"},
		{"negative retries", acmepay.Provider(testClientID, testSecret, base, acmepay.WithMaxRetries(-1)), "max_retries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.RetrieveCustomer(ctxFor(t), "cus_000001", nil)
			requireCode(t, err, paykit.ErrConfiguration, tc.param)
		})
	}
	if n := len(f.srv.Calls("")); n != 0 {
		t.Errorf("misconfigured providers sent %d requests", n)
	}
}

// A write the transport retries carries one key on every attempt, so it
// is applied once; one that fails after it may have been applied says so.
func TestWritesKeepTheirKey(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider(acmepay.WithMaxRetries(1), acmepay.WithLogger(slog.New(slog.DiscardHandler))))
	ctx := ctxFor(t)
	cus := newCustomer(t, ctx, c)
	f.fail("createPayment", acmeError(http.StatusServiceUnavailable, "internal_error", "try again", ""))
	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 1000, Currency: "USD", Customer: paykit.CustomerID(cus.ID)})
	if err != nil {
		t.Fatalf("a write retried after a 503: %v", err)
	}
	calls := f.srv.Calls("createPayment")
	if len(calls) != 2 || calls[0].Header.Get("Idempotency-Key") != calls[1].Header.Get("Idempotency-Key") {
		t.Fatalf("want 2 attempts with one key, got %d", len(calls))
	}
	if pay.ID == "" {
		t.Error("no payment")
	}

	// Without retries, the 503 is the answer: the payment may exist.
	p := f.provider()
	f.fail("createPayment", acmeError(http.StatusServiceUnavailable, "internal_error", "try again", ""))
	_, err = p.CreatePayment(ctx, &paykit.CreatePaymentParams{Amount: 1000, Currency: "USD", Customer: paykit.CustomerID(cus.ID)},
		&paykit.RequestOptions{IdempotencyKey: "order-42"})
	pe := requireCode(t, err, paykit.ErrProviderUnavailable, "")
	if !pe.OutcomeUnknown || pe.IdempotencyKey != "order-42" {
		t.Errorf("OutcomeUnknown %v, IdempotencyKey %q; want true, order-42", pe.OutcomeUnknown, pe.IdempotencyKey)
	}
}

// Acme's errors map to paykit's codes and params, with Acme's own error
// beneath.
func TestAcmeErrors(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider())
	ctx := ctxFor(t)
	cus := newCustomer(t, ctx, c)

	f.fail("createPayment", openapitest.Reply{Status: http.StatusPaymentRequired, Body: obj{"error": obj{
		"code": "card_declined", "message": "the card was declined", "decline_code": "insufficient_funds"}}})
	_, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 1000, Currency: "USD", Customer: paykit.CustomerID(cus.ID)})
	pe := requireCode(t, err, paykit.ErrCardDeclined, "")
	var ae *acmepay.APIError
	if pe.DeclineCode != "insufficient_funds" || !errors.As(err, &ae) || ae.Code != "card_declined" {
		t.Errorf("decline code %q, APIError %+v", pe.DeclineCode, ae)
	}

	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 1000, Currency: "USD", Customer: paykit.CustomerID(cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 1001})
	requireCode(t, err, paykit.ErrValidation, "amount")
	// An unknown payment: found missing by the provider's own read
	// (with an amount) or by Acme (without), named alike.
	_, err = c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "pay_missing", Amount: 100})
	requireCode(t, err, paykit.ErrNotFound, "payment_id")
	_, err = c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "pay_missing"})
	requireCode(t, err, paykit.ErrNotFound, "payment_id")
	_, err = c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 1000, Currency: "USD", Customer: paykit.CustomerID("cus_missing")})
	requireCode(t, err, paykit.ErrNotFound, "customer")
}

// What Acme cannot do is refused before anything is sent; PaymentOptions
// reach Acme's statement_descriptor.
func TestPaymentParams(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider())
	ctx := ctxFor(t)
	cus := paykit.CustomerID(newCustomer(t, ctx, c).ID)
	for _, tc := range []struct {
		params *paykit.CreatePaymentParams
		param  string
	}{
		{&paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerEmail("jane@example.com")}, "customer"},
		{&paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: cus, CaptureMethod: paykit.CaptureManual}, "capture_method"},
		{&paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: cus, ProviderMetadata: "descriptor"}, "provider_metadata"},
		{&paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: cus,
			ProviderMetadata: acmepay.PaymentOptions{StatementDescriptor: strings.Repeat("x", 23)}}, "provider_metadata.statement_descriptor"},
	} {
		_, err := c.Payments.Create(ctx, tc.params)
		requireCode(t, err, paykit.ErrValidation, tc.param)
	}
	if n := len(f.srv.Calls("createPayment")); n != 0 {
		t.Fatalf("refused payments sent %d requests", n)
	}
	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: cus, ItemID: "sku_1",
		ProviderMetadata: &acmepay.PaymentOptions{StatementDescriptor: "ACME*SHOP"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.srv.Calls("createPayment")[0].BodyMap(); got["statement_descriptor"] != "ACME*SHOP" || got["reference"] != "sku_1" {
		t.Errorf("sent %v, want statement_descriptor ACME*SHOP and reference sku_1", got)
	}
	if pay.ItemID != "sku_1" {
		t.Errorf("ItemID = %q, want sku_1", pay.ItemID)
	}
}

// Acme's refunds have no reason: it travels in the reserved metadata key,
// which the caller never sees.
func TestRefundReasonTravelsInReservedMetadata(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider())
	ctx := ctxFor(t)
	cus := newCustomer(t, ctx, c)
	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 5000, Currency: "USD", Customer: paykit.CustomerID(cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Reason: paykit.RefundFraudulent, Metadata: map[string]string{"ticket": "7"}})
	if err != nil {
		t.Fatal(err)
	}
	sent, _ := f.srv.Calls("createRefund")[0].BodyMap()["metadata"].(obj)
	if sent[paykit.ReservedMetadataKey] != `{"reason":"fraudulent"}` || sent["ticket"] != "7" {
		t.Errorf("refund metadata sent = %v", sent)
	}
	got, err := c.Refunds.Retrieve(ctx, ref.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Reason != paykit.RefundFraudulent || len(got.Metadata) != 1 || got.Metadata["ticket"] != "7" || got.Amount != 5000 {
		t.Errorf("refund = reason %q metadata %v amount %d, want fraudulent, only ticket=7, 5000 (all of it)", got.Reason, got.Metadata, got.Amount)
	}
}

// Every event the document describes is mapped, each to the unified event
// the table says, with its data; an event the table lacks is
// EventUnknown.
func TestWebhookEvents(t *testing.T) {
	spec := acmeSpec(t)
	documented := spec.WebhookEvents()
	slices.Sort(documented)
	if got := acmepay.MappedEvents(); !slices.Equal(got, documented) {
		t.Errorf("MappedEvents() = %v, the document's webhooks are %v", got, documented)
	}
	p := newFake(t).provider()
	customer := obj{"id": "cus_000001", "email": "jane@example.com", "name": "Jane", "phone": nil, "metadata": obj{},
		"created_at": "2026-01-01T12:00:00Z", "updated_at": nil}
	refund := obj{"id": "re_000003", "payment": "pay_000002", "amount": "1.500", "currency": "KWD", "status": "succeeded",
		"metadata": obj{paykit.ReservedMetadataKey: `{"reason":"duplicate"}`}, "created_at": "2026-01-01T12:00:00Z"}
	now := time.Now()
	for _, tc := range []struct {
		typ   string
		data  obj
		want  paykit.EventType
		check func(e *paykit.Event) bool
	}{
		{"customer.created", customer, paykit.EventCustomerCreated, func(e *paykit.Event) bool { return e.Customer().Email == "jane@example.com" }},
		{"payment.failed", paymentObj("pay_000002", "failed", "card_declined"), paykit.EventPaymentUpdated, func(e *paykit.Event) bool {
			return e.Payment().Status == paykit.PaymentFailed && e.Payment().FailureCode == "card_declined"
		}},
		{"payment.succeeded", paymentObj("pay_000002", "succeeded", nil), paykit.EventPaymentUpdated, func(e *paykit.Event) bool {
			return e.Payment().Status == paykit.PaymentSucceeded && e.Payment().Amount == 2500
		}},
		{"refund.succeeded", refund, paykit.EventRefundUpdated, func(e *paykit.Event) bool {
			r := e.Refund()
			return r.Amount == 1500 && r.Reason == paykit.RefundDuplicate && r.Metadata == nil && r.Status == paykit.RefundSucceeded
		}},
		{"payout.paid", obj{"id": "po_1"}, paykit.EventUnknown, func(e *paykit.Event) bool { return e.Data != nil }},
	} {
		events, err := p.ParseWebhook(ctxFor(t), delivery(t, spec, "evt_"+tc.typ, tc.typ, tc.data, now), testWebhookSecret)
		if err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		if len(events) != 1 || events[0].Type != tc.want || events[0].ID != "evt_"+tc.typ || events[0].NativeType != tc.typ || !tc.check(events[0]) {
			t.Errorf("%s gave %+v, want one %s", tc.typ, events[0], tc.want)
		}
	}
}

// The document's payment statuses are all in wire.go's table, each
// mapped to the status expected here; one the document does not know is
// the fallback, PaymentProcessing.
func TestPaymentStatuses(t *testing.T) {
	spec := acmeSpec(t)
	p := newFake(t).provider()
	want := map[string]paykit.PaymentStatus{
		"pending": paykit.PaymentPending, "processing": paykit.PaymentProcessing, "succeeded": paykit.PaymentSucceeded,
		"failed": paykit.PaymentFailed, "voided": paykit.PaymentCanceled,
	}
	schema, err := spec.Component("Payment")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, s := range schema.Properties["status"].Value.Enum {
		documented = append(documented, s.(string))
	}
	if len(documented) != len(want) {
		t.Errorf("the document's payment statuses are %v; this test expects %d", documented, len(want))
	}
	parse := func(req *paykit.WebhookRequest) paykit.PaymentStatus {
		events, err := p.ParseWebhook(ctxFor(t), req, testWebhookSecret)
		if err != nil {
			t.Fatal(err)
		}
		return events[0].Payment().Status
	}
	for _, native := range documented {
		status, ok := want[native]
		if !ok {
			t.Errorf("the document's payment status %q has no expected mapping here", native)
			continue
		}
		if got := parse(delivery(t, spec, "evt_1", "payment.succeeded", paymentObj("pay_1", native, nil), time.Now())); got != status {
			t.Errorf("Acme's %s is %s, want %s", native, got, status)
		}
	}
	// Signed without the document's check, which would refuse it.
	body := []byte(`{"id":"evt_2","type":"payment.succeeded","created_at":"2026-01-01T12:00:00Z","data":` +
		`{"id":"pay_1","amount":"1.00","currency":"USD","customer":"cus_1","status":"disputed","amount_refunded":"0.00","metadata":{},"created_at":"2026-01-01T12:00:00Z"}}`)
	if got := parse(signAt(body, "evt_2", testWebhookSecret, time.Now())); got != paykit.PaymentProcessing {
		t.Errorf("an unknown status is %s, want processing", got)
	}
}
