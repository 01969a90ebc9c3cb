package paykittest

import (
	"slices"
	"testing"

	"github.com/paykit-go/paykit"
)

func (s *suite) invoices(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpInvoicesList) {
		t.Log("invoices.list not declared or Unexercised")
		return
	}
	for inv, err := range client.Invoices.List(ctx, nil) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		checkInvoice(t, inv)
		if s.can(client, paykit.OpInvoicesRetrieve) {
			got, err := client.Invoices.Retrieve(ctx, inv.ID)
			if err != nil {
				t.Fatalf("Retrieve: %v", err)
			}
			checkInvoice(t, got)
		}
		break
	}
	if s.h.CompleteCheckout == nil || s.h.Stateless || len(s.h.Items) == 0 || !s.can(client, paykit.OpCheckoutsCreate) {
		return
	}
	// A completed one-time checkout leaves a paid invoice naming its payment.
	payee := s.newCustomer(t, ctx, client)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: payee, ItemID: s.h.Items[0].ID, SessionType: paykit.SessionOneTime, Quantity: 2, SuccessURL: someSuccess})
	if err != nil {
		t.Fatalf("Checkouts.Create: %v", err)
	}
	if err := s.h.CompleteCheckout(ctx, client.Provider().(*counting).Provider, co.ID); err != nil {
		t.Fatalf("CompleteCheckout: %v", err)
	}
	done, err := client.Checkouts.Retrieve(ctx, co.ID)
	if err != nil {
		t.Fatalf("Checkouts.Retrieve: %v", err)
	}
	if done.Status != paykit.CheckoutComplete || done.PaymentID == "" {
		t.Fatalf("completed checkout: status %q payment %q", done.Status, done.PaymentID)
	}
	var inv *paykit.Invoice
	for i, err := range client.Invoices.List(ctx, nil) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		checkInvoice(t, i)
		if i.PaymentID == done.PaymentID {
			inv = i
		}
	}
	if inv == nil {
		t.Fatalf("no invoice names the checkout's payment %s", done.PaymentID)
	}
	if s.can(client, paykit.OpInvoicesRetrieve) {
		got, err := client.Invoices.Retrieve(ctx, inv.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		checkInvoice(t, got)
		if got.ID != inv.ID || got.PaymentID != inv.PaymentID || got.AmountPaid != inv.AmountPaid {
			t.Errorf("Retrieve = %+v, want %+v", got, inv)
		}
	}
	want := paykit.LineItem{ID: s.h.Items[0].ID, Quantity: 2}
	if inv.Status != paykit.InvoicePaid || inv.BillingMode != paykit.BillingOneTime || inv.AmountPaid != 2*s.h.Items[0].Amount ||
		inv.Currency != s.h.Items[0].Currency || inv.PaidAt == nil || !slices.Contains(inv.LineItems, want) {
		t.Errorf("invoice = %+v, want paid one_time %d %s with line item %+v", inv, 2*s.h.Items[0].Amount, s.h.Items[0].Currency, want)
	}
}

func checkInvoice(t *testing.T, inv *paykit.Invoice) {
	t.Helper()
	if inv == nil || inv.ID == "" {
		t.Fatal("invoice without ID")
	}
	switch inv.Status {
	case paykit.InvoiceDraft, paykit.InvoiceOpen, paykit.InvoicePaid, paykit.InvoiceVoid, paykit.InvoiceUncollectible:
	default:
		t.Errorf("invoice %s has unknown status %q", inv.ID, inv.Status)
	}
	if inv.BillingMode != paykit.BillingOneTime && inv.BillingMode != paykit.BillingRecurring {
		t.Errorf("invoice %s has unknown billing mode %q", inv.ID, inv.BillingMode)
	}
}
