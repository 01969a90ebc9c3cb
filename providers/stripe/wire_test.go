package stripe

import (
	"testing"

	"github.com/paykit-go/paykit/internal/statustable"
)

// unknownStatus is a status Stripe does not have, to read each mapping's
// fallback.
const unknownStatus = "not_a_stripe_status"

// TestREADMEStatusTables holds the README's tables of Stripe's statuses
// to the maps: a row missing, wrong or of no status fails.
func TestREADMEStatusTables(t *testing.T) {
	problems, err := statustable.Check("../../README.md", "stripe", map[string]statustable.Table{
		"Stripe subscription":     statustable.Of(subscriptionStatuses, subscriptionStatus(unknownStatus)),
		"Stripe PaymentIntent":    statustable.Of(paymentIntentStatuses, paymentStatus(unknownStatus, false)),
		"Stripe charge":           statustable.Of(chargeStatuses, chargeStatus(unknownStatus)),
		"Stripe refund":           statustable.Of(refundStatuses, refundStatus(unknownStatus)),
		"Stripe Checkout Session": statustable.Of(checkoutStatuses, checkoutStatus(unknownStatus)),
		"Stripe invoice":          statustable.Of(invoiceStatuses, invoiceStatus(unknownStatus)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
