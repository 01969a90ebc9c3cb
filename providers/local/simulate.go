package local

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// Simulation operations, named like paykit's for errors and logs: the
// operations of the local server's API (one definition for both ends).
const (
	OpCompleteCheckout = wire.OpPayCheckout     // "local.complete_checkout"
	OpConfirmPayment   = wire.OpConfirmPayment  // "local.confirm_payment"
	OpFailPayment      = wire.OpFailPayment     // "local.fail_payment"
	OpSetCardDeclined  = wire.OpSetCardDeclined // "local.set_card_declined"
	OpAdvanceClock     = wire.OpAdvanceClock    // "local.advance_clock"
	opNow              = wire.OpNow
)

// MaxRenewals bounds the renewals one AdvanceClock may perform; advance in
// smaller steps beyond it.
const MaxRenewals = 1000

// MaxClockOffset bounds how far AdvanceClock moves the simulated clock in
// total: 200 years, well inside what a time.Duration holds.
const MaxClockOffset = 200 * 8766 * time.Hour

// Card is how the payer's card behaves on a payment page, like the test
// cards of real providers.
type Card string

// Simulated cards.
const (
	// CardSucceeds pays at once.
	CardSucceeds Card = "succeeds"
	// CardRequiresAction asks for a 3-D Secure confirmation first: the
	// payment waits in requires_action until ConfirmPayment (the payer
	// confirmed) or FailPayment (they failed the challenge).
	CardRequiresAction Card = "requires_action"
	// CardDeclines is declined with "card_declined"; the checkout stays
	// open for another try.
	CardDeclines Card = "declines"
)

// CompleteCheckout pays an open checkout as its payer would on the payment
// page, with a card that succeeds, and returns the succeeded payment. It
// is PayCheckout with CardSucceeds.
func (s *Simulator) CompleteCheckout(ctx context.Context, checkoutID string) (*paykit.Payment, error) {
	return s.PayCheckout(ctx, checkoutID, CardSucceeds)
}

// PayCheckout plays the payer of an open checkout paying with card, and
// returns the payment it made.
//
// A payment that succeeds completes the checkout: it records a paid
// invoice (billing mode one_time) or, for a recurring checkout, starts an
// active subscription whose first invoice that is; the checkout becomes
// complete, naming the payment and subscription. A recurring checkout of
// an email payee makes them a customer on their first attempt, whatever
// its card; later attempts of the checkout reuse that customer. Events:
// customer.created (that case), payment.created, payment.updated,
// subscription.created, invoice.generated, checkout.completed.
//
// With CardRequiresAction the payment waits in requires_action, with the
// PaymentURL of its confirmation page; ConfirmPayment then completes the
// checkout as above. With CardDeclines the payment fails and the checkout
// stays open; this is no error.
//
// A checkout that is not open fails with an error matching
// paykit.ErrInvalidState, an unknown one with paykit.ErrNotFound.
func (s *Simulator) PayCheckout(ctx context.Context, checkoutID string, card Card) (*paykit.Payment, error) {
	switch card {
	case CardSucceeds, CardRequiresAction, CardDeclines:
	default:
		return nil, opError(OpCompleteCheckout, paykit.ValidationError("card", "unknown simulated card "+string(card)))
	}
	return s.b.PayCheckout(ctx, checkoutID, card)
}

func (s *engine) PayCheckout(ctx context.Context, checkoutID string, card Card) (*paykit.Payment, error) {
	return mutate(ctx, s, OpCompleteCheckout, nil, nil, func(t *txn) (*paykit.Payment, error) {
		rec, err := t.openCheckout(checkoutID)
		if err != nil {
			return nil, err
		}
		co := &rec.Checkout
		payee, err := t.checkoutPayer(rec)
		if err != nil {
			return nil, err
		}
		pay := t.newPayment(co.Amount, co.Currency, payee, rec.ItemID, paykit.CaptureAutomatic, co.Metadata)
		pay.CheckoutID, pay.Billing = co.ID, rec.Billing
		if card == CardRequiresAction {
			pay.Payment.Status = paykit.PaymentRequiresAction
			t.awaitPayer(pay)
			return pay.out(), saveEmit(t, payments, pay, paykit.EventPaymentCreated)
		}
		if err := saveEmit(t, payments, pay, paykit.EventPaymentCreated); err != nil {
			return nil, err
		}
		if err := t.settle(pay, card == CardDeclines); err != nil {
			return nil, err
		}
		if card == CardDeclines {
			return pay.out(), nil
		}
		return pay.out(), t.fulfilCheckout(rec, pay)
	})
}

// checkoutPayer returns who pays a checkout: its payee or, for a
// recurring checkout of an email payee, the customer they become, made on
// their first attempt and reused by the next ones (customer.created once).
func (t *txn) checkoutPayer(rec *checkoutRec) (paykit.Payee, error) {
	co := &rec.Checkout
	if co.SessionType != paykit.SessionRecurring || co.Customer.ID != "" {
		return co.Customer, nil
	}
	if rec.CustomerID != "" {
		_, ok, err := t.tx.Get(collCustomers, rec.CustomerID)
		if err != nil || ok {
			return paykit.CustomerID(rec.CustomerID), err
		}
	}
	cus := &customerRec{Customer: paykit.Customer{ID: newID("cus"), Email: co.Customer.Email, Metadata: map[string]string{}, CreatedAt: t.now}, Billing: rec.Billing}
	if err := saveEmit(t, customers, cus, paykit.EventCustomerCreated); err != nil {
		return paykit.Payee{}, err
	}
	rec.CustomerID = cus.Customer.ID
	return paykit.CustomerID(rec.CustomerID), save(t, checkouts, rec)
}

// fulfilCheckout completes a checkout whose payment succeeded.
func (t *txn) fulfilCheckout(rec *checkoutRec, pay *paymentRec) error {
	co := &rec.Checkout
	if co.SessionType == paykit.SessionRecurring {
		sub := &subscriptionRec{
			Subscription: paykit.Subscription{
				ID: newID("sub"), Customer: pay.Payment.Customer, Amount: co.Amount, Currency: co.Currency,
				Status: paykit.SubscriptionActive, ItemID: rec.ItemID, Quantity: rec.Quantity,
				BillingInterval: co.Subscription.BillingInterval, BillingIntervalCount: co.Subscription.BillingIntervalCount,
				Metadata: providerkit.CloneMetadata(co.Metadata), CreatedAt: t.now,
			},
		}
		sub.start(t.now)
		if err := saveEmit(t, subscriptions, sub, paykit.EventSubscriptionCreated); err != nil {
			return err
		}
		pay.SubscriptionID, co.SubscriptionID = sub.Subscription.ID, sub.Subscription.ID
		if err := t.invoicePeriod(sub, pay); err != nil {
			return err
		}
	} else if err := t.issueInvoice(t.newInvoice(pay, paykit.BillingOneTime, "", co.Products, co.Metadata), pay); err != nil {
		return err
	}
	co.Status, co.PaymentID = paykit.CheckoutComplete, pay.Payment.ID
	return saveEmit(t, checkouts, rec, paykit.EventCheckoutCompleted)
}

// ConfirmPayment pays a payment that waits for its payer (pending or
// requires_action: one created for an email payee, or a checkout payment
// awaiting 3-D Secure) as if they completed its payment page: it
// succeeds, or waits in requires_capture with CaptureManual. It emits
// payment.updated. What the payment was for follows: a checkout completes
// as in PayCheckout (an expired or completed one fails with
// ErrInvalidState and the payment stays unpaid); the first payment of a
// pending subscription activates it, starting its period now, and issues
// its invoice (subscription.updated, invoice.generated); the payment of a
// renewal awaiting its payer pays its open invoice (invoice.updated) and,
// being the latest, makes the past_due subscription active
// (subscription.updated).
func (s *Simulator) ConfirmPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
	if err := paykit.RequireID(paymentID); err != nil {
		return nil, opError(OpConfirmPayment, err)
	}
	return s.b.ConfirmPayment(ctx, paymentID)
}

func (s *engine) ConfirmPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
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
		var co *checkoutRec
		if rec.CheckoutID != "" {
			if co, err = t.openCheckout(rec.CheckoutID); err != nil {
				return nil, err
			}
		}
		if err := t.settle(rec, false); err != nil {
			return nil, err
		}
		if co != nil {
			return rec.out(), t.fulfilCheckout(co, rec)
		}
		return rec.out(), t.afterPaid(rec)
	})
}

// afterPaid runs what follows a payment's success: the first payment of a
// pending subscription activates it and is invoiced; the payment of an
// open renewal invoice pays it.
func (t *txn) afterPaid(pay *paymentRec) error {
	if pay.Payment.Status != paykit.PaymentSucceeded || pay.SubscriptionID == "" {
		return nil
	}
	rec, err := load(t, subscriptions, pay.SubscriptionID)
	if err != nil {
		return err
	}
	sub := &rec.Subscription
	if pay.Payment.ID == rec.PendingPaymentID {
		rec.PendingPaymentID = ""
		rec.awaitsNothing()
		if !rec.ended() {
			sub.Status = paykit.SubscriptionActive
			rec.start(t.now)
		}
		if err := saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated); err != nil {
			return err
		}
		return t.invoicePeriod(rec, pay)
	}
	if pay.InvoiceID != "" {
		inv, err := load(t, invoices, pay.InvoiceID)
		if err != nil {
			return err
		}
		if inv.Status == paykit.InvoiceOpen {
			t.markPaid(inv, pay)
			if err := saveEmit(t, invoices, inv, paykit.EventInvoiceUpdated); err != nil {
				return err
			}
		}
	}
	if pay.Payment.ID != rec.DuePaymentID {
		return nil
	}
	rec.DuePaymentID = ""
	rec.awaitsNothing()
	if sub.Status == paykit.SubscriptionPastDue {
		sub.Status = paykit.SubscriptionActive
	}
	return saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated)
}

// FailPayment declines a payment that has not completed (pending,
// processing, requires_action or requires_capture): it becomes failed with
// FailureCode "card_declined", and emits payment.updated. A payment its
// payer has to make for a subscription is replaced by a new one awaiting
// them (payment.created), so that they can try again: the first payment
// of a pending subscription, which stays pending, or the payment of an
// open renewal invoice, which then names the new payment
// (invoice.updated); the subscription's PaymentURL moves to it
// (subscription.updated).
func (s *Simulator) FailPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
	if err := paykit.RequireID(paymentID); err != nil {
		return nil, opError(OpFailPayment, err)
	}
	return s.b.FailPayment(ctx, paymentID)
}

func (s *engine) FailPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
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
		return rec.out(), t.retryPayerPayment(rec)
	})
}

// retryPayerPayment replaces a failed payment a subscription awaits from
// its payer with a new one.
func (t *txn) retryPayerPayment(failed *paymentRec) error {
	if failed.SubscriptionID == "" {
		return nil
	}
	rec, err := load(t, subscriptions, failed.SubscriptionID)
	if err != nil || rec.ended() {
		return err
	}
	id := failed.Payment.ID
	if id == rec.PendingPaymentID {
		retry := t.payerPayment(rec, "")
		rec.PendingPaymentID = retry.Payment.ID
		rec.awaits(retry)
		if err := saveEmit(t, payments, retry, paykit.EventPaymentCreated); err != nil {
			return err
		}
		return saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated)
	}
	if failed.InvoiceID == "" {
		return nil
	}
	inv, err := load(t, invoices, failed.InvoiceID)
	if err != nil || inv.Status != paykit.InvoiceOpen || inv.PaymentID != id {
		return err
	}
	retry := t.payerPayment(rec, inv.ID)
	inv.PaymentID = retry.Payment.ID
	if err := saveEmit(t, payments, retry, paykit.EventPaymentCreated); err != nil {
		return err
	}
	if err := saveEmit(t, invoices, inv, paykit.EventInvoiceUpdated); err != nil {
		return err
	}
	if id != rec.DuePaymentID {
		return nil
	}
	rec.DuePaymentID = retry.Payment.ID
	rec.awaits(retry)
	return saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated)
}

// SetCardDeclined makes every later charge of the customer's saved card
// decline (declined true) or succeed again (false): payments created for
// the customer, their new subscriptions and renewals by AdvanceClock. It
// emits no event.
func (s *Simulator) SetCardDeclined(ctx context.Context, customerID string, declined bool) error {
	return s.b.SetCardDeclined(ctx, customerID, declined)
}

func (s *engine) SetCardDeclined(ctx context.Context, customerID string, declined bool) error {
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

// CardDeclined reports whether charges of the customer's saved card
// decline, as set by SetCardDeclined.
func (s *Simulator) CardDeclined(ctx context.Context, customerID string) (bool, error) {
	return s.b.CardDeclined(ctx, customerID)
}

func (s *engine) CardDeclined(ctx context.Context, customerID string) (bool, error) {
	rec, err := retrieve(ctx, s, wire.OpCardDeclined, customers, customerID, same[customerRec])
	return err == nil && rec.Declines, err
}

// Now returns the simulator's current time: the configured clock plus
// every AdvanceClock so far.
func (s *Simulator) Now(ctx context.Context) (time.Time, error) {
	return s.b.Now(ctx)
}

func (s *engine) Now(ctx context.Context) (time.Time, error) {
	now, err := view(ctx, s, opNow, func(t *txn) (*time.Time, error) { return &t.now, nil })
	if err != nil {
		return time.Time{}, err
	}
	return *now, nil
}

// AdvanceClock moves simulated time forward by d and runs what falls due,
// in one transaction: open checkouts past their expiry expire
// (checkout.expired); pending subscriptions whose first payment nobody
// made within CheckoutTTL of their creation expire, their payment
// canceled (payment.canceled, subscription.updated); subscriptions whose
// period ended renew or, with CancelAtPeriodEnd, end
// (subscription.canceled). A renewal of a customer charges the saved card
// (payment.created, payment.updated, then invoice.generated when paid,
// subscription.updated; a decline makes the subscription past_due). A
// renewal of an email payee, who has no saved card, does not pay itself:
// it opens an invoice with a payment awaiting the payer
// (payment.created, invoice.generated) and makes the subscription
// past_due with RequiresAction and that payment's PaymentURL
// (subscription.updated) until ConfirmPayment. Periods are counted from
// the subscription's billing anchor, so a monthly subscription started on
// Jan 31 renews on Feb 28, Mar 31, Apr 30. Renewal records carry the
// time they fell due. More than MaxRenewals renewals, a d that is not
// positive, or a total advance beyond MaxClockOffset fail with
// ErrValidation naming "d" and change nothing.
func (s *Simulator) AdvanceClock(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return opError(OpAdvanceClock, paykit.ValidationError("d", "the clock only moves forward: give a positive duration"))
	}
	return s.b.AdvanceClock(ctx, d)
}

func (s *engine) AdvanceClock(ctx context.Context, d time.Duration) error {
	_, err := mutate(ctx, s, OpAdvanceClock, nil, nil, func(t *txn) (*done, error) {
		off, err := clockOffset(t.tx)
		if err != nil {
			return nil, err
		}
		if d > MaxClockOffset-off { // not off+d > MaxClockOffset: that sum can overflow
			return nil, paykit.ValidationError("d", fmt.Sprintf("the simulated clock moves at most 200 years in total (MaxClockOffset); it is %v ahead already", off))
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
		if rec.PendingPaymentID != "" { // not started: never renewed
			if exp := rec.Subscription.CreatedAt.Add(CheckoutTTL); !rec.ended() && !exp.After(t.now) {
				if err := t.at(exp, func() error { return t.expireSubscription(rec) }); err != nil {
					return err
				}
			}
			continue
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

// expireSubscription ends a subscription whose first payment nobody made:
// the payment is canceled and the subscription expired.
func (t *txn) expireSubscription(rec *subscriptionRec) error {
	pay, err := load(t, payments, rec.PendingPaymentID)
	switch {
	case err == nil && cancelable(pay.Payment.Status):
		t.cancelPayment(pay)
		if err := saveEmit(t, payments, pay, paykit.EventPaymentCanceled); err != nil {
			return err
		}
	case err != nil && !errors.Is(err, paykit.ErrNotFound): // a deleted payment is no matter
		return err
	}
	rec.PendingPaymentID = ""
	rec.Subscription.Status = paykit.SubscriptionExpired
	rec.awaitsNothing()
	return saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated)
}

// renew starts the next period of a subscription and charges it: the
// saved card of a customer, or the payer of an email payee, who has none,
// through an open invoice.
func (t *txn) renew(rec *subscriptionRec) error {
	sub := &rec.Subscription
	cus, err := t.customerOf("customer", sub.Customer)
	if err != nil {
		return err
	}
	rec.next()
	if cus == nil {
		pay := t.payerPayment(rec, "")
		inv := t.periodInvoice(rec, pay)
		pay.InvoiceID, rec.DuePaymentID, sub.Status = inv.ID, pay.Payment.ID, paykit.SubscriptionPastDue
		rec.awaits(pay)
		if err := saveEmit(t, payments, pay, paykit.EventPaymentCreated); err != nil {
			return err
		}
		if err := saveEmit(t, invoices, inv, paykit.EventInvoiceGenerated); err != nil {
			return err
		}
		return saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated)
	}
	pay := t.newPayment(sub.Amount, sub.Currency, sub.Customer, sub.ItemID, paykit.CaptureAutomatic, sub.Metadata)
	pay.SubscriptionID = sub.ID
	if err := t.chargePeriod(rec, pay, cus.Declines); err != nil {
		return err
	}
	sub.Status = paykit.SubscriptionActive
	if cus.Declines {
		sub.Status = paykit.SubscriptionPastDue
	}
	return saveEmit(t, subscriptions, rec, paykit.EventSubscriptionUpdated)
}
