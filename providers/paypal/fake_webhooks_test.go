package paypal

// webhookState is the fake's webhook verification.
type webhookState struct{}

// handleWebhooks sets the handlers of Notifications v1.
func (f *fake) handleWebhooks() {}
