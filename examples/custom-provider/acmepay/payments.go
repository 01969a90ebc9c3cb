package acmepay

import (
	"context"
	"encoding/json"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

const paymentsPath = "/v1/payments"

// PaymentOptions are Acme Pay's own settings of a payment. Pass one as
// CreatePaymentParams.ProviderMetadata (a PaymentOptions or a
// *PaymentOptions); anything else is a VALIDATION_ERROR on
// "provider_metadata".
type PaymentOptions struct {
	// StatementDescriptor is the text on the customer's card statement,
	// at most 22 characters.
	StatementDescriptor string
}

func paymentFrom(raw json.RawMessage) (*paykit.Payment, error) {
	w, err := decode[wirePayment](raw)
	if err != nil {
		return nil, err
	}
	amount, err := amountFrom(w.Amount, w.Currency)
	if err != nil {
		return nil, err
	}
	refunded, err := amountFrom(w.AmountRefunded, w.Currency)
	if err != nil {
		return nil, err
	}
	pay := &paykit.Payment{
		ID:             w.ID,
		Amount:         amount,
		Currency:       w.Currency,
		Customer:       paykit.CustomerID(w.Customer),
		Status:         paymentStatus(w.Status),
		Metadata:       providerkit.CloneMetadata(w.Metadata),
		ItemID:         deref(w.Reference),
		AmountRefunded: refunded,
		CaptureMethod:  paykit.CaptureAutomatic,
		FailureCode:    deref(w.FailureCode),
		CreatedAt:      w.CreatedAt.UTC(),
		Raw:            raw,
	}
	if pay.Status == paykit.PaymentSucceeded {
		pay.AmountCaptured = amount // Acme captures at once
	}
	return pay, nil
}

// CreatePayment charges a customer's default payment method.
func (p *provider) CreatePayment(ctx context.Context, params *paykit.CreatePaymentParams, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	// What Acme cannot do is refused before anything is sent, never
	// dropped unseen.
	switch {
	case params.Customer.ID == "":
		return nil, paykit.ValidationError("customer", "Acme Pay charges customers by id: create the customer first")
	case params.CaptureMethod == paykit.CaptureManual:
		return nil, paykit.ValidationError("capture_method", "Acme Pay captures at once: capture_method manual is not supported")
	case params.Billing != nil:
		return nil, paykit.ValidationError("billing", "Acme Pay keeps no billing details")
	}
	// The typed options: OptionsOf accepts nil, a PaymentOptions or a
	// *PaymentOptions, and refuses anything else naming the type wanted.
	o, err := providerkit.OptionsOf[PaymentOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if len(o.StatementDescriptor) > 22 {
		return nil, paykit.ValidationError("provider_metadata.statement_descriptor", "statement_descriptor is longer than 22 characters")
	}
	if err := providerkit.RefuseReserved(params.Metadata); err != nil {
		return nil, err
	}
	// paykit's int64 minor units become Acme's decimal string with the
	// currency's ISO 4217 exponent: 2500 USD is "25.00", 500 JPY "500".
	currency, err := providerkit.NormalizeCurrency(params.Currency)
	if err != nil {
		return nil, paykit.ValidationError("currency", err.Error())
	}
	amount, err := providerkit.FormatDecimal(params.Amount, currency)
	if err != nil {
		return nil, paykit.ValidationError("amount", err.Error())
	}
	body := paymentCreate{
		Amount:              amount,
		Currency:            currency,
		Customer:            params.Customer.ID,
		Reference:           params.ItemID,
		StatementDescriptor: o.StatementDescriptor,
		Metadata:            params.Metadata,
	}
	var raw json.RawMessage
	if err := p.post(ctx, paymentsPath, body, opts, &raw); err != nil {
		return nil, err
	}
	return paymentFrom(raw)
}

// RetrievePayment returns a payment, or an error matching
// paykit.ErrNotFound.
func (p *provider) RetrievePayment(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := p.get(ctx, objectPath(paymentsPath+"/", id), nil, &raw); err != nil {
		return nil, err
	}
	return paymentFrom(raw)
}

// ListPayments lists payments, newest first, optionally of one customer.
// Nil params are the first page.
func (p *provider) ListPayments(ctx context.Context, params *paykit.ListPaymentsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	if params == nil {
		params = &paykit.ListPaymentsParams{}
	}
	q := listQuery(params.ListParams)
	if params.CustomerID != "" {
		q.Set("customer", params.CustomerID)
	}
	return list(ctx, p, paymentsPath, q, paymentFrom)
}
