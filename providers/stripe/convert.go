package stripe

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/tidwall/gjson"
)

// stripeExponents are the decimals of Stripe's amounts where they differ
// from ISO 4217's, from Stripe's lists of zero-decimal and three-decimal
// currencies: every currency Stripe does not list has two. So ISK keeps
// two (whole krónur written with 00, for backwards compatibility), MGA
// has none, LYD and IQD two, and CLF, UYI and UYW two. HUF and TWD are
// charged with two decimals, as ISO 4217 has them (their rule of whole
// units is for payouts); UGX has none in both.
var stripeExponents = providerkit.Exponents{
	"ISK": 2, "MGA": 0, "LYD": 2, "IQD": 2, "CLF": 2, "UYI": 2, "UYW": 2,
}

// amountToStripe converts paykit minor units of currency into Stripe's.
// Amounts Stripe cannot represent exactly are refused with a validation
// error naming param.
func amountToStripe(param string, amount int64, currency string) (int64, error) {
	cur := strings.ToUpper(currency)
	decimals, err := stripeExponents.Exponent(cur)
	if err != nil {
		// Not an ISO 4217 code (the Client refuses those before the
		// provider sees them): amounts are passed as they are.
		return amount, nil
	}
	out, err := stripeExponents.ToProvider(amount, cur)
	switch {
	case errors.Is(err, providerkit.ErrAmountOverflow):
		return 0, paykit.ValidationError(param, "the amount is too large for Stripe")
	case err != nil:
		iso, _ := providerkit.Exponent(cur)
		return 0, paykit.ValidationError(param, "Stripe takes "+cur+" amounts with "+strconv.Itoa(decimals)+" decimals: in multiples of "+strconv.FormatFloat(math.Pow10(iso-decimals), 'f', 0, 64)+" minor units")
	}
	if decimals == 3 && out%10 != 0 {
		return 0, paykit.ValidationError(param, "Stripe takes "+cur+" amounts in multiples of 10 minor units")
	}
	return out, nil
}

// amountFromStripe converts Stripe's amount of currency into paykit minor
// units; a fraction of paykit's minor unit (which Stripe is not sent) is
// dropped, and an amount in a code that is not ISO 4217's is passed as it
// is.
func amountFromStripe(amount int64, currency string) int64 {
	out, err := stripeExponents.FromProvider(amount, currency)
	if err != nil && !errors.Is(err, providerkit.ErrInexactAmount) {
		return amount
	}
	return out
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
	if in != (internal{}) && len(user) >= paykit.MaxMetadataKeys {
		return nil, paykit.ValidationError("metadata", "Stripe allows "+strconv.Itoa(paykit.MaxMetadataKeys-1)+" metadata keys here: paykit keeps one")
	}
	return providerkit.EncodeReserved(user, in)
}

// metadataIn splits metadata as Stripe returned it into the user's part,
// nil when empty, and paykit's own. It deletes the reserved key from m.
// paykit's own is read with gjson rather than encoding/json: every
// webhook and answer with metadata passes here, and reflection cost four
// allocations and a tenth of a customer.created delivery's time.
func metadataIn(m map[string]string) (map[string]string, internal) {
	user, raw := providerkit.SplitReserved(m)
	var in internal
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
	return user, in
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
