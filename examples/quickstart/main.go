// Command quickstart is a narrated end-to-end run of paykit on the local
// provider: no account, no network beyond 127.0.0.1.
//
//	go run ./examples/quickstart
//
// It creates a customer, opens a checkout and pays it as the buyer would,
// receives the signed webhook events through a real http.Handler, refunds
// part of the payment, starts and cancels a subscription, and lists the
// invoices. Switching to Stripe is the one line that builds the provider.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

const webhookSecret = "whsec_cXVpY2tzdGFydC1zZWNyZXQtZm9yLWRlbW8="

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// received records the webhook events the app's handler saw.
type received struct {
	mu     sync.Mutex
	events []*paykit.Event
}

func (r *received) add(_ context.Context, e *paykit.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

func (r *received) counts() map[paykit.EventType]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := map[paykit.EventType]int{}
	for _, e := range r.events {
		n[e.Type]++
	}
	return n
}

func run(ctx context.Context, out io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }

	// The app's webhook endpoint: a real HTTP server on loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	webhookURL := "http://" + ln.Addr().String() + "/webhooks"

	// The one line that picks the provider. With Stripe it would read
	// stripe.Provider(os.Getenv("STRIPE_SECRET_KEY")); with PayPal
	//
	//	provider := paypal.Provider(os.Getenv("PAYPAL_CLIENT_ID"), os.Getenv("PAYPAL_SECRET"), paypal.WithSandbox(),
	//		paypal.WithItem("price_tshirt", paypal.Item{Name: "T-shirt", Amount: 2500, Currency: "USD"}))
	//
	// (PayPal has no price objects: WithItem prices the checkout's item,
	// and a subscription's ItemID is a PayPal plan id, P-...). The sim
	// calls below are the simulator playing the buyer and delivering the
	// webhooks; at PayPal the buyer approves at the checkout's PaymentURL
	// and Payments.Capture takes the money.
	sim := local.Provider(
		local.WithItem("price_tshirt", 2500, "USD"),
		local.WithRecurringItem("price_pro", 1900, "USD", paykit.IntervalMonth),
		local.WithWebhookURL(webhookURL),
		local.WithWebhookSecret(webhookSecret),
	)
	defer sim.Close()
	client := paykit.New(sim)

	got := &received{}
	wh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: webhookSecret})
	for _, t := range []paykit.EventType{
		paykit.EventCustomerCreated, paykit.EventCheckoutCreated, paykit.EventCheckoutCompleted,
		paykit.EventPaymentCreated, paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated,
		paykit.EventRefundCreated, paykit.EventSubscriptionCreated, paykit.EventSubscriptionCanceled,
	} {
		wh.On(t, got.add)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks", wh)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	say("webhook endpoint listening at %s", webhookURL)

	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{
		Email: "jane@example.com", Name: "Jane Doe", Phone: "+1234567890", Metadata: map[string]string{"plan": "pro"},
	})
	if err != nil {
		return fmt.Errorf("create customer: %w", err)
	}
	say("1. customer %s created for %s", cus.ID, cus.Email)

	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerID(cus.ID), ItemID: "price_tshirt", SessionType: paykit.SessionOneTime, Quantity: 2,
		Metadata: map[string]string{"source": "quickstart"}, SuccessURL: "https://example.com/success", CancelURL: "https://example.com/cancel",
	})
	if err != nil {
		return fmt.Errorf("create checkout: %w", err)
	}
	say("2. checkout %s opened for %s; the buyer would visit %s", co.ID, paykit.FormatAmount(co.Amount, co.Currency), co.PaymentURL)

	pay, err := sim.CompleteCheckout(ctx, co.ID)
	if err != nil {
		return fmt.Errorf("complete checkout: %w", err)
	}
	pay, err = client.Payments.Retrieve(ctx, pay.ID)
	if err != nil {
		return fmt.Errorf("retrieve payment: %w", err)
	}
	say("3. the buyer paid: payment %s is %s (%s)", pay.ID, pay.Status, paykit.FormatAmount(pay.Amount, pay.Currency))

	ref, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 1000, Reason: paykit.RefundRequestedByCustomer})
	if err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	say("4. refunded %s of it (%s, reason %s)", paykit.FormatAmount(ref.Amount, ref.Currency), ref.ID, ref.Reason)

	_, err = client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 999_999})
	var pe *paykit.Error
	if !errors.As(err, &pe) || !errors.Is(err, paykit.ErrValidation) {
		return fmt.Errorf("an over-refund was not refused: %v", err)
	}
	say("5. an over-refund is refused: %s on %q", pe.Code, pe.Param)

	sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{
		Customer: paykit.CustomerID(cus.ID), ItemID: "price_pro", Metadata: map[string]string{"plan": "pro"},
	})
	if err != nil {
		return fmt.Errorf("create subscription: %w", err)
	}
	say("6. subscription %s is %s, %s per %s, period ends %s", sub.ID, sub.Status, paykit.FormatAmount(sub.Amount, sub.Currency), sub.BillingInterval, sub.CurrentPeriodEnd.Format(time.DateOnly))

	sub, err = client.Subscriptions.Cancel(ctx, sub.ID)
	if err != nil {
		return fmt.Errorf("cancel subscription: %w", err)
	}
	say("7. subscription %s is now %s", sub.ID, sub.Status)

	say("8. invoices of %s:", cus.ID)
	for inv, err := range client.Invoices.List(ctx, &paykit.ListInvoicesParams{CustomerID: cus.ID}) {
		if err != nil {
			return fmt.Errorf("list invoices: %w", err)
		}
		say("   %s  %-9s %-5s %s", inv.ID, inv.BillingMode, inv.Status, paykit.FormatAmount(inv.AmountPaid, inv.Currency))
	}

	// Deliveries are asynchronous, as with any provider: wait for them.
	flushCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sim.Flush(flushCtx); err != nil {
		return fmt.Errorf("deliver webhooks: %w", err)
	}
	counts := got.counts()
	types := make([]string, 0, len(counts))
	for t, n := range counts {
		types = append(types, fmt.Sprintf("%s x%d", t, n))
	}
	sort.Strings(types)
	say("9. the webhook handler verified and received: %s", strings.Join(types, ", "))
	for _, need := range []paykit.EventType{paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated, paykit.EventRefundCreated, paykit.EventSubscriptionCanceled} {
		if counts[need] == 0 {
			return fmt.Errorf("no %s event reached the handler", need)
		}
	}
	say("done.")
	return nil
}
