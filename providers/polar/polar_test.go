package polar

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// Every test here runs against the spec-validating fake: a request that
// strays from Polar's 2026-10 document fails the test.

func setup(t *testing.T, opts ...Option) (*paykit.Client, *fakePolar) {
	t.Helper()
	f := newFakeWithProducts(t)
	return paykit.New(f.provider(opts...)), f
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func newCustomer(t *testing.T, c *paykit.Client) *paykit.Customer {
	t.Helper()
	cus, err := c.Customers.Create(ctx(t), &paykit.CreateCustomerParams{Email: "jane@example.com", Name: "Jane"})
	require.NoError(t, err)
	return cus
}

func lastBody(t *testing.T, f *fakePolar, op string) map[string]any {
	t.Helper()
	calls := f.srv.Calls(op)
	require.NotEmpty(t, calls, "no %s call", op)
	return calls[len(calls)-1].BodyMap()
}

func TestCustomerPhoneLivesInReservedMetadata(t *testing.T) {
	c, f := setup(t)
	cus, err := c.Customers.Create(ctx(t), &paykit.CreateCustomerParams{
		Email: "jane@example.com", Name: "Jane", Phone: "+1 555 0100", Metadata: map[string]string{"plan": "pro"},
		Billing: &paykit.BillingInfo{Address: paykit.BillingAddress{Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "us"}},
	})
	require.NoError(t, err)
	body := lastBody(t, f, "customers:create")
	assert.Equal(t, map[string]any{"plan": "pro", paykit.ReservedMetadataKey: `{"phone":"+1 555 0100"}`}, body["metadata"])
	assert.Equal(t, "US", body["billing_address"].(map[string]any)["country"])
	assert.NotContains(t, body, "phone", "Polar has no phone field")

	assert.Equal(t, "+1 555 0100", cus.Phone)
	assert.Equal(t, map[string]string{"plan": "pro"}, cus.Metadata)
	assert.IsType(t, json.RawMessage{}, cus.Raw, "Raw is Polar's object as sent")

	got, err := c.Customers.Retrieve(ctx(t), cus.ID)
	require.NoError(t, err)
	assert.Equal(t, cus.Phone, got.Phone)
	assert.Equal(t, cus.Metadata, got.Metadata)
}

func TestCustomerUpdateMergesMetadata(t *testing.T) {
	c, f := setup(t)
	cus, err := c.Customers.Create(ctx(t), &paykit.CreateCustomerParams{Email: "jane@example.com", Phone: "+15550100",
		Metadata: map[string]string{"plan": "pro", "team": "a"}})
	require.NoError(t, err)

	got, err := c.Customers.Update(ctx(t), cus.ID, &paykit.UpdateCustomerParams{Metadata: map[string]string{"team": "", "tier": "gold"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"plan": "pro", "tier": "gold"}, got.Metadata)
	assert.Equal(t, "+15550100", got.Phone, "the phone survives a metadata update")
	assert.NotContains(t, lastBody(t, f, "customers:update"), "email")

	got, err = c.Customers.Update(ctx(t), cus.ID, &paykit.UpdateCustomerParams{Phone: paykit.String(""), Email: paykit.String("j@example.com")})
	require.NoError(t, err)
	assert.Empty(t, got.Phone)
	assert.Equal(t, "j@example.com", got.Email)
	assert.Equal(t, map[string]any{"plan": "pro", "tier": "gold"}, lastBody(t, f, "customers:update")["metadata"])

	got, err = c.Customers.Update(ctx(t), cus.ID, &paykit.UpdateCustomerParams{Metadata: map[string]string{"plan": "", "tier": ""}})
	require.NoError(t, err)
	assert.Empty(t, got.Metadata)
	assert.Equal(t, map[string]any{}, lastBody(t, f, "customers:update")["metadata"], "clearing sends {}")
}

func TestCustomersListPagesAndFilters(t *testing.T) {
	c, f := setup(t)
	var ids []string
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		cus, err := c.Customers.Create(ctx(t), &paykit.CreateCustomerParams{Email: e})
		require.NoError(t, err)
		ids = append(ids, cus.ID)
	}
	var seen []string
	for cus, err := range c.Customers.List(ctx(t), &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 1}}) {
		require.NoError(t, err)
		seen = append(seen, cus.ID)
	}
	assert.Equal(t, []string{ids[2], ids[1], ids[0]}, seen, "newest first, one page each")
	calls := f.srv.Calls("customers:list")
	require.Len(t, calls, 3)
	assert.Equal(t, "3", calls[2].Query.Get("page"))

	page, err := c.Customers.ListPage(ctx(t), &paykit.ListCustomersParams{Email: "b@example.com"})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, ids[1], page.Data[0].ID)
	assert.False(t, page.HasMore)

	_, err = c.Customers.ListPage(ctx(t), &paykit.ListCustomersParams{ListParams: paykit.ListParams{Cursor: "next"}})
	pe := requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "cursor", pe.Param)
}

func TestIDsThatAreNotUUIDsAreNotFoundWithoutARequest(t *testing.T) {
	c, f := setup(t)
	_, err := c.Customers.Retrieve(ctx(t), "cus_123")
	requireCode(t, err, paykit.ErrNotFound)
	_, err = c.Subscriptions.Cancel(ctx(t), "sub_123")
	requireCode(t, err, paykit.ErrNotFound)
	_, err = c.Payments.Retrieve(ctx(t), "pi_123")
	requireCode(t, err, paykit.ErrNotFound)
	_, err = c.Refunds.Retrieve(ctx(t), "re_123")
	requireCode(t, err, paykit.ErrNotFound)
	page, err := c.Checkouts.ListPage(ctx(t), &paykit.ListCheckoutsParams{CustomerID: "cus_123"})
	require.NoError(t, err)
	assert.Empty(t, page.Data)
	assert.Empty(t, f.srv.Calls(""))
}

func requireCode(t *testing.T, err error, sentinel *paykit.Error) *paykit.Error {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	pe, ok := paykit.AsError(err)
	require.True(t, ok)
	assert.Equal(t, "polar", pe.Provider)
	return pe
}

func TestCheckoutSendsSeatsOptionsAndBilling(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	co, err := c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID(cus.ID), ItemID: usdProduct, SessionType: paykit.SessionOneTime, Quantity: 3,
		SuccessURL: "https://example.com/ok", CancelURL: "https://example.com/back", Metadata: map[string]string{"cart": "42"},
		Billing:          &paykit.BillingInfo{Address: paykit.BillingAddress{Name: "Jane Doe", Country: "fr"}, Currency: "EUR"},
		ProviderMetadata: &CheckoutOptions{AllowDiscountCodes: paykit.Bool(false), Locale: "fr", CustomerIPAddress: "203.0.113.9"},
	})
	require.NoError(t, err)
	body := lastBody(t, f, "checkouts:create")
	assert.Equal(t, []any{usdProduct}, body["products"])
	assert.Equal(t, 3.0, body["seats"])
	assert.Equal(t, cus.ID, body["customer_id"])
	assert.Equal(t, "https://example.com/back", body["return_url"])
	assert.Equal(t, "eur", body["currency"])
	assert.Equal(t, "Jane Doe", body["customer_billing_name"])
	assert.Equal(t, "FR", body["customer_billing_address"].(map[string]any)["country"])
	assert.Equal(t, false, body["allow_discount_codes"])
	assert.Equal(t, "fr", body["locale"])
	assert.Equal(t, "203.0.113.9", body["customer_ip_address"])
	assert.NotContains(t, body, "session_type")

	assert.Equal(t, int64(4500), co.Amount)
	assert.Equal(t, "USD", co.Currency)
	assert.Equal(t, []paykit.LineItem{{ID: usdProduct, Quantity: 3}}, co.Products)
	assert.Equal(t, paykit.CheckoutOpen, co.Status)
	assert.True(t, strings.HasPrefix(co.PaymentURL, "https://"))
	assert.Equal(t, "https://example.com/back", co.CancelURL)
	require.NotNil(t, co.ExpiresAt)

	_, err = c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("new@example.com"), ItemID: oneTimeProduct, SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: someURL})
	require.NoError(t, err)
	body = lastBody(t, f, "checkouts:create")
	assert.NotContains(t, body, "seats", "one unit sends no seats")
	assert.Equal(t, "new@example.com", body["customer_email"])
}

const someURL = "https://example.com/success"

func TestCheckoutErrorsNameThePaykitParam(t *testing.T) {
	c, f := setup(t)
	// Polar refuses seats on a fixed price: the 422 on "seats" is the
	// caller's "quantity".
	_, err := c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("a@example.com"),
		ItemID: oneTimeProduct, SessionType: paykit.SessionOneTime, Quantity: 2, SuccessURL: someURL})
	pe := requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "quantity", pe.Param)
	assert.Equal(t, http.StatusUnprocessableEntity, pe.StatusCode)
	assert.Contains(t, pe.Message, "seat-based")

	_, err = c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(missingProductID),
		ItemID: oneTimeProduct, SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: someURL})
	assert.Equal(t, "customer", requireCode(t, err, paykit.ErrValidation).Param)

	_, err = c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("a@example.com"),
		ItemID: missingProductID, SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: someURL})
	assert.Equal(t, "item_id", requireCode(t, err, paykit.ErrValidation).Param)

	before := len(f.srv.Calls(""))
	for param, params := range map[string]*paykit.CreateCheckoutParams{
		"item_id":           {ItemID: "prod_123"},
		"customer":          {ItemID: usdProduct, Customer: paykit.CustomerID("cus_1")},
		"quantity":          {ItemID: usdProduct, Quantity: MaxSeats + 1},
		"subscription":      {ItemID: freePlan, SessionType: paykit.SessionRecurring, Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalMonth}},
		"provider_metadata": {ItemID: usdProduct, ProviderMetadata: map[string]string{"locale": "fr"}},
	} {
		p := *params
		if p.Customer.IsZero() {
			p.Customer = paykit.CustomerEmail("a@example.com")
		}
		if p.SessionType == "" {
			p.SessionType = paykit.SessionOneTime
		}
		p.Quantity = max(p.Quantity, 1)
		p.SuccessURL = someURL
		_, err := c.Checkouts.Create(ctx(t), &p)
		assert.Equal(t, param, requireCode(t, err, paykit.ErrValidation).Param)
	}
	assert.Len(t, f.srv.Calls(""), before, "refused before sending")
}

func TestCheckoutReportsRecurringProductsAndCompletion(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	co, err := c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: paidPlan,
		SessionType: paykit.SessionRecurring, Quantity: 1, SuccessURL: someURL})
	require.NoError(t, err)
	assert.Equal(t, paykit.SessionRecurring, co.SessionType)
	require.NotNil(t, co.Subscription)
	assert.Equal(t, paykit.IntervalMonth, co.Subscription.BillingInterval)
	assert.Equal(t, 1, co.Subscription.BillingIntervalCount)

	require.NoError(t, f.completeCheckout(co.ID))
	got, err := c.Checkouts.Retrieve(ctx(t), co.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.CheckoutComplete, got.Status)
	require.NotEmpty(t, got.PaymentID)
	assert.Equal(t, co.ID, f.srv.Calls("orders:list")[0].Query.Get("checkout_id"))

	page, err := c.Checkouts.ListPage(ctx(t), &paykit.ListCheckoutsParams{CustomerID: cus.ID})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, co.ID, page.Data[0].ID)
}

func TestSubscriptionCreateFreeOnly(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)

	_, err := c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: paidPlan})
	pe := requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "item_id", pe.Param)
	assert.Contains(t, pe.Message, "Checkouts.Create")
	assert.Contains(t, pe.Message, "SessionRecurring")
	assert.Empty(t, f.srv.Calls("subscriptions:create"), "a paid product is never sent")

	_, err = c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: oneTimeProduct})
	assert.Contains(t, requireCode(t, err, paykit.ErrValidation).Message, "not recurring")
	_, err = c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: missingProductID})
	assert.Equal(t, "item_id", requireCode(t, err, paykit.ErrValidation).Param)
	_, err = c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan, Amount: 500})
	assert.Equal(t, "amount", requireCode(t, err, paykit.ErrValidation).Param)
	_, err = c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan, BillingInterval: paykit.IntervalYear})
	assert.Equal(t, "billing_interval", requireCode(t, err, paykit.ErrValidation).Param)
	_, err = c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan, Quantity: 2})
	assert.Equal(t, "quantity", requireCode(t, err, paykit.ErrValidation).Param)
	_, err = c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("nobody@example.com"), ItemID: freePlan})
	assert.Equal(t, "customer.email", requireCode(t, err, paykit.ErrValidation).Param)

	// By email: the customer is looked up.
	sub, err := c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail(cus.Email), ItemID: freePlan,
		Currency: "USD", BillingInterval: paykit.IntervalMonth, Metadata: map[string]string{"plan": "free"}})
	require.NoError(t, err)
	assert.Equal(t, paykit.CustomerID(cus.ID), sub.Customer)
	assert.Equal(t, paykit.SubscriptionActive, sub.Status)
	assert.Equal(t, freePlan, sub.ItemID)
	assert.Equal(t, map[string]string{"plan": "free"}, sub.Metadata)
	assert.Equal(t, map[string]any{"product_id": freePlan, "customer_id": cus.ID, "metadata": map[string]any{"plan": "free"}},
		lastBody(t, f, "subscriptions:create"))
}

func TestQuarterlySubscriptionKeepsItsIntervalCount(t *testing.T) {
	c, f := setup(t)
	f.renewEvery(freePlan, 3, "month")
	cus := newCustomer(t, c)

	_, err := c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan,
		BillingInterval: paykit.IntervalMonth})
	pe := requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "billing_interval", pe.Param, "monthly is not every 3 months")
	assert.Contains(t, pe.Message, "every 3 months")
	assert.Empty(t, f.srv.Calls("subscriptions:create"))

	sub, err := c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan})
	require.NoError(t, err)
	got, err := c.Subscriptions.Retrieve(ctx(t), sub.ID)
	require.NoError(t, err)
	page, err := c.Subscriptions.ListPage(ctx(t), &paykit.ListSubscriptionsParams{CustomerID: cus.ID})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	for _, s := range []*paykit.Subscription{sub, got, page.Data[0]} {
		assert.Equal(t, paykit.IntervalMonth, s.BillingInterval)
		assert.Equal(t, 3, s.BillingIntervalCount, "renews every 3 months")
		assert.Equal(t, s.CurrentPeriodStart.AddDate(0, 3, 0), s.CurrentPeriodEnd)
	}
}

func TestSubscriptionUpdateSendsOneChangePerRequest(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	sub, err := c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan,
		Metadata: map[string]string{"a": "1", "b": "2"}})
	require.NoError(t, err)

	got, err := c.Subscriptions.Update(ctx(t), sub.ID, &paykit.UpdateSubscriptionParams{
		Metadata: map[string]string{"b": "", "c": "3"}, Quantity: paykit.Int64(4), CancelAtPeriodEnd: paykit.Bool(true)})
	require.NoError(t, err)
	calls := f.srv.Calls("subscriptions:update")
	require.Len(t, calls, 3)
	assert.Equal(t, map[string]any{"metadata": map[string]any{"a": "1", "c": "3"}}, calls[0].BodyMap())
	assert.Equal(t, map[string]any{"seats": 4.0}, calls[1].BodyMap())
	assert.Equal(t, map[string]any{"cancel_at_period_end": true}, calls[2].BodyMap())
	assert.True(t, got.CancelAtPeriodEnd)
	assert.Equal(t, int64(4), got.Quantity)
	assert.Equal(t, map[string]string{"a": "1", "c": "3"}, got.Metadata)

	// A failure after a first change says what was applied.
	f.srv.Handle("subscriptions:update", func(call *openapitest.Call) openapitest.Reply {
		if _, ok := call.BodyMap()["seats"]; ok {
			return openapitest.Reply{Status: http.StatusConflict, Body: map[string]any{"error": "SubscriptionLocked", "detail": "Subscription is locked."}}
		}
		return openapitest.Reply{Body: f.subscriptions[sub.ID]}
	})
	_, err = c.Subscriptions.Update(ctx(t), sub.ID, &paykit.UpdateSubscriptionParams{ItemID: paidPlan, Quantity: paykit.Int64(2)})
	pe := requireCode(t, err, paykit.ErrInvalidState)
	assert.Contains(t, pe.Message, "already applied: metadata/item_id")

	canceled, err := c.Subscriptions.Cancel(ctx(t), sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionCanceled, canceled.Status)
	require.NotNil(t, canceled.CanceledAt)
	err = c.Subscriptions.Delete(ctx(t), sub.ID)
	requireCode(t, err, paykit.ErrInvalidState) // Polar: AlreadyCanceledSubscription
}

func TestSubscriptionListFiltersByUnifiedStatus(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	_, err := c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan})
	require.NoError(t, err)
	page, err := c.Subscriptions.ListPage(ctx(t), &paykit.ListSubscriptionsParams{CustomerID: cus.ID, Status: paykit.SubscriptionActive})
	require.NoError(t, err)
	assert.Len(t, page.Data, 1)
	q := f.srv.Calls("subscriptions:list")[0].Query
	assert.Equal(t, []string{"active", "trialing"}, q["status"])
	assert.Equal(t, cus.ID, q.Get("customer_id"))
	page, err = c.Subscriptions.ListPage(ctx(t), &paykit.ListSubscriptionsParams{Status: paykit.SubscriptionCanceled})
	require.NoError(t, err)
	assert.Empty(t, page.Data)
}

func TestPaymentThroughACheckout(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	pay, err := c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 1234, Currency: "EUR", Customer: paykit.CustomerID(cus.ID),
		ItemID: oneTimeProduct, Metadata: map[string]string{"order": "7"}, ProviderMetadata: PaymentOptions{SuccessURL: someURL}})
	require.NoError(t, err)
	body := lastBody(t, f, "checkouts:create")
	assert.Equal(t, map[string]any{oneTimeProduct: []any{map[string]any{"amount_type": "fixed", "price_amount": 1234.0, "price_currency": "eur"}}}, body["prices"])
	assert.Equal(t, "eur", body["currency"], "the checkout is in the price's currency")
	assert.Equal(t, someURL, body["success_url"])
	assert.Equal(t, paykit.PaymentRequiresAction, pay.Status)
	assert.True(t, pay.RequiresAction)
	assert.NotEmpty(t, pay.PaymentURL)
	assert.Equal(t, int64(1234), pay.Amount)
	assert.Equal(t, "EUR", pay.Currency)
	assert.Equal(t, oneTimeProduct, pay.ItemID)

	got, err := c.Payments.Retrieve(ctx(t), pay.ID)
	require.NoError(t, err)
	assert.Equal(t, pay.ID, got.ID, "until paid, the payment is its checkout")
	assert.True(t, got.RequiresAction)

	require.NoError(t, f.completeCheckout(pay.ID))
	paid, err := c.Payments.Retrieve(ctx(t), pay.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.PaymentSucceeded, paid.Status)
	assert.NotEqual(t, pay.ID, paid.ID, "once paid, the payment is the order")
	assert.Equal(t, int64(1234), paid.AmountCaptured)
	assert.Equal(t, map[string]string{"order": "7"}, paid.Metadata)

	// The checkout's id refunds the order it created.
	ref, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 234, Reason: paykit.RefundDuplicate})
	require.NoError(t, err)
	assert.Equal(t, paid.ID, ref.PaymentID)
	assert.Equal(t, paykit.RefundDuplicate, ref.Reason)
}

func TestPaymentCreateRefusals(t *testing.T) {
	f := newFakeWithProducts(t)
	c := paykit.New(f.provider()) // no WithPaymentProduct
	_, err := c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerEmail("a@example.com")})
	pe := requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "item_id", pe.Param)
	assert.Contains(t, pe.Message, "WithPaymentProduct")
	_, err = c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerEmail("a@example.com"),
		ItemID: oneTimeProduct, CaptureMethod: paykit.CaptureManual})
	assert.Equal(t, "capture_method", requireCode(t, err, paykit.ErrValidation).Param)
	_, err = c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerEmail("a@example.com"),
		ItemID: oneTimeProduct, ProviderMetadata: PaymentOptions{OffSession: true}})
	assert.Equal(t, "customer", requireCode(t, err, paykit.ErrValidation).Param)
	// A checkout in one currency with a price in another.
	for _, opts := range []PaymentOptions{{}, {OffSession: true}} {
		_, err = c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 100, Currency: "EUR", Customer: paykit.CustomerID(openapitest.NewUUID()),
			ItemID: oneTimeProduct, Billing: &paykit.BillingInfo{Currency: "USD"}, ProviderMetadata: opts})
		pe = requireCode(t, err, paykit.ErrValidation)
		assert.Equal(t, "billing.currency", pe.Param)
		assert.Contains(t, pe.Message, "EUR")
	}
	assert.Empty(t, f.srv.Calls(""))

	// The same currency in either case is no mismatch.
	_, err = c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 100, Currency: "EUR", Customer: paykit.CustomerEmail("a@example.com"),
		ItemID: oneTimeProduct, Billing: &paykit.BillingInfo{Currency: "eur"}})
	require.NoError(t, err)
	assert.Equal(t, "eur", lastBody(t, f, "checkouts:create")["currency"])
}

func TestOffSessionPayment(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	pm := openapitest.NewUUID()
	pay, err := c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 2500, Currency: "USD", Customer: paykit.CustomerID(cus.ID),
		ItemID: oneTimeProduct, Metadata: map[string]string{"k": "v"}, ProviderMetadata: &PaymentOptions{PaymentMethodID: pm, Description: "Top-up"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"customer_id": cus.ID, "product_id": oneTimeProduct, "currency": "usd", "amount": 2500.0,
		"metadata": map[string]any{"k": "v"}, "description": "Top-up"}, lastBody(t, f, "orders:create"))
	assert.Equal(t, map[string]any{"payment_method_id": pm}, lastBody(t, f, "orders:finalize"))
	assert.Equal(t, paykit.PaymentSucceeded, pay.Status)
	assert.False(t, pay.RequiresAction)
	assert.Equal(t, int64(2500), pay.AmountCaptured)

	f.srv.Handle("orders:finalize", func(*openapitest.Call) openapitest.Reply {
		return openapitest.Reply{Status: http.StatusPaymentRequired, Body: map[string]any{"error": "PaymentFailed", "detail": "Your card was declined."}}
	})
	_, err = c.Payments.Create(ctx(t), &paykit.CreatePaymentParams{Amount: 2500, Currency: "USD", Customer: paykit.CustomerID(cus.ID),
		ItemID: oneTimeProduct, ProviderMetadata: PaymentOptions{OffSession: true}})
	pe := requireCode(t, err, paykit.ErrCardDeclined)
	assert.Contains(t, pe.Message, "card was declined")
	assert.Contains(t, pe.Message, "draft order")
	assert.False(t, pe.Retryable)
	assert.Len(t, f.srv.Calls("orders:finalize"), 2, "never repeated")
}

func TestRefundAmounts(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	order := f.paidOrder(cus.ID, usdProduct, 5000, "usd")

	_, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 5001})
	pe := requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "amount", pe.Param)
	assert.Empty(t, f.srv.Calls("refunds:create"), "checked before sending")

	r1, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 1000, Reason: paykit.RefundFraudulent,
		Metadata: map[string]string{"ticket": "9"}, ProviderMetadata: RefundOptions{RevokeBenefits: true, Comment: "chargeback risk"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"order_id": order, "reason": "fraudulent", "amount": 1000.0, "metadata": map[string]any{"ticket": "9"},
		"comment": "chargeback risk", "revoke_benefits": true}, lastBody(t, f, "refunds:create"))

	r2, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order})
	require.NoError(t, err)
	assert.Equal(t, int64(4000), r2.Amount, "amount 0 refunds what is left")
	assert.Equal(t, "other", lastBody(t, f, "refunds:create")["reason"], "no reason is Polar's other")

	_, err = c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order})
	assert.Contains(t, requireCode(t, err, paykit.ErrValidation).Message, "nothing left")

	got, err := c.Refunds.Retrieve(ctx(t), r1.ID)
	require.NoError(t, err)
	assert.Equal(t, r1.ID, got.ID)
	assert.Equal(t, map[string]string{"ticket": "9"}, got.Metadata)
	page, err := c.Refunds.ListPage(ctx(t), &paykit.ListRefundsParams{PaymentID: order})
	require.NoError(t, err)
	assert.Len(t, page.Data, 2)
	_, err = c.Refunds.Retrieve(ctx(t), openapitest.NewUUID())
	requireCode(t, err, paykit.ErrNotFound)

	pay, err := c.Payments.Retrieve(ctx(t), order)
	require.NoError(t, err)
	assert.Equal(t, int64(5000), pay.AmountRefunded)
	assert.Equal(t, paykit.PaymentSucceeded, pay.Status, "a refunded order was paid")

	_, err = c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: openapitest.NewUUID(), Amount: 1})
	assert.Equal(t, "payment_id", requireCode(t, err, paykit.ErrValidation).Param)
}

// paidCheckout opens a checkout of quantity item for cus, pays it and
// returns the id of the order it left.
func paidCheckout(t *testing.T, c *paykit.Client, f *fakePolar, cus *paykit.Customer, item string, quantity int64) string {
	t.Helper()
	co, err := c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: item,
		SessionType: paykit.SessionOneTime, Quantity: quantity, SuccessURL: someURL})
	require.NoError(t, err)
	require.NoError(t, f.completeCheckout(co.ID))
	done, err := c.Checkouts.Retrieve(ctx(t), co.ID)
	require.NoError(t, err)
	require.NotEmpty(t, done.PaymentID)
	return done.PaymentID
}

func TestInvoicesAreOrders(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	orderID := paidCheckout(t, c, f, cus, usdProduct, 2)

	inv, err := c.Invoices.Retrieve(ctx(t), orderID)
	require.NoError(t, err)
	assert.Equal(t, orderID, inv.ID)
	assert.Equal(t, inv.ID, inv.PaymentID)
	assert.Equal(t, paykit.InvoicePaid, inv.Status)
	assert.Equal(t, paykit.BillingOneTime, inv.BillingMode)
	assert.Equal(t, int64(3000), inv.AmountPaid)
	assert.Equal(t, []paykit.LineItem{{ID: usdProduct, Quantity: 2}}, inv.LineItems)
	require.NotNil(t, inv.PaidAt)

	page, err := c.Invoices.ListPage(ctx(t), &paykit.ListInvoicesParams{CustomerID: cus.ID, SubscriptionID: openapitest.NewUUID()})
	require.NoError(t, err)
	assert.Empty(t, page.Data)
	q := f.srv.Calls("orders:list")
	assert.NotEmpty(t, q[len(q)-1].Query.Get("subscription_id"))
}

func TestInvoicePaidAtStaysWhenTheOrderChanges(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	inv, err := c.Invoices.Retrieve(ctx(t), paidCheckout(t, c, f, cus, oneTimeProduct, 1))
	require.NoError(t, err)
	require.NotNil(t, inv.PaidAt)
	order := func(field string) any {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.orders[inv.ID][field]
	}
	created, err := time.Parse(time.RFC3339, order("created_at").(string))
	require.NoError(t, err)
	assert.Equal(t, created, *inv.PaidAt, "the order was created when the checkout was paid")

	_, err = c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: inv.ID, Amount: 40})
	require.NoError(t, err)
	_, err = c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: inv.ID})
	require.NoError(t, err)
	refunded, err := c.Invoices.Retrieve(ctx(t), inv.ID)
	require.NoError(t, err)
	require.Equal(t, "refunded", order("status"))
	require.NotEqual(t, order("created_at"), order("modified_at"), "the refund modified the order")
	assert.Equal(t, paykit.InvoicePaid, refunded.Status)
	require.NotNil(t, refunded.PaidAt)
	assert.Equal(t, *inv.PaidAt, *refunded.PaidAt, "a refund does not move PaidAt")
}

func TestConfigurationErrorsNeverPanicNorSend(t *testing.T) {
	f := newFakeWithProducts(t)
	for name, p := range map[string]paykit.Provider{
		"empty token":  Provider("", WithBaseURL(f.srv.URL)),
		"bad base URL": Provider(testToken, WithBaseURL("api.polar.sh")),
	} {
		t.Run(name, func(t *testing.T) {
			c := paykit.New(p)
			_, err := c.Customers.Retrieve(ctx(t), openapitest.NewUUID())
			requireCode(t, err, paykit.ErrConfiguration)
			_, err = c.Customers.Create(ctx(t), &paykit.CreateCustomerParams{Email: "a@example.com"})
			requireCode(t, err, paykit.ErrConfiguration)
		})
	}
	assert.Empty(t, f.srv.Calls(""))
}

func TestOptionsChooseTheServer(t *testing.T) {
	assert.Equal(t, "polar", Provider(testToken).Name())
	id := openapitest.NewUUID()
	for name, tc := range map[string]struct {
		opts []Option
		want string
	}{
		"production by default": {nil, ProductionURL},
		"sandbox":               {[]Option{WithSandbox()}, SandboxURL},
		"last option wins":      {[]Option{WithSandbox(), WithBaseURL("http://127.0.0.1:1")}, "http://127.0.0.1:1"},
	} {
		t.Run(name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(http.MethodGet, tc.want+"/v1/customers/"+id, jsonResponder(404, `{"error":"ResourceNotFound","detail":"Not found"}`))
			c := paykit.New(Provider(testToken, append(tc.opts, WithHTTPClient(&http.Client{Transport: mt}))...))
			_, err := c.Customers.Retrieve(ctx(t), id)
			require.ErrorIs(t, err, paykit.ErrNotFound)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "sent to %s", tc.want)
		})
	}
}

func TestCapabilitiesListExactlyWhatWorks(t *testing.T) {
	caps := Provider(testToken).Capabilities()
	assert.False(t, caps.IdempotencyKeys, "Polar takes no idempotency keys")
	for _, op := range []paykit.Op{paykit.OpCheckoutsDelete, paykit.OpPaymentsUpdate, paykit.OpPaymentsCapture,
		paykit.OpPaymentsCancel, paykit.OpPaymentsDelete} {
		assert.False(t, caps.Supports(op), op)
	}
	assert.Len(t, caps.Ops, len(paykit.AllOps())-5)
}

// Polar's metadata holds integers, numbers and booleans too, written by
// other integrations. A merge of the caller's changes sends them back as
// they were: only the keys the caller changed become strings.
func TestMetadataMergeKeepsTheTypesOfUntouchedKeys(t *testing.T) {
	c, f := setup(t)
	cus, err := c.Customers.Create(ctx(t), &paykit.CreateCustomerParams{Email: "jane@example.com", Phone: "+15550100",
		Metadata: map[string]string{"plan": "pro"}})
	require.NoError(t, err)
	sub, err := c.Subscriptions.Create(ctx(t), &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: freePlan})
	require.NoError(t, err)
	co, err := c.Checkouts.Create(ctx(t), &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: oneTimeProduct,
		SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: someURL})
	require.NoError(t, err)

	// Another integration writes typed values.
	typed := map[string]any{"seats": 3.0, "vip": true, "ratio": 1.5, "plan": "pro"}
	f.mu.Lock()
	for _, o := range []obj{f.customers[cus.ID], f.subscriptions[sub.ID], f.checkouts[co.ID]} {
		meta := maps.Clone(typed)
		if old, ok := o["metadata"].(obj)[paykit.ReservedMetadataKey]; ok {
			meta[paykit.ReservedMetadataKey] = old
		}
		o["metadata"] = meta
	}
	f.mu.Unlock()

	want := map[string]any{"seats": 3.0, "vip": true, "ratio": 1.5, "plan": "max"}
	got, err := c.Customers.Update(ctx(t), cus.ID, &paykit.UpdateCustomerParams{Metadata: map[string]string{"plan": "max"}})
	require.NoError(t, err)
	wantCustomer := maps.Clone(want)
	wantCustomer[paykit.ReservedMetadataKey] = `{"phone":"+15550100"}`
	assert.Equal(t, wantCustomer, lastBody(t, f, "customers:update")["metadata"])
	assert.Equal(t, map[string]string{"seats": "3", "vip": "true", "ratio": "1.5", "plan": "max"}, got.Metadata)
	assert.Equal(t, "+15550100", got.Phone)

	_, err = c.Subscriptions.Update(ctx(t), sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"plan": "max"}})
	require.NoError(t, err)
	assert.Equal(t, want, lastBody(t, f, "subscriptions:update")["metadata"])

	_, err = c.Checkouts.Update(ctx(t), co.ID, &paykit.UpdateCheckoutParams{Metadata: map[string]string{"plan": "max", "vip": ""}})
	require.NoError(t, err)
	delete(want, "vip")
	assert.Equal(t, want, lastBody(t, f, "checkouts:update")["metadata"])
}

func TestMetadataMergeKeepsPolarsBytesAndItsInput(t *testing.T) {
	cur := metadata{"big": json.RawMessage(`9007199254740993`), "exp": json.RawMessage(`1e3`), "s": json.RawMessage(`"x"`)}
	merged := cur.merge(map[string]string{"s": "y", "new": `"quoted"`, "exp": ""})
	b, err := json.Marshal(merged)
	require.NoError(t, err)
	assert.Equal(t, `{"big":9007199254740993,"new":"\"quoted\"","s":"y"}`, string(b), "an integer beyond float64 is sent back as Polar wrote it")
	assert.Equal(t, json.RawMessage(`"x"`), cur["s"], "merge leaves its input alone")
	assert.Len(t, cur, 3)
}

// Every amount of a payment and a refund includes tax: what the customer
// paid and got back. Polar keeps net amounts and tax apart, and its
// refunds take a net amount, to which it adds tax in the order's ratio.
func TestTaxedOrderAmountsAreWhatTheCustomerPaid(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	order := f.paidTaxedOrder(cus.ID, oneTimeProduct, 10000, 2000, "eur") // 20% VAT

	pay, err := c.Payments.Retrieve(ctx(t), order)
	require.NoError(t, err)
	assert.Equal(t, int64(12000), pay.Amount)
	assert.Equal(t, int64(12000), pay.AmountCaptured)
	assert.Zero(t, pay.AmountRefunded)

	// 1200 back to the customer is 1000 net and 200 of tax.
	r1, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 1200})
	require.NoError(t, err)
	assert.Equal(t, 1000.0, lastBody(t, f, "refunds:create")["amount"], "Polar takes the net amount")
	assert.Equal(t, int64(1200), r1.Amount)
	got, err := c.Refunds.Retrieve(ctx(t), r1.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1200), got.Amount)

	pay, err = c.Payments.Retrieve(ctx(t), order)
	require.NoError(t, err)
	assert.Equal(t, int64(1200), pay.AmountRefunded)

	// 3 cannot be refunded with tax in proportion: 2 net is 2 (0.4 of tax
	// rounds to 0), 3 net is 4. Refused before anything is sent.
	sent := len(f.srv.Calls("refunds:create"))
	_, err = c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 3})
	pe := requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "amount", pe.Param)
	assert.Contains(t, pe.Message, "2 and 4")
	// More than is left, tax included (12000 - 1200), is refused too.
	_, err = c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 10801})
	pe = requireCode(t, err, paykit.ErrValidation)
	assert.Equal(t, "amount", pe.Param)
	assert.Contains(t, pe.Message, "10800")
	assert.Len(t, f.srv.Calls("refunds:create"), sent)

	// Amount 0 refunds what is left: all the net amount and all the tax.
	r2, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order})
	require.NoError(t, err)
	assert.Equal(t, 9000.0, lastBody(t, f, "refunds:create")["amount"])
	assert.Equal(t, int64(10800), r2.Amount)
	pay, err = c.Payments.Retrieve(ctx(t), order)
	require.NoError(t, err)
	assert.Equal(t, pay.AmountCaptured, pay.AmountRefunded, "all of it is back")
	assert.Equal(t, int64(12000), r1.Amount+r2.Amount)

	inv, err := c.Invoices.Retrieve(ctx(t), order)
	require.NoError(t, err)
	assert.Equal(t, int64(12000), inv.AmountPaid)
}

// Polar rounds the tax of a partial refund half to even, as Python's
// round does: 25 net at 10% is 2.5 of tax, which rounds to 2.
func TestPartialRefundTaxRoundsHalfToEven(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	order := f.paidTaxedOrder(cus.ID, oneTimeProduct, 10000, 1000, "eur")
	r, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 27})
	require.NoError(t, err)
	assert.Equal(t, 25.0, lastBody(t, f, "refunds:create")["amount"])
	assert.Equal(t, int64(27), r.Amount)
}

// A customer balance Polar applied to an order paid part of it: the
// payment method was charged the rest, and that is what can come back.
func TestOrderPaidInPartByACustomerBalance(t *testing.T) {
	c, f := setup(t)
	cus := newCustomer(t, c)
	order := f.paidTaxedOrder(cus.ID, oneTimeProduct, 1000, 200, "usd")
	f.mu.Lock()
	openapitest.Merge(f.orders[order], obj{"applied_balance_amount": -500, "refundable_amount": 500})
	f.mu.Unlock()

	pay, err := c.Payments.Retrieve(ctx(t), order)
	require.NoError(t, err)
	assert.Equal(t, int64(1200), pay.Amount, "the order's total")
	assert.Equal(t, int64(700), pay.AmountCaptured, "the total less the 500 of balance")

	_, err = c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 701})
	assert.Contains(t, requireCode(t, err, paykit.ErrValidation).Message, "700 left")
	r, err := c.Refunds.Create(ctx(t), &paykit.CreateRefundParams{PaymentID: order, Amount: 700})
	require.NoError(t, err)
	assert.Equal(t, 500.0, lastBody(t, f, "refunds:create")["amount"])
	assert.Equal(t, int64(700), r.Amount)
	pay, err = c.Payments.Retrieve(ctx(t), order)
	require.NoError(t, err)
	assert.Equal(t, pay.AmountCaptured, pay.AmountRefunded)
}
