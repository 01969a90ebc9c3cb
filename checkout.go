package paykit

import (
	"context"
	"iter"
	"time"
)

// SessionType says whether a checkout charges once or starts a
// subscription.
type SessionType string

// Session types.
const (
	SessionOneTime   SessionType = "one_time"
	SessionRecurring SessionType = "recurring"
)

// CheckoutStatus is where a checkout is in its life, defined in the
// package doc's "Status semantics".
type CheckoutStatus string

// Checkout statuses.
const (
	// CheckoutOpen: the payer can still pay, or is paying.
	CheckoutOpen CheckoutStatus = "open"
	// CheckoutComplete: the payer completed it.
	CheckoutComplete CheckoutStatus = "complete"
	// CheckoutExpired: it can no longer be paid (timed out, expired, or
	// its payment failed).
	CheckoutExpired CheckoutStatus = "expired"
)

// CheckoutSubscription describes the subscription a recurring checkout
// starts: renew every BillingIntervalCount BillingIntervals (0 means 1).
type CheckoutSubscription struct {
	BillingInterval      BillingInterval `json:"billing_interval"`
	BillingIntervalCount int             `json:"billing_interval_count"`
}

// Checkout is a hosted payment page session.
type Checkout struct {
	ID       string `json:"id"`
	Customer Payee  `json:"customer"`
	// PaymentURL is the page to send the payer to.
	PaymentURL  string            `json:"payment_url"`
	Metadata    map[string]string `json:"metadata"`
	SessionType SessionType       `json:"session_type"`
	Products    []LineItem        `json:"products"`
	Currency    string            `json:"currency"`
	// Amount is the total in minor units of Currency.
	Amount       int64                 `json:"amount"`
	Subscription *CheckoutSubscription `json:"subscription,omitempty"`
	Status       CheckoutStatus        `json:"status,omitempty"`
	// PaymentID and SubscriptionID name what the completed checkout created.
	PaymentID      string     `json:"payment_id,omitempty"`
	SubscriptionID string     `json:"subscription_id,omitempty"`
	SuccessURL     string     `json:"success_url,omitempty"`
	CancelURL      string     `json:"cancel_url,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
	// Raw is the provider's native object. It is never serialized.
	Raw any `json:"-"`
}

// CreateCheckoutParams describe a new checkout.
type CreateCheckoutParams struct {
	// Customer is the paying customer's id, or an email: CustomerID("cus_1")
	// or CustomerEmail("a@example.com").
	Customer Payee
	// ItemID is the provider's price or product id.
	ItemID      string
	SessionType SessionType
	// Quantity of the item; at least 1.
	Quantity   int64
	Metadata   map[string]string
	SuccessURL string
	CancelURL  string
	Billing    *BillingInfo
	// Subscription sets the renewal of a recurring checkout when the item
	// does not carry its own.
	Subscription *CheckoutSubscription
	// ProviderMetadata is the provider's own typed options struct, e.g.
	// stripe.CheckoutOptions.
	ProviderMetadata any
}

func (p *CreateCheckoutParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	if err := validatePayee("customer", p.Customer); err != nil {
		return err
	}
	if err := validateID("item_id", p.ItemID); err != nil {
		return err
	}
	switch p.SessionType {
	case SessionOneTime, SessionRecurring:
	default:
		return ValidationError("session_type", "session_type must be one_time or recurring")
	}
	if err := validateQuantity(p.Quantity, false); err != nil {
		return err
	}
	if err := validateURL("success_url", p.SuccessURL, true); err != nil {
		return err
	}
	if err := validateURL("cancel_url", p.CancelURL, false); err != nil {
		return err
	}
	if err := validateBilling(p.Billing); err != nil {
		return err
	}
	if s := p.Subscription; s != nil {
		if p.SessionType != SessionRecurring {
			return ValidationError("subscription", "subscription is only allowed on recurring checkouts")
		}
		if err := validateInterval("subscription.billing_interval", s.BillingInterval); err != nil {
			return err
		}
		if s.BillingIntervalCount < 0 {
			return ValidationError("subscription.billing_interval_count", "billing_interval_count must not be negative")
		}
	}
	return validateMetadata(p.Metadata)
}

// UpdateCheckoutParams change an open checkout.
type UpdateCheckoutParams struct {
	Metadata         map[string]string
	ProviderMetadata any
}

func (p *UpdateCheckoutParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	return validateMetadata(p.Metadata)
}

// ListCheckoutsParams filter and page a checkout list.
type ListCheckoutsParams struct {
	ListParams
	// CustomerID, when set, lists only this customer's checkouts.
	CustomerID string
}

// CheckoutService manages checkouts. Reach it as Client.Checkouts.
type CheckoutService struct{ c *Client }

// Create opens a checkout; send the payer to its PaymentURL.
func (s *CheckoutService) Create(ctx context.Context, params *CreateCheckoutParams, opts ...CallOption) (*Checkout, error) {
	return do(s.c, ctx, OpCheckoutsCreate, params, opts, func(ctx context.Context, ro *RequestOptions) (*Checkout, error) {
		return s.c.provider.CreateCheckout(ctx, params, ro)
	})
}

// Retrieve returns the checkout with id, or an error matching ErrNotFound.
func (s *CheckoutService) Retrieve(ctx context.Context, id string, opts ...CallOption) (*Checkout, error) {
	return do(s.c, ctx, OpCheckoutsRetrieve, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Checkout, error) {
		return s.c.provider.RetrieveCheckout(ctx, id, ro)
	})
}

// Update changes an open checkout.
func (s *CheckoutService) Update(ctx context.Context, id string, params *UpdateCheckoutParams, opts ...CallOption) (*Checkout, error) {
	return do(s.c, ctx, OpCheckoutsUpdate, twoArgs{idArg(id), params}, opts, func(ctx context.Context, ro *RequestOptions) (*Checkout, error) {
		return s.c.provider.UpdateCheckout(ctx, id, params, ro)
	})
}

// Delete expires an open checkout so it can no longer be paid.
func (s *CheckoutService) Delete(ctx context.Context, id string, opts ...CallOption) error {
	return exec(s.c, ctx, OpCheckoutsDelete, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) error {
		return s.c.provider.DeleteCheckout(ctx, id, ro)
	})
}

// List iterates over all checkouts. params may be nil.
func (s *CheckoutService) List(ctx context.Context, params *ListCheckoutsParams, opts ...CallOption) iter.Seq2[*Checkout, error] {
	return list(s.c, ctx, OpCheckoutsList, params, opts, s.fetch)
}

// ListPage returns one page of checkouts.
func (s *CheckoutService) ListPage(ctx context.Context, params *ListCheckoutsParams, opts ...CallOption) (*Page[Checkout], error) {
	return listPage(s.c, ctx, OpCheckoutsList, params, opts, s.fetch)
}

func (s *CheckoutService) fetch(ctx context.Context, p *ListCheckoutsParams, ro *RequestOptions) (*Page[Checkout], error) {
	return s.c.provider.ListCheckouts(ctx, p, ro)
}
