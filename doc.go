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
// # Validation before any provider call
//
// Every Client method checks its arguments first: ids, emails, URLs,
// currencies (active ISO 4217 codes), amounts (int64 minor units, never
// negative), metadata (at most 50 keys; the key "__paykit" is reserved),
// quantities and intervals. Bad input is an *Error with Code
// VALIDATION_ERROR and Param naming the parameter in its JSON form
// ("email", "metadata.plan"), and nothing reaches the provider. A provider
// may refuse more (an amount its currency cannot carry, a product id
// without a price): it does so before it sends anything, the same way.
//
// # Idempotency
//
// Every write (Op.IsWrite) carries RequestOptions.IdempotencyKey: the
// caller's WithIdempotencyKey, or one the Client generates per call. A
// provider that honours keys (Capabilities.IdempotencyKeys) sends it
// unchanged on every retry of the call, so its own retries never apply a
// write twice. On a provider that honours none, a write with the caller's
// key fails with ErrNotSupported rather than run unprotected, and the
// provider repeats a write only when the request cannot have reached the
// server or the server refused it unseen (a 401 whose credentials were
// replaced, a 429). A write whose outcome is unknown (an answer lost after the
// request was sent, a 5xx, an ended deadline) answers alike everywhere:
// Error.OutcomeUnknown is set, Error.IdempotencyKey is the key it was sent
// with, and it is Retryable only when a retry would carry that same key.
//
// # Capabilities
//
// A provider declares the Ops it supports in Capabilities. The Client
// refuses every other operation with ErrNotSupported before calling the
// provider, and Client.Supports answers the same question for a program
// that adapts to its provider. Every declared operation must work: the
// conformance suite (paykittest.RunConformance) calls each one.
//
// # Errors
//
// Every error is an *Error with a stable Code; match kinds with errors.Is
// against the sentinels (ErrNotFound, ErrCardDeclined, ...) and reach the
// provider's native error with errors.As. Retrieve of an unknown id is
// ErrNotFound, never (nil, nil). Retryable says whether the same call may
// succeed if tried again; RetryAfter is the wait the provider asked for.
// API keys, webhook secrets, tokens and card numbers never appear in an
// error or a log line (see Redact).
//
// # Pagination
//
// List methods return an iterator over every page (break to stop) and
// ListPage one page. A provider answers a Page with HasMore and an opaque
// NextCursor; the Client follows cursors, stops when HasMore is false,
// and fails a provider that claims more without a new cursor instead of
// looping. Empty pages that claim more are followed, since some providers
// filter on their side.
//
// # Raw
//
// Each resource keeps the provider's own representation in Raw, for what
// the unified type does not carry: the provider SDK's object, or the JSON
// as received (json.RawMessage) where the provider decodes the answer
// itself. Raw is never serialized; each provider's package doc says what
// its Raw holds.
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
//
// # Writing a provider
//
// A provider is a value implementing Provider, usually in its own package
// (in this module under providers/<name>, or in any other module). It
// embeds UnimplementedProvider, declares what it supports in Capabilities,
// and maps each supported operation to its API. Package providerkit has
// the parts every provider needs (a REST transport with safe retries, an
// OAuth2 token manager, money conversion with the provider's own
// exponents, Standard Webhooks, typed ProviderMetadata options, the
// reserved-metadata codec, configuration errors, secrets and one backoff
// policy). A provider passes three suites of paykittest: RunConformance,
// the contract; RunWebhookConformance, crafted and replayed deliveries;
// and RunSecretConformance, canary secrets searched for in every error,
// log line and webhook answer. A provider without customers keeps them in
// a CustomerStore, whose suite is RunCustomerStore. paykittest/openapitest
// plays a provider's API from its OpenAPI document in tests. examples/custom-provider is a complete provider in a module of
// its own, written only on these public packages.
//
// Every provider package follows one layout, which a test holds the
// providers of this module to:
//
//   - doc.go: the package doc — what the provider maps to what, what Raw
//     holds, which ProviderMetadata options it takes, what it refuses.
//   - <name>.go: const Name, func Provider(...) paykit.Provider over an
//     unexported type (a package returns more only when its users need
//     more, and says why), Name and Capabilities.
//   - options.go: the Option type and With... functions. A bad option is
//     kept and returned by every call as a CONFIGURATION_ERROR naming it,
//     so Provider never panics and never returns an error.
//   - errors.go: the provider's errors mapped to *Error.
//   - wire.go: the provider's wire types and its native-to-unified status
//     tables, as data (maps), which the README's status tables repeat.
//   - one plural file per resource: customers.go, checkouts.go,
//     subscriptions.go, payments.go, refunds.go, invoices.go (a provider
//     whose API serves two resources from one object may name the file
//     after it, as polar's orders.go).
//   - webhooks.go: ParseWebhook with a declarative table from native event
//     types to unified ones, and MappedEvents listing it.
//
// The rules each method follows: check its own arguments (a provider is
// also called directly, so nil params, nil options, a nil request and an
// empty id are a VALIDATION_ERROR, never a panic); send the idempotency key
// of a write on every retry; answer ErrNotFound for an unknown id; map
// every native status through wire.go's tables; set OutcomeUnknown on a
// write that may have been applied; and never put a secret in an error.
package paykit
