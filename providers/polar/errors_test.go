package polar

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// Faults and error answers Polar's document cannot express are played by
// httpmock.

const mockURL = "https://api.polar.test"

func mockProvider(t *testing.T, opts ...Option) (*paykit.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	p := Provider(testToken, append([]Option{WithBaseURL(mockURL), WithHTTPClient(&http.Client{Transport: mt}), withBackoff(time.Millisecond)}, opts...)...)
	return paykit.New(p), mt
}

func jsonResponder(status int, body string, header ...string) httpmock.Responder {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return httpmock.NewStringResponder(status, body).HeaderSet(h)
}

func TestErrorAnswersMapToPaykitErrors(t *testing.T) {
	id := openapitest.NewUUID()
	for _, tc := range []struct {
		name, body string
		status     int
		want       *paykit.Error
		param, msg string
	}{
		{"401", `{"error":"Unauthorized","detail":"Invalid token"}`, 401, paykit.ErrAuthentication, "", "Unauthorized: Invalid token"},
		// Whatever the body, a 401 is refused credentials (the transport's rule).
		{"401 with details", `{"detail":[{"loc":["header","authorization"],"msg":"expired","type":"value_error"}]}`, 401, paykit.ErrAuthentication, "", "authorization: expired"},
		{"401 named otherwise", `{"error":"ResourceNotFound","detail":"No such token"}`, 401, paykit.ErrAuthentication, "", "No such token"},
		{"403", `{"error":"NotPermitted","detail":"Missing scope customers:read"}`, 403, paykit.ErrPermission, "", "customers:read"},
		{"404", `{"error":"ResourceNotFound","detail":"Not found"}`, 404, paykit.ErrNotFound, "", "Not found"},
		{"409", `{"error":"SubscriptionLocked","detail":"Locked"}`, 409, paykit.ErrInvalidState, "", "Locked"},
		{"422", `{"detail":[{"loc":["body","email"],"msg":"value is not a valid email address","type":"value_error"},{"loc":["body","name"],"msg":"too long","type":"string_too_long"}]}`,
			422, paykit.ErrValidation, "email", "email: value is not a valid email address; name: too long"},
		{"429", `{"error":"TooManyRequests","detail":"Slow down"}`, 429, paykit.ErrRateLimited, "", "Slow down"},
		{"500", `Internal Server Error`, 500, paykit.ErrProviderUnavailable, "", "500"},
		{"502 html", `<html>bad gateway</html>`, 502, paykit.ErrProviderUnavailable, "", "502"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := mockProvider(t, WithMaxRetries(0))
			mt.RegisterResponder(http.MethodGet, mockURL+"/v1/customers/"+id, jsonResponder(tc.status, tc.body, "X-Request-Id", "req_42"))
			_, err := c.Customers.Retrieve(context.Background(), id)
			require.ErrorIs(t, err, tc.want)
			pe, _ := paykit.AsError(err)
			assert.Equal(t, tc.param, pe.Param)
			assert.Contains(t, pe.Message, tc.msg)
			assert.Equal(t, tc.status, pe.StatusCode)
			assert.Equal(t, "req_42", pe.RequestID)
			assert.Equal(t, "polar", pe.Provider)
			assert.Equal(t, paykit.OpCustomersRetrieve, pe.Op)
		})
	}
}

func TestReadsAreRetriedWritesNever(t *testing.T) {
	id := openapitest.NewUUID()
	customer := `{"id":"` + id + `","created_at":"2026-10-01T12:00:00Z","modified_at":null,"metadata":{},"email":"a@example.com","name":null,"deleted_at":null}`

	t.Run("read retried on 503 then 429", func(t *testing.T) {
		c, mt := mockProvider(t)
		mt.RegisterResponder(http.MethodGet, mockURL+"/v1/customers/"+id,
			jsonResponder(503, `{}`).Once().Then(jsonResponder(429, `{}`, "Retry-After", "0")).Then(jsonResponder(200, customer)))
		cus, err := c.Customers.Retrieve(context.Background(), id)
		require.NoError(t, err)
		assert.Equal(t, "a@example.com", cus.Email)
		assert.Equal(t, 3, mt.GetTotalCallCount())
	})
	t.Run("read gives up after the retries", func(t *testing.T) {
		c, mt := mockProvider(t, WithMaxRetries(1))
		mt.RegisterResponder(http.MethodGet, mockURL+"/v1/customers/"+id, jsonResponder(503, `{}`))
		_, err := c.Customers.Retrieve(context.Background(), id)
		require.ErrorIs(t, err, paykit.ErrProviderUnavailable)
		assert.True(t, paykit.IsRetryable(err))
		assert.Equal(t, 2, mt.GetTotalCallCount())
	})
	for name, responder := range map[string]httpmock.Responder{
		"500":     jsonResponder(500, `{}`),
		"503":     jsonResponder(503, `{}`),
		"dropped": httpmock.ConnectionFailure,
	} {
		t.Run("refund not repeated after "+name, func(t *testing.T) {
			c, mt := mockProvider(t, WithMaxRetries(5))
			order := openapitest.NewUUID()
			mt.RegisterResponder(http.MethodGet, mockURL+"/v1/orders/"+order, jsonResponder(200,
				`{"id":"`+order+`","status":"paid","paid":true,"total_amount":1000,"refundable_amount":1000,"currency":"usd","created_at":"2026-10-01T12:00:00Z","customer_id":"`+id+`","metadata":{}}`))
			mt.RegisterResponder(http.MethodPost, mockURL+"/v1/refunds/", responder)
			_, err := c.Refunds.Create(context.Background(), &paykit.CreateRefundParams{PaymentID: order, Amount: 500})
			require.Error(t, err)
			assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+mockURL+"/v1/refunds/"], "a refund that may have reached Polar is sent once")
			assert.False(t, paykit.IsRetryable(err))
			pe, ok := paykit.AsError(err)
			require.True(t, ok)
			assert.True(t, pe.OutcomeUnknown, "the refund may have been made")
			assert.Empty(t, pe.IdempotencyKey, "Polar honours no keys")
			// The Client's words, once: the transport adds none of its own.
			assert.Contains(t, pe.Message, "this provider honours no idempotency keys: check before repeating it")
			assert.Equal(t, 1, strings.Count(pe.Message, "may have been applied"))
		})
	}
	t.Run("write refused with 429 is reported retryable", func(t *testing.T) {
		c, mt := mockProvider(t, WithMaxRetries(5))
		mt.RegisterResponder(http.MethodPost, mockURL+"/v1/customers/", jsonResponder(429, `{"error":"TooManyRequests","detail":"Slow down"}`, "Retry-After", "7"))
		_, err := c.Customers.Create(context.Background(), &paykit.CreateCustomerParams{Email: "a@example.com"})
		require.ErrorIs(t, err, paykit.ErrRateLimited)
		pe, _ := paykit.AsError(err)
		assert.True(t, pe.Retryable)
		assert.False(t, pe.OutcomeUnknown, "a 429 proves Polar did nothing")
		assert.Equal(t, 7*time.Second, pe.RetryAfter)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

func TestSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := mockProvider(t, WithLogger(logger), WithMaxRetries(1))
	id := openapitest.NewUUID()
	// A server that echoes the token back must not leak it either.
	mt.RegisterResponder(http.MethodGet, mockURL+"/v1/customers/"+id,
		jsonResponder(401, `{"error":"Unauthorized","detail":"token `+testToken+` is revoked"}`))
	mt.RegisterResponder(http.MethodGet, mockURL+"/v1/orders/", jsonResponder(503, `{}`))
	_, err := c.Customers.Retrieve(context.Background(), id)
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	for range c.Payments.List(context.Background(), nil) {
		break
	}
	_, werr := Provider(testToken).ParseWebhook(context.Background(), signed([]byte(`{}`), "msg", time.Now(), "whsec_wrong"), testSecret)
	require.Error(t, werr)

	out := logs.String()
	require.Contains(t, out, "paykit http request")
	require.Contains(t, out, "paykit http retry")
	for _, s := range []string{testToken, testSecret, "Authorization", "Bearer"} {
		assert.NotContains(t, out, s)
		assert.NotContains(t, err.Error(), s)
		assert.NotContains(t, werr.Error(), s)
	}
	assert.Contains(t, err.Error(), "[REDACTED]")
}

func TestContextDeadlineBoundsTheCall(t *testing.T) {
	c, mt := mockProvider(t, WithMaxRetries(3))
	id := openapitest.NewUUID()
	mt.RegisterResponder(http.MethodGet, mockURL+"/v1/customers/"+id, jsonResponder(200, `{}`).Delay(time.Second))
	start := time.Now()
	_, err := c.Customers.Retrieve(context.Background(), id, paykit.WithTimeout(50*time.Millisecond))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 900*time.Millisecond)
}

func TestOffSessionFinalizeErrorsSayWhetherTheDraftWasCharged(t *testing.T) {
	customer, product := openapitest.NewUUID(), openapitest.NewUUID()
	for name, tc := range map[string]struct {
		finalize   httpmock.Responder
		notCharged bool
		code       *paykit.Error
	}{
		"declined 402":         {jsonResponder(402, `{"error":"PaymentFailed","detail":"Your card was declined."}`), true, paykit.ErrCardDeclined},
		"validation 422":       {jsonResponder(422, `{"detail":[{"loc":["body","payment_method_id"],"msg":"not found","type":"value_error"}]}`), true, paykit.ErrValidation},
		"forbidden 403":        {jsonResponder(403, `{"error":"OffSessionChargesNotEnabled","detail":"not enabled"}`), true, paykit.ErrPermission},
		"not a draft 412":      {jsonResponder(412, `{"error":"OrderNotDraft","detail":"Order is not a draft"}`), false, paykit.ErrInvalidState},
		"timeout 408":          {jsonResponder(408, `{}`), false, paykit.ErrNetwork},
		"rate limited 429":     {jsonResponder(429, `{"error":"TooManyRequests","detail":"Slow down"}`), false, paykit.ErrRateLimited},
		"server error 500":     {jsonResponder(500, `{}`), false, paykit.ErrProviderUnavailable},
		"bad gateway 502":      {jsonResponder(502, `<html></html>`), false, paykit.ErrProviderUnavailable},
		"dropped connection":   {httpmock.ConnectionFailure, false, paykit.ErrNetwork},
		"undecodable 200 body": {jsonResponder(200, `{"id":`), false, nil},
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := mockProvider(t, WithMaxRetries(3))
			draft := openapitest.NewUUID()
			mt.RegisterResponder(http.MethodPost, mockURL+"/v1/orders/", jsonResponder(201,
				`{"id":"`+draft+`","status":"draft","paid":false,"total_amount":2500,"currency":"usd","created_at":"2026-10-01T12:00:00Z","customer_id":"`+customer+`","metadata":{}}`))
			mt.RegisterResponder(http.MethodPost, mockURL+"/v1/orders/"+draft+"/finalize", tc.finalize)
			_, err := c.Payments.Create(context.Background(), &paykit.CreatePaymentParams{Amount: 2500, Currency: "USD",
				Customer: paykit.CustomerID(customer), ItemID: product, ProviderMetadata: PaymentOptions{OffSession: true}})
			require.Error(t, err)
			if tc.code != nil {
				require.ErrorIs(t, err, tc.code)
			}
			assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+mockURL+"/v1/orders/"+draft+"/finalize"], "finalize is sent once")

			if tc.notCharged {
				assert.Contains(t, err.Error(), "draft order "+draft+" was created and not charged")
			} else {
				assert.NotContains(t, err.Error(), "not charged")
				assert.Contains(t, err.Error(), "check draft order "+draft+" before retrying")
				assert.False(t, paykit.IsRetryable(err), "the charge may have been made")
			}
			var de *DraftOrderError
			require.ErrorAs(t, err, &de, "the draft order's id is machine-readable")
			assert.Equal(t, draft, de.OrderID)
			assert.Equal(t, tc.notCharged, de.NotCharged)
		})
	}
}

// A canceled call is reported as the paykit Client reports one: not a
// network error, not retryable, and errors.Is(err, context.Canceled).
func TestCanceledCallIsOperationFailedAsTheClientSays(t *testing.T) {
	id := openapitest.NewUUID()
	c, mt := mockProvider(t, WithMaxRetries(3))
	before, cancel := context.WithCancel(context.Background())
	cancel()
	during, cancelDuring := context.WithCancel(context.Background())
	defer cancelDuring()
	// The server is still working on the request when the caller cancels.
	mt.RegisterResponder(http.MethodGet, mockURL+"/v1/customers/"+id, func(r *http.Request) (*http.Response, error) {
		cancelDuring()
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	for name, ctx := range map[string]context.Context{"canceled before": before, "canceled during": during} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Customers.Retrieve(ctx, id)
			require.ErrorIs(t, err, context.Canceled)
			pe, _ := paykit.AsError(err)
			assert.Equal(t, paykit.CodeOperationFailed, pe.Code)
			assert.False(t, pe.Retryable)
		})
	}
	// Only the call canceled during its request reached the server.
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
