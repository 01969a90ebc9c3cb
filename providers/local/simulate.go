package local

import (
	"context"
	"time"

	"github.com/paykit-go/paykit"
)

// Simulation operations, named like paykit's for errors and logs.
const (
	OpCompleteCheckout paykit.Op = "local.complete_checkout"
	OpConfirmPayment   paykit.Op = "local.confirm_payment"
	OpFailPayment      paykit.Op = "local.fail_payment"
	OpSetCardDeclined  paykit.Op = "local.set_card_declined"
	OpAdvanceClock     paykit.Op = "local.advance_clock"
	opNow              paykit.Op = "local.now"
)

// MaxRenewals bounds the renewals one AdvanceClock may perform; advance in
// smaller steps beyond it.
const MaxRenewals = 1000

// CompleteCheckout pays an open checkout as its payer would on the payment
// page, with a card that succeeds, and returns the succeeded payment. It
// records the payment and a paid invoice (billing mode one_time); a
// recurring checkout also starts an active subscription whose first
// invoice that is (an email payee becomes a new customer first). The
// checkout becomes complete, naming the payment and subscription. It emits
// customer.created (email payee of a recurring checkout),
// subscription.created, payment.created, payment.updated,
// invoice.generated and checkout.completed. A checkout that is not open
// fails with an error matching paykit.ErrInvalidState, an unknown one with
// paykit.ErrNotFound.
func (s *Simulator) CompleteCheckout(ctx context.Context, checkoutID string) (*paykit.Payment, error) {
	return mutate(ctx, s, OpCompleteCheckout, nil, nil, func(t *txn) (*paykit.Payment, error) {
		rec, err := t.openCheckout(checkoutID)
		if err != nil {
			return nil, err
		}
		co := &rec.Checkout
		payee := co.Customer
		var sub *subscriptionRec
		if co.SessionType == paykit.SessionRecurring {
			if payee.ID == "" {
				cus := &customerRec{Customer: paykit.Customer{ID: newID("cus"), Email: payee.Email, Metadata: map[string]string{}, CreatedAt: t.now}, Billing: rec.Billing}
				if err := t.saveCustomer(cus, paykit.EventCustomerCreated); err != nil {
					return nil, err
				}
				payee = paykit.CustomerID(cus.Customer.ID)
			}
			sub = &subscriptionRec{
				Subscription: paykit.Subscription{
					ID: newID("sub"), Customer: payee, Amount: co.Amount, Currency: co.Currency,
					Status: paykit.SubscriptionActive, CurrentPeriodStart: t.now,
					CurrentPeriodEnd: co.Subscription.BillingInterval.AddTo(t.now, co.Subscription.BillingIntervalCount),
					ItemID:           rec.ItemID, Quantity: rec.Quantity, BillingInterval: co.Subscription.BillingInterval,
					Metadata: cloneMetadata(co.Metadata), CreatedAt: t.now,
				},
				IntervalCount: co.Subscription.BillingIntervalCount,
			}
			if err := t.saveSubscription(sub, paykit.EventSubscriptionCreated); err != nil {
				return nil, err
			}
		}
		pay := t.newPayment(co.Amount, co.Currency, payee, rec.ItemID, paykit.CaptureAutomatic, co.Metadata)
		pay.CheckoutID, pay.Billing = co.ID, rec.Billing
		if sub != nil {
			pay.SubscriptionID = sub.Subscription.ID
			if err := t.chargePeriod(sub, pay, false); err != nil {
				return nil, err
			}
			co.SubscriptionID = sub.Subscription.ID
		} else {
			if err := t.insertPayment(pay); err != nil {
				return nil, err
			}
			if err := t.settle(pay, false); err != nil {
				return nil, err
			}
			if err := t.issueInvoice(pay, paykit.BillingOneTime, "", co.Products, co.Metadata); err != nil {
				return nil, err
			}
		}
		co.Status, co.PaymentID = paykit.CheckoutComplete, pay.Payment.ID
		if err := t.saveCheckout(rec, paykit.EventCheckoutCompleted); err != nil {
			return nil, err
		}
		return pay.out(), nil
	})
}

// ConfirmPayment pays a payment that waits for its payer (pending or
// requires_action, e.g. one created for an email payee) as if they
// completed its payment page: it succeeds, or waits in requires_capture
// with CaptureManual. The first payment of a pending subscription
// activates it, starting its period now, and issues its invoice. It emits
// payment.updated, then subscription.updated and invoice.generated.
func (s *Simulator) ConfirmPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
	return mutate(ctx, s, OpConfirmPayment, nil, nil, func(t *txn) (*paykit.Payment, error) {
		rec, err := load(t, payments, paymentID)
		if err != nil {
			return nil, err
		}
		switch rec.Payment.Status {
		case paykit.PaymentPending, paykit.PaymentRequiresAction:
		default:
			return nil, invalidState("payment " + paymentID + " is " + string(rec.Payment.Status) + "; only pending payments await their payer")
		}
		if err := t.settle(rec, false); err != nil {
			return nil, err
		}
		return rec.out(), t.afterPaid(rec)
	})
}

// afterPaid runs what follows a payment's success: the first payment of a
// pending subscription activates it and is invoiced.
func (t *txn) afterPaid(pay *paymentRec) error {
	if pay.Payment.Status != paykit.PaymentSucceeded || pay.SubscriptionID == "" {
		return nil
	}
	rec, err := load(t, subscriptions, pay.SubscriptionID)
	if err != nil || rec.PendingPaymentID != pay.Payment.ID {
		return err
	}
	sub := &rec.Subscription
	rec.PendingPaymentID = ""
	sub.RequiresAction, sub.PaymentURL = false, ""
	if sub.Status != paykit.SubscriptionCanceled {
		sub.Status = paykit.SubscriptionActive
		sub.CurrentPeriodStart = t.now
		sub.CurrentPeriodEnd = sub.BillingInterval.AddTo(t.now, max(rec.IntervalCount, 1))
	}
	if err := t.saveSubscription(rec, paykit.EventSubscriptionUpdated); err != nil {
		return err
	}
	return t.invoicePeriod(rec, pay)
}

// FailPayment declines a payment that has not completed (pending,
// processing, requires_action or requires_capture): it becomes failed with
// FailureCode "card_declined". A subscription whose payment failed becomes
// past_due. It emits payment.updated, and subscription.updated when a
// subscription changed.
func (s *Simulator) FailPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
	return mutate(ctx, s, OpFailPayment, nil, nil, func(t *txn) (*paykit.Payment, error) {
		rec, err := load(t, payments, paymentID)
		if err != nil {
			return nil, err
		}
		if !cancelable(rec.Payment.Status) {
			return nil, invalidState("payment " + paymentID + " is " + string(rec.Payment.Status) + " and can no longer fail")
		}
		if err := t.settle(rec, true); err != nil {
			return nil, err
		}
		if rec.SubscriptionID == "" {
			return rec.out(), nil
		}
		sub, err := load(t, subscriptions, rec.SubscriptionID)
		if err != nil {
			return nil, err
		}
		if st := sub.Subscription.Status; st == paykit.SubscriptionCanceled || st == paykit.SubscriptionPastDue {
			return rec.out(), nil
		}
		sub.Subscription.Status = paykit.SubscriptionPastDue
		return rec.out(), t.saveSubscription(sub, paykit.EventSubscriptionUpdated)
	})
}

// SetCardDeclined makes every later charge of the customer's saved card
// decline (declined true) or succeed again (false): payments created for
// the customer, their new subscriptions and renewals by AdvanceClock. It
// emits no event.
func (s *Simulator) SetCardDeclined(ctx context.Context, customerID string, declined bool) error {
	_, err := mutate(ctx, s, OpSetCardDeclined, nil, nil, func(t *txn) (*done, error) {
		rec, err := load(t, customers, customerID)
		if err != nil {
			return nil, err
		}
		rec.Declines = declined
		return &done{}, save(t, customers, rec)
	})
	return err
}

// Now returns the simulator's current time: the configured clock plus
// every AdvanceClock so far.
func (s *Simulator) Now(ctx context.Context) (time.Time, error) {
	now, err := view(ctx, s, opNow, func(t *txn) (*time.Time, error) { return &t.now, nil })
	if err != nil {
		return time.Time{}, err
	}
	return *now, nil
}

// AdvanceClock moves simulated time forward by d and runs what falls due,
// in one transaction: open checkouts past their expiry expire
// (checkout.expired); subscriptions whose period ended renew, each period
// charging the saved card (payment.created, payment.updated, then
// invoice.generated when paid, subscription.updated; a decline makes the
// subscription past_due) or, with CancelAtPeriodEnd, end
// (subscription.canceled). Renewal records carry the time they fell due.
// More than MaxRenewals renewals fail with ErrValidation naming "d" and
// change nothing.
func (s *Simulator) AdvanceClock(ctx context.Context, d time.Duration) error {
	if d < 0 {
		return opError(OpAdvanceClock, paykit.ValidationError("d", "the clock only moves forward"))
	}
	_, err := mutate(ctx, s, OpAdvanceClock, nil, nil, func(t *txn) (*done, error) {
		off, err := clockOffset(t.tx)
		if err != nil {
			return nil, err
		}
		if err := putJSON(t.tx, collMeta, clockID, nil, clockRec{Offset: off + d}); err != nil {
			return nil, err
		}
		t.now = t.now.Add(d)
		if err := t.expireCheckouts(); err != nil {
			return nil, err
		}
		return &done{}, t.renewSubscriptions()
	})
	return err
}

func (t *txn) expireCheckouts() error {
	open, _, err := t.tx.List(collCheckouts, Query{Keys: map[string]string{"status": string(paykit.CheckoutOpen)}, Ascending: true})
	if err != nil {
		return err
	}
	for _, r := range open {
		rec, err := load(t, checkouts, r.ID)
		if err != nil {
			return err
		}
		if exp := rec.Checkout.ExpiresAt; exp != nil && !exp.After(t.now) {
			if err := t.at(*exp, func() error { return t.expireCheckout(rec) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// at runs fn with the transaction's time set to when, so that records and
// events carry the moment they fell due.
func (t *txn) at(when time.Time, fn func() error) error {
	now := t.now
	t.now = when
	err := fn()
	t.now = now
	return err
}

func (t *txn) renewSubscriptions() error {
	all, _, err := t.tx.List(collSubscriptions, Query{Ascending: true})
	if err != nil {
		return err
	}
	renewals := 0
	for _, r := range all {
		rec, err := load(t, subscriptions, r.ID)
		if err != nil {
			return err
		}
		for {
			sub := &rec.Subscription
			if (sub.Status != paykit.SubscriptionActive && sub.Status != paykit.SubscriptionPastDue) || sub.CurrentPeriodEnd.After(t.now) {
				break
			}
			end := sub.CurrentPeriodEnd
			if sub.CancelAtPeriodEnd {
				if err := t.at(end, func() error { return t.cancelSubscription(rec) }); err != nil {
					return err
				}
				break
			}
			if renewals++; renewals > MaxRenewals {
				return paykit.ValidationError("d", "advancing the clock this far renews more than 1000 periods; advance in smaller steps")
			}
			if err := t.at(end, func() error { return t.renew(rec) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// renew starts the next period of a subscription and charges it.
func (t *txn) renew(rec *subscriptionRec) error {
	sub := &rec.Subscription
	cus, err := t.customerOf("customer", sub.Customer)
	if err != nil {
		return err
	}
	declined := cus != nil && cus.Declines
	sub.CurrentPeriodStart = sub.CurrentPeriodEnd
	sub.CurrentPeriodEnd = sub.BillingInterval.AddTo(sub.CurrentPeriodStart, max(rec.IntervalCount, 1))
	pay := t.newPayment(sub.Amount, sub.Currency, sub.Customer, sub.ItemID, paykit.CaptureAutomatic, sub.Metadata)
	pay.SubscriptionID = sub.ID
	if err := t.chargePeriod(rec, pay, declined); err != nil {
		return err
	}
	sub.Status = paykit.SubscriptionActive
	if declined {
		sub.Status = paykit.SubscriptionPastDue
	}
	return t.saveSubscription(rec, paykit.EventSubscriptionUpdated)
}
