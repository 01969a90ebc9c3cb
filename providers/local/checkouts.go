package local

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// CheckoutTTL is how long a checkout stays open before AdvanceClock
// expires it, like Stripe's default of 24 hours.
const CheckoutTTL = 24 * time.Hour

// CreateCheckout implements paykit.Provider. The item must be configured
// (else ErrNotFound naming item_id). A recurring checkout takes its
// renewal from the item, or from params.Subscription for a one-time
// item; a one-time checkout of a recurring item is rejected, as at Stripe.
// It emits checkout.created.
func (s *Simulator) CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpCheckoutsCreate, err)
	}
	return s.b.CreateCheckout(ctx, p, ro)
}

func (s *engine) CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	return mutate(ctx, s, paykit.OpCheckoutsCreate, ro, p, func(t *txn) (*paykit.Checkout, error) {
		if _, err := t.customerOf("customer", p.Customer); err != nil {
			return nil, err
		}
		it, err := s.item(p.ItemID)
		if err != nil {
			return nil, err
		}
		qty := max(p.Quantity, 1)
		amount, err := lineAmount(it.Amount, qty)
		if err != nil {
			return nil, err
		}
		var sub *paykit.CheckoutSubscription
		if p.SessionType == paykit.SessionRecurring {
			if sub, err = checkoutRenewal(it, p.Subscription); err != nil {
				return nil, err
			}
		} else if it.Recurring() {
			return nil, paykit.ValidationError("item_id", "item "+strconv.Quote(it.ID)+" is a recurring price; use session_type recurring")
		}
		id := newID("cs")
		expires := t.now.Add(CheckoutTTL)
		rec := &checkoutRec{
			Checkout: paykit.Checkout{
				ID: id, Customer: p.Customer, PaymentURL: s.pageURL("checkout", id),
				Metadata: providerkit.CloneMetadata(p.Metadata), SessionType: p.SessionType,
				Products: []paykit.LineItem{{ID: it.ID, Quantity: qty}},
				Currency: it.Currency, Amount: amount, Subscription: sub,
				Status: paykit.CheckoutOpen, SuccessURL: p.SuccessURL, CancelURL: p.CancelURL,
				CreatedAt: t.now, ExpiresAt: &expires,
			},
			ItemID: it.ID, Quantity: qty, Billing: p.Billing,
		}
		if err := saveEmit(t, checkouts, rec, paykit.EventCheckoutCreated); err != nil {
			return nil, err
		}
		return rec.out(), nil
	})
}

// checkoutRenewal works out how a recurring checkout of it renews.
func checkoutRenewal(it Item, want *paykit.CheckoutSubscription) (*paykit.CheckoutSubscription, error) {
	sub := &paykit.CheckoutSubscription{BillingInterval: it.Interval, BillingIntervalCount: 1}
	if want != nil {
		if !want.BillingInterval.IsZero() {
			if it.Recurring() && want.BillingInterval != it.Interval {
				return nil, paykit.ValidationError("subscription.billing_interval",
					"item "+strconv.Quote(it.ID)+" renews every "+it.Interval.String())
			}
			sub.BillingInterval = want.BillingInterval
		}
		if want.BillingIntervalCount > 0 {
			sub.BillingIntervalCount = want.BillingIntervalCount
		}
	}
	if sub.BillingInterval.IsZero() {
		return nil, paykit.ValidationError("subscription",
			"item "+strconv.Quote(it.ID)+" is a one-time price: a recurring checkout needs subscription.billing_interval")
	}
	return sub, nil
}

// RetrieveCheckout implements paykit.Provider.
func (s *Simulator) RetrieveCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpCheckoutsRetrieve, err)
	}
	return s.b.RetrieveCheckout(ctx, id, ro)
}

func (s *engine) RetrieveCheckout(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Checkout, error) {
	return retrieve(ctx, s, paykit.OpCheckoutsRetrieve, checkouts, id, (*checkoutRec).out)
}

// UpdateCheckout implements paykit.Provider: it merges metadata of an open
// checkout and emits checkout.updated; other states fail with
// ErrInvalidState.
func (s *Simulator) UpdateCheckout(ctx context.Context, id string, p *paykit.UpdateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpCheckoutsUpdate, err)
	}
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpCheckoutsUpdate, err)
	}
	return s.b.UpdateCheckout(ctx, id, p, ro)
}

func (s *engine) UpdateCheckout(ctx context.Context, id string, p *paykit.UpdateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	return mutate(ctx, s, paykit.OpCheckoutsUpdate, ro, withID(id, p), func(t *txn) (*paykit.Checkout, error) {
		rec, err := t.openCheckout(id)
		if err != nil {
			return nil, err
		}
		rec.Checkout.Metadata = providerkit.MergeMetadata(rec.Checkout.Metadata, p.Metadata)
		if err := saveEmit(t, checkouts, rec, paykit.EventCheckoutUpdated); err != nil {
			return nil, err
		}
		return rec.out(), nil
	})
}

// DeleteCheckout implements paykit.Provider: it expires an open checkout
// (it stays retrievable, status expired, and can no longer be completed)
// and emits checkout.expired.
func (s *Simulator) DeleteCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return opError(paykit.OpCheckoutsDelete, err)
	}
	return s.b.DeleteCheckout(ctx, id, ro)
}

func (s *engine) DeleteCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	_, err := mutate(ctx, s, paykit.OpCheckoutsDelete, ro, withID(id, nil), func(t *txn) (*done, error) {
		rec, err := t.openCheckout(id)
		if err != nil {
			return nil, err
		}
		return &done{}, t.expireCheckout(rec)
	})
	return err
}

func (t *txn) expireCheckout(rec *checkoutRec) error {
	rec.Checkout.Status = paykit.CheckoutExpired
	return saveEmit(t, checkouts, rec, paykit.EventCheckoutExpired)
}

func (t *txn) openCheckout(id string) (*checkoutRec, error) {
	rec, err := load(t, checkouts, id)
	if err != nil {
		return nil, err
	}
	if rec.Checkout.Status != paykit.CheckoutOpen {
		return nil, invalidState("checkout " + id + " is " + string(rec.Checkout.Status))
	}
	return rec, nil
}

// ListCheckouts implements paykit.Provider: newest first, filtered by
// customer id.
func (s *Simulator) ListCheckouts(ctx context.Context, p *paykit.ListCheckoutsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	if p == nil {
		p = &paykit.ListCheckoutsParams{}
	}
	return s.b.ListCheckouts(ctx, p, ro)
}

func (s *engine) ListCheckouts(ctx context.Context, p *paykit.ListCheckoutsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	return list(ctx, s, paykit.OpCheckoutsList, checkouts, p.ListParams, map[string]string{"customer": p.CustomerID}, (*checkoutRec).out)
}

// item returns the configured item with id, or ErrNotFound naming item_id.
func (s *engine) item(id string) (Item, error) {
	it, ok := s.cfg.items[id]
	if !ok {
		return Item{}, notFoundParam("item_id", "item", id)
	}
	return it, nil
}

// lineAmount is unit*qty, refusing overflow.
func lineAmount(unit, qty int64) (int64, error) {
	if qty > 0 && unit > math.MaxInt64/qty {
		return 0, paykit.ValidationError("quantity", "quantity times the item's amount overflows")
	}
	return unit * qty, nil
}

func (s *engine) pageURL(kind, id string) string {
	return s.cfg.pageURL + "/" + kind + "/" + id
}
