package stripe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// State that stripe-mock cannot show, from hand-written Stripe answers.

func TestDeletedCustomerIsNotFound(t *testing.T) {
	client, _ := fixture(t, routes{"GET /v1/customers/cus_1": reply(200, `{"id":"cus_1","object":"customer","deleted":true}`)})
	cus, err := client.Customers.Retrieve(context.Background(), "cus_1")
	assert.Nil(t, cus)
	require.ErrorIs(t, err, paykit.ErrNotFound)
}

func TestCustomerMetadataAndPhoneRoundTrip(t *testing.T) {
	client, _ := fixture(t, routes{"GET /v1/customers/cus_1": reply(200,
		`{"id":"cus_1","object":"customer","created":1700000000,"email":"jenny@example.com","name":"Jenny","phone":"+15555550123","metadata":{"plan":"pro","__paykit":"{\"x\":1}"}}`)})
	cus, err := client.Customers.Retrieve(context.Background(), "cus_1")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"plan": "pro"}, cus.Metadata, "paykit's own key is removed")
	assert.Equal(t, "+15555550123", cus.Phone)
	assert.Equal(t, time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC), cus.CreatedAt)
}

func TestCustomerRawIsTheAnswer(t *testing.T) {
	const first, second = `{"id":"cus_3","object":"customer","email":"a@example.com","metadata":{}}`, `{"id":"cus_2","object":"customer","email":"b@example.com"}`
	client, _ := fixture(t, routes{
		"GET /v1/customers/cus_1": reply(200, customerJSON+"\n"),
		"GET /v1/customers":       reply(200, `{"object":"list","has_more":false,"data":[`+first+`, `+second+`]}`),
	})
	cus, err := client.Customers.Retrieve(context.Background(), "cus_1")
	require.NoError(t, err)
	assert.Equal(t, json.RawMessage(customerJSON), cus.Raw)
	page, err := client.Customers.ListPage(context.Background(), &paykit.ListCustomersParams{})
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, json.RawMessage(first), page.Data[0].Raw)
	assert.Equal(t, json.RawMessage(second), page.Data[1].Raw)
	assert.Equal(t, "b@example.com", page.Data[1].Email)
	assert.False(t, page.HasMore)
}

// TestCustomerAnswerNotAnObject: a 200 whose body is not a Stripe object is
// an error, never an empty customer, and is not retried: the call was
// made.
func TestCustomerAnswerNotAnObject(t *testing.T) {
	for _, body := range []string{"<html>ok</html>", "[]", "null", `"cus_1"`, `{"id":"cus_1",`, `{"id":"cus_1"}}`} {
		t.Run(body, func(t *testing.T) {
			client, rec := fixture(t, routes{
				"GET /v1/customers/cus_1": reply(200, body),
				"GET /v1/customers":       reply(200, body),
			})
			defer func() { assert.Len(t, rec.all(), 2, "one read of each, not retried") }()
			cus, err := client.Customers.Retrieve(context.Background(), "cus_1")
			assert.Nil(t, cus)
			pe, ok := paykit.AsError(err)
			require.True(t, ok, "got %v", err)
			assert.Equal(t, paykit.CodeOperationFailed, pe.Code)
			assert.Equal(t, 200, pe.StatusCode)
			assert.False(t, pe.Retryable)
			page, err := client.Customers.ListPage(context.Background(), &paykit.ListCustomersParams{})
			assert.Nil(t, page)
			pe, ok = paykit.AsError(err)
			require.True(t, ok, "got %v", err)
			assert.Equal(t, paykit.CodeOperationFailed, pe.Code)
		})
	}
}

func TestListPaging(t *testing.T) {
	page := func(body string) http.HandlerFunc { return reply(200, body) }
	client, rec := fixture(t, routes{"GET /v1/customers": sequence(
		page(`{"object":"list","has_more":true,"data":[{"id":"cus_3","object":"customer"},{"id":"cus_2","object":"customer"}]}`),
		page(`{"object":"list","has_more":false,"data":[{"id":"cus_1","object":"customer"}]}`),
	)})
	var ids []string
	for c, err := range client.Customers.List(context.Background(), &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 2}}) {
		require.NoError(t, err)
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"cus_3", "cus_2", "cus_1"}, ids)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.False(t, reqs[0].Form.Has("starting_after"))
	assert.Equal(t, "cus_2", reqs[1].Form.Get("starting_after"))
	assert.Equal(t, "2", reqs[1].Form.Get("limit"))
}

func TestSubscriptionState(t *testing.T) {
	ctx := context.Background()
	t.Run("periods and cancel at period end", func(t *testing.T) {
		client, _ := fixture(t, routes{"POST /v1/subscriptions/sub_1": reply(200, `{"id":"sub_1","object":"subscription","status":"active","customer":"cus_1","currency":"usd",
			"current_period_start":1700000000,"current_period_end":1702592000,"cancel_at_period_end":true,"cancel_at":1702592000,"created":1699000000,
			"metadata":{"plan":"pro"},
			"items":{"object":"list","data":[{"id":"si_1","quantity":3,"price":{"id":"price_m","unit_amount":1500,"currency":"usd","recurring":{"interval":"month","interval_count":1}}}]}}`)})
		sub, err := client.Subscriptions.Update(ctx, "sub_1", &paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: paykit.Bool(true)})
		require.NoError(t, err)
		assert.Equal(t, time.Unix(1700000000, 0).UTC(), sub.CurrentPeriodStart)
		assert.Equal(t, time.Unix(1702592000, 0).UTC(), sub.CurrentPeriodEnd, "period end, not cancel_at; seconds, not milliseconds")
		assert.True(t, sub.CancelAtPeriodEnd)
		assert.Equal(t, paykit.SubscriptionActive, sub.Status)
		assert.Equal(t, "price_m", sub.ItemID)
		assert.Equal(t, int64(3), sub.Quantity)
		assert.Equal(t, int64(4500), sub.Amount)
		assert.Equal(t, paykit.IntervalMonth, sub.BillingInterval)
		assert.Equal(t, map[string]string{"plan": "pro"}, sub.Metadata)
		assert.Nil(t, sub.CanceledAt)
	})
	t.Run("canceled", func(t *testing.T) {
		client, _ := fixture(t, routes{"DELETE /v1/subscriptions/sub_1": reply(200, `{"id":"sub_1","object":"subscription","status":"canceled","canceled_at":1700000500,"customer":"cus_1"}`)})
		sub, err := client.Subscriptions.Cancel(ctx, "sub_1")
		require.NoError(t, err)
		assert.Equal(t, paykit.SubscriptionCanceled, sub.Status)
		require.NotNil(t, sub.CanceledAt)
		assert.Equal(t, time.Unix(1700000500, 0).UTC(), *sub.CanceledAt)
	})
	needsAction := reply(200, `{"id":"sub_1","object":"subscription","status":"incomplete","customer":"cus_1",
			"latest_invoice":{"id":"in_1","object":"invoice","hosted_invoice_url":"https://invoice.stripe.com/i/in_1",
				"payment_intent":{"id":"pi_1","object":"payment_intent","status":"requires_action","next_action":{"type":"redirect_to_url","redirect_to_url":{"url":"https://hooks.stripe.com/3ds/pi_1","return_url":"https://example.com"}}}}}`)
	noMethod := reply(200, `{"id":"cus_1","object":"customer","invoice_settings":{"default_payment_method":null},"default_source":null}`)
	savedMethod := reply(200, `{"id":"cus_1","object":"customer","invoice_settings":{"default_payment_method":"pm_1"},"default_source":null}`)
	t.Run("first payment needs 3-D Secure", func(t *testing.T) {
		client, rec := fixture(t, routes{"GET /v1/customers/cus_1": savedMethod, "POST /v1/subscriptions": needsAction})
		sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_m"})
		require.NoError(t, err)
		assert.Equal(t, paykit.SubscriptionPending, sub.Status)
		assert.True(t, sub.RequiresAction)
		assert.Equal(t, "https://hooks.stripe.com/3ds/pi_1", sub.PaymentURL)
		assert.Equal(t, "allow_incomplete", rec.last(t).Form.Get("payment_behavior"), "a saved method is charged at once")
	})
	t.Run("saved payment method charged at once", func(t *testing.T) {
		client, rec := fixture(t, routes{"GET /v1/customers/cus_1": savedMethod, "POST /v1/subscriptions": reply(200, `{"id":"sub_1","object":"subscription","status":"active","customer":"cus_1",
			"current_period_start":1700000000,"current_period_end":1702592000,
			"latest_invoice":{"id":"in_1","object":"invoice","status":"paid","payment_intent":{"id":"pi_1","object":"payment_intent","status":"succeeded"}}}`)})
		sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_m"})
		require.NoError(t, err)
		assert.Equal(t, paykit.SubscriptionActive, sub.Status)
		assert.False(t, sub.RequiresAction)
		assert.Empty(t, sub.PaymentURL)
		assert.Equal(t, "allow_incomplete", rec.last(t).Form.Get("payment_behavior"))
	})
	t.Run("saved payment method declined", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/customers/cus_1": savedMethod, "POST /v1/subscriptions": reply(200, `{"id":"sub_1","object":"subscription","status":"incomplete","customer":"cus_1",
			"latest_invoice":{"id":"in_1","object":"invoice","hosted_invoice_url":"https://invoice.stripe.com/i/in_1",
				"payment_intent":{"id":"pi_1","object":"payment_intent","status":"requires_payment_method","last_payment_error":{"code":"card_declined","decline_code":"insufficient_funds"}}}}`)})
		sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_m"})
		require.NoError(t, err)
		assert.Equal(t, paykit.SubscriptionPending, sub.Status)
		assert.True(t, sub.RequiresAction)
		assert.Equal(t, "https://invoice.stripe.com/i/in_1", sub.PaymentURL, "the hosted invoice takes another method")
	})
	t.Run("no payment method: the payer acts", func(t *testing.T) {
		client, rec := fixture(t, routes{"GET /v1/customers/cus_1": noMethod, "POST /v1/subscriptions": needsAction})
		sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_m"})
		require.NoError(t, err)
		assert.True(t, sub.RequiresAction)
		assert.Equal(t, "default_incomplete", rec.last(t).Form.Get("payment_behavior"))
	})
	t.Run("first payment needs a payment method", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/subscriptions/sub_1": reply(200, `{"id":"sub_1","object":"subscription","status":"incomplete","customer":"cus_1",
			"latest_invoice":{"id":"in_1","object":"invoice","hosted_invoice_url":"https://invoice.stripe.com/i/in_1",
				"payment_intent":{"id":"pi_1","object":"payment_intent","status":"requires_payment_method"}}}`)})
		sub, err := client.Subscriptions.Retrieve(ctx, "sub_1")
		require.NoError(t, err)
		assert.True(t, sub.RequiresAction)
		assert.Equal(t, "https://invoice.stripe.com/i/in_1", sub.PaymentURL, "the hosted invoice takes the payment")
	})
}

func TestStatusMapping(t *testing.T) {
	subs := map[string]paykit.SubscriptionStatus{
		"active": paykit.SubscriptionActive, "trialing": paykit.SubscriptionActive,
		"past_due": paykit.SubscriptionPastDue, "unpaid": paykit.SubscriptionCanceled,
		"canceled": paykit.SubscriptionCanceled, "incomplete_expired": paykit.SubscriptionExpired,
		"incomplete": paykit.SubscriptionPending, "paused": paykit.SubscriptionPending,
	}
	for in, want := range subs {
		assert.Equal(t, want, subscriptionStatus(in), in)
	}
	pays := []struct {
		in     string
		failed bool
		want   paykit.PaymentStatus
	}{
		{"requires_payment_method", false, paykit.PaymentPending},
		{"requires_payment_method", true, paykit.PaymentFailed},
		{"requires_confirmation", false, paykit.PaymentPending},
		{"requires_action", false, paykit.PaymentRequiresAction},
		{"processing", false, paykit.PaymentProcessing},
		{"requires_capture", false, paykit.PaymentRequiresCapture},
		{"succeeded", false, paykit.PaymentSucceeded},
		{"canceled", false, paykit.PaymentCanceled},
	}
	for _, tc := range pays {
		assert.Equal(t, tc.want, paymentStatus(tc.in, tc.failed), tc.in)
	}
	assert.Equal(t, paykit.RefundPending, refundStatus("requires_action"))
	assert.Equal(t, paykit.RefundOther, refundReason("expired_uncaptured_charge", ""))
	assert.Equal(t, paykit.RefundOther, refundReason("", "other"))
	assert.Equal(t, paykit.RefundDuplicate, refundReason("duplicate", ""))
}

func TestPaymentWithSavedMethod(t *testing.T) {
	client, rec := fixture(t, routes{
		"GET /v1/customers/cus_1": reply(200, `{"id":"cus_1","object":"customer","invoice_settings":{"default_payment_method":"pm_saved"}}`),
		"POST /v1/payment_intents": reply(200, `{"id":"pi_1","object":"payment_intent","amount":2000,"currency":"eur","customer":"cus_1","status":"requires_action","capture_method":"automatic",
			"next_action":{"type":"redirect_to_url","redirect_to_url":{"url":"https://hooks.stripe.com/3ds/pi_1"}},
			"metadata":{"order":"42","__paykit":"{\"item_id\":\"prod_tea\"}"}}`),
	})
	pay, err := client.Payments.Create(context.Background(), &paykit.CreatePaymentParams{
		Amount: 2000, Currency: "EUR", Customer: paykit.CustomerID("cus_1"), ItemID: "prod_tea", Metadata: map[string]string{"order": "42"},
	}, paykit.WithIdempotencyKey("order-42"))
	require.NoError(t, err)
	assert.Equal(t, "pi_1", pay.ID)
	assert.Equal(t, paykit.PaymentRequiresAction, pay.Status)
	assert.True(t, pay.RequiresAction)
	assert.Equal(t, "https://hooks.stripe.com/3ds/pi_1", pay.PaymentURL, "next_action's redirect")
	assert.Equal(t, "prod_tea", pay.ItemID, "kept in paykit's metadata")
	assert.Equal(t, map[string]string{"order": "42"}, pay.Metadata)
	assert.Equal(t, paykit.CustomerID("cus_1"), pay.Customer)
	sent := rec.last(t)
	assert.Equal(t, "pm_saved", sent.Form.Get("payment_method"))
	assert.Equal(t, "true", sent.Form.Get("confirm"))
	assert.Equal(t, "true", sent.Form.Get("off_session"))
	assert.Equal(t, "never", sent.Form.Get("automatic_payment_methods[allow_redirects]"))
	assert.Equal(t, "order-42", sent.Header.Get("Idempotency-Key"))
	assert.JSONEq(t, `{"item_id":"prod_tea"}`, sent.Form.Get("metadata[__paykit]"))
}

func TestFailedPaymentAttempt(t *testing.T) {
	client, _ := fixture(t, routes{"GET /v1/payment_intents/pi_1": reply(200, `{"id":"pi_1","object":"payment_intent","amount":2000,"currency":"usd","status":"requires_payment_method",
		"last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline"},
		"latest_charge":{"id":"ch_1","object":"charge","amount_refunded":0}}`)})
	pay, err := client.Payments.Retrieve(context.Background(), "pi_1")
	require.NoError(t, err)
	assert.Equal(t, paykit.PaymentFailed, pay.Status)
	assert.Equal(t, "generic_decline", pay.FailureCode)
}

func TestPaymentByEmailGoesThroughCheckout(t *testing.T) {
	client, rec := fixture(t, routes{"POST /v1/checkout/sessions": reply(200, `{"id":"cs_1","object":"checkout.session","mode":"payment","status":"open","payment_status":"unpaid",
		"amount_total":1050,"currency":"usd","customer_email":"a@example.com","url":"https://checkout.stripe.com/c/pay/cs_1","created":1700000000}`)})
	pay, err := client.Payments.Create(context.Background(), &paykit.CreatePaymentParams{Amount: 1050, Currency: "USD", Customer: paykit.CustomerEmail("a@example.com"),
		ProviderMetadata: PaymentOptions{SuccessURL: "https://example.com/ok", Description: "Order 42"}})
	require.NoError(t, err)
	assert.Equal(t, "cs_1", pay.ID)
	assert.Equal(t, paykit.PaymentRequiresAction, pay.Status)
	assert.Equal(t, "https://checkout.stripe.com/c/pay/cs_1", pay.PaymentURL)
	assert.Equal(t, int64(1050), pay.Amount)
	assert.Equal(t, "USD", pay.Currency)
	assert.Equal(t, paykit.CustomerEmail("a@example.com"), pay.Customer)
	reqs := rec.all()
	require.Len(t, reqs, 1, "no customer to look up")
	f := reqs[0].Form
	assert.Equal(t, "a@example.com", f.Get("customer_email"))
	assert.Equal(t, "Order 42", f.Get("line_items[0][price_data][product_data][name]"))
	assert.Equal(t, "Order 42", f.Get("payment_intent_data[description]"))
}

func TestCheckoutPaymentLifecycle(t *testing.T) {
	ctx := context.Background()
	paid := `{"id":"cs_1","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid","amount_total":1050,"currency":"usd","customer":"cus_1",
		"payment_intent":{"id":"pi_1","object":"payment_intent","amount":1050,"amount_received":1050,"currency":"usd","status":"succeeded","customer":"cus_1",
			"latest_charge":{"id":"ch_1","object":"charge","amount_refunded":300}}}`
	client, rec := fixture(t, routes{
		"GET /v1/checkout/sessions/cs_1": reply(200, paid),
		"POST /v1/refunds": reply(200, `{"id":"re_1","object":"refund","amount":500,"currency":"usd","status":"succeeded","payment_intent":"pi_1",
			"metadata":{"__paykit":"{\"payment_id\":\"cs_1\"}"}}`),
		"GET /v1/checkout/sessions/cs_open":         reply(200, `{"id":"cs_open","object":"checkout.session","mode":"payment","status":"open","payment_status":"unpaid","url":"https://checkout.stripe.com/c/pay/cs_open"}`),
		"POST /v1/checkout/sessions/cs_open/expire": reply(200, `{"id":"cs_open","object":"checkout.session","mode":"payment","status":"expired","payment_status":"unpaid"}`),
	})
	pay, err := client.Payments.Retrieve(ctx, "cs_1")
	require.NoError(t, err)
	assert.Equal(t, "cs_1", pay.ID, "the id it was created with")
	assert.Equal(t, paykit.PaymentSucceeded, pay.Status)
	assert.Equal(t, int64(1050), pay.AmountCaptured)
	assert.Equal(t, int64(300), pay.AmountRefunded)

	ref, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "cs_1", Amount: 500})
	require.NoError(t, err)
	assert.Equal(t, "cs_1", ref.PaymentID, "the refund names the payment as the caller knows it")
	assert.Equal(t, "pi_1", rec.last(t).Form.Get("payment_intent"))
	assert.Equal(t, "500", rec.last(t).Form.Get("amount"))

	canceled, err := client.Payments.Cancel(ctx, "cs_open")
	require.NoError(t, err)
	assert.Equal(t, paykit.PaymentCanceled, canceled.Status, "an unpaid checkout payment is canceled by expiring its session")
	assert.Equal(t, "/v1/checkout/sessions/cs_open/expire", rec.last(t).Path)

	_, err = client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "cs_open"})
	require.ErrorIs(t, err, paykit.ErrInvalidState, "nothing to refund yet")
	_, err = client.Payments.Capture(ctx, "cs_open", nil)
	require.ErrorIs(t, err, paykit.ErrInvalidState)
}

// ISK has no minor unit in ISO 4217 but two (always 00) at Stripe.
func TestISKAmounts(t *testing.T) {
	client, rec := fixture(t, routes{
		"GET /v1/payment_intents/pi_1": reply(200, `{"id":"pi_1","object":"payment_intent","amount":990000,"amount_received":990000,"currency":"isk","status":"succeeded"}`),
		"POST /v1/refunds":             reply(200, `{"id":"re_1","object":"refund","amount":50000,"currency":"isk","status":"succeeded","payment_intent":"pi_1"}`),
		"POST /v1/checkout/sessions":   reply(200, `{"id":"cs_1","object":"checkout.session","mode":"payment","status":"open","amount_total":990000,"currency":"isk","url":"https://checkout.stripe.com/x"}`),
	})
	ctx := context.Background()
	pay, err := client.Payments.Retrieve(ctx, "pi_1")
	require.NoError(t, err)
	assert.Equal(t, int64(9900), pay.Amount)
	assert.Equal(t, "ISK", pay.Currency)

	ref, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "pi_1", Amount: 500})
	require.NoError(t, err)
	assert.Equal(t, "50000", rec.last(t).Form.Get("amount"), "the currency is read before a partial refund")
	assert.Equal(t, int64(500), ref.Amount)

	co, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 9900, Currency: "ISK", Customer: paykit.CustomerEmail("a@example.com"), ProviderMetadata: PaymentOptions{SuccessURL: "https://example.com"}})
	require.NoError(t, err)
	assert.Equal(t, "990000", rec.last(t).Form.Get("line_items[0][price_data][unit_amount]"))
	assert.Equal(t, int64(9900), co.Amount)
}

func TestRefundReasonOtherRoundTrips(t *testing.T) {
	client, _ := fixture(t, routes{"GET /v1/refunds/re_1": reply(200, `{"id":"re_1","object":"refund","amount":100,"currency":"usd","status":"pending","reason":null,"charge":"ch_1",
		"metadata":{"ticket":"7","__paykit":"{\"reason\":\"other\"}"}}`)})
	ref, err := client.Refunds.Retrieve(context.Background(), "re_1")
	require.NoError(t, err)
	assert.Equal(t, paykit.RefundOther, ref.Reason)
	assert.Equal(t, "ch_1", ref.PaymentID)
	assert.Equal(t, paykit.RefundPending, ref.Status)
	assert.Equal(t, map[string]string{"ticket": "7"}, ref.Metadata)
}

func TestInvoiceMapping(t *testing.T) {
	client, _ := fixture(t, routes{"GET /v1/invoices/in_1": reply(200, `{"id":"in_1","object":"invoice","customer":"cus_1","subscription":"sub_1","status":"paid",
		"amount_paid":4500,"currency":"usd","payment_intent":"pi_1","created":1700000000,"status_transitions":{"paid_at":1700000100},
		"lines":{"object":"list","data":[{"id":"il_1","quantity":3,"price":{"id":"price_m"}}]}}`)})
	inv, err := client.Invoices.Retrieve(context.Background(), "in_1")
	require.NoError(t, err)
	assert.Equal(t, paykit.BillingRecurring, inv.BillingMode)
	assert.Equal(t, "sub_1", inv.SubscriptionID)
	assert.Equal(t, int64(4500), inv.AmountPaid)
	assert.Equal(t, paykit.InvoicePaid, inv.Status)
	require.NotNil(t, inv.PaidAt)
	assert.Equal(t, time.Unix(1700000100, 0).UTC(), *inv.PaidAt)
	assert.Equal(t, []paykit.LineItem{{ID: "price_m", Quantity: 3}}, inv.LineItems)
	assert.Equal(t, "pi_1", inv.PaymentID)
	assert.True(t, strings.HasPrefix(inv.Customer.ID, "cus_"))
}

// TestAmountRefundedFromLatestCharge: every call that returns a
// PaymentIntent expands its latest charge, which holds the amount refunded.
func TestAmountRefundedFromLatestCharge(t *testing.T) {
	const intent = `{"id":"pi_1","object":"payment_intent","amount":2000,"currency":"eur","customer":"cus_1","status":"%s","capture_method":"manual",
		"latest_charge":{"id":"ch_1","object":"charge","amount":2000,"amount_captured":2000,"amount_refunded":500,"currency":"eur"}}`
	client, rec := fixture(t, routes{
		"GET /v1/customers/cus_1":               reply(200, `{"id":"cus_1","object":"customer","invoice_settings":{"default_payment_method":"pm_saved"}}`),
		"POST /v1/payment_intents":              reply(200, fmt.Sprintf(intent, "succeeded")),
		"GET /v1/payment_intents/pi_1":          reply(200, fmt.Sprintf(intent, "requires_capture")),
		"POST /v1/payment_intents/pi_1":         reply(200, fmt.Sprintf(intent, "succeeded")),
		"POST /v1/payment_intents/pi_1/capture": reply(200, fmt.Sprintf(intent, "succeeded")),
		"POST /v1/payment_intents/pi_1/cancel":  reply(200, fmt.Sprintf(intent, "canceled")),
		"GET /v1/payment_intents":               reply(200, `{"object":"list","has_more":false,"data":[`+fmt.Sprintf(intent, "succeeded")+`]}`),
	})
	ctx := context.Background()
	check := func(name string, p *paykit.Payment, err error, expand string) {
		t.Helper()
		require.NoError(t, err, name)
		assert.Equal(t, int64(500), p.AmountRefunded, name)
		var expanded []string
		for k, v := range rec.last(t).Form {
			if strings.HasPrefix(k, "expand[") {
				expanded = append(expanded, v...)
			}
		}
		assert.Contains(t, expanded, expand, name)
	}
	p, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: "EUR", Customer: paykit.CustomerID("cus_1")})
	check("create", p, err, "latest_charge")
	p, err = client.Payments.Update(ctx, "pi_1", &paykit.UpdatePaymentParams{Metadata: map[string]string{"a": "b"}})
	check("update", p, err, "latest_charge")
	p, err = client.Payments.Capture(ctx, "pi_1", &paykit.CapturePaymentParams{})
	check("capture", p, err, "latest_charge")
	p, err = client.Payments.Cancel(ctx, "pi_1")
	check("cancel", p, err, "latest_charge")
	page, err := client.Payments.ListPage(ctx, &paykit.ListPaymentsParams{})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	check("list", page.Data[0], nil, "data.latest_charge")
}

// FuzzCustomerAnswer feeds the customer read path arbitrary 200 bodies. It
// must never panic, and what it accepts must be a JSON object encoding/json
// finds valid too, so that Customer.Raw is always valid JSON; what it
// refuses must be the undecodable-answer error that mapErr reports with
// the status.
func FuzzCustomerAnswer(f *testing.F) {
	for _, body := range []string{customerJSON, " \n" + customerJSON + "\n", "<html>ok</html>", "[]", "null", `"cus_1"`, `{"id":"cus_1",`, `{"id":"cus_1"}}`, `{"id":"\ud800"}`, `{"a":1e999}`, "{\"id\":\"\x00\"}", `{"deleted":true,"id":"cus_1"}`} {
		f.Add([]byte(body))
	}
	a := Provider(testKey).(*provider)
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := a.object(http.StatusOK, body)
		if err != nil {
			if out != nil {
				t.Fatal("an error with an answer")
			}
			if undecodableStatus(err) != http.StatusOK {
				t.Fatalf("mapErr would not read the status of %v", err)
			}
			return
		}
		if !json.Valid(out) || out[0] != '{' {
			t.Fatalf("accepted %q, which encoding/json does not take for an object", out)
		}
		var o wireObject
		o.read(out)
		if cus := o.customerOut(); !bytes.Equal(cus.Raw.(json.RawMessage), out) {
			t.Fatal("Raw is not the answer")
		}
	})
}

// TestSubscriptionToAProduct: a subscription created for a product with an
// inline price is reported under that product, not under the price Stripe
// made of the inline one, by Create, Retrieve and webhooks; Update moves
// to a product with an inline price of the current amount and interval,
// and to a price as before.
func TestSubscriptionToAProduct(t *testing.T) {
	ctx := context.Background()
	subscription := func(metadata, price string) string {
		return `{"id":"sub_1","object":"subscription","status":"active","currency":"usd","customer":"cus_1","metadata":` + metadata + `,
			"items":{"object":"list","data":[{"id":"si_1","object":"subscription_item","quantity":1,"price":` + price + `}]}}`
	}
	const (
		fromTea  = `{"plan":"pro","__paykit":"{\"item_id\":\"prod_tea\"}"}`
		teaPrice = `{"id":"price_auto","object":"price","product":"prod_tea","currency":"usd","unit_amount":500,"billing_scheme":"per_unit","tax_behavior":"exclusive","recurring":{"interval":"month","interval_count":3,"usage_type":"licensed"}}`
		plain    = `{"id":"price_m","object":"price","product":"prod_tea","currency":"usd","unit_amount":1500,"recurring":{"interval":"month","interval_count":1}}`
	)
	savedMethod := reply(200, `{"id":"cus_1","object":"customer","invoice_settings":{"default_payment_method":"pm_1"}}`)

	t.Run("create", func(t *testing.T) {
		client, rec := fixture(t, routes{"GET /v1/customers/cus_1": savedMethod, "POST /v1/subscriptions": reply(200, subscription(fromTea, teaPrice))})
		sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "prod_tea",
			Amount: 500, Currency: "USD", BillingInterval: paykit.IntervalMonth, Metadata: map[string]string{"plan": "pro"}})
		require.NoError(t, err)
		assert.Equal(t, "prod_tea", sub.ItemID, "the id the caller used")
		assert.Equal(t, map[string]string{"plan": "pro"}, sub.Metadata)
		f := rec.last(t).Form
		assert.Equal(t, "prod_tea", f.Get("items[0][price_data][product]"))
		assert.JSONEq(t, `{"item_id":"prod_tea"}`, f.Get("metadata[__paykit]"))
		assert.Equal(t, "pro", f.Get("metadata[plan]"))
	})
	t.Run("create with a price is as before", func(t *testing.T) {
		client, rec := fixture(t, routes{"GET /v1/customers/cus_1": savedMethod, "POST /v1/subscriptions": reply(200, subscription(`{}`, plain))})
		sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_m"})
		require.NoError(t, err)
		assert.Equal(t, "price_m", sub.ItemID)
		f := rec.last(t).Form
		assert.Equal(t, "price_m", f.Get("items[0][price]"))
		assert.False(t, f.Has("metadata[__paykit]"))
	})
	t.Run("retrieve", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/subscriptions/sub_1": reply(200, subscription(fromTea, teaPrice))})
		sub, err := client.Subscriptions.Retrieve(ctx, "sub_1")
		require.NoError(t, err)
		assert.Equal(t, "prod_tea", sub.ItemID)
		assert.Equal(t, int64(500), sub.Amount)
	})
	t.Run("moved to another product's price outside paykit", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/subscriptions/sub_1": reply(200, subscription(fromTea,
			`{"id":"price_c","object":"price","product":"prod_coffee","currency":"usd","unit_amount":700,"recurring":{"interval":"month"}}`))})
		sub, err := client.Subscriptions.Retrieve(ctx, "sub_1")
		require.NoError(t, err)
		assert.Equal(t, "price_c", sub.ItemID)
	})
	t.Run("webhook", func(t *testing.T) {
		body := []byte(`{"id":"evt_1","object":"event","type":"customer.subscription.updated","created":1700000200,"data":{"object":` + subscription(fromTea, teaPrice) + `}}`)
		events, err := Provider(testKey).ParseWebhook(ctx, signed(body, testSecret), testSecret)
		require.NoError(t, err)
		require.Len(t, events, 1)
		sub := events[0].Subscription()
		require.NotNil(t, sub)
		assert.Equal(t, "prod_tea", sub.ItemID)
		assert.Equal(t, map[string]string{"plan": "pro"}, sub.Metadata)
	})
	t.Run("update to a product", func(t *testing.T) {
		client, rec := fixture(t, routes{
			"GET /v1/subscriptions/sub_1":  reply(200, subscription(fromTea, teaPrice)),
			"POST /v1/subscriptions/sub_1": reply(200, subscription(`{"__paykit":"{\"item_id\":\"prod_coffee\"}"}`, strings.ReplaceAll(teaPrice, "prod_tea", "prod_coffee"))),
		})
		sub, err := client.Subscriptions.Update(ctx, "sub_1", &paykit.UpdateSubscriptionParams{ItemID: "prod_coffee"})
		require.NoError(t, err)
		assert.Equal(t, "prod_coffee", sub.ItemID)
		f := rec.last(t).Form
		assert.False(t, f.Has("items[0][price]"), "a product is not a price")
		assert.Equal(t, "si_1", f.Get("items[0][id]"))
		assert.Equal(t, "prod_coffee", f.Get("items[0][price_data][product]"))
		assert.Equal(t, "usd", f.Get("items[0][price_data][currency]"))
		assert.Equal(t, "500", f.Get("items[0][price_data][unit_amount]"), "the current amount")
		assert.Equal(t, "month", f.Get("items[0][price_data][recurring][interval]"))
		assert.Equal(t, "3", f.Get("items[0][price_data][recurring][interval_count]"))
		assert.Equal(t, "exclusive", f.Get("items[0][price_data][tax_behavior]"))
		assert.JSONEq(t, `{"item_id":"prod_coffee"}`, f.Get("metadata[__paykit]"))
	})
	t.Run("update from a product to a price", func(t *testing.T) {
		client, rec := fixture(t, routes{
			"GET /v1/subscriptions/sub_1":  reply(200, subscription(fromTea, teaPrice)),
			"POST /v1/subscriptions/sub_1": reply(200, subscription(`{"plan":"pro"}`, plain)),
		})
		sub, err := client.Subscriptions.Update(ctx, "sub_1", &paykit.UpdateSubscriptionParams{ItemID: "price_m"})
		require.NoError(t, err)
		assert.Equal(t, "price_m", sub.ItemID)
		f := rec.last(t).Form
		assert.Equal(t, "price_m", f.Get("items[0][price]"))
		require.True(t, f.Has("metadata[__paykit]"), "the product kept is withdrawn")
		assert.Empty(t, f.Get("metadata[__paykit]"))
	})
	t.Run("update from a price to a price is as before", func(t *testing.T) {
		client, rec := fixture(t, routes{
			"GET /v1/subscriptions/sub_1":  reply(200, subscription(`{}`, plain)),
			"POST /v1/subscriptions/sub_1": reply(200, subscription(`{}`, plain)),
		})
		_, err := client.Subscriptions.Update(ctx, "sub_1", &paykit.UpdateSubscriptionParams{ItemID: "price_m"})
		require.NoError(t, err)
		f := rec.last(t).Form
		assert.Equal(t, "price_m", f.Get("items[0][price]"))
		assert.False(t, f.Has("metadata[__paykit]"))
	})
	t.Run("update to a product from a tiered price", func(t *testing.T) {
		client, rec := fixture(t, routes{"GET /v1/subscriptions/sub_1": reply(200, subscription(`{}`,
			`{"id":"price_t","object":"price","product":"prod_tea","currency":"usd","billing_scheme":"tiered","recurring":{"interval":"month"}}`))})
		_, err := client.Subscriptions.Update(ctx, "sub_1", &paykit.UpdateSubscriptionParams{ItemID: "prod_coffee"})
		require.ErrorIs(t, err, paykit.ErrValidation)
		pe, _ := paykit.AsError(err)
		assert.Equal(t, "item_id", pe.Param)
		assert.Len(t, rec.all(), 1, "nothing is changed")
	})
}

// TestRetrieveChargePayment: the charge id (ch_, py_) a refund names as its
// payment is retrieved, as its PaymentIntent's payment when it has one,
// under the id asked.
func TestRetrieveChargePayment(t *testing.T) {
	ctx := context.Background()
	t.Run("charge of a PaymentIntent, named by a refund", func(t *testing.T) {
		client, rec := fixture(t, routes{
			"GET /v1/refunds/re_1": reply(200, `{"id":"re_1","object":"refund","amount":300,"currency":"usd","status":"succeeded","charge":"ch_1"}`),
			"GET /v1/charges/ch_1": reply(200, `{"id":"ch_1","object":"charge","amount":1000,"amount_captured":1000,"amount_refunded":300,"currency":"usd","status":"succeeded","captured":true,
				"payment_intent":{"id":"pi_1","object":"payment_intent","amount":1000,"amount_received":1000,"currency":"usd","status":"succeeded","customer":"cus_1",
					"metadata":{"__paykit":"{\"item_id\":\"prod_tea\"}"},"latest_charge":{"id":"ch_1","object":"charge","amount_refunded":300}}}`),
		})
		ref, err := client.Refunds.Retrieve(ctx, "re_1")
		require.NoError(t, err)
		require.Equal(t, "ch_1", ref.PaymentID)
		pay, err := client.Payments.Retrieve(ctx, ref.PaymentID)
		require.NoError(t, err)
		assert.Equal(t, "ch_1", pay.ID, "the id asked")
		assert.Equal(t, paykit.PaymentSucceeded, pay.Status)
		assert.Equal(t, int64(1000), pay.AmountCaptured)
		assert.Equal(t, int64(300), pay.AmountRefunded)
		assert.Equal(t, paykit.CustomerID("cus_1"), pay.Customer)
		assert.Equal(t, "prod_tea", pay.ItemID)
		f := rec.last(t).Form
		assert.ElementsMatch(t, []string{"payment_intent", "payment_intent.latest_charge"}, []string{f.Get("expand[0]"), f.Get("expand[1]")})
	})
	t.Run("bare charge", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/charges/py_1": reply(200, `{"id":"py_1","object":"charge","amount":2000,"amount_captured":2000,"amount_refunded":500,"currency":"eur",
			"status":"succeeded","captured":true,"customer":"cus_1","created":1700000000,"metadata":{"order":"42"},"payment_intent":null}`)})
		pay, err := client.Payments.Retrieve(ctx, "py_1")
		require.NoError(t, err)
		assert.Equal(t, "py_1", pay.ID)
		assert.Equal(t, paykit.PaymentSucceeded, pay.Status)
		assert.Equal(t, int64(2000), pay.Amount)
		assert.Equal(t, "EUR", pay.Currency)
		assert.Equal(t, int64(2000), pay.AmountCaptured)
		assert.Equal(t, int64(500), pay.AmountRefunded)
		assert.Equal(t, paykit.CustomerID("cus_1"), pay.Customer)
		assert.Equal(t, map[string]string{"order": "42"}, pay.Metadata)
		assert.Equal(t, time.Unix(1700000000, 0).UTC(), pay.CreatedAt)
	})
	charge := func(fields string) string {
		return `{"id":"ch_2","object":"charge","amount":2000,"currency":"usd","receipt_email":"a@example.com",` + fields + `}`
	}
	states := []struct {
		name, fields string
		want         paykit.PaymentStatus
		capture      paykit.CaptureMethod
		failureCode  string
	}{
		{"pending", `"status":"pending","captured":true`, paykit.PaymentProcessing, paykit.CaptureAutomatic, ""},
		{"authorized", `"status":"succeeded","captured":false`, paykit.PaymentRequiresCapture, paykit.CaptureManual, ""},
		{"failed", `"status":"failed","captured":false,"failure_code":"card_declined"`, paykit.PaymentFailed, paykit.CaptureAutomatic, "card_declined"},
	}
	for _, tc := range states {
		t.Run(tc.name, func(t *testing.T) {
			client, _ := fixture(t, routes{"GET /v1/charges/ch_2": reply(200, charge(tc.fields))})
			pay, err := client.Payments.Retrieve(ctx, "ch_2")
			require.NoError(t, err)
			assert.Equal(t, tc.want, pay.Status)
			assert.Equal(t, tc.capture, pay.CaptureMethod)
			assert.Equal(t, tc.failureCode, pay.FailureCode)
			assert.Equal(t, paykit.CustomerEmail("a@example.com"), pay.Customer)
		})
	}
}

// TestQuarterlySubscription: a price that renews every 3 months is
// reported with its interval count, from the API as from webhooks, not as
// a monthly subscription charging the 3-month amount.
func TestQuarterlySubscription(t *testing.T) {
	obj, err := os.ReadFile(filepath.Join("testdata", "objects", "subscription.json"))
	require.NoError(t, err)
	quarterly := strings.Replace(string(obj), `"interval_count": 1`, `"interval_count": 3`, 1)
	require.NotEqual(t, string(obj), quarterly, "the fixture has an interval count to change")

	client, _ := fixture(t, routes{"GET /v1/subscriptions/sub_1": reply(200, quarterly)})
	sub, err := client.Subscriptions.Retrieve(context.Background(), "sub_1")
	require.NoError(t, err)
	assert.Equal(t, paykit.IntervalMonth, sub.BillingInterval)
	assert.Equal(t, 3, sub.BillingIntervalCount)

	body := fmt.Appendf(nil, `{"id":"evt_q","object":"event","api_version":"2024-06-20","created":1700000200,"type":"customer.subscription.updated","data":{"object":%s}}`, quarterly)
	events, err := Provider(testKey).ParseWebhook(context.Background(), signed(body, testSecret), testSecret)
	require.NoError(t, err)
	require.Len(t, events, 1)
	require.NotNil(t, events[0].Subscription())
	assert.Equal(t, 3, events[0].Subscription().BillingIntervalCount)
}
