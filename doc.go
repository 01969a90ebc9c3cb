// Package paykit is one payments API — customers, checkouts,
// subscriptions, payments, refunds, invoices and webhooks — over pluggable
// provider adapters.
//
//	client := paykit.New(local.Provider())
//	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "user@example.com"})
//
// Switching provider (providers/stripe, providers/polar, ...) is a one-line
// change. The Client validates every call before the provider sees it,
// attaches idempotency keys to writes, refuses operations the provider does
// not support, and returns one error type, *Error.
//
// # Status semantics
//
// A unified status says what can be observed of an object, whatever the
// provider calls it. Each provider maps its native statuses onto these
// (the maps in its wire.go, shown as tables in the README under the
// provider); a native status an adapter does not know maps to the fallback
// its mapping function names, never to an error. The local simulator uses
// these statuses as its own.
//
// Subscriptions (SubscriptionStatus):
//   - SubscriptionPending: nothing has been paid for the subscription yet
//     and it has not ended. Its first payment awaits the payer
//     (RequiresAction and PaymentURL say where), is processing, or awaits a
//     payment method. Grant no access yet. It becomes active when the first
//     payment succeeds, expired when nobody paid in time (Stripe: 23 hours;
//     local: CheckoutTTL). Native: incomplete; paused (Stripe: a trial
//     ended without a payment method).
//   - SubscriptionActive: in good standing: the current period is paid, or
//     nothing is due yet (a trial is active). It renews at
//     CurrentPeriodEnd, or ends there if CancelAtPeriodEnd. Grant access.
//   - SubscriptionPastDue: a period's payment failed or awaits the payer,
//     and the provider is still collecting: it retries (Stripe's Smart
//     Retries, Polar's dunning) or waits for the payer at PaymentURL
//     (local). The subscription still stands and becomes active by itself
//     when a payment succeeds, or canceled when the provider gives up.
//     paykit treats the customer as still subscribed: whether access lasts
//     through this grace is your policy (Polar revokes its own benefits at
//     once unless its grace period is set). The local simulator also
//     starts a customer's subscription past_due when the saved card
//     declines its first charge: it retries at each renewal.
//   - SubscriptionCanceled: the subscription ended after it had started:
//     it was canceled (at once, or at the end of the period), or the
//     provider stopped collecting after its retries failed (unpaid). No
//     payment will be attempted; end access. Final, save that a Stripe
//     unpaid subscription whose open invoice is then paid becomes active
//     again.
//   - SubscriptionExpired: the subscription ended without ever being paid:
//     its first payment was not made in time (incomplete_expired). Final;
//     nothing is billed.
//
// Stripe's and Polar's unpaid are canceled, and their incomplete pending.
// On both, unpaid means the retries are exhausted and collection stopped:
// Stripe attempts no more payments and advises ending access, Polar
// revokes the subscription. That is not past_due, a state the provider
// still recovers from by itself, but the end of the subscription.
// incomplete means the first payment has not succeeded: no period was
// ever paid, so nothing is past due; it is pending, and its end,
// incomplete_expired, is expired. (The TypeScript PayKit mapped incomplete
// to past_due on both; paykit-go's Stripe adapter mapped unpaid to
// past_due and its Polar adapter incomplete to past_due.)
//
// Checkouts (CheckoutStatus):
//   - CheckoutOpen: the payer can still pay at PaymentURL, or is paying
//     (Polar's confirmed).
//   - CheckoutComplete: the payer completed it; PaymentID or
//     SubscriptionID names what it created. Final.
//   - CheckoutExpired: it can no longer be paid: it timed out, was expired
//     with Delete, or its payment failed (Polar's failed). Final.
//
// Payments (PaymentStatus):
//   - PaymentPending: created; no attempt is under way. It awaits a payment
//     method or a confirmation (for an email payee: the payer, at
//     PaymentURL).
//   - PaymentRequiresAction: the payer must act (authenticate, or pay at
//     PaymentURL) before the attempt can go on; RequiresAction is set.
//   - PaymentProcessing: an attempt is under way and its outcome is not
//     known yet (bank debits, asynchronous methods).
//   - PaymentRequiresCapture: authorized: the funds are held until Capture
//     (CaptureManual) or until the authorization lapses.
//   - PaymentSucceeded: the money was collected. Final; a later refund
//     shows in AmountRefunded, not in the status.
//   - PaymentCanceled: ended before any money was taken (canceled, or its
//     checkout expired). Final.
//   - PaymentFailed: the last attempt was declined or failed; FailureCode
//     says why. Stripe lets a new payment method be tried, which moves the
//     payment on.
//
// Refunds (RefundStatus):
//   - RefundPending: requested; the money is not back with the customer
//     yet (including a Stripe refund that requires action).
//   - RefundSucceeded: the money was returned.
//   - RefundFailed: the refund could not be made; the money stays with
//     you.
//   - RefundCanceled: canceled before it was made.
//
// Invoices (InvoiceStatus):
//   - InvoiceDraft: not final: it may still change and cannot be paid.
//   - InvoiceOpen: final and awaiting payment.
//   - InvoicePaid: paid (a later refund does not change it).
//   - InvoiceVoid: canceled; it will never be paid.
//   - InvoiceUncollectible: you gave up collecting it (Stripe); it may
//     still be paid.
package paykit
