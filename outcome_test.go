package paykit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
)

type wrappingProvider struct{ paykit.UnimplementedProvider }

func (wrappingProvider) Name() string { return "wrapping" }
func (wrappingProvider) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{Ops: []paykit.Op{paykit.OpPaymentsCreate}, IdempotencyKeys: true}
}

// What a RESTClient answers for a keyed write that got 5xx on every try:
// OutcomeUnknown, Retryable (the same key makes a retry safe), the key.
func (wrappingProvider) CreatePayment(_ context.Context, _ *paykit.CreatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	pe := &paykit.Error{Code: paykit.CodeProviderUnavailable, StatusCode: 503, Retryable: true, OutcomeUnknown: true, IdempotencyKey: ro.IdempotencyKey, Message: "provider answered 503"}
	return nil, fmt.Errorf("wrapping: create payment: %w", pe)
}

// TestWrappedOutcomeUnknownSurvivesTheClient: a provider that wraps the
// transport's error with %w (the usual Go idiom) keeps OutcomeUnknown
// through the Client, so a write sent with a key the Client generated is
// not Retryable: a caller that retries on IsRetryable must not charge
// twice.
func TestWrappedOutcomeUnknownSurvivesTheClient(t *testing.T) {
	c := paykit.New(wrappingProvider{})
	_, err := c.Payments.Create(context.Background(), &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID("cus_1")})
	pe, _ := paykit.AsError(err)
	if !pe.OutcomeUnknown || pe.Retryable || pe.IdempotencyKey == "" {
		t.Errorf("the Client's answer for a wrapped unknown-outcome write with a generated key: OutcomeUnknown=%v Retryable=%v IdempotencyKey=%q; want true, false, the key", pe.OutcomeUnknown, pe.Retryable, pe.IdempotencyKey)
	}
	if !strings.Contains(pe.Error(), "provider answered 503") {
		t.Errorf("the provider's message is lost: %v", pe)
	}
}
