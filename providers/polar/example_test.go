package polar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/polar"
)

// polarStandIn answers two of Polar's calls the way Polar does, so that
// the examples run without an account. Real code leaves WithBaseURL out
// (production) or uses WithSandbox.
func polarStandIn() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/customers/":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id":"0b1c5d1e-5a8f-4b4e-9d4a-0000000000c1","created_at":"2026-10-01T12:00:00Z","modified_at":null,`+
				`"email":"jane@example.com","name":"Jane Doe","metadata":{"plan":"pro","__paykit":"{\"phone\":\"+15550100\"}"},"deleted_at":null}`)
		case r.Method == http.MethodGet && r.URL.Path == "/v1/products/0b1c5d1e-5a8f-4b4e-9d4a-000000000004":
			fmt.Fprint(w, `{"id":"0b1c5d1e-5a8f-4b4e-9d4a-000000000004","is_recurring":true,"recurring_interval":"month",`+
				`"prices":[{"amount_type":"fixed","price_amount":900,"price_currency":"usd","is_archived":false}]}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v1/orders/":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id":"0b1c5d1e-5a8f-4b4e-9d4a-0000000000d1","created_at":"2026-10-01T12:00:00Z","status":"draft","paid":false,`+
				`"total_amount":2500,"currency":"usd","customer_id":"0b1c5d1e-5a8f-4b4e-9d4a-0000000000c1","metadata":{}}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v1/orders/0b1c5d1e-5a8f-4b4e-9d4a-0000000000d1/finalize":
			w.WriteHeader(http.StatusBadGateway)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"ResourceNotFound","detail":"Not found"}`)
		}
	}))
}

func ExampleProvider() {
	srv := polarStandIn()
	defer srv.Close()

	// In production: polar.Provider(os.Getenv("POLAR_ACCESS_TOKEN")).
	client := paykit.New(polar.Provider("polar_oat_example", polar.WithBaseURL(srv.URL)))
	cus, err := client.Customers.Create(context.Background(), &paykit.CreateCustomerParams{
		Email: "jane@example.com", Name: "Jane Doe", Phone: "+15550100", Metadata: map[string]string{"plan": "pro"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cus.ID, cus.Email, cus.Phone, cus.Metadata)
	// Output: 0b1c5d1e-5a8f-4b4e-9d4a-0000000000c1 jane@example.com +15550100 map[plan:pro]
}

func ExampleProvider_missingToken() {
	client := paykit.New(polar.Provider("", polar.WithSandbox()))
	_, err := client.Customers.Retrieve(context.Background(), "0b1c5d1e-5a8f-4b4e-9d4a-0000000000c1")
	fmt.Println(errors.Is(err, paykit.ErrConfiguration))
	// Output: true
}

// Polar subscribes customers to paid products through a checkout.
func ExampleProvider_paidSubscription() {
	srv := polarStandIn()
	defer srv.Close()

	client := paykit.New(polar.Provider("polar_oat_example", polar.WithBaseURL(srv.URL)))
	_, err := client.Subscriptions.Create(context.Background(), &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerID("0b1c5d1e-5a8f-4b4e-9d4a-0000000000c1"), ItemID: "0b1c5d1e-5a8f-4b4e-9d4a-000000000004",
	})
	pe, _ := paykit.AsError(err)
	fmt.Println(pe.Code, pe.Param)
	// Output: VALIDATION_ERROR item_id
}

// An off-session charge whose finalization got no clear answer: the
// error names the draft order to look at before charging again.
func ExampleDraftOrderError() {
	srv := polarStandIn()
	defer srv.Close()

	client := paykit.New(polar.Provider("polar_oat_example", polar.WithBaseURL(srv.URL)))
	_, err := client.Payments.Create(context.Background(), &paykit.CreatePaymentParams{
		Amount: 2500, Currency: "USD", Customer: paykit.CustomerID("0b1c5d1e-5a8f-4b4e-9d4a-0000000000c1"),
		ItemID: "0b1c5d1e-5a8f-4b4e-9d4a-000000000005", ProviderMetadata: polar.PaymentOptions{OffSession: true},
	})
	var draft *polar.DraftOrderError
	if errors.As(err, &draft) && !draft.NotCharged {
		fmt.Println("look up order", draft.OrderID, "before charging again")
	}
	// Output: look up order 0b1c5d1e-5a8f-4b4e-9d4a-0000000000d1 before charging again
}

func ExampleCheckoutOptions() {
	params := &paykit.CreateCheckoutParams{
		Customer:    paykit.CustomerEmail("jane@example.com"),
		ItemID:      "0b1c5d1e-5a8f-4b4e-9d4a-000000000004",
		SessionType: paykit.SessionRecurring,
		Quantity:    1,
		SuccessURL:  "https://example.com/thanks",
		ProviderMetadata: polar.CheckoutOptions{
			AllowDiscountCodes: paykit.Bool(false),
			Locale:             "fr",
		},
	}
	fmt.Println(params.ProviderMetadata.(polar.CheckoutOptions).Locale)
	// Output: fr
}

// Mount the Client's webhook handler where Polar delivers events; the
// secret is the one Polar shows for the endpoint, used as is.
func ExampleProvider_webhooks() {
	const secret = "whsec_polar_example_secret"
	client := paykit.New(polar.Provider("polar_oat_example"))
	wh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: secret}).
		On(paykit.EventSubscriptionCanceled, func(_ context.Context, e *paykit.Event) error {
			fmt.Println("ended:", e.Subscription().ID, e.Subscription().Status)
			return nil
		})
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/polar", wh)

	// What Polar sends when a subscription is revoked.
	body := []byte(`{"type":"subscription.revoked","timestamp":"2026-10-01T12:00:00Z","data":{` +
		`"id":"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f","created_at":"2026-09-01T12:00:00Z","amount":900,"currency":"usd",` +
		`"recurring_interval":"month","status":"canceled","current_period_start":"2026-09-01T12:00:00Z",` +
		`"current_period_end":"2026-10-01T12:00:00Z","cancel_at_period_end":false,"customer_id":"7e1f5c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b",` +
		`"product_id":"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","metadata":{}}}`)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/polar", bytes.NewReader(body))
	req.Header = providerkit.StandardWebhookHeaders([]byte(secret), "msg_1", time.Now(), body)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// ended: 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f canceled
	// 200
}
