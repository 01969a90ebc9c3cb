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
// payer approves it at PaymentURL (status requires_action). Once approved
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
// else the order (CREATED requires_action, SAVED pending, APPROVED
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
// An order's metadata and payee are kept in purchase_units[].custom_id as
// compact JSON ({"c":customer,"e":email,"m":metadata}), within PayPal's
// 127 characters: more is a VALIDATION_ERROR on "metadata", never a
// truncation. A custom_id paykit did not write reads as the metadata key
// "custom_id".
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
// Writes send the idempotency key as PayPal-Request-Id; a call that makes
// two writes (authorize then capture or void) sends keys derived from it
// ("<key>-authorize", "<key>-capture", "<key>-void"). orders.patch takes no
// key: it sets a value, so repeating it is harmless. Ids PayPal cannot
// have made (order ids are upper-case letters and digits) are ErrNotFound
// without a request.
//
// Raw holds PayPal's answer as json.RawMessage: the order for checkouts
// and payments, the refund for refunds.
package paypal
