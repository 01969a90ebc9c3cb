// Package paypal is the paykit provider for PayPal, on PayPal's REST APIs
// (Orders v2, Payments v2, Billing Subscriptions v1, Notifications v1)
// through providerkit's REST transport:
//
//	client := paykit.New(paypal.Provider(clientID, secret, paypal.WithSandbox()))
//
// PayPal has no customer object: customers live in a paykit.CustomerStore
// (WithCustomerStore; in memory by default), and PayPal's objects name the
// store's customer id in their custom_id.
//
// # Customers
//
// All five customer operations are the store's, with its semantics and
// errors (Provider "paypal"). They take no ProviderMetadata. A checkout or
// payment for CustomerID(id) needs the store to know id (ErrNotFound on
// "customer" otherwise); one for CustomerEmail keeps the email.
//
// # Items and prices
//
// PayPal's orders carry their amounts; PayPal has no price objects to
// name. A checkout's ItemID therefore names an Item the program registers
// with WithItem(id, Item{Name, Amount, Currency}) (Amount in ISO 4217 minor
// units), or whose price it passes per call as
// CheckoutOptions{Item: &Item{...}}; any other ItemID is a
// VALIDATION_ERROR on "item_id". The order's purchase unit holds the item
// (name, unit_amount, quantity, and the ItemID as its sku), so the
// checkout's Products and a payment's ItemID are read back from PayPal. A
// payment's ItemID is optional and only labels the item; its Amount is the
// price.
//
// # Checkouts
//
// A one-time checkout is an order (POST /v2/checkout/orders) with intent
// CAPTURE and one purchase unit; PaymentURL is its payer-action link (or
// approve link). The return and cancel URLs go in
// payment_source.paypal.experience_context: the params', else
// WithReturnURLs'. PayPal does not answer them back, so only the checkout
// Create returns has SuccessURL and CancelURL. Statuses: CREATED and
// PAYER_ACTION_REQUIRED are open; APPROVED, SAVED and COMPLETED complete
// (PaymentID is the order id: the payer's part is done, and
// Payments.Capture takes the money); VOIDED expired. Update merges
// metadata into custom_id (orders.patch). A recurring checkout is a
// Billing subscription. checkouts.delete is not supported: PayPal cannot
// void an order (an unapproved order lapses on its own); checkouts.list is
// not supported: PayPal has no list of orders.
//
// # Payments
//
// A payment is an order, and the paykit payment id is the order id. Create
// makes an order with intent CAPTURE, or AUTHORIZE for CaptureManual; the
// payer approves it at PaymentURL (status pending, with RequiresAction:
// no attempt is under way yet; PAYER_ACTION_REQUIRED, an attempt that
// needs the payer, is requires_action). Once approved
// it is requires_capture, for either intent: PayPal takes nothing until
// Capture. Capture captures a CAPTURE order whole (a partial amount is a
// VALIDATION_ERROR: use CaptureManual), and for an AUTHORIZE order
// authorizes it when that is not done yet and captures the authorization
// for Amount (0: all of it) as the final capture. Cancel voids the
// authorization (authorizing an approved AUTHORIZE order first); PayPal
// cannot void an order, so cancelling an unapproved order or an approved
// CAPTURE one is ErrInvalidState. Update merges metadata (orders.patch,
// CREATED and APPROVED orders only). payments.list and payments.delete are
// not supported: PayPal lists no orders and deletes none.
//
// The status is read from the order's last capture (COMPLETED,
// PARTIALLY_REFUNDED, REFUNDED succeeded; PENDING processing; DECLINED,
// FAILED failed), else its last authorization (CREATED requires_capture,
// PENDING processing, CAPTURED succeeded, VOIDED canceled, DENIED failed),
// else the order (CREATED and SAVED pending, PAYER_ACTION_REQUIRED
// requires_action, APPROVED
// requires_capture, VOIDED canceled, COMPLETED succeeded); wire.go holds
// the tables. AmountCaptured and AmountRefunded sum the order's completed
// captures and refunds. An order's captures, and so the capture id a
// refund needs, are in its purchase_units[].payments; a capture names its
// order in supplementary_data.related_ids.order_id.
//
// # Refunds
//
// A refund refunds the last completed capture of the payment's order
// (POST /v2/payments/captures/{id}/refund): Amount, or what is left when
// Amount is 0 (the amount is then left out). The payment id, the reason
// and the metadata travel in the refund's custom_id, base64url of compact
// JSON (PayPal answers a refund's custom_id in A-Z a-z 0-9 - _ . , only);
// a refund made elsewhere is traced to its order through its capture.
// RefundOptions.NoteToPayer is PayPal's note_to_payer. refunds.list is not
// supported: PayPal has no list of refunds.
//
// # Subscriptions
//
// Subscriptions are Billing Subscriptions v1. ItemID is a PayPal plan id
// (P-...), which is read for the price, currency and interval. Create
// returns a pending subscription with RequiresAction and the approve link
// as PaymentURL; it is active once the payer approved it. The customer id
// and metadata are kept in custom_id, at most 127 characters; more
// metadata is a VALIDATION_ERROR. Statuses: APPROVAL_PENDING and APPROVED
// are pending, ACTIVE is active (past_due while PayPal retries a failed
// payment), CANCELLED is canceled, and EXPIRED is canceled (expired if it
// was never paid). SUSPENDED reads canceled, because PayPal collects
// nothing while suspended, until UpdateSubscriptionOptions{Activate: true}
// makes it active. Update changes metadata and suspends or activates, on
// ACTIVE or SUSPENDED subscriptions only. It refuses ItemID and Quantity
// (PayPal needs a revision the payer approves) and CancelAtPeriodEnd
// (PayPal cannot schedule a cancellation). Cancel and Delete cancel at
// once; a subscription awaiting approval cannot be canceled. PayPal lists
// no subscriptions. A recurring checkout is such a subscription: its id
// is the subscription's (I-...) and its PaymentURL the approve link.
// Invoices are a subscription's transactions: the id is
// "<subscription id>:<transaction id>", List needs SubscriptionID, and Raw
// is the transaction's JSON. PayPal-Request-Id is honoured by PayPal on
// subscription create only (see Idempotency below); the other
// subscription writes are sent without it and are safe to repeat by
// themselves. An activated subscription has no CanceledAt: it is set
// only while the subscription reads canceled (SUSPENDED, CANCELLED).
//
// # Webhooks
//
// Give the Webhook the id of your PayPal webhook as its secret
// (WebhookConfig{Secret: webhookID}); subscribe it to
// paypal.MappedEvents(). Each delivery is verified by PayPal's
// verify-webhook-signature API, one authenticated call per delivery, or,
// with WithOfflineWebhookVerification, locally: the RSA-SHA256 signature
// over the transmission id, the transmission time, the webhook id and the
// CRC32 of the body, with the certificate at paypal-cert-url, fetched
// only over https from PayPal's API hosts, verified to chain to the
// system's roots and to be valid now, and cached. Both ways refuse a
// paypal-transmission-time outside WithWebhookTolerance (5 minutes).
// Events carry PayPal's event id (WH-...), stable across redeliveries,
// and the v2 resource mapped to paykit's objects; a subscription's
// PAYMENT.SALE.COMPLETED is an invoice.generated. Every other event is
// unknown, with the resource as Data.
//
// An event's resource is mapped by the same functions, and through the
// same status tables, as the API's answers, and maps to what the API
// answers for that object (Raw aside: the resource as sent), but for
// what the resource does not carry, which no event fetches: a capture's
// or an authorization's payment (PAYMENT.CAPTURE.*,
// PAYMENT.AUTHORIZATION.*; its id the order's) has no CreatedAt or ItemID,
// and its Amount is the capture's or authorization's; a subscription's
// event names no plan, so it has no BillingInterval, its Amount is the
// last payment's (none before the first) and a period PayPal gives no end
// of has none; a sale's invoice has no LineItems, and a customer only if
// paykit kept one; a refund PayPal made (a reversal, or one made
// elsewhere) names no payment, which RetrieveRefund finds.
//
// # Money and currencies
//
// Amounts are paykit's ISO 4217 minor units, sent as PayPal's decimal
// strings with PayPal's exponents: HUF, JPY and TWD have no decimals at
// PayPal, so 150000 HUF (1500 Ft) is "1500" and 150 HUF (1.50 Ft) is
// refused on "amount", never rounded. PayPal takes AUD, BRL, CAD, CNY,
// CZK, DKK, EUR, HKD, HUF, ILS, JPY, MYR, MXN, TWD, NZD, NOK, PHP, PLN,
// GBP, SGD, SEK, CHF, THB and USD; any other currency (KWD, INR, ...) is
// refused on "currency" before anything is sent.
//
// # Metadata
//
// An order's metadata and payee, and a subscription's metadata and
// customer id, are kept in custom_id in one format: compact JSON
// {"c":customer,"e":email,"m":metadata} in printable ASCII (other
// characters escaped, as a subscription's custom_id takes no other),
// within PayPal's 127 characters: more is a VALIDATION_ERROR on
// "metadata", never a truncation. PayPal copies an order's custom_id to
// its authorizations and captures, so their events carry it too. A
// custom_id paykit did not write (JSON of another shape included) reads
// as the metadata key "custom_id". A refund's custom_id is base64url of
// its own JSON (the payment, the reason, the metadata), because PayPal
// answers a refund's custom_id in A-Z a-z 0-9 - _ . , only.
//
// # Errors and idempotency
//
// PayPal's error body (name, message, debug_id, details) is an *APIError
// under the *paykit.Error; debug_id (or the PayPal-Debug-Id header) is
// RequestID. The first detail's issue decides the code: ORDER_NOT_APPROVED,
// ORDER_ALREADY_CAPTURED, AUTHORIZATION_VOIDED, DUPLICATE_INVOICE_ID and
// the like are ErrInvalidState; INSTRUMENT_DECLINED, TRANSACTION_REFUSED
// and other refusals of the payer's funding ErrCardDeclined (DeclineCode
// is the issue); PERMISSION_DENIED ErrPermission; RESOURCE_NOT_FOUND
// ErrNotFound; other INVALID_REQUEST and UNPROCESSABLE_ENTITY answers
// VALIDATION_ERROR with Param from the field PayPal names (amount,
// currency, metadata, ...); 429 is rate limited, 401 ErrAuthentication.
// PREVIOUS_REQUEST_IN_PROGRESS (409: a request on the resource still
// runs) is a Retryable IDEMPOTENCY_CONFLICT: repeat the call with its key.
//
// Idempotency. PayPal honours PayPal-Request-Id on some writes only, and
// keeps the key for a time its documents state; paykit sends the key
// where PayPal honours it, and nothing where it does not:
//
//   - orders.create, orders.authorize, orders.capture (Payments.Create,
//     Checkouts.Create, and the authorize and capture of Payments.Capture
//     and Payments.Cancel): honoured; "The server stores keys for 6
//     hours" (checkout_orders_v2.json; up to 72 on request to PayPal). A
//     repeat with the key replays the first answer (200 OK).
//   - authorizations.capture and captures.refund (the capture of a manual
//     payment, Refunds.Create): honoured; "The server stores keys for 45
//     days" (payments_payment_v2.json).
//   - subscriptions.create (Subscriptions.Create, a recurring checkout):
//     honoured; "The server stores keys for 72 hours"
//     (billing_subscriptions_v1.json).
//   - authorizations.void, orders.patch, subscriptions.patch, suspend,
//     activate and cancel: no PayPal-Request-Id in the documents, so none
//     is sent and the transport does not repeat them once PayPal may
//     have had them. They are safe to repeat by themselves: a patch sets
//     a value; a void, suspend, activate or cancel that PayPal refuses
//     because it is done already (PREVIOUSLY_VOIDED,
//     SUBSCRIPTION_STATUS_INVALID), or whose answer was lost, reads the
//     object and answers it when it is in the state the call leads to.
//
// A call that makes two keyed writes sends keys derived from its own
// ("<key>-authorize", then "<key>-capture"). A key that with its suffix
// is longer than the orders document's 108 characters (paykit takes 255)
// is sent as "pk-" and the 64 hex digits of its SHA-256: the same key
// always sends the same header. A capture or refund repeated with its key
// reaches PayPal again even when the order is captured or refunded
// already, so PayPal replays the first answer while it keeps the key;
// after that the repeat is refused (ErrInvalidState). Ids PayPal cannot
// have made (order ids are upper-case letters and digits) are ErrNotFound
// without a request.
//
// Raw holds PayPal's answer as json.RawMessage: the order for checkouts
// and payments, the refund for refunds, the subscription for
// subscriptions and recurring checkouts, the transaction for invoices;
// in an event, the event's resource.
package paypal
