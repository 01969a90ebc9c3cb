package local

import (
	"context"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// CreateSubscription implements paykit.Provider. The item must be
// configured and recurring (or params.BillingInterval given for a
// one-time item); params.Amount and Currency, when set, must agree with
// it. A subscription of an existing customer charges the saved card at
// once: active with a paid first invoice, or past_due when the card
// declines (SetCardDeclined). One of an email payee is pending, with
// RequiresAction and the PaymentURL of its first payment, until
// ConfirmPayment pays it; its first period starts then. If that payment
// fails, another one awaits the payer (a new PaymentURL) and the
// subscription stays pending; nobody paying within CheckoutTTL of its
// creation makes it expired on AdvanceClock. It emits
// subscription.created, payment.created, payment.updated and
// invoice.generated as they happen.
func (s *Simulator) CreateSubscription(ctx context.Context, p *paykit.CreateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpSubscriptionsCreate, err)
	}
	return s.b.CreateSubscription(ctx, p, ro)
}

func (s *engine) CreateSubscription(ctx context.Context, p *paykit.CreateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	return mutate(ctx, s, paykit.OpSubscriptionsCreate, ro, p, func(t *txn) (*paykit.Subscription, error) {
		cus, err := t.customerOf("customer", p.Customer)
		if err != nil {
			return nil, err
		}
		it, err := s.recurringItem(p)
		if err != nil {
			return nil, err
		}
		qty := max(p.Quantity, 1)
		amount, err := lineAmount(it.Amount, qty)
		if err != nil {
			return nil, err
		}
		rec := &subscriptionRec{
			Subscription: paykit.Subscription{
				ID: newID("sub"), Customer: p.Customer, Amount: amount, Currency: it.Currency,
				Status: paykit.SubscriptionActive, ItemID: it.ID, Quantity: qty, BillingInterval: it.Interval, BillingIntervalCount: 1,
				Metadata: providerkit.CloneMetadata(p.Metadata), CreatedAt: t.now,
			},
		}
		rec.start(t.now)
		if cus == nil {
			pay := t.payerPayment(rec, "")
			rec.Subscription.Status, rec.PendingPaymentID = paykit.SubscriptionPending, pay.Payment.ID
			rec.awaits(pay)
			if err := saveEmit(t, subscriptions, rec, paykit.EventSubscriptionCreated); err != nil {
				return nil, err
			}
			return rec.out(), saveEmit(t, payments, pay, paykit.EventPaymentCreated)
		}
		pay := t.newPayment(amount, it.Currency, p.Customer, it.ID, paykit.CaptureAutomatic, p.Metadata)
		pay.SubscriptionID = rec.Subscription.ID
		if cus.Declines {
			rec.Subscription.Status = paykit.SubscriptionPastDue
		}
		if err := saveEmit(t, subscriptions, rec, paykit.EventSubscriptionCreated); err != nil {
			return nil, err
		}
		return rec.out(), t.chargePeriod(rec, pay, cus.Declines)
	})
}

// payerPayment builds a payment of the subscription's amount that waits
// for its payer on its payment page: the first one (invoiceID "") or the
// one of an open renewal invoice. The caller stores it.
func (t *txn) payerPayment(rec *subscriptionRec, invoiceID string) *paymentRec {
	sub := &rec.Subscription
	pay := t.newPayment(sub.Amount, sub.Currency, sub.Customer, sub.ItemID, paykit.CaptureAutomatic, sub.Metadata)
	pay.SubscriptionID, pay.InvoiceID = sub.ID, invoiceID
	t.awaitPayer(pay)
	return pay
}

// recurringItem resolves the price of a new subscription.
func (s *engine) recurringItem(p *paykit.CreateSubscriptionParams) (Item, error) {
	it, err := s.item(p.ItemID)
	if err != nil {
		return Item{}, err
	}
	if !p.BillingInterval.IsZero() {
		if it.Recurring() && p.BillingInterval != it.Interval {
			return Item{}, paykit.ValidationError("billing_interval", "item "+strconv.Quote(it.ID)+" renews every "+it.Interval.String())
		}
		it.Interval = p.BillingInterval
	}
	switch {
	case !it.Recurring():
		return Item{}, paykit.ValidationError("item_id", "item "+strconv.Quote(it.ID)+" is a one-time price: a subscription needs a recurring item or billing_interval")
	case p.Currency != "" && !strings.EqualFold(p.Currency, it.Currency):
		return Item{}, paykit.ValidationError("currency", "item "+strconv.Quote(it.ID)+" is priced in "+it.Currency)
	case p.Amount != 0 && p.Amount != it.Amount:
		return Item{}, paykit.ValidationError("amount", "item "+strconv.Quote(it.ID)+" costs "+strconv.FormatInt(it.Amount, 10))
	}
	return it, nil
}

// chargePeriod stores pay, a new payment of the subscription's period,
// charges it against the saved card and, when paid, issues the period's
// invoice.
func (t *txn) chargePeriod(rec *subscriptionRec, pay *paymentRec, declined bool) error {
	if err := saveEmit(t, payments, pay, paykit.EventPaymentCreated); err != nil {
		return err
	}
	if err := t.settle(pay, declined); err != nil {
		return err
	}
	if declined {
		return nil
	}
	return t.invoicePeriod(rec, pay)
}

// invoicePeriod issues the paid invoice of the current period.
func (t *txn) invoicePeriod(rec *subscriptionRec, pay *paymentRec) error {
	return t.issueInvoice(t.periodInvoice(rec, pay), pay)
}

// periodInvoice builds the open invoice of the current period, to be paid
// by pay.
func (t *txn) periodInvoice(rec *subscriptionRec, pay *paymentRec) *paykit.Invoice {
	sub := &rec.Subscription
	return t.newInvoice(pay, paykit.BillingRecurring, sub.ID, []paykit.LineItem{{ID: sub.ItemID, Quantity: max(sub.Quantity, 1)}}, sub.Metadata)
}

// RetrieveSubscription implements paykit.Provider.
func (s *Simulator) RetrieveSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpSubscriptionsRetrieve, err)
	}
	return s.b.RetrieveSubscription(ctx, id, ro)
}

func (s *engine) RetrieveSubscription(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Subscription, error) {
	return retrieve(ctx, s, paykit.OpSubscriptionsRetrieve, subscriptions, id, (*subscriptionRec).out)
}

// UpdateSubscription implements paykit.Provider: metadata merges; ItemID
// moves to another recurring item of the same currency and Quantity
// changes the amount, both from the next renewal on; CancelAtPeriodEnd
// schedules or withdraws the end. A canceled or expired subscription
// fails with ErrInvalidState. It emits subscription.updated.
func (s *Simulator) UpdateSubscription(ctx context.Context, id string, p *paykit.UpdateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpSubscriptionsUpdate, err)
	}
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpSubscriptionsUpdate, err)
	}
	return s.b.UpdateSubscription(ctx, id, p, ro)
}

func (s *engine) UpdateSubscription(ctx context.Context, id string, p *paykit.UpdateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	return mutate(ctx, s, paykit.OpSubscriptionsUpdate, ro, withID(id, p), func(t *txn) (*paykit.Subscription, error) {
		rec, err := t.liveSubscription(id)
		if err != nil {
			return nil, err
		}
		sub := &rec.Subscription
		sub.Metadata = providerkit.MergeMetadata(sub.Metadata, p.Metadata)
		if p.ItemID != "" && p.ItemID != sub.ItemID {
			it, err := s.item(p.ItemID)
			if err != nil {
				return nil, err
			}
			switch {
			case !it.Recurring():
				return nil, paykit.ValidationError("item_id", "item "+strconv.Quote(it.ID)+" is a one-time price")
			case it.Currency != sub.Currency:
				return nil, paykit.ValidationError("item_id", "item "+strconv.Quote(it.ID)+" is priced in "+it.Currency+", the subscription in "+sub.Currency)
			}
			if it.Interval != sub.BillingInterval {
				rec.reanchor()
			}
			sub.ItemID, sub.BillingInterval = it.ID, it.Interval
		}
		if p.Quantity != nil {
			sub.Quantity = *p.Quantity
		}
		if p.ItemID != "" || p.Quantity != nil {
			it, err := s.item(sub.ItemID)
			if err != nil {
				return nil, err
			}
			if sub.Amount, err = lineAmount(it.Amount, max(sub.Quantity, 1)); err != nil {
				return nil, err
			}
		}
		if p.CancelAtPeriodEnd != nil {
			sub.CancelAtPeriodEnd = *p.CancelAtPeriodEnd
		}
		if err := saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated); err != nil {
			return nil, err
		}
		return rec.out(), nil
	})
}

// CancelSubscription implements paykit.Provider: it ends the subscription
// at once (status canceled, CanceledAt now) and emits
// subscription.canceled. Canceling twice, or an expired subscription,
// fails with ErrInvalidState.
func (s *Simulator) CancelSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpSubscriptionsCancel, err)
	}
	return s.b.CancelSubscription(ctx, id, ro)
}

func (s *engine) CancelSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	return mutate(ctx, s, paykit.OpSubscriptionsCancel, ro, withID(id, nil), func(t *txn) (*paykit.Subscription, error) {
		rec, err := t.liveSubscription(id)
		if err != nil {
			return nil, err
		}
		return rec.out(), t.cancelSubscription(rec)
	})
}

// DeleteSubscription implements paykit.Provider as Stripe does: it cancels
// the subscription at once (emitting subscription.canceled), and it stays
// retrievable, canceled. Deleting a canceled or expired subscription does
// nothing.
func (s *Simulator) DeleteSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return opError(paykit.OpSubscriptionsDelete, err)
	}
	return s.b.DeleteSubscription(ctx, id, ro)
}

func (s *engine) DeleteSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	_, err := mutate(ctx, s, paykit.OpSubscriptionsDelete, ro, withID(id, nil), func(t *txn) (*done, error) {
		rec, err := load(t, subscriptions, id)
		if err != nil {
			return nil, err
		}
		if rec.ended() {
			return &done{}, nil
		}
		return &done{}, t.cancelSubscription(rec)
	})
	return err
}

func (t *txn) liveSubscription(id string) (*subscriptionRec, error) {
	rec, err := load(t, subscriptions, id)
	if err != nil {
		return nil, err
	}
	if rec.ended() {
		return nil, invalidState("subscription " + id + " is " + string(rec.Subscription.Status))
	}
	return rec, nil
}

func (t *txn) cancelSubscription(rec *subscriptionRec) error {
	now := t.now
	sub := &rec.Subscription
	sub.Status, sub.CanceledAt, sub.CancelAtPeriodEnd = paykit.SubscriptionCanceled, &now, false
	rec.awaitsNothing()
	return saveEmit(t, subscriptions, rec, paykit.EventSubscriptionCanceled)
}

// ListSubscriptions implements paykit.Provider: newest first, filtered by
// customer id and status.
func (s *Simulator) ListSubscriptions(ctx context.Context, p *paykit.ListSubscriptionsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	if p == nil {
		p = &paykit.ListSubscriptionsParams{}
	}
	return s.b.ListSubscriptions(ctx, p, ro)
}

func (s *engine) ListSubscriptions(ctx context.Context, p *paykit.ListSubscriptionsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	return list(ctx, s, paykit.OpSubscriptionsList, subscriptions, p.ListParams, map[string]string{"customer": p.CustomerID, "status": string(p.Status)}, (*subscriptionRec).out)
}
