package paypal

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// checkoutOps are the checkouts operations PayPal supports. PayPal
// cannot void an order (checkouts.delete) and has no list of orders
// (checkouts.list).
var checkoutOps = []paykit.Op{paykit.OpCheckoutsCreate, paykit.OpCheckoutsRetrieve, paykit.OpCheckoutsUpdate}

// CheckoutOptions are PayPal-only settings of a checkout. Pass one (or a
// pointer to one) as CreateCheckoutParams.ProviderMetadata.
type CheckoutOptions struct {
	// Item is the price of ItemID for this checkout, for an item not
	// registered with WithItem (or to override it).
	Item *Item
	// BrandName is the business name PayPal shows the payer.
	BrandName string
	// ShippingPreference is PayPal's: GET_FROM_FILE (its default),
	// NO_SHIPPING or SET_PROVIDED_ADDRESS.
	ShippingPreference string
}

// item returns the price a checkout's ItemID names.
func (p *provider) item(id string, o *CheckoutOptions) (Item, error) {
	if o.Item != nil {
		if o.Item.Amount <= 0 {
			return Item{}, paykit.ValidationError("provider_metadata", "CheckoutOptions.Item needs a positive amount")
		}
		return *o.Item, nil
	}
	if it, ok := p.items[id]; ok {
		return it, nil
	}
	return Item{}, paykit.ValidationError("item_id", "PayPal has no prices: register item "+strconv.Quote(id)+
		" with paypal.WithItem, or give its price as paypal.CheckoutOptions{Item: ...}")
}

// CreateCheckout creates an order with intent CAPTURE for Quantity of the
// item, whose approve link is PaymentURL; a recurring checkout is a
// Billing subscription (subscriptions.go).
func (p *provider) CreateCheckout(ctx context.Context, params *paykit.CreateCheckoutParams, opts *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.SessionType == paykit.SessionRecurring {
		return p.createRecurringCheckout(ctx, params, opts)
	}
	co, err := providerkit.OptionsOf[CheckoutOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if err := providerkit.RefuseReserved(params.Metadata); err != nil {
		return nil, err
	}
	if params.ItemID == "" {
		return nil, paykit.ValidationError("item_id", "item_id is required")
	}
	it, err := p.item(params.ItemID, co)
	if err != nil {
		return nil, err
	}
	if params.Billing != nil && params.Billing.Currency != "" && !strings.EqualFold(params.Billing.Currency, it.Currency) {
		return nil, paykit.ValidationError("billing.currency", "the item is sold in "+it.Currency+", not "+params.Billing.Currency)
	}
	quantity := max(params.Quantity, 1)
	data, err := p.payeeData(ctx, params.Customer)
	if err != nil {
		return nil, err
	}
	data.Metadata = providerkit.CloneMetadata(params.Metadata)
	n := newOrder{intent: "CAPTURE", unit: it.Amount, quantity: quantity, currency: it.Currency,
		itemID: params.ItemID, itemName: it.Name, data: data,
		successURL: first(params.SuccessURL, p.successURL), cancelURL: first(params.CancelURL, p.cancelURL),
		brandName: co.BrandName, shipping: co.ShippingPreference, userAction: "PAY_NOW"}
	o, raw, err := p.createOrder(ctx, n, keyOf(opts))
	if err != nil {
		return nil, err
	}
	c, err := checkoutFrom(o, raw)
	if err != nil {
		return nil, err
	}
	c.SuccessURL, c.CancelURL = n.successURL, n.cancelURL
	return c, nil
}

// checkoutFrom maps an order to its checkout. PayPal does not answer the
// return and cancel URLs of an order: only the checkout Create returns
// has them.
func checkoutFrom(o *wireOrder, raw json.RawMessage) (*paykit.Checkout, error) {
	pu := o.PurchaseUnits[0]
	amt, cur, err := fromMoney(pu.Amount)
	if err != nil {
		return nil, err
	}
	data := decodeCustomID(pu.CustomID)
	c := &paykit.Checkout{
		ID: o.ID, Customer: orderPayee(o, data), PaymentURL: approveURL(o),
		Metadata: data.Metadata, SessionType: paykit.SessionOneTime, Currency: cur, Amount: amt,
		Status: lookup(checkoutStatuses, o.Status, paykit.CheckoutOpen), CreatedAt: o.CreateTime, Raw: raw,
	}
	for _, it := range pu.Items {
		q, _ := strconv.ParseInt(it.Quantity, 10, 64)
		c.Products = append(c.Products, paykit.LineItem{ID: it.SKU, Quantity: q})
	}
	if c.Status == paykit.CheckoutComplete {
		c.PaymentID = o.ID
		c.PaymentURL = ""
	}
	return c, nil
}

// RetrieveCheckout returns the checkout of order id, or the recurring
// checkout of subscription id (I-...).
func (p *provider) RetrieveCheckout(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Checkout, error) {
	if isSubscriptionID(id) {
		return p.retrieveRecurringCheckout(ctx, id)
	}
	o, raw, err := p.retrieveOrder(ctx, id, "checkout")
	if err != nil {
		return nil, err
	}
	return checkoutFrom(o, raw)
}

// UpdateCheckout merges metadata into the order's custom_id
// (orders.patch). A recurring checkout cannot change: PayPal patches no
// subscription awaiting its payer's approval.
func (p *provider) UpdateCheckout(ctx context.Context, id string, params *paykit.UpdateCheckoutParams, _ *paykit.RequestOptions) (*paykit.Checkout, error) {
	if isSubscriptionID(id) {
		if err := p.ready(ctx); err != nil {
			return nil, err
		}
		return nil, &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name, Param: "id",
			Message: "a recurring checkout is a PayPal subscription awaiting approval, which PayPal does not change"}
	}
	var pm any
	var md map[string]string
	if params != nil {
		pm, md = params.ProviderMetadata, params.Metadata
	}
	o, raw, err := p.updateOrder(ctx, id, "checkout", params == nil, pm, md)
	if err != nil {
		return nil, err
	}
	return checkoutFrom(o, raw)
}
