package paykittest

import (
	"net/url"
	"slices"
	"testing"

	"github.com/paykit-go/paykit"
)

func (s *suite) checkouts(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpCheckoutsCreate) || len(s.h.Items) == 0 {
		t.Log("checkouts.create not declared or Unexercised, or no Items in the harness")
		return
	}
	item := s.h.Items[0]
	payee := s.newCustomer(t, ctx, client)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: payee, ItemID: item.ID, SessionType: paykit.SessionOneTime, Quantity: 2,
		Metadata: map[string]string{"source": "conformance"}, SuccessURL: "https://example.com/success", CancelURL: "https://example.com/cancel",
	})
	if err != nil {
		t.Fatalf("Create one_time: %v", err)
	}
	checkCheckout(t, co)
	if !s.h.Stateless {
		if co.SessionType != paykit.SessionOneTime || co.Amount != 2*item.Amount || co.Currency != item.Currency {
			t.Errorf("checkout = %s %d %s, want one_time %d %s", co.SessionType, co.Amount, co.Currency, 2*item.Amount, item.Currency)
		}
		if !slices.Contains(co.Products, paykit.LineItem{ID: item.ID, Quantity: 2}) {
			t.Errorf("Products = %+v, want %s x2", co.Products, item.ID)
		}
		if co.Metadata["source"] != "conformance" {
			t.Errorf("Metadata = %v", co.Metadata)
		}
	}
	if s.can(client, paykit.OpCheckoutsRetrieve) {
		got, err := client.Checkouts.Retrieve(ctx, co.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		checkCheckout(t, got)
		if !s.h.Stateless && (got.ID != co.ID || got.Amount != co.Amount || got.PaymentURL != co.PaymentURL) {
			t.Errorf("Retrieve = %+v, want %+v", got, co)
		}
	}
	if s.can(client, paykit.OpCheckoutsUpdate) {
		got, err := client.Checkouts.Update(ctx, co.ID, &paykit.UpdateCheckoutParams{Metadata: map[string]string{"step": "2"}})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if !s.h.Stateless && got.Metadata["step"] != "2" {
			t.Errorf("Update metadata = %v", got.Metadata)
		}
	}
	if s.h.RecurringItem.ID != "" {
		rec, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
			Customer: payee, ItemID: s.h.RecurringItem.ID, SessionType: paykit.SessionRecurring, Quantity: 1,
			Metadata: map[string]string{"plan": "pro"}, SuccessURL: "https://example.com/success",
		})
		if err != nil {
			t.Fatalf("Create recurring: %v", err)
		}
		checkCheckout(t, rec)
		if !s.h.Stateless && (rec.SessionType != paykit.SessionRecurring || rec.Amount != s.h.RecurringItem.Amount) {
			t.Errorf("recurring checkout = %s %d, want recurring %d", rec.SessionType, rec.Amount, s.h.RecurringItem.Amount)
		}
	}
	if s.can(client, paykit.OpCheckoutsDelete) {
		if err := client.Checkouts.Delete(ctx, co.ID); err != nil {
			t.Fatalf("Delete (expire): %v", err)
		}
		if !s.h.Stateless && s.can(client, paykit.OpCheckoutsRetrieve) {
			got, err := client.Checkouts.Retrieve(ctx, co.ID)
			if err != nil {
				t.Fatalf("Retrieve after Delete: %v", err)
			}
			if got.Status != paykit.CheckoutExpired {
				t.Errorf("status after Delete = %q, want expired", got.Status)
			}
		}
	}
	if s.can(client, paykit.OpCheckoutsList) {
		for c, err := range client.Checkouts.List(ctx, nil) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkCheckout(t, c)
			break
		}
	}
}

func checkCheckout(t *testing.T, co *paykit.Checkout) {
	t.Helper()
	if co == nil || co.ID == "" {
		t.Fatal("checkout without ID")
	}
	if co.Status != paykit.CheckoutComplete && co.Status != paykit.CheckoutExpired {
		u, err := url.Parse(co.PaymentURL)
		if err != nil || !u.IsAbs() {
			t.Errorf("PaymentURL %q of an open checkout is not an absolute URL", co.PaymentURL)
		}
	}
	switch co.Status {
	case "", paykit.CheckoutOpen, paykit.CheckoutComplete, paykit.CheckoutExpired:
	default:
		t.Errorf("unknown checkout status %q", co.Status)
	}
}

func (s *suite) currencies(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if len(s.h.Items) == 0 {
		t.Log("no Items in the harness")
		return
	}
	payee := s.newCustomer(t, ctx, client)
	for _, item := range s.h.Items {
		t.Run(item.Currency, func(t *testing.T) {
			if s.can(client, paykit.OpCheckoutsCreate) {
				co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
					Customer: payee, ItemID: item.ID, SessionType: paykit.SessionOneTime, Quantity: 3, SuccessURL: someSuccess,
				})
				if err != nil {
					t.Fatalf("checkout in %s: %v", item.Currency, err)
				}
				if !s.h.Stateless && (co.Amount != 3*item.Amount || co.Currency != item.Currency) {
					t.Errorf("checkout amount = %d %s, want %d %s (minor units)", co.Amount, co.Currency, 3*item.Amount, item.Currency)
				}
			}
			if s.can(client, paykit.OpPaymentsCreate) {
				pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: item.Amount, Currency: item.Currency, Customer: payee, ItemID: item.ID})
				if err != nil {
					t.Fatalf("payment in %s: %v", item.Currency, err)
				}
				if !s.h.Stateless && (pay.Amount != item.Amount || pay.Currency != item.Currency) {
					t.Errorf("payment = %d %s, want %d %s", pay.Amount, pay.Currency, item.Amount, item.Currency)
				}
				if s.can(client, paykit.OpPaymentsRetrieve) {
					got, err := client.Payments.Retrieve(ctx, pay.ID)
					if err != nil {
						t.Fatalf("Retrieve: %v", err)
					}
					if !s.h.Stateless && (got.Amount != item.Amount || got.Currency != item.Currency) {
						t.Errorf("retrieved payment = %d %s, want %d %s", got.Amount, got.Currency, item.Amount, item.Currency)
					}
				}
			}
		})
	}
}
