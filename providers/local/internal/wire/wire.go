// Package wire is the JSON API between the local provider in remote mode
// (local.WithServerURL) and the local payments server: the route of every
// operation, the snake_case request bodies, list queries, pages and the
// error envelope. Both ends use this one definition, so they cannot drift.
//
// Request bodies convert to and from paykit's params types with a plain
// type conversion: a field added to a params type breaks the build here
// until the wire type follows.
package wire

import (
	"strings"
	"time"

	"github.com/paykit-go/paykit"
)

// Prefix is the path under which the API lives.
const Prefix = "/api/v1"

// IdempotencyHeader carries the idempotency key of a write.
const IdempotencyHeader = "Idempotency-Key"

// MaxBody bounds a request body.
const MaxBody = 1 << 20

// Operations of the local provider's simulation helpers and event log.
// Package local's exported Op constants are these.
const (
	OpPayCheckout     paykit.Op = "local.complete_checkout"
	OpConfirmPayment  paykit.Op = "local.confirm_payment"
	OpFailPayment     paykit.Op = "local.fail_payment"
	OpSetCardDeclined paykit.Op = "local.set_card_declined"
	OpCardDeclined    paykit.Op = "local.card_declined"
	OpAdvanceClock    paykit.Op = "local.advance_clock"
	OpNow             paykit.Op = "local.now"
	OpEvents          paykit.Op = "local.events"
	OpEvent           paykit.Op = "local.event"
	OpResend          paykit.Op = "local.resend"
	OpFlush           paykit.Op = "local.flush"
)

// Route is where one operation lives: its method and its path below
// Prefix, where "{id}" stands for the resource id, and whether it takes
// a JSON body.
type Route struct {
	Op     paykit.Op
	Method string
	Path   string
	// Body is true for a route that takes a JSON object as its body. A
	// route without one accepts only an empty body or {}: the server
	// refuses anything else with a 400 before the operation runs.
	Body bool
}

// URLPath returns the route's path with id filled in (escaped).
func (r Route) URLPath(escapedID string) string {
	return Prefix + strings.Replace(r.Path, "{id}", escapedID, 1)
}

// Routes lists every operation of the API.
var Routes = []Route{
	{paykit.OpCustomersCreate, "POST", "/customers", true},
	{paykit.OpCustomersList, "GET", "/customers", false},
	{paykit.OpCustomersRetrieve, "GET", "/customers/{id}", false},
	{paykit.OpCustomersUpdate, "POST", "/customers/{id}", true},
	{paykit.OpCustomersDelete, "DELETE", "/customers/{id}", false},
	{OpCardDeclined, "GET", "/customers/{id}/card", false},
	{OpSetCardDeclined, "POST", "/customers/{id}/card", true},

	{paykit.OpCheckoutsCreate, "POST", "/checkouts", true},
	{paykit.OpCheckoutsList, "GET", "/checkouts", false},
	{paykit.OpCheckoutsRetrieve, "GET", "/checkouts/{id}", false},
	{paykit.OpCheckoutsUpdate, "POST", "/checkouts/{id}", true},
	{paykit.OpCheckoutsDelete, "DELETE", "/checkouts/{id}", false},
	{OpPayCheckout, "POST", "/checkouts/{id}/pay", true},

	{paykit.OpSubscriptionsCreate, "POST", "/subscriptions", true},
	{paykit.OpSubscriptionsList, "GET", "/subscriptions", false},
	{paykit.OpSubscriptionsRetrieve, "GET", "/subscriptions/{id}", false},
	{paykit.OpSubscriptionsUpdate, "POST", "/subscriptions/{id}", true},
	{paykit.OpSubscriptionsDelete, "DELETE", "/subscriptions/{id}", false},
	{paykit.OpSubscriptionsCancel, "POST", "/subscriptions/{id}/cancel", false},

	{paykit.OpPaymentsCreate, "POST", "/payments", true},
	{paykit.OpPaymentsList, "GET", "/payments", false},
	{paykit.OpPaymentsRetrieve, "GET", "/payments/{id}", false},
	{paykit.OpPaymentsUpdate, "POST", "/payments/{id}", true},
	{paykit.OpPaymentsDelete, "DELETE", "/payments/{id}", false},
	{paykit.OpPaymentsCapture, "POST", "/payments/{id}/capture", true},
	{paykit.OpPaymentsCancel, "POST", "/payments/{id}/cancel", false},
	{OpConfirmPayment, "POST", "/payments/{id}/confirm", false},
	{OpFailPayment, "POST", "/payments/{id}/fail", false},

	{paykit.OpRefundsCreate, "POST", "/refunds", true},
	{paykit.OpRefundsList, "GET", "/refunds", false},
	{paykit.OpRefundsRetrieve, "GET", "/refunds/{id}", false},

	{paykit.OpInvoicesList, "GET", "/invoices", false},
	{paykit.OpInvoicesRetrieve, "GET", "/invoices/{id}", false},

	{OpNow, "GET", "/clock", false},
	{OpAdvanceClock, "POST", "/clock/advance", true},

	{OpEvents, "GET", "/events", false},
	{OpFlush, "POST", "/events/flush", false},
	{OpEvent, "GET", "/events/{id}", false},
	{OpResend, "POST", "/events/{id}/resend", false},
}

var routeByOp = func() map[paykit.Op]Route {
	m := make(map[paykit.Op]Route, len(Routes))
	for _, r := range Routes {
		m[r.Op] = r
	}
	return m
}()

// RouteOf returns the route of op, and false for an op the API lacks.
func RouteOf(op paykit.Op) (Route, bool) {
	r, ok := routeByOp[op]
	return r, ok
}

// CustomerCreate is the body of customers.create.
type CustomerCreate struct {
	Email            string              `json:"email"`
	Name             string              `json:"name,omitempty"`
	Phone            string              `json:"phone,omitempty"`
	Metadata         map[string]string   `json:"metadata,omitempty"`
	Billing          *paykit.BillingInfo `json:"billing,omitempty"`
	ProviderMetadata any                 `json:"-"`
}

// CustomerUpdate is the body of customers.update; absent fields stay.
type CustomerUpdate struct {
	Email            *string           `json:"email,omitempty"`
	Name             *string           `json:"name,omitempty"`
	Phone            *string           `json:"phone,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
	ProviderMetadata any               `json:"-"`
}

// CheckoutCreate is the body of checkouts.create.
type CheckoutCreate struct {
	Customer         paykit.Payee                 `json:"customer,omitzero"`
	ItemID           string                       `json:"item_id"`
	SessionType      paykit.SessionType           `json:"session_type"`
	Quantity         int64                        `json:"quantity,omitempty"`
	Metadata         map[string]string            `json:"metadata,omitempty"`
	SuccessURL       string                       `json:"success_url,omitempty"`
	CancelURL        string                       `json:"cancel_url,omitempty"`
	Billing          *paykit.BillingInfo          `json:"billing,omitempty"`
	Subscription     *paykit.CheckoutSubscription `json:"subscription,omitempty"`
	ProviderMetadata any                          `json:"-"`
}

// CheckoutUpdate is the body of checkouts.update.
type CheckoutUpdate struct {
	Metadata         map[string]string `json:"metadata,omitempty"`
	ProviderMetadata any               `json:"-"`
}

// SubscriptionCreate is the body of subscriptions.create.
type SubscriptionCreate struct {
	Customer         paykit.Payee           `json:"customer,omitzero"`
	ItemID           string                 `json:"item_id"`
	Quantity         int64                  `json:"quantity,omitempty"`
	Metadata         map[string]string      `json:"metadata,omitempty"`
	Amount           int64                  `json:"amount,omitempty"`
	Currency         string                 `json:"currency,omitempty"`
	BillingInterval  paykit.BillingInterval `json:"billing_interval,omitzero"`
	ProviderMetadata any                    `json:"-"`
}

// SubscriptionUpdate is the body of subscriptions.update.
type SubscriptionUpdate struct {
	Metadata          map[string]string `json:"metadata,omitempty"`
	ItemID            string            `json:"item_id,omitempty"`
	Quantity          *int64            `json:"quantity,omitempty"`
	CancelAtPeriodEnd *bool             `json:"cancel_at_period_end,omitempty"`
	ProviderMetadata  any               `json:"-"`
}

// PaymentCreate is the body of payments.create.
type PaymentCreate struct {
	Amount           int64                `json:"amount"`
	Currency         string               `json:"currency"`
	Customer         paykit.Payee         `json:"customer,omitzero"`
	ItemID           string               `json:"item_id,omitempty"`
	Metadata         map[string]string    `json:"metadata,omitempty"`
	CaptureMethod    paykit.CaptureMethod `json:"capture_method,omitempty"`
	Billing          *paykit.BillingInfo  `json:"billing,omitempty"`
	ProviderMetadata any                  `json:"-"`
}

// PaymentUpdate is the body of payments.update.
type PaymentUpdate struct {
	Metadata         map[string]string `json:"metadata,omitempty"`
	ProviderMetadata any               `json:"-"`
}

// PaymentCapture is the body of payments.capture.
type PaymentCapture struct {
	Amount int64 `json:"amount,omitempty"`
}

// RefundCreate is the body of refunds.create.
type RefundCreate struct {
	PaymentID        string              `json:"payment_id"`
	Amount           int64               `json:"amount,omitempty"`
	Reason           paykit.RefundReason `json:"reason,omitempty"`
	Metadata         map[string]string   `json:"metadata,omitempty"`
	ProviderMetadata any                 `json:"-"`
}

// Pay is the body of POST /checkouts/{id}/pay: the simulated card.
type Pay struct {
	Card string `json:"card"`
}

// Card is the body and answer of /customers/{id}/card.
type Card struct {
	Declined bool `json:"declined"`
}

// Advance is the body of POST /clock/advance: a Go duration string such
// as "720h".
type Advance struct {
	Duration string `json:"duration"`
}

// Clock is the answer of GET /clock and POST /clock/advance.
type Clock struct {
	Now time.Time `json:"now"`
}

// Flushed is the answer of POST /events/flush: Pending is true when
// deliveries were still queued when the server stopped waiting; ask
// again.
type Flushed struct {
	Pending bool `json:"pending"`
}

// Deleted is the answer of a DELETE.
type Deleted struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}
