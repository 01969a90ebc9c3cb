package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

const ordersPath = "/v1/orders/"

// PaymentOptions are Polar-only settings of a payment. Pass one (or a
// pointer to one) as CreatePaymentParams.ProviderMetadata.
type PaymentOptions struct {
	// OffSession charges a saved payment method at once instead of opening
	// a checkout: a draft order is created (POST /v1/orders/) and finalized
	// (POST /v1/orders/{id}/finalize). The organisation needs Polar's
	// off-session charges enabled, and Customer must be a customer id.
	OffSession bool
	// PaymentMethodID is the saved payment method to charge off-session;
	// empty uses the customer's default. Setting it implies OffSession.
	PaymentMethodID string
	// Description of an off-session order.
	Description string
	// SuccessURL is where a checkout sends the payer after paying.
	SuccessURL string
}

var orderFields = map[string]string{
	"customer_id":       "customer",
	"product_id":        "item_id",
	"products":          "item_id",
	"amount":            "amount",
	"currency":          "currency",
	"prices":            "amount",
	"metadata":          "metadata",
	"payment_method_id": "provider_metadata",
	"description":       "provider_metadata",
	"customer_email":    "customer.email",
	"success_url":       "provider_metadata",
}

type orderCreate struct {
	CustomerID  string   `json:"customer_id"`
	ProductID   string   `json:"product_id"`
	Currency    string   `json:"currency"`
	Amount      int64    `json:"amount"`
	Metadata    metadata `json:"metadata,omitempty"`
	Description *string  `json:"description,omitempty"`
}

type orderFinalize struct {
	PaymentMethodID *string `json:"payment_method_id,omitempty"`
}

// paidOrder reports whether an order was paid (refunds included).
func paidOrder(status string) bool {
	switch status {
	case "paid", "refunded", "partially_refunded":
		return true
	}
	return false
}

// orderPaymentStatus maps an order's status to its payment's
// (orderPaymentStatuses); an unknown one is pending.
func orderPaymentStatus(status string) paykit.PaymentStatus {
	return lookup(orderPaymentStatuses, status, paykit.PaymentPending)
}

func paymentFromOrder(raw json.RawMessage) (*paykit.Payment, error) {
	w, err := decode[wireOrder](raw)
	if err != nil {
		return nil, err
	}
	pay := &paykit.Payment{
		ID:             w.ID,
		Amount:         w.TotalAmount,
		Currency:       isoCurrency(w.Currency),
		Customer:       paykit.CustomerID(w.CustomerID),
		Status:         orderPaymentStatus(w.Status),
		Metadata:       w.Metadata.strings(),
		ItemID:         deref(w.ProductID),
		AmountRefunded: w.refunded(),
		CaptureMethod:  paykit.CaptureAutomatic,
		CreatedAt:      utc(w.CreatedAt),
		Raw:            raw,
	}
	if paidOrder(w.Status) {
		pay.AmountCaptured = w.charged()
	}
	return pay, nil
}

// checkoutPaymentStatus maps the status of a checkout that stands for a
// payment not yet made (checkoutPaymentStatuses); an unknown one requires
// action, as an open checkout.
func checkoutPaymentStatus(status string) paykit.PaymentStatus {
	return lookup(checkoutPaymentStatuses, status, paykit.PaymentRequiresAction)
}

func paymentFromCheckout(raw json.RawMessage) (*paykit.Payment, error) {
	w, err := decode[wireCheckout](raw)
	if err != nil {
		return nil, err
	}
	co := checkoutOf(w, raw)
	pay := &paykit.Payment{
		ID:            co.ID,
		Amount:        co.Amount,
		Currency:      co.Currency,
		Customer:      co.Customer,
		Status:        checkoutPaymentStatus(w.Status),
		Metadata:      co.Metadata,
		CaptureMethod: paykit.CaptureAutomatic,
		CreatedAt:     co.CreatedAt,
		Raw:           raw,
	}
	if len(co.Products) > 0 {
		pay.ItemID = co.Products[0].ID
	}
	if pay.Status == paykit.PaymentRequiresAction {
		pay.RequiresAction = true
		pay.PaymentURL = co.PaymentURL
	}
	return pay, nil
}

// CreatePayment charges a customer for a product (ItemID, or the product
// of WithPaymentProduct) at Amount in Currency. By default it opens a
// checkout with that ad-hoc price and returns a pending payment with
// RequiresAction and PaymentURL, identified by the checkout's id. With
// PaymentOptions.OffSession it creates and finalizes an order against a
// saved payment method and returns the order. Polar captures at once:
// CaptureManual is refused. The checkout is presented in Currency, the
// price's; a Billing.Currency that differs from it is refused.
func (p *provider) CreatePayment(ctx context.Context, params *paykit.CreatePaymentParams, _ *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[PaymentOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if params.CaptureMethod == paykit.CaptureManual {
		return nil, paykit.ValidationError("capture_method", "Polar captures payments at once: capture_method must be automatic")
	}
	product := params.ItemID
	if product == "" {
		product = p.paymentProduct
	}
	if product == "" {
		return nil, paykit.ValidationError("item_id", "Polar charges for a product: set item_id, or configure polar.WithPaymentProduct")
	}
	if err := checkID("item_id", product); err != nil {
		return nil, err
	}
	if b := params.Billing; b != nil && b.Currency != "" && !strings.EqualFold(b.Currency, params.Currency) {
		return nil, paykit.ValidationError("billing.currency", "billing.currency "+isoCurrency(b.Currency)+" differs from currency "+
			isoCurrency(params.Currency)+", the price's: leave it empty or make them equal")
	}
	if opts.OffSession || opts.PaymentMethodID != "" {
		return p.chargeOffSession(ctx, params, product, opts)
	}
	body, err := newCheckout(params.Customer, product, params.Metadata, params.Billing)
	if err != nil {
		return nil, err
	}
	cur := currency(params.Currency)
	body.Currency = &cur
	body.Prices = map[string][]price{product: {{AmountType: "fixed", PriceAmount: params.Amount, PriceCurrency: cur}}}
	body.SuccessURL = optional(opts.SuccessURL)
	return get(ctx, p, call{method: http.MethodPost, path: checkoutsPath, body: body, fields: orderFields}, paymentFromCheckout)
}

// chargeOffSession creates a draft order and finalizes it. Neither write
// is repeated; if finalizing fails the draft order stays, and the error
// carries a DraftOrderError naming it.
func (p *provider) chargeOffSession(ctx context.Context, params *paykit.CreatePaymentParams, product string, opts *PaymentOptions) (*paykit.Payment, error) {
	if params.Customer.ID == "" {
		return nil, paykit.ValidationError("customer", "an off-session charge needs a Polar customer id, not an email")
	}
	if err := checkID("customer", params.Customer.ID); err != nil {
		return nil, err
	}
	if opts.PaymentMethodID != "" {
		if err := checkID("provider_metadata", opts.PaymentMethodID); err != nil {
			return nil, err
		}
	}
	body := orderCreate{CustomerID: params.Customer.ID, ProductID: product, Currency: currency(params.Currency), Amount: params.Amount,
		Metadata: cleanMetadata(params.Metadata), Description: optional(opts.Description)}
	var draft wireOrder
	if err := p.do(ctx, call{method: http.MethodPost, path: ordersPath, body: body, fields: orderFields}, &draft); err != nil {
		return nil, err
	}
	fin := orderFinalize{PaymentMethodID: optional(opts.PaymentMethodID)}
	pay, err := get(ctx, p, call{method: http.MethodPost, path: ordersPath + draft.ID + "/finalize", body: fin, fields: orderFields}, paymentFromOrder)
	if err != nil {
		return nil, finalizeError(err, draft.ID)
	}
	return pay, nil
}

// DraftOrderError is in the chain of the error of an off-session
// Payments.Create that created its draft order but could not finalize it
// (charge it); reach it with errors.As. Unless NotCharged, look the order
// up (Payments.Retrieve of OrderID) before charging again: it may have
// been paid.
type DraftOrderError struct {
	// OrderID is the id of the draft order.
	OrderID string
	// NotCharged is true when Polar refused the finalization with an
	// answer that proves nothing was charged: a 4xx other than 408, 409,
	// 412 (the order is no longer a draft) and 429. The order stays a
	// draft. False when the charge may have been made: no answer (dropped
	// connection, timeout, cancellation), a 5xx, or an answer that could
	// not be read.
	NotCharged bool
	// Err is the underlying error of the finalization, if any (a network
	// or context error).
	Err error
}

// Error says whether the draft order may have been charged.
func (e *DraftOrderError) Error() string {
	if e.NotCharged {
		return "draft order " + e.OrderID + " was created and not charged"
	}
	return "check draft order " + e.OrderID + " before retrying: it may have been charged"
}

// Unwrap returns the underlying error.
func (e *DraftOrderError) Unwrap() error { return e.Err }

// finalizeError adds to the error of a failed finalization a
// DraftOrderError naming the draft order; when the charge may have been
// made, the error is not Retryable.
func finalizeError(err error, orderID string) error {
	pe, ok := paykit.AsError(err)
	if !ok {
		pe = &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: err.Error(), Err: err}
	}
	de := &DraftOrderError{OrderID: orderID, NotCharged: refusedOutright(pe.StatusCode), Err: pe.Err}
	cp := *pe
	cp.Err = de
	cp.Message += " (" + de.Error() + ")"
	if !de.NotCharged {
		cp.Retryable = false
	}
	return &cp
}

// refusedOutright reports whether an answer with status proves that Polar
// did not apply the request: a client error, except those that can come
// after work was done or from something before Polar's application (408,
// 429), and the state conflicts that say another request changed the
// object (409, 412).
func refusedOutright(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusPreconditionFailed, http.StatusTooManyRequests:
		return false
	}
	return status >= 400 && status < 500
}

// RetrievePayment returns the order with id; failing that, the checkout
// with id that Payments.Create opened: the order it created once paid,
// or a payment in the checkout's state until then.
func (p *provider) RetrievePayment(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, paykit.NotFoundError("payment", id)
	}
	var raw json.RawMessage
	err := p.do(ctx, call{method: http.MethodGet, path: ordersPath + id}, &raw)
	if err == nil {
		return paymentFromOrder(raw)
	}
	if !errors.Is(err, paykit.ErrNotFound) {
		return nil, err
	}
	if err := p.do(ctx, call{method: http.MethodGet, path: checkoutsPath + id}, &raw); err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.NotFoundError("payment", id)
		}
		return nil, err
	}
	pay, err := paymentFromCheckout(raw)
	if err != nil || pay.Status != paykit.PaymentSucceeded {
		return pay, err
	}
	_, orderRaw, err := p.checkoutOrder(ctx, id)
	if err != nil || orderRaw == nil {
		return pay, err
	}
	return paymentFromOrder(orderRaw)
}

// ListPayments lists orders, optionally of one customer.
func (p *provider) ListPayments(ctx context.Context, params *paykit.ListPaymentsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	if params == nil {
		params = &paykit.ListPaymentsParams{}
	}
	return list(ctx, p, ordersPath, params.ListParams, map[string]string{"customer_id": params.CustomerID}, nil, paymentFromOrder)
}

// invoiceStatus maps an order's status to an invoice's
// (orderInvoiceStatuses); an unknown one is open.
func invoiceStatus(status string) paykit.InvoiceStatus {
	return lookup(orderInvoiceStatuses, status, paykit.InvoiceOpen)
}

func invoiceFromOrder(raw json.RawMessage) (*paykit.Invoice, error) {
	w, err := decode[wireOrder](raw)
	if err != nil {
		return nil, err
	}
	inv := &paykit.Invoice{
		ID:             w.ID,
		Customer:       paykit.CustomerID(w.CustomerID),
		SubscriptionID: deref(w.SubscriptionID),
		BillingMode:    paykit.BillingRecurring,
		Currency:       isoCurrency(w.Currency),
		Status:         invoiceStatus(w.Status),
		Metadata:       w.Metadata.strings(),
		PaymentID:      w.ID,
		CreatedAt:      utc(w.CreatedAt),
		Raw:            raw,
	}
	if w.BillingReason == "purchase" {
		inv.BillingMode = paykit.BillingOneTime
	}
	if paidOrder(w.Status) {
		inv.AmountPaid = w.charged()
		// Polar records no payment time, and modified_at moves with every
		// later change (a refund, a metadata update). PaidAt is the
		// order's creation, which does not: a checkout creates its order
		// once paid; a renewal paid after retries, or a draft order
		// finalized later, was paid after it.
		inv.PaidAt = utcPtr(&w.CreatedAt)
	}
	if w.ProductID != nil {
		inv.LineItems = []paykit.LineItem{{ID: *w.ProductID, Quantity: seatsOr1(w.Seats)}}
	}
	return inv, nil
}

// RetrieveInvoice returns the order with id as an invoice.
func (p *provider) RetrieveInvoice(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Invoice, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	path, err := idPath("invoice", ordersPath, id)
	if err != nil {
		return nil, err
	}
	return get(ctx, p, call{method: http.MethodGet, path: path}, invoiceFromOrder)
}

// ListInvoices lists orders as invoices, optionally of one customer or
// subscription.
func (p *provider) ListInvoices(ctx context.Context, params *paykit.ListInvoicesParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	if params == nil {
		params = &paykit.ListInvoicesParams{}
	}
	ids := map[string]string{"customer_id": params.CustomerID, "subscription_id": params.SubscriptionID}
	return list(ctx, p, ordersPath, params.ListParams, ids, nil, invoiceFromOrder)
}
