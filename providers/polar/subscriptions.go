package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paykit-go/paykit"
)

const (
	subscriptionsPath = "/v1/subscriptions/"
	productsPath      = "/v1/products/"
)

var subscriptionFields = map[string]string{
	"product_id":           "item_id",
	"customer_id":          "customer",
	"metadata":             "metadata",
	"seats":                "quantity",
	"cancel_at_period_end": "cancel_at_period_end",
}

// subscriptionStatus maps Polar's subscription status
// (subscriptionStatuses); an unknown one is pending, neither entitled nor
// ended.
func subscriptionStatus(s string) paykit.SubscriptionStatus {
	return lookup(subscriptionStatuses, s, paykit.SubscriptionPending)
}

// nativeStatuses are Polar's statuses of one unified status, for list
// filters: those subscriptionStatuses maps to it, sorted; nil for a status
// none maps to.
func nativeStatuses(s paykit.SubscriptionStatus) []string {
	var out []string
	for native, unified := range subscriptionStatuses {
		if unified == s {
			out = append(out, native)
		}
	}
	slices.Sort(out)
	return out
}

func subscriptionFrom(raw json.RawMessage) (*paykit.Subscription, error) {
	w, err := decode[wireSubscription](raw)
	if err != nil {
		return nil, err
	}
	return &paykit.Subscription{
		ID:                   w.ID,
		Customer:             paykit.CustomerID(w.CustomerID),
		Amount:               w.Amount,
		Currency:             isoCurrency(w.Currency),
		Status:               subscriptionStatus(w.Status),
		CurrentPeriodStart:   utc(w.CurrentPeriodStart),
		CurrentPeriodEnd:     utc(w.CurrentPeriodEnd),
		ItemID:               w.ProductID,
		Quantity:             seatsOr1(w.Seats),
		BillingInterval:      interval(w.RecurringInterval),
		BillingIntervalCount: w.RecurringIntervalCount,
		Metadata:             w.Metadata.strings(),
		CancelAtPeriodEnd:    w.CancelAtPeriodEnd,
		CanceledAt:           utcPtr(w.CanceledAt),
		CreatedAt:            utc(w.CreatedAt),
		Raw:                  raw,
	}, nil
}

type subscriptionCreate struct {
	ProductID  string   `json:"product_id"`
	CustomerID string   `json:"customer_id"`
	Metadata   metadata `json:"metadata,omitempty"`
}

// CreateSubscription subscribes a customer to a free recurring product
// (POST /v1/subscriptions/, which Polar allows for free products only). A
// paid product is refused with a VALIDATION_ERROR on "item_id" that names
// the route that works: Checkouts.Create with SessionType
// paykit.SessionRecurring. The product is read first (scope
// products:read) to tell.
func (p *provider) CreateSubscription(ctx context.Context, params *paykit.CreateSubscriptionParams, _ *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.ProviderMetadata != nil {
		return nil, paykit.ValidationError("provider_metadata", "polar takes no provider metadata for subscriptions")
	}
	if params.Quantity > 1 {
		return nil, paykit.ValidationError("quantity", "Polar creates subscriptions of one unit; use a seat-based checkout for more")
	}
	if err := checkID("item_id", params.ItemID); err != nil {
		return nil, err
	}
	customerID, err := p.customerIDOf(ctx, params.Customer)
	if err != nil {
		return nil, err
	}
	var prod wireProduct
	if err := p.do(ctx, call{method: http.MethodGet, path: productsPath + params.ItemID, fields: map[string]string{"id": "item_id"}}, &prod); err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.ValidationError("item_id", "no Polar product "+params.ItemID)
		}
		return nil, err
	}
	if err := checkFreeRecurring(&prod, params); err != nil {
		return nil, err
	}
	body := subscriptionCreate{ProductID: params.ItemID, CustomerID: customerID, Metadata: cleanMetadata(params.Metadata)}
	return get(ctx, p, call{method: http.MethodPost, path: subscriptionsPath, body: body, fields: subscriptionFields}, subscriptionFrom)
}

// checkFreeRecurring refuses a product Polar cannot subscribe to through
// the API, and inline price details that disagree with it.
func checkFreeRecurring(prod *wireProduct, params *paykit.CreateSubscriptionParams) error {
	if !prod.IsRecurring {
		return paykit.ValidationError("item_id", "Polar product "+prod.ID+" is not recurring")
	}
	free, currency := true, ""
	for _, pr := range prod.Prices {
		if pr.IsArchived {
			continue
		}
		if pr.AmountType != "fixed" || pr.PriceAmount == nil || *pr.PriceAmount != 0 {
			free = false
		}
		currency = pr.PriceCurrency
	}
	if !free {
		return paykit.ValidationError("item_id", "Polar product "+prod.ID+" is paid, and Polar subscribes customers to paid products "+
			"through a checkout only: use Checkouts.Create with SessionType paykit.SessionRecurring")
	}
	if params.Amount != 0 {
		return paykit.ValidationError("amount", "Polar product "+prod.ID+" is free: amount must be 0")
	}
	if params.Currency != "" && currency != "" && !strings.EqualFold(params.Currency, currency) {
		return paykit.ValidationError("currency", "Polar product "+prod.ID+" is priced in "+isoCurrency(currency))
	}
	// params.BillingInterval is one unit: a product renewing every 3
	// months is not monthly.
	count := 1
	if prod.RecurringIntervalCount != nil && *prod.RecurringIntervalCount > 1 {
		count = *prod.RecurringIntervalCount
	}
	if !params.BillingInterval.IsZero() && (params.BillingInterval != interval(deref(prod.RecurringInterval)) || count != 1) {
		return paykit.ValidationError("billing_interval", "Polar product "+prod.ID+" renews every "+every(count, deref(prod.RecurringInterval)))
	}
	return nil
}

// every names count intervals of unit: "month", "3 months".
func every(count int, unit string) string {
	if count == 1 {
		return unit
	}
	return strconv.Itoa(count) + " " + unit + "s"
}

// customerIDOf returns the Polar customer of a payee: its id, or the
// customer with its email.
func (p *provider) customerIDOf(ctx context.Context, payee paykit.Payee) (string, error) {
	if payee.ID != "" {
		return payee.ID, checkID("customer", payee.ID)
	}
	var res listPage
	q := url.Values{"email": {payee.Email}, "limit": {"1"}}
	if err := p.do(ctx, call{method: http.MethodGet, path: customersPath, query: q}, &res); err != nil {
		return "", err
	}
	if len(res.Items) == 0 {
		return "", paykit.ValidationError("customer.email", "Polar has no customer with this email: create one first")
	}
	w, err := decode[wireCustomer](res.Items[0])
	if err != nil {
		return "", err
	}
	return w.ID, nil
}

// RetrieveSubscription returns a subscription.
func (p *provider) RetrieveSubscription(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	path, err := idPath("subscription", subscriptionsPath, id)
	if err != nil {
		return nil, err
	}
	return get(ctx, p, call{method: http.MethodGet, path: path}, subscriptionFrom)
}

// UpdateSubscription changes a subscription. Polar takes one kind of
// change per request, so up to three are sent, in this order: metadata
// (merged into the current, read first) and product; seats (Quantity);
// cancellation at period end. If one fails, the error says which were
// applied.
func (p *provider) UpdateSubscription(ctx context.Context, id string, params *paykit.UpdateSubscriptionParams, _ *paykit.RequestOptions) (*paykit.Subscription, error) {
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
		return nil, paykit.ValidationError("provider_metadata", "polar takes no provider metadata for subscriptions")
	}
	path, err := idPath("subscription", subscriptionsPath, id)
	if err != nil {
		return nil, err
	}
	if params.ItemID != "" {
		if err := checkID("item_id", params.ItemID); err != nil {
			return nil, err
		}
	}
	var patches []map[string]any
	var names []string
	if params.Metadata != nil || params.ItemID != "" {
		base := map[string]any{}
		if params.Metadata != nil {
			var cur wireSubscription
			if err := p.do(ctx, call{method: http.MethodGet, path: path}, &cur); err != nil {
				return nil, err
			}
			base["metadata"] = cur.Metadata.merge(params.Metadata)
		}
		if params.ItemID != "" {
			base["product_id"] = params.ItemID
		}
		patches, names = append(patches, base), append(names, "metadata/item_id")
	}
	if params.Quantity != nil {
		patches, names = append(patches, map[string]any{"seats": *params.Quantity}), append(names, "quantity")
	}
	if params.CancelAtPeriodEnd != nil {
		patches, names = append(patches, map[string]any{"cancel_at_period_end": *params.CancelAtPeriodEnd}), append(names, "cancel_at_period_end")
	}
	if len(patches) == 0 {
		return get(ctx, p, call{method: http.MethodGet, path: path}, subscriptionFrom)
	}
	var sub *paykit.Subscription
	for i, body := range patches {
		sub, err = get(ctx, p, call{method: http.MethodPatch, path: path, body: body, fields: subscriptionFields}, subscriptionFrom)
		if err != nil {
			if i > 0 {
				return nil, partialUpdate(err, names[:i])
			}
			return nil, err
		}
	}
	return sub, nil
}

// partialUpdate notes in err which changes were applied before it.
func partialUpdate(err error, applied []string) error {
	pe, ok := paykit.AsError(err)
	if !ok {
		return err
	}
	cp := *pe
	cp.Message += " (already applied: " + strings.Join(applied, ", ") + ")"
	return &cp
}

// CancelSubscription revokes a subscription at once and returns it,
// canceled. To cancel at the end of the period, Update with
// CancelAtPeriodEnd.
func (p *provider) CancelSubscription(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	path, err := idPath("subscription", subscriptionsPath, id)
	if err != nil {
		return nil, err
	}
	return get(ctx, p, call{method: http.MethodDelete, path: path}, subscriptionFrom)
}

// DeleteSubscription revokes a subscription at once, like Cancel.
func (p *provider) DeleteSubscription(ctx context.Context, id string, opts *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return err
	}
	_, err := p.CancelSubscription(ctx, id, opts)
	return err
}

// ListSubscriptions lists subscriptions, optionally of one customer and in
// one unified status.
func (p *provider) ListSubscriptions(ctx context.Context, params *paykit.ListSubscriptionsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	if params == nil {
		params = &paykit.ListSubscriptionsParams{}
	}
	filters := url.Values{}
	if params.Status != "" {
		statuses := nativeStatuses(params.Status)
		if statuses == nil {
			return nil, paykit.ValidationError("status", "unknown subscription status "+string(params.Status))
		}
		filters["status"] = statuses
	}
	return list(ctx, p, subscriptionsPath, params.ListParams, map[string]string{"customer_id": params.CustomerID}, filters, subscriptionFrom)
}
