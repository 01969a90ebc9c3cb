package paypal

// DELETE ME at merge: a stand-in for createRecurringCheckout, which the
// subscriptions work defines in subscriptions.go. It lets the core branch
// build on its own.

import (
	"context"

	"github.com/paykit-go/paykit"
)

// createRecurringCheckout will create a Billing subscription; until the
// subscriptions work lands it refuses.
func (p *provider) createRecurringCheckout(context.Context, *paykit.CreateCheckoutParams, *paykit.RequestOptions) (*paykit.Checkout, error) {
	return nil, paykit.ValidationError("session_type", "recurring checkouts are not built on this branch yet")
}
