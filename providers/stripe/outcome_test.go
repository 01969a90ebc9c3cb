package stripe

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteOutcomeUnknown checks that a write that may have been applied
// (its request was sent and no answer says whether it was: the connection
// dropped after the request was read, or Stripe answered 5xx or 408) fails
// with OutcomeUnknown, the idempotency key Stripe received, and Retryable
// only with the caller's own key; and that a 4xx, a read and a request
// never sent are not unknown.
func TestWriteOutcomeUnknown(t *testing.T) {
	ctx := context.Background()
	apiError := reply(500, stripeErr("api_error", "", "", "Something went wrong on Stripe's end."))
	refund := func(client *paykit.Client, opts ...paykit.CallOption) error {
		_, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: "pi_1"}, opts...)
		return err
	}
	payment := func(client *paykit.Client, opts ...paykit.CallOption) error {
		_, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{
			Customer: paykit.CustomerID("cus_1"), Amount: 1000, Currency: "USD",
			ProviderMetadata: &PaymentOptions{PaymentMethod: "pm_card_visa"},
		}, opts...)
		return err
	}
	// sentKey is the one Idempotency-Key all the tries of the call sent.
	sentKey := func(t *testing.T, rec *recorder) string {
		t.Helper()
		reqs := rec.all()
		require.NotEmpty(t, reqs)
		key := reqs[0].Header.Get("Idempotency-Key")
		require.NotEmpty(t, key)
		for _, r := range reqs {
			require.Equal(t, key, r.Header.Get("Idempotency-Key"), "every try sends the same key")
		}
		return key
	}

	for _, tc := range []struct {
		name    string
		route   string
		handler http.HandlerFunc
		call    func(*paykit.Client, ...paykit.CallOption) error
		code    paykit.ErrorCode
	}{
		{"refund, connection dropped after the request", "POST /v1/refunds", dropConnection, refund, paykit.CodeNetwork},
		{"refund, 500", "POST /v1/refunds", apiError, refund, paykit.CodeProviderUnavailable},
		{"refund, 408", "POST /v1/refunds", reply(408, stripeErr("invalid_request_error", "", "", "Request timed out.")), refund, paykit.CodeProviderUnavailable},
		{"payment, connection dropped after the request", "POST /v1/payment_intents", dropConnection, payment, paykit.CodeNetwork},
		{"payment, 500", "POST /v1/payment_intents", apiError, payment, paykit.CodeProviderUnavailable},
		{"payment, proxy's 502 page", "POST /v1/payment_intents", reply(502, "<html>Bad Gateway</html>"), payment, paykit.CodeProviderUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("generated key", func(t *testing.T) {
				client, rec := fixture(t, routes{tc.route: tc.handler}, WithMaxRetries(1))
				err := tc.call(client)
				pe, _ := paykit.AsError(err)
				require.NotNil(t, pe, "%v", err)
				assert.Equal(t, tc.code, pe.Code)
				assert.True(t, pe.OutcomeUnknown)
				assert.Equal(t, sentKey(t, rec), pe.IdempotencyKey, "the key Stripe received")
				assert.False(t, pe.Retryable, "a repeat would carry a new key")
			})
			t.Run("caller's key", func(t *testing.T) {
				client, rec := fixture(t, routes{tc.route: tc.handler}, WithMaxRetries(1))
				err := tc.call(client, paykit.WithIdempotencyKey("write-1"))
				pe, _ := paykit.AsError(err)
				require.NotNil(t, pe, "%v", err)
				assert.Equal(t, tc.code, pe.Code)
				assert.True(t, pe.OutcomeUnknown)
				assert.Equal(t, "write-1", sentKey(t, rec))
				assert.Equal(t, "write-1", pe.IdempotencyKey)
				assert.True(t, pe.Retryable, "a retry with the same key applies it at most once")
			})
		})
	}

	t.Run("direct call without a key", func(t *testing.T) {
		client, rec := fixture(t, routes{"POST /v1/refunds": dropConnection}, WithMaxRetries(0))
		_, err := client.Provider().CreateRefund(ctx, &paykit.CreateRefundParams{PaymentID: "pi_1"}, nil)
		pe, _ := paykit.AsError(err)
		require.NotNil(t, pe)
		assert.True(t, pe.OutcomeUnknown)
		assert.Equal(t, sentKey(t, rec), pe.IdempotencyKey, "the key the provider made")
		assert.False(t, pe.Retryable, "repeating the call would make a new key")
	})

	t.Run("400 is known", func(t *testing.T) {
		client, _ := fixture(t, routes{"POST /v1/refunds": reply(400, stripeErr("invalid_request_error", "charge_already_refunded", "", "Charge ch_1 has already been refunded."))})
		err := refund(client, paykit.WithIdempotencyKey("write-1"))
		pe, _ := requireStripeErr(t, err, paykit.ErrValidation)
		assert.False(t, pe.OutcomeUnknown)
		assert.Empty(t, pe.IdempotencyKey)
		assert.False(t, pe.Retryable)
	})

	t.Run("a 400 after a 500 settles it", func(t *testing.T) {
		var n atomic.Int32
		client, rec := fixture(t, routes{"POST /v1/refunds": func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				apiError(w, r)
				return
			}
			reply(400, stripeErr("invalid_request_error", "charge_already_refunded", "", "Charge ch_1 has already been refunded."))(w, r)
		}})
		err := refund(client)
		require.Len(t, rec.all(), 2)
		pe, _ := paykit.AsError(err)
		require.NotNil(t, pe)
		assert.Equal(t, 400, pe.StatusCode)
		assert.False(t, pe.OutcomeUnknown, "the answer to the same key says nothing was refunded")
	})

	t.Run("a read is not a write", func(t *testing.T) {
		client, _ := fixture(t, routes{"GET /v1/refunds/re_1": dropConnection}, WithMaxRetries(0))
		_, err := client.Refunds.Retrieve(ctx, "re_1")
		require.ErrorIs(t, err, paykit.ErrNetwork)
		pe, _ := paykit.AsError(err)
		assert.False(t, pe.OutcomeUnknown)
		assert.True(t, pe.Retryable)
	})

	t.Run("nothing sent: the dial failed", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close()) // nothing listens there now
		p := Provider(testKey, WithBaseURL(fmt.Sprintf("http://%s", addr)), WithMaxRetries(1)).(*provider)
		p.retry.noSleep = true
		err = refund(paykit.New(p), paykit.WithIdempotencyKey("write-1"))
		require.ErrorIs(t, err, paykit.ErrNetwork)
		pe, _ := paykit.AsError(err)
		assert.False(t, pe.OutcomeUnknown, "no request reached Stripe")
		assert.Empty(t, pe.IdempotencyKey)
		assert.True(t, pe.Retryable)
	})
}
