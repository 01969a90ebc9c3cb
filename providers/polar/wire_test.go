package polar

import (
	"testing"

	"github.com/paykit-go/paykit/internal/statustable"
)

// unknownStatus is a status Polar does not have, to read each mapping's
// fallback.
const unknownStatus = "not_a_polar_status"

// TestREADMEStatusTables holds the README's tables of Polar's statuses to
// the maps: a row missing, wrong or of no status fails.
func TestREADMEStatusTables(t *testing.T) {
	problems, err := statustable.Check("../../README.md", "polar", map[string]statustable.Table{
		"Polar subscription":           statustable.Of(subscriptionStatuses, subscriptionStatus(unknownStatus)),
		"Polar checkout":               statustable.Of(checkoutStatuses, checkoutStatus(unknownStatus)),
		"Polar checkout, as a payment": statustable.Of(checkoutPaymentStatuses, checkoutPaymentStatus(unknownStatus)),
		"Polar order, as a payment":    statustable.Of(orderPaymentStatuses, orderPaymentStatus(unknownStatus)),
		"Polar order, as an invoice":   statustable.Of(orderInvoiceStatuses, invoiceStatus(unknownStatus)),
		"Polar refund":                 statustable.Of(refundStatuses, refundStatus(unknownStatus)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
