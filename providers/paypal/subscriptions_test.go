package paypal

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// billingHarness makes f play the conformance suite's payer, who approves
// every subscription as soon as it is created (PayPal patches and cancels
// only approved subscriptions, and the suite updates and cancels the one
// it creates), and returns the plan to use as Harness.RecurringItem. Call
// it on the fresh fake of each Harness.NewProvider; the item is always
// recurringPlan.
func billingHarness(f *fake) paykittest.Item {
	f.mu.Lock()
	f.autoApprove = true
	f.mu.Unlock()
	return recurringPlan
}

// billingUnexercised are the operations of this file the conformance
// suite cannot call with valid input on PayPal, for Harness.Unexercised:
// the suite lists invoices without a subscription_id, which PayPal needs,
// and retrieves only invoices it listed. invoices_test.go exercises both.
var billingUnexercised = []paykit.Op{paykit.OpInvoicesList, paykit.OpInvoicesRetrieve}

// billingClient returns a Client on the fake, with a customer store that
// holds Ada, whose id it returns.
func billingClient(t *testing.T, f *fake, opts ...Option) (*paykit.Client, string) {
	t.Helper()
	store := paykit.NewMemoryCustomerStore()
	ada, err := store.Create(context.Background(), &paykit.CreateCustomerParams{Email: "ada@example.com", Name: "Ada King Lovelace"}, "")
	require.NoError(t, err)
	opts = append([]Option{WithCustomerStore(store), WithReturnURLs("https://shop.example.com/ok", "https://shop.example.com/cancel")}, opts...)
	return paykit.New(f.provider(opts...)), ada.ID
}

func requireCode(t *testing.T, err error, code paykit.ErrorCode, param string) {
	t.Helper()
	pe, ok := paykit.AsError(err)
	require.True(t, ok, "error %v is not a *paykit.Error", err)
	assert.Equal(t, code, pe.Code, "%v", err)
	if param != "" {
		assert.Equal(t, param, pe.Param, "%v", err)
	}
}

func TestSubscriptionLifecycle(t *testing.T) {
	f := newFake(t)
	c, ada := billingClient(t, f)
	ctx := context.Background()

	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerID(ada), ItemID: monthlyPlan, Quantity: 2, Metadata: map[string]string{"plan": "pro"},
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(sub.ID, "I-"), sub.ID)
	assert.Equal(t, paykit.SubscriptionPending, sub.Status)
	assert.True(t, sub.RequiresAction)
	assert.True(t, strings.HasPrefix(sub.PaymentURL, "https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token="), sub.PaymentURL)
	assert.Equal(t, paykit.CustomerID(ada), sub.Customer)
	assert.Equal(t, map[string]string{"plan": "pro"}, sub.Metadata)
	assert.Equal(t, monthlyPlan, sub.ItemID)
	assert.Equal(t, int64(2), sub.Quantity)
	assert.Equal(t, int64(2000), sub.Amount, "10.00 USD a unit, 2 units")
	assert.Equal(t, "USD", sub.Currency)
	assert.Equal(t, paykit.IntervalMonth, sub.BillingInterval)
	assert.Equal(t, 1, sub.BillingIntervalCount)
	assert.Equal(t, paykit.IntervalMonth.AddTo(sub.CurrentPeriodStart, 1), sub.CurrentPeriodEnd, "the first period, before it is paid")
	assert.WithinDuration(t, time.Now(), sub.CreatedAt, time.Minute)

	// What PayPal was sent.
	calls := f.srv.Calls("subscriptions.create")
	require.Len(t, calls, 1)
	body := calls[0].BodyMap()
	assert.Equal(t, monthlyPlan, body["plan_id"])
	assert.Equal(t, "2", body["quantity"])
	assert.Equal(t, `{"c":"`+ada+`","m":{"plan":"pro"}}`, body["custom_id"])
	assert.Equal(t, map[string]any{"email_address": "ada@example.com", "name": map[string]any{"given_name": "Ada", "surname": "King Lovelace"}}, body["subscriber"])
	assert.Equal(t, map[string]any{"user_action": "SUBSCRIBE_NOW", "return_url": "https://shop.example.com/ok", "cancel_url": "https://shop.example.com/cancel"}, body["application_context"])
	assert.NotEmpty(t, calls[0].Header.Get("PayPal-Request-Id"))
	assert.Equal(t, "return=representation", calls[0].Header.Get("Prefer"))

	got, err := c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionPending, got.Status)
	assert.Equal(t, sub.PaymentURL, got.PaymentURL)
	assert.Equal(t, sub.CurrentPeriodEnd, got.CurrentPeriodEnd)

	// PayPal changes and cancels approved subscriptions only.
	_, err = c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"plan": "team"}})
	requireCode(t, err, paykit.CodeInvalidState, "id")
	assert.Empty(t, f.srv.Calls("subscriptions.patch"), "refused before PayPal is asked")
	_, err = c.Subscriptions.Cancel(ctx, sub.ID)
	requireCode(t, err, paykit.CodeInvalidState, "id")
	assert.Contains(t, err.Error(), "APPROVAL_PENDING")

	// The payer approves; PayPal takes the first payment.
	f.approve(sub.ID)
	got, err = c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionActive, got.Status)
	assert.False(t, got.RequiresAction)
	assert.Empty(t, got.PaymentURL)
	assert.Equal(t, sub.CurrentPeriodStart, got.CurrentPeriodStart, "paid at start_time")
	assert.Equal(t, sub.CurrentPeriodEnd, got.CurrentPeriodEnd, "next_billing_time")
	assert.Equal(t, paykit.CustomerID(ada), got.Customer)

	got, err = c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"plan": "team", "seats": "5"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"plan": "team", "seats": "5"}, got.Metadata)
	got, err = c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"seats": ""}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"plan": "team"}, got.Metadata, "a key set to empty is removed")
	patches := f.srv.Calls("subscriptions.patch")
	require.Len(t, patches, 2)
	assert.Equal(t, []any{map[string]any{"op": "replace", "path": "/custom_id", "value": `{"c":"` + ada + `","m":{"plan":"team"}}`}}, patches[1].Body)
	assert.Equal(t, paykit.CustomerID(ada), got.Customer, "the customer id stays in custom_id")

	// Suspended: PayPal collects nothing, so it reads canceled, until
	// activated.
	got, err = c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{Suspend: true, Reason: "Holiday"}})
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionCanceled, got.Status)
	assert.Equal(t, map[string]any{"reason": "Holiday"}, f.srv.Calls("subscriptions.suspend")[0].Body)
	got, err = c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{ProviderMetadata: &UpdateSubscriptionOptions{Activate: true}})
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionActive, got.Status)
	assert.Equal(t, map[string]any{"reason": "Activated through paykit"}, f.srv.Calls("subscriptions.activate")[0].Body)

	got, err = c.Subscriptions.Cancel(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionCanceled, got.Status)
	require.NotNil(t, got.CanceledAt)
	assert.Equal(t, map[string]any{"reason": cancelReason}, f.srv.Calls("subscriptions.cancel")[1].Body)
	assert.Equal(t, sub.CurrentPeriodEnd, got.CurrentPeriodEnd, "the last paid period")

	// A second cancel (a retry) answers the canceled subscription.
	again, err := c.Subscriptions.Cancel(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionCanceled, again.Status)

	_, err = c.Subscriptions.Retrieve(ctx, "I-NOSUCHSUB000")
	assert.ErrorIs(t, err, paykit.ErrNotFound)
	_, err = c.Subscriptions.Cancel(ctx, "I-NOSUCHSUB000")
	assert.ErrorIs(t, err, paykit.ErrNotFound)
	assert.Empty(t, f.srv.Violations())
}

func TestSubscriptionDeleteCancels(t *testing.T) {
	f := newFake(t)
	c, ada := billingClient(t, f)
	ctx := context.Background()
	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(ada), ItemID: monthlyPlan})
	require.NoError(t, err)
	f.approve(sub.ID)
	require.NoError(t, c.Subscriptions.Delete(ctx, sub.ID))
	got, err := c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionCanceled, got.Status)
	assert.Nil(t, f.srv.Calls("subscriptions.create")[0].BodyMap()["quantity"], "one unit: no quantity sent")
}

func TestSubscriptionEmailPayeeAndOtherPlans(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider()) // no return URLs
	ctx := context.Background()

	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("grace@example.com"), ItemID: yearlyPlan})
	require.NoError(t, err)
	assert.Equal(t, paykit.CustomerEmail("grace@example.com"), sub.Customer)
	assert.Equal(t, int64(12000), sub.Amount, "JPY has no decimals")
	assert.Equal(t, "JPY", sub.Currency)
	assert.Equal(t, paykit.IntervalYear, sub.BillingInterval)
	assert.Equal(t, map[string]string{}, sub.Metadata)
	body := f.srv.Calls("subscriptions.create")[0].BodyMap()
	assert.Equal(t, map[string]any{"email_address": "grace@example.com"}, body["subscriber"])
	assert.NotContains(t, body, "custom_id", "nothing to keep")
	assert.NotContains(t, body, "application_context", "no return URLs given")

	// A plan's interval count is the subscription's.
	_, err = c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("grace@example.com"), ItemID: quarterPlan,
		Amount: 3000, Currency: "eur", BillingInterval: paykit.IntervalMonth})
	requireCode(t, err, paykit.CodeValidation, "billing_interval")
	q, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("grace@example.com"), ItemID: quarterPlan,
		Amount: 3000, Currency: "eur"})
	require.NoError(t, err)
	assert.Equal(t, 3, q.BillingIntervalCount)
	assert.Equal(t, paykit.IntervalMonth.AddTo(q.CurrentPeriodStart, 3), q.CurrentPeriodEnd)
	f.approve(q.ID)
	got, err := c.Subscriptions.Retrieve(ctx, q.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.CustomerEmail("grace@example.com"), got.Customer)
	assert.Equal(t, q.CurrentPeriodEnd, got.CurrentPeriodEnd)
}

func TestSubscriptionRefusals(t *testing.T) {
	f := newFake(t)
	c, ada := billingClient(t, f)
	ctx := context.Background()
	create := func(p paykit.CreateSubscriptionParams) error {
		if p.Customer.IsZero() {
			p.Customer = paykit.CustomerID(ada)
		}
		if p.ItemID == "" {
			p.ItemID = monthlyPlan
		}
		_, err := c.Subscriptions.Create(ctx, &p)
		return err
	}
	for _, tc := range []struct {
		name   string
		params paykit.CreateSubscriptionParams
		code   paykit.ErrorCode
		param  string
	}{
		{"unknown plan", paykit.CreateSubscriptionParams{ItemID: missingPlan}, paykit.CodeValidation, "item_id"},
		{"inactive plan", paykit.CreateSubscriptionParams{ItemID: inactivePlan}, paykit.CodeValidation, "item_id"},
		{"quantity on a plan without", paykit.CreateSubscriptionParams{ItemID: yearlyPlan, Quantity: 2}, paykit.CodeValidation, "quantity"},
		{"another amount", paykit.CreateSubscriptionParams{Amount: 999}, paykit.CodeValidation, "amount"},
		{"another currency", paykit.CreateSubscriptionParams{Currency: "EUR"}, paykit.CodeValidation, "currency"},
		{"another interval", paykit.CreateSubscriptionParams{BillingInterval: paykit.IntervalYear}, paykit.CodeValidation, "billing_interval"},
		{"unknown customer", paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_missing")}, paykit.CodeValidation, "customer"},
		{"provider metadata", paykit.CreateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{}}, paykit.CodeValidation, "provider_metadata"},
		{"metadata beyond custom_id", paykit.CreateSubscriptionParams{Metadata: map[string]string{"a": strings.Repeat("x", 60), "b": strings.Repeat("y", 40)}}, paykit.CodeValidation, "metadata"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireCode(t, create(tc.params), tc.code, tc.param)
		})
	}
	assert.Empty(t, f.srv.Calls("subscriptions.create"), "every refusal before PayPal is asked")

	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(ada), ItemID: monthlyPlan})
	require.NoError(t, err)
	f.approve(sub.ID)
	yes, no, one := true, false, int64(3)
	for _, tc := range []struct {
		params paykit.UpdateSubscriptionParams
		param  string
	}{
		{paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: &yes}, "cancel_at_period_end"},
		{paykit.UpdateSubscriptionParams{ItemID: yearlyPlan}, "item_id"},
		{paykit.UpdateSubscriptionParams{Quantity: &one}, "quantity"},
		{paykit.UpdateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{Suspend: true, Activate: true}}, "provider_metadata"},
		{paykit.UpdateSubscriptionParams{ProviderMetadata: "suspend"}, "provider_metadata"},
		{paykit.UpdateSubscriptionParams{Metadata: map[string]string{"k": strings.Repeat("v", 120)}}, "metadata"},
	} {
		_, err := c.Subscriptions.Update(ctx, sub.ID, &tc.params)
		requireCode(t, err, paykit.CodeValidation, tc.param)
	}
	assert.Empty(t, f.srv.Calls("subscriptions.patch"))
	// Withdrawing a cancellation none scheduled changes nothing.
	got, err := c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: &no})
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionActive, got.Status)
	assert.False(t, got.CancelAtPeriodEnd)

	// PayPal lists no subscriptions.
	assert.False(t, c.Supports(paykit.OpSubscriptionsList))
}

func TestSubscriptionIdempotentCreate(t *testing.T) {
	f := newFake(t)
	c, ada := billingClient(t, f)
	ctx := context.Background()
	params := &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(ada), ItemID: monthlyPlan}
	a, err := c.Subscriptions.Create(ctx, params, paykit.WithIdempotencyKey("key-1"))
	require.NoError(t, err)
	b, err := c.Subscriptions.Create(ctx, params, paykit.WithIdempotencyKey("key-1"))
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID)
	calls := f.srv.Calls("subscriptions.create")
	require.Len(t, calls, 2)
	assert.Equal(t, "key-1", calls[0].Header.Get("PayPal-Request-Id"))
	assert.Equal(t, "key-1", calls[1].Header.Get("PayPal-Request-Id"))
}

func TestSubscriptionPastDueWhilePayPalRetries(t *testing.T) {
	f := newFake(t)
	c, ada := billingClient(t, f)
	ctx := context.Background()
	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(ada), ItemID: monthlyPlan})
	require.NoError(t, err)
	f.approve(sub.ID)
	f.charge(sub.ID, "DECLINED")
	got, err := c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionPastDue, got.Status)
	f.charge(sub.ID, "COMPLETED")
	got, err = c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionActive, got.Status)
	assert.Equal(t, sub.CurrentPeriodEnd, got.CurrentPeriodStart, "the second period")
	assert.Equal(t, paykit.IntervalMonth.AddTo(sub.CurrentPeriodEnd, 1), got.CurrentPeriodEnd)
}

// billingSpecEnum returns the enum of a string property of a schema of
// PayPal's billing document.
func billingSpecEnum(t *testing.T, schema string, path ...string) []string {
	t.Helper()
	data, err := os.ReadFile(openapitest.SpecPath(t, "paypal/billing_subscriptions_v1.json"))
	require.NoError(t, err)
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	var node any
	require.NoError(t, json.Unmarshal(doc.Components.Schemas[schema], &node))
	for _, p := range path {
		node = node.(map[string]any)[p]
	}
	var out []string
	for _, v := range node.([]any) {
		out = append(out, v.(string))
	}
	require.NotEmpty(t, out)
	return out
}

func TestSubscriptionStatusMapsCoverTheDocument(t *testing.T) {
	statuses := billingSpecEnum(t, "subscription_status", "properties", "status", "enum")
	for name, m := range map[string][]string{"subscriptionStatuses": billingKeys(subscriptionStatuses), "recurringCheckoutStatuses": billingKeys(recurringCheckoutStatuses)} {
		assert.ElementsMatch(t, statuses, m, "%s maps every documented subscription status, and only those", name)
	}
	assert.ElementsMatch(t, billingSpecEnum(t, "capture_status", "properties", "status", "enum"), billingKeys(transactionInvoiceStatuses),
		"transactionInvoiceStatuses maps every documented transaction status")

	// The refinements, and the fallback.
	assert.Equal(t, paykit.SubscriptionPending, subscriptionStatus(&wireSubscription{Status: "SOMETHING_NEW"}))
	assert.Equal(t, paykit.SubscriptionExpired, subscriptionStatus(&wireSubscription{Status: "EXPIRED"}), "ended without a payment")
	assert.Equal(t, paykit.SubscriptionCanceled, subscriptionStatus(&wireSubscription{Status: "EXPIRED",
		BillingInfo: &billingInfo{LastPayment: &billingPayment{Time: "2026-01-01T00:00:00Z"}}}), "ran its cycles out")
	assert.Equal(t, paykit.SubscriptionPastDue, subscriptionStatus(&wireSubscription{Status: "ACTIVE", BillingInfo: &billingInfo{FailedPaymentsCount: 1}}))
	co, err := checkoutFromSubscription(&wireSubscription{ID: "I-X", Status: "EXPIRED"}, &wirePlan{}, nil)
	require.NoError(t, err)
	assert.Equal(t, paykit.CheckoutExpired, co.Status)
}

func billingKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestCustomID(t *testing.T) {
	s, err := encodeCustomID(customData{Customer: "cus_1", Metadata: map[string]string{"name": "Zoë 😀"}})
	require.NoError(t, err)
	assert.Equal(t, `{"c":"cus_1","m":{"name":"Zo\u00eb \ud83d\ude00"}}`, s, "printable ASCII only")
	d := decodeCustomID(s)
	assert.Equal(t, "cus_1", d.Customer)
	assert.Equal(t, map[string]string{"name": "Zoë 😀"}, d.Metadata)

	s, err = encodeCustomID(customData{Email: "ada@example.com", Metadata: map[string]string{"cart": "7"}})
	require.NoError(t, err)
	assert.Equal(t, `{"e":"ada@example.com","m":{"cart":"7"}}`, s, "an order's payee without a customer id")
	assert.Equal(t, customData{Email: "ada@example.com", Metadata: map[string]string{"cart": "7"}}, decodeCustomID(s))

	for _, foreign := range []string{"order-42", `{"order":"1042"}`, `{"m":{"n":1}}`, `{"c":"x"} trailing`} {
		d = decodeCustomID(foreign)
		assert.Empty(t, d.Customer)
		assert.Equal(t, map[string]string{"custom_id": foreign}, d.Metadata, "a custom_id paykit did not write")
	}
	assert.Equal(t, customData{Metadata: map[string]string{}}, decodeCustomID(""))
	assert.Equal(t, customData{Metadata: map[string]string{}}, decodeCustomID("{}"), "what Update writes for no metadata")

	_, err = encodeCustomID(customData{Customer: "cus_1", Metadata: map[string]string{"k": strings.Repeat("é", 20)}})
	requireCode(t, err, paykit.CodeValidation, "metadata")
	s, err = encodeCustomID(customData{})
	require.NoError(t, err)
	assert.Empty(t, s)
}

// billingRecorder is an openapitest.TB that keeps what the server reports
// instead of failing the test.
type billingRecorder struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *billingRecorder) Helper() {}
func (r *billingRecorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, format)
}
func (r *billingRecorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// TestSubscriptionCheckerRefusesBadRequests shows that the fake's
// document checker catches what PayPal would refuse: a create without
// plan_id, a plan_id longer than the document's 50 characters, a cancel
// without its required reason, and a transactions list without its
// window. Each is answered 400 and recorded as a violation.
func TestSubscriptionCheckerRefusesBadRequests(t *testing.T) {
	spec, err := openapitest.Load(openapitest.SpecPath(t, "paypal/billing_subscriptions_v1.json"))
	require.NoError(t, err)
	rec := &billingRecorder{}
	f := &fake{t: t, tokens: map[string]bool{}}
	f.srv = openapitest.NewServer(rec, spec)
	f.handleBilling()
	defer func() {
		for _, c := range slices.Backward(rec.cleanups) {
			c()
		}
	}()
	send := func(method, path, body string) int {
		req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewBufferString(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer A21AA-test")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	assert.Equal(t, http.StatusBadRequest, send(http.MethodPost, subscriptionsPath, `{"quantity":"1"}`))
	assert.Equal(t, http.StatusBadRequest, send(http.MethodPost, subscriptionsPath, `{"plan_id":"P-`+strings.Repeat("X", 49)+`"}`))
	assert.Equal(t, http.StatusBadRequest, send(http.MethodPost, subscriptionPath("I-BW452GLLEP1G", "/cancel"), `{}`))
	assert.Equal(t, http.StatusBadRequest, send(http.MethodGet, subscriptionPath("I-BW452GLLEP1G", "/transactions"), ""))
	assert.Len(t, f.srv.Violations(), 4, "%v", f.srv.Violations())
	assert.Empty(t, f.srv.Calls(""), "no refused request reaches a handler")

	// A valid one passes.
	assert.Equal(t, http.StatusCreated, send(http.MethodPost, subscriptionsPath, `{"plan_id":"`+monthlyPlan+`"}`))
	assert.Len(t, f.srv.Violations(), 4)
}

func TestRecurringCheckout(t *testing.T) {
	f := newFake(t)
	store := paykit.NewMemoryCustomerStore()
	cus, err := store.Create(context.Background(), &paykit.CreateCustomerParams{Email: "ada@example.com"}, "")
	require.NoError(t, err)
	p := f.provider(WithCustomerStore(store), WithReturnURLs("https://shop.example.com/ok", "https://shop.example.com/cancel")).(*provider)
	ctx := context.Background()

	co, err := p.createRecurringCheckout(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID(cus.ID), ItemID: monthlyPlan, SessionType: paykit.SessionRecurring, Quantity: 3,
		Metadata: map[string]string{"plan": "pro"}, SuccessURL: "https://shop.example.com/welcome",
		Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalMonth},
	}, &paykit.RequestOptions{IdempotencyKey: "co-1"})
	require.NoError(t, err)
	assert.True(t, isSubscriptionID(co.ID), co.ID)
	assert.Equal(t, paykit.CheckoutOpen, co.Status)
	assert.Equal(t, paykit.SessionRecurring, co.SessionType)
	assert.True(t, strings.HasPrefix(co.PaymentURL, "https://www.sandbox.paypal.com/"), co.PaymentURL)
	assert.Equal(t, int64(3000), co.Amount)
	assert.Equal(t, "USD", co.Currency)
	assert.Equal(t, []paykit.LineItem{{ID: monthlyPlan, Quantity: 3}}, co.Products)
	assert.Equal(t, &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalMonth, BillingIntervalCount: 1}, co.Subscription)
	assert.Equal(t, map[string]string{"plan": "pro"}, co.Metadata)
	assert.Equal(t, paykit.CustomerID(cus.ID), co.Customer)
	assert.Equal(t, "https://shop.example.com/welcome", co.SuccessURL)
	assert.Equal(t, "https://shop.example.com/cancel", co.CancelURL, "the provider's, the params giving none")
	assert.Empty(t, co.SubscriptionID)
	body := f.srv.Calls("subscriptions.create")[0]
	assert.Equal(t, map[string]any{"user_action": "SUBSCRIBE_NOW", "return_url": "https://shop.example.com/welcome", "cancel_url": "https://shop.example.com/cancel"},
		body.BodyMap()["application_context"])
	assert.Equal(t, "co-1", body.Header.Get("PayPal-Request-Id"))

	got, err := p.retrieveRecurringCheckout(ctx, co.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.CheckoutOpen, got.Status)
	assert.Equal(t, co.PaymentURL, got.PaymentURL)
	assert.Equal(t, co.Amount, got.Amount)

	f.approve(co.ID)
	got, err = p.retrieveRecurringCheckout(ctx, co.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.CheckoutComplete, got.Status)
	assert.Equal(t, co.ID, got.SubscriptionID, "the subscription it created")
	sub, err := p.RetrieveSubscription(ctx, got.SubscriptionID, nil)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionActive, sub.Status)

	_, err = p.retrieveRecurringCheckout(ctx, "I-NOSUCHSUB000")
	assert.ErrorIs(t, err, paykit.ErrNotFound)
	_, err = p.createRecurringCheckout(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: quarterPlan,
		SessionType: paykit.SessionRecurring, Quantity: 1, SuccessURL: "https://shop.example.com/welcome",
		Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalMonth}}, nil)
	requireCode(t, err, paykit.CodeValidation, "subscription.billing_interval")
	assert.False(t, isSubscriptionID("5O190127TN364715T"), "an order id")
}

// TestSubscriptionsUnderTheConformancePayer runs the suite's sequence
// against billingHarness's fake: create (pending), retrieve (active now:
// the payer approved), update metadata, cancel.
func TestSubscriptionsUnderTheConformancePayer(t *testing.T) {
	f := newFake(t)
	item := billingHarness(f)
	c, ada := billingClient(t, f)
	ctx := context.Background()
	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(ada), ItemID: item.ID, Metadata: map[string]string{"plan": "pro"}})
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionPending, sub.Status)
	got, err := c.Subscriptions.Retrieve(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionActive, got.Status)
	assert.True(t, got.CurrentPeriodEnd.Equal(sub.CurrentPeriodEnd))
	got, err = c.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"plan": "team"}})
	require.NoError(t, err)
	assert.Equal(t, "team", got.Metadata["plan"])
	got, err = c.Subscriptions.Cancel(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, paykit.SubscriptionCanceled, got.Status)
	assert.Equal(t, item.Amount, sub.Amount)
	assert.Equal(t, item.Currency, sub.Currency)
}

// doc.go says the subscription writes other than create are safe to
// repeat by themselves. A suspend whose answer was lost must answer the
// suspended subscription, though PayPal refuses a second suspend of a
// suspended subscription.
func TestSuspendRetryAfterLostAnswer(t *testing.T) {
	f := newFake(t)
	store := paykit.NewMemoryCustomerStore()
	p := f.provider(WithCustomerStore(store), WithReturnURLs("https://shop.example.com/ok", "https://shop.example.com/cancel"),
		WithHTTPClient(&http.Client{Transport: &dropFirst{suffix: "/suspend"}}))
	ctx := context.Background()
	sub, err := p.CreateSubscription(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("ada@example.com"), ItemID: monthlyPlan}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.approve(sub.ID)
	got, err := p.UpdateSubscription(ctx, sub.ID, &paykit.UpdateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{Suspend: true}},
		&paykit.RequestOptions{IdempotencyKey: "suspend-1"})
	if err != nil {
		t.Fatalf("UpdateSubscription(Suspend) whose answer was lost = %+v, %v; the suspend was applied", got, err)
	}
}

// Suspend, activate and cancel take no PayPal-Request-Id (the billing
// document lists none): they are sent without one, a repeat answers the
// subscription in the state it reached, a cancel whose answer was lost
// answers it canceled, and PayPal's refusal of a status
// (SUBSCRIPTION_STATUS_INVALID) is ErrInvalidState.
func TestSubscriptionTransitionsWithoutKeys(t *testing.T) {
	f := newFake(t)
	p := f.provider(WithReturnURLs("https://shop.example.com/ok", "https://shop.example.com/cancel"),
		WithHTTPClient(&http.Client{Transport: &dropFirst{suffix: "/cancel"}}))
	ctx := context.Background()
	pending, err := p.CreateSubscription(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("ada@example.com"), ItemID: monthlyPlan}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.UpdateSubscription(ctx, pending.ID, &paykit.UpdateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{Suspend: true}}, nil)
	wantCode(t, err, paykit.ErrInvalidState, "")

	sub, err := p.CreateSubscription(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("bob@example.com"), ItemID: monthlyPlan}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.approve(sub.ID)
	suspend := &paykit.UpdateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{Suspend: true}}
	activate := &paykit.UpdateSubscriptionParams{ProviderMetadata: UpdateSubscriptionOptions{Activate: true}}
	ro := &paykit.RequestOptions{IdempotencyKey: "k-1"}
	for i, step := range []struct {
		params *paykit.UpdateSubscriptionParams
		want   paykit.SubscriptionStatus
	}{{suspend, paykit.SubscriptionCanceled}, {suspend, paykit.SubscriptionCanceled}, {activate, paykit.SubscriptionActive}, {activate, paykit.SubscriptionActive}} {
		got, err := p.UpdateSubscription(ctx, sub.ID, step.params, ro)
		if err != nil || got.Status != step.want {
			t.Fatalf("step %d = %+v, %v; want %s", i, got, err, step.want)
		}
		if step.want == paykit.SubscriptionActive && got.CanceledAt != nil {
			t.Fatalf("step %d: an activated subscription has CanceledAt %v", i, got.CanceledAt)
		}
	}
	got, err := p.CancelSubscription(ctx, sub.ID, ro)
	if err != nil || got.Status != paykit.SubscriptionCanceled {
		t.Fatalf("CancelSubscription whose answer was lost = %+v, %v; want canceled", got, err)
	}
	if n := len(f.srv.Calls("subscriptions.cancel")); n != 1 {
		t.Errorf("%d cancels sent, want 1: nothing repeats a write without a key", n)
	}
	for _, op := range []string{"subscriptions.suspend", "subscriptions.activate", "subscriptions.cancel", "subscriptions.patch"} {
		for _, c := range f.srv.Calls(op) {
			if h := c.Header.Get("PayPal-Request-Id"); h != "" {
				t.Errorf("%s sent PayPal-Request-Id %q, which it does not take", op, h)
			}
		}
	}
}

// Errors of direct calls name the provider, as those through a Client.
func TestDirectSubscriptionErrorsNamePaypal(t *testing.T) {
	f := newFake(t)
	p := f.provider(WithReturnURLs("https://shop.example.com/ok", "https://shop.example.com/cancel"))
	ctx := testCtx(t)
	sub, err := p.CreateSubscription(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("ada@example.com"), ItemID: monthlyPlan}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.UpdateSubscription(ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"a": "b"}}, nil)
	if pe := wantCode(t, err, paykit.ErrInvalidState, "id"); pe.Provider != Name {
		t.Errorf("UpdateSubscription of a pending subscription: Provider = %q, want %q", pe.Provider, Name)
	}
	_, err = p.CancelSubscription(ctx, sub.ID, nil)
	if pe := wantCode(t, err, paykit.ErrInvalidState, "id"); pe.Provider != Name {
		t.Errorf("CancelSubscription of a pending subscription: Provider = %q, want %q", pe.Provider, Name)
	}
}
