package paypal

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// benchOrder is a captured, partly refunded order with an item, as the
// fake (and PayPal) answers orders.get.
const benchOrder = `{"id":"5O190127TN364715T","intent":"CAPTURE","status":"COMPLETED",
"create_time":"2026-10-01T12:00:01Z","update_time":"2026-10-01T12:00:05Z",
"payment_source":{"paypal":{"email_address":"buyer@example.com","account_id":"QYR5Z8XDVJNXQ"}},
"purchase_units":[{"reference_id":"default","amount":{"currency_code":"USD","value":"50.00","breakdown":{"item_total":{"currency_code":"USD","value":"50.00"}}},
"custom_id":"{\"c\":\"cus_ABCDEFGHIJKLMNOPQRST\",\"m\":{\"order\":\"42\"}}",
"items":[{"name":"Item sku-usd","unit_amount":{"currency_code":"USD","value":"50.00"},"quantity":"1","sku":"sku-usd"}],
"payments":{"captures":[{"id":"3C679366HH908993F","status":"PARTIALLY_REFUNDED","amount":{"currency_code":"USD","value":"50.00"},"final_capture":true,
"create_time":"2026-10-01T12:00:03Z","update_time":"2026-10-01T12:00:05Z","links":[{"href":"https://api-m.paypal.com/v2/payments/captures/3C679366HH908993F","rel":"self","method":"GET"}]}],
"refunds":[{"id":"1JU08902781691411","status":"COMPLETED","amount":{"currency_code":"USD","value":"5.00"},"create_time":"2026-10-01T12:00:05Z","update_time":"2026-10-01T12:00:05Z"}]}}],
"links":[{"href":"https://api-m.paypal.com/v2/checkout/orders/5O190127TN364715T","rel":"self","method":"GET"}]}`

const benchOrderID = "5O190127TN364715T"

// BenchmarkPaymentsRetrieve measures Payments.Retrieve through a Client
// on the validating fake server (PayPal's documents check the request and
// the answer): the provider, loopback HTTP and kin-openapi's validation.
func BenchmarkPaymentsRetrieve(b *testing.B) {
	var specs []*openapitest.Spec
	for _, name := range specFiles[:2] {
		s, err := openapitest.Load(openapitest.SpecPath(b, name))
		if err != nil {
			b.Fatal(err)
		}
		specs = append(specs, s)
	}
	srv := openapitest.NewServer(b, specs[0], specs[1:]...)
	srv.Route(http.MethodPost, "/v1/oauth2/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"A21AAbench","token_type":"Bearer","expires_in":32400}`))
	})
	var order any
	if err := json.Unmarshal([]byte(benchOrder), &order); err != nil {
		b.Fatal(err)
	}
	srv.Handle("orders.get", func(*openapitest.Call) openapitest.Reply { return openapitest.Reply{Body: order} })
	c := paykit.New(Provider("client-id", "client-secret", WithBaseURL(srv.URL)))
	benchRetrieve(b, c)
}

// BenchmarkRetrievePayment measures the provider's own cost of one call
// (request building, transport, decoding and mapping of the order) over a
// mocked network, as polar's benchmark of the same name does.
func BenchmarkRetrievePayment(b *testing.B) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "https://paypal.test/v1/oauth2/token",
		httpmock.NewStringResponder(200, `{"access_token":"A21AAbench","token_type":"Bearer","expires_in":32400}`).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
	mt.RegisterResponder(http.MethodGet, "https://paypal.test/v2/checkout/orders/"+benchOrderID, httpmock.NewStringResponder(200, benchOrder))
	c := paykit.New(Provider("client-id", "client-secret", WithBaseURL("https://paypal.test"), WithHTTPClient(&http.Client{Transport: mt})))
	benchRetrieve(b, c)
}

func benchRetrieve(b *testing.B, c *paykit.Client) {
	ctx := context.Background()
	pay, err := c.Payments.Retrieve(ctx, benchOrderID)
	if err != nil {
		b.Fatal(err)
	}
	if pay.Status != paykit.PaymentSucceeded || pay.AmountCaptured != 5000 || pay.AmountRefunded != 500 || pay.Metadata["order"] != "42" {
		b.Fatalf("payment = %+v", pay)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Payments.Retrieve(ctx, benchOrderID); err != nil {
			b.Fatal(err)
		}
	}
}
