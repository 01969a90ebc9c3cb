package paypal

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// refundOps are the refunds operations PayPal supports. PayPal has no
// list of refunds (refunds.list); an order's refunds are in its
// payments, which RetrievePayment sums into AmountRefunded.
var refundOps = []paykit.Op{paykit.OpRefundsCreate, paykit.OpRefundsRetrieve}

// RefundOptions are PayPal-only settings of a refund. Pass one (or a
// pointer to one) as CreateRefundParams.ProviderMetadata.
type RefundOptions struct {
	// NoteToPayer is PayPal's note to the payer about the refund (at most
	// 255 characters).
	NoteToPayer string
}

// refundable returns the order's capture to refund: the last one that
// succeeded, refunded in part or not at all. When every one is fully
// refunded it returns the last REFUNDED capture with ok false: a refund
// repeated with the key of the one that emptied it must still reach it,
// so that PayPal answers the first refund again (captures.refund replays
// by PayPal-Request-Id) instead of paykit refusing the repeat.
func refundable(o *wireOrder) (capture *wireCapture, ok bool) {
	if c := o.PurchaseUnits[0].Payments; c != nil {
		for i := len(c.Captures) - 1; i >= 0; i-- {
			switch c.Captures[i].Status {
			case "COMPLETED", "PARTIALLY_REFUNDED":
				return &c.Captures[i], true
			case "REFUNDED":
				if capture == nil {
					capture = &c.Captures[i]
				}
			}
		}
	}
	return capture, false
}

// CreateRefund refunds the capture of payment (order) PaymentID: Amount,
// or what is left of it when Amount is 0 (the amount is then left out and
// PayPal refunds the rest). The payment, the reason and the metadata
// travel in the refund's custom_id.
func (p *provider) CreateRefund(ctx context.Context, params *paykit.CreateRefundParams, opts *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	ro, err := providerkit.OptionsOf[RefundOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if err := providerkit.RefuseReserved(params.Metadata); err != nil {
		return nil, err
	}
	if params.Amount < 0 {
		// The Client refuses it first; a direct call must not refund
		// everything (Amount 0) instead.
		return nil, paykit.ValidationError("amount", "amount must not be negative")
	}
	if len(ro.NoteToPayer) > 255 {
		return nil, paykit.ValidationError("provider_metadata", "NoteToPayer is longer than 255 characters")
	}
	if params.PaymentID == "" {
		return nil, paykit.ValidationError("payment_id", "payment_id is required")
	}
	o, _, err := p.order(ctx, params.PaymentID, "payment")
	if err != nil {
		if pe, ok := paykit.AsError(err); ok && pe.Code == paykit.CodeNotFound {
			pe.Param = "payment_id"
		}
		return nil, err
	}
	capture, ok := refundable(o)
	if capture == nil {
		return nil, &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name, Param: "payment_id",
			Message: "payment " + o.ID + " (PayPal order " + o.Status + ") has no completed capture to refund"}
	}
	customID, err := encodeRefundData(refundData{Payment: o.ID, Reason: params.Reason, Metadata: providerkit.CloneMetadata(params.Metadata)})
	if err != nil {
		return nil, err
	}
	body := refundRequest{CustomID: customID, NoteToPayer: ro.NoteToPayer}
	if params.Amount > 0 {
		m, err := toMoney(params.Amount, capture.Amount.CurrencyCode)
		if err != nil {
			return nil, err
		}
		body.Amount = &m
	}
	var raw json.RawMessage
	if _, err := p.write(ctx, http.MethodPost, capturesPath+url.PathEscape(capture.ID)+"/refund", body, keyOf(opts), &raw); err != nil {
		if !ok && errors.Is(err, paykit.ErrInvalidState) {
			// Every capture is refunded and PayPal replayed nothing for
			// this key: not a repeat, a refund of nothing left.
			return nil, &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name, Param: "payment_id",
				Message: "payment " + o.ID + " (PayPal order " + o.Status + ") has no completed capture to refund: it is refunded in full", Err: err}
		}
		return nil, err
	}
	return p.readRefund(ctx, raw)
}

// readRefund maps the refund PayPal answered (raw) with refundFrom, and
// finds the payment of one paykit did not make (whose custom_id names
// none) with one more request: the order of the capture its "up" link
// names.
func (p *provider) readRefund(ctx context.Context, raw json.RawMessage) (*paykit.Refund, error) {
	w, err := decodeRefund(raw)
	if err != nil {
		return nil, err
	}
	r, err := refundFrom(w, raw)
	if err != nil || r.PaymentID != "" {
		return r, err
	}
	if captureID := refundedCapture(w); captureID != "" {
		var c wireCapture
		_, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodGet, Path: capturesPath + url.PathEscape(captureID)}, &c)
		if err == nil && c.SupplementaryData != nil {
			r.PaymentID = c.SupplementaryData.RelatedIDs.OrderID
		}
	}
	return r, nil
}

// decodeRefund reads PayPal's refund JSON.
func decodeRefund(raw json.RawMessage) (*wireRefund, error) {
	var w wireRefund
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "cannot decode PayPal's refund: " + err.Error(), Err: err}
	}
	return &w, nil
}

// refundFrom maps a refund, as far as the refund tells: the payment
// (order), the reason and the metadata are those paykit wrote in its
// custom_id. A refund made elsewhere names no payment there, and has no
// PaymentID (readRefund looks it up).
func refundFrom(w *wireRefund, raw json.RawMessage) (*paykit.Refund, error) {
	amt, cur, err := fromMoney(w.Amount)
	if err != nil {
		return nil, err
	}
	data := decodeRefundData(w.CustomID)
	r := &paykit.Refund{
		ID: w.ID, Amount: amt, Currency: cur, Reason: data.Reason, Metadata: data.Metadata, PaymentID: data.Payment,
		Status: lookup(refundStatuses, w.Status, paykit.RefundPending), CreatedAt: w.CreateTime, Raw: raw,
	}
	if r.Metadata == nil {
		r.Metadata = map[string]string{}
	}
	return r, nil
}

// refundedCapture is the id of the capture refund w refunds, from its
// "up" link, or "".
func refundedCapture(w *wireRefund) string {
	up := linkOf(w.Links, "up")
	if i := strings.LastIndex(up, capturesPath); i >= 0 {
		return up[i+len(capturesPath):]
	}
	return ""
}

// RetrieveRefund returns refund id.
func (p *provider) RetrieveRefund(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if _, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodGet, Path: refundsPath + url.PathEscape(id)}, &raw); err != nil {
		return nil, err
	}
	return p.readRefund(ctx, raw)
}
