package paypal

import "github.com/paykit-go/paykit"

// Billing Subscriptions v1 wire types are below.

// billingMoney is PayPal's money: a currency and a decimal string in the
// currency's major units, with PayPal's own exponents (billingExponents).
type billingMoney struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
}

// billingLink is a HATEOAS link; rel "approve" is where the payer
// approves a subscription.
type billingLink struct {
	Href   string `json:"href"`
	Rel    string `json:"rel"`
	Method string `json:"method,omitempty"`
}

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
	Amount               *billingMoney `json:"amount,omitempty"`
	Time                 string        `json:"time,omitempty"`
	ReasonCode           string        `json:"reason_code,omitempty"`
	NextPaymentRetryTime string        `json:"next_payment_retry_time,omitempty"`
}

// billingInfo is a subscription's billing_info, present once it was
// active.
type billingInfo struct {
	OutstandingBalance  *billingMoney   `json:"outstanding_balance,omitempty"`
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
	Links            []billingLink      `json:"links,omitempty"`
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
		FixedPrice *billingMoney `json:"fixed_price,omitempty"`
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
		GrossAmount billingMoney `json:"gross_amount"`
	} `json:"amount_with_breakdown"`
	PayerEmail string       `json:"payer_email,omitempty"`
	PayerName  *billingName `json:"payer_name,omitempty"`
	Time       string       `json:"time"`
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
