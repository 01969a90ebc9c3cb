// Package paykittest is paykit's test kit for provider authors:
// RunConformance, the contract suite every provider passes, with
// RunWebhookConformance, its webhook attack suite, and
// RunSecretConformance, its secret scan; and RunCustomerStore, the one
// every paykit.CustomerStore passes. The testify
// mock for programs' unit tests is package paykitmock beside it, and the
// OpenAPI-validating fake server package openapitest.
package paykittest

import (
	"context"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// Item is a price the provider under test knows.
type Item struct {
	ID       string
	Amount   int64
	Currency string
}

// Harness tells RunConformance how to drive one provider.
type Harness struct {
	// NewProvider returns a fresh provider for one subtest. Required.
	NewProvider func(t *testing.T) paykit.Provider
	// Items are one-time prices, at least one each in USD, JPY and KWD
	// when the provider sells in those currencies.
	Items []Item
	// RecurringItem is a recurring price, for subscriptions and recurring
	// checkouts.
	RecurringItem Item
	// Stateless is set for peers that do not keep state (stripe-mock):
	// round trips then check ids and shapes, not stored values, and the
	// not-found checks are left to the provider's own fixture tests.
	Stateless bool
	// PaidPayment returns the id of a succeeded payment of the given
	// customer to refund; nil uses Payments.Create or completes a checkout
	// through CompleteCheckout.
	PaidPayment func(ctx context.Context, t *testing.T, c *paykit.Client, customerID string) string
	// CompleteCheckout pays an open checkout the way its payer would, for
	// providers that can simulate that (the local provider).
	CompleteCheckout func(ctx context.Context, p paykit.Provider, checkoutID string) error
	// Unexercised lists declared operations this harness cannot call
	// with valid input, such as one its fake peer does not serve; say why
	// where the list is set. The suite's round trips leave them out.
	// Every other declared operation must succeed at least once during
	// the suite, or the suite fails: a declared operation that answers
	// ErrNotSupported, or fails for valid input, does not pass unseen. A
	// listed operation is still called once, on an unknown id, and fails
	// the suite if it answers ErrNotSupported or says it is not
	// implemented. Listing an operation the provider does not declare, or
	// one the suite saw succeed, fails too, so the list cannot go stale.
	Unexercised []paykit.Op
	// SignedDeliveries returns genuine webhook deliveries, signed now, and
	// the secret they verify with: at least two, of distinct events of
	// one object (such as a payment created, then updated), so that event
	// ids taken from the object instead of the event collide and fail.
	// Two notices of one event, which a provider may give one id on
	// purpose, do not belong here. The suite checks that each verifies,
	// that no event id of one delivery is an id of another's (paykit's
	// de-duplication would drop the later), that a delivery parsed again
	// keeps its ids, and that tampered copies fail with
	// ErrWebhookSignature. Required when the provider declares
	// webhooks.handle.
	SignedDeliveries func(t *testing.T, p paykit.Provider) ([]*paykit.WebhookRequest, string)
	// SignAt returns req, one of the deliveries of SignedDeliveries,
	// signed with secret as the provider signs it when it sends the same
	// event at time at (a retry). Signed now it must verify and keep
	// req's event ids; signed a year ago it must fail with
	// ErrWebhookSignature, a replay. Required when the provider declares
	// webhooks.handle.
	SignAt func(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest
}
