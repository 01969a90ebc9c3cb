package polar

import (
	"encoding/json"
	"maps"
	"math"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// The wire types hold the fields of Polar's objects this package reads;
// the whole object is kept as json.RawMessage in the Raw field of the
// unified types.

// metadata is Polar's metadata: string, integer, number or boolean
// values, each kept as the JSON Polar sent, so that a read-modify-write
// gives back the values it did not change exactly as they were.
type metadata map[string]json.RawMessage

// strings returns the values as strings (numbers and booleans in their
// JSON form), without the reserved key.
func (m metadata) strings() map[string]string {
	out := make(map[string]string, len(m))
	for k, raw := range m {
		if k == providerkit.ReservedKey {
			continue
		}
		out[k] = metaValue(raw)
	}
	return out
}

// merge returns a copy of m with changes applied as
// providerkit.MergeMetadataFunc applies them: a key set to "" is removed,
// any other is set to its value (a JSON string), the reserved key is not
// taken. The other keys keep their JSON value and type: Polar's integers
// and booleans, written by other integrations, stay integers and
// booleans.
func (m metadata) merge(changes map[string]string) metadata {
	out := make(metadata, len(m)+len(changes))
	maps.Copy(out, m)
	return providerkit.MergeMetadataFunc(out, changes, jsonString)
}

// cleanMetadata converts the caller's metadata, leaving out empty values,
// which Polar refuses (minLength 1).
func cleanMetadata(m map[string]string) metadata { return metadata(nil).merge(m) }

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func metaValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// reserved is paykit's own data kept in metadata["__paykit"].
type reserved struct {
	Phone string `json:"phone,omitempty"`
}

func (m metadata) reserved() reserved {
	var r reserved
	if raw, ok := m[providerkit.ReservedKey]; ok {
		_ = providerkit.UnmarshalReserved(metaValue(raw), &r)
	}
	return r
}

// withReserved stores r under the reserved key of m, or removes the key
// when r is empty, and returns m (a new map when m is nil).
func (m metadata) withReserved(r reserved) metadata {
	if m == nil {
		m = metadata{}
	}
	raw, _ := providerkit.MarshalReserved(r)
	if raw == "" {
		delete(m, providerkit.ReservedKey)
		return m
	}
	m[providerkit.ReservedKey] = jsonString(raw)
	return m
}

type address struct {
	Line1      *string `json:"line1,omitempty"`
	Line2      *string `json:"line2,omitempty"`
	PostalCode *string `json:"postal_code,omitempty"`
	City       *string `json:"city,omitempty"`
	State      *string `json:"state,omitempty"`
	Country    string  `json:"country"`
}

// addressOf converts a billing address; nil when it has no country, which
// Polar requires.
func addressOf(b *paykit.BillingInfo) *address {
	if b == nil || b.Address.Country == "" {
		return nil
	}
	a := b.Address
	return &address{Line1: optional(a.Line1), Line2: optional(a.Line2), PostalCode: optional(a.PostalCode),
		City: optional(a.City), State: optional(a.State), Country: strings.ToUpper(a.Country)}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

type wireCustomer struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	ModifiedAt *time.Time `json:"modified_at"`
	Metadata   metadata   `json:"metadata"`
	Email      *string    `json:"email"`
	Name       *string    `json:"name"`
	DeletedAt  *time.Time `json:"deleted_at"`
}

type wireProduct struct {
	ID                     string  `json:"id"`
	IsRecurring            bool    `json:"is_recurring"`
	RecurringInterval      *string `json:"recurring_interval"`
	RecurringIntervalCount *int    `json:"recurring_interval_count"`
	Prices                 []struct {
		AmountType    string `json:"amount_type"`
		PriceAmount   *int64 `json:"price_amount"`
		PriceCurrency string `json:"price_currency"`
		IsArchived    bool   `json:"is_archived"`
	} `json:"prices"`
}

type wireCheckout struct {
	ID             string     `json:"id"`
	CreatedAt      time.Time  `json:"created_at"`
	Status         string     `json:"status"`
	URL            string     `json:"url"`
	ExpiresAt      *time.Time `json:"expires_at"`
	SuccessURL     string     `json:"success_url"`
	ReturnURL      *string    `json:"return_url"`
	TotalAmount    int64      `json:"total_amount"`
	Currency       string     `json:"currency"`
	ProductID      *string    `json:"product_id"`
	Seats          *int64     `json:"seats"`
	CustomerID     *string    `json:"customer_id"`
	CustomerEmail  *string    `json:"customer_email"`
	Metadata       metadata   `json:"metadata"`
	SubscriptionID *string    `json:"subscription_id"`
	Product        *struct {
		IsRecurring            bool    `json:"is_recurring"`
		RecurringInterval      *string `json:"recurring_interval"`
		RecurringIntervalCount *int    `json:"recurring_interval_count"`
	} `json:"product"`
}

type wireSubscription struct {
	ID                     string     `json:"id"`
	CreatedAt              time.Time  `json:"created_at"`
	Amount                 int64      `json:"amount"`
	Currency               string     `json:"currency"`
	RecurringInterval      string     `json:"recurring_interval"`
	RecurringIntervalCount int        `json:"recurring_interval_count"`
	Status                 string     `json:"status"`
	CurrentPeriodStart     time.Time  `json:"current_period_start"`
	CurrentPeriodEnd       time.Time  `json:"current_period_end"`
	CancelAtPeriodEnd      bool       `json:"cancel_at_period_end"`
	CanceledAt             *time.Time `json:"canceled_at"`
	EndedAt                *time.Time `json:"ended_at"`
	CustomerID             string     `json:"customer_id"`
	ProductID              string     `json:"product_id"`
	Seats                  *int64     `json:"seats"`
	Metadata               metadata   `json:"metadata"`
}

// wireOrder is an order. Polar keeps net amounts (after discounts,
// before tax) and tax apart: total_amount = net_amount + tax_amount; the
// refunded and refundable amounts are net, each with its tax field.
type wireOrder struct {
	ID                   string    `json:"id"`
	CreatedAt            time.Time `json:"created_at"`
	Status               string    `json:"status"`
	Paid                 bool      `json:"paid"`
	NetAmount            int64     `json:"net_amount"`
	TaxAmount            int64     `json:"tax_amount"`
	TotalAmount          int64     `json:"total_amount"`
	AppliedBalanceAmount int64     `json:"applied_balance_amount"`
	RefundedAmount       int64     `json:"refunded_amount"`
	RefundedTaxAmount    int64     `json:"refunded_tax_amount"`
	RefundableAmount     int64     `json:"refundable_amount"`
	RefundableTaxAmount  int64     `json:"refundable_tax_amount"`
	Currency             string    `json:"currency"`
	BillingReason        string    `json:"billing_reason"`
	CustomerID           string    `json:"customer_id"`
	ProductID            *string   `json:"product_id"`
	SubscriptionID       *string   `json:"subscription_id"`
	CheckoutID           *string   `json:"checkout_id"`
	Seats                *int64    `json:"seats"`
	Metadata             metadata  `json:"metadata"`
}

// charged is what the customer's payment method paid for the order: its
// total, tax included, plus the customer balance Polar applied (negative
// when a credit paid part of it).
func (o *wireOrder) charged() int64 { return max(0, o.TotalAmount+o.AppliedBalanceAmount) }

// refunded is what the customer got back, tax included.
func (o *wireOrder) refunded() int64 { return o.RefundedAmount + o.RefundedTaxAmount }

// refundable is what is left to refund, tax included.
func (o *wireOrder) refundable() int64 { return o.RefundableAmount + o.RefundableTaxAmount }

// refundTax is the tax Polar adds to a refund of net out of the order: all
// the tax left when net is all that is left, else net times the order's
// tax ratio, rounded half to even.
func (o *wireOrder) refundTax(net int64) int64 {
	switch {
	case net == o.RefundableAmount:
		return o.RefundableTaxAmount
	case o.NetAmount <= 0 || o.TaxAmount == 0:
		return 0
	}
	return int64(math.RoundToEven(float64(net) * (float64(o.TaxAmount) / float64(o.NetAmount))))
}

// wireRefund is a refund: amount is net, tax_amount the tax refunded
// with it.
type wireRefund struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Metadata  metadata  `json:"metadata"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason"`
	Amount    int64     `json:"amount"`
	TaxAmount int64     `json:"tax_amount"`
	Currency  string    `json:"currency"`
	OrderID   string    `json:"order_id"`
}

// Polar's statuses and the unified status each maps to, as the README's
// tables show them (held to these maps by TestREADMEStatusTables). The
// unified statuses are defined in paykit's package doc, "Status
// semantics"; a status not listed maps to the fallback its function
// names.

// subscriptionStatuses maps a subscription's status. The unified model
// has no trial state: trialing is active. incomplete (the first payment
// is still due) is pending, as on Stripe: nothing was paid yet.
var subscriptionStatuses = map[string]paykit.SubscriptionStatus{
	"trialing":           paykit.SubscriptionActive,
	"active":             paykit.SubscriptionActive,
	"past_due":           paykit.SubscriptionPastDue,
	"incomplete":         paykit.SubscriptionPending,
	"canceled":           paykit.SubscriptionCanceled,
	"unpaid":             paykit.SubscriptionCanceled,
	"paused":             paykit.SubscriptionPending,
	"incomplete_expired": paykit.SubscriptionExpired,
}

// checkoutStatuses maps a checkout's status. confirmed (being paid) is
// still open; failed and expired checkouts can no longer be paid.
var checkoutStatuses = map[string]paykit.CheckoutStatus{
	"open":      paykit.CheckoutOpen,
	"confirmed": paykit.CheckoutOpen,
	"succeeded": paykit.CheckoutComplete,
	"failed":    paykit.CheckoutExpired,
	"expired":   paykit.CheckoutExpired,
}

// checkoutPaymentStatuses maps the status of a checkout that stands for a
// payment not yet made.
var checkoutPaymentStatuses = map[string]paykit.PaymentStatus{
	"open":      paykit.PaymentRequiresAction,
	"confirmed": paykit.PaymentProcessing,
	"succeeded": paykit.PaymentSucceeded,
	"failed":    paykit.PaymentFailed,
	"expired":   paykit.PaymentCanceled,
}

// orderPaymentStatuses maps an order's status to its payment's: draft and
// pending orders await payment, paid ones (even refunded) succeeded, void
// ones were canceled.
var orderPaymentStatuses = map[string]paykit.PaymentStatus{
	"draft":              paykit.PaymentPending,
	"pending":            paykit.PaymentPending,
	"paid":               paykit.PaymentSucceeded,
	"refunded":           paykit.PaymentSucceeded,
	"partially_refunded": paykit.PaymentSucceeded,
	"void":               paykit.PaymentCanceled,
}

// orderInvoiceStatuses maps an order's status to its invoice's.
var orderInvoiceStatuses = map[string]paykit.InvoiceStatus{
	"draft":              paykit.InvoiceDraft,
	"pending":            paykit.InvoiceOpen,
	"paid":               paykit.InvoicePaid,
	"refunded":           paykit.InvoicePaid,
	"partially_refunded": paykit.InvoicePaid,
	"void":               paykit.InvoiceVoid,
}

// refundStatuses maps a refund's status: Polar's are paykit's.
var refundStatuses = map[string]paykit.RefundStatus{
	"pending":   paykit.RefundPending,
	"succeeded": paykit.RefundSucceeded,
	"failed":    paykit.RefundFailed,
	"canceled":  paykit.RefundCanceled,
}

// lookup returns the unified status m maps native to, or fallback for a
// status m does not list.
func lookup[U any](m map[string]U, native string, fallback U) U {
	if u, ok := m[native]; ok {
		return u
	}
	return fallback
}
