package paypal

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/statustable"
)

// unknownStatus is a status PayPal does not have, to read each mapping's
// fallback.
const unknownStatus = "NOT_A_PAYPAL_STATUS"

// TestREADMEStatusTables holds the README's tables of PayPal's statuses
// to the maps of wire.go: a row missing, wrong or of no status fails. Each
// fallback is read from the mapper that uses the map, given an object in
// unknownStatus.
func TestREADMEStatusTables(t *testing.T) {
	problems, err := statustable.Check("../../README.md", "paypal", map[string]statustable.Table{
		"PayPal order, as a checkout":        statustable.Of(checkoutStatuses, checkoutFallback(t)),
		"PayPal order, as a payment":         statustable.Of(orderPaymentStatuses, paymentFallback(t, nil)),
		"PayPal authorization, as a payment": statustable.Of(authorizationPaymentStatuses, paymentFallback(t, &collection{Authorizations: []wireAuthorization{{ID: "0VF52814937998046", Status: unknownStatus}}})),
		"PayPal capture, as a payment":       statustable.Of(capturePaymentStatuses, paymentFallback(t, &collection{Captures: []wireCapture{{ID: "3C679366HH908993F", Status: unknownStatus}}})),
		"PayPal refund":                      statustable.Of(refundStatuses, refundFallback(t)),
		"PayPal subscription":                statustable.Of(subscriptionStatuses, subscriptionStatus(&wireSubscription{ID: "I-BW452GLLEP1G", Status: unknownStatus})),
		"PayPal subscription, as a checkout": statustable.Of(recurringCheckoutStatuses, recurringCheckoutFallback(t)),
		"PayPal transaction, as an invoice":  statustable.Of(transactionInvoiceStatuses, invoiceFallback(t)),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// checkoutFallback is the status checkoutFrom gives an order in
// unknownStatus.
func checkoutFallback(t *testing.T) paykit.CheckoutStatus {
	t.Helper()
	co, err := checkoutFrom(&wireOrder{ID: benchOrderID, Status: unknownStatus, PurchaseUnits: []purchaseUnit{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return co.Status
}

// paymentFallback is the status paymentFrom gives an order in
// unknownStatus whose purchase unit has payments c (nil: none), so that
// the order's own status, or its last authorization's or capture's in
// unknownStatus, decides.
func paymentFallback(t *testing.T, c *collection) paykit.PaymentStatus {
	t.Helper()
	pay, err := paymentFrom(&wireOrder{ID: benchOrderID, Status: unknownStatus, PurchaseUnits: []purchaseUnit{{Payments: c}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pay.Status
}

// refundFallback is the status readRefund gives a refund in
// unknownStatus. Its custom_id names its payment, so nothing is asked of
// PayPal.
func refundFallback(t *testing.T) paykit.RefundStatus {
	t.Helper()
	customID, err := encodeRefundData(refundData{Payment: benchOrderID})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(map[string]string{"id": "1JU08902781691411", "status": unknownStatus, "custom_id": customID})
	if err != nil {
		t.Fatal(err)
	}
	r, err := (&provider{}).readRefund(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

// recurringCheckoutFallback is the status checkoutFromSubscription gives
// the checkout of a subscription in unknownStatus.
func recurringCheckoutFallback(t *testing.T) paykit.CheckoutStatus {
	t.Helper()
	co, err := checkoutFromSubscription(&wireSubscription{ID: "I-BW452GLLEP1G", Status: unknownStatus}, &wirePlan{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return co.Status
}

// invoiceFallback is the status invoiceFrom gives the invoice of a
// subscription's transaction in unknownStatus.
func invoiceFallback(t *testing.T) paykit.InvoiceStatus {
	t.Helper()
	inv, err := invoiceFrom(&wireTransaction{ID: "TX1", Status: unknownStatus}, nil, &wireSubscription{ID: "I-BW452GLLEP1G"}, customData{})
	if err != nil {
		t.Fatal(err)
	}
	return inv.Status
}
