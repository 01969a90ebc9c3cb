package paypal

import (
	"context"
	"net/http"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
)

// The items the conformance provider sells (WithItem).
var conformanceItems = []paykittest.Item{
	{ID: "sku-usd", Amount: 1500, Currency: "USD"},
	{ID: "sku-jpy", Amount: 800, Currency: "JPY"},
	// PayPal takes HUF without decimals: 1500 Ft is 150000 minor units.
	{ID: "sku-huf", Amount: 150000, Currency: "HUF"},
}

// conformanceProvider is a provider on f that sells conformanceItems.
func conformanceProvider(f *fake, opts ...Option) paykit.Provider {
	for _, it := range conformanceItems {
		opts = append(opts, WithItem(it.ID, Item{Name: "Item " + it.ID, Amount: it.Amount, Currency: it.Currency}))
	}
	return f.provider(append(opts, WithReturnURLs("https://example.com/paid", "https://example.com/cancel"))...)
}

// TestConformance runs paykit's contract suite against the provider on
// the fake: every request is checked against PayPal's documents. PayPal
// lists no KWD (nor any three-decimal currency), so the items are USD,
// JPY and HUF, whose exponent PayPal takes as 0. It runs once with
// webhooks verified by PayPal's API (the default), once offline.
func TestConformance(t *testing.T) {
	for mode, opts := range map[string][]Option{"online": nil, "offline": {WithOfflineWebhookVerification()}} {
		t.Run(mode, func(t *testing.T) { runConformance(t, opts...) })
	}
}

func runConformance(t *testing.T, opts ...Option) {
	paykittest.RunConformance(t, conformanceHarness(opts...))
}

// TestWebhookConformance runs paykit's webhook attack suite on PayPal's
// paypal-* transmission headers, verified by the fake's
// verify-webhook-signature (online) and here (offline). PayPal's verify
// API is sent the event re-encoded, compacted: a signed body padded with
// whitespace is refused online for its content (a CRC32 of other bytes),
// which the suite accepts; offline it passes.
func TestWebhookConformance(t *testing.T) {
	for mode, opts := range map[string][]Option{"online": nil, "offline": {WithOfflineWebhookVerification()}} {
		t.Run(mode, func(t *testing.T) { paykittest.RunWebhookConformance(t, conformanceHarness(opts...).Webhooks()) })
	}
}

// conformanceHarness drives the provider on a fake, with opts.
func conformanceHarness(opts ...Option) paykittest.Harness {
	var f *fake
	return paykittest.Harness{
		NewProvider: func(t *testing.T) paykit.Provider {
			f = newFake(t)
			billingHarness(f) // the fake's payer approves each subscription at once
			// Signing certificates are fetched through a transport that
			// plays PayPal's certificate host with a test CA.
			ct := &certTransport{pki: signingPKI(t)}
			p := conformanceProvider(f, append(opts, WithHTTPClient(&http.Client{Transport: ct}))...).(*provider)
			p.certs.roots = ct.pki.roots
			return p
		},
		SignedDeliveries: signedDeliveries,
		SignAt:           signAt,
		Items:            conformanceItems,
		RecurringItem:    recurringPlan,
		// A paid payment: an order the payer approves at PayPal (the fake
		// plays them), then captured through the Client.
		PaidPayment: func(ctx context.Context, t *testing.T, c *paykit.Client, customerID string) string {
			pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 5000, Currency: "USD", Customer: paykit.CustomerID(customerID)})
			if err != nil {
				t.Fatalf("Payments.Create: %v", err)
			}
			if err := f.approveOrder(pay.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Payments.Capture(ctx, pay.ID, nil); err != nil {
				t.Fatalf("Payments.Capture: %v", err)
			}
			return pay.ID
		},
		CompleteCheckout: func(ctx context.Context, p paykit.Provider, checkoutID string) error {
			return f.approveOrder(checkoutID)
		},
		// Every payment the suite creates through Payments.Create awaits
		// the payer's approval at PayPal (requires_action), and PayPal can
		// void only an authorization: the suite has no approved manual
		// payment to cancel. TestManualCaptureAndCancel covers it. The
		// suite lists invoices without the SubscriptionID PayPal needs;
		// invoices_test.go covers both invoice operations.
		Unexercised: append([]paykit.Op{paykit.OpPaymentsCancel}, billingUnexercised...),
	}
}

// TestSecretConformance runs paykit's secret scan on the provider with
// canary client credentials, its base URL (token requests and the
// verify-webhook-signature calls of online verification included) at
// the suite's echo server, and deliveries signed for a canary webhook id.
func TestSecretConformance(t *testing.T) {
	paykittest.RunSecretConformance(t, paykittest.SecretHarness{
		NewProvider: func(t *testing.T, c paykittest.Canaries, echo string) paykit.Provider {
			opts := []Option{WithBaseURL(echo), WithMaxRetries(1), withBackoff(1), WithLogger(c.Logger), WithReturnURLs("https://example.com/paid", "https://example.com/cancel")}
			for _, it := range conformanceItems {
				opts = append(opts, WithItem(it.ID, Item{Name: "Item " + it.ID, Amount: it.Amount, Currency: it.Currency}))
			}
			return Provider(c.ClientID, c.ClientSecret, opts...)
		},
		SignedDeliveries: signedDeliveries,
		SignAt:           signAt,
	})
}
