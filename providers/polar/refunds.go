package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

const refundsPath = "/v1/refunds/"

// RefundOptions are Polar-only settings of a refund. Pass one (or a
// pointer to one) as CreateRefundParams.ProviderMetadata.
type RefundOptions struct {
	// RevokeBenefits revokes the benefits the order granted.
	RevokeBenefits bool
	// Comment is an internal note on the refund.
	Comment string
}

var refundFields = map[string]string{
	"order_id": "payment_id",
	"amount":   "amount",
	"reason":   "reason",
	"metadata": "metadata",
	"comment":  "provider_metadata",
}

type refundCreate struct {
	OrderID        string   `json:"order_id"`
	Reason         string   `json:"reason"`
	Amount         int64    `json:"amount"`
	Metadata       metadata `json:"metadata,omitempty"`
	Comment        *string  `json:"comment,omitempty"`
	RevokeBenefits bool     `json:"revoke_benefits,omitempty"`
}

// refundReason maps paykit's reason to Polar's.
func refundReason(r paykit.RefundReason) string {
	switch r {
	case paykit.RefundDuplicate:
		return "duplicate"
	case paykit.RefundFraudulent:
		return "fraudulent"
	case paykit.RefundRequestedByCustomer:
		return "customer_request"
	}
	return "other"
}

// unifiedReason maps Polar's reason back: service_disruption,
// satisfaction_guarantee and dispute_prevention are "other".
func unifiedReason(r string) paykit.RefundReason {
	switch r {
	case "duplicate":
		return paykit.RefundDuplicate
	case "fraudulent":
		return paykit.RefundFraudulent
	case "customer_request":
		return paykit.RefundRequestedByCustomer
	}
	return paykit.RefundOther
}

// refundStatus maps a refund's status (refundStatuses); an unknown one is
// pending.
func refundStatus(s string) paykit.RefundStatus {
	return lookup(refundStatuses, s, paykit.RefundPending)
}

func refundFrom(raw json.RawMessage) (*paykit.Refund, error) {
	w, err := decode[wireRefund](raw)
	if err != nil {
		return nil, err
	}
	return &paykit.Refund{
		ID:        w.ID,
		Amount:    w.Amount + w.TaxAmount,
		Currency:  isoCurrency(w.Currency),
		Reason:    unifiedReason(w.Reason),
		Metadata:  w.Metadata.strings(),
		PaymentID: w.OrderID,
		Status:    refundStatus(w.Status),
		CreatedAt: utc(w.CreatedAt),
		Raw:       raw,
	}, nil
}

// CreateRefund refunds part or all of an order. PaymentID may be an order
// id or the id of a paid payment's checkout. Amount is what the customer
// gets back, tax included; Polar takes the net amount and adds tax in the
// order's ratio, so the order is read first to convert it. Amount 0
// refunds what is left; more than is left, or an amount that no net amount
// gives with its tax, is refused with a VALIDATION_ERROR on "amount"
// before anything is sent.
func (p *provider) CreateRefund(ctx context.Context, params *paykit.CreateRefundParams, _ *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[RefundOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	order, err := p.orderOfPayment(ctx, params.PaymentID)
	if err != nil {
		return nil, err
	}
	if !order.Paid && !paidOrder(order.Status) {
		return nil, paykit.ValidationError("payment_id", "payment "+params.PaymentID+" is not paid")
	}
	if order.RefundableAmount <= 0 {
		return nil, paykit.ValidationError("amount", "payment "+params.PaymentID+" has nothing left to refund")
	}
	net, err := refundNet(order, params.Amount)
	if err != nil {
		return nil, err
	}
	body := refundCreate{OrderID: order.ID, Reason: refundReason(params.Reason), Amount: net,
		Metadata: cleanMetadata(params.Metadata), Comment: optional(opts.Comment), RevokeBenefits: opts.RevokeBenefits}
	return get(ctx, p, call{method: http.MethodPost, path: refundsPath, body: body, fields: refundFields}, refundFrom)
}

// refundNet returns the net amount Polar's refund of order takes for a
// refund of gross, tax included (0: all that is left).
func refundNet(order *wireOrder, gross int64) (int64, error) {
	left := order.refundable()
	switch {
	case gross == 0 || gross == left:
		return order.RefundableAmount, nil
	case gross > left:
		return 0, paykit.ValidationError("amount", "amount exceeds the "+strconv.FormatInt(left, 10)+" left to refund (tax included)")
	}
	// n + tax(n) grows by at least 1 with n: the smallest n reaching gross
	// is the only one that can give it exactly.
	withTax := func(n int64) int64 { return n + order.refundTax(n) }
	n := int64(sort.Search(int(order.RefundableAmount), func(i int) bool { return withTax(int64(i)) >= gross }))
	if n < order.RefundableAmount && withTax(n) == gross {
		return n, nil
	}
	below, above := withTax(n-1), left
	if n < order.RefundableAmount {
		above = withTax(n)
	}
	return 0, paykit.ValidationError("amount", "Polar refunds tax in proportion to the amount, so "+strconv.FormatInt(gross, 10)+
		" cannot be refunded exactly; the nearest amounts are "+strconv.FormatInt(below, 10)+" and "+strconv.FormatInt(above, 10))
}

// orderOfPayment returns the order a payment id names: an order, or a
// checkout that created one.
func (p *provider) orderOfPayment(ctx context.Context, id string) (*wireOrder, error) {
	if !isUUID(id) {
		return nil, paykit.ValidationError("payment_id", "payment_id is not a Polar id (a UUID)")
	}
	var order wireOrder
	err := p.do(ctx, call{method: http.MethodGet, path: ordersPath + id}, &order)
	if err == nil {
		return &order, nil
	}
	if !errors.Is(err, paykit.ErrNotFound) {
		return nil, err
	}
	var co wireCheckout
	if err := p.do(ctx, call{method: http.MethodGet, path: checkoutsPath + id}, &co); err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.ValidationError("payment_id", "no Polar order or checkout "+id)
		}
		return nil, err
	}
	o, _, err := p.checkoutOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, paykit.ValidationError("payment_id", "payment "+id+" is not paid")
	}
	return o, nil
}

// RetrieveRefund returns a refund (Polar lists it by id: it has no
// single-refund endpoint).
func (p *provider) RetrieveRefund(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, paykit.NotFoundError("refund", id)
	}
	page, err := list(ctx, p, refundsPath, paykit.ListParams{Limit: 1}, map[string]string{"id": id}, nil, refundFrom)
	if err != nil {
		return nil, err
	}
	if len(page.Data) == 0 {
		return nil, paykit.NotFoundError("refund", id)
	}
	return page.Data[0], nil
}

// ListRefunds lists refunds, optionally of one payment (order).
func (p *provider) ListRefunds(ctx context.Context, params *paykit.ListRefundsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	if params == nil {
		params = &paykit.ListRefundsParams{}
	}
	return list(ctx, p, refundsPath, params.ListParams, map[string]string{"order_id": params.PaymentID}, nil, refundFrom)
}
