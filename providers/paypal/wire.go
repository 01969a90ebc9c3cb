package paypal

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// Orders v2 and Payments v2 wire types: what the provider sends and
// reads, with only the fields it uses (the answer as received is kept in
// Raw).

// exponents are PayPal's minor-unit digits where they differ from ISO
// 4217: PayPal takes HUF, JPY and TWD without decimals
// (https://developer.paypal.com/reference/currency-codes/).
var exponents = providerkit.Exponents{"HUF": 0, "JPY": 0, "TWD": 0}

// currencies are the currencies PayPal takes payments in, as its
// currency codes page lists them. Any other is refused on "currency"
// before anything is sent.
var currencies = []string{
	"AUD", "BRL", "CAD", "CNY", "CZK", "DKK", "EUR", "HKD", "HUF", "ILS", "JPY", "MYR",
	"MXN", "TWD", "NZD", "NOK", "PHP", "PLN", "GBP", "SGD", "SEK", "CHF", "THB", "USD",
}

var currencySet = func() map[string]bool {
	m := make(map[string]bool, len(currencies))
	for _, c := range currencies {
		m[c] = true
	}
	return m
}()

// money is PayPal's amount: a decimal string in major units with
// PayPal's exponent of the currency.
type money struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
}

// toMoney converts paykit minor units of currency to PayPal's money. A
// currency PayPal does not list is refused on "currency", an amount its
// exponent cannot carry exactly (150 HUF, i.e. 1.50 Ft) on "amount":
// nothing is rounded.
func toMoney(minor int64, currency string) (money, error) {
	code := strings.ToUpper(currency)
	if !currencySet[code] {
		return money{}, paykit.ValidationError("currency", "PayPal does not take "+code+"; it takes "+strings.Join(currencies, ", "))
	}
	v, err := exponents.Format(minor, code)
	if err != nil {
		msg := "amount " + strconv.FormatInt(minor, 10) + " " + code + " cannot be sent to PayPal"
		if errors.Is(err, providerkit.ErrInexactAmount) {
			msg += ", which takes " + code + " without decimals: use a multiple of 100 minor units"
		}
		e := paykit.ValidationError("amount", msg)
		e.Err = err
		return money{}, e
	}
	return money{CurrencyCode: code, Value: v}, nil
}

// fromMoney reads PayPal's money into paykit minor units and the
// upper-case currency.
func fromMoney(m *money) (int64, string, error) {
	if m == nil || m.CurrencyCode == "" {
		return 0, "", nil
	}
	n, err := exponents.Parse(m.Value, m.CurrencyCode)
	return n, strings.ToUpper(m.CurrencyCode), err
}

// link is one of PayPal's HATEOAS links.
type link struct {
	Href   string `json:"href"`
	Rel    string `json:"rel"`
	Method string `json:"method,omitempty"`
}

// linkOf returns the href of the first link with one of rels.
func linkOf(links []link, rels ...string) string {
	for _, rel := range rels {
		for _, l := range links {
			if l.Rel == rel {
				return l.Href
			}
		}
	}
	return ""
}

// Order requests.

type orderCreate struct {
	Intent        string                `json:"intent"`
	PurchaseUnits []purchaseUnitRequest `json:"purchase_units"`
	PaymentSource *paymentSource        `json:"payment_source,omitempty"`
}

type purchaseUnitRequest struct {
	ReferenceID string     `json:"reference_id,omitempty"`
	Amount      amount     `json:"amount"`
	Description string     `json:"description,omitempty"`
	CustomID    string     `json:"custom_id,omitempty"`
	Items       []wireItem `json:"items,omitempty"`
}

type amount struct {
	money
	Breakdown *breakdown `json:"breakdown,omitempty"`
}

type breakdown struct {
	ItemTotal money `json:"item_total"`
}

type wireItem struct {
	Name       string `json:"name"`
	UnitAmount money  `json:"unit_amount"`
	Quantity   string `json:"quantity"`
	SKU        string `json:"sku,omitempty"`
}

type paymentSource struct {
	PayPal *paypalWallet `json:"paypal,omitempty"`
}

type paypalWallet struct {
	ExperienceContext *experienceContext `json:"experience_context,omitempty"`
}

type experienceContext struct {
	BrandName          string `json:"brand_name,omitempty"`
	ShippingPreference string `json:"shipping_preference,omitempty"`
	UserAction         string `json:"user_action,omitempty"`
	ReturnURL          string `json:"return_url,omitempty"`
	CancelURL          string `json:"cancel_url,omitempty"`
}

// patchOp is one JSON Patch operation of orders.patch.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Orders and their payments, as PayPal answers them.

type wireOrder struct {
	ID            string         `json:"id"`
	Intent        string         `json:"intent"`
	Status        string         `json:"status"`
	PurchaseUnits []purchaseUnit `json:"purchase_units"`
	Links         []link         `json:"links"`
	CreateTime    time.Time      `json:"create_time"`
	PaymentSource *struct {
		PayPal *struct {
			EmailAddress string `json:"email_address"`
		} `json:"paypal"`
	} `json:"payment_source"`
	// Payer is the payer of an approved order, as PayPal still sends it
	// in events (payment_source.paypal is the API's).
	Payer *struct {
		EmailAddress string `json:"email_address"`
	} `json:"payer"`
}

type purchaseUnit struct {
	ReferenceID string      `json:"reference_id"`
	Amount      *money      `json:"amount"`
	CustomID    string      `json:"custom_id"`
	Items       []wireItem  `json:"items"`
	Payments    *collection `json:"payments"`
}

// collection is a purchase unit's payments.
type collection struct {
	Authorizations []wireAuthorization `json:"authorizations"`
	Captures       []wireCapture       `json:"captures"`
	Refunds        []wireRefund        `json:"refunds"`
}

// wireAuthorization is an authorization, in an order's payments or alone
// (authorizations.get, an event). PayPal copies the order's custom_id to
// it and names the order in supplementary_data.
type wireAuthorization struct {
	ID                string             `json:"id"`
	Status            string             `json:"status"`
	Amount            *money             `json:"amount"`
	CustomID          string             `json:"custom_id"`
	SupplementaryData *supplementaryData `json:"supplementary_data"`
}

// wireCapture is a capture, in an order's payments or alone
// (captures.get, an event), with the order's custom_id and the order
// (and the authorization it captured, if any) in supplementary_data.
type wireCapture struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Amount        *money `json:"amount"`
	CustomID      string `json:"custom_id"`
	StatusDetails *struct {
		Reason string `json:"reason"`
	} `json:"status_details"`
	SupplementaryData *supplementaryData `json:"supplementary_data"`
}

type supplementaryData struct {
	RelatedIDs struct {
		OrderID         string `json:"order_id"`
		AuthorizationID string `json:"authorization_id"`
	} `json:"related_ids"`
}

// Payments v2 requests.

type captureRequest struct {
	Amount       *money `json:"amount,omitempty"`
	FinalCapture bool   `json:"final_capture"`
}

type refundRequest struct {
	Amount      *money `json:"amount,omitempty"`
	CustomID    string `json:"custom_id,omitempty"`
	NoteToPayer string `json:"note_to_payer,omitempty"`
}

type wireRefund struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"`
	Amount     *money    `json:"amount"`
	CustomID   string    `json:"custom_id"`
	CreateTime time.Time `json:"create_time"`
	Links      []link    `json:"links"`
}

// What paykit keeps in custom_id.

// maxCustomID is the length PayPal allows custom_id, of an order's
// purchase unit, a subscription and a refund alike.
const maxCustomID = 127

// customData is what paykit keeps in the custom_id of an order's purchase
// unit (so also of its authorizations and captures, to which PayPal copies
// it) and of a Billing subscription, in one format: compact JSON
// {"c":customer,"e":email,"m":metadata} in printable ASCII. c is the
// store's customer id; e the email of a payee without one (an order's:
// a subscription's subscriber holds its email); m the user's metadata.
// Orders and subscriptions share encodeCustomID and decodeCustomID.
type customData struct {
	Customer string            `json:"c,omitempty"`
	Email    string            `json:"e,omitempty"`
	Metadata map[string]string `json:"m,omitempty"`
}

// encodeCustomID returns the custom_id of d, "" when d holds nothing, or
// a VALIDATION_ERROR on "metadata" when it takes more than maxCustomID
// characters: metadata is never cut. Every character outside printable
// ASCII is escaped (\u00eb), since a subscription's custom_id takes
// printable ASCII only.
func encodeCustomID(d customData) (string, error) {
	if d.Customer == "" && d.Email == "" && len(d.Metadata) == 0 {
		return "", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", paykit.ValidationError("metadata", "metadata cannot be encoded: "+err.Error())
	}
	s := asciiJSON(b)
	if len(s) > maxCustomID {
		return "", paykit.ValidationError("metadata", "PayPal keeps the metadata and the customer in custom_id, at most "+
			strconv.Itoa(maxCustomID)+" characters; these take "+strconv.Itoa(len(s))+": keep fewer or shorter keys and values")
	}
	return s, nil
}

// asciiJSON escapes every character of JSON b outside printable ASCII.
func asciiJSON(b []byte) string {
	ascii := true
	for _, c := range b {
		ascii = ascii && c >= 0x20 && c < 0x7f
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	for _, r := range string(b) {
		if r >= 0x20 && r < 0x7f {
			sb.WriteRune(r)
			continue
		}
		for _, u := range utf16.Encode([]rune{r}) {
			sb.WriteString(`\u`)
			sb.WriteString(strconv.FormatUint(uint64(u)|0x10000, 16)[1:])
		}
	}
	return sb.String()
}

// decodeCustomID reads a custom_id; Metadata is never nil. One paykit did
// not write (set in PayPal's dashboard, by other code, or JSON of another
// shape) is the metadata "custom_id".
func decodeCustomID(s string) customData {
	d := customData{Metadata: map[string]string{}}
	if s == "" {
		return d
	}
	if strings.HasPrefix(s, "{") {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		var got customData
		if dec.Decode(&got) == nil && !dec.More() {
			if got.Metadata == nil {
				got.Metadata = d.Metadata
			}
			return got
		}
	}
	d.Metadata["custom_id"] = s
	return d
}

// refundData is what a refund's custom_id holds: the paykit payment (the
// order) it refunds, the reason and the metadata. It is not customData's
// JSON because a refund's custom_id cannot carry JSON: PayPal's refund
// answers it in the pattern ^[A-Za-z0-9-_.,]*$ only (no braces, quotes or
// colons), so it is base64url (unpadded) of compact JSON, within the same
// maxCustomID characters once encoded.
type refundData struct {
	Payment  string              `json:"p,omitempty"`
	Reason   paykit.RefundReason `json:"r,omitempty"`
	Metadata map[string]string   `json:"m,omitempty"`
}

// encodeRefundData returns the custom_id of a refund, or a
// VALIDATION_ERROR on "metadata" when it does not fit.
func encodeRefundData(d refundData) (string, error) {
	b, _ := json.Marshal(d)
	s := base64.RawURLEncoding.EncodeToString(b)
	if len(s) > maxCustomID {
		return "", paykit.ValidationError("metadata", "PayPal keeps a refund's metadata and reason in custom_id, at most "+
			strconv.Itoa(maxCustomID)+" characters once encoded; these take "+strconv.Itoa(len(s))+": send less metadata")
	}
	return s, nil
}

// decodeRefundData reads a refund's custom_id: one paykit did not write
// is the metadata "custom_id".
func decodeRefundData(s string) refundData {
	var d refundData
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil && json.Unmarshal(b, &d) == nil {
		return d
	}
	if s != "" {
		d.Metadata = map[string]string{"custom_id": s}
	}
	return d
}

// PayPal's statuses and the unified status each maps to, as the README's
// tables show them. The unified statuses are defined in paykit's package
// doc, "Status semantics"; a status not listed maps to the fallback its
// function names.

// checkoutStatuses maps an order's status to its checkout's. The payer's
// part ends with the approval: an APPROVED (or SAVED) order is a
// complete checkout whose payment awaits Payments.Capture. PayPal voids
// an order it cannot complete. Fallback: open.
var checkoutStatuses = map[string]paykit.CheckoutStatus{
	"CREATED":               paykit.CheckoutOpen,
	"PAYER_ACTION_REQUIRED": paykit.CheckoutOpen,
	"APPROVED":              paykit.CheckoutComplete,
	"SAVED":                 paykit.CheckoutComplete,
	"COMPLETED":             paykit.CheckoutComplete,
	"VOIDED":                paykit.CheckoutExpired,
}

// orderPaymentStatuses maps the status of an order that has no capture
// and no authorization yet. CREATED awaits the payer's approval at the
// approve link: pending, with RequiresAction and PaymentURL, as paykit's
// Status semantics define it ("created; no attempt is under way. It
// awaits a payment method or a confirmation (for an email payee: the
// payer, at PaymentURL)"), and as the reference maps it (CREATED/SAVED ->
// pending). requires_action is for an attempt under way that the payer
// must complete ("before the attempt can go on"): PAYER_ACTION_REQUIRED,
// an order whose payment source needs the payer (3-D Secure). APPROVED
// awaits Payments.Capture (requires_capture: nothing is taken until the
// merchant captures, for either intent); SAVED awaits the merchant too,
// with no funds held (pending). Fallback: pending.
var orderPaymentStatuses = map[string]paykit.PaymentStatus{
	"CREATED":               paykit.PaymentPending,
	"PAYER_ACTION_REQUIRED": paykit.PaymentRequiresAction,
	"SAVED":                 paykit.PaymentPending,
	"APPROVED":              paykit.PaymentRequiresCapture,
	"VOIDED":                paykit.PaymentCanceled,
	"COMPLETED":             paykit.PaymentSucceeded,
}

// authorizationPaymentStatuses maps the status of an order's last
// authorization, when it has no capture. Fallback: processing.
var authorizationPaymentStatuses = map[string]paykit.PaymentStatus{
	"CREATED":            paykit.PaymentRequiresCapture,
	"PENDING":            paykit.PaymentProcessing,
	"CAPTURED":           paykit.PaymentSucceeded,
	"PARTIALLY_CAPTURED": paykit.PaymentSucceeded,
	"VOIDED":             paykit.PaymentCanceled,
	"DENIED":             paykit.PaymentFailed,
}

// capturePaymentStatuses maps the status of an order's last capture. A
// refund shows in AmountRefunded, not in the status. Fallback:
// processing.
var capturePaymentStatuses = map[string]paykit.PaymentStatus{
	"COMPLETED":          paykit.PaymentSucceeded,
	"PARTIALLY_REFUNDED": paykit.PaymentSucceeded,
	"REFUNDED":           paykit.PaymentSucceeded,
	"PENDING":            paykit.PaymentProcessing,
	"DECLINED":           paykit.PaymentFailed,
	"FAILED":             paykit.PaymentFailed,
}

// refundStatuses maps a refund's status. Fallback: pending.
var refundStatuses = map[string]paykit.RefundStatus{
	"PENDING":   paykit.RefundPending,
	"COMPLETED": paykit.RefundSucceeded,
	"FAILED":    paykit.RefundFailed,
	"CANCELLED": paykit.RefundCanceled,
}

// lookup returns the unified status m maps native to, or fallback for a
// status m does not list.
func lookup[S ~string](m map[string]S, native string, fallback S) S {
	if s, ok := m[native]; ok {
		return s
	}
	return fallback
}

// Billing Subscriptions v1 wire types are below.

// billingName is the name of a subscriber: PayPal takes given_name and
// surname only.
type billingName struct {
	GivenName string `json:"given_name,omitempty"`
	Surname   string `json:"surname,omitempty"`
}

// billingSubscriber is the payer of a subscription, as sent and as read.
type billingSubscriber struct {
	EmailAddress string       `json:"email_address,omitempty"`
	PayerID      string       `json:"payer_id,omitempty"`
	Name         *billingName `json:"name,omitempty"`
}

// billingPayment is billing_info.last_payment and last_failed_payment.
type billingPayment struct {
	Amount               *money `json:"amount,omitempty"`
	Time                 string `json:"time,omitempty"`
	ReasonCode           string `json:"reason_code,omitempty"`
	NextPaymentRetryTime string `json:"next_payment_retry_time,omitempty"`
}

// billingInfo is a subscription's billing_info, present once it was
// active.
type billingInfo struct {
	OutstandingBalance  *money          `json:"outstanding_balance,omitempty"`
	LastPayment         *billingPayment `json:"last_payment,omitempty"`
	NextBillingTime     string          `json:"next_billing_time,omitempty"`
	FinalPaymentTime    string          `json:"final_payment_time,omitempty"`
	FailedPaymentsCount int             `json:"failed_payments_count"`
	LastFailedPayment   *billingPayment `json:"last_failed_payment,omitempty"`
}

// wireSubscription is a Billing subscription (schema "subscription").
type wireSubscription struct {
	ID               string             `json:"id"`
	Status           string             `json:"status"`
	StatusChangeNote string             `json:"status_change_note,omitempty"`
	StatusUpdateTime string             `json:"status_update_time,omitempty"`
	PlanID           string             `json:"plan_id"`
	StartTime        string             `json:"start_time,omitempty"`
	Quantity         string             `json:"quantity,omitempty"`
	Subscriber       *billingSubscriber `json:"subscriber,omitempty"`
	BillingInfo      *billingInfo       `json:"billing_info,omitempty"`
	CreateTime       string             `json:"create_time,omitempty"`
	UpdateTime       string             `json:"update_time,omitempty"`
	CustomID         string             `json:"custom_id,omitempty"`
	Links            []link             `json:"links,omitempty"`
}

// subscriptionCreate is the body of POST /v1/billing/subscriptions
// (schema "subscription_request_post").
type subscriptionCreate struct {
	PlanID             string             `json:"plan_id"`
	Quantity           string             `json:"quantity,omitempty"`
	CustomID           string             `json:"custom_id,omitempty"`
	Subscriber         *billingSubscriber `json:"subscriber,omitempty"`
	ApplicationContext *billingAppContext `json:"application_context,omitempty"`
}

// billingAppContext is where PayPal sends the payer after approving or
// cancelling.
type billingAppContext struct {
	UserAction string `json:"user_action,omitempty"`
	ReturnURL  string `json:"return_url"`
	CancelURL  string `json:"cancel_url"`
}

// billingReason is the body of cancel, suspend and activate.
type billingReason struct {
	Reason string `json:"reason"`
}

// billingPatch is one JSON Patch operation of subscriptions.patch.
type billingPatch struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// wirePlan is a Billing plan (schema "plan").
type wirePlan struct {
	ID                string             `json:"id"`
	ProductID         string             `json:"product_id"`
	Name              string             `json:"name"`
	Status            string             `json:"status"`
	BillingCycles     []wireBillingCycle `json:"billing_cycles"`
	QuantitySupported bool               `json:"quantity_supported"`
}

// wireBillingCycle is one of a plan's billing cycles.
type wireBillingCycle struct {
	PricingScheme *struct {
		FixedPrice *money `json:"fixed_price,omitempty"`
	} `json:"pricing_scheme,omitempty"`
	Frequency struct {
		IntervalUnit  string `json:"interval_unit"`
		IntervalCount int    `json:"interval_count"`
	} `json:"frequency"`
	TenureType  string `json:"tenure_type"`
	Sequence    int    `json:"sequence"`
	TotalCycles int    `json:"total_cycles"`
}

// wireTransaction is one payment of a subscription (schema
// "transaction").
type wireTransaction struct {
	ID                  string `json:"id"`
	Status              string `json:"status"`
	AmountWithBreakdown struct {
		GrossAmount money `json:"gross_amount"`
	} `json:"amount_with_breakdown"`
	PayerEmail string       `json:"payer_email,omitempty"`
	PayerName  *billingName `json:"payer_name,omitempty"`
	Time       string       `json:"time"`
}

// wireSale is the v1 sale PayPal still sends in PAYMENT.SALE.COMPLETED
// for a subscription's payment: billing_agreement_id is the
// subscription, custom its custom_id, and the id the transaction id that
// subscriptions.transactions lists. It is read as that transaction
// (transactionOfSale).
type wireSale struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Amount struct {
		Total    string `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
	BillingAgreementID string `json:"billing_agreement_id"`
	Custom             string `json:"custom"`
	CreateTime         string `json:"create_time"`
}

// wireTransactions is the answer of subscriptions.transactions.
type wireTransactions struct {
	Transactions []wireTransaction `json:"transactions"`
}

// PayPal's billing statuses and the unified status each maps to, as the
// README's tables show them. The unified statuses are defined in paykit's
// package doc, "Status semantics"; a status not listed maps to the
// fallback its function names.

// subscriptionStatuses maps a subscription's status (subscriptionStatus
// refines it with billing_info; an unknown status is pending, neither
// entitled nor ended):
//   - APPROVAL_PENDING and APPROVED: nothing is paid yet, the payer has to
//     approve at the approve link (APPROVED: approved, not yet activated).
//   - ACTIVE: active; past_due while PayPal retries a failed payment
//     (billing_info.failed_payments_count > 0).
//   - SUSPENDED: canceled. PayPal collects nothing from a suspended
//     subscription, whether the merchant suspended it or failed payments
//     reached the plan's payment_failure_threshold, and it never resumes
//     by itself (past_due is a subscription the provider still collects
//     on): end access. As with Stripe's unpaid, it is not quite final:
//     activating it (UpdateSubscriptionOptions.Activate) makes it active.
//   - CANCELLED: canceled.
//   - EXPIRED: PayPal's end of a plan whose cycles have all been billed:
//     the subscription was paid and ended, so canceled; one that expired
//     without a payment is expired.
var subscriptionStatuses = map[string]paykit.SubscriptionStatus{
	"APPROVAL_PENDING": paykit.SubscriptionPending,
	"APPROVED":         paykit.SubscriptionPending,
	"ACTIVE":           paykit.SubscriptionActive,
	"SUSPENDED":        paykit.SubscriptionCanceled,
	"CANCELLED":        paykit.SubscriptionCanceled,
	"EXPIRED":          paykit.SubscriptionCanceled,
}

// recurringCheckoutStatuses maps the status of the subscription behind a
// recurring checkout: open until the payer approved it, complete after
// (an EXPIRED subscription never paid is an expired checkout); an unknown
// status is open.
var recurringCheckoutStatuses = map[string]paykit.CheckoutStatus{
	"APPROVAL_PENDING": paykit.CheckoutOpen,
	"APPROVED":         paykit.CheckoutComplete,
	"ACTIVE":           paykit.CheckoutComplete,
	"SUSPENDED":        paykit.CheckoutComplete,
	"CANCELLED":        paykit.CheckoutComplete,
	"EXPIRED":          paykit.CheckoutComplete,
}

// transactionInvoiceStatuses maps the status of a subscription's
// transaction to its invoice's: a completed payment is paid (refunds do
// not unpay it), a pending one (an eCheck, a review) is open, a declined
// one is void: that transaction will never be paid, and PayPal's retry,
// if any, is a transaction of its own. An unknown status is open.
var transactionInvoiceStatuses = map[string]paykit.InvoiceStatus{
	"COMPLETED":          paykit.InvoicePaid,
	"PARTIALLY_REFUNDED": paykit.InvoicePaid,
	"REFUNDED":           paykit.InvoicePaid,
	"PENDING":            paykit.InvoiceOpen,
	"DECLINED":           paykit.InvoiceVoid,
}

// saleTransactionStatuses maps the state of a v1 sale to the status of
// the subscription's transaction it is, which transactionInvoiceStatuses
// maps on (an unknown state is no transaction status: open).
var saleTransactionStatuses = map[string]string{
	"completed":          "COMPLETED",
	"partially_refunded": "PARTIALLY_REFUNDED",
	"refunded":           "REFUNDED",
	"pending":            "PENDING",
	"denied":             "DECLINED",
}
