// Package local is paykit's in-memory payment provider: a stateful
// simulator that needs no account and no network. It keeps customers,
// checkouts, payments, refunds, subscriptions and invoices, runs their
// state machines like a real provider would, honours idempotency keys and
// emits signed webhook events (Standard Webhooks format) to a URL or an
// in-process http.Handler.
//
//	sim := local.Provider(local.WithItem("price_basic", 1500, "USD"))
//	defer sim.Close()
//	client := paykit.New(sim)
//	co, _ := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{...})
//	pay, _ := sim.CompleteCheckout(ctx, co.ID) // the payer pays
//
// Simulation helpers stand in for what a payer, a bank or time would do:
// CompleteCheckout and PayCheckout (with a card that succeeds, declines or
// asks for 3-D Secure), ConfirmPayment, FailPayment, SetCardDeclined and
// AdvanceClock. Events, with the log of their deliveries, are readable
// through Events; Flush waits until they were delivered.
//
// The state lives in a Store: a MemoryStore by default, or a database
// (package sqlite) given with WithStore so that it survives restarts. It
// does not grow with every write: idempotency keys are remembered for
// IdempotencyTTL (24 hours of simulated time, as at Stripe), and the event
// log keeps the newest DefaultEventRetention events (WithEventRetention),
// never one still queued for delivery. Each write prunes a few of what
// expired, so no write pays for a backlog.
//
// Subscriptions renew on their billing anchor: a monthly one started on
// Jan 31 renews on Feb 28, Mar 31, Apr 30. A subscription of a customer
// charges the saved card; one of an email payee, who has no saved card,
// waits for its payer: pending until the first payment is made (expired
// when nobody paid within CheckoutTTL), and at each renewal past_due with
// an open invoice and a payment awaiting the payer at PaymentURL.
//
// The simulator has no native statuses: its objects are in paykit's
// unified statuses ("Status semantics" in package paykit), so it has no
// mapping table. One simplification: a customer's subscription whose saved
// card declines the first charge starts past_due, not pending, and is
// charged again at each renewal.
//
// Called directly, without a paykit.Client, every method checks for
// missing arguments as paykit.Provider says (an empty id or nil params is
// a VALIDATION_ERROR; nil list params are the first page). A write with
// nil RequestOptions, or no idempotency key, is as safe as a Client call
// with the fresh key the Client would make: in process nothing retries
// it; in remote mode it is sent with a key made for the call, so that it
// is resent, and applied at most once, even once it may have reached the
// server, and its error names that key in IdempotencyKey. Give a key of
// your own to make a write safe to repeat.
//
// With WithServerURL the Simulator is instead a client of a local
// payments server (package server, run by "paykit dev"): every operation
// and helper goes to the server's JSON API, so the app, the server's
// hosted checkout pages and its dashboard share one state.
//
//	sim := local.Provider(local.WithServerURL("http://127.0.0.1:4242"), local.WithWebhookSecret(secret))
package local
