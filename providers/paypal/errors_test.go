package paypal

import (
	"errors"
	"net/http"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// PayPal answers 409 PREVIOUS_REQUEST_IN_PROGRESS while a request on the
// same resource still runs: the call may succeed if tried again with the
// same key, so the error is Retryable (IDEMPOTENCY_CONFLICT, as Stripe's
// idempotency_key_in_use), not a refusal of the state. A status PayPal
// refuses stays ErrInvalidState and not Retryable.
func TestPreviousRequestInProgressIsRetryable(t *testing.T) {
	body := `{"name":"RESOURCE_CONFLICT","message":"The server has detected a conflict while processing this request.","debug_id":"d1",
		"details":[{"issue":"PREVIOUS_REQUEST_IN_PROGRESS","description":"A previous request on this resource is currently in progress. Please wait for sometime and try again. It is best to space out the initial and the subsequent request(s) to avoid receiving this error."}]}`
	pe := mapError(&providerkit.Response{StatusCode: http.StatusConflict, Header: http.Header{}, Body: []byte(body)})
	if !errors.Is(pe, paykit.ErrIdempotencyConflict) || !pe.Retryable || pe.Provider != Name {
		t.Fatalf("PREVIOUS_REQUEST_IN_PROGRESS = %+v: want a Retryable IDEMPOTENCY_CONFLICT of paypal", pe)
	}
	body = `{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"SUBSCRIPTION_STATUS_INVALID","description":"Invalid subscription status."}]}`
	pe = mapError(&providerkit.Response{StatusCode: http.StatusUnprocessableEntity, Header: http.Header{}, Body: []byte(body)})
	if !errors.Is(pe, paykit.ErrInvalidState) || pe.Retryable {
		t.Fatalf("SUBSCRIPTION_STATUS_INVALID = %+v: want ErrInvalidState, not Retryable", pe)
	}
}
