// Package acmepay is a paykit provider for Acme Pay, a fictional payments
// API described by testdata/openapi.yaml. It is the template for writing
// a provider outside the paykit module: it imports only paykit's public
// packages (paykit, providerkit; paykittest and openapitest in its tests)
// and follows the layout every provider in paykit follows, one concern
// per file.
//
//	client := paykit.New(acmepay.Provider(os.Getenv("ACME_CLIENT_ID"), os.Getenv("ACME_CLIENT_SECRET")))
//
// # Mapping
//
// It declares customers.create, customers.retrieve, customers.list,
// payments.create, payments.retrieve, payments.list, refunds.create,
// refunds.retrieve and webhooks.handle; every other operation answers
// paykit.ErrNotSupported. Acme Pay honours idempotency keys
// (Capabilities().IdempotencyKeys is true): every write carries the
// call's key in the Idempotency-Key header, the same on every retry; a
// direct call without one (nil RequestOptions) gets a key of the
// provider's making, so its retries are safe too.
//
//   - Customers map to Acme customers, field for field.
//     CreateCustomerParams.Billing is refused on "billing": Acme keeps no
//     billing details.
//   - Payments map to Acme payments, which charge the customer's default
//     payment method at once. Amounts travel as decimal strings in major
//     units ("25.00" USD, "500" JPY, "1.500" KWD). The payee must be a
//     customer id (Acme charges no bare email); CaptureManual and Billing
//     are refused. ItemID is Acme's reference. PaymentOptions, passed as
//     ProviderMetadata, sets the statement descriptor.
//   - Refunds map to Acme refunds. Acme takes the amount in the payment's
//     currency, so CreateRefund reads the payment first. Acme's refunds
//     have no reason: Reason travels in the refund's metadata under the
//     reserved key "__paykit" and never shows in Metadata.
//
// Statuses (wire.go): Acme's pending, processing, succeeded and failed
// payments are paykit's; voided is PaymentCanceled; an unknown status is
// PaymentProcessing. A failed payment is not final: Acme retries it.
// Refund statuses are paykit's; an unknown one is RefundPending.
//
// Raw holds Acme's JSON object as received (json.RawMessage), and an
// event's Raw the delivery's body. Errors carry Acme's error as an
// *APIError (errors.As).
//
// # Webhooks
//
// Deliveries are Standard Webhooks, verified with the endpoint's "whsec_"
// secret (its base64 payload is the key) and 5 minutes of tolerance. An
// event's ID is the delivery's webhook-id, which Acme keeps across
// retries. MappedEvents lists the events that become unified ones;
// every other verified event comes back as paykit.EventUnknown.
package acmepay
