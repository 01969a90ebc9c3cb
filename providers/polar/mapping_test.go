package polar

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// enum returns the values of a string enum of the document, so that a
// status Polar adds shows up here.
func enum(t *testing.T, component string) []string {
	t.Helper()
	s, err := polarSpec(t).Component(component)
	require.NoError(t, err)
	var out []string
	for _, v := range s.Enum {
		out = append(out, v.(string))
	}
	require.NotEmpty(t, out, component)
	return out
}

func TestEveryPolarStatusIsMapped(t *testing.T) {
	subs := map[string]paykit.SubscriptionStatus{
		"incomplete": paykit.SubscriptionPending, "incomplete_expired": paykit.SubscriptionExpired,
		"trialing": paykit.SubscriptionActive, "active": paykit.SubscriptionActive, "past_due": paykit.SubscriptionPastDue,
		"canceled": paykit.SubscriptionCanceled, "unpaid": paykit.SubscriptionCanceled, "paused": paykit.SubscriptionPending,
	}
	assert.ElementsMatch(t, enum(t, "SubscriptionStatus"), mapKeys(subs))
	for native, want := range subs {
		assert.Equal(t, want, subscriptionStatus(native), native)
		assert.Contains(t, nativeStatuses(want), native, "the list filter of %s includes %s", want, native)
	}

	orders := map[string][3]string{ // payment, invoice, paid?
		"draft": {"pending", "draft"}, "pending": {"pending", "open"}, "paid": {"succeeded", "paid"},
		"refunded": {"succeeded", "paid"}, "partially_refunded": {"succeeded", "paid"}, "void": {"canceled", "void"},
	}
	assert.ElementsMatch(t, enum(t, "OrderStatus"), mapKeys(orders))
	for native, want := range orders {
		assert.Equal(t, paykit.PaymentStatus(want[0]), orderPaymentStatus(native), native)
		assert.Equal(t, paykit.InvoiceStatus(want[1]), invoiceStatus(native), native)
	}

	checkouts := map[string][2]string{
		"open": {"open", "requires_action"}, "expired": {"expired", "canceled"}, "confirmed": {"open", "processing"},
		"succeeded": {"complete", "succeeded"}, "failed": {"expired", "failed"},
	}
	assert.ElementsMatch(t, enum(t, "CheckoutStatus"), mapKeys(checkouts))
	for native, want := range checkouts {
		assert.Equal(t, paykit.CheckoutStatus(want[0]), checkoutStatus(native), native)
		assert.Equal(t, paykit.PaymentStatus(want[1]), checkoutPaymentStatus(native), native)
	}

	for _, native := range enum(t, "RefundStatus") {
		assert.Equal(t, paykit.RefundStatus(native), refundStatus(native), "Polar's refund statuses are paykit's")
	}
	reasons := map[string]paykit.RefundReason{
		"duplicate": paykit.RefundDuplicate, "fraudulent": paykit.RefundFraudulent, "customer_request": paykit.RefundRequestedByCustomer,
		"service_disruption": paykit.RefundOther, "satisfaction_guarantee": paykit.RefundOther, "dispute_prevention": paykit.RefundOther,
		"other": paykit.RefundOther,
	}
	assert.ElementsMatch(t, enum(t, "RefundReason"), mapKeys(reasons))
	for native, want := range reasons {
		assert.Equal(t, want, unifiedReason(native), native)
	}
	create, err := polarSpec(t).Component("RefundCreate")
	require.NoError(t, err)
	accepted := create.Properties["reason"].Value.Enum
	for _, r := range []paykit.RefundReason{paykit.RefundDuplicate, paykit.RefundFraudulent, paykit.RefundRequestedByCustomer, paykit.RefundOther, ""} {
		assert.Contains(t, accepted, refundReason(r), "Polar accepts the reason sent for %q", r)
	}

	for _, unit := range enum(t, "RecurringInterval") {
		assert.Equal(t, unit, interval(unit).Unit())
	}
	for _, reason := range enum(t, "OrderBillingReason") {
		inv, err := invoiceFromOrder([]byte(`{"id":"x","status":"paid","billing_reason":"` + reason + `","created_at":"2026-10-01T12:00:00Z"}`))
		require.NoError(t, err)
		want := paykit.BillingRecurring
		if reason == "purchase" {
			want = paykit.BillingOneTime
		}
		assert.Equal(t, want, inv.BillingMode, reason)
	}
}
