package paypal

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// TestOneMapperPerResource holds the webhooks to the API side: an event
// and the API's answer for the same object map to equal paykit objects,
// Raw aside. Each object is made through a Client on the fake; its event
// is the fixture of the event type (testdata/webhooks) around the object
// as the fake holds it, custom_id as the provider wrote it, verified and
// mapped by ParseWebhook. Where an event cannot say what the API answer
// does without another call, the test names the field and why (the
// package doc says it too).
func TestOneMapperPerResource(t *testing.T) {
	f := newFake(t)
	ctx := testCtx(t)
	store := paykit.NewMemoryCustomerStore()
	cus, err := store.Create(ctx, &paykit.CreateCustomerParams{Email: "ada@example.com", Name: "Ada Lovelace"}, "")
	require.NoError(t, err)
	c := paykit.New(conformanceProvider(f, WithCustomerStore(store)))
	hook, _ := f.webhookProvider(WithOfflineWebhookVerification())

	// held returns what get returns of the fake's state, as JSON.
	held := func(get func() any) json.RawMessage {
		f.mu.Lock()
		defer f.mu.Unlock()
		b, err := json.Marshal(get())
		require.NoError(t, err)
		return b
	}
	// events maps the fixture of typ with resource as its resource.
	events := func(typ string, resource json.RawMessage) []*paykit.Event {
		t.Helper()
		var env map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(webhookFixture(t, typ), &env))
		env["resource"] = resource
		body, err := json.Marshal(env)
		require.NoError(t, err)
		evs, err := hook.ParseWebhook(ctx, signDelivery(t, body, testWebhookID, time.Now()), testWebhookID)
		require.NoError(t, err, typ)
		for _, e := range evs {
			require.NotEqual(t, paykit.EventUnknown, e.Type, typ)
		}
		return evs
	}
	// payment is payment i of the first purchase unit of order id: kind is
	// "captures", "authorizations" or "refunds".
	payment := func(id, kind string, i int) func() any {
		return func() any {
			pu := f.ppOrders[id]["purchase_units"].([]any)[0].(ppObj)
			return pu["payments"].(ppObj)[kind].([]any)[i]
		}
	}

	// A checkout for a store customer, with metadata, approved by the
	// payer: CHECKOUT.ORDER.APPROVED is the checkout and its payment.
	co, err := c.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: "sku-usd",
		SessionType: paykit.SessionOneTime, Quantity: 2, SuccessURL: "https://shop.example/ok", Metadata: map[string]string{"cart": "7"}})
	require.NoError(t, err)
	require.NoError(t, f.approveOrder(co.ID))
	apiCheckout, err := c.Checkouts.Retrieve(ctx, co.ID)
	require.NoError(t, err)
	apiPayment, err := c.Payments.Retrieve(ctx, co.ID)
	require.NoError(t, err)
	evs := events("CHECKOUT.ORDER.APPROVED", held(func() any { return f.ppOrders[co.ID] }))
	require.Len(t, evs, 2)
	assert.Equal(t, paykit.CustomerID(cus.ID), evs[0].Checkout().Customer, "the customer survives the webhook")
	assert.Equal(t, map[string]string{"cart": "7"}, evs[0].Checkout().Metadata, "the metadata survives the webhook")
	sameObject(t, "CHECKOUT.ORDER.APPROVED checkout", apiCheckout, evs[0].Checkout())
	sameObject(t, "CHECKOUT.ORDER.APPROVED payment", apiPayment, evs[1].Payment())

	// Captured: the order (CHECKOUT.ORDER.COMPLETED) and the capture alone
	// (PAYMENT.CAPTURE.COMPLETED).
	_, err = c.Payments.Capture(ctx, co.ID, nil)
	require.NoError(t, err)
	paid, err := c.Payments.Retrieve(ctx, co.ID)
	require.NoError(t, err)
	require.Equal(t, paykit.PaymentSucceeded, paid.Status)
	sameObject(t, "CHECKOUT.ORDER.COMPLETED", paid, events("CHECKOUT.ORDER.COMPLETED", held(func() any { return f.ppOrders[co.ID] }))[0].Payment())
	want := *paid
	// A capture carries no order: not when it was made, nor its item.
	want.CreatedAt, want.ItemID = time.Time{}, ""
	sameObject(t, "PAYMENT.CAPTURE.COMPLETED", &want, events("PAYMENT.CAPTURE.COMPLETED", held(payment(co.ID, "captures", 0)))[0].Payment())

	// A refund paykit made: its custom_id names the payment, the reason
	// and the metadata.
	r, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: co.ID, Amount: 500, Reason: paykit.RefundRequestedByCustomer,
		Metadata: map[string]string{"ticket": "9"}})
	require.NoError(t, err)
	apiRefund, err := c.Refunds.Retrieve(ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, co.ID, apiRefund.PaymentID)
	sameObject(t, "PAYMENT.CAPTURE.REFUNDED", apiRefund, events("PAYMENT.CAPTURE.REFUNDED", held(func() any { return f.ppRefunds[r.ID] }))[0].Refund())

	// A manual payment for an email, authorized and voided: the
	// authorization alone (PAYMENT.AUTHORIZATION.VOIDED).
	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2500, Currency: "USD", Customer: paykit.CustomerEmail("grace@example.com"),
		CaptureMethod: paykit.CaptureManual, Metadata: map[string]string{"cart": "8"}})
	require.NoError(t, err)
	require.NoError(t, f.approveOrder(pay.ID))
	_, err = c.Payments.Cancel(ctx, pay.ID)
	require.NoError(t, err)
	voided, err := c.Payments.Retrieve(ctx, pay.ID)
	require.NoError(t, err)
	require.Equal(t, paykit.PaymentCanceled, voided.Status)
	want = *voided
	want.CreatedAt = time.Time{} // an authorization carries no order
	sameObject(t, "PAYMENT.AUTHORIZATION.VOIDED", &want, events("PAYMENT.AUTHORIZATION.VOIDED", held(payment(pay.ID, "authorizations", 0)))[0].Payment())

	// A subscription, approved and paid, then suspended. An event carries
	// no plan: no BillingInterval, and the Amount is the last payment's
	// (here the plan's price).
	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: monthlyPlan,
		Metadata: map[string]string{"plan": "pro"}})
	require.NoError(t, err)
	f.approve(sub.ID)
	active, err := c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	require.Equal(t, paykit.SubscriptionActive, active.Status)
	wantSub := *active
	wantSub.BillingInterval, wantSub.BillingIntervalCount = paykit.BillingInterval{}, 0
	gotSub := events("BILLING.SUBSCRIPTION.ACTIVATED", held(func() any { return f.subs[sub.ID] }))[0].Subscription()
	assert.Equal(t, paykit.CustomerID(cus.ID), gotSub.Customer)
	sameObject(t, "BILLING.SUBSCRIPTION.ACTIVATED", &wantSub, gotSub)

	_, err = c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{Suspend: true}})
	require.NoError(t, err)
	suspended, err := c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	require.Equal(t, paykit.SubscriptionCanceled, suspended.Status, "wire.go's SUSPENDED")
	wantSub = *suspended
	wantSub.BillingInterval, wantSub.BillingIntervalCount = paykit.BillingInterval{}, 0
	// PayPal gives a suspended subscription no next_billing_time: the API
	// ends its period one interval of the plan on, which an event cannot.
	wantSub.CurrentPeriodEnd = time.Time{}
	sameObject(t, "BILLING.SUBSCRIPTION.SUSPENDED", &wantSub, events("BILLING.SUBSCRIPTION.SUSPENDED", held(func() any { return f.subs[sub.ID] }))[0].Subscription())

	// The subscription's payment: its transaction, and PayPal's v1 sale
	// of it in PAYMENT.SALE.COMPLETED. A sale names no plan: no LineItems.
	invs, err := c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
	require.NoError(t, err)
	require.Len(t, invs.Data, 1)
	var sale map[string]any
	require.NoError(t, json.Unmarshal(webhookFixture(t, "PAYMENT.SALE.COMPLETED"), &struct {
		Resource *map[string]any `json:"resource"`
	}{&sale}))
	f.mu.Lock()
	txn := f.txns[sub.ID][0]
	gross := txn["amount_with_breakdown"].(billingObj)["gross_amount"].(billingObj)
	sale["id"], sale["state"], sale["create_time"] = txn["id"], "completed", txn["time"]
	sale["amount"] = map[string]any{"total": gross["value"], "currency": gross["currency_code"]}
	sale["billing_agreement_id"], sale["custom"] = sub.ID, f.subs[sub.ID]["custom_id"]
	f.mu.Unlock()
	wantInv := *invs.Data[0]
	wantInv.LineItems = nil
	sameObject(t, "PAYMENT.SALE.COMPLETED", &wantInv, events("PAYMENT.SALE.COMPLETED", held(func() any { return sale }))[0].Invoice())
}

// sameObject fails unless api and event are equal but for Raw.
func sameObject[T paykit.Payment | paykit.Checkout | paykit.Refund | paykit.Subscription | paykit.Invoice](t *testing.T, what string, api, event *T) {
	t.Helper()
	require.NotNil(t, event, what)
	a, e := *api, *event
	for _, v := range []any{&a, &e} {
		switch o := v.(type) {
		case *paykit.Payment:
			o.Raw = nil
		case *paykit.Checkout:
			o.Raw = nil
		case *paykit.Refund:
			o.Raw = nil
		case *paykit.Subscription:
			o.Raw = nil
		case *paykit.Invoice:
			o.Raw = nil
		}
	}
	assert.Equal(t, a, e, "%s: the event maps to the API's answer", what)
}
