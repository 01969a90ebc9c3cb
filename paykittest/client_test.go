package paykittest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/paykitmock"
)

// These are properties of the Client, whatever the provider: they were
// part of RunConformance, where no provider could fail them. They run
// here over a paykitmock.Provider with no expectations, counted, so that any
// call reaching it shows.

// TestClientRejectsInvalidInputBeforeTheProvider: each bad call fails
// with ErrValidation naming its parameter, operation and provider, or with
// ErrNotSupported when the provider does not declare the operation, and
// never reaches the provider.
func TestClientRejectsInvalidInputBeforeTheProvider(t *testing.T) {
	for _, declared := range []bool{true, false} {
		m := paykitmock.New(t)
		if !declared {
			m.Caps = &paykit.Capabilities{}
		}
		cp := &counting{Provider: m}
		client := paykit.New(cp)
		for _, bc := range badCalls() {
			err := bc.call(context.Background(), client)
			if cp.calls() != 0 {
				t.Fatalf("%s: the provider was called for invalid input", bc.name)
			}
			if !declared {
				requireCode(t, err, paykit.ErrNotSupported, bc.name)
				continue
			}
			pe := requireCode(t, err, paykit.ErrValidation, bc.name)
			if pe.Param != bc.param {
				t.Errorf("%s: Param = %q, want %q (error: %v)", bc.name, pe.Param, bc.param, err)
			}
			if pe.Op != bc.op || pe.Provider != "mock" {
				t.Errorf("%s: error names op %q provider %q, want %q mock", bc.name, pe.Op, pe.Provider, bc.op)
			}
		}
	}
}

// TestClientRefusesUndeclaredOperationsBeforeTheProvider: every
// operation the provider does not declare fails with ErrNotSupported,
// also for valid input, and never reaches the provider.
func TestClientRefusesUndeclaredOperationsBeforeTheProvider(t *testing.T) {
	m := paykitmock.New(t)
	m.Caps = &paykit.Capabilities{}
	cp := &counting{Provider: m}
	client := paykit.New(cp)
	for _, call := range allCalls() {
		if client.Supports(call.op) {
			t.Errorf("Client.Supports(%s) for a provider that declares nothing", call.op)
		}
		requireCode(t, call.client(context.Background(), client), paykit.ErrNotSupported, string(call.op))
		if cp.calls() != 0 {
			t.Fatalf("%s is not declared, yet the Client called the provider", call.op)
		}
	}
}

// TestClientRefusesACanceledContextBeforeTheProvider: every operation
// called with a canceled context fails with context.Canceled and never
// reaches the provider.
func TestClientRefusesACanceledContextBeforeTheProvider(t *testing.T) {
	cp := &counting{Provider: paykitmock.New(t)}
	client := paykit.New(cp)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, call := range allCalls() {
		err := call.client(ctx, client)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: %v, want context.Canceled", call.op, err)
		}
		if cp.calls() != 0 {
			t.Fatalf("%s: the provider was called with a canceled context", call.op)
		}
	}
}

// badCall is a call the Client must reject for its param.
type badCall struct {
	name  string
	op    paykit.Op
	param string
	call  func(ctx context.Context, c *paykit.Client) error
}

func badCalls() []badCall {
	okCheckout := func(mod func(p *paykit.CreateCheckoutParams)) func(ctx context.Context, c *paykit.Client) error {
		return func(ctx context.Context, c *paykit.Client) error {
			p := *checkoutParams
			mod(&p)
			return errOf(c.Checkouts.Create(ctx, &p))
		}
	}
	customer := func(p *paykit.CreateCustomerParams) func(ctx context.Context, c *paykit.Client) error {
		return func(ctx context.Context, c *paykit.Client) error { return errOf(c.Customers.Create(ctx, p)) }
	}
	many := map[string]string{}
	for i := range paykit.MaxMetadataKeys + 1 {
		many["k"+strings.Repeat("x", i%30)+string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
	}
	return []badCall{
		{"customer nil params", paykit.OpCustomersCreate, "params", customer(nil)},
		{"customer no email", paykit.OpCustomersCreate, "email", customer(&paykit.CreateCustomerParams{Name: "No Email"})},
		{"customer bad email", paykit.OpCustomersCreate, "email", customer(&paykit.CreateCustomerParams{Email: "not-an-email"})},
		{"customer display-name email", paykit.OpCustomersCreate, "email", customer(&paykit.CreateCustomerParams{Email: "Jane <jane@example.com>"})},
		{"customer bad phone", paykit.OpCustomersCreate, "phone", customer(&paykit.CreateCustomerParams{Email: someEmail, Phone: "call me"})},
		{"customer reserved metadata", paykit.OpCustomersCreate, "metadata." + paykit.ReservedMetadataKey, customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: map[string]string{paykit.ReservedMetadataKey: "x"}})},
		{"customer too many metadata keys", paykit.OpCustomersCreate, "metadata", customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: many})},
		{"customer long metadata key", paykit.OpCustomersCreate, "metadata", customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: map[string]string{strings.Repeat("k", 41): "v"}})},
		{"customer long metadata value", paykit.OpCustomersCreate, "metadata.k", customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: map[string]string{"k": strings.Repeat("v", 501)}})},
		{"customer bad billing country", paykit.OpCustomersCreate, "billing.address.country", customer(&paykit.CreateCustomerParams{Email: someEmail, Billing: &paykit.BillingInfo{Address: paykit.BillingAddress{Country: "USA"}, Currency: "USD"}})},
		{"customer retrieve empty id", paykit.OpCustomersRetrieve, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Customers.Retrieve(ctx, "")) }},
		{"customer update empty id", paykit.OpCustomersUpdate, "id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Customers.Update(ctx, "", &paykit.UpdateCustomerParams{}))
		}},
		{"customer update bad email", paykit.OpCustomersUpdate, "email", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Customers.Update(ctx, someID, &paykit.UpdateCustomerParams{Email: paykit.String("nope")}))
		}},
		{"customer delete empty id", paykit.OpCustomersDelete, "id", func(ctx context.Context, c *paykit.Client) error { return c.Customers.Delete(ctx, "") }},
		{"customer list limit", paykit.OpCustomersList, "limit", func(ctx context.Context, c *paykit.Client) error {
			return firstErr(c.Customers.List(ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 1000}}))
		}},

		{"checkout nil params", paykit.OpCheckoutsCreate, "params", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Checkouts.Create(ctx, nil)) }},
		{"checkout no customer", paykit.OpCheckoutsCreate, "customer", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Customer = paykit.Payee{} })},
		{"checkout bad payee email", paykit.OpCheckoutsCreate, "customer.email", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Customer = paykit.CustomerEmail("x@") })},
		{"checkout no item", paykit.OpCheckoutsCreate, "item_id", okCheckout(func(p *paykit.CreateCheckoutParams) { p.ItemID = "" })},
		{"checkout bad session type", paykit.OpCheckoutsCreate, "session_type", okCheckout(func(p *paykit.CreateCheckoutParams) { p.SessionType = "weekly" })},
		{"checkout zero quantity", paykit.OpCheckoutsCreate, "quantity", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Quantity = 0 })},
		{"checkout negative quantity", paykit.OpCheckoutsCreate, "quantity", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Quantity = -2 })},
		{"checkout relative success url", paykit.OpCheckoutsCreate, "success_url", okCheckout(func(p *paykit.CreateCheckoutParams) { p.SuccessURL = "/success" })},
		{"checkout ftp success url", paykit.OpCheckoutsCreate, "success_url", okCheckout(func(p *paykit.CreateCheckoutParams) { p.SuccessURL = "ftp://example.com/x" })},
		{"checkout bad cancel url", paykit.OpCheckoutsCreate, "cancel_url", okCheckout(func(p *paykit.CreateCheckoutParams) { p.CancelURL = "javascript:alert(1)" })},
		{"checkout bad interval", paykit.OpCheckoutsCreate, "subscription.billing_interval", okCheckout(func(p *paykit.CreateCheckoutParams) {
			p.SessionType = paykit.SessionRecurring
			p.Subscription = &paykit.CheckoutSubscription{BillingInterval: paykit.CustomInterval(0)}
		})},
		{"checkout reserved metadata", paykit.OpCheckoutsCreate, "metadata." + paykit.ReservedMetadataKey, okCheckout(func(p *paykit.CreateCheckoutParams) {
			p.Metadata = map[string]string{paykit.ReservedMetadataKey: "{}"}
		})},
		{"checkout update empty id", paykit.OpCheckoutsUpdate, "id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Checkouts.Update(ctx, "", &paykit.UpdateCheckoutParams{}))
		}},

		{"subscription no customer", paykit.OpSubscriptionsCreate, "customer", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{ItemID: someItem}))
		}},
		{"subscription no item", paykit.OpSubscriptionsCreate, "item_id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID)}))
		}},
		{"subscription negative quantity", paykit.OpSubscriptionsCreate, "quantity", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID), ItemID: someItem, Quantity: -1}))
		}},
		{"subscription unknown currency", paykit.OpSubscriptionsCreate, "currency", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID), ItemID: someItem, Currency: "XYZ"}))
		}},
		{"subscription short custom interval", paykit.OpSubscriptionsCreate, "billing_interval", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID), ItemID: someItem, BillingInterval: paykit.CustomInterval(1)}))
		}},
		{"subscription cancel empty id", paykit.OpSubscriptionsCancel, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Subscriptions.Cancel(ctx, "")) }},
		{"subscription update zero quantity", paykit.OpSubscriptionsUpdate, "quantity", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Update(ctx, someID, &paykit.UpdateSubscriptionParams{Quantity: paykit.Int64(0)}))
		}},

		{"payment negative amount", paykit.OpPaymentsCreate, "amount", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: -1, Currency: "USD", Customer: paykit.CustomerID(someID)}))
		}},
		{"payment no currency", paykit.OpPaymentsCreate, "currency", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Customer: paykit.CustomerID(someID)}))
		}},
		{"payment unknown currency", paykit.OpPaymentsCreate, "currency", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "ABC", Customer: paykit.CustomerID(someID)}))
		}},
		{"payment bad capture method", paykit.OpPaymentsCreate, "capture_method", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID(someID), CaptureMethod: "later"}))
		}},
		{"payment capture negative", paykit.OpPaymentsCapture, "amount", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Capture(ctx, someID, &paykit.CapturePaymentParams{Amount: -5}))
		}},
		{"payment cancel empty id", paykit.OpPaymentsCancel, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Payments.Cancel(ctx, "")) }},

		{"refund no payment", paykit.OpRefundsCreate, "payment_id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Refunds.Create(ctx, &paykit.CreateRefundParams{Amount: 100}))
		}},
		{"refund negative amount", paykit.OpRefundsCreate, "amount", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: someID, Amount: -1}))
		}},
		{"refund unknown reason", paykit.OpRefundsCreate, "reason", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: someID, Reason: "because"}))
		}},
		{"invoice retrieve empty id", paykit.OpInvoicesRetrieve, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Invoices.Retrieve(ctx, "")) }},
	}
}
