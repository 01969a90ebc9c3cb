package local

import (
	"encoding/json"
	"time"

	"github.com/paykit-go/paykit"
)

// What the simulator puts on the wire and in its records. It has no
// native statuses, and so no native-to-unified table: its objects carry
// paykit's unified statuses as their own ("Status semantics" in package
// paykit), and its webhook events are paykit events as they are
// (MappedEvents lists them). The shapes of its own are the records it
// keeps in its Store, below, with the stored events (events.go) and
// deliveries (deliveries.go); the JSON API of remote mode, shared with
// the local payments server, is package internal/wire.
//
// The stored form of each resource: the unified object plus what the
// simulator needs to run its state machines.

type customerRec struct {
	Customer paykit.Customer     `json:"customer"`
	Billing  *paykit.BillingInfo `json:"billing,omitempty"`
	// Declines makes charges of the customer's saved card fail.
	Declines bool `json:"declines,omitempty"`
}

type checkoutRec struct {
	Checkout paykit.Checkout     `json:"checkout"`
	ItemID   string              `json:"item_id"`
	Quantity int64               `json:"quantity"`
	Billing  *paykit.BillingInfo `json:"billing,omitempty"`
	// CustomerID is the customer the email payee of a recurring checkout
	// became on their first attempt to pay; later attempts reuse it.
	CustomerID string `json:"customer_id,omitempty"`
}

type paymentRec struct {
	Payment        paykit.Payment      `json:"payment"`
	CheckoutID     string              `json:"checkout_id,omitempty"`
	SubscriptionID string              `json:"subscription_id,omitempty"`
	InvoiceID      string              `json:"invoice_id,omitempty"`
	Billing        *paykit.BillingInfo `json:"billing,omitempty"`
}

type subscriptionRec struct {
	Subscription paykit.Subscription `json:"subscription"`
	// IntervalCount is read from records written before
	// Subscription.BillingIntervalCount existed, which UnmarshalJSON moves
	// it to; it is never written.
	IntervalCount int `json:"interval_count,omitempty"`
	// Anchor and Periods place the current period: it ends
	// BillingInterval.AddTo(Anchor, IntervalCount*Periods), so that a
	// period clamped to a short month (Jan 31 + 1 month = Feb 28) does not
	// move the ones after it (Jan 31 + 2 months = Mar 31).
	Anchor  time.Time `json:"anchor,omitzero"`
	Periods int       `json:"periods,omitempty"`
	// PendingPaymentID is the first payment while it awaits the payer:
	// until it is paid the subscription has not started, and is never
	// renewed.
	PendingPaymentID string `json:"pending_payment_id,omitempty"`
	// DuePaymentID is the payment of the latest renewal while it awaits a
	// payer without a saved card; the subscription is past_due until it
	// is paid.
	DuePaymentID string `json:"due_payment_id,omitempty"`
}

func (r *subscriptionRec) intervals() int { return max(r.Subscription.BillingIntervalCount, 1) }

// UnmarshalJSON reads a record, moving the interval count of a record
// written before Subscription.BillingIntervalCount existed into it.
func (r *subscriptionRec) UnmarshalJSON(b []byte) error {
	type plain subscriptionRec
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	if r.Subscription.BillingIntervalCount == 0 && r.IntervalCount > 1 {
		r.Subscription.BillingIntervalCount = r.IntervalCount
	}
	r.IntervalCount = 0
	return nil
}

// start makes the first period begin at at.
func (r *subscriptionRec) start(at time.Time) {
	sub := &r.Subscription
	r.Anchor, r.Periods = at, 1
	sub.CurrentPeriodStart, sub.CurrentPeriodEnd = at, sub.BillingInterval.AddTo(at, r.intervals())
}

// next moves to the period after the current one.
func (r *subscriptionRec) next() {
	sub := &r.Subscription
	if r.Anchor.IsZero() { // stored before anchors were kept
		r.reanchor()
	}
	r.Periods++
	sub.CurrentPeriodStart, sub.CurrentPeriodEnd = sub.CurrentPeriodEnd, sub.BillingInterval.AddTo(r.Anchor, r.intervals()*r.Periods)
}

// reanchor counts the periods from the end of the current one, as when
// the billing interval changes from the next period on.
func (r *subscriptionRec) reanchor() {
	r.Anchor, r.Periods = r.Subscription.CurrentPeriodEnd, 0
}

// ended reports whether the subscription is over: canceled or expired.
func (r *subscriptionRec) ended() bool {
	st := r.Subscription.Status
	return st == paykit.SubscriptionCanceled || st == paykit.SubscriptionExpired
}

// awaits points the subscription at a payment its payer has to make.
func (r *subscriptionRec) awaits(pay *paymentRec) {
	r.Subscription.RequiresAction, r.Subscription.PaymentURL = true, pay.Payment.PaymentURL
}

// awaitsNothing clears what awaits.
func (r *subscriptionRec) awaitsNothing() {
	r.Subscription.RequiresAction, r.Subscription.PaymentURL = false, ""
}

var (
	customers = kind[customerRec]{
		coll: collCustomers, noun: "customer",
		id:   func(r *customerRec) string { return r.Customer.ID },
		data: func(r *customerRec) any { return &r.Customer },
		keys: func(r *customerRec) map[string]string { return map[string]string{"email": r.Customer.Email} },
	}
	checkouts = kind[checkoutRec]{
		coll: collCheckouts, noun: "checkout",
		id:   func(r *checkoutRec) string { return r.Checkout.ID },
		data: func(r *checkoutRec) any { return &r.Checkout },
		keys: func(r *checkoutRec) map[string]string {
			return map[string]string{"customer": r.Checkout.Customer.ID, "status": string(r.Checkout.Status)}
		},
	}
	payments = kind[paymentRec]{
		coll: collPayments, noun: "payment",
		id:   func(r *paymentRec) string { return r.Payment.ID },
		data: func(r *paymentRec) any { return &r.Payment },
		keys: func(r *paymentRec) map[string]string {
			return map[string]string{"customer": r.Payment.Customer.ID, "status": string(r.Payment.Status)}
		},
	}
	subscriptions = kind[subscriptionRec]{
		coll: collSubscriptions, noun: "subscription",
		id:   func(r *subscriptionRec) string { return r.Subscription.ID },
		data: func(r *subscriptionRec) any { return &r.Subscription },
		keys: func(r *subscriptionRec) map[string]string {
			return map[string]string{"customer": r.Subscription.Customer.ID, "status": string(r.Subscription.Status)}
		},
	}
	refunds = kind[paykit.Refund]{
		coll: collRefunds, noun: "refund",
		id:   func(r *paykit.Refund) string { return r.ID },
		data: func(r *paykit.Refund) any { return r },
		keys: func(r *paykit.Refund) map[string]string { return map[string]string{"payment": r.PaymentID} },
	}
	invoices = kind[paykit.Invoice]{
		coll: collInvoices, noun: "invoice",
		id:   func(r *paykit.Invoice) string { return r.ID },
		data: func(r *paykit.Invoice) any { return r },
		keys: func(r *paykit.Invoice) map[string]string {
			return map[string]string{"customer": r.Customer.ID, "subscription": r.SubscriptionID}
		},
	}
)

func (r *customerRec) out() *paykit.Customer         { return &r.Customer }
func (r *checkoutRec) out() *paykit.Checkout         { return &r.Checkout }
func (r *paymentRec) out() *paykit.Payment           { return &r.Payment }
func (r *subscriptionRec) out() *paykit.Subscription { return &r.Subscription }
func same[T any](v *T) *T                            { return v }
