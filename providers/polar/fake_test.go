package polar

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// obj is a Polar object as the fake keeps it: what encoding/json decodes.
type obj = map[string]any

// fakePolar plays Polar's API on an openapitest.Server: every request the
// provider sends is validated against the 2026-10 document (unknown fields
// refused), and every answer too. It keeps state, so round trips are real:
// what is created can be read back, updated, listed, deleted.
type fakePolar struct {
	t    *testing.T
	srv  *openapitest.Server
	spec *openapitest.Spec

	mu            sync.Mutex
	clock         time.Time
	customers     map[string]obj
	products      map[string]obj
	checkouts     map[string]obj
	subscriptions map[string]obj
	orders        map[string]obj
	refunds       map[string]obj
	order         []string // ids in creation order, for newest-first lists
}

var (
	specOnce sync.Once
	spec     *openapitest.Spec
	specErr  error
)

func polarSpec(t *testing.T) *openapitest.Spec {
	t.Helper()
	path := openapitest.SpecPath(t, "polar/openapi-2026-10.json")
	specOnce.Do(func() { spec, specErr = openapitest.Load(path, openapitest.RejectUnknownProperties()) })
	require.NoError(t, specErr)
	return spec
}

func newFakePolar(t *testing.T) *fakePolar {
	t.Helper()
	f := &fakePolar{
		t: t, spec: polarSpec(t),
		clock:     time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC),
		customers: map[string]obj{}, products: map[string]obj{}, checkouts: map[string]obj{},
		subscriptions: map[string]obj{}, orders: map[string]obj{}, refunds: map[string]obj{},
	}
	f.srv = openapitest.NewServer(t, f.spec)
	f.srv.Check(func(r *http.Request) error {
		if v := r.Header.Get("Polar-Version"); v != APIVersion {
			return fmt.Errorf("Polar-Version header is %q, want %q", v, APIVersion)
		}
		return nil
	})
	f.routes()
	return f
}

// provider returns a Polar provider pointed at the fake.
func (f *fakePolar) provider(opts ...Option) *provider {
	return Provider(testToken, append([]Option{WithBaseURL(f.srv.URL), WithMaxRetries(0)}, opts...)...).(*provider)
}

// now advances the fake's clock by a second and returns it.
func (f *fakePolar) now() string {
	f.clock = f.clock.Add(time.Second)
	return f.clock.Format(time.RFC3339)
}

func (f *fakePolar) make(component string, patch obj) obj {
	o, err := f.spec.GenerateComponent(component)
	require.NoError(f.t, err)
	openapitest.Merge(o, patch)
	return o
}

func (f *fakePolar) store(m map[string]obj, o obj) obj {
	id := o["id"].(string)
	m[id] = o
	f.order = append(f.order, id)
	return o
}

func notFound(what string) openapitest.Reply {
	return openapitest.Reply{Status: http.StatusNotFound, Body: obj{"error": "ResourceNotFound", "detail": what + " not found"}}
}

func invalid(field, msg string) openapitest.Reply {
	return openapitest.Reply{Status: http.StatusUnprocessableEntity,
		Body: obj{"detail": []obj{{"loc": []any{"body", field}, "msg": msg, "type": "value_error"}}}}
}

// page answers a list call: newest first, filtered by keep.
func (f *fakePolar) page(c *openapitest.Call, m map[string]obj, keep func(obj) bool) openapitest.Reply {
	var items []any
	for _, id := range slices.Backward(f.order) {
		if o, ok := m[id]; ok && (keep == nil || keep(o)) {
			items = append(items, o)
		}
	}
	limit, page := 10, 1
	if v, err := strconv.Atoi(c.Query.Get("limit")); err == nil {
		limit = v
	}
	if v, err := strconv.Atoi(c.Query.Get("page")); err == nil {
		page = v
	}
	maxPage := int(math.Ceil(float64(len(items)) / float64(limit)))
	start := min((page-1)*limit, len(items))
	end := min(start+limit, len(items))
	return openapitest.Reply{Body: obj{"items": append([]any{}, items[start:end]...),
		"pagination": obj{"total_count": len(items), "max_page": maxPage}}}
}

// matches reports whether o[field] is one of the query's values of param
// (no values: no filter).
func matches(c *openapitest.Call, param string, o obj, field string) bool {
	vs := c.Query[param]
	return len(vs) == 0 || slices.Contains(vs, fmt.Sprint(o[field]))
}

func (f *fakePolar) handle(op string, h openapitest.Handler) {
	f.srv.Handle(op, func(c *openapitest.Call) openapitest.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		return h(c)
	})
}

// getter answers the object of the path's id.
func (f *fakePolar) getter(m map[string]obj, what string) openapitest.Handler {
	return func(c *openapitest.Call) openapitest.Reply {
		if o, ok := m[c.PathParams["id"]]; ok {
			return openapitest.Reply{Body: o}
		}
		return notFound(what)
	}
}

// patcher sets the body's fields on the object of the path's id.
func (f *fakePolar) patcher(m map[string]obj, what string) openapitest.Handler {
	return func(c *openapitest.Call) openapitest.Reply {
		o, ok := m[c.PathParams["id"]]
		if !ok {
			return notFound(what)
		}
		for k, v := range c.BodyMap() {
			o[k] = v
		}
		o["modified_at"] = f.now()
		return openapitest.Reply{Body: o}
	}
}

func (f *fakePolar) routes() {
	f.handle("customers:create", func(c *openapitest.Call) openapitest.Reply {
		b := c.BodyMap()
		o := f.make("CustomerIndividual", obj{"id": openapitest.NewUUID(), "created_at": f.now(), "modified_at": nil,
			"email": b["email"], "name": b["name"], "metadata": orEmpty(b["metadata"]), "billing_address": b["billing_address"],
			"deleted_at": nil, "external_id": nil})
		return openapitest.Reply{Status: http.StatusCreated, Body: f.store(f.customers, o)}
	})
	f.handle("customers:get", f.getter(f.customers, "Customer"))
	f.handle("customers:update", f.patcher(f.customers, "Customer"))
	f.handle("customers:delete", func(c *openapitest.Call) openapitest.Reply {
		if _, ok := f.customers[c.PathParams["id"]]; !ok {
			return notFound("Customer")
		}
		delete(f.customers, c.PathParams["id"])
		return openapitest.Reply{Status: http.StatusNoContent}
	})
	f.handle("customers:list", func(c *openapitest.Call) openapitest.Reply {
		return f.page(c, f.customers, func(o obj) bool { return matches(c, "email", o, "email") })
	})

	f.handle("products:get", f.getter(f.products, "Product"))

	f.handle("checkouts:create", f.createCheckout)
	f.handle("checkouts:get", f.getter(f.checkouts, "Checkout"))
	f.handle("checkouts:update", f.patcher(f.checkouts, "Checkout"))
	f.handle("checkouts:list", func(c *openapitest.Call) openapitest.Reply {
		return f.page(c, f.checkouts, func(o obj) bool { return matches(c, "customer_id", o, "customer_id") })
	})

	f.handle("subscriptions:create", f.createSubscription)
	f.handle("subscriptions:get", f.getter(f.subscriptions, "Subscription"))
	f.handle("subscriptions:update", func(c *openapitest.Call) openapitest.Reply {
		o, ok := f.subscriptions[c.PathParams["id"]]
		if !ok {
			return notFound("Subscription")
		}
		for k, v := range c.BodyMap() {
			switch k {
			case "metadata", "product_id", "seats", "cancel_at_period_end":
				o[k] = v
			}
		}
		if v, ok := c.BodyMap()["cancel_at_period_end"].(bool); ok && v {
			o["canceled_at"] = f.now()
		}
		o["modified_at"] = f.now()
		return openapitest.Reply{Body: o}
	})
	f.handle("subscriptions:revoke", func(c *openapitest.Call) openapitest.Reply {
		o, ok := f.subscriptions[c.PathParams["id"]]
		if !ok {
			return notFound("Subscription")
		}
		if o["status"] == "canceled" {
			return openapitest.Reply{Status: http.StatusForbidden, Body: obj{"error": "AlreadyCanceledSubscription", "detail": "already canceled"}}
		}
		now := f.now()
		openapitest.Merge(o, obj{"status": "canceled", "canceled_at": now, "ended_at": now, "ends_at": now, "modified_at": now})
		return openapitest.Reply{Body: o}
	})
	f.handle("subscriptions:list", func(c *openapitest.Call) openapitest.Reply {
		return f.page(c, f.subscriptions, func(o obj) bool {
			return matches(c, "customer_id", o, "customer_id") && matches(c, "status", o, "status")
		})
	})

	f.handle("orders:get", f.getter(f.orders, "Order"))
	f.handle("orders:list", func(c *openapitest.Call) openapitest.Reply {
		return f.page(c, f.orders, func(o obj) bool {
			return matches(c, "customer_id", o, "customer_id") && matches(c, "checkout_id", o, "checkout_id") &&
				matches(c, "subscription_id", o, "subscription_id")
		})
	})
	f.handle("orders:create", func(c *openapitest.Call) openapitest.Reply {
		b := c.BodyMap()
		if _, ok := f.customers[b["customer_id"].(string)]; !ok {
			return invalid("customer_id", "Customer does not exist.")
		}
		amount := int64(b["amount"].(float64))
		o := f.newOrder(b["customer_id"].(string), b["product_id"].(string), amount, b["currency"].(string), "draft", nil)
		o["metadata"] = orEmpty(b["metadata"])
		return openapitest.Reply{Status: http.StatusCreated, Body: o}
	})
	f.handle("orders:finalize", func(c *openapitest.Call) openapitest.Reply {
		o, ok := f.orders[c.PathParams["id"]]
		if !ok {
			return notFound("Order")
		}
		if o["status"] != "draft" {
			return openapitest.Reply{Status: http.StatusPreconditionFailed, Body: obj{"error": "OrderNotDraft", "detail": "Order is not a draft"}}
		}
		openapitest.Merge(o, obj{"status": "paid", "paid": true, "refundable_amount": o["net_amount"],
			"refundable_tax_amount": o["tax_amount"], "modified_at": f.now()})
		return openapitest.Reply{Body: o}
	})

	f.handle("refunds:create", f.createRefund)
	f.handle("refunds:list", func(c *openapitest.Call) openapitest.Reply {
		return f.page(c, f.refunds, func(o obj) bool { return matches(c, "id", o, "id") && matches(c, "order_id", o, "order_id") })
	})
}

func orEmpty(v any) any {
	if v == nil {
		return obj{}
	}
	return v
}

// addProduct adds a product with id: recurring or not, with a fixed
// price, or a seat-based one (per seat) when seats is set.
func (f *fakePolar) addProduct(id string, amount int64, currency string, recurring, seats bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	price := obj{"id": openapitest.NewUUID(), "product_id": id, "amount_type": "fixed", "price_amount": amount,
		"price_currency": currency, "is_archived": false, "source": "catalog"}
	component := "ProductPriceFixed"
	if seats {
		component = "ProductPriceSeatBased"
		price = obj{"id": price["id"], "product_id": id, "amount_type": "seat_based", "price_currency": currency, "is_archived": false,
			"source": "catalog", "seat_tiers": obj{"tiers": []obj{{"min_seats": 1, "max_seats": nil, "price_per_seat": amount}}}}
	}
	var interval, count any
	if recurring {
		interval, count = "month", 1
	}
	p := f.make("Product", obj{"id": id, "name": "Product " + id[:8], "is_recurring": recurring, "recurring_interval": interval,
		"recurring_interval_count": count, "is_archived": false,
		"prices": []obj{f.make(component, price)}, "benefits": []any{}, "medias": []any{}, "attached_custom_fields": []any{}})
	f.store(f.products, p)
}

// renewEvery makes the recurring product id renew every count units.
func (f *fakePolar) renewEvery(id string, count int, unit string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	openapitest.Merge(f.products[id], obj{"recurring_interval": unit, "recurring_interval_count": count})
}

// priceOf returns a product's price amount for seats, and its currency.
func priceOf(price obj, seats int64) (int64, string, bool) {
	cur, _ := price["price_currency"].(string)
	switch price["amount_type"] {
	case "fixed":
		return int64(price["price_amount"].(float64)), cur, false
	case "seat_based":
		tiers := price["seat_tiers"].(obj)["tiers"].([]any)
		return int64(tiers[0].(obj)["price_per_seat"].(float64)) * seats, cur, true
	}
	return 0, cur, false
}

func (f *fakePolar) createCheckout(c *openapitest.Call) openapitest.Reply {
	b := c.BodyMap()
	productID := b["products"].([]any)[0].(string)
	product, ok := f.products[productID]
	if !ok {
		return invalid("products", "Product does not exist.")
	}
	if id, ok := b["customer_id"].(string); ok {
		if _, ok := f.customers[id]; !ok {
			return invalid("customer_id", "Customer does not exist.")
		}
	}
	seats := int64(1)
	if s, ok := b["seats"].(float64); ok {
		seats = int64(s)
	}
	price := product["prices"].([]any)[0].(obj)
	if adHoc, ok := b["prices"].(obj); ok {
		if ps, ok := adHoc[productID].([]any); ok && len(ps) > 0 {
			price = ps[0].(obj)
		}
	}
	amount, currency, seatBased := priceOf(price, seats)
	if _, ok := b["seats"]; ok && !seatBased {
		return invalid("seats", "Seats are only supported for seat-based pricing.")
	}
	cp := f.make("CheckoutProduct", obj{})
	for k := range cp {
		if v, ok := product[k]; ok {
			cp[k] = v
		}
	}
	secret := "polar_c_" + openapitest.NewUUID()[:8]
	var seatsField any
	if seatBased {
		seatsField = seats
	}
	o := f.make("Checkout", obj{
		"id": openapitest.NewUUID(), "created_at": f.now(), "modified_at": nil, "status": "open", "client_secret": secret,
		"url": "https://sandbox.polar.sh/checkout/" + secret, "expires_at": f.clock.Add(time.Hour).Format(time.RFC3339),
		"success_url": orDefault(b["success_url"], "https://polar.sh/checkout/success"), "return_url": b["return_url"],
		"amount": amount, "discount_amount": 0, "net_amount": amount, "tax_amount": 0, "total_amount": amount, "currency": currency,
		"product_id": productID, "product": cp, "products": []any{cp}, "seats": seatsField,
		"customer_id": b["customer_id"], "customer_email": b["customer_email"], "metadata": orEmpty(b["metadata"]),
		"subscription_id": nil, "discount_id": nil, "discount": nil, "customer_billing_address": b["customer_billing_address"],
	})
	return openapitest.Reply{Status: http.StatusCreated, Body: f.store(f.checkouts, o)}
}

func orDefault(v any, def string) any {
	if v == nil {
		return def
	}
	return v
}

func (f *fakePolar) newOrder(customerID, productID string, amount int64, currency, status string, patch obj) obj {
	paid := status == "paid"
	refundable := int64(0)
	if paid {
		refundable = amount
	}
	o := f.make("Order", obj{
		"id": openapitest.NewUUID(), "created_at": f.now(), "modified_at": nil, "status": status, "paid": paid,
		"subtotal_amount": amount, "discount_amount": 0, "net_amount": amount, "tax_amount": 0, "total_amount": amount,
		"applied_balance_amount": 0, "due_amount": 0, "refunded_amount": 0, "refunded_tax_amount": 0, "currency": currency,
		"billing_reason": "purchase", "customer_id": customerID, "product_id": productID, "subscription_id": nil, "checkout_id": nil,
		"seats": nil, "metadata": obj{}, "refundable_amount": refundable, "refundable_tax_amount": 0, "discount_id": nil, "discount": nil,
		"subscription": nil,
	})
	openapitest.Merge(o, patch)
	return f.store(f.orders, o)
}

// paidOrder adds a paid order, as a completed purchase leaves.
func (f *fakePolar) paidOrder(customerID, productID string, amount int64, currency string) string {
	return f.paidTaxedOrder(customerID, productID, amount, 0, currency)
}

// paidTaxedOrder adds a paid order of net plus tax, as a purchase with
// sales tax leaves: Polar's amounts are net, its tax amounts apart, and
// total_amount both.
func (f *fakePolar) paidTaxedOrder(customerID, productID string, net, tax int64, currency string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.newOrder(customerID, productID, net, currency, "paid",
		obj{"tax_amount": tax, "total_amount": net + tax, "refundable_tax_amount": tax})["id"].(string)
}

// completeCheckout pays an open checkout: it succeeds and leaves a paid
// order, as Polar does once the payer paid.
func (f *fakePolar) completeCheckout(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	co, ok := f.checkouts[id]
	if !ok {
		return fmt.Errorf("no checkout %s", id)
	}
	if co["status"] != "open" {
		return fmt.Errorf("checkout %s is %v", id, co["status"])
	}
	co["status"] = "succeeded"
	co["modified_at"] = f.now()
	customerID, _ := co["customer_id"].(string)
	if customerID == "" {
		customerID = openapitest.NewUUID()
	}
	f.newOrder(customerID, co["product_id"].(string), int64(co["total_amount"].(float64)), co["currency"].(string), "paid",
		obj{"checkout_id": id, "seats": co["seats"], "metadata": co["metadata"]})
	return nil
}

func (f *fakePolar) createSubscription(c *openapitest.Call) openapitest.Reply {
	b := c.BodyMap()
	product, ok := f.products[b["product_id"].(string)]
	if !ok {
		return invalid("product_id", "Product does not exist.")
	}
	amount, currency, _ := priceOf(product["prices"].([]any)[0].(obj), 1)
	if amount != 0 || product["is_recurring"] != true {
		return invalid("product_id", "Product is not a free recurring product.")
	}
	customer, ok := f.customers[b["customer_id"].(string)]
	if !ok {
		return invalid("customer_id", "Customer does not exist.")
	}
	now := f.now()
	unit, count := product["recurring_interval"].(string), int(product["recurring_interval_count"].(float64))
	end := map[string]time.Time{"day": f.clock.AddDate(0, 0, count), "week": f.clock.AddDate(0, 0, 7*count),
		"month": f.clock.AddDate(0, count, 0), "year": f.clock.AddDate(count, 0, 0)}[unit]
	sc := f.make("SubscriptionCustomer", obj{})
	for k := range sc {
		if v, ok := customer[k]; ok {
			sc[k] = v
		}
	}
	o := f.make("Subscription", obj{
		"id": openapitest.NewUUID(), "created_at": now, "modified_at": nil, "amount": 0, "currency": currency,
		"recurring_interval": unit, "recurring_interval_count": count, "status": "active",
		"current_period_start": now, "current_period_end": end.Format(time.RFC3339),
		"trial_start": nil, "trial_end": nil, "cancel_at_period_end": false, "canceled_at": nil, "started_at": now,
		"ends_at": nil, "ended_at": nil, "customer_id": customer["id"], "product_id": product["id"], "seats": nil,
		"metadata": orEmpty(b["metadata"]), "customer": sc, "product": product, "discount_id": nil, "discount": nil,
		"checkout_id": nil, "pending_update": nil,
	})
	return openapitest.Reply{Status: http.StatusCreated, Body: f.store(f.subscriptions, o)}
}

func (f *fakePolar) createRefund(c *openapitest.Call) openapitest.Reply {
	b := c.BodyMap()
	order, ok := f.orders[b["order_id"].(string)]
	if !ok {
		return invalid("order_id", "Order does not exist.")
	}
	// Polar takes the net amount and adds the tax: what is left of it for
	// the whole refundable amount, else the order's tax ratio, rounded
	// half to even (Python's round).
	amount := b["amount"].(float64)
	refundable := order["refundable_amount"].(float64)
	if amount > refundable {
		return openapitest.Reply{Status: http.StatusBadRequest, Body: obj{"error": "RefundAmountTooHigh", "detail": "Refund amount exceeds remaining order balance"}}
	}
	tax := order["refundable_tax_amount"].(float64)
	status := "refunded"
	if amount < refundable {
		status = "partially_refunded"
		tax = 0
		if net := order["net_amount"].(float64); net > 0 {
			tax = math.RoundToEven(amount * (order["tax_amount"].(float64) / net))
		}
	}
	openapitest.Merge(order, obj{"refunded_amount": order["refunded_amount"].(float64) + amount,
		"refunded_tax_amount": order["refunded_tax_amount"].(float64) + tax, "refundable_amount": refundable - amount,
		"refundable_tax_amount": order["refundable_tax_amount"].(float64) - tax, "status": status, "modified_at": f.now()})
	o := f.make("Refund", obj{
		"id": openapitest.NewUUID(), "created_at": f.now(), "modified_at": nil, "metadata": orEmpty(b["metadata"]),
		"status": "succeeded", "reason": b["reason"], "amount": amount, "tax_amount": tax, "currency": order["currency"],
		"order_id": order["id"], "subscription_id": nil, "customer_id": order["customer_id"],
		"revoke_benefits": b["revoke_benefits"] == true, "dispute": nil,
	})
	return openapitest.Reply{Status: http.StatusCreated, Body: f.store(f.refunds, o)}
}
