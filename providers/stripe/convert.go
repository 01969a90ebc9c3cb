package stripe

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/money"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/tidwall/gjson"
)

// stripeDecimals are the decimals of Stripe's amounts in the currencies
// where they are not 2, from Stripe's list of zero-decimal and
// three-decimal currencies. The special cases keep two: ISK (whole krónur
// written with 00, for backwards compatibility), and HUF and TWD (charged
// with two decimals; their rule of whole units is for payouts). UGX is
// zero-decimal.
var stripeDecimals = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "JPY": 0, "KMF": 0, "KRW": 0, "MGA": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "JOD": 3, "KWD": 3, "OMR": 3, "TND": 3,
}

// pow10 holds the powers of ten a shift between exponents takes.
var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000}

// amountShift returns how many decimal digits Stripe's amounts of currency
// (upper case) have more than paykit's, whose minor units follow
// internal/money's ISO 4217 exponents, and Stripe's decimals.
func amountShift(currency string) (shift, decimals int) {
	decimals, ok := stripeDecimals[currency]
	if !ok {
		decimals = 2
	}
	exp, err := money.Exponent(currency)
	if err != nil {
		// Not an ISO 4217 code (the Client refuses those before the
		// provider sees them): amounts are passed as they are.
		return 0, decimals
	}
	shift = decimals - exp
	if shift >= len(pow10) || -shift >= len(pow10) {
		return 0, decimals
	}
	return shift, decimals
}

// amountToStripe converts paykit minor units of currency into Stripe's.
// Amounts Stripe cannot represent exactly are refused with a validation
// error naming param.
func amountToStripe(param string, amount int64, currency string) (int64, error) {
	cur := strings.ToUpper(currency)
	shift, decimals := amountShift(cur)
	switch {
	case shift > 0:
		f := pow10[shift]
		if amount > math.MaxInt64/f || amount < math.MinInt64/f {
			return 0, paykit.ValidationError(param, "the amount is too large for Stripe")
		}
		amount *= f
	case shift < 0:
		f := pow10[-shift]
		if amount%f != 0 {
			return 0, paykit.ValidationError(param, "Stripe takes "+cur+" amounts with "+strconv.Itoa(decimals)+" decimals: in multiples of "+strconv.FormatInt(f, 10)+" minor units")
		}
		amount /= f
	}
	if decimals == 3 && amount%10 != 0 {
		return 0, paykit.ValidationError(param, "Stripe takes "+cur+" amounts in multiples of 10 minor units")
	}
	return amount, nil
}

// amountFromStripe converts Stripe's amount of currency into paykit minor
// units; a fraction of paykit's minor unit (which Stripe is not sent) is
// dropped.
func amountFromStripe(amount int64, currency string) int64 {
	shift, _ := amountShift(strings.ToUpper(currency))
	switch {
	case shift > 0:
		return amount / pow10[shift]
	case shift < 0:
		return amount * pow10[-shift]
	}
	return amount
}

// currencyOut returns Stripe's lower-case currency code upper-cased.
func currencyOut[S ~string](c S) string { return strings.ToUpper(string(c)) }

func currencyIn(c string) *string { return stripeapi.String(strings.ToLower(c)) }

// unixTime converts Stripe's Unix seconds; 0 is the zero time.
func unixTime(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func unixTimePtr(sec int64) *time.Time {
	if sec == 0 {
		return nil
	}
	t := unixTime(sec)
	return &t
}

// internal is what paykit keeps in the reserved metadata key of a Stripe
// object, as JSON.
type internal struct {
	// ItemID and Quantity are what a checkout or payment was created
	// for, so that webhooks, which carry no line items, can report them.
	ItemID   string `json:"item_id,omitempty"`
	Quantity int64  `json:"quantity,omitempty"`
	// Reason keeps the paykit refund reason Stripe has no value for.
	Reason string `json:"reason,omitempty"`
	// PaymentID is the payment id a refund was asked for (a cs_ id).
	PaymentID string `json:"payment_id,omitempty"`
}

// metadataOut returns the metadata to send: the user's keys plus, when in
// is not empty, paykit's own under the reserved key.
func metadataOut(user map[string]string, in internal) (map[string]string, error) {
	if in == (internal{}) {
		return user, nil
	}
	if len(user) >= paykit.MaxMetadataKeys {
		return nil, paykit.ValidationError("metadata", "Stripe allows "+strconv.Itoa(paykit.MaxMetadataKeys-1)+" metadata keys here: paykit keeps one")
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(user)+1)
	for k, v := range user {
		out[k] = v
	}
	out[paykit.ReservedMetadataKey] = string(b)
	return out, nil
}

// metadataIn splits metadata as Stripe returned it into the user's part,
// nil when empty, and paykit's own. It deletes the reserved key from m.
func metadataIn(m map[string]string) (map[string]string, internal) {
	var in internal
	if raw, ok := m[paykit.ReservedMetadataKey]; ok {
		delete(m, paykit.ReservedMetadataKey)
		gjson.Parse(raw).ForEach(func(k, v gjson.Result) bool {
			switch k.Str {
			case "item_id":
				in.ItemID = v.String()
			case "quantity":
				in.Quantity = v.Int()
			case "reason":
				in.Reason = v.String()
			case "payment_id":
				in.PaymentID = v.String()
			}
			return true
		})
	}
	if len(m) == 0 {
		return nil, in
	}
	return m, in
}

// payee returns the customer id, or the email when there is none.
func payee(id, email string) paykit.Payee {
	if id != "" {
		return paykit.CustomerID(id)
	}
	return paykit.CustomerEmail(email)
}

// interval maps Stripe's interval names, which are paykit's; anything else
// is the zero interval.
func interval[S ~string](unit S) paykit.BillingInterval {
	b, _ := paykit.ParseInterval(string(unit))
	return b
}

// intervalIn returns Stripe's name of a calendar interval; Stripe has no
// custom intervals.
func intervalIn(param string, b paykit.BillingInterval) (*string, error) {
	if _, custom := b.Duration(); custom || b.IsZero() {
		return nil, paykit.ValidationError(param, "Stripe bills every day, week, month or year (times a count), not custom intervals")
	}
	return stripeapi.String(b.Unit()), nil
}

// subscriptionStatus maps Stripe's subscription status
// (subscriptionStatuses); an unknown one is pending, neither entitled nor
// ended.
func subscriptionStatus[S ~string](s S) paykit.SubscriptionStatus {
	return lookup(subscriptionStatuses, s, paykit.SubscriptionPending)
}

// paymentStatus maps a PaymentIntent status (paymentIntentStatuses). A
// PaymentIntent that wants a new payment method after an attempt failed is
// failed; an unknown status is failed.
func paymentStatus[S ~string](s S, attemptFailed bool) paykit.PaymentStatus {
	if string(s) == "requires_payment_method" && attemptFailed {
		return paykit.PaymentFailed
	}
	return lookup(paymentIntentStatuses, s, paykit.PaymentFailed)
}

// chargeStatus maps the status of a charge (chargeStatuses); an unknown
// one is succeeded.
func chargeStatus[S ~string](s S) paykit.PaymentStatus {
	return lookup(chargeStatuses, s, paykit.PaymentSucceeded)
}

// sessionPaymentStatus is the status of the payment of a Checkout Session
// in payment mode that has no PaymentIntent to read it from.
func sessionPaymentStatus[S, P ~string](status S, paymentStatus P) paykit.PaymentStatus {
	switch string(status) {
	case "open":
		return paykit.PaymentRequiresAction
	case "expired":
		return paykit.PaymentCanceled
	}
	if string(paymentStatus) == "unpaid" {
		return paykit.PaymentProcessing
	}
	return paykit.PaymentSucceeded
}

func captureMethod[S ~string](s S) paykit.CaptureMethod {
	if string(s) == "manual" {
		return paykit.CaptureManual
	}
	return paykit.CaptureAutomatic
}

func sessionType[S ~string](mode S) paykit.SessionType {
	if string(mode) == "subscription" {
		return paykit.SessionRecurring
	}
	return paykit.SessionOneTime
}

// refundReason maps Stripe's reason; paykit's "other", which Stripe has no
// value for, is kept in the refund's metadata.
func refundReason[S ~string](s S, kept string) paykit.RefundReason {
	switch string(s) {
	case "duplicate", "fraudulent", "requested_by_customer":
		return paykit.RefundReason(s)
	case "":
		return paykit.RefundReason(kept)
	}
	return paykit.RefundOther
}

// refundStatus maps a Refund's status (refundStatuses); an unknown one is
// pending.
func refundStatus[S ~string](s S) paykit.RefundStatus {
	return lookup(refundStatuses, s, paykit.RefundPending)
}

// checkoutStatus maps a Checkout Session's status (checkoutStatuses); an
// unknown one is open.
func checkoutStatus[S ~string](s S) paykit.CheckoutStatus {
	return lookup(checkoutStatuses, s, paykit.CheckoutOpen)
}

// invoiceStatus maps an Invoice's status (invoiceStatuses); an unknown one
// is open, as an invoice Stripe finalized and has not settled.
func invoiceStatus[S ~string](s S) paykit.InvoiceStatus {
	return lookup(invoiceStatuses, s, paykit.InvoiceOpen)
}

func billingMode(subscriptionID string) paykit.BillingMode {
	if subscriptionID != "" {
		return paykit.BillingRecurring
	}
	return paykit.BillingOneTime
}

// failureCode is the decline code of a failed payment attempt, or its error
// code when the issuer gave none.
func failureCode[S, T ~string](declineCode S, code T) string {
	if declineCode != "" {
		return string(declineCode)
	}
	return string(code)
}
