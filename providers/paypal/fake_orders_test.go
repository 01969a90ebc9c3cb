package paypal

// orderState is the fake's orders, authorizations, captures and refunds.
type orderState struct{}

// handleOrders sets the handlers of Orders v2 and Payments v2.
func (f *fake) handleOrders() {}
