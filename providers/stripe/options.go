package stripe

import (
	"net/http"
	"net/url"
	"time"

	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// Option configures the provider in Provider.
type Option func(*settings)

type settings struct {
	successURL string
	cancelURL  string
	baseURL    string
	httpClient *http.Client
	maxRetries int64
	tolerance  time.Duration
	errs       providerkit.ConfigErrors
}

// WithBaseURL sends every API request to base instead of Stripe's API, for
// stripe-mock or a proxy. base must be an absolute http or https URL.
func WithBaseURL(base string) Option {
	return func(s *settings) {
		if !isHTTPURL(base) {
			s.errs.Fail("base_url", "WithBaseURL needs an absolute http or https URL")
			return
		}
		s.baseURL = base
	}
}

// WithReturnURLs sets where the Stripe Checkout page sends the payer back
// to when Payments.Create has to send them there (the customer has no saved
// payment method): success after paying, cancel when they give up (may be
// empty). PaymentOptions.SuccessURL and CancelURL override them per call.
func WithReturnURLs(success, cancel string) Option {
	return func(s *settings) {
		switch {
		case !isHTTPURL(success):
			s.errs.Fail("success_url", "WithReturnURLs needs an absolute http or https success URL")
		case cancel != "" && !isHTTPURL(cancel):
			s.errs.Fail("cancel_url", "WithReturnURLs needs an absolute http or https cancel URL, or none")
		default:
			s.successURL, s.cancelURL = success, cancel
		}
	}
}

// WithHTTPClient makes the provider send its requests with c. Without it
// the provider uses a client shared by all Stripe providers of the process,
// whose transport keeps up to 64 idle connections per host so that
// concurrent calls reuse connections instead of opening new ones.
func WithHTTPClient(c *http.Client) Option {
	return func(s *settings) { s.httpClient = c }
}

// WithMaxRetries sets how often a request that failed for a reason worth
// retrying (connection errors, 409, 5xx) is retried, always with the same
// idempotency key, by stripe-go's rules. The default is stripe-go's, 2; 0
// disables retries. Each retry waits 0.5 to 5 s, as stripe-go's do, but
// the wait ends with the call's context, and a retry that could not start
// before the context's deadline is not made.
func WithMaxRetries(n int) Option {
	return func(s *settings) {
		if n < 0 {
			s.errs.Fail("max_retries", "WithMaxRetries needs a number of retries of 0 or more")
			return
		}
		s.maxRetries = int64(n)
	}
}

// WithWebhookTolerance sets how old a webhook's signature timestamp may be;
// the default is stripe-go's, 5 minutes.
func WithWebhookTolerance(d time.Duration) Option {
	return func(s *settings) {
		if d <= 0 {
			s.errs.Fail("webhook_tolerance", "WithWebhookTolerance needs a positive duration")
			return
		}
		s.tolerance = d
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// CustomerOptions are the Stripe settings of Customers.Create and Update,
// passed as ProviderMetadata.
type CustomerOptions struct {
	// Description is shown in the Stripe dashboard.
	Description string
	// PaymentMethod makes this payment method (pm_...) the customer's
	// default for invoices and Payments.Create; Create also attaches it,
	// Update needs it attached already.
	PaymentMethod string
	// PreferredLocales orders the languages of emails and hosted pages.
	PreferredLocales []string
}

func (o *CustomerOptions) apply(p *stripeapi.CustomerParams) {
	if o.Description != "" {
		p.Description = stripeapi.String(o.Description)
	}
	if o.PaymentMethod != "" {
		p.InvoiceSettings = &stripeapi.CustomerInvoiceSettingsParams{DefaultPaymentMethod: stripeapi.String(o.PaymentMethod)}
	}
	if len(o.PreferredLocales) > 0 {
		p.PreferredLocales = stripeapi.StringSlice(o.PreferredLocales)
	}
}

// CheckoutOptions are the Stripe settings of Checkouts.Create, passed as
// ProviderMetadata.
type CheckoutOptions struct {
	// AllowPromotionCodes lets the payer enter a promotion code.
	AllowPromotionCodes bool
	// ClientReferenceID is your own reference for the session.
	ClientReferenceID string
	// Locale of the checkout page, e.g. "de"; empty lets Stripe choose.
	Locale string
	// ExpiresAt closes the session early (30 minutes to 24 hours ahead).
	ExpiresAt time.Time
	// PaymentMethodTypes limits the payment methods offered, e.g. "card".
	PaymentMethodTypes []string
	// InvoiceCreation makes a one-time checkout create a Stripe invoice.
	InvoiceCreation bool
	// TrialPeriodDays starts a recurring checkout's subscription with a
	// free trial.
	TrialPeriodDays int64
}

func (o *CheckoutOptions) apply(p *stripeapi.CheckoutSessionParams) {
	if o.AllowPromotionCodes {
		p.AllowPromotionCodes = stripeapi.Bool(true)
	}
	if o.ClientReferenceID != "" {
		p.ClientReferenceID = stripeapi.String(o.ClientReferenceID)
	}
	if o.Locale != "" {
		p.Locale = stripeapi.String(o.Locale)
	}
	if !o.ExpiresAt.IsZero() {
		p.ExpiresAt = stripeapi.Int64(o.ExpiresAt.Unix())
	}
	if len(o.PaymentMethodTypes) > 0 {
		p.PaymentMethodTypes = stripeapi.StringSlice(o.PaymentMethodTypes)
	}
	if o.InvoiceCreation && *p.Mode == string(stripeapi.CheckoutSessionModePayment) {
		p.InvoiceCreation = &stripeapi.CheckoutSessionInvoiceCreationParams{Enabled: stripeapi.Bool(true)}
	}
	if o.TrialPeriodDays > 0 && p.SubscriptionData != nil {
		p.SubscriptionData.TrialPeriodDays = stripeapi.Int64(o.TrialPeriodDays)
	}
}

// SubscriptionOptions are the Stripe settings of Subscriptions.Create and
// Update, passed as ProviderMetadata.
type SubscriptionOptions struct {
	// DefaultPaymentMethod pays the subscription's invoices.
	DefaultPaymentMethod string
	// TrialPeriodDays starts the subscription with a free trial (create).
	TrialPeriodDays int64
	// ProrationBehavior is create_prorations, none or always_invoice
	// (update); empty uses Stripe's default.
	ProrationBehavior string
}

func (o *SubscriptionOptions) apply(p *stripeapi.SubscriptionParams) {
	if o.DefaultPaymentMethod != "" {
		p.DefaultPaymentMethod = stripeapi.String(o.DefaultPaymentMethod)
	}
	if o.TrialPeriodDays > 0 {
		p.TrialPeriodDays = stripeapi.Int64(o.TrialPeriodDays)
	}
	if o.ProrationBehavior != "" {
		p.ProrationBehavior = stripeapi.String(o.ProrationBehavior)
	}
}

// PaymentOptions are the Stripe settings of Payments.Create and Update,
// passed as ProviderMetadata.
type PaymentOptions struct {
	// PaymentMethod charges this payment method (pm_...) instead of the
	// customer's default one.
	PaymentMethod string
	// SuccessURL and CancelURL are where the Checkout page sends the payer
	// back when the payment needs them (no saved payment method); they
	// override the provider's WithReturnURLs. A success URL is required in
	// that case. With a saved method, SuccessURL is the return_url of a
	// 3-D Secure redirect.
	SuccessURL string
	CancelURL  string
	// Description is shown in the dashboard and, for checkouts, names the
	// product on the payment page (default "Payment").
	Description string
	// ReceiptEmail is where Stripe sends the receipt.
	ReceiptEmail string
	// StatementDescriptorSuffix is appended to the account's statement
	// descriptor on card statements.
	StatementDescriptorSuffix string
}

func (o *PaymentOptions) apply(p *stripeapi.PaymentIntentParams) {
	o.applyIntent(&p.Description, &p.ReceiptEmail, &p.StatementDescriptorSuffix)
}

// applyIntent sets the PaymentIntent fields of o, which a PaymentIntent and
// a Checkout Session's payment_intent_data both have.
func (o *PaymentOptions) applyIntent(description, receiptEmail, suffix **string) {
	for _, f := range []struct {
		dst **string
		v   string
	}{{description, o.Description}, {receiptEmail, o.ReceiptEmail}, {suffix, o.StatementDescriptorSuffix}} {
		if f.v != "" {
			*f.dst = stripeapi.String(f.v)
		}
	}
}

// RefundOptions are the Stripe settings of Refunds.Create, passed as
// ProviderMetadata.
type RefundOptions struct {
	// RefundApplicationFee refunds the Connect application fee too.
	RefundApplicationFee bool
	// ReverseTransfer reverses the Connect transfer of the payment.
	ReverseTransfer bool
}

func (o *RefundOptions) apply(p *stripeapi.RefundParams) {
	if o.RefundApplicationFee {
		p.RefundApplicationFee = stripeapi.Bool(true)
	}
	if o.ReverseTransfer {
		p.ReverseTransfer = stripeapi.Bool(true)
	}
}
