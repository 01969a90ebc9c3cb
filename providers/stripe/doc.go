// Package stripe is the paykit provider for Stripe, built on the official
// stripe-go SDK (v79):
//
//	client := paykit.New(stripe.Provider(os.Getenv("STRIPE_SECRET_KEY")))
//
// Provider returns a paykit.Provider (all of its methods are paykit's);
// each holds its own stripe-go client.API, so one process can serve
// several Stripe accounts. Amounts are ISO 4217 minor units as everywhere in
// paykit; where Stripe's decimals differ (ISK: two at Stripe, none in ISO
// 4217; MGA: none at Stripe, two in ISO 4217; LYD, IQD: two at Stripe,
// three in ISO 4217) they are converted, and amounts Stripe cannot
// represent exactly are refused before anything is sent. Every write
// sends the paykit idempotency key as Stripe's Idempotency-Key, and every
// retry reuses it. Retries follow stripe-go's rules but are made by the
// provider, not stripe-go, so that they end with the context: a cancelled
// call stops waiting, a retry that could not start before the deadline
// (paykit.WithTimeout) is not made, and the last answer is reported.
// A write called directly, without a paykit.Client, with nil
// RequestOptions or no idempotency key gets a new key, as from the
// Client, so that its own retries are safe (it does not make a repeated
// call safe). Missing arguments of a direct call are refused as
// paykit.Provider says, before anything is sent. A write whose request was
// sent and whose outcome no answer gives (the connection dropped after the
// request was written, a 5xx or 408, once the retries are spent) fails
// with OutcomeUnknown and the IdempotencyKey Stripe received; a 4xx, a
// read or a request that was never sent (a refused dial) does not.
//
// Customer.Raw is the customer's JSON as Stripe sent it (json.RawMessage),
// from API calls as from webhooks; json.Unmarshal it into a stripe.Customer
// for the fields paykit does not carry. paykit reads the few fields it maps
// straight from Stripe's answer instead of decoding stripe-go's Customer.
// Customer writes go through stripe-go's backend; customer reads are sent
// by the provider itself, with stripe-go's headers, HTTP client, retry
// rules and error parsing but without its backend's repeated decoding
// passes, for about a fifth less client CPU per read. The Raw of the
// other resources is stripe-go's object (*stripe.PaymentIntent, ...) from
// API calls and, as for customers, the JSON from webhooks. Each resource
// has one mapping, whether it came from an API answer or a webhook, so
// both report an object alike.
//
// ParseWebhook maps Stripe's event types through a table; MappedEvents
// lists them, the events to subscribe an endpoint to.
//
// ProviderMetadata takes this package's typed options: CustomerOptions,
// CheckoutOptions, SubscriptionOptions, PaymentOptions and RefundOptions.
//
// A payment created through Payments.Create for a customer without a saved
// payment method is a Stripe Checkout Session in payment mode: the payment
// requires action, its PaymentURL is the checkout page, and its id is the
// session's (cs_...) for its whole life. Every payment and refund operation
// accepts such an id. The payment of a one-time checkout is likewise
// reported under the checkout's id in the payment.updated event of
// checkout.session.completed, so that the checkout's creator recognises
// it; Checkout.PaymentID is the PaymentIntent (pi_...) behind it, whose own
// payment_intent.* events arrive under that id.
package stripe
