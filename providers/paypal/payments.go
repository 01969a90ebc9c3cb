package paypal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// paymentOps are the payments operations PayPal supports. PayPal has no
// list of orders (payments.list), and an order cannot be deleted.
var paymentOps = []paykit.Op{
	paykit.OpPaymentsCreate, paykit.OpPaymentsRetrieve, paykit.OpPaymentsUpdate,
	paykit.OpPaymentsCapture, paykit.OpPaymentsCancel,
}

const (
	ordersPath         = "/v2/checkout/orders"
	authorizationsPath = "/v2/payments/authorizations/"
	capturesPath       = "/v2/payments/captures/"
	refundsPath        = "/v2/payments/refunds/"
)

// PaymentOptions are PayPal-only settings of a payment. Pass one (or a
// pointer to one) as CreatePaymentParams.ProviderMetadata.
type PaymentOptions struct {
	// SuccessURL and CancelURL are where PayPal sends the payer after
	// approving or cancelling; WithReturnURLs's when empty.
	SuccessURL, CancelURL string
	// BrandName is the business name PayPal shows the payer.
	BrandName string
}

// readyFor is ready for a call on id, which must be set.
func (p *provider) readyFor(ctx context.Context, id string) error {
	if err := paykit.RequireID(id); err != nil {
		return err
	}
	return p.ready(ctx)
}

// ready fails when ctx is done or the provider is misconfigured. Every
// method calls it after checking its arguments.
func (p *provider) ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return paykit.ContextError(err)
	}
	return p.cfgErr
}

// writeKey is the idempotency key of a call: the call's, or one of the
// provider's own for a direct call that brings none (providerkit.
// IdempotencyKey), so that its retries are as safe. A call that makes
// several writes sends each the key with a suffix of its own
// ("-authorize", "-capture", "-void"), so that a repeat of the call with
// the same key repeats each at most once.
type writeKey struct {
	base, suffix string
	generated    bool
}

func keyOf(opts *paykit.RequestOptions) writeKey {
	k, generated := providerkit.IdempotencyKey(opts)
	return writeKey{base: k, generated: generated}
}

// with returns the key of the call's write named suffix.
func (k writeKey) with(suffix string) writeKey { return writeKey{k.base, suffix, k.generated} }

// preferFull asks PayPal for the whole object in a write's answer.
var preferFull = http.Header{"Prefer": {"return=representation"}}

// write sends one write with key as PayPal-Request-Id, asking for the
// whole object back, and decodes the answer into out.
func (p *provider) write(ctx context.Context, method, path string, body any, key writeKey, out any) (*providerkit.Response, error) {
	return p.send(ctx, &providerkit.Request{Method: method, Path: path, JSON: body, Header: preferFull}, key, out)
}

// maxRequestID is the longest PayPal-Request-Id PayPal takes: the
// orders document's maxLength (checkout_orders_v2.json); the payments and
// billing documents name no limit, and paykit holds them to the same.
const maxRequestID = 108

// header is the PayPal-Request-Id of key: the key and its suffix, or,
// when that is longer than PayPal takes (paykit accepts keys of 255
// characters, and a suffix lengthens one), "pk-" and 64 hex digits of its
// SHA-256. The same key always gives the same header, so a retry or a
// repeat of the call is still replayed.
func (k writeKey) header() string {
	h := k.base + k.suffix
	if len(h) <= maxRequestID {
		return h
	}
	sum := sha256.Sum256([]byte(h))
	return "pk-" + hex.EncodeToString(sum[:])
}

// send sends the write req with key as PayPal-Request-Id (header). The
// error of a write whose outcome is unknown names the call's key, the one
// to repeat the call with.
func (p *provider) send(ctx context.Context, req *providerkit.Request, key writeKey, out any) (*providerkit.Response, error) {
	req.IdempotencyKey, req.GeneratedKey = key.header(), key.generated
	res, err := p.api.Do(ctx, req, out)
	if pe, ok := err.(*paykit.Error); ok && pe.IdempotencyKey != "" {
		pe.IdempotencyKey = key.base
	}
	return res, err
}

// validOrderID reports whether id can be a PayPal order id (upper-case
// letters and digits, at most 36): any other names no order, and is
// answered ErrNotFound without a request.
func validOrderID(id string) bool {
	if len(id) == 0 || len(id) > 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// order fetches an order and its raw JSON; what names the resource in a
// not-found error.
func (p *provider) order(ctx context.Context, id, what string) (*wireOrder, json.RawMessage, error) {
	if !validOrderID(id) {
		return nil, nil, paykit.NotFoundError(what, id)
	}
	var raw json.RawMessage
	if _, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodGet, Path: ordersPath + "/" + id}, &raw); err != nil {
		return nil, nil, err
	}
	o, err := decodeOrder(raw)
	return o, raw, err
}

func decodeOrder(raw json.RawMessage) (*wireOrder, error) {
	var o wireOrder
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "cannot decode PayPal's order: " + err.Error(), Err: err}
	}
	if len(o.PurchaseUnits) == 0 {
		return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "PayPal's order " + o.ID + " has no purchase unit"}
	}
	return &o, nil
}

// newOrder is what a checkout or a payment asks PayPal for: one purchase
// unit of amount (minor units of currency), with the item when one is
// named.
type newOrder struct {
	intent     string
	unit       int64
	quantity   int64
	currency   string
	itemID     string
	itemName   string
	data       customData
	successURL string
	cancelURL  string
	brandName  string
	shipping   string
	userAction string
}

// createOrder sends orders.create and returns the order as answered.
func (p *provider) createOrder(ctx context.Context, n newOrder, key writeKey) (*wireOrder, json.RawMessage, error) {
	total, ok := mulExact(n.unit, n.quantity)
	if !ok {
		return nil, nil, paykit.ValidationError("quantity", "the amount times quantity does not fit in int64")
	}
	amt, err := toMoney(total, n.currency)
	if err != nil {
		return nil, nil, err
	}
	customID, err := encodeCustomID(n.data)
	if err != nil {
		return nil, nil, err
	}
	pu := purchaseUnitRequest{ReferenceID: "default", Amount: amount{money: amt}, CustomID: customID}
	if n.itemID != "" {
		unit, err := toMoney(n.unit, n.currency)
		if err != nil {
			return nil, nil, err
		}
		name := n.itemName
		if name == "" {
			name = n.itemID
		}
		if len(name) > 127 || len(n.itemID) > 127 {
			return nil, nil, paykit.ValidationError("item_id", "PayPal takes item names and ids of at most 127 characters")
		}
		pu.Amount.Breakdown = &breakdown{ItemTotal: amt}
		pu.Items = []wireItem{{Name: name, UnitAmount: unit, Quantity: strconv.FormatInt(n.quantity, 10), SKU: n.itemID}}
	}
	body := orderCreate{Intent: n.intent, PurchaseUnits: []purchaseUnitRequest{pu}}
	if n.successURL != "" || n.cancelURL != "" || n.brandName != "" || n.shipping != "" {
		body.PaymentSource = &paymentSource{PayPal: &paypalWallet{ExperienceContext: &experienceContext{
			BrandName: n.brandName, ShippingPreference: n.shipping, UserAction: n.userAction,
			ReturnURL: n.successURL, CancelURL: n.cancelURL,
		}}}
	}
	var raw json.RawMessage
	if _, err := p.write(ctx, http.MethodPost, ordersPath, body, key, &raw); err != nil {
		return nil, nil, err
	}
	o, err := decodeOrder(raw)
	return o, raw, err
}

func mulExact(a, b int64) (int64, bool) {
	if b <= 0 {
		b = 1
	}
	c := a * b
	return c, a == 0 || (c/b == a && c >= 0)
}

// patchMetadata merges update into the order's metadata (a key set to ""
// is removed) with orders.patch on custom_id, and returns the order read
// again (orders.patch answers nothing).
func (p *provider) patchMetadata(ctx context.Context, id, what string, update map[string]string) (*wireOrder, json.RawMessage, error) {
	if err := providerkit.RefuseReserved(update); err != nil {
		return nil, nil, err
	}
	o, raw, err := p.order(ctx, id, what)
	if err != nil || len(update) == 0 {
		return o, raw, err
	}
	pu := o.PurchaseUnits[0]
	data := decodeCustomID(pu.CustomID)
	data.Metadata = providerkit.MergeMetadata(data.Metadata, update)
	if len(data.Metadata) == 0 {
		data.Metadata = nil
	}
	customID, err := encodeCustomID(data)
	if err != nil {
		return nil, nil, err
	}
	ref := pu.ReferenceID
	if ref == "" {
		ref = "default"
	}
	path := "/purchase_units/@reference_id=='" + ref + "'/custom_id"
	op := patchOp{Op: "replace", Path: path, Value: customID}
	switch {
	case customID == "" && pu.CustomID == "":
		return o, raw, nil
	case customID == "":
		op = patchOp{Op: "remove", Path: path}
	case pu.CustomID == "":
		op.Op = "add"
	}
	// A PATCH sets a value: repeating it changes nothing more, so it is
	// safe to retry without a key (orders.patch takes none).
	if _, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodPatch, Path: ordersPath + "/" + id, JSON: []patchOp{op}}, nil); err != nil {
		return nil, nil, err
	}
	return p.order(ctx, id, what)
}

// paymentFrom maps an order to its payment: the payment id is the order
// id, the status that of the order's last capture, else of its last
// authorization, else of the order (wire.go's tables).
func paymentFrom(o *wireOrder, raw json.RawMessage) (*paykit.Payment, error) {
	pu := o.PurchaseUnits[0]
	amt, cur, err := fromMoney(pu.Amount)
	if err != nil {
		return nil, err
	}
	data := decodeCustomID(pu.CustomID)
	pay := &paykit.Payment{
		ID: o.ID, Amount: amt, Currency: cur, Customer: orderPayee(o, data),
		Metadata: data.Metadata, CaptureMethod: paykit.CaptureAutomatic,
		CreatedAt: o.CreateTime, Raw: raw,
	}
	if o.Intent == "AUTHORIZE" {
		pay.CaptureMethod = paykit.CaptureManual
	}
	if len(pu.Items) > 0 {
		pay.ItemID = pu.Items[0].SKU
	}
	pay.Status = lookup(orderPaymentStatuses, o.Status, paykit.PaymentPending)
	if c := pu.Payments; c != nil {
		for i := range c.Captures {
			if s, _ := captureOutcome(&c.Captures[i]); s == paykit.PaymentSucceeded {
				n, _, err := fromMoney(c.Captures[i].Amount)
				if err != nil {
					return nil, err
				}
				pay.AmountCaptured += n
			}
		}
		for _, r := range c.Refunds {
			if r.Status == "COMPLETED" {
				n, _, err := fromMoney(r.Amount)
				if err != nil {
					return nil, err
				}
				pay.AmountRefunded += n
			}
		}
		switch {
		case len(c.Captures) > 0:
			pay.Status, pay.FailureCode = captureOutcome(&c.Captures[len(c.Captures)-1])
		case len(c.Authorizations) > 0:
			pay.Status, pay.FailureCode = authorizationOutcome(&c.Authorizations[len(c.Authorizations)-1])
		}
	}
	// The payer acts at the approve link: on a CREATED order (pending)
	// and on one that requires the payer's action.
	if pay.Status == paykit.PaymentRequiresAction || pay.Status == paykit.PaymentPending && o.Status == "CREATED" {
		pay.RequiresAction = true
		pay.PaymentURL = approveURL(o)
	}
	return pay, nil
}

// orderPayee is the payee of an order: the customer or email paykit kept
// in its custom_id, else the payer PayPal names once the order is
// approved (payment_source.paypal, or payer in events).
func orderPayee(o *wireOrder, d customData) paykit.Payee {
	switch {
	case d.Customer != "" || d.Email != "":
		return paykit.Payee{ID: d.Customer, Email: d.Email}
	case o.PaymentSource != nil && o.PaymentSource.PayPal != nil && o.PaymentSource.PayPal.EmailAddress != "":
		return paykit.CustomerEmail(o.PaymentSource.PayPal.EmailAddress)
	case o.Payer != nil && o.Payer.EmailAddress != "":
		return paykit.CustomerEmail(o.Payer.EmailAddress)
	}
	return paykit.Payee{}
}

// captureOutcome is the payment status a capture gives its payment
// (capturePaymentStatuses) and, when it failed, the failure code:
// PayPal's reason, else the capture's status.
func captureOutcome(c *wireCapture) (paykit.PaymentStatus, string) {
	s := lookup(capturePaymentStatuses, c.Status, paykit.PaymentProcessing)
	if s != paykit.PaymentFailed {
		return s, ""
	}
	if c.StatusDetails != nil && c.StatusDetails.Reason != "" {
		return s, c.StatusDetails.Reason
	}
	return s, c.Status
}

// authorizationOutcome is the payment status an authorization gives its
// payment (authorizationPaymentStatuses) and, when it failed, the
// failure code: the authorization's status.
func authorizationOutcome(a *wireAuthorization) (paykit.PaymentStatus, string) {
	s := lookup(authorizationPaymentStatuses, a.Status, paykit.PaymentProcessing)
	if s == paykit.PaymentFailed {
		return s, a.Status
	}
	return s, ""
}

// linkedPayment is the payment a capture or an authorization belongs to,
// as far as it tells without its order: the id is the order's
// (supplementary_data.related_ids.order_id; empty when PayPal names
// none), Amount its own, the customer and metadata those of the custom_id
// PayPal copied from the order. CreatedAt, ItemID and AmountRefunded are
// the order's, which it does not carry: RetrievePayment has them.
func linkedPayment(amount *money, customID string, sd *supplementaryData, raw json.RawMessage) (*paykit.Payment, error) {
	amt, cur, err := fromMoney(amount)
	if err != nil {
		return nil, err
	}
	data := decodeCustomID(customID)
	pay := &paykit.Payment{Amount: amt, Currency: cur, Customer: paykit.Payee{ID: data.Customer, Email: data.Email},
		Metadata: data.Metadata, CaptureMethod: paykit.CaptureAutomatic, Raw: raw}
	if sd != nil {
		pay.ID = sd.RelatedIDs.OrderID
	}
	return pay, nil
}

// paymentFromCapture maps a capture to its payment (linkedPayment), with
// the capture's status and failure code (captureOutcome); once it
// succeeded, AmountCaptured is its amount. A capture of an authorization
// (supplementary_data.related_ids.authorization_id) is of a manual
// payment.
func paymentFromCapture(c *wireCapture, raw json.RawMessage) (*paykit.Payment, error) {
	pay, err := linkedPayment(c.Amount, c.CustomID, c.SupplementaryData, raw)
	if err != nil {
		return nil, err
	}
	if c.SupplementaryData != nil && c.SupplementaryData.RelatedIDs.AuthorizationID != "" {
		pay.CaptureMethod = paykit.CaptureManual
	}
	pay.Status, pay.FailureCode = captureOutcome(c)
	if pay.Status == paykit.PaymentSucceeded {
		pay.AmountCaptured = pay.Amount
	}
	return pay, nil
}

// paymentFromAuthorization maps an authorization to its payment
// (linkedPayment), a manual one, with the authorization's status and
// failure code (authorizationOutcome).
func paymentFromAuthorization(a *wireAuthorization, raw json.RawMessage) (*paykit.Payment, error) {
	pay, err := linkedPayment(a.Amount, a.CustomID, a.SupplementaryData, raw)
	if err != nil {
		return nil, err
	}
	pay.CaptureMethod = paykit.CaptureManual
	pay.Status, pay.FailureCode = authorizationOutcome(a)
	return pay, nil
}

// approveURL is where the payer approves the order: the payer-action
// link (orders with an experience context), else the approve link.
func approveURL(o *wireOrder) string { return linkOf(o.Links, "payer-action", "approve") }

// CreatePayment creates an order of Amount with intent CAPTURE, or
// AUTHORIZE for CaptureManual. The payer approves it at PaymentURL
// (status requires_action); Capture then takes the money.
func (p *provider) CreatePayment(ctx context.Context, params *paykit.CreatePaymentParams, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	po, err := providerkit.OptionsOf[PaymentOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if err := providerkit.RefuseReserved(params.Metadata); err != nil {
		return nil, err
	}
	if params.Amount <= 0 {
		return nil, paykit.ValidationError("amount", "PayPal takes positive amounts only")
	}
	data, err := p.payeeData(ctx, params.Customer)
	if err != nil {
		return nil, err
	}
	data.Metadata = providerkit.CloneMetadata(params.Metadata)
	n := newOrder{intent: "CAPTURE", unit: params.Amount, quantity: 1, currency: params.Currency, data: data,
		successURL: first(po.SuccessURL, p.successURL), cancelURL: first(po.CancelURL, p.cancelURL), brandName: po.BrandName}
	if params.CaptureMethod == paykit.CaptureManual {
		n.intent = "AUTHORIZE"
	}
	if params.ItemID != "" {
		n.itemID = params.ItemID
		if it, ok := p.items[params.ItemID]; ok {
			n.itemName = it.Name
		}
	}
	o, raw, err := p.createOrder(ctx, n, keyOf(opts))
	if err != nil {
		return nil, err
	}
	return paymentFrom(o, raw)
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// retrieveOrder is the order of a retrieve: id checked, then read.
func (p *provider) retrieveOrder(ctx context.Context, id, what string) (*wireOrder, json.RawMessage, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, nil, err
	}
	return p.order(ctx, id, what)
}

// updateOrder is the order of a metadata update: arguments checked (no
// params are a VALIDATION_ERROR, ProviderMetadata is refused), then
// patched (patchMetadata).
func (p *provider) updateOrder(ctx context.Context, id, what string, noParams bool, providerMetadata any, metadata map[string]string) (*wireOrder, json.RawMessage, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, nil, err
	}
	if noParams {
		return nil, nil, paykit.ValidationError("params", "params are required")
	}
	if err := p.ready(ctx); err != nil {
		return nil, nil, err
	}
	if providerMetadata != nil {
		return nil, nil, paykit.ValidationError("provider_metadata", "paypal takes no provider metadata on a "+what+" update")
	}
	return p.patchMetadata(ctx, id, what, metadata)
}

// RetrievePayment returns the payment of order id.
func (p *provider) RetrievePayment(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Payment, error) {
	o, raw, err := p.retrieveOrder(ctx, id, "payment")
	if err != nil {
		return nil, err
	}
	return paymentFrom(o, raw)
}

// UpdatePayment merges metadata into the order's custom_id (orders.patch:
// CREATED and APPROVED orders only; PayPal refuses a completed one).
func (p *provider) UpdatePayment(ctx context.Context, id string, params *paykit.UpdatePaymentParams, _ *paykit.RequestOptions) (*paykit.Payment, error) {
	var pm any
	var md map[string]string
	if params != nil {
		pm, md = params.ProviderMetadata, params.Metadata
	}
	o, raw, err := p.updateOrder(ctx, id, "payment", params == nil, pm, md)
	if err != nil {
		return nil, err
	}
	return paymentFrom(o, raw)
}

// openAuthorization returns the order's authorization that can still be
// captured or voided, or "".
func openAuthorization(o *wireOrder) string {
	if c := o.PurchaseUnits[0].Payments; c != nil {
		for i := len(c.Authorizations) - 1; i >= 0; i-- {
			if a := c.Authorizations[i]; a.Status == "CREATED" || a.Status == "PENDING" {
				return a.ID
			}
		}
	}
	return ""
}

// authorize authorizes an approved AUTHORIZE order and returns the
// authorization's id.
func (p *provider) authorize(ctx context.Context, o *wireOrder, key writeKey) (string, error) {
	var got wireOrder
	if _, err := p.write(ctx, http.MethodPost, ordersPath+"/"+o.ID+"/authorize", struct{}{}, key, &got); err != nil {
		return "", err
	}
	if len(got.PurchaseUnits) > 0 {
		if id := openAuthorization(&got); id != "" {
			return id, nil
		}
	}
	return "", &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "PayPal authorized order " + o.ID + " but answered no open authorization"}
}

// CapturePayment takes the money of an approved order: a CAPTURE order
// is captured whole (orders.capture); an AUTHORIZE order is authorized
// when it is not yet, then its authorization captured for Amount (0 or
// nil params: all of it) as the final capture. The two writes of one
// call carry keys derived from the call's, so a retry repeats neither.
//
// A repeat of a capture with the caller's key finds the order captured
// already: it sends the capture again with the same PayPal-Request-Id,
// which PayPal answers with the first capture (orders.capture answers a
// replay 200 OK; authorizations.capture keeps its keys 45 days). A
// capture PayPal does not replay (another key, or one it no longer
// keeps) is refused by PayPal and answered ErrInvalidState.
func (p *provider) CapturePayment(ctx context.Context, id string, params *paykit.CapturePaymentParams, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	var want int64
	if params != nil {
		want = params.Amount
	}
	if want < 0 {
		// The Client refuses it first; a direct call must not send it.
		return nil, paykit.ValidationError("amount", "amount must not be negative")
	}
	o, _, err := p.retrieveOrder(ctx, id, "payment")
	if err != nil {
		return nil, err
	}
	key := keyOf(opts)
	pu := o.PurchaseUnits[0]
	total, _, err := fromMoney(pu.Amount)
	if err != nil {
		return nil, err
	}
	if want > total {
		return nil, paykit.ValidationError("amount", "cannot capture more than the payment's "+strconv.FormatInt(total, 10))
	}
	authID := openAuthorization(o)
	// A repeat by the caller's key may find its own capture done.
	repeat := !key.generated
	switch {
	case o.Intent == "CAPTURE" && (o.Status == "APPROVED" || repeat && o.Status == "COMPLETED"):
		if want != 0 && want != total {
			return nil, paykit.ValidationError("amount", "PayPal captures an automatic payment whole: create it with capture_method manual to capture part of it")
		}
		if _, err := p.write(ctx, http.MethodPost, ordersPath+"/"+id+"/capture", struct{}{}, key, nil); err != nil {
			return nil, notCapturable(o, err)
		}
	case o.Intent == "AUTHORIZE" && (authID != "" || o.Status == "APPROVED" || repeat && lastAuthorization(o) != ""):
		if authID == "" && o.Status == "APPROVED" {
			if authID, err = p.authorize(ctx, o, key.with("-authorize")); err != nil {
				return nil, err
			}
		}
		if authID == "" {
			authID = lastAuthorization(o)
		}
		body := captureRequest{FinalCapture: true}
		if want != 0 {
			m, err := toMoney(want, pu.Amount.CurrencyCode)
			if err != nil {
				return nil, err
			}
			body.Amount = &m
		}
		if _, err := p.write(ctx, http.MethodPost, authorizationsPath+url.PathEscape(authID)+"/capture", body, key.with("-capture"), nil); err != nil {
			return nil, notCapturable(o, err)
		}
	default:
		return nil, notCapturable(o, nil)
	}
	return p.RetrievePayment(ctx, id, nil)
}

// lastAuthorization is the id of the order's last authorization, whatever
// its status, or "".
func lastAuthorization(o *wireOrder) string {
	if c := o.PurchaseUnits[0].Payments; c != nil && len(c.Authorizations) > 0 {
		return c.Authorizations[len(c.Authorizations)-1].ID
	}
	return ""
}

// notCapturable is the error of a capture of order o that cannot be
// made: err, PayPal's refusal, when it is not ErrInvalidState; else
// ErrInvalidState saying what the payment is (wrapping err).
func notCapturable(o *wireOrder, err error) error {
	if err != nil && !errors.Is(err, paykit.ErrInvalidState) {
		return err
	}
	pay, perr := paymentFrom(o, nil)
	if perr != nil {
		return perr
	}
	return &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name, Err: err,
		Message: "payment " + o.ID + " is " + string(pay.Status) + " (PayPal order " + o.Status + "): only an approved order, or an open authorization, can be captured"}
}

// CancelPayment voids the order's open authorization; an approved
// AUTHORIZE order is authorized first, so that the payer's approval can
// no longer be used. PayPal cannot void an order itself: an order the
// payer has not approved, or an automatic (CAPTURE) one, cannot be
// canceled (ErrInvalidState); an unapproved order lapses on its own.
//
// authorizations.void takes no PayPal-Request-Id (the payments document
// lists none), so the void is sent without one, and the transport does
// not repeat it once PayPal may have had it. It is safe to repeat by
// itself: a void whose answer was lost, or one PayPal refuses as
// PREVIOUSLY_VOIDED (a repeat of the call), reads the order again and
// answers it when it is canceled.
func (p *provider) CancelPayment(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	o, _, err := p.retrieveOrder(ctx, id, "payment")
	if err != nil {
		return nil, err
	}
	key := keyOf(opts)
	authID := openAuthorization(o)
	if authID == "" && o.Intent == "AUTHORIZE" && o.Status == "APPROVED" {
		if authID, err = p.authorize(ctx, o, key.with("-authorize")); err != nil {
			return nil, err
		}
	}
	if authID == "" && o.Intent == "AUTHORIZE" && !key.generated {
		// A repeat of a cancel whose answer was lost: the void is done.
		if pay, err := paymentFrom(o, nil); err == nil && pay.Status == paykit.PaymentCanceled {
			return p.RetrievePayment(ctx, id, nil)
		}
	}
	if authID == "" {
		pay, err := paymentFrom(o, nil)
		if err != nil {
			return nil, err
		}
		return nil, &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name,
			Message: "payment " + id + " is " + string(pay.Status) + " (PayPal order " + o.Status + ", intent " + o.Intent +
				"): PayPal voids authorizations only, and cannot void an order"}
	}
	if _, err := p.write(ctx, http.MethodPost, authorizationsPath+url.PathEscape(authID)+"/void", nil, writeKey{}, nil); err != nil {
		return p.afterVoid(ctx, id, err)
	}
	return p.RetrievePayment(ctx, id, nil)
}

// afterVoid answers a void of payment id that failed with err: the
// payment, when reading it again shows it canceled (the void was applied
// and its answer lost, or PayPal refused a second void); else err. A void
// whose outcome is unknown is Retryable: repeating CancelPayment is safe,
// since a second void is refused and answered this way.
func (p *provider) afterVoid(ctx context.Context, id string, err error) (*paykit.Payment, error) {
	pe, ok := err.(*paykit.Error)
	if !ok || !(pe.OutcomeUnknown || voidedIssue(pe)) || ctx.Err() != nil {
		return nil, err
	}
	if pay, rerr := p.RetrievePayment(ctx, id, nil); rerr == nil && pay.Status == paykit.PaymentCanceled {
		return pay, nil
	}
	if pe.OutcomeUnknown {
		cp := *pe
		cp.Retryable = true
		return nil, &cp
	}
	return nil, err
}

// voidedIssue reports whether PayPal refused a write because the
// authorization is voided already.
func voidedIssue(pe *paykit.Error) bool {
	var api *APIError
	if !errors.As(pe, &api) || len(api.Details) == 0 {
		return false
	}
	issue := api.Details[0].Issue
	return issue == "PREVIOUSLY_VOIDED" || issue == "AUTHORIZATION_VOIDED"
}
