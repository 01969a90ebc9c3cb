package local_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
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

// Events are delivered in-process to the app's own webhook endpoint, here
// mounted as an http.Handler without any network.
func ExampleWithWebhookHandler() {
	ctx := context.Background()
	const secret = "whsec_c2VjcmV0LWZvci10aGUtZXhhbXBsZQ=="
	app := paykit.New(local.Provider()) // the app's client; any provider value verifies
	endpoint := app.Webhooks.Setup(paykit.WebhookConfig{Secret: secret})
	for _, typ := range []paykit.EventType{paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated, paykit.EventCheckoutCompleted} {
		endpoint.On(typ, func(_ context.Context, e *paykit.Event) error {
			fmt.Println("received", e.Type)
			return nil
		})
	}

	sim := local.Provider(local.WithItem("price_basic", 500, "JPY"),
		local.WithWebhookHandler(endpoint), local.WithWebhookSecret(secret))
	defer sim.Close()
	client := paykit.New(sim)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("guest@example.com"), ItemID: "price_basic",
		SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/success",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := sim.CompleteCheckout(ctx, co.ID); err != nil {
		log.Fatal(err)
	}
	if err := sim.Flush(ctx); err != nil { // wait for the deliveries
		log.Fatal(err)
	}
	events, _ := sim.Events(ctx)
	fmt.Println(len(events), "events logged, first:", events[0].Event.Type, events[0].Deliveries[0].Status)
	// Output:
	// received payment.updated
	// received invoice.generated
	// received checkout.completed
	// 5 events logged, first: checkout.created succeeded
}

// A payer whose card asks for 3-D Secure: the payment waits for them until
// they confirm, then the checkout completes.
func ExampleSimulator_PayCheckout() {
	ctx := context.Background()
	sim := local.Provider(local.WithItem("price_basic", 2500, "KWD"))
	defer sim.Close()
	client := paykit.New(sim)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("guest@example.com"), ItemID: "price_basic",
		SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/success",
	})
	if err != nil {
		log.Fatal(err)
	}
	pay, err := sim.PayCheckout(ctx, co.ID, local.CardRequiresAction)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pay.Status, pay.RequiresAction)
	pay, err = sim.ConfirmPayment(ctx, pay.ID)
	if err != nil {
		log.Fatal(err)
	}
	co, _ = client.Checkouts.Retrieve(ctx, co.ID)
	amount := paykit.FormatAmount(pay.AmountCaptured, pay.Currency)
	fmt.Println(pay.Status, amount, co.Status)
	// Output:
	// requires_action true
	// succeeded KWD 2.500 complete
}

// A declined card: the payment fails and an active subscription falls
// past due.
func ExampleSimulator_FailPayment() {
	ctx := context.Background()
	sim := local.Provider(local.WithRecurringItem("price_pro", 900, "USD", paykit.IntervalMonth))
	defer sim.Close()
	client := paykit.New(sim)
	sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerEmail("later@example.com"), ItemID: "price_pro",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.Status, sub.RequiresAction)
	var first *paykit.Payment
	for p, err := range client.Payments.List(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		first = p
	}
	pay, err := sim.FailPayment(ctx, first.ID)
	if err != nil {
		log.Fatal(err)
	}
	// The subscription has not started: another payment awaits the payer.
	again, _ := client.Subscriptions.Retrieve(ctx, sub.ID)
	fmt.Println(pay.Status, pay.FailureCode, again.Status, again.PaymentURL != sub.PaymentURL)
	// Output:
	// pending true
	// failed card_declined pending true
}

// An app's provider is a client of a local payments server ("paykit dev"
// or server.Start): app, hosted pages and dashboard share one state.
func ExampleWithServerURL() {
	ctx := context.Background()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: []local.Option{
		local.WithRecurringItem("price_pro", 900, "USD", paykit.IntervalMonth),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	sim := local.Provider(local.WithServerURL(srv.URL()), local.WithWebhookSecret(srv.Simulator().WebhookSecret()))
	defer sim.Close()
	client := paykit.New(sim)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("jane@example.com"), ItemID: "price_pro",
		SessionType: paykit.SessionRecurring, Quantity: 1, SuccessURL: "https://example.com/thanks",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := sim.CompleteCheckout(ctx, co.ID); err != nil { // the payer clicks Pay
		log.Fatal(err)
	}
	co, _ = client.Checkouts.Retrieve(ctx, co.ID)
	sub, _ := client.Subscriptions.Retrieve(ctx, co.SubscriptionID)
	fmt.Println(co.Status, sub.Status, sub.BillingInterval)

	// Errors of the server come back as *paykit.Error.
	_, err = client.Payments.Retrieve(ctx, "pay_missing")
	fmt.Println(errors.Is(err, paykit.ErrNotFound))
	// Output:
	// complete active month
	// true
}

// The event log is read a page at a time, newest first.
func ExampleSimulator_EventsPage() {
	ctx := context.Background()
	sim := local.Provider()
	defer sim.Close()
	client := paykit.New(sim)
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		if _, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: email}); err != nil {
			log.Fatal(err)
		}
	}
	lp := paykit.ListParams{Limit: 2}
	for {
		page, err := sim.EventsPage(ctx, lp)
		if err != nil {
			log.Fatal(err)
		}
		for _, le := range page.Data {
			fmt.Println(le.Event.Type, le.Event.Customer().Email)
		}
		if !page.HasMore {
			break
		}
		lp.Cursor = page.NextCursor
	}
	// Output:
	// customer.created c@example.com
	// customer.created b@example.com
	// customer.created a@example.com
}
