package stripe

import (
	"context"
	"maps"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// expandInvoicePayment makes Stripe return the first invoice's payment, so
// that a subscription waiting for its payer reports where to send them.
var expandInvoicePayment = []*string{stripeapi.String("latest_invoice.payment_intent")}

// CreateSubscription subscribes a customer (by id: Stripe subscriptions
// need a customer object) to a recurring price. With Amount, Currency and
// BillingInterval set, ItemID is a product and the price is given inline;
// the subscription is then reported under the product, kept in paykit's
// reserved metadata key, rather than the price Stripe makes of it.
//
// When a payment method is known (SubscriptionOptions.DefaultPaymentMethod,
// or the customer's default one, read first), the subscription is created
// with payment_behavior allow_incomplete: Stripe charges the first invoice
// at once, and the subscription is active, or pending with RequiresAction
// and a PaymentURL (3-D Secure page, or the hosted invoice after a
// decline). Without one, it is created default_incomplete: pending with
// RequiresAction until the payer pays the first invoice at its PaymentURL
// (Stripe lets it expire after 23 hours).
func (a *provider) CreateSubscription(ctx context.Context, params *paykit.CreateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[SubscriptionOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if params.Customer.ID == "" {
		return nil, paykit.ValidationError("customer", "Stripe subscriptions need a customer id: create the customer first")
	}
	item, err := subscriptionItem(params)
	if err != nil {
		return nil, err
	}
	md := params.Metadata
	if item.PriceData != nil {
		if md, err = metadataOut(params.Metadata, internal{ItemID: params.ItemID}); err != nil {
			return nil, err
		}
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	behavior := "allow_incomplete"
	if opts.DefaultPaymentMethod == "" {
		method, err := a.savedMethod(ctx, params.Customer.ID)
		if err != nil {
			return nil, err
		}
		if method == "" {
			behavior = "default_incomplete"
		}
	}
	p := &stripeapi.SubscriptionParams{
		Params:          base,
		Customer:        stripeapi.String(params.Customer.ID),
		Items:           []*stripeapi.SubscriptionItemsParams{item},
		Metadata:        md,
		PaymentBehavior: stripeapi.String(behavior),
		PaymentSettings: &stripeapi.SubscriptionPaymentSettingsParams{SaveDefaultPaymentMethod: stripeapi.String("on_subscription")},
		Expand:          expandInvoicePayment,
	}
	opts.apply(p)
	s, err := a.api.Subscriptions.New(p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireSubscription(s).subscriptionOut(), nil
}

func subscriptionItem(params *paykit.CreateSubscriptionParams) (*stripeapi.SubscriptionItemsParams, error) {
	qty := params.Quantity
	if qty == 0 {
		qty = 1
	}
	item := &stripeapi.SubscriptionItemsParams{Quantity: stripeapi.Int64(qty)}
	if params.Amount == 0 && params.Currency == "" && params.BillingInterval.IsZero() {
		if strings.HasPrefix(params.ItemID, "prod_") {
			return nil, paykit.ValidationError("item_id", "a Stripe product needs an inline price (Amount, Currency, BillingInterval); or pass one of its recurring prices (price_...)")
		}
		item.Price = stripeapi.String(params.ItemID)
		return item, nil
	}
	if params.Currency == "" {
		return nil, paykit.ValidationError("currency", "an inline price needs a currency")
	}
	unit, err := intervalIn("billing_interval", params.BillingInterval)
	if err != nil {
		return nil, err
	}
	amount, err := amountToStripe("amount", params.Amount, params.Currency)
	if err != nil {
		return nil, err
	}
	item.PriceData = &stripeapi.SubscriptionItemPriceDataParams{
		Product:    stripeapi.String(params.ItemID),
		Currency:   currencyIn(params.Currency),
		UnitAmount: stripeapi.Int64(amount),
		Recurring:  &stripeapi.SubscriptionItemPriceDataRecurringParams{Interval: unit},
	}
	return item, nil
}

// RetrieveSubscription returns the subscription.
func (a *provider) RetrieveSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	s, err := a.api.Subscriptions.Get(id, &stripeapi.SubscriptionParams{Params: base, Expand: expandInvoicePayment})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireSubscription(s).subscriptionOut(), nil
}

// UpdateSubscription changes metadata, the item and quantity of the
// subscription's first item, and CancelAtPeriodEnd: true schedules the end
// of the subscription with the current period, false withdraws that. The
// item is a price, or a product (prod_...), which is given an inline price
// of the current price's amount and interval, as CreateSubscription does.
func (a *provider) UpdateSubscription(ctx context.Context, id string, params *paykit.UpdateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[SubscriptionOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.SubscriptionParams{Params: base, Metadata: params.Metadata, CancelAtPeriodEnd: params.CancelAtPeriodEnd, Expand: expandInvoicePayment}
	if params.ItemID != "" || params.Quantity != nil {
		// Changing an item needs its id: read it first.
		cur, err := a.api.Subscriptions.Get(id, &stripeapi.SubscriptionParams{Params: stripeapi.Params{Context: ctx}})
		if err != nil {
			return nil, a.mapErr(err)
		}
		if cur.Items == nil || len(cur.Items.Data) == 0 {
			return nil, &paykit.Error{Code: paykit.CodeInvalidState, Param: "item_id", Message: "the subscription has no item to change"}
		}
		first := cur.Items.Data[0]
		item := &stripeapi.SubscriptionItemsParams{ID: stripeapi.String(first.ID), Quantity: params.Quantity}
		if params.ItemID != "" {
			if p.Metadata, err = moveItem(item, params.ItemID, first.Price, cur.Metadata, params.Metadata); err != nil {
				return nil, err
			}
		}
		p.Items = []*stripeapi.SubscriptionItemsParams{item}
	}
	opts.apply(p)
	s, err := a.api.Subscriptions.Update(id, p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireSubscription(s).subscriptionOut(), nil
}

func isProduct(id string) bool { return strings.HasPrefix(id, "prod_") }

// moveItem points item, whose price is now cur, at itemID: a price as it
// is, a product with an inline price of cur's amount and interval. had is
// the subscription's metadata; moveItem returns the metadata to send, the
// user's plus, for a product, the product kept, or for a price, the
// withdrawal of a product kept before.
func moveItem(item *stripeapi.SubscriptionItemsParams, itemID string, cur *stripeapi.Price, had, user map[string]string) (map[string]string, error) {
	_, kept := metadataIn(had)
	if !isProduct(itemID) {
		item.Price = stripeapi.String(itemID)
		if kept.ItemID == "" {
			return user, nil
		}
		out := maps.Clone(user)
		if out == nil {
			out = make(map[string]string, 1)
		}
		out[providerkit.ReservedKey] = "" // Stripe deletes a key set to ""
		return out, nil
	}
	if cur == nil || cur.Recurring == nil || cur.BillingScheme == stripeapi.PriceBillingSchemeTiered || cur.Recurring.UsageType == stripeapi.PriceRecurringUsageTypeMetered {
		return nil, paykit.ValidationError("item_id", "a product takes the current price's amount and interval, and the current price has no single unit amount: move to a price (price_...) instead")
	}
	price := &stripeapi.SubscriptionItemPriceDataParams{
		Product:   stripeapi.String(itemID),
		Currency:  stripeapi.String(string(cur.Currency)),
		Recurring: &stripeapi.SubscriptionItemPriceDataRecurringParams{Interval: stripeapi.String(string(cur.Recurring.Interval))},
	}
	if cur.Recurring.IntervalCount > 0 {
		price.Recurring.IntervalCount = stripeapi.Int64(cur.Recurring.IntervalCount)
	}
	if cur.UnitAmountDecimal != 0 && cur.UnitAmountDecimal != float64(cur.UnitAmount) {
		price.UnitAmountDecimal = stripeapi.Float64(cur.UnitAmountDecimal)
	} else {
		price.UnitAmount = stripeapi.Int64(cur.UnitAmount)
	}
	if cur.TaxBehavior != "" {
		price.TaxBehavior = stripeapi.String(string(cur.TaxBehavior))
	}
	item.PriceData = price
	kept.ItemID = itemID
	return metadataOut(user, kept)
}

// CancelSubscription cancels the subscription immediately. To cancel at the
// end of the period, Update with CancelAtPeriodEnd.
func (a *provider) CancelSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	s, err := a.api.Subscriptions.Cancel(id, &stripeapi.SubscriptionCancelParams{Params: base})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireSubscription(s).subscriptionOut(), nil
}

// DeleteSubscription cancels the subscription immediately: Stripe keeps
// canceled subscriptions.
func (a *provider) DeleteSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return err
	}
	_, err := a.CancelSubscription(ctx, id, ro)
	return err
}

// ListSubscriptions returns one page of subscriptions, canceled ones
// included. A Status filter is applied to the page Stripe returned, since
// paykit's statuses group several of Stripe's: a page may hold fewer items
// than the limit.
func (a *provider) ListSubscriptions(ctx context.Context, params *paykit.ListSubscriptionsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	if params == nil {
		params = &paykit.ListSubscriptionsParams{}
	}
	lp, err := a.listParams(ctx, params.ListParams)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.SubscriptionListParams{ListParams: lp, Status: stripeapi.String(stripeStatusFilter(params.Status))}
	if params.CustomerID != "" {
		p.Customer = stripeapi.String(params.CustomerID)
	}
	return page(a, a.api.Subscriptions.List(p).Iter, subscriptionID, func(s *stripeapi.Subscription) *paykit.Subscription {
		if params.Status != "" && subscriptionStatus(s.Status) != params.Status {
			return nil
		}
		return wireSubscription(s).subscriptionOut()
	})
}

// stripeStatusFilter is the status filter Stripe's list takes for a paykit
// status: Stripe's own where it maps to one paykit status alone
// (subscriptionStatuses), else "all", the provider then filtering each
// page (which may leave pages empty).
func stripeStatusFilter(s paykit.SubscriptionStatus) string {
	filter := "all"
	for native, unified := range subscriptionStatuses {
		if unified != s {
			continue
		}
		if filter != "all" {
			return "all"
		}
		filter = native
	}
	return filter
}

func subscriptionID(s *stripeapi.Subscription) string { return s.ID }

// wireSubscription is the wire form of a subscription stripe-go decoded,
// which stays its Raw.
func wireSubscription(s *stripeapi.Subscription) *wireObject {
	md, kept := metadataIn(s.Metadata)
	o := &wireObject{
		native: s, id: s.ID, created: s.Created, metadata: md, internal: kept,
		currency: currencyOut(s.Currency), status: string(s.Status),
		periodStart: s.CurrentPeriodStart, periodEnd: s.CurrentPeriodEnd,
		cancelAtPeriodEnd: s.CancelAtPeriodEnd, canceledAt: s.CanceledAt,
	}
	if s.Customer != nil {
		o.customer = s.Customer.ID
	}
	if s.Items != nil {
		for _, it := range s.Items.Data {
			if p := it.Price; p != nil {
				item := wireItem{price: p.ID, unitAmount: p.UnitAmount, quantity: it.Quantity, interval: recurringInterval(p), intervalCount: recurringCount(p)}
				if p.Product != nil {
					item.product = p.Product.ID
				}
				o.items = append(o.items, item)
			}
		}
	}
	if inv := s.LatestInvoice; inv != nil {
		if o.payURL = redirectURL(inv.PaymentIntent); o.payURL == "" {
			o.payURL = inv.HostedInvoiceURL
		}
	}
	return o
}

// subscriptionOut maps a subscription, from an API answer or a webhook.
// One waiting for its first payment requires action, at its latest
// invoice's payment page when the answer expanded it.
func (o *wireObject) subscriptionOut() *paykit.Subscription {
	if o.periodStart == 0 && o.periodEnd == 0 {
		o.periodStart, o.periodEnd = o.itemPeriodStart, o.itemPeriodEnd
	}
	s := &paykit.Subscription{
		ID:                 o.id,
		Customer:           paykit.CustomerID(o.customer),
		Currency:           o.currency,
		Status:             subscriptionStatus(o.status),
		CurrentPeriodStart: unixTime(o.periodStart),
		CurrentPeriodEnd:   unixTime(o.periodEnd),
		Metadata:           o.metadata,
		CancelAtPeriodEnd:  o.cancelAtPeriodEnd,
		CanceledAt:         unixTimePtr(o.canceledAt),
		CreatedAt:          unixTime(o.created),
		Raw:                o.rawOut(),
	}
	if o.status == string(stripeapi.SubscriptionStatusIncomplete) {
		s.RequiresAction, s.PaymentURL = true, o.payURL
	}
	for i, it := range o.items {
		if i == 0 {
			s.ItemID, s.Quantity, s.BillingInterval = itemIDOut(o.internal.ItemID, it.price, it.product), it.quantity, interval(it.interval)
			s.BillingIntervalCount = it.intervalCount
		}
		s.Amount += amountFromStripe(it.unitAmount*it.quantity, o.currency)
	}
	return s
}

// itemIDOut is the id a subscription's first item is reported under: the
// product paykit subscribed it to with an inline price (kept), while the
// item's price is one of that product's, else the price.
func itemIDOut(kept, price, product string) string {
	if kept != "" && (product == "" || product == kept) {
		return kept
	}
	return price
}
