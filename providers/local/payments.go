package local

import (
	"context"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// DeclineCode is the FailureCode and DeclineCode of a simulated decline.
const DeclineCode = "card_declined"

// CreatePayment implements paykit.Provider. A payment of an existing
// customer is charged at once against their saved card: it succeeds, or
// waits in requires_capture with CaptureManual, or fails with
// ErrCardDeclined after SetCardDeclined (the failed payment is kept). A
// payment of an email payee waits for the payer: status pending with
// RequiresAction and a PaymentURL, paid by ConfirmPayment. It emits
// payment.created, then payment.updated when the charge settled. An
// Amount of 0 is a VALIDATION_ERROR on "amount", as at Stripe, Polar and
// PayPal: a payment charges something.
func (s *Simulator) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpPaymentsCreate, err)
	}
	if p.Amount <= 0 {
		return nil, opError(paykit.OpPaymentsCreate, paykit.ValidationError("amount", "amount must be at least 1 minor unit: a payment charges something"))
	}
	return s.b.CreatePayment(ctx, p, ro)
}

func (s *engine) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	return mutate(ctx, s, paykit.OpPaymentsCreate, ro, p, func(t *txn) (*paykit.Payment, error) {
		cus, err := t.customerOf("customer", p.Customer)
		if err != nil {
			return nil, err
		}
		cur, err := providerkit.NormalizeCurrency(p.Currency)
		if err != nil {
			return nil, paykit.ValidationError("currency", err.Error())
		}
		rec := t.newPayment(p.Amount, cur, p.Customer, p.ItemID, p.CaptureMethod, p.Metadata)
		rec.Billing = p.Billing
		if cus == nil {
			t.awaitPayer(rec)
			return rec.out(), saveEmit(t, payments, rec, paykit.EventPaymentCreated)
		}
		if err := saveEmit(t, payments, rec, paykit.EventPaymentCreated); err != nil {
			return nil, err
		}
		if err := t.settle(rec, cus.Declines); err != nil {
			return nil, err
		}
		if cus.Declines {
			t.afterCommit = &paykit.Error{Code: paykit.CodeCardDeclined, DeclineCode: DeclineCode,
				Message: "the card was declined; payment " + rec.Payment.ID + " failed"}
		}
		return rec.out(), nil
	})
}

// newPayment builds a pending payment; the caller stores it.
func (t *txn) newPayment(amount int64, currency string, payee paykit.Payee, itemID string, method paykit.CaptureMethod, md map[string]string) *paymentRec {
	if method == "" {
		method = paykit.CaptureAutomatic
	}
	return &paymentRec{Payment: paykit.Payment{
		ID: newID("pay"), Amount: amount, Currency: currency, Customer: payee,
		Status: paykit.PaymentPending, Metadata: providerkit.CloneMetadata(md), ItemID: itemID,
		CaptureMethod: method, CreatedAt: t.now,
	}}
}

// awaitPayer marks a payment as waiting for the payer on its payment page.
func (t *txn) awaitPayer(rec *paymentRec) {
	rec.Payment.RequiresAction = true
	rec.Payment.PaymentURL = t.s.pageURL("pay", rec.Payment.ID)
}

// settle charges a payment's card: declined, authorized (manual capture)
// or captured. It emits payment.updated.
func (t *txn) settle(rec *paymentRec, declined bool) error {
	p := &rec.Payment
	p.RequiresAction = false
	switch {
	case declined:
		p.Status, p.FailureCode = paykit.PaymentFailed, DeclineCode
	case p.CaptureMethod == paykit.CaptureManual:
		p.Status = paykit.PaymentRequiresCapture
	default:
		p.Status, p.AmountCaptured = paykit.PaymentSucceeded, p.Amount
	}
	return saveEmit(t, payments, rec, paykit.EventPaymentUpdated)
}

// RetrievePayment implements paykit.Provider.
func (s *Simulator) RetrievePayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpPaymentsRetrieve, err)
	}
	return s.b.RetrievePayment(ctx, id, ro)
}

func (s *engine) RetrievePayment(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Payment, error) {
	return retrieve(ctx, s, paykit.OpPaymentsRetrieve, payments, id, (*paymentRec).out)
}

// UpdatePayment implements paykit.Provider: it merges metadata, in any
// state, and emits payment.updated.
func (s *Simulator) UpdatePayment(ctx context.Context, id string, p *paykit.UpdatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpPaymentsUpdate, err)
	}
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpPaymentsUpdate, err)
	}
	return s.b.UpdatePayment(ctx, id, p, ro)
}

func (s *engine) UpdatePayment(ctx context.Context, id string, p *paykit.UpdatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	return mutate(ctx, s, paykit.OpPaymentsUpdate, ro, withID(id, p), func(t *txn) (*paykit.Payment, error) {
		rec, err := load(t, payments, id)
		if err != nil {
			return nil, err
		}
		rec.Payment.Metadata = providerkit.MergeMetadata(rec.Payment.Metadata, p.Metadata)
		if err := saveEmit(t, payments, rec, paykit.EventPaymentUpdated); err != nil {
			return nil, err
		}
		return rec.out(), nil
	})
}

// CapturePayment implements paykit.Provider: a requires_capture payment
// becomes succeeded with AmountCaptured = params.Amount (0: all of it).
// Capturing more than was authorized fails with ErrValidation naming
// "amount"; other states fail with ErrInvalidState. It emits
// payment.updated.
func (s *Simulator) CapturePayment(ctx context.Context, id string, p *paykit.CapturePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpPaymentsCapture, err)
	}
	return s.b.CapturePayment(ctx, id, p, ro)
}

func (s *engine) CapturePayment(ctx context.Context, id string, p *paykit.CapturePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if p == nil {
		p = &paykit.CapturePaymentParams{}
	}
	return mutate(ctx, s, paykit.OpPaymentsCapture, ro, withID(id, p), func(t *txn) (*paykit.Payment, error) {
		rec, err := load(t, payments, id)
		if err != nil {
			return nil, err
		}
		pay := &rec.Payment
		if pay.Status != paykit.PaymentRequiresCapture {
			return nil, invalidState("payment " + id + " is " + string(pay.Status) + "; only requires_capture payments can be captured")
		}
		amount := p.Amount
		if amount == 0 {
			amount = pay.Amount
		}
		if amount > pay.Amount {
			return nil, paykit.ValidationError("amount", "capture amount "+strconv.FormatInt(amount, 10)+
				" exceeds the authorized "+strconv.FormatInt(pay.Amount, 10))
		}
		pay.Status, pay.AmountCaptured = paykit.PaymentSucceeded, amount
		if err := saveEmit(t, payments, rec, paykit.EventPaymentUpdated); err != nil {
			return nil, err
		}
		return rec.out(), t.afterPaid(rec)
	})
}

// cancelable reports whether a payment in status st can still be canceled.
func cancelable(st paykit.PaymentStatus) bool {
	switch st {
	case paykit.PaymentPending, paykit.PaymentProcessing, paykit.PaymentRequiresAction, paykit.PaymentRequiresCapture:
		return true
	}
	return false
}

// CancelPayment implements paykit.Provider: a payment that has not
// succeeded, failed or been canceled becomes canceled (an authorization
// is released). It emits payment.canceled.
func (s *Simulator) CancelPayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpPaymentsCancel, err)
	}
	return s.b.CancelPayment(ctx, id, ro)
}

func (s *engine) CancelPayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	return mutate(ctx, s, paykit.OpPaymentsCancel, ro, withID(id, nil), func(t *txn) (*paykit.Payment, error) {
		rec, err := load(t, payments, id)
		if err != nil {
			return nil, err
		}
		if !cancelable(rec.Payment.Status) {
			return nil, invalidState("payment " + id + " is " + string(rec.Payment.Status) + " and can no longer be canceled")
		}
		t.cancelPayment(rec)
		if err := saveEmit(t, payments, rec, paykit.EventPaymentCanceled); err != nil {
			return nil, err
		}
		return rec.out(), nil
	})
}

func (t *txn) cancelPayment(rec *paymentRec) {
	rec.Payment.Status = paykit.PaymentCanceled
	rec.Payment.RequiresAction = false
}

// DeletePayment implements paykit.Provider: a payment that never succeeded
// is removed (Retrieve then fails with ErrNotFound); a live one is
// canceled first and emits payment.canceled. A succeeded payment fails
// with ErrInvalidState: refund it instead.
func (s *Simulator) DeletePayment(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return opError(paykit.OpPaymentsDelete, err)
	}
	return s.b.DeletePayment(ctx, id, ro)
}

func (s *engine) DeletePayment(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	_, err := mutate(ctx, s, paykit.OpPaymentsDelete, ro, withID(id, nil), func(t *txn) (*done, error) {
		rec, err := load(t, payments, id)
		if err != nil {
			return nil, err
		}
		if rec.Payment.Status == paykit.PaymentSucceeded {
			return nil, invalidState("payment " + id + " succeeded and cannot be deleted; refund it instead")
		}
		if cancelable(rec.Payment.Status) {
			t.cancelPayment(rec)
			if err := t.emit(paykit.EventPaymentCanceled, &rec.Payment); err != nil {
				return nil, err
			}
		}
		return &done{}, t.tx.Delete(collPayments, id)
	})
	return err
}

// ListPayments implements paykit.Provider: newest first, filtered by
// customer id.
func (s *Simulator) ListPayments(ctx context.Context, p *paykit.ListPaymentsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	if p == nil {
		p = &paykit.ListPaymentsParams{}
	}
	return s.b.ListPayments(ctx, p, ro)
}

func (s *engine) ListPayments(ctx context.Context, p *paykit.ListPaymentsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	return list(ctx, s, paykit.OpPaymentsList, payments, p.ListParams, map[string]string{"customer": p.CustomerID}, (*paymentRec).out)
}
