package polar

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

const checkoutsPath = "/v1/checkouts/"

// MaxSeats is the largest quantity (seats) Polar accepts on a checkout.
const MaxSeats = 10000

// CheckoutOptions are Polar-only settings of a checkout. Pass one (or a
// pointer to one) as CreateCheckoutParams.ProviderMetadata.
type CheckoutOptions struct {
	// DiscountID applies a Polar discount.
	DiscountID string
	// AllowDiscountCodes, when set, shows or hides the discount code field.
	AllowDiscountCodes *bool
	// RequireBillingAddress asks the payer for a full billing address.
	RequireBillingAddress bool
	// CustomerIPAddress helps Polar compute taxes and pick payment methods.
	CustomerIPAddress string
	// Locale of the checkout page, e.g. "fr".
	Locale string
	// EmbedOrigin is the origin of a page that embeds the checkout.
	EmbedOrigin string
}

var checkoutFields = map[string]string{
	"products":                 "item_id",
	"product_id":               "item_id",
	"customer_id":              "customer",
	"customer_email":           "customer.email",
	"seats":                    "quantity",
	"metadata":                 "metadata",
	"success_url":              "success_url",
	"return_url":               "cancel_url",
	"customer_billing_address": "billing.address.*",
	"customer_billing_name":    "billing.address.name",
	"currency":                 "billing.currency",
	"prices":                   "amount",
	"discount_id":              "provider_metadata",
	"customer_ip_address":      "provider_metadata",
	"locale":                   "provider_metadata",
	"embed_origin":             "provider_metadata",
}

type checkoutCreate struct {
	Products              []string           `json:"products"`
	Prices                map[string][]price `json:"prices,omitempty"`
	CustomerID            *string            `json:"customer_id,omitempty"`
	CustomerEmail         *string            `json:"customer_email,omitempty"`
	CustomerBillingName   *string            `json:"customer_billing_name,omitempty"`
	CustomerBilling       *address           `json:"customer_billing_address,omitempty"`
	Currency              *string            `json:"currency,omitempty"`
	Seats                 *int64             `json:"seats,omitempty"`
	Metadata              metadata           `json:"metadata,omitempty"`
	SuccessURL            *string            `json:"success_url,omitempty"`
	ReturnURL             *string            `json:"return_url,omitempty"`
	DiscountID            *string            `json:"discount_id,omitempty"`
	AllowDiscountCodes    *bool              `json:"allow_discount_codes,omitempty"`
	RequireBillingAddress bool               `json:"require_billing_address,omitempty"`
	CustomerIPAddress     *string            `json:"customer_ip_address,omitempty"`
	Locale                *string            `json:"locale,omitempty"`
	EmbedOrigin           *string            `json:"embed_origin,omitempty"`
}

// price is an ad-hoc fixed price of a checkout.
type price struct {
	AmountType    string `json:"amount_type"`
	PriceAmount   int64  `json:"price_amount"`
	PriceCurrency string `json:"price_currency"`
}

type checkoutUpdate struct {
	Metadata *metadata `json:"metadata,omitempty"`
}

// checkoutStatus maps Polar's checkout status (checkoutStatuses); an
// unknown one is open.
func checkoutStatus(s string) paykit.CheckoutStatus {
	return lookup(checkoutStatuses, s, paykit.CheckoutOpen)
}

func checkoutFrom(raw json.RawMessage) (*paykit.Checkout, error) {
	w, err := decode[wireCheckout](raw)
	if err != nil {
		return nil, err
	}
	return checkoutOf(w, raw), nil
}

func checkoutOf(w *wireCheckout, raw json.RawMessage) *paykit.Checkout {
	co := &paykit.Checkout{
		ID:          w.ID,
		PaymentURL:  w.URL,
		Metadata:    w.Metadata.strings(),
		SessionType: paykit.SessionOneTime,
		Currency:    isoCurrency(w.Currency),
		Amount:      w.TotalAmount,
		Status:      checkoutStatus(w.Status),
		SuccessURL:  w.SuccessURL,
		CancelURL:   deref(w.ReturnURL),
		CreatedAt:   utc(w.CreatedAt),
		ExpiresAt:   utcPtr(w.ExpiresAt),
		Raw:         raw,
	}
	switch {
	case w.CustomerID != nil:
		co.Customer = paykit.CustomerID(*w.CustomerID)
	case w.CustomerEmail != nil:
		co.Customer = paykit.CustomerEmail(*w.CustomerEmail)
	}
	if w.ProductID != nil {
		co.Products = []paykit.LineItem{{ID: *w.ProductID, Quantity: seatsOr1(w.Seats)}}
	}
	if w.Product != nil && w.Product.IsRecurring {
		co.SessionType = paykit.SessionRecurring
		sub := &paykit.CheckoutSubscription{BillingInterval: interval(deref(w.Product.RecurringInterval)), BillingIntervalCount: 1}
		if w.Product.RecurringIntervalCount != nil {
			sub.BillingIntervalCount = *w.Product.RecurringIntervalCount
		}
		co.Subscription = sub
	}
	co.SubscriptionID = deref(w.SubscriptionID)
	return co
}

func seatsOr1(seats *int64) int64 {
	if seats == nil || *seats < 1 {
		return 1
	}
	return *seats
}

// interval maps Polar's recurring interval (day, week, month, year), which
// are paykit's names too; anything else is the zero interval.
func interval(unit string) paykit.BillingInterval {
	b, _ := paykit.ParseInterval(unit)
	return b
}

// newCheckout builds the body shared by Checkouts.Create and
// Payments.Create.
func newCheckout(customer paykit.Payee, productID string, metadata map[string]string, billing *paykit.BillingInfo) (*checkoutCreate, error) {
	if err := checkID("item_id", productID); err != nil {
		return nil, err
	}
	body := &checkoutCreate{Products: []string{productID}, Metadata: cleanMetadata(metadata)}
	if customer.ID != "" {
		if err := checkID("customer", customer.ID); err != nil {
			return nil, err
		}
		body.CustomerID = &customer.ID
	} else {
		body.CustomerEmail = &customer.Email
	}
	if billing != nil {
		body.CustomerBilling = addressOf(billing)
		body.CustomerBillingName = optional(billing.Address.Name)
		if billing.Currency != "" {
			c := currency(billing.Currency)
			body.Currency = &c
		}
	}
	return body, nil
}

// CreateCheckout opens a checkout session for one product. Polar decides
// from the product whether it charges once or starts a subscription;
// quantities above 1 are sent as seats.
func (p *provider) CreateCheckout(ctx context.Context, params *paykit.CreateCheckoutParams, _ *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[CheckoutOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if params.Subscription != nil {
		return nil, paykit.ValidationError("subscription", "Polar takes the billing interval from the product: leave subscription empty")
	}
	if params.Quantity > MaxSeats {
		return nil, paykit.ValidationError("quantity", "Polar accepts at most 10000 seats")
	}
	body, err := newCheckout(params.Customer, params.ItemID, params.Metadata, params.Billing)
	if err != nil {
		return nil, err
	}
	if params.Quantity > 1 {
		body.Seats = &params.Quantity
	}
	body.SuccessURL = optional(params.SuccessURL)
	body.ReturnURL = optional(params.CancelURL)
	body.DiscountID = optional(opts.DiscountID)
	body.AllowDiscountCodes = opts.AllowDiscountCodes
	body.RequireBillingAddress = opts.RequireBillingAddress
	body.CustomerIPAddress = optional(opts.CustomerIPAddress)
	body.Locale = optional(opts.Locale)
	body.EmbedOrigin = optional(opts.EmbedOrigin)
	if body.DiscountID != nil {
		if err := checkID("provider_metadata", *body.DiscountID); err != nil {
			return nil, err
		}
	}
	return get(ctx, p, call{method: http.MethodPost, path: checkoutsPath, body: body, fields: checkoutFields}, checkoutFrom)
}

// RetrieveCheckout returns a checkout; a succeeded one names the order it
// created in PaymentID.
func (p *provider) RetrieveCheckout(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	path, err := idPath("checkout", checkoutsPath, id)
	if err != nil {
		return nil, err
	}
	co, err := get(ctx, p, call{method: http.MethodGet, path: path}, checkoutFrom)
	if err != nil {
		return nil, err
	}
	if co.Status == paykit.CheckoutComplete {
		order, _, err := p.checkoutOrder(ctx, co.ID)
		if err != nil {
			return nil, err
		}
		if order != nil {
			co.PaymentID = order.ID
		}
	}
	return co, nil
}

// checkoutOrder returns the order a checkout created, or nil.
func (p *provider) checkoutOrder(ctx context.Context, checkoutID string) (*wireOrder, json.RawMessage, error) {
	var res listPage
	q := url.Values{"checkout_id": {checkoutID}, "limit": {"1"}}
	if err := p.do(ctx, call{method: http.MethodGet, path: ordersPath, query: q}, &res); err != nil {
		return nil, nil, err
	}
	if len(res.Items) == 0 {
		return nil, nil, nil
	}
	w, err := decode[wireOrder](res.Items[0])
	return w, res.Items[0], err
}

// UpdateCheckout merges Metadata into an open checkout's metadata (a key
// set to "" is removed).
func (p *provider) UpdateCheckout(ctx context.Context, id string, params *paykit.UpdateCheckoutParams, _ *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.ProviderMetadata != nil {
		return nil, paykit.ValidationError("provider_metadata", "polar takes no provider metadata for checkout updates")
	}
	path, err := idPath("checkout", checkoutsPath, id)
	if err != nil {
		return nil, err
	}
	var body checkoutUpdate
	if params.Metadata != nil {
		var cur wireCheckout
		if err := p.do(ctx, call{method: http.MethodGet, path: path}, &cur); err != nil {
			return nil, err
		}
		meta := cur.Metadata.merge(params.Metadata)
		body.Metadata = &meta
	}
	return get(ctx, p, call{method: http.MethodPatch, path: path, body: body, fields: checkoutFields}, checkoutFrom)
}

// ListCheckouts lists checkouts, optionally of one customer.
func (p *provider) ListCheckouts(ctx context.Context, params *paykit.ListCheckoutsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	if params == nil {
		params = &paykit.ListCheckoutsParams{}
	}
	return list(ctx, p, checkoutsPath, params.ListParams, map[string]string{"customer_id": params.CustomerID}, nil, checkoutFrom)
}
