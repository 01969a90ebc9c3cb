package local_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

// A customer pays a one-time checkout; the simulator plays the payer.
func Example() {
	ctx := context.Background()
	sim := local.Provider(local.WithItem("price_basic", 1500, "USD"))
	defer sim.Close()
	client := paykit.New(sim)

	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jane@example.com", Name: "Jane Doe"})
	if err != nil {
		log.Fatal(err)
	}
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID(cus.ID), ItemID: "price_basic", SessionType: paykit.SessionOneTime,
		Quantity: 2, SuccessURL: "https://example.com/success",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("checkout:", co.Status, co.Amount, co.Currency)

	if _, err := sim.CompleteCheckout(ctx, co.ID); err != nil {
		log.Fatal(err)
	}
	co, _ = client.Checkouts.Retrieve(ctx, co.ID)
	pay, _ := client.Payments.Retrieve(ctx, co.PaymentID)
	fmt.Println("checkout:", co.Status)
	fmt.Println("payment:", pay.Status, pay.AmountCaptured)
	// Output:
	// checkout: open 3000 USD
	// checkout: complete
	// payment: succeeded 3000
}

// Events reach a real paykit webhook endpoint, signed, over HTTP.
func ExampleWithWebhookURL() {
	ctx := context.Background()
	const secret = "whsec_c2VjcmV0LWZvci10aGUtZXhhbXBsZQ=="
	received := make(chan string, 10)
	client := paykit.New(local.Provider()) // verifies only: any local provider will do
	endpoint := client.Webhooks.Setup(paykit.WebhookConfig{Secret: secret}).
		On(paykit.EventCustomerCreated, func(_ context.Context, e *paykit.Event) error {
			received <- string(e.Type) + " " + e.Customer().Email
			return nil
		})
	srv := httptest.NewServer(endpoint)
	defer srv.Close()

	sim := local.Provider(local.WithWebhookURL(srv.URL), local.WithWebhookSecret(secret))
	defer sim.Close()
	if _, err := paykit.New(sim).Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jane@example.com"}); err != nil {
		log.Fatal(err)
	}
	if err := sim.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-received)
	// Output: customer.created jane@example.com
}

// A monthly subscription renews when simulated time passes.
func ExampleSimulator_AdvanceClock() {
	ctx := context.Background()
	start := time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)
	sim := local.Provider(
		local.WithRecurringItem("price_pro", 900, "EUR", paykit.IntervalMonth),
		local.WithClock(func() time.Time { return start }),
	)
	defer sim.Close()
	client := paykit.New(sim)
	cus, _ := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jane@example.com"})
	sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: "price_pro"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.Status, sub.CurrentPeriodEnd.Format(time.DateOnly))

	if err := sim.AdvanceClock(ctx, 40*24*time.Hour); err != nil {
		log.Fatal(err)
	}
	sub, _ = client.Subscriptions.Retrieve(ctx, sub.ID)
	fmt.Println(sub.Status, sub.CurrentPeriodStart.Format(time.DateOnly), sub.CurrentPeriodEnd.Format(time.DateOnly))
	for inv, err := range client.Invoices.List(ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(inv.Status, inv.AmountPaid, inv.Currency, inv.PaidAt.Format(time.DateOnly))
	}
	// Output:
	// active 2025-02-15
	// active 2025-02-15 2025-03-15
	// paid 900 EUR 2025-02-15
	// paid 900 EUR 2025-01-15
}
