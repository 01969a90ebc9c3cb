package paypal

import (
	"testing"

	"github.com/paykit-go/paykit"
)

// The customer store refuses a missing email as the Client does, so a
// direct CreateCustomer (or an Update emptying it) stores nothing.
func TestDirectCustomerWithoutEmailIsRefused(t *testing.T) {
	p := newFake(t).provider()
	ctx := testCtx(t)
	_, err := p.CreateCustomer(ctx, &paykit.CreateCustomerParams{Name: "Ada"}, nil)
	if pe := wantCode(t, err, paykit.ErrValidation, "email"); pe.Provider != Name {
		t.Errorf("Provider = %q, want %q", pe.Provider, Name)
	}
	cus, err := p.CreateCustomer(ctx, &paykit.CreateCustomerParams{Email: "ada@example.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.UpdateCustomer(ctx, cus.ID, &paykit.UpdateCustomerParams{Email: paykit.String("")}, nil)
	wantCode(t, err, paykit.ErrValidation, "email")
	page, err := p.ListCustomers(ctx, nil, nil)
	if err != nil || len(page.Data) != 1 || page.Data[0].Email != "ada@example.com" {
		t.Fatalf("customers = %+v, %v; want ada@example.com alone", page, err)
	}
}
