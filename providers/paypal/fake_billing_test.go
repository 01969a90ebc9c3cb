package paypal

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// billingObj is a Billing object as the fake keeps it: what encoding/json
// decodes.
type billingObj = map[string]any

// billingState is the fake's plans and subscriptions, under fake.mu.
type billingState struct {
	plans map[string]billingObj
	subs  map[string]billingObj
	// txns are each subscription's transactions, oldest first.
	txns map[string][]billingObj
	// subKeys are the PayPal-Request-Ids of subscriptions.create.
	subKeys map[string]string
	// autoApprove plays a payer who approves every subscription as soon
	// as it is created (the conformance suite's): the create answer is
	// APPROVAL_PENDING, and the subscription ACTIVE right after.
	autoApprove bool
}

// The plans every fake knows.
const (
	monthlyPlan  = "P-5ML4271244454362WXNWU5NQ" // 10.00 USD a month, takes a quantity
	yearlyPlan   = "P-2UF78835G6983425GLSM44MA" // 12000 JPY a year, one unit
	quarterPlan  = "P-7GL4271244454362WXNWU5NQ" // 30.00 EUR every 3 months
	inactivePlan = "P-0NJ10521L3680291SOAQIVTQ" // INACTIVE
	missingPlan  = "P-00000000000000000000000X"
)

// recurringPlan is monthlyPlan as a paykittest item: the conformance
// suite's RecurringItem.
var recurringPlan = paykittest.Item{ID: monthlyPlan, Amount: 1000, Currency: "USD"}

// handleBilling sets the handlers of Billing Subscriptions v1.
func (f *fake) handleBilling() {
	f.plans = map[string]billingObj{}
	f.subs = map[string]billingObj{}
	f.txns = map[string][]billingObj{}
	f.subKeys = map[string]string{}
	f.addPlan(monthlyPlan, "MONTH", 1, "10.00", "USD", "ACTIVE", true)
	f.addPlan(yearlyPlan, "YEAR", 1, "12000", "JPY", "ACTIVE", false)
	f.addPlan(quarterPlan, "MONTH", 3, "30.00", "EUR", "ACTIVE", false)
	f.addPlan(inactivePlan, "MONTH", 1, "5.00", "USD", "INACTIVE", false)

	f.srv.Handle("plans.get", f.billingPlansGet)
	f.srv.Handle("subscriptions.create", f.billingCreate)
	f.srv.Handle("subscriptions.get", f.billingGet)
	f.srv.Handle("subscriptions.patch", f.billingPatch)
	f.srv.Handle("subscriptions.suspend", f.billingTransition("suspend", "SUSPENDED",
		"Invalid subscription status for suspend action; subscription status should be active.", "ACTIVE"))
	f.srv.Handle("subscriptions.activate", f.billingTransition("activate", "ACTIVE",
		"Invalid subscription status for activate action; subscription status should be suspended.", "SUSPENDED"))
	f.srv.Handle("subscriptions.cancel", f.billingTransition("cancel", "CANCELLED",
		"Invalid subscription status for cancel action; subscription status should be active or suspended.", "ACTIVE", "SUSPENDED"))
	f.srv.Handle("subscriptions.transactions", f.billingTransactions)
}

// billingNow is the fake's clock: the wall clock to the second, in UTC,
// so that the provider's windows of transactions hold what it made.
func billingNow() time.Time { return time.Now().UTC().Truncate(time.Second) }

func billingTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// billingID returns prefix and n PayPal-looking characters.
func billingID(prefix string, n int) string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

func (f *fake) addPlan(id, unit string, count int, price, currency, status string, quantity bool) {
	now := billingTime(billingNow())
	f.plans[id] = billingObj{
		"id": id, "product_id": "PROD-6XB24663H4094933M", "name": "Plan " + id, "status": status,
		"description": "A plan of the fake",
		"billing_cycles": []any{billingObj{
			"pricing_scheme": billingObj{"version": 1, "fixed_price": billingObj{"currency_code": currency, "value": price},
				"create_time": now, "update_time": now},
			"frequency":   billingObj{"interval_unit": unit, "interval_count": count},
			"tenure_type": "REGULAR", "sequence": 1, "total_cycles": 0,
		}},
		"quantity_supported": quantity,
		"create_time":        now, "update_time": now,
		"links": []any{billingObj{"href": f.srv.URL + plansPath + id, "rel": "self", "method": "GET"}},
	}
}

// billingError is PayPal's error answer: name and message are those the
// document gives for status.
func billingError(status int, issue, description, field string) openapitest.Reply {
	names := map[int][2]string{
		http.StatusBadRequest:          {"INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema."},
		http.StatusNotFound:            {"RESOURCE_NOT_FOUND", "The specified resource does not exist."},
		http.StatusUnprocessableEntity: {"UNPROCESSABLE_ENTITY", "The requested action could not be performed, semantically incorrect, or failed business validation."},
	}
	detail := billingObj{"issue": issue, "description": description}
	if field != "" {
		detail["field"], detail["location"] = field, "body"
	}
	return openapitest.Reply{Status: status, Body: billingObj{"name": names[status][0], "message": names[status][1],
		"details": []any{detail}, "debug_id": billingID("f", 13)}}
}

func billingNotFound() openapitest.Reply {
	return billingError(http.StatusNotFound, "INVALID_RESOURCE_ID", "Specified resource ID does not exist. Please check the resource ID and try again.", "")
}

func (f *fake) billingPlansGet(c *openapitest.Call) openapitest.Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	plan, ok := f.plans[c.PathParams["id"]]
	if !ok {
		return billingNotFound()
	}
	return openapitest.Reply{Body: plan}
}

func (f *fake) billingCreate(c *openapitest.Call) openapitest.Reply {
	body := c.BodyMap()
	f.mu.Lock()
	defer f.mu.Unlock()
	key := c.Header.Get("PayPal-Request-Id")
	if id, ok := f.subKeys[key]; ok && key != "" {
		return openapitest.Reply{Status: http.StatusOK, Body: f.subs[id]}
	}
	planID, _ := body["plan_id"].(string)
	plan, ok := f.plans[planID]
	switch {
	case !ok:
		return billingError(http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.", "/plan_id")
	case plan["status"] != "ACTIVE":
		return billingError(http.StatusUnprocessableEntity, "PLAN_STATUS_INVALID", "Invalid plan status for subscription creation; plan status should be active.", "")
	case body["quantity"] != nil && plan["quantity_supported"] != true:
		return billingError(http.StatusUnprocessableEntity, "SUBSCRIPTION_CANNOT_HAVE_QUANTITY", "Subscription can't have quantity as the plan does not support quantity.", "")
	}
	now := billingTime(billingNow())
	id := billingID("I-", 12)
	sub := billingObj{
		"id": id, "status": "APPROVAL_PENDING", "status_update_time": now, "plan_id": planID,
		"start_time": now, "quantity": "1", "create_time": now, "update_time": now, "plan_overridden": false,
		"links": []any{
			billingObj{"href": "https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token=" + billingID("BA-", 17), "rel": "approve", "method": "GET"},
			billingObj{"href": f.srv.URL + subscriptionPath(id, ""), "rel": "edit", "method": "PATCH"},
			billingObj{"href": f.srv.URL + subscriptionPath(id, ""), "rel": "self", "method": "GET"},
		},
	}
	if v, ok := body["start_time"].(string); ok {
		sub["start_time"] = v
	}
	for _, k := range []string{"quantity", "custom_id", "subscriber"} {
		if v, ok := body[k]; ok {
			sub[k] = v
		}
	}
	f.subs[id] = sub
	if key != "" {
		f.subKeys[key] = id
	}
	reply := openapitest.Reply{Status: http.StatusCreated, Body: sub}
	if c.Header.Get("Prefer") != "return=representation" {
		reply.Body = billingObj{"id": id, "status": sub["status"], "create_time": now, "links": sub["links"]}
	}
	reply.Body = billingCopy(reply.Body.(billingObj))
	if f.autoApprove {
		f.approveLocked(id)
	}
	return reply
}

// billingCopy returns a copy of o deep enough that later changes to the
// kept object do not show in an answer already built.
func billingCopy(o billingObj) billingObj {
	cp := make(billingObj, len(o))
	for k, v := range o {
		if m, ok := v.(billingObj); ok {
			v = billingCopy(m)
		}
		cp[k] = v
	}
	return cp
}

func (f *fake) billingGet(c *openapitest.Call) openapitest.Reply {
	return f.onSubscription(c, func(sub billingObj) openapitest.Reply { return openapitest.Reply{Body: billingCopy(sub)} })
}

// onSubscription answers c with h on the subscription its path names,
// under f.mu, or PayPal's 404.
func (f *fake) onSubscription(c *openapitest.Call, h func(sub billingObj) openapitest.Reply) openapitest.Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	sub, ok := f.subs[c.PathParams["id"]]
	if !ok {
		return billingNotFound()
	}
	return h(sub)
}

// billingPatch applies custom_id changes, as PayPal only to an ACTIVE or
// SUSPENDED subscription.
func (f *fake) billingPatch(c *openapitest.Call) openapitest.Reply {
	return f.onSubscription(c, func(sub billingObj) openapitest.Reply { return f.patchLocked(c, sub) })
}

func (f *fake) patchLocked(c *openapitest.Call, sub billingObj) openapitest.Reply {
	if st := sub["status"]; st != "ACTIVE" && st != "SUSPENDED" {
		return billingError(http.StatusUnprocessableEntity, "SUBSCRIPTION_STATUS_INVALID",
			"Invalid subscription status for patch action; subscription status should be either active or suspended.", "")
	}
	ops, _ := c.Body.([]any)
	for _, o := range ops {
		op, _ := o.(billingObj)
		if op["path"] != "/custom_id" || (op["op"] != "add" && op["op"] != "replace") {
			return billingError(http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.", fmt.Sprint(op["path"]))
		}
		sub["custom_id"] = op["value"]
	}
	sub["update_time"] = billingTime(billingNow())
	return openapitest.Reply{Status: http.StatusNoContent}
}

// billingTransition moves a subscription in one of from to status, as
// suspend, activate and cancel do, refusing any other with PayPal's 422.
func (f *fake) billingTransition(action, status, invalid string, from ...string) openapitest.Handler {
	return func(c *openapitest.Call) openapitest.Reply {
		return f.onSubscription(c, func(sub billingObj) openapitest.Reply {
			return f.transitionLocked(c, sub, action, status, invalid, from)
		})
	}
}

func (f *fake) transitionLocked(c *openapitest.Call, sub billingObj, action, status, invalid string, from []string) openapitest.Reply {
	allowed := false
	for _, s := range from {
		allowed = allowed || sub["status"] == s
	}
	if !allowed {
		return billingError(http.StatusUnprocessableEntity, "SUBSCRIPTION_STATUS_INVALID", invalid, "")
	}
	now := billingTime(billingNow())
	sub["status"], sub["status_update_time"], sub["update_time"] = status, now, now
	if reason, ok := c.BodyMap()["reason"].(string); ok {
		sub["status_change_note"] = reason
	}
	if bi, ok := sub["billing_info"].(billingObj); ok && status != "ACTIVE" {
		delete(bi, "next_billing_time")
	}
	if bi, ok := sub["billing_info"].(billingObj); ok && action == "activate" {
		bi["next_billing_time"] = billingTime(f.nextBilling(sub, billingNow()))
	}
	return openapitest.Reply{Status: http.StatusNoContent}
}

func (f *fake) billingTransactions(c *openapitest.Call) openapitest.Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := c.PathParams["id"]
	if _, ok := f.subs[id]; !ok {
		return billingNotFound()
	}
	from, err1 := time.Parse(time.RFC3339, c.Query.Get("start_time"))
	to, err2 := time.Parse(time.RFC3339, c.Query.Get("end_time"))
	if err1 != nil || err2 != nil || to.Before(from) {
		return billingError(http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.", "start_time")
	}
	list := []any{}
	for _, t := range f.txns[id] {
		at, _ := time.Parse(time.RFC3339, t["time"].(string))
		if !at.Before(from) && !at.After(to) {
			list = append(list, t)
		}
	}
	return openapitest.Reply{Body: billingObj{"transactions": list, "total_items": len(list), "total_pages": 1,
		"links": []any{billingObj{"href": f.srv.URL + c.Path, "rel": "self", "method": "GET"}}}}
}

// planOf returns the plan of sub, its price and its frequency.
func (f *fake) planOf(sub billingObj) (price billingObj, unit string, count int) {
	plan := f.plans[sub["plan_id"].(string)]
	cycle := plan["billing_cycles"].([]any)[0].(billingObj)
	freq := cycle["frequency"].(billingObj)
	return cycle["pricing_scheme"].(billingObj)["fixed_price"].(billingObj), freq["interval_unit"].(string), freq["interval_count"].(int)
}

// nextBilling is a period of sub's plan after t.
func (f *fake) nextBilling(sub billingObj, t time.Time) time.Time {
	_, unit, count := f.planOf(sub)
	iv, _ := paykit.ParseInterval(map[string]string{"DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}[unit])
	return iv.AddTo(t, count)
}

// approve plays the payer approving subscription id at its approve link,
// and PayPal activating it and taking the first payment: ACTIVE, with
// billing_info for the first period and a COMPLETED transaction.
func (f *fake) approve(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.approveLocked(id)
}

func (f *fake) approveLocked(id string) {
	sub, ok := f.subs[id]
	if !ok {
		f.t.Fatalf("fake: no subscription %s to approve", id)
	}
	start, _ := time.Parse(time.RFC3339, sub["start_time"].(string))
	sub["status"], sub["status_update_time"] = "ACTIVE", billingTime(billingNow())
	sub["links"] = sub["links"].([]any)[1:] // the approve link is spent
	subscriber, _ := sub["subscriber"].(billingObj)
	if subscriber == nil {
		subscriber = billingObj{"email_address": "payer@example.com"}
	}
	subscriber["payer_id"] = billingID("", 13)
	sub["subscriber"] = subscriber
	price, _, _ := f.planOf(sub)
	sub["billing_info"] = billingObj{
		"outstanding_balance": billingObj{"currency_code": price["currency_code"], "value": "0"},
		"cycle_executions": []any{billingObj{"tenure_type": "REGULAR", "sequence": 1, "cycles_completed": 1,
			"cycles_remaining": 0, "current_pricing_scheme_version": 1, "total_cycles": 0}},
		"next_billing_time":     billingTime(f.nextBilling(sub, start)),
		"failed_payments_count": 0,
	}
	f.chargeLocked(id, start, "COMPLETED")
}

// charge plays PayPal billing subscription id's next cycle, at its
// next_billing_time, with a transaction in status: a COMPLETED one moves
// the period on; a DECLINED one counts a failed payment that PayPal will
// retry.
func (f *fake) charge(id, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sub := f.subs[id]
	bi := sub["billing_info"].(billingObj)
	at, _ := time.Parse(time.RFC3339, bi["next_billing_time"].(string))
	f.chargeLocked(id, at, status)
}

func (f *fake) chargeLocked(id string, at time.Time, status string) {
	sub := f.subs[id]
	price, _, _ := f.planOf(sub)
	qty := 1
	if q, ok := sub["quantity"].(string); ok {
		_, _ = fmt.Sscan(q, &qty)
	}
	amount := billingMoneyTimes(price, qty)
	subscriber, _ := sub["subscriber"].(billingObj)
	txn := billingObj{
		"id": billingID("", 17), "status": status,
		"amount_with_breakdown": billingObj{"gross_amount": amount, "net_amount": amount,
			"fee_amount": billingObj{"currency_code": amount["currency_code"], "value": "0"}},
		"payer_email": subscriber["email_address"], "time": billingTime(at),
	}
	f.txns[id] = append(f.txns[id], txn)
	bi := sub["billing_info"].(billingObj)
	if status == "COMPLETED" {
		bi["last_payment"] = billingObj{"amount": amount, "time": billingTime(at)}
		bi["next_billing_time"] = billingTime(f.nextBilling(sub, at))
		bi["failed_payments_count"] = 0
		delete(bi, "last_failed_payment")
		return
	}
	n, _ := bi["failed_payments_count"].(int)
	bi["failed_payments_count"] = n + 1
	bi["last_failed_payment"] = billingObj{"amount": amount, "time": billingTime(at), "reason_code": "PAYMENT_DENIED",
		"next_payment_retry_time": billingTime(at.AddDate(0, 0, 5))}
}

// billingMoneyTimes is price times n, for the fake's whole-unit prices.
func billingMoneyTimes(price billingObj, n int) billingObj {
	cur := price["currency_code"].(string)
	v, _ := exponents.Parse(price["value"].(string), cur)
	s, _ := exponents.Format(v*int64(n), cur)
	return billingObj{"currency_code": cur, "value": s}
}
