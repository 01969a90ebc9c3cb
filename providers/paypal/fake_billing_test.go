package paypal

// billingState is the fake's plans and subscriptions.
type billingState struct{}

// handleBilling sets the handlers of Billing Subscriptions v1.
func (f *fake) handleBilling() {}
