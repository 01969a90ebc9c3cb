package paykit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

// Every string param is text: invalid UTF-8 and NUL are refused by the
// Client, for every provider, naming the param, before the provider is
// called (here the local one: nothing is stored).
func TestStringParamsAreText(t *testing.T) {
	ctx := context.Background()
	sim := local.Provider(local.WithItem("price_basic", 1500, "USD"), local.WithRecurringItem("price_pro", 900, "USD", paykit.IntervalMonth))
	defer sim.Close()
	c := paykit.New(sim)
	cus, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jane@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 500, Currency: "USD", Customer: paykit.CustomerID(cus.ID)})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := sim.Events(ctx)
	id := cus.ID
	for _, bad := range []struct{ name, s, msg string }{
		{"invalid UTF-8", "\xff\xfe", "UTF-8"},
		{"NUL", "a\x00b", "NUL"},
	} {
		tests := []struct {
			name  string
			param string
			call  func(s string) error
		}{
			{"customer email", "email", func(s string) error {
				_, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: s + "@example.com"})
				return err
			}},
			{"customer name", "name", func(s string) error {
				_, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com", Name: s})
				return err
			}},
			{"customer phone", "phone", func(s string) error {
				_, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com", Phone: s})
				return err
			}},
			{"metadata key", "metadata", func(s string) error {
				_, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com", Metadata: map[string]string{s: "v"}})
				return err
			}},
			{"metadata value", "metadata.plan", func(s string) error {
				_, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com", Metadata: map[string]string{"plan": s}})
				return err
			}},
			{"billing address", "billing.address.line1", func(s string) error {
				_, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com", Billing: &paykit.BillingInfo{Address: paykit.BillingAddress{Line1: s}}})
				return err
			}},
			{"update name", "name", func(s string) error {
				_, err := c.Customers.Update(ctx, id, &paykit.UpdateCustomerParams{Name: &s})
				return err
			}},
			{"retrieve id", "id", func(s string) error {
				_, err := c.Customers.Retrieve(ctx, "cus_"+s)
				return err
			}},
			{"delete id", "id", func(s string) error { return c.Customers.Delete(ctx, "cus_"+s) }},
			{"list filter", "email", func(s string) error {
				_, err := c.Customers.ListPage(ctx, &paykit.ListCustomersParams{Email: s})
				return err
			}},
			{"list cursor", "cursor", func(s string) error {
				_, err := c.Payments.ListPage(ctx, &paykit.ListPaymentsParams{ListParams: paykit.ListParams{Cursor: s}})
				return err
			}},
			{"payee email", "customer.email", func(s string) error {
				_, err := c.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail(s + "@example.com"), ItemID: "price_basic", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/ok"})
				return err
			}},
			{"payee id", "customer", func(s string) error {
				_, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 500, Currency: "USD", Customer: paykit.CustomerID("cus_" + s)})
				return err
			}},
			{"success URL", "success_url", func(s string) error {
				_, err := c.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(id), ItemID: "price_basic", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/" + s})
				return err
			}},
			{"item id", "item_id", func(s string) error {
				_, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(id), ItemID: "price_" + s, Quantity: 1})
				return err
			}},
			{"refund payment id", "payment_id", func(s string) error {
				_, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID + s})
				return err
			}},
			{"refund reason", "reason", func(s string) error {
				_, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Reason: paykit.RefundReason(s)})
				return err
			}},
			{"payment metadata", "metadata.order", func(s string) error {
				_, err := c.Payments.Update(ctx, pay.ID, &paykit.UpdatePaymentParams{Metadata: map[string]string{"order": s}})
				return err
			}},
		}
		for _, tc := range tests {
			t.Run(bad.name+"/"+tc.name, func(t *testing.T) {
				err := tc.call(bad.s)
				pe, ok := paykit.AsError(err)
				if !ok || pe.Code != paykit.CodeValidation || pe.Param != tc.param || !strings.Contains(pe.Message, bad.msg) {
					t.Fatalf("err = %#v, want a VALIDATION_ERROR on %s about %s", err, tc.param, bad.msg)
				}
			})
		}
	}
	after, _ := sim.Events(ctx)
	if len(after) != len(before) {
		t.Errorf("%d events emitted by refused calls", len(after)-len(before))
	}
}
