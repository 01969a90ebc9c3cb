package stripe_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/stripe"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/webhook"
)

// newClient returns a paykit client over Stripe. The tests point
// STRIPE_API_BASE at stripe-mock; leave it unset to talk to Stripe.
func newClient(opts ...stripe.Option) *paykit.Client {
	if base := os.Getenv("STRIPE_API_BASE"); base != "" {
		opts = append(opts, stripe.WithBaseURL(base))
	}
	return paykit.New(stripe.Provider("sk_test_4eC39HqLyjWDarjtT1zdp7dc", opts...))
}

func ExampleProvider() {
	client := newClient()
	cus, err := client.Customers.Create(context.Background(), &paykit.CreateCustomerParams{
		Email: "jenny.rosen@example.com",
		Name:  "Jenny Rosen",
		Phone: "+15555550123",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cus.Email, cus.Name, cus.Phone)
	// Output: jenny.rosen@example.com Jenny Rosen +15555550123
}

func ExampleProvider_customerRaw() {
	client := newClient()
	cus, err := client.Customers.Retrieve(context.Background(), "cus_123")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Raw is the customer's JSON as Stripe sent it: decode it into
	// stripe-go's Customer for the fields paykit does not carry.
	var native stripeapi.Customer
	if err := json.Unmarshal(cus.Raw.(json.RawMessage), &native); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cus.ID, native.InvoicePrefix)
	// Output: cus_123 7FE1103
}

func ExampleProvider_checkout() {
	client := newClient()
	co, err := client.Checkouts.Create(context.Background(), &paykit.CreateCheckoutParams{
		Customer:    paykit.CustomerID("cus_123"),
		ItemID:      "price_monthly",
		SessionType: paykit.SessionRecurring,
		Quantity:    1,
		SuccessURL:  "https://example.com/thanks",
		Metadata:    map[string]string{"plan": "pro"},
		// Stripe-only settings go in ProviderMetadata, typed.
		ProviderMetadata: stripe.CheckoutOptions{TrialPeriodDays: 14, AllowPromotionCodes: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(co.SessionType, co.Status, co.PaymentURL != "")
	// Output: recurring open true
}

func ExampleProvider_cancelAtPeriodEnd() {
	client := newClient()
	ctx := context.Background()
	// Update with CancelAtPeriodEnd ends the subscription with its period;
	// Cancel would end it now.
	sub, err := client.Subscriptions.Update(ctx, "sub_123", &paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: paykit.Bool(true)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sub.CancelAtPeriodEnd, sub.CurrentPeriodEnd.Unix())
	// Output: true 1234567890
}

func ExampleProvider_payment() {
	// A customer without a saved payment method pays on a Stripe Checkout
	// page: the payment requires action until they have.
	client := newClient(stripe.WithReturnURLs("https://example.com/paid", "https://example.com/cart"))
	pay, err := client.Payments.Create(context.Background(), &paykit.CreatePaymentParams{
		Amount:   1050, // USD 10.50
		Currency: "USD",
		Customer: paykit.CustomerEmail("jenny.rosen@example.com"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pay.Status, pay.RequiresAction, pay.PaymentURL != "")
	// Output: requires_action true true
}

func ExampleProvider_errors() {
	client := newClient()
	_, err := client.Checkouts.Create(context.Background(), &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID("cus_123"), ItemID: "price_123", SessionType: paykit.SessionOneTime, Quantity: 1,
		SuccessURL:       "https://example.com/thanks",
		ProviderMetadata: map[string]string{"locale": "de"}, // not a stripe.CheckoutOptions
	})
	var pe *paykit.Error
	if errors.As(err, &pe) && errors.Is(err, paykit.ErrValidation) {
		fmt.Println(pe.Code, pe.Param)
	}
	// Output: VALIDATION_ERROR provider_metadata
}

func ExampleProvider_parseWebhook() {
	const secret = "whsec_test_secret"
	body := []byte(`{"id":"evt_1","object":"event","type":"payment_intent.succeeded","created":1700000000,
		"data":{"object":{"id":"pi_1","object":"payment_intent","amount":1099,"currency":"usd","status":"succeeded","metadata":{"order":"42"}}}}`)
	// Stripe signs each delivery; webhook.GenerateTestSignedPayload does the
	// same for tests.
	sig := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret})
	req := &paykit.WebhookRequest{Body: body, Header: http.Header{"Stripe-Signature": {sig.Header}}}

	events, err := stripe.Provider("sk_test_4eC39HqLyjWDarjtT1zdp7dc").ParseWebhook(context.Background(), req, secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range events {
		p := e.Payment()
		fmt.Println(e.Type, p.ID, p.Status, p.Amount, p.Currency, p.Metadata["order"])
	}
	// Output: payment.updated pi_1 succeeded 1099 USD 42
}
