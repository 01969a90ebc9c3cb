// Package polar is the paykit provider for Polar (polar.sh), API version
// 2026-10:
//
//	client := paykit.New(polar.Provider(os.Getenv("POLAR_ACCESS_TOKEN"), polar.WithSandbox()))
//
// It talks to Polar's REST API through paykit's own transport
// (providerkit.RESTClient), not through github.com/polarsource/polar-go: that
// generated SDK lags the 2026-10 document (Orders.Get, for one, demands a
// field the document dropped), and it has no webhook verification. The
// transport never repeats a write that may have reached Polar, because
// Polar takes no idempotency keys (Capabilities().IdempotencyKeys is
// false). Such a write's error has OutcomeUnknown set, no IdempotencyKey,
// is not Retryable, and its message, the paykit Client's, asks the caller
// to check before repeating it.
//
// Every request carries "Polar-Version: 2026-10", which pins the API
// contract this package was built and contract-tested against (Polar
// answers requests without it with its current version, which moves every
// quarter).
//
// # Mapping
//
// Ids are Polar's UUIDs. An id that is not a UUID names nothing: Retrieve,
// Update and Delete answer ErrNotFound without calling Polar (an empty id,
// from a direct call without a paykit.Client, is a VALIDATION_ERROR on
// "id", as are nil params on "params"; nil list params are the first
// page). Nil RequestOptions change nothing: Polar takes no idempotency
// keys, and a write is sent once either way.
//
// Metadata: Polar's values may be strings, integers, numbers or booleans;
// Metadata shows the others in their JSON form ("3", "true"). Updates of
// customers, checkouts and subscriptions merge the caller's changes into
// the current metadata (read first: Polar replaces it whole); a key set to
// "" is removed, and every key the caller did not name is sent back
// exactly as Polar holds it, type included.
//
//   - Customers map to Polar customers. Polar has no phone: it is kept in
//     the reserved metadata key "__paykit" and never shown in Metadata.
//     Update merges metadata, which costs a read before the write.
//   - Checkouts map to Polar checkout sessions. Polar decides one-time or
//     recurring, and the renewal, from the product: SessionType is not
//     sent, CreateCheckoutParams.Subscription is refused, and the returned
//     Checkout reports what the product is. Quantity above 1 is sent as
//     seats, which only seat-based prices accept. Polar cannot expire a
//     checkout through the API: checkouts.delete is not supported.
//   - Subscriptions: Polar's POST /v1/subscriptions/ subscribes a customer
//     to a FREE product only. For a paid product Subscriptions.Create
//     answers a VALIDATION_ERROR on "item_id" naming the way that works:
//     Checkouts.Create with SessionType paykit.SessionRecurring. Cancel and
//     Delete revoke at once; Update sets CancelAtPeriodEnd. Polar's
//     trialing maps to SubscriptionActive (the unified model has no trial
//     state), past_due to PastDue, canceled and unpaid to Canceled,
//     incomplete_expired to Expired, incomplete and paused to Pending (see
//     "Status semantics" in package paykit).
//   - Payments are Polar orders. Payments.Create opens a checkout for the
//     product (ItemID, or the product of WithPaymentProduct) at the given
//     amount and currency (an ad-hoc price; the checkout is presented in
//     that currency, and a different Billing.Currency is refused on
//     "billing.currency") and returns a pending payment with
//     RequiresAction and the checkout's PaymentURL; its ID is the
//     checkout's. Once paid, Retrieve of that ID answers the order, with the
//     order's ID. With PaymentOptions{OffSession: true} it instead creates a
//     draft order and finalizes it against a saved payment method
//     (organisations with off-session charges enabled). If finalizing
//     fails, the error carries a *DraftOrderError (errors.As) with the
//     draft order's id and whether Polar's answer proves it was not
//     charged; otherwise look the order up before charging again.
//   - Invoices are the same orders (same ids): billing_reason purchase is
//     BillingOneTime, the subscription reasons BillingRecurring; the line
//     item is the product with its seats (or 1). Polar records no payment
//     time: PaidAt is the order's creation, which a later refund or update
//     does not move. A checkout creates its order once paid; a renewal
//     paid after retries, or a draft order finalized later, was paid
//     somewhat after its PaidAt.
//   - Refunds need an amount at Polar; Amount 0 refunds what is left,
//     read from the order first, and more than what is left is a
//     VALIDATION_ERROR on "amount" before anything is sent.
//
// # Amounts and tax
//
// Every amount paykit reports for money that moved is gross: what the
// customer paid or got back, sales tax included. Polar keeps net amounts
// (after discounts, before tax) and tax apart; this package adds them up:
//
//   - Payment.Amount is the order's total_amount (net_amount +
//     tax_amount). AmountCaptured, and an Invoice's AmountPaid, is what
//     the payment method was charged: total_amount plus the customer
//     balance Polar applied (applied_balance_amount, negative when a
//     credit paid part of it). AmountRefunded is refunded_amount +
//     refunded_tax_amount, so AmountCaptured - AmountRefunded is what can
//     still be refunded.
//   - Refund.Amount is the refund's amount + tax_amount.
//   - Refunds.Create takes the gross Amount to give back. Polar's refund
//     takes a net amount and adds tax in the order's ratio (tax_amount /
//     net_amount, rounded half to even; all the tax left when all the net
//     amount left is refunded), so the provider sends the net amount that
//     gives Amount exactly. Some gross amounts have none (at 20% tax, 3
//     falls between 2 and 4): they are refused with a VALIDATION_ERROR on
//     "amount" naming the two nearest, before anything is sent.
//   - Checkout.Amount (and the Payment of an unpaid checkout) is the
//     checkout's total_amount: tax included once Polar has computed it.
//   - Inputs are prices: Payments.Create's Amount is the ad-hoc price of
//     the product, to which Polar adds tax when the product's tax is
//     exclusive, so the returned Payment's Amount may be larger.
//     Subscription.Amount is Polar's price per period, before tax.
//
// # Webhooks
//
// Deliveries are verified as Standard Webhooks, keyed by the endpoint's
// secret exactly as Polar shows it (its raw bytes, "whsec_" prefix
// included: it is not base64-decoded). MappedEvents lists the native events
// that become unified ones; subscribe the endpoint to those. Every other
// verified event comes back as paykit.EventUnknown.
package polar
