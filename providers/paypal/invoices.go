package paypal

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// Invoices are the payments PayPal took for a subscription's billing
// cycles: GET /v1/billing/subscriptions/{id}/transactions. An invoice's id
// is "<subscription id>:<transaction id>", so that Retrieve finds the
// transaction again (PayPal reads transactions per subscription only).
// PayPal's Invoicing v2 is another product (invoices a merchant sends by
// email) that subscriptions do not create.

// invoiceOps are the invoices operations PayPal supports. List needs
// ListInvoicesParams.SubscriptionID.
var invoiceOps = []paykit.Op{
	paykit.OpInvoicesRetrieve,
	paykit.OpInvoicesList,
}

// invoiceIDSep separates the subscription id and the transaction id of an
// invoice id; neither PayPal id holds it.
const invoiceIDSep = ":"

// transactionsMargin widens the window of transactions asked for on both
// sides, against clock differences between this host and PayPal.
const transactionsMargin = time.Hour

// subscriptionInvoices returns the invoices of subscription subID, newest
// first. PayPal requires a window (start_time and end_time): it is the
// subscription's whole life, from its creation (or start_time, if
// earlier) to now, each widened by transactionsMargin, so every
// transaction it ever had is in it.
func (p *provider) subscriptionInvoices(ctx context.Context, subID string) ([]*paykit.Invoice, error) {
	w, _, err := p.readSubscriptionOnly(ctx, subID)
	if err != nil {
		return nil, err
	}
	now := p.now().UTC()
	from := parseBillingTime(w.CreateTime)
	if st := parseBillingTime(w.StartTime); !st.IsZero() && (from.IsZero() || st.Before(from)) {
		from = st
	}
	if from.IsZero() || from.After(now) {
		from = now
	}
	q := url.Values{
		"start_time": {from.Add(-transactionsMargin).Format(time.RFC3339)},
		"end_time":   {now.Add(transactionsMargin).Format(time.RFC3339)},
	}
	var res struct {
		Transactions []json.RawMessage `json:"transactions"`
	}
	if _, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodGet, Path: subscriptionPath(subID, "/transactions"), Query: q}, &res); err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.NotFoundError("subscription", subID)
		}
		return nil, err
	}
	data := decodeCustomID(w.CustomID)
	out := make([]*paykit.Invoice, 0, len(res.Transactions))
	for _, raw := range res.Transactions {
		var t wireTransaction
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "PayPal sent a transaction paykit cannot read", Err: err}
		}
		inv, err := invoiceFrom(&t, raw, w, data)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	slices.SortStableFunc(out, func(a, b *paykit.Invoice) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// invoiceFrom maps transaction t (raw its JSON) of subscription w.
// AmountPaid is the gross amount of a paid transaction, 0 otherwise.
func invoiceFrom(t *wireTransaction, raw json.RawMessage, w *wireSubscription, data customData) (*paykit.Invoice, error) {
	amount, currency, err := parseMoney(&t.AmountWithBreakdown.GrossAmount)
	if err != nil {
		return nil, err
	}
	status, ok := transactionInvoiceStatuses[t.Status]
	if !ok {
		status = paykit.InvoiceOpen
	}
	at := parseBillingTime(t.Time)
	payee := payeeOf(data.Customer, w.Subscriber)
	if data.Customer == "" && t.PayerEmail != "" {
		payee = paykit.CustomerEmail(t.PayerEmail)
	}
	inv := &paykit.Invoice{
		ID:             w.ID + invoiceIDSep + t.ID,
		Customer:       payee,
		SubscriptionID: w.ID,
		BillingMode:    paykit.BillingRecurring,
		Currency:       currency,
		Status:         status,
		Metadata:       providerkit.CloneMetadata(data.Metadata),
		CreatedAt:      at,
		Raw:            raw,
	}
	if w.PlanID != "" {
		inv.LineItems = []paykit.LineItem{{ID: w.PlanID, Quantity: max(subscriptionQuantity(w), 1)}}
	}
	if status == paykit.InvoicePaid {
		inv.AmountPaid = amount
		if !at.IsZero() {
			inv.PaidAt = &at
		}
	}
	return inv, nil
}

// invoiceFromSale maps the v1 sale of a subscription's payment (a
// PAYMENT.SALE.COMPLETED event's) as the transaction it is, with
// invoiceFrom: the subscription is billing_agreement_id, its custom_id
// the sale's custom, its time the sale's create_time. A sale names no
// plan, so the invoice has no LineItems, and no subscriber: its Customer
// is the customer id paykit kept, if any. A sale of no subscription is
// no invoice (nil).
func invoiceFromSale(s *wireSale, raw json.RawMessage) (*paykit.Invoice, error) {
	if s.BillingAgreementID == "" {
		return nil, nil
	}
	t := &wireTransaction{ID: s.ID, Status: saleTransactionStatuses[s.State], Time: s.CreateTime}
	t.AmountWithBreakdown.GrossAmount = money{CurrencyCode: s.Amount.Currency, Value: s.Amount.Total}
	w := &wireSubscription{ID: s.BillingAgreementID, CustomID: s.Custom}
	return invoiceFrom(t, raw, w, decodeCustomID(s.Custom))
}

// RetrieveInvoice returns invoice "<subscription id>:<transaction id>":
// the subscription's transactions are read and the one found. An id of
// another shape, an unknown subscription and an unknown transaction are
// RESOURCE_NOT_FOUND.
func (p *provider) RetrieveInvoice(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Invoice, error) {
	if err := p.readyFor(ctx, id); err != nil {
		return nil, err
	}
	subID, txnID, ok := strings.Cut(id, invoiceIDSep)
	if !ok || subID == "" || txnID == "" {
		return nil, paykit.NotFoundError("invoice", id)
	}
	invs, err := p.subscriptionInvoices(ctx, subID)
	if err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.NotFoundError("invoice", id)
		}
		return nil, err
	}
	for _, inv := range invs {
		if inv.ID == id {
			return inv, nil
		}
	}
	return nil, paykit.NotFoundError("invoice", id)
}

// ListInvoices lists the invoices of ListInvoicesParams.SubscriptionID,
// newest first; CustomerID, when also set, keeps them only if the
// subscription is that customer's. PayPal reads transactions per
// subscription only, so a list without SubscriptionID is a
// VALIDATION_ERROR on subscription_id. PayPal answers them all at once;
// pages (Limit, 10 by default, and Cursor) are cut from that answer.
func (p *provider) ListInvoices(ctx context.Context, params *paykit.ListInvoicesParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	// An ended context is reported first, as by every other method.
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params == nil || params.SubscriptionID == "" {
		return nil, paykit.ValidationError("subscription_id", "PayPal lists the invoices (transactions) of one subscription at a time: set subscription_id")
	}
	limit := params.Limit
	switch {
	case limit < 0 || limit > 100:
		return nil, paykit.ValidationError("limit", "limit must be between 0 and 100")
	case limit == 0:
		limit = 10
	}
	offset := 0
	if params.Cursor != "" {
		n, err := strconv.Atoi(params.Cursor)
		if err != nil || n < 0 {
			return nil, paykit.ValidationError("cursor", "cursor is not one a page of PayPal invoices returned")
		}
		offset = n
	}
	invs, err := p.subscriptionInvoices(ctx, params.SubscriptionID)
	if err != nil {
		if pe, ok := paykit.AsError(err); ok && errors.Is(err, paykit.ErrNotFound) {
			cp := *pe
			cp.Param = "subscription_id"
			return nil, &cp
		}
		return nil, err
	}
	if params.CustomerID != "" {
		invs = slices.DeleteFunc(invs, func(inv *paykit.Invoice) bool { return inv.Customer.ID != params.CustomerID })
	}
	page := &paykit.Page[paykit.Invoice]{Data: []*paykit.Invoice{}}
	if offset < len(invs) {
		end := min(offset+limit, len(invs))
		page.Data = invs[offset:end]
		if end < len(invs) {
			page.HasMore, page.NextCursor = true, strconv.Itoa(end)
		}
	}
	return page, nil
}
