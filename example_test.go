package paykit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

// The examples run on the local provider, which needs no account.
func newExampleClient() (*paykit.Client, *local.Simulator) {
	sim := local.Provider(
		local.WithItem("price_tshirt", 2500, "USD"),
		local.WithItem("price_ramen", 1200, "JPY"),
		local.WithRecurringItem("price_pro", 1900, "USD", paykit.IntervalMonth),
	)
	return paykit.New(sim), sim
}

func ExampleNew() {
	client, sim := newExampleClient()
	defer sim.Close()
	fmt.Println(client.Supports(paykit.OpSubscriptionsCreate), client.Supports(paykit.OpRefundsCreate))
	// Output: true true
}

func ExampleCustomerService_Create() {
	client, sim := newExampleClient()
	defer sim.Close()
	ctx := context.Background()
	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{
		Email: "user@example.com", Name: "Jane Doe", Phone: "+1234567890", Metadata: map[string]string{"plan": "pro"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cus, _ = client.Customers.Update(ctx, cus.ID, &paykit.UpdateCustomerParams{Name: paykit.String("Jane Smith")})
	fmt.Println(cus.Email, cus.Name, cus.Metadata["plan"])
	// Output: user@example.com Jane Smith pro
}

func ExampleCustomerService_List() {
	client, sim := newExampleClient()
	defer sim.Close()
	ctx := context.Background()
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		_, _ = client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: email})
	}
	// List fetches every page (here pages of 2) until the end or a break.
	for cus, err := range client.Customers.List(ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 2}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(cus.Email)
	}
	// Output:
	// c@example.com
	// b@example.com
	// a@example.com
}

func ExampleCheckoutService_Create() {
	client, sim := newExampleClient()
	defer sim.Close()
	ctx := context.Background()
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer:    paykit.CustomerEmail("user@example.com"),
		ItemID:      "price_ramen",
		SessionType: paykit.SessionOneTime,
		Quantity:    2,
		SuccessURL:  "https://example.com/success",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(co.Status, paykit.FormatAmount(co.Amount, co.Currency))

	pay, _ := sim.CompleteCheckout(ctx, co.ID) // what the payer does on PaymentURL
	fmt.Println(pay.Status, paykit.FormatAmount(pay.Amount, pay.Currency))
	// Output:
	// open JPY 2400
	// succeeded JPY 2400
}

func ExampleSubscriptionService_Create() {
	client, sim := newExampleClient()
	defer sim.Close()
	ctx := context.Background()
	cus, _ := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "user@example.com"})
	sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerID(cus.ID), ItemID: "price_pro", Metadata: map[string]string{"plan": "pro"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sub.Status, sub.BillingInterval, paykit.FormatAmount(sub.Amount, sub.Currency))
	sub, _ = client.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: paykit.Bool(true)})
	fmt.Println(sub.Status, sub.CancelAtPeriodEnd)
	sub, _ = client.Subscriptions.Cancel(ctx, sub.ID)
	fmt.Println(sub.Status)
	// Output:
	// active month USD 19.00
	// active true
	// canceled
}

func ExamplePaymentService_Capture() {
	client, sim := newExampleClient()
	defer sim.Close()
	ctx := context.Background()
	cus, _ := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "user@example.com"})
	pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{
		Amount: 5000, Currency: "USD", Customer: paykit.CustomerID(cus.ID), CaptureMethod: paykit.CaptureManual,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pay.Status)
	pay, _ = client.Payments.Capture(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: 4000})
	fmt.Println(pay.Status, pay.AmountCaptured)
	// Output:
	// requires_capture
	// succeeded 4000
}

func ExampleRefundService_Create() {
	client, sim := newExampleClient()
	defer sim.Close()
	ctx := context.Background()
	cus, _ := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "user@example.com"})
	pay, _ := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2500, Currency: "USD", Customer: paykit.CustomerID(cus.ID)})

	ref, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 1000, Reason: paykit.RefundRequestedByCustomer})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(paykit.FormatAmount(ref.Amount, ref.Currency), ref.Reason)

	_, err = client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 2000})
	pe, _ := paykit.AsError(err)
	fmt.Println(errors.Is(err, paykit.ErrValidation), pe.Param)
	// Output:
	// USD 10.00 requested_by_customer
	// true amount
}

func ExampleError() {
	client, sim := newExampleClient()
	defer sim.Close()
	_, err := client.Checkouts.Create(context.Background(), &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID("cus_123"), ItemID: "price_tshirt", SessionType: paykit.SessionOneTime,
		Quantity: 0, SuccessURL: "https://example.com/success",
	})
	var pe *paykit.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Code, pe.Param)
	}
	fmt.Println(errors.Is(err, paykit.ErrValidation))
	fmt.Println(err)
	// Output:
	// VALIDATION_ERROR quantity
	// true
	// paykit: local: checkouts.create: VALIDATION_ERROR: quantity: quantity must be at least 1
}

func ExampleWebhook() {
	// Forward the simulator's signed deliveries to the app's handler in
	// process; in production the provider POSTs them to your URL.
	var app http.Handler
	sim := local.Provider(
		local.WithItem("price_tshirt", 2500, "USD"),
		local.WithWebhookSecret("whsec_ZXhhbXBsZS1zZWNyZXQ="),
		local.WithWebhookHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { app.ServeHTTP(w, r) })),
	)
	defer sim.Close()
	client := paykit.New(sim)

	app = client.Webhooks.Setup(paykit.WebhookConfig{Secret: "whsec_ZXhhbXBsZS1zZWNyZXQ="}).
		On(paykit.EventInvoiceGenerated, func(_ context.Context, e *paykit.Event) error {
			inv := e.Invoice()
			fmt.Println("invoice", inv.Status, inv.BillingMode, paykit.FormatAmount(inv.AmountPaid, inv.Currency))
			return nil
		})

	ctx := context.Background()
	co, _ := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("user@example.com"), ItemID: "price_tshirt",
		SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/success",
	})
	_, _ = sim.CompleteCheckout(ctx, co.ID)
	_ = sim.Flush(ctx) // wait for the asynchronous deliveries

	// A forged delivery is refused with 400.
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/webhooks", nil))
	fmt.Println(rec.Code)
	// Output:
	// invoice paid one_time USD 25.00
	// 400
}
