package paypal

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// ppObj is a PayPal object as the fake keeps it.
type ppObj = map[string]any

// orderState is the fake's orders, authorizations, captures and refunds,
// kept as PayPal answers them, and the answers of writes by
// PayPal-Request-Id.
type orderState struct {
	ppOrders     map[string]ppObj
	ppAuths      map[string]ppObj // authorization id -> authorization
	ppCaptures   map[string]ppObj
	ppRefunds    map[string]ppObj
	orderOwner   map[string]string // authorization or capture id -> order id
	ppFinal      map[string]bool   // authorizations finally captured
	orderReplies map[string]openapitest.Reply
	orderClock   time.Time
}

// handleOrders sets the handlers of Orders v2 and Payments v2.
func (f *fake) handleOrders() {
	f.orderState = orderState{ppOrders: map[string]ppObj{}, ppAuths: map[string]ppObj{}, ppCaptures: map[string]ppObj{},
		ppRefunds: map[string]ppObj{}, orderOwner: map[string]string{}, ppFinal: map[string]bool{}, orderReplies: map[string]openapitest.Reply{},
		orderClock: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)}
	f.handleOrderOp("orders.create", true, f.createOrder)
	f.handleOrderOp("orders.get", false, func(c *openapitest.Call) openapitest.Reply {
		if o, ok := f.ppOrders[c.PathParams["id"]]; ok {
			return openapitest.Reply{Body: o}
		}
		return ppNotFound()
	})
	f.handleOrderOp("orders.patch", false, f.patchOrder)
	f.handleOrderOp("orders.authorize", true, f.authorizeOrder)
	f.handleOrderOp("orders.capture", true, f.captureOrder)
	f.handleOrderOp("authorizations.get", false, f.orderGetter(f.ppAuths, "authorization_id"))
	f.handleOrderOp("authorizations.capture", true, f.captureAuthorization)
	// authorizations.void takes no PayPal-Request-Id: PayPal replays no
	// void, and refuses a second one (PREVIOUSLY_VOIDED).
	f.handleOrderOp("authorizations.void", false, f.voidAuthorization)
	f.handleOrderOp("captures.get", false, f.orderGetter(f.ppCaptures, "capture_id"))
	f.handleOrderOp("captures.refund", true, f.refundCapture)
	f.handleOrderOp("refunds.get", false, f.orderGetter(f.ppRefunds, "refund_id"))
}

// handle serves op under the fake's lock; a write with a PayPal-Request-Id
// seen before gets the first answer again, as PayPal does.
func (f *fake) handleOrderOp(op string, idempotent bool, h openapitest.Handler) {
	f.srv.Handle(op, func(c *openapitest.Call) openapitest.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		key := c.Header.Get("PayPal-Request-Id")
		if idempotent && key != "" {
			if r, ok := f.orderReplies[op+" "+key]; ok {
				return r
			}
		}
		r := h(c)
		if idempotent && key != "" && r.Status < 300 {
			f.orderReplies[op+" "+key] = r
		}
		return r
	})
}

func (f *fake) orderGetter(m map[string]ppObj, param string) openapitest.Handler {
	return func(c *openapitest.Call) openapitest.Reply {
		if o, ok := m[c.PathParams[param]]; ok {
			return openapitest.Reply{Body: o}
		}
		return ppNotFound()
	}
}

func (f *fake) orderNow() string {
	f.orderClock = f.orderClock.Add(time.Second)
	return f.orderClock.Format(time.RFC3339)
}

// newID is an id as PayPal makes them: 17 upper-case letters and digits.
func newOrderID() string { return randomID() }

func ppNotFound() openapitest.Reply {
	return openapitest.Reply{Status: http.StatusNotFound, Body: ppObj{"name": "RESOURCE_NOT_FOUND",
		"message": "The specified resource does not exist.", "debug_id": "f0e1d2c3b4a59",
		"details": []ppObj{{"issue": "INVALID_RESOURCE_ID", "description": "Specified resource ID does not exist. Please check the resource ID and try again."}}}}
}

// unprocessable answers PayPal's 422 with one issue.
func ppUnprocessable(issue, field, description string) openapitest.Reply {
	d := ppObj{"issue": issue, "description": description}
	if field != "" {
		d["field"], d["location"] = field, "body"
	}
	return openapitest.Reply{Status: http.StatusUnprocessableEntity, Body: ppObj{"name": "UNPROCESSABLE_ENTITY",
		"message":  "The requested action could not be performed, semantically incorrect, or failed business validation.",
		"debug_id": "a1b2c3d4e5f60", "details": []ppObj{d}}}
}

// minor reads a PayPal money object into minor units at PayPal's own
// exponent, refusing more decimals than PayPal takes (DECIMAL_PRECISION).
func ppMinor(m any) (int64, string, bool) {
	mm, _ := m.(ppObj)
	cur, _ := mm["currency_code"].(string)
	v, _ := mm["value"].(string)
	exp, err := exponents.Exponent(cur)
	if err != nil {
		return 0, cur, false
	}
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > exp {
		return 0, cur, false
	}
	frac += strings.Repeat("0", exp-len(frac))
	var out int64
	if _, err := fmt.Sscan(whole+frac, &out); err != nil {
		return 0, cur, false
	}
	return out, cur, true
}

// value renders minor units at PayPal's exponent.
func ppMoney(n int64, cur string) ppObj {
	exp, _ := exponents.Exponent(cur)
	s := fmt.Sprintf("%0*d", exp+1, n)
	if exp > 0 {
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	return ppObj{"currency_code": cur, "value": s}
}

func (f *fake) orderLinks(kind, id string, rels ...string) []any {
	out := []any{ppObj{"href": f.srv.URL + kind + id, "rel": "self", "method": "GET"}}
	for _, r := range rels {
		out = append(out, ppObj{"href": "https://www.sandbox.paypal.com/checkoutnow?token=" + id, "rel": r, "method": "GET"})
	}
	return out
}

func (f *fake) createOrder(c *openapitest.Call) openapitest.Reply {
	b := c.BodyMap()
	pus, _ := b["purchase_units"].([]any)
	if len(pus) != 1 {
		return ppUnprocessable("NOT_SUPPORTED", "/purchase_units", "the fake takes one purchase unit")
	}
	pu := pus[0].(ppObj)
	amt := pu["amount"].(ppObj)
	total, cur, ok := ppMinor(amt)
	if !ok {
		return ppUnprocessable("DECIMAL_PRECISION", "/purchase_units/@reference_id=='default'/amount/value", "If the currency supports decimals, only two decimal place precision is supported.")
	}
	if !currencySet[cur] {
		return ppUnprocessable("INVALID_CURRENCY_CODE", "/purchase_units/@reference_id=='default'/amount/currency_code", "Currency code is invalid or is not currently supported.")
	}
	if items, _ := pu["items"].([]any); len(items) > 0 {
		var sum int64
		for _, it := range items {
			it := it.(ppObj)
			unit, _, ok := ppMinor(it["unit_amount"])
			if !ok {
				return ppUnprocessable("DECIMAL_PRECISION", "/purchase_units/@reference_id=='default'/items/0/unit_amount/value", "decimals")
			}
			var q int64
			fmt.Sscan(it["quantity"].(string), &q)
			sum += unit * q
		}
		if sum != total {
			return ppUnprocessable("ITEM_TOTAL_MISMATCH", "/purchase_units/@reference_id=='default'/amount/breakdown/item_total", "Should equal sum of (unit_amount * quantity) across all items for a given purchase_unit.")
		}
	}
	id := newOrderID()
	if pu["reference_id"] == nil {
		pu["reference_id"] = "default"
	}
	approve := "approve"
	if ps, _ := b["payment_source"].(ppObj); ps != nil {
		approve = "payer-action"
	}
	o := ppObj{"id": id, "intent": b["intent"], "status": "CREATED", "purchase_units": []any{pu},
		"create_time": f.orderNow(), "links": f.orderLinks("/v2/checkout/orders/", id, approve)}
	f.ppOrders[id] = o
	return openapitest.Reply{Status: http.StatusCreated, Body: o}
}

// approve plays the payer approving order id at PayPal.
func (f *fake) approveOrder(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.ppOrders[id]
	if !ok {
		return fmt.Errorf("no order %s", id)
	}
	if o["status"] != "CREATED" && o["status"] != "PAYER_ACTION_REQUIRED" {
		return fmt.Errorf("order %s is %s", id, o["status"])
	}
	o["status"] = "APPROVED"
	o["payment_source"] = ppObj{"paypal": ppObj{"email_address": "buyer@example.com", "account_id": "QYR5Z8XDVJNXQ"}}
	o["update_time"] = f.orderNow()
	return nil
}

func (f *fake) patchOrder(c *openapitest.Call) openapitest.Reply {
	o, ok := f.ppOrders[c.PathParams["id"]]
	if !ok {
		return ppNotFound()
	}
	if s := o["status"]; s != "CREATED" && s != "APPROVED" {
		return ppUnprocessable("ORDER_ALREADY_COMPLETED", "", "The order cannot be patched after it is completed.")
	}
	pu := o["purchase_units"].([]any)[0].(ppObj)
	ops, _ := c.Body.([]any)
	for _, op := range ops {
		op := op.(ppObj)
		path, _ := op["path"].(string)
		want := "/purchase_units/@reference_id=='" + fmt.Sprint(pu["reference_id"]) + "'/custom_id"
		if path != want {
			return ppUnprocessable("NOT_PATCHABLE", path, "the fake patches custom_id only")
		}
		switch op["op"] {
		case "add", "replace":
			pu["custom_id"] = op["value"]
		case "remove":
			delete(pu, "custom_id")
		}
	}
	o["update_time"] = f.orderNow()
	return openapitest.Reply{Status: http.StatusNoContent}
}

func orderPayments(pu ppObj) ppObj {
	p, _ := pu["payments"].(ppObj)
	if p == nil {
		p = ppObj{}
		pu["payments"] = p
	}
	return p
}

func ppAppend(m ppObj, key string, v ppObj) {
	list, _ := m[key].([]any)
	m[key] = append(list, v)
}

func (f *fake) authorizeOrder(c *openapitest.Call) openapitest.Reply {
	o, ok := f.ppOrders[c.PathParams["id"]]
	switch {
	case !ok:
		return ppNotFound()
	case o["intent"] != "AUTHORIZE":
		return ppUnprocessable("ACTION_DOES_NOT_MATCH_INTENT", "", "Order was created with an intent to 'CAPTURE'.")
	case o["status"] == "COMPLETED":
		return ppUnprocessable("ORDER_ALREADY_AUTHORIZED", "", "Order already authorized.")
	case o["status"] != "APPROVED":
		return ppUnprocessable("ORDER_NOT_APPROVED", "", "Payer has not yet approved the Order for payment.")
	}
	pu := o["purchase_units"].([]any)[0].(ppObj)
	id := newOrderID()
	a := ppObj{"id": id, "status": "CREATED", "create_time": f.orderNow(), "update_time": f.orderNow(),
		"expiration_time": f.orderClock.Add(29 * 24 * time.Hour).Format(time.RFC3339), "links": f.orderLinks("/v2/payments/authorizations/", id),
		"supplementary_data": ppObj{"related_ids": ppObj{"order_id": o["id"]}}}
	a["amount"] = ppObj{"currency_code": pu["amount"].(ppObj)["currency_code"], "value": pu["amount"].(ppObj)["value"]}
	if cid, ok := pu["custom_id"]; ok {
		a["custom_id"] = cid
	}
	f.ppAuths[id] = a
	f.orderOwner[id] = o["id"].(string)
	ppAppend(orderPayments(pu), "authorizations", a)
	o["status"] = "COMPLETED"
	return openapitest.Reply{Status: http.StatusCreated, Body: o}
}

// newCapture records a completed capture of amount on the order's unit.
func (f *fake) newCapture(o, pu ppObj, amount ppObj, authID string) ppObj {
	id := newOrderID()
	related := ppObj{"order_id": o["id"]}
	if authID != "" {
		related["authorization_id"] = authID
	}
	cp := ppObj{"id": id, "status": "COMPLETED", "amount": amount, "final_capture": true, "create_time": f.orderNow(), "update_time": f.orderNow(),
		"supplementary_data": ppObj{"related_ids": related}, "links": f.orderLinks("/v2/payments/captures/", id)}
	if cid, ok := pu["custom_id"]; ok {
		cp["custom_id"] = cid
	}
	f.ppCaptures[id] = cp
	f.orderOwner[id] = o["id"].(string)
	ppAppend(orderPayments(pu), "captures", cp)
	return cp
}

func (f *fake) captureOrder(c *openapitest.Call) openapitest.Reply {
	o, ok := f.ppOrders[c.PathParams["id"]]
	switch {
	case !ok:
		return ppNotFound()
	case o["intent"] != "CAPTURE":
		return ppUnprocessable("ACTION_DOES_NOT_MATCH_INTENT", "", "Order was created with an intent to 'AUTHORIZE'.")
	case o["status"] == "COMPLETED":
		return ppUnprocessable("ORDER_ALREADY_CAPTURED", "", "Order already captured.")
	case o["status"] != "APPROVED":
		return ppUnprocessable("ORDER_NOT_APPROVED", "", "Payer has not yet approved the Order for payment.")
	}
	pu := o["purchase_units"].([]any)[0].(ppObj)
	f.newCapture(o, pu, pu["amount"].(ppObj), "")
	o["status"] = "COMPLETED"
	return openapitest.Reply{Status: http.StatusCreated, Body: o}
}

// unitOf returns the order and purchase unit that own a payment object.
func (f *fake) orderUnitOf(id string) (ppObj, ppObj) {
	o := f.ppOrders[f.orderOwner[id]]
	return o, o["purchase_units"].([]any)[0].(ppObj)
}

func (f *fake) captureAuthorization(c *openapitest.Call) openapitest.Reply {
	a, ok := f.ppAuths[c.PathParams["authorization_id"]]
	if !ok {
		return ppNotFound()
	}
	switch a["status"] {
	case "VOIDED":
		return ppUnprocessable("AUTHORIZATION_VOIDED", "", "A voided authorization cannot be captured or reauthorized. ")
	case "CAPTURED":
		return ppUnprocessable("AUTHORIZATION_ALREADY_CAPTURED", "", "Authorization has previously been captured.")
	case "PARTIALLY_CAPTURED":
		if f.ppFinal[a["id"].(string)] {
			// A final capture released what was left.
			return ppUnprocessable("AUTHORIZATION_ALREADY_CAPTURED", "", "Authorization has previously been captured.")
		}
	}
	authorized, cur, _ := ppMinor(a["amount"])
	want := authorized
	if m, ok := c.BodyMap()["amount"]; ok {
		n, mcur, ok := ppMinor(m)
		if !ok {
			return ppUnprocessable("DECIMAL_PRECISION", "/amount/value", "decimals")
		}
		if mcur != cur {
			return ppUnprocessable("AUTH_CAPTURE_CURRENCY_MISMATCH", "/amount/currency_code", "currency")
		}
		want = n
	}
	if want > authorized {
		return ppUnprocessable("MAX_CAPTURE_AMOUNT_EXCEEDED", "/amount/value", "Capture amount exceeds allowable limit.")
	}
	o, pu := f.orderUnitOf(a["id"].(string))
	cp := f.newCapture(o, pu, ppMoney(want, cur), a["id"].(string))
	a["status"] = "CAPTURED"
	if final, _ := c.BodyMap()["final_capture"].(bool); final {
		f.ppFinal[a["id"].(string)] = true
	}
	if want < authorized {
		a["status"] = "PARTIALLY_CAPTURED"
	}
	a["update_time"] = f.orderNow()
	return openapitest.Reply{Status: http.StatusCreated, Body: cp}
}

func (f *fake) voidAuthorization(c *openapitest.Call) openapitest.Reply {
	a, ok := f.ppAuths[c.PathParams["authorization_id"]]
	if !ok {
		return ppNotFound()
	}
	switch a["status"] {
	case "VOIDED":
		return ppUnprocessable("PREVIOUSLY_VOIDED", "", "Authorization has been previously voided and hence cannot be voided again.")
	case "CAPTURED", "PARTIALLY_CAPTURED":
		return ppUnprocessable("PREVIOUSLY_CAPTURED", "", "Authorization has been previously captured and hence cannot be voided.")
	}
	a["status"] = "VOIDED"
	a["update_time"] = f.orderNow()
	return openapitest.Reply{Status: http.StatusOK, Body: a}
}

func (f *fake) refundCapture(c *openapitest.Call) openapitest.Reply {
	cp, ok := f.ppCaptures[c.PathParams["capture_id"]]
	if !ok {
		return ppNotFound()
	}
	if cp["status"] == "REFUNDED" {
		return ppUnprocessable("CAPTURE_FULLY_REFUNDED", "", "The capture has already been fully refunded")
	}
	captured, cur, _ := ppMinor(cp["amount"])
	_, pu := f.orderUnitOf(cp["id"].(string))
	var refunded int64
	prior, _ := orderPayments(pu)["refunds"].([]any)
	for _, r := range prior {
		if r := r.(ppObj); r["status"] == "COMPLETED" && f.orderOwner[r["id"].(string)] == cp["id"] {
			n, _, _ := ppMinor(r["amount"])
			refunded += n
		}
	}
	left := captured - refunded
	want := left
	b := c.BodyMap()
	if m, ok := b["amount"]; ok {
		n, mcur, ok := ppMinor(m)
		if !ok {
			return ppUnprocessable("DECIMAL_PRECISION", "/amount/value", "decimals")
		}
		if mcur != cur {
			return ppUnprocessable("REFUND_CAPTURE_CURRENCY_MISMATCH", "/amount/currency_code", "currency")
		}
		want = n
	}
	if want > left {
		return ppUnprocessable("REFUND_AMOUNT_EXCEEDED", "/amount/value", "The refund amount must be less than or equal to the capture amount that has not yet been refunded.")
	}
	id := newOrderID()
	r := ppObj{"id": id, "status": "COMPLETED", "amount": ppMoney(want, cur), "create_time": f.orderNow(), "update_time": f.orderNow(),
		"links": []any{ppObj{"href": f.srv.URL + "/v2/payments/refunds/" + id, "rel": "self", "method": "GET"},
			ppObj{"href": f.srv.URL + "/v2/payments/captures/" + cp["id"].(string), "rel": "up", "method": "GET"}}}
	for _, k := range []string{"custom_id", "note_to_payer"} {
		if v, ok := b[k]; ok {
			r[k] = v
		}
	}
	f.ppRefunds[id] = r
	f.orderOwner[id] = cp["id"].(string)
	ppAppend(orderPayments(pu), "refunds", r)
	cp["status"] = "PARTIALLY_REFUNDED"
	if want == left {
		cp["status"] = "REFUNDED"
	}
	return openapitest.Reply{Status: http.StatusCreated, Body: r}
}
