package stripe

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// These tests run every operation against stripe-mock, which validates each
// request against Stripe's OpenAPI spec and answers with the API's real
// shapes (it keeps no state: metadata comes back empty and statuses never
// change). Each test also checks what was sent.

func TestMockCustomers(t *testing.T) {
	client, rec := mockClient(t)
	ctx := context.Background()

	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{
		Email: "jenny@example.com", Name: "Jenny Rosen", Phone: "+1 555 0100",
		Metadata: map[string]string{"plan": "pro"},
		Billing:  &paykit.BillingInfo{Address: paykit.BillingAddress{Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "US"}, Currency: "USD"},
	}, paykit.WithIdempotencyKey("create-jenny"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(cus.ID, "cus_"), cus.ID)
	// stripe-mock echoes these parameters.
	assert.Equal(t, "jenny@example.com", cus.Email)
	assert.Equal(t, "Jenny Rosen", cus.Name)
	assert.Equal(t, "+1 555 0100", cus.Phone)
	assert.Equal(t, time.Unix(fixtureTime, 0).UTC(), cus.CreatedAt)
	assert.Nil(t, cus.UpdatedAt, "Stripe keeps no update time")
	sent := rec.last(t)
	assert.Equal(t, "POST /v1/customers", sent.Method+" "+sent.Path)
	assert.Equal(t, "create-jenny", sent.Header.Get("Idempotency-Key"))
	assert.Equal(t, "pro", sent.Form.Get("metadata[plan]"))
	assert.Equal(t, "US", sent.Form.Get("address[country]"))
	assert.Equal(t, "1 Main St", sent.Form.Get("address[line1]"))
	assert.Equal(t, "Bearer "+testKey, sent.Header.Get("Authorization"))

	got, err := client.Customers.Retrieve(ctx, "cus_123")
	require.NoError(t, err)
	assert.Equal(t, "cus_123", got.ID)
	assert.Equal(t, "GET /v1/customers/cus_123", rec.last(t).Method+" "+rec.last(t).Path)
	assert.Empty(t, rec.last(t).Header.Get("Idempotency-Key"), "reads carry no idempotency key")

	before := time.Now().Add(-time.Second)
	upd, err := client.Customers.Update(ctx, "cus_123", &paykit.UpdateCustomerParams{Phone: paykit.String("+44 20 7946 0000"), Metadata: map[string]string{"plan": ""}})
	require.NoError(t, err)
	assert.Equal(t, "+44 20 7946 0000", upd.Phone)
	require.NotNil(t, upd.UpdatedAt)
	assert.False(t, upd.UpdatedAt.Before(before.Truncate(time.Second)), "UpdatedAt is the time of the update")
	sent = rec.last(t)
	assert.Equal(t, "+44 20 7946 0000", sent.Form.Get("phone"))
	assert.True(t, sent.Form.Has("metadata[plan]"), "an empty value removes the key")
	assert.NotEmpty(t, sent.Header.Get("Idempotency-Key"), "the Client generates a key for every write")

	require.NoError(t, client.Customers.Delete(ctx, "cus_123"))
	assert.Equal(t, "DELETE /v1/customers/cus_123", rec.last(t).Method+" "+rec.last(t).Path)

	page, err := client.Customers.ListPage(ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 2, Cursor: "cus_100"}, Email: "jenny@example.com"})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	assert.True(t, strings.HasPrefix(page.Data[0].ID, "cus_"))
	q := rec.last(t).Form
	assert.Equal(t, "2", q.Get("limit"))
	assert.Equal(t, "cus_100", q.Get("starting_after"))
	assert.Equal(t, "jenny@example.com", q.Get("email"))
}

// TestMockCustomerRaw checks that every customer operation hands over the
// customer's JSON as Raw, which decodes into stripe-go's Customer.
func TestMockCustomerRaw(t *testing.T) {
	client, _ := mockClient(t)
	ctx := context.Background()
	created, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jenny@example.com"})
	require.NoError(t, err)
	got, err := client.Customers.Retrieve(ctx, "cus_123")
	require.NoError(t, err)
	upd, err := client.Customers.Update(ctx, "cus_123", &paykit.UpdateCustomerParams{Name: paykit.String("Jenny")})
	require.NoError(t, err)
	page, err := client.Customers.ListPage(ctx, &paykit.ListCustomersParams{})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	for _, c := range append([]*paykit.Customer{created, got, upd}, page.Data...) {
		raw, ok := c.Raw.(json.RawMessage)
		require.True(t, ok, "Raw is %T", c.Raw)
		var native stripeapi.Customer
		require.NoError(t, json.Unmarshal(raw, &native))
		assert.Equal(t, c.ID, native.ID)
		assert.Equal(t, c.Email, native.Email)
		assert.Equal(t, c.CreatedAt.Unix(), native.Created)
		assert.NotNil(t, native.InvoiceSettings, "fields paykit does not map are there")
	}
}

func TestMockCheckouts(t *testing.T) {
	client, rec := mockClient(t)
	ctx := context.Background()

	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID("cus_123"), ItemID: "price_123", SessionType: paykit.SessionOneTime, Quantity: 2,
		Metadata: map[string]string{"order": "42"}, SuccessURL: "https://example.com/ok", CancelURL: "https://example.com/back",
		ProviderMetadata: CheckoutOptions{AllowPromotionCodes: true, InvoiceCreation: true},
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(co.ID, "cs_"), co.ID)
	assert.NotEmpty(t, co.PaymentURL)
	assert.Equal(t, paykit.SessionOneTime, co.SessionType)
	assert.Equal(t, paykit.CheckoutOpen, co.Status)
	assert.Equal(t, paykit.CustomerID("cus_123"), co.Customer)
	assert.Equal(t, []paykit.LineItem{{ID: "price_123", Quantity: 2}}, co.Products, "Stripe omits line items unless expanded: the ones created are reported")
	assert.NotContains(t, co.Metadata, paykit.ReservedMetadataKey)
	f := rec.last(t).Form
	assert.Equal(t, "payment", f.Get("mode"))
	assert.Equal(t, "price_123", f.Get("line_items[0][price]"))
	assert.Equal(t, "2", f.Get("line_items[0][quantity]"))
	assert.Equal(t, "cus_123", f.Get("customer"))
	assert.Equal(t, "https://example.com/ok", f.Get("success_url"))
	assert.Equal(t, "https://example.com/back", f.Get("cancel_url"))
	assert.Equal(t, "42", f.Get("metadata[order]"))
	assert.Equal(t, "42", f.Get("payment_intent_data[metadata][order]"), "the payment carries the metadata too")
	assert.JSONEq(t, `{"item_id":"price_123","quantity":2}`, f.Get("metadata[__paykit]"))
	assert.Equal(t, "true", f.Get("allow_promotion_codes"))
	assert.Equal(t, "true", f.Get("invoice_creation[enabled]"))

	rc, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("new@example.com"), ItemID: "price_monthly", SessionType: paykit.SessionRecurring, Quantity: 1,
		Metadata: map[string]string{"plan": "pro"}, SuccessURL: "https://example.com/ok",
		Subscription:     &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalMonth, BillingIntervalCount: 1},
		ProviderMetadata: &CheckoutOptions{TrialPeriodDays: 14},
	})
	require.NoError(t, err)
	assert.Equal(t, paykit.SessionRecurring, rc.SessionType)
	f = rec.last(t).Form
	assert.Equal(t, "subscription", f.Get("mode"))
	assert.Equal(t, "new@example.com", f.Get("customer_email"))
	assert.Equal(t, "pro", f.Get("subscription_data[metadata][plan]"))
	assert.Equal(t, "14", f.Get("subscription_data[trial_period_days]"))
	assert.False(t, f.Has("payment_intent_data[metadata][plan]"))

	got, err := client.Checkouts.Retrieve(ctx, "cs_123")
	require.NoError(t, err)
	assert.Equal(t, "cs_123", got.ID)
	assert.Equal(t, "line_items", rec.last(t).Form.Get("expand[0]"))
	require.NotEmpty(t, got.Products, "line items are expanded")
	assert.True(t, strings.HasPrefix(got.Products[0].ID, "price_"))
	assert.Equal(t, time.Unix(fixtureTime, 0).UTC(), got.CreatedAt)

	_, err = client.Checkouts.Update(ctx, "cs_123", &paykit.UpdateCheckoutParams{Metadata: map[string]string{"step": "2"}})
	require.NoError(t, err)
	assert.Equal(t, "2", rec.last(t).Form.Get("metadata[step]"))

	require.NoError(t, client.Checkouts.Delete(ctx, "cs_123"))
	assert.Equal(t, "POST /v1/checkout/sessions/cs_123/expire", rec.last(t).Method+" "+rec.last(t).Path)

	page, err := client.Checkouts.ListPage(ctx, &paykit.ListCheckoutsParams{CustomerID: "cus_123"})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	assert.Equal(t, "cus_123", rec.last(t).Form.Get("customer"))
}

func TestMockSubscriptions(t *testing.T) {
	client, rec := mockClient(t)
	ctx := context.Background()

	sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerID("cus_123"), ItemID: "price_monthly", Quantity: 2, Metadata: map[string]string{"plan": "pro"},
		ProviderMetadata: SubscriptionOptions{TrialPeriodDays: 7},
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(sub.ID, "sub_"), sub.ID)
	f := rec.last(t).Form
	assert.Equal(t, "cus_123", f.Get("customer"))
	assert.Equal(t, "price_monthly", f.Get("items[0][price]"))
	assert.Equal(t, "2", f.Get("items[0][quantity]"))
	assert.Equal(t, "default_incomplete", f.Get("payment_behavior"))
	assert.Equal(t, "latest_invoice.payment_intent", f.Get("expand[0]"))
	assert.Equal(t, "pro", f.Get("metadata[plan]"))
	assert.Equal(t, "7", f.Get("trial_period_days"))

	// A payment method to charge: Stripe tries it at once.
	before := len(rec.all())
	_, err = client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerID("cus_123"), ItemID: "price_monthly",
		ProviderMetadata: SubscriptionOptions{DefaultPaymentMethod: "pm_card_visa"},
	})
	require.NoError(t, err)
	require.Len(t, rec.all(), before+1, "the method is known: the customer is not read")
	f = rec.last(t).Form
	assert.Equal(t, "allow_incomplete", f.Get("payment_behavior"))
	assert.Equal(t, "pm_card_visa", f.Get("default_payment_method"))

	_, err = client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerID("cus_123"), ItemID: "prod_123", Amount: 1500, Currency: "EUR", BillingInterval: paykit.IntervalYear,
	})
	require.NoError(t, err)
	f = rec.last(t).Form
	assert.Equal(t, "prod_123", f.Get("items[0][price_data][product]"))
	assert.Equal(t, "1500", f.Get("items[0][price_data][unit_amount]"))
	assert.Equal(t, "eur", f.Get("items[0][price_data][currency]"))
	assert.Equal(t, "year", f.Get("items[0][price_data][recurring][interval]"))

	got, err := client.Subscriptions.Retrieve(ctx, "sub_123")
	require.NoError(t, err)
	// stripe-mock's fixture: one monthly USD 20.00 price, periods at its
	// fixture time, in Unix seconds.
	assert.Equal(t, paykit.SubscriptionActive, got.Status)
	assert.Equal(t, time.Unix(fixtureTime, 0).UTC(), got.CurrentPeriodStart)
	assert.Equal(t, time.Unix(fixtureTime, 0).UTC(), got.CurrentPeriodEnd)
	assert.True(t, strings.HasPrefix(got.ItemID, "price_"), "item_id is the price id: %s", got.ItemID)
	assert.Equal(t, "USD", got.Currency)
	assert.Equal(t, got.Quantity*2000, got.Amount)
	assert.Equal(t, paykit.IntervalMonth, got.BillingInterval)
	assert.True(t, strings.HasPrefix(got.Customer.ID, "cus_"))

	upd, err := client.Subscriptions.Update(ctx, "sub_123", &paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: paykit.Bool(true)})
	require.NoError(t, err)
	assert.True(t, upd.CancelAtPeriodEnd)
	assert.Equal(t, "true", rec.last(t).Form.Get("cancel_at_period_end"))

	n := len(rec.all())
	_, err = client.Subscriptions.Update(ctx, "sub_123", &paykit.UpdateSubscriptionParams{ItemID: "price_yearly", Quantity: paykit.Int64(3)})
	require.NoError(t, err)
	reqs := rec.all()[n:]
	require.Len(t, reqs, 2, "the item's id is read first")
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	f = reqs[1].Form
	assert.True(t, strings.HasPrefix(f.Get("items[0][id]"), "si_"), f.Get("items[0][id]"))
	assert.Equal(t, "price_yearly", f.Get("items[0][price]"))
	assert.Equal(t, "3", f.Get("items[0][quantity]"))

	_, err = client.Subscriptions.Cancel(ctx, "sub_123")
	require.NoError(t, err)
	assert.Equal(t, "DELETE /v1/subscriptions/sub_123", rec.last(t).Method+" "+rec.last(t).Path)
	require.NoError(t, client.Subscriptions.Delete(ctx, "sub_123"))
	assert.Equal(t, "DELETE /v1/subscriptions/sub_123", rec.last(t).Method+" "+rec.last(t).Path)

	page, err := client.Subscriptions.ListPage(ctx, &paykit.ListSubscriptionsParams{CustomerID: "cus_123", Status: paykit.SubscriptionActive})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	assert.Equal(t, "all", rec.last(t).Form.Get("status"), "paykit's statuses group Stripe's: filtered here")
	page, err = client.Subscriptions.ListPage(ctx, &paykit.ListSubscriptionsParams{Status: paykit.SubscriptionCanceled})
	require.NoError(t, err)
	assert.Empty(t, page.Data, "stripe-mock's subscription is active")
	assert.Equal(t, "all", rec.last(t).Form.Get("status"), "canceled groups Stripe's canceled and unpaid: filtered here")
	_, err = client.Subscriptions.ListPage(ctx, &paykit.ListSubscriptionsParams{Status: paykit.SubscriptionExpired})
	require.NoError(t, err)
	assert.Equal(t, "incomplete_expired", rec.last(t).Form.Get("status"), "a status Stripe has alone is filtered by Stripe")
	_, err = client.Subscriptions.ListPage(ctx, &paykit.ListSubscriptionsParams{Status: paykit.SubscriptionPastDue})
	require.NoError(t, err)
	assert.Equal(t, "past_due", rec.last(t).Form.Get("status"))
}

func TestMockPayments(t *testing.T) {
	client, rec := mockClient(t, WithReturnURLs("https://example.com/paid", "https://example.com/back"))
	ctx := context.Background()

	// cus_123 of stripe-mock has no saved payment method: the payment goes
	// through a Checkout Session.
	n := len(rec.all())
	pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{
		Amount: 1050, Currency: "USD", Customer: paykit.CustomerID("cus_123"), ItemID: "prod_123",
		Metadata: map[string]string{"order": "42"}, CaptureMethod: paykit.CaptureManual,
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(pay.ID, "cs_"), pay.ID)
	assert.Equal(t, paykit.PaymentRequiresAction, pay.Status)
	assert.True(t, pay.RequiresAction)
	assert.NotEmpty(t, pay.PaymentURL)
	reqs := rec.all()[n:]
	require.Len(t, reqs, 2)
	assert.Equal(t, "GET /v1/customers/cus_123", reqs[0].Method+" "+reqs[0].Path)
	f := reqs[1].Form
	assert.Equal(t, "/v1/checkout/sessions", reqs[1].Path)
	assert.Equal(t, "payment", f.Get("mode"))
	assert.Equal(t, "1050", f.Get("line_items[0][price_data][unit_amount]"))
	assert.Equal(t, "usd", f.Get("line_items[0][price_data][currency]"))
	assert.Equal(t, "prod_123", f.Get("line_items[0][price_data][product]"))
	assert.Equal(t, "manual", f.Get("payment_intent_data[capture_method]"))
	assert.Equal(t, "42", f.Get("payment_intent_data[metadata][order]"))
	assert.Equal(t, "https://example.com/paid", f.Get("success_url"))
	assert.NotEmpty(t, reqs[1].Header.Get("Idempotency-Key"))
	assert.Empty(t, reqs[0].Header.Get("Idempotency-Key"))

	// With a payment method, a PaymentIntent confirmed off-session.
	direct, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{
		Amount: 500, Currency: "JPY", Customer: paykit.CustomerID("cus_123"),
		ProviderMetadata: PaymentOptions{PaymentMethod: "pm_card_visa", Description: "Tea", SuccessURL: "https://example.com/3ds"},
	}, paykit.WithIdempotencyKey("pay-500"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(direct.ID, "pi_"), direct.ID)
	assert.Equal(t, "JPY", direct.Currency)
	assert.Equal(t, int64(500), direct.Amount, "JPY has no minor unit: 500 is 500 yen on both sides")
	sent := rec.last(t)
	assert.Equal(t, "/v1/payment_intents", sent.Path)
	assert.Equal(t, "pay-500", sent.Header.Get("Idempotency-Key"))
	assert.Equal(t, "true", sent.Form.Get("confirm"))
	assert.Equal(t, "true", sent.Form.Get("off_session"))
	assert.Equal(t, "pm_card_visa", sent.Form.Get("payment_method"))
	assert.Equal(t, "jpy", sent.Form.Get("currency"))
	assert.Equal(t, "Tea", sent.Form.Get("description"))
	assert.Equal(t, "https://example.com/3ds", sent.Form.Get("return_url"))

	got, err := client.Payments.Retrieve(ctx, "pi_123")
	require.NoError(t, err)
	assert.Equal(t, "pi_123", got.ID)
	assert.Equal(t, int64(1099), got.Amount)
	assert.Equal(t, paykit.PaymentPending, got.Status, "requires_payment_method without a failed attempt")
	assert.Equal(t, "latest_charge", rec.last(t).Form.Get("expand[0]"))

	viaSession, err := client.Payments.Retrieve(ctx, "cs_123")
	require.NoError(t, err)
	assert.Equal(t, "cs_123", viaSession.ID, "a checkout payment keeps its session's id")
	assert.Equal(t, int64(1099), viaSession.Amount, "read from the session's PaymentIntent")

	_, err = client.Payments.Update(ctx, "pi_123", &paykit.UpdatePaymentParams{Metadata: map[string]string{"order": "43"}})
	require.NoError(t, err)
	assert.Equal(t, "43", rec.last(t).Form.Get("metadata[order]"))

	n = len(rec.all())
	_, err = client.Payments.Capture(ctx, "pi_123", &paykit.CapturePaymentParams{Amount: 600})
	require.NoError(t, err)
	reqs = rec.all()[n:]
	require.Len(t, reqs, 2, "a partial capture reads the currency first")
	assert.Equal(t, "POST /v1/payment_intents/pi_123/capture", reqs[1].Method+" "+reqs[1].Path)
	assert.Equal(t, "600", reqs[1].Form.Get("amount_to_capture"))

	n = len(rec.all())
	_, err = client.Payments.Capture(ctx, "pi_123", nil)
	require.NoError(t, err)
	require.Len(t, rec.all()[n:], 1, "a full capture needs no read")
	assert.False(t, rec.last(t).Form.Has("amount_to_capture"))

	_, err = client.Payments.Cancel(ctx, "pi_123")
	require.NoError(t, err)
	assert.Equal(t, "POST /v1/payment_intents/pi_123/cancel", rec.last(t).Method+" "+rec.last(t).Path)

	canceled, err := client.Payments.Cancel(ctx, "cs_123")
	require.NoError(t, err)
	assert.Equal(t, "cs_123", canceled.ID)
	assert.Equal(t, "/v1/checkout/sessions/cs_123/expire", rec.last(t).Path, "an open session is expired: Stripe refuses to cancel its PaymentIntent")

	page, err := client.Payments.ListPage(ctx, &paykit.ListPaymentsParams{CustomerID: "cus_123"})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	assert.Equal(t, "cus_123", rec.last(t).Form.Get("customer"))
}

func TestMockRefunds(t *testing.T) {
	client, rec := mockClient(t)
	ctx := context.Background()

	ref, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "pi_123", Reason: paykit.RefundRequestedByCustomer, Metadata: map[string]string{"ticket": "7"}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ref.ID, "re_"), ref.ID)
	assert.Equal(t, paykit.RefundSucceeded, ref.Status)
	f := rec.last(t).Form
	assert.Equal(t, "pi_123", f.Get("payment_intent"))
	assert.Equal(t, "requested_by_customer", f.Get("reason"))
	assert.False(t, f.Has("amount"), "a full refund sends no amount")
	assert.Equal(t, "7", f.Get("metadata[ticket]"))

	_, err = client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "ch_123", Amount: 100, Reason: paykit.RefundOther})
	require.NoError(t, err)
	f = rec.last(t).Form
	assert.Equal(t, "ch_123", f.Get("charge"))
	assert.Equal(t, "100", f.Get("amount"))
	assert.False(t, f.Has("reason"), "Stripe has no reason other")
	assert.JSONEq(t, `{"reason":"other"}`, f.Get("metadata[__paykit]"))

	n := len(rec.all())
	_, err = client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "cs_123", Amount: 50})
	require.NoError(t, err)
	reqs := rec.all()[n:]
	require.Len(t, reqs, 2)
	assert.Equal(t, "GET /v1/checkout/sessions/cs_123", reqs[0].Method+" "+reqs[0].Path)
	assert.True(t, strings.HasPrefix(reqs[1].Form.Get("payment_intent"), "pi_"), "a checkout payment is refunded through its PaymentIntent")
	assert.JSONEq(t, `{"payment_id":"cs_123"}`, reqs[1].Form.Get("metadata[__paykit]"))

	got, err := client.Refunds.Retrieve(ctx, "re_123")
	require.NoError(t, err)
	assert.Equal(t, "re_123", got.ID)
	assert.Equal(t, int64(100), got.Amount)
	assert.Equal(t, "USD", got.Currency)

	page, err := client.Refunds.ListPage(ctx, &paykit.ListRefundsParams{PaymentID: "pi_123"})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	assert.Equal(t, "pi_123", rec.last(t).Form.Get("payment_intent"))
}

func TestMockInvoices(t *testing.T) {
	client, rec := mockClient(t)
	ctx := context.Background()

	inv, err := client.Invoices.Retrieve(ctx, "in_123")
	require.NoError(t, err)
	assert.Equal(t, "in_123", inv.ID)
	assert.Equal(t, paykit.InvoiceDraft, inv.Status)
	assert.Equal(t, paykit.BillingOneTime, inv.BillingMode)
	assert.Equal(t, "USD", inv.Currency)
	require.NotEmpty(t, inv.LineItems)
	assert.True(t, strings.HasPrefix(inv.LineItems[0].ID, "price_"))

	page, err := client.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{CustomerID: "cus_123", SubscriptionID: "sub_123"})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	q := rec.last(t).Form
	assert.Equal(t, "cus_123", q.Get("customer"))
	assert.Equal(t, "sub_123", q.Get("subscription"))
}
