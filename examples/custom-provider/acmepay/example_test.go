package acmepay_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/examples/custom-provider/acmepay"
	"github.com/paykit-go/paykit/providerkit"
)

// A provider written outside paykit is used as any other: through a
// paykit.Client, here receiving a signed webhook delivery (no network).
func Example() {
	client := paykit.New(acmepay.Provider("acme-client-id", "acme-client-secret"))
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("your-endpoint-signing-key"))

	wh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: secret})
	wh.On(paykit.EventPaymentUpdated, func(_ context.Context, e *paykit.Event) error {
		p := e.Payment()
		amount, _ := providerkit.FormatDecimal(p.Amount, p.Currency)
		fmt.Println(e.NativeType, "is", e.Type+":", p.ID, p.Status, p.Currency, amount)
		return nil
	})

	// What Acme Pay would POST to the endpoint.
	body := []byte(`{"id":"evt_1","type":"payment.succeeded","created_at":"2026-01-01T12:00:00Z","data":{` +
		`"id":"pay_1","amount":"25.00","currency":"USD","customer":"cus_1","status":"succeeded","reference":null,` +
		`"amount_refunded":"0.00","failure_code":null,"metadata":{},"created_at":"2026-01-01T12:00:00Z"}}`)
	req := &paykit.WebhookRequest{Body: body,
		Header: providerkit.StandardWebhookHeaders(providerkit.StandardWebhookKey(secret), "evt_1", time.Now(), body)}
	if err := wh.Handle(context.Background(), req); err != nil {
		fmt.Println(err)
	}
	fmt.Println("subscribe to", acmepay.MappedEvents())
	// Output:
	// payment.succeeded is payment.updated: pay_1 succeeded USD 25.00
	// subscribe to [customer.created payment.failed payment.succeeded refund.succeeded]
}
