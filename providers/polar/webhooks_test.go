package polar

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/openapitest"
	"github.com/paykit-go/paykit/providerkit"
)

var updateFixtures = flag.Bool("update", false, "regenerate testdata/webhooks from the OpenAPI document")

func fixturePath(event string) string {
	return filepath.Join("testdata", "webhooks", event+".json")
}

func fixture(t testing.TB, event string) []byte {
	t.Helper()
	b, err := os.ReadFile(fixturePath(event))
	require.NoError(t, err)
	return b
}

// Ids the fixtures use.
const (
	fxCustomer     = "7e1f5c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
	fxOrder        = "5d2c8b1a-9e7f-4a6b-8c5d-4e3f2a1b0c9d"
	fxCheckout     = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
	fxSubscription = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
	fxRefund       = "8f7e6d5c-4b3a-4291-8f7e-6d5c4b3a2918"
	fxProduct      = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
)

// fixturePatch makes the generated payload of a native event realistic.
func fixturePatch(event string) map[string]any {
	meta := map[string]any{"plan": "pro"}
	switch event[:3] {
	case "che":
		status := map[string]string{"checkout.created": "open", "checkout.updated": "succeeded", "checkout.expired": "expired"}[event]
		return map[string]any{"id": fxCheckout, "status": status, "currency": "usd", "amount": 3000, "net_amount": 3000,
			"total_amount": 3000, "tax_amount": 0, "discount_amount": 0, "customer_id": fxCustomer, "customer_email": "jane@example.com",
			"product_id": fxProduct, "seats": 2, "metadata": meta, "url": "https://polar.sh/checkout/polar_c_abc",
			"success_url": "https://example.com/success", "subscription_id": nil}
	case "cus":
		return map[string]any{"id": fxCustomer, "email": "jane@example.com", "name": "Jane Doe",
			"metadata": map[string]any{"plan": "pro", paykit.ReservedMetadataKey: `{"phone":"+15550100"}`}}
	case "ord":
		status, reason := "paid", "subscription_create"
		switch event {
		case "order.created":
			status, reason = "pending", "purchase"
		case "order.refunded":
			status = "partially_refunded"
		}
		// 900 net and 20% of tax; a refund of 400 net took 80 of tax.
		refunded, refundedTax := 0, 0
		if status == "partially_refunded" {
			refunded, refundedTax = 400, 80
		}
		return map[string]any{"id": fxOrder, "status": status, "paid": status != "pending", "currency": "usd",
			"subtotal_amount": 900, "net_amount": 900, "tax_amount": 180, "total_amount": 1080, "discount_amount": 0,
			"applied_balance_amount": 0, "refunded_amount": refunded, "refunded_tax_amount": refundedTax,
			"refundable_amount": 900 - refunded, "refundable_tax_amount": 180 - refundedTax,
			"billing_reason": reason, "customer_id": fxCustomer, "product_id": fxProduct, "subscription_id": fxSubscription,
			"checkout_id": fxCheckout, "seats": nil, "metadata": meta}
	case "sub":
		status := "active"
		switch event {
		case "subscription.revoked":
			status = "canceled"
		case "subscription.past_due":
			status = "past_due"
		case "subscription.created":
			status = "trialing"
		}
		return map[string]any{"id": fxSubscription, "status": status, "amount": 900, "currency": "usd",
			"recurring_interval": "month", "recurring_interval_count": 1, "customer_id": fxCustomer, "product_id": fxProduct,
			"cancel_at_period_end": event == "subscription.canceled", "seats": nil, "metadata": meta,
			"current_period_start": "2026-10-01T12:00:00Z", "current_period_end": "2026-11-01T12:00:00Z"}
	case "ref":
		return map[string]any{"id": fxRefund, "status": "succeeded", "reason": "customer_request", "amount": 400, "tax_amount": 80, "currency": "usd",
			"order_id": fxOrder, "customer_id": fxCustomer, "metadata": meta}
	}
	return nil
}

// TestWebhookFixturesMatchTheDocument checks every fixture against the
// payload schema of its event in the document's webhooks section (and
// regenerates them from it with -update).
func TestWebhookFixturesMatchTheDocument(t *testing.T) {
	spec := polarSpec(t)
	events := append(MappedEvents(), "benefit.created")
	slices.Sort(events)
	for _, event := range events {
		t.Run(event, func(t *testing.T) {
			schema, err := spec.WebhookSchema(event)
			require.NoError(t, err)
			if *updateFixtures {
				v := spec.Generate(schema).(map[string]any)
				v["timestamp"] = "2026-10-01T12:00:00Z"
				if patch := fixturePatch(event); patch != nil {
					openapitest.Merge(v["data"].(map[string]any), patch)
				}
				b, err := json.MarshalIndent(v, "", "  ")
				require.NoError(t, err)
				require.NoError(t, os.MkdirAll(filepath.Dir(fixturePath(event)), 0o755))
				require.NoError(t, os.WriteFile(fixturePath(event), append(b, '\n'), 0o644))
			}
			var v any
			require.NoError(t, json.Unmarshal(fixture(t, event), &v))
			require.NoError(t, spec.Validate(schema, v))
			assert.Equal(t, event, v.(map[string]any)["type"])
		})
	}
}

// TestEveryDocumentedEventIsMappedOrUnknown walks the document's 41
// webhook events: those the issue lists are mapped, and the others come
// back as EventUnknown, never as an error.
func TestEveryDocumentedEventIsMappedOrUnknown(t *testing.T) {
	spec := polarSpec(t)
	documented := spec.WebhookEvents()
	assert.Len(t, documented, 41)
	for _, e := range MappedEvents() {
		assert.Contains(t, documented, e, "mapped event %s is not in the document", e)
	}
	p := Provider(testToken)
	for _, event := range documented {
		schema, err := spec.WebhookSchema(event)
		require.NoError(t, err)
		body, err := json.Marshal(spec.Generate(schema))
		require.NoError(t, err)
		events, err := p.ParseWebhook(context.Background(), signed(body, "msg_"+event, time.Now(), testSecret), testSecret)
		require.NoError(t, err, event)
		require.NotEmpty(t, events, event)
		if _, mapped := webhookEvents[event]; mapped {
			assert.NotEqual(t, paykit.EventUnknown, events[0].Type, event)
		} else {
			require.Len(t, events, 1)
			assert.Equal(t, paykit.EventUnknown, events[0].Type)
			assert.Equal(t, event, events[0].NativeType)
			assert.IsType(t, json.RawMessage{}, events[0].Data)
		}
	}
}

func signed(body []byte, id string, ts time.Time, secret string) *paykit.WebhookRequest {
	return &paykit.WebhookRequest{Body: body, Header: providerkit.StandardWebhookHeaders([]byte(secret), id, ts, body), URL: "https://example.com/webhooks/polar"}
}

func TestParseWebhookMapsEachMappedEvent(t *testing.T) {
	p := Provider(testToken)
	ctx := context.Background()
	type want struct {
		types []paykit.EventType
		check func(t *testing.T, events []*paykit.Event)
	}
	cases := map[string]want{
		"checkout.created": {[]paykit.EventType{paykit.EventCheckoutCreated}, func(t *testing.T, ev []*paykit.Event) {
			co := ev[0].Checkout()
			require.NotNil(t, co)
			assert.Equal(t, fxCheckout, co.ID)
			assert.Equal(t, paykit.CheckoutOpen, co.Status)
			assert.Equal(t, int64(3000), co.Amount)
			assert.Equal(t, "USD", co.Currency)
			assert.Equal(t, []paykit.LineItem{{ID: fxProduct, Quantity: 2}}, co.Products)
			assert.Equal(t, paykit.CustomerID(fxCustomer), co.Customer)
		}},
		"checkout.updated": {[]paykit.EventType{paykit.EventCheckoutUpdated, paykit.EventCheckoutCompleted}, func(t *testing.T, ev []*paykit.Event) {
			assert.Equal(t, paykit.CheckoutComplete, ev[1].Checkout().Status)
		}},
		"checkout.expired": {[]paykit.EventType{paykit.EventCheckoutExpired}, func(t *testing.T, ev []*paykit.Event) {
			assert.Equal(t, paykit.CheckoutExpired, ev[0].Checkout().Status)
		}},
		"customer.created": {[]paykit.EventType{paykit.EventCustomerCreated}, func(t *testing.T, ev []*paykit.Event) {
			c := ev[0].Customer()
			require.NotNil(t, c)
			assert.Equal(t, "jane@example.com", c.Email)
			assert.Equal(t, "+15550100", c.Phone)
			assert.Equal(t, map[string]string{"plan": "pro"}, c.Metadata, "the reserved key is hidden")
		}},
		"customer.updated": {[]paykit.EventType{paykit.EventCustomerUpdated}, nil},
		"customer.deleted": {[]paykit.EventType{paykit.EventCustomerDeleted}, nil},
		"order.created": {[]paykit.EventType{paykit.EventPaymentCreated}, func(t *testing.T, ev []*paykit.Event) {
			pay := ev[0].Payment()
			require.NotNil(t, pay)
			assert.Equal(t, fxOrder, pay.ID)
			assert.Equal(t, paykit.PaymentPending, pay.Status)
		}},
		"order.updated": {[]paykit.EventType{paykit.EventPaymentUpdated, paykit.EventInvoiceUpdated}, nil},
		"order.paid": {[]paykit.EventType{paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated}, func(t *testing.T, ev []*paykit.Event) {
			pay, inv := ev[0].Payment(), ev[1].Invoice()
			require.NotNil(t, pay)
			require.NotNil(t, inv)
			assert.Equal(t, paykit.PaymentSucceeded, pay.Status)
			assert.Equal(t, int64(1080), pay.Amount, "tax included")
			assert.Equal(t, int64(1080), pay.AmountCaptured)
			assert.Equal(t, fxOrder, inv.ID)
			assert.Equal(t, fxOrder, inv.PaymentID)
			assert.Equal(t, paykit.BillingRecurring, inv.BillingMode, "billing reason subscription_create")
			assert.Equal(t, fxSubscription, inv.SubscriptionID)
			assert.Equal(t, paykit.InvoicePaid, inv.Status)
			assert.Equal(t, int64(1080), inv.AmountPaid)
			assert.Equal(t, []paykit.LineItem{{ID: fxProduct, Quantity: 1}}, inv.LineItems)
		}},
		"order.refunded": {[]paykit.EventType{paykit.EventPaymentUpdated}, func(t *testing.T, ev []*paykit.Event) {
			assert.Equal(t, int64(480), ev[0].Payment().AmountRefunded, "400 net and 80 of tax")
		}},
		"subscription.created": {[]paykit.EventType{paykit.EventSubscriptionCreated}, func(t *testing.T, ev []*paykit.Event) {
			s := ev[0].Subscription()
			require.NotNil(t, s)
			assert.Equal(t, paykit.SubscriptionActive, s.Status, "trialing is active")
			assert.Equal(t, paykit.IntervalMonth, s.BillingInterval)
			assert.Equal(t, 1, s.BillingIntervalCount)
			assert.Equal(t, fxProduct, s.ItemID)
			assert.True(t, s.CurrentPeriodEnd.After(s.CurrentPeriodStart))
		}},
		"subscription.updated":    {[]paykit.EventType{paykit.EventSubscriptionUpdated}, nil},
		"subscription.active":     {[]paykit.EventType{paykit.EventSubscriptionUpdated}, nil},
		"subscription.uncanceled": {[]paykit.EventType{paykit.EventSubscriptionUpdated}, nil},
		"subscription.canceled": {[]paykit.EventType{paykit.EventSubscriptionUpdated}, func(t *testing.T, ev []*paykit.Event) {
			assert.True(t, ev[0].Subscription().CancelAtPeriodEnd)
		}},
		"subscription.revoked": {[]paykit.EventType{paykit.EventSubscriptionCanceled}, func(t *testing.T, ev []*paykit.Event) {
			assert.Equal(t, paykit.SubscriptionCanceled, ev[0].Subscription().Status)
		}},
		"subscription.past_due": {[]paykit.EventType{paykit.EventSubscriptionUpdated}, func(t *testing.T, ev []*paykit.Event) {
			assert.Equal(t, paykit.SubscriptionPastDue, ev[0].Subscription().Status)
		}},
		"subscription.paused":  {[]paykit.EventType{paykit.EventSubscriptionUpdated}, nil},
		"subscription.resumed": {[]paykit.EventType{paykit.EventSubscriptionUpdated}, nil},
		"subscription.cycled":  {[]paykit.EventType{paykit.EventSubscriptionUpdated}, nil},
		"refund.created": {[]paykit.EventType{paykit.EventRefundCreated}, func(t *testing.T, ev []*paykit.Event) {
			r := ev[0].Refund()
			require.NotNil(t, r)
			assert.Equal(t, fxRefund, r.ID)
			assert.Equal(t, int64(480), r.Amount, "400 net and 80 of tax")
			assert.Equal(t, paykit.RefundRequestedByCustomer, r.Reason)
			assert.Equal(t, fxOrder, r.PaymentID)
			assert.Equal(t, paykit.RefundSucceeded, r.Status)
		}},
		"refund.updated": {[]paykit.EventType{paykit.EventRefundUpdated}, nil},
	}
	require.ElementsMatch(t, MappedEvents(), mapKeys(cases), "every mapped event has a case")
	for event, w := range cases {
		t.Run(event, func(t *testing.T) {
			body := fixture(t, event)
			events, err := p.ParseWebhook(ctx, signed(body, "msg_1", time.Now(), testSecret), testSecret)
			require.NoError(t, err)
			var types []paykit.EventType
			ids := map[string]bool{}
			for _, e := range events {
				types = append(types, e.Type)
				assert.Equal(t, "polar", e.Provider)
				assert.Equal(t, event, e.NativeType)
				assert.Equal(t, time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC), e.Created)
				assert.Equal(t, body, []byte(e.Raw))
				ids[e.ID] = true
			}
			assert.Equal(t, w.types, types)
			assert.Len(t, ids, len(events), "each derived event has its own id")
			if len(events) == 1 {
				assert.Equal(t, "msg_1", events[0].ID)
			} else {
				for _, e := range events {
					assert.Equal(t, "msg_1:"+string(e.Type), e.ID)
				}
			}
			if w.check != nil {
				w.check(t, events)
			}
		})
	}
}

// TestWebhookSubscriptionKeepsItsIntervalCount parses a subscription that
// renews every 3 months, as the document allows.
func TestWebhookSubscriptionKeepsItsIntervalCount(t *testing.T) {
	var v map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "subscription.cycled"), &v))
	openapitest.Merge(v, map[string]any{"data": map[string]any{"recurring_interval_count": 3,
		"current_period_start": "2026-10-01T12:00:00Z", "current_period_end": "2027-01-01T12:00:00Z"}})
	schema, err := polarSpec(t).WebhookSchema("subscription.cycled")
	require.NoError(t, err)
	require.NoError(t, polarSpec(t).Validate(schema, v))
	body, err := json.Marshal(v)
	require.NoError(t, err)

	events, err := Provider(testToken).ParseWebhook(context.Background(), signed(body, "msg_1", time.Now(), testSecret), testSecret)
	require.NoError(t, err)
	require.Len(t, events, 1)
	s := events[0].Subscription()
	require.NotNil(t, s)
	assert.Equal(t, paykit.IntervalMonth, s.BillingInterval)
	assert.Equal(t, 3, s.BillingIntervalCount)
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestParseWebhookRejectsForgeries(t *testing.T) {
	p := Provider(testToken)
	ctx := context.Background()
	body := fixture(t, "order.paid")
	now := time.Now()
	good := signed(body, "msg_1", now, testSecret)
	_, err := p.ParseWebhook(ctx, good, testSecret)
	require.NoError(t, err)

	tampered := signed(body, "msg_1", now, testSecret)
	tampered.Body = bytes.Replace(body, []byte(`"total_amount": 1080`), []byte(`"total_amount": 1`), 1)
	require.NotEqual(t, body, tampered.Body)

	otherID := signed(body, "msg_1", now, testSecret)
	otherID.Header.Set("webhook-id", "msg_2")

	base64Key := &paykit.WebhookRequest{Body: body, Header: providerkit.StandardWebhookHeaders(providerkit.StandardWebhookKey("whsec_"+"c2VjcmV0LWtleS1ieXRlcw=="), "msg_1", now, body)}

	for name, tc := range map[string]struct {
		req    *paykit.WebhookRequest
		secret string
	}{
		"tampered body":      {tampered, testSecret},
		"other webhook-id":   {otherID, testSecret},
		"wrong secret":       {good, testSecret + "x"},
		"expired":            {signed(body, "msg_1", now.Add(-6*time.Minute), testSecret), testSecret},
		"from the future":    {signed(body, "msg_1", now.Add(6*time.Minute), testSecret), testSecret},
		"no headers":         {&paykit.WebhookRequest{Body: body, Header: http.Header{}}, testSecret},
		"base64-decoded key": {base64Key, "whsec_c2VjcmV0LWtleS1ieXRlcw=="},
	} {
		t.Run(name, func(t *testing.T) {
			events, err := p.ParseWebhook(ctx, tc.req, tc.secret)
			require.ErrorIs(t, err, paykit.ErrWebhookSignature)
			assert.Nil(t, events)
			assert.NotContains(t, err.Error(), tc.secret)
		})
	}
}

func TestParseWebhookAcceptsRotatedSecrets(t *testing.T) {
	p := Provider(testToken)
	body := fixture(t, "refund.created")
	now := time.Now()
	req := signed(body, "msg_1", now, testSecret)
	old := providerkit.SignStandardWebhook([]byte("whsec_old_secret_value"), "msg_1", now, body)
	req.Header.Set("webhook-signature", old+" "+req.Header.Get("webhook-signature"))
	events, err := p.ParseWebhook(context.Background(), req, testSecret)
	require.NoError(t, err)
	require.Len(t, events, 1)
	_, err = p.ParseWebhook(context.Background(), req, "whsec_old_secret_value")
	require.NoError(t, err, "either secret verifies during a rotation")
}

func TestParseWebhookBadInput(t *testing.T) {
	p := Provider(testToken)
	ctx := context.Background()
	_, err := p.ParseWebhook(ctx, signed([]byte(`not json`), "msg_1", time.Now(), testSecret), testSecret)
	require.ErrorIs(t, err, paykit.ErrValidation)
	_, err = p.ParseWebhook(ctx, signed([]byte(`{"type":"order.paid","timestamp":"2026-10-01T12:00:00Z","data":{"id":5}}`), "msg_1", time.Now(), testSecret), testSecret)
	require.ErrorIs(t, err, paykit.ErrValidation)
	_, err = p.ParseWebhook(ctx, signed(fixture(t, "order.paid"), "msg_1", time.Now(), testSecret), "")
	require.ErrorIs(t, err, paykit.ErrConfiguration)
	_, err = p.ParseWebhook(ctx, nil, testSecret)
	require.ErrorIs(t, err, paykit.ErrValidation)
}

// TestWebhookThroughTheClient delivers a signed fixture to the Client's
// http.Handler: verified, dispatched once, deduplicated on redelivery.
func TestWebhookThroughTheClient(t *testing.T) {
	client := paykit.New(Provider(testToken))
	var got []paykit.EventType
	wh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: testSecret}).
		On(paykit.EventPaymentUpdated, func(_ context.Context, e *paykit.Event) error { got = append(got, e.Type); return nil }).
		On(paykit.EventInvoiceGenerated, func(_ context.Context, e *paykit.Event) error { got = append(got, e.Type); return nil })
	req := signed(fixture(t, "order.paid"), "msg_9", time.Now(), testSecret)
	require.NoError(t, wh.Handle(context.Background(), req))
	require.NoError(t, wh.Handle(context.Background(), req))
	assert.Equal(t, []paykit.EventType{paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated}, got)
}

// FuzzParseWebhook feeds signed bodies, seeded with every fixture, to the
// parser: it must never panic, and what it returns is either an error or
// events with ids, types and the provider's name.
func FuzzParseWebhook(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "webhooks"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", "webhooks", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"type":"order.paid","data":null}`))
	p := Provider(testToken)
	now := time.Now()
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := p.ParseWebhook(context.Background(), signed(body, "msg_fuzz", now, testSecret), testSecret)
		if err != nil {
			if _, ok := paykit.AsError(err); !ok {
				t.Fatalf("error %T is not a *paykit.Error", err)
			}
			return
		}
		if len(events) == 0 {
			t.Fatal("a verified delivery gave no events and no error")
		}
		for _, e := range events {
			if e.ID == "" || e.Type == "" || e.Provider != "polar" {
				t.Fatalf("incomplete event %+v", e)
			}
		}
	})
}
