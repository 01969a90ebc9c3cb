package paykit

import (
	"context"
	"iter"
	"time"
)

// SubscriptionStatus is the unified state of a subscription, defined in
// the package doc's "Status semantics".
type SubscriptionStatus string

// Subscription statuses.
const (
	// SubscriptionActive: in good standing, the current period paid (or
	// in a trial); grant access.
	SubscriptionActive SubscriptionStatus = "active"
	// SubscriptionPastDue: a period's payment failed or awaits the payer
	// and the provider is still collecting; it recovers by itself.
	SubscriptionPastDue SubscriptionStatus = "past_due"
	// SubscriptionCanceled: ended after it started, canceled or given up
	// on after failed retries (unpaid); end access.
	SubscriptionCanceled SubscriptionStatus = "canceled"
	// SubscriptionExpired: ended without ever being paid: the first
	// payment was not made in time.
	SubscriptionExpired SubscriptionStatus = "expired"
	// SubscriptionPending: nothing paid yet; the first payment awaits the
	// payer or a payment method (incomplete).
	SubscriptionPending SubscriptionStatus = "pending"
)

// Subscription is recurring billing of one item to one customer.
type Subscription struct {
	ID       string `json:"id"`
	Customer Payee  `json:"customer"`
	// Amount is charged every period, in minor units of Currency.
	Amount             int64              `json:"amount"`
	Currency           string             `json:"currency"`
	Status             SubscriptionStatus `json:"status"`
	CurrentPeriodStart time.Time          `json:"current_period_start"`
	CurrentPeriodEnd   time.Time          `json:"current_period_end"`
	ItemID             string             `json:"item_id"`
	Quantity           int64              `json:"quantity,omitempty"`
	BillingInterval    BillingInterval    `json:"billing_interval"`
	// BillingIntervalCount is the length of a period in BillingIntervals:
	// the subscription renews every BillingIntervalCount BillingIntervals
	// (3 and IntervalMonth: quarterly); 0 means 1.
	BillingIntervalCount int               `json:"billing_interval_count,omitempty"`
	Metadata             map[string]string `json:"metadata"`
	// RequiresAction is set when the first payment needs the customer;
	// send them to PaymentURL.
	RequiresAction bool   `json:"requires_action"`
	PaymentURL     string `json:"payment_url"`
	// CancelAtPeriodEnd is set when the subscription ends with the period.
	CancelAtPeriodEnd bool       `json:"cancel_at_period_end"`
	CanceledAt        *time.Time `json:"canceled_at,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	// Raw is the provider's native object. It is never serialized.
	Raw any `json:"-"`
}

// CreateSubscriptionParams describe a new subscription.
type CreateSubscriptionParams struct {
	Customer Payee
	// ItemID is the recurring price or product.
	ItemID string
	// Quantity of the item; 0 means 1.
	Quantity int64
	Metadata map[string]string
	// Amount, Currency and BillingInterval describe the price for providers
	// that take it inline; leave them zero to use the item's own.
	Amount          int64
	Currency        string
	BillingInterval BillingInterval
	// ProviderMetadata is the provider's own typed options struct.
	ProviderMetadata any
}

func (p *CreateSubscriptionParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	if err := validatePayee("customer", p.Customer); err != nil {
		return err
	}
	if err := validateID("item_id", p.ItemID); err != nil {
		return err
	}
	if err := validateQuantity(p.Quantity, true); err != nil {
		return err
	}
	if err := validateAmount("amount", p.Amount); err != nil {
		return err
	}
	if err := validateCurrency("currency", p.Currency, false); err != nil {
		return err
	}
	if err := validateInterval("billing_interval", p.BillingInterval); err != nil {
		return err
	}
	return validateMetadata(p.Metadata)
}

// UpdateSubscriptionParams change a subscription. Nil fields stay as they
// are.
type UpdateSubscriptionParams struct {
	Metadata map[string]string
	// ItemID moves the subscription to another recurring item.
	ItemID   string
	Quantity *int64
	// CancelAtPeriodEnd schedules (true) or withdraws (false) cancellation
	// at the end of the current period. Cancel ends it at once.
	CancelAtPeriodEnd *bool
	ProviderMetadata  any
}

func (p *UpdateSubscriptionParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	if p.Quantity != nil {
		if err := validateQuantity(*p.Quantity, false); err != nil {
			return err
		}
	}
	if len(p.ItemID) > 255 {
		return ValidationError("item_id", "item_id is longer than 255 characters")
	}
	return validateMetadata(p.Metadata)
}

// ListSubscriptionsParams filter and page a subscription list.
type ListSubscriptionsParams struct {
	ListParams
	CustomerID string
	Status     SubscriptionStatus
}

// SubscriptionService manages subscriptions. Reach it as
// Client.Subscriptions.
type SubscriptionService struct{ c *Client }

// Create starts a subscription. When the first payment needs the customer,
// the result has RequiresAction and a PaymentURL.
func (s *SubscriptionService) Create(ctx context.Context, params *CreateSubscriptionParams, opts ...CallOption) (*Subscription, error) {
	return do(s.c, ctx, OpSubscriptionsCreate, params, opts, func(ctx context.Context, ro *RequestOptions) (*Subscription, error) {
		return s.c.provider.CreateSubscription(ctx, params, ro)
	})
}

// Retrieve returns the subscription with id, or an error matching
// ErrNotFound.
func (s *SubscriptionService) Retrieve(ctx context.Context, id string, opts ...CallOption) (*Subscription, error) {
	return do(s.c, ctx, OpSubscriptionsRetrieve, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Subscription, error) {
		return s.c.provider.RetrieveSubscription(ctx, id, ro)
	})
}

// Update changes a subscription. To cancel at the end of the period, set
// CancelAtPeriodEnd.
func (s *SubscriptionService) Update(ctx context.Context, id string, params *UpdateSubscriptionParams, opts ...CallOption) (*Subscription, error) {
	return do(s.c, ctx, OpSubscriptionsUpdate, twoArgs{idArg(id), params}, opts, func(ctx context.Context, ro *RequestOptions) (*Subscription, error) {
		return s.c.provider.UpdateSubscription(ctx, id, params, ro)
	})
}

// Cancel ends a subscription immediately and returns it, canceled.
func (s *SubscriptionService) Cancel(ctx context.Context, id string, opts ...CallOption) (*Subscription, error) {
	return do(s.c, ctx, OpSubscriptionsCancel, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Subscription, error) {
		return s.c.provider.CancelSubscription(ctx, id, ro)
	})
}

// Delete removes a subscription (at most providers: cancels it at once).
func (s *SubscriptionService) Delete(ctx context.Context, id string, opts ...CallOption) error {
	return exec(s.c, ctx, OpSubscriptionsDelete, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) error {
		return s.c.provider.DeleteSubscription(ctx, id, ro)
	})
}

// List iterates over all subscriptions. params may be nil.
func (s *SubscriptionService) List(ctx context.Context, params *ListSubscriptionsParams, opts ...CallOption) iter.Seq2[*Subscription, error] {
	return list(s.c, ctx, OpSubscriptionsList, params, opts, s.fetch)
}

// ListPage returns one page of subscriptions.
func (s *SubscriptionService) ListPage(ctx context.Context, params *ListSubscriptionsParams, opts ...CallOption) (*Page[Subscription], error) {
	return listPage(s.c, ctx, OpSubscriptionsList, params, opts, s.fetch)
}

func (s *SubscriptionService) fetch(ctx context.Context, p *ListSubscriptionsParams, ro *RequestOptions) (*Page[Subscription], error) {
	return s.c.provider.ListSubscriptions(ctx, p, ro)
}
