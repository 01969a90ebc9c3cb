package paypal

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

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

type wireAuthorization struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Amount *money `json:"amount"`
}

type wireCapture struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Amount        *money `json:"amount"`
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

// maxCustomID is the length PayPal allows custom_id.
const maxCustomID = 127

// orderData is what an order's purchase_units[0].custom_id holds, as
// compact JSON: the payee (the store's customer id, or the email of a
// payee without one) and the user's metadata.
type orderData struct {
	Customer string            `json:"c,omitempty"`
	Email    string            `json:"e,omitempty"`
	Metadata map[string]string `json:"m,omitempty"`
}

// encodeOrderData returns the custom_id of d, "" when d holds nothing,
// or a VALIDATION_ERROR on "metadata" when it does not fit: metadata is
// never truncated.
func encodeOrderData(d orderData) (string, error) {
	if d.Customer == "" && d.Email == "" && len(d.Metadata) == 0 {
		return "", nil
	}
	b, _ := json.Marshal(d)
	if len(b) > maxCustomID {
		return "", paykit.ValidationError("metadata", "PayPal keeps metadata and the customer in custom_id, at most "+
			strconv.Itoa(maxCustomID)+" characters; these take "+strconv.Itoa(len(b))+": send less metadata")
	}
	return string(b), nil
}

// decodeOrderData reads a custom_id: one paykit did not write (set in
// PayPal's dashboard or by another program) is the metadata "custom_id".
func decodeOrderData(s string) orderData {
	var d orderData
	if s == "" {
		return d
	}
	if !strings.HasPrefix(s, "{") || json.Unmarshal([]byte(s), &d) != nil {
		return orderData{Metadata: map[string]string{"custom_id": s}}
	}
	return d
}

// refundData is what a refund's custom_id holds: the paykit payment (the
// order) it refunds, the reason and the metadata. PayPal answers a
// refund's custom_id only in the characters A-Z a-z 0-9 - _ . , so it
// is base64url of compact JSON.
type refundData struct {
	Payment  string              `json:"p,omitempty"`
	Reason   paykit.RefundReason `json:"r,omitempty"`
	Metadata map[string]string   `json:"m,omitempty"`
}

func encodeRefundData(d refundData) (string, error) {
	b, _ := json.Marshal(d)
	s := base64.RawURLEncoding.EncodeToString(b)
	if len(s) > maxCustomID {
		return "", paykit.ValidationError("metadata", "PayPal keeps a refund's metadata and reason in custom_id, at most "+
			strconv.Itoa(maxCustomID)+" characters once encoded; these take "+strconv.Itoa(len(s))+": send less metadata")
	}
	return s, nil
}

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
// approve link (requires_action); APPROVED awaits Payments.Capture
// (requires_capture: nothing is taken until the merchant captures, for
// either intent); SAVED awaits the merchant too, with no funds held
// (pending). Fallback: pending.
var orderPaymentStatuses = map[string]paykit.PaymentStatus{
	"CREATED":               paykit.PaymentRequiresAction,
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
