package paypal

import "github.com/paykit-go/paykit"

// webhookOps are the webhook operations PayPal supports.
var webhookOps = []paykit.Op{}

// certCache keeps the signing certificates of offline verification.
type certCache struct{}

// MappedEvents returns the PayPal event types ParseWebhook maps to unified
// events.
func MappedEvents() []string { return nil }
