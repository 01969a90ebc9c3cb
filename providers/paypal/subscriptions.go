package paypal

import (
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

// Billing Subscriptions v1: a subscription is one payer's approval of a
// plan (P-...), created APPROVAL_PENDING with an approve link and active
// once the payer approved it. PayPal has no subscription list, and
// changes plan and quantity only by a revision the payer approves again,
// so neither is offered.
const (
	subscriptionsPath = "/v1/billing/subscriptions"
	plansPath         = "/v1/billing/plans/"
)

// subscriptionOps are the subscriptions operations PayPal supports. List
// is missing: PayPal lists no subscriptions (there is no such endpoint).
// Delete cancels, as at most providers.
var subscriptionOps = []paykit.Op{
	paykit.OpSubscriptionsCreate,
	paykit.OpSubscriptionsRetrieve,
	paykit.OpSubscriptionsUpdate,
	paykit.OpSubscriptionsCancel,
	paykit.OpSubscriptionsDelete,
}

// UpdateSubscriptionOptions are PayPal's options of
// Subscriptions.Update, passed as UpdateSubscriptionParams.ProviderMetadata.
// They are applied after a metadata change, if any.
type UpdateSubscriptionOptions struct {
	// Suspend suspends an active subscription (POST .../suspend): PayPal
	// bills nothing until it is activated again, and the subscription
	// reads canceled meanwhile (see the package doc).
	Suspend bool
	// Activate reactivates a suspended subscription (POST .../activate).
	Activate bool
	// Reason is the note PayPal keeps with the change (at most 128
	// characters); empty sends "Suspended through paykit" or "Activated
	// through paykit".
	Reason string
}

// subscriptionPath is the path of subscription id, with suffix.
func subscriptionPath(id, suffix string) string {
	return subscriptionsPath + "/" + url.PathEscape(id) + suffix
}

// isSubscriptionID reports whether id names a Billing subscription
// ("I-..."), which is also the id of a recurring checkout, rather than an
// order.
func isSubscriptionID(id string) bool { return strings.HasPrefix(id, "I-") }

// getPlan reads plan id. When param is set, an unknown plan is a
// VALIDATION_ERROR on it rather than a RESOURCE_NOT_FOUND.
func (p *provider) getPlan(ctx context.Context, id, param string) (*wirePlan, error) {
	var plan wirePlan
	if _, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodGet, Path: plansPath + url.PathEscape(id)}, &plan); err != nil {
		if param != "" && errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.ValidationError(param, "PayPal has no plan "+strconv.Quote(id))
		}
		return nil, err
	}
	return &plan, nil
}

// regularCycle returns the plan's first regular billing cycle, the one
// that renews: its price and frequency are the subscription's. A trial
// before it is not the subscription's price.
func regularCycle(plan *wirePlan) *wireBillingCycle {
	var best *wireBillingCycle
	for i := range plan.BillingCycles {
		c := &plan.BillingCycles[i]
		if c.TenureType == "REGULAR" && (best == nil || c.Sequence < best.Sequence) {
			best = c
		}
	}
	return best
}

// planInterval returns how often the plan renews: its unit and count (at
// least 1); the zero interval for a plan without a regular cycle.
func planInterval(plan *wirePlan) (paykit.BillingInterval, int) {
	c := regularCycle(plan)
	if c == nil {
		return paykit.BillingInterval{}, 0
	}
	iv, _ := paykit.ParseInterval(strings.ToLower(c.Frequency.IntervalUnit))
	return iv, max(c.Frequency.IntervalCount, 1)
}

// planPrice returns the plan's fixed price of one unit, in paykit minor
// units, and its currency; 0 and "" for a plan priced in tiers.
func planPrice(plan *wirePlan) (int64, string, error) {
	c := regularCycle(plan)
	if c == nil || c.PricingScheme == nil || c.PricingScheme.FixedPrice == nil {
		return 0, "", nil
	}
	return parseMoney(c.PricingScheme.FixedPrice)
}

// parseMoney reads PayPal money into paykit minor units and an upper-case
// currency; an amount paykit cannot read is an OPERATION_FAILED.
func parseMoney(m *money) (int64, string, error) {
	n, cur, err := fromMoney(m)
	if err != nil {
		return 0, cur, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "PayPal sent an amount paykit cannot read: " + m.Value + " " + cur, Err: err}
	}
	return n, cur, nil
}

// checkPlanPrice refuses inline price details that disagree with the plan:
// PayPal bills the plan's own.
func checkPlanPrice(plan *wirePlan, amount int64, currency string, iv paykit.BillingInterval, count int, field string) error {
	price, cur, err := planPrice(plan)
	if err != nil {
		return err
	}
	if amount != 0 && amount != price {
		return paykit.ValidationError("amount", "PayPal plan "+plan.ID+" costs "+strconv.FormatInt(price, 10)+" "+cur+" a period; leave amount 0")
	}
	if currency != "" && !strings.EqualFold(currency, cur) {
		return paykit.ValidationError("currency", "PayPal plan "+plan.ID+" is priced in "+cur)
	}
	piv, pcount := planInterval(plan)
	if !iv.IsZero() && (iv != piv || max(count, 1) != pcount) {
		return paykit.ValidationError(field, "PayPal plan "+plan.ID+" renews every "+strconv.Itoa(pcount)+" "+piv.String())
	}
	return nil
}

// subscriberOf returns the subscriber PayPal is told of, from the
// customer store when payee is a customer id, and that id.
func (p *provider) subscriberOf(ctx context.Context, payee paykit.Payee) (*billingSubscriber, string, error) {
	if payee.ID == "" {
		if payee.Email == "" {
			return nil, "", paykit.ValidationError("customer", "customer is required: a customer id or an email")
		}
		return &billingSubscriber{EmailAddress: payee.Email}, "", nil
	}
	c, err := p.store.Retrieve(ctx, payee.ID)
	if err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, "", paykit.ValidationError("customer", "no customer "+strconv.Quote(payee.ID)+" in the customer store")
		}
		return nil, "", err
	}
	sub := &billingSubscriber{EmailAddress: c.Email}
	if name := strings.TrimSpace(c.Name); name != "" {
		given, surname, _ := strings.Cut(name, " ")
		sub.Name = &billingName{GivenName: given, Surname: strings.TrimSpace(surname)}
	}
	return sub, payee.ID, nil
}

// returnURLs are where PayPal sends the payer after approving and after
// cancelling: the call's own, else the provider's WithReturnURLs; one
// missing is the other. Both empty sends no application_context.
func returnURLs(success, cancel, defSuccess, defCancel string) (string, string) {
	if success == "" {
		success = defSuccess
	}
	if cancel == "" {
		cancel = defCancel
	}
	if success == "" {
		success = cancel
	}
	if cancel == "" {
		cancel = success
	}
	return success, cancel
}

// billingCreate is what a subscription or a recurring checkout asks of
// POST /v1/billing/subscriptions.
type billingCreate struct {
	payee             paykit.Payee
	plan              *wirePlan
	quantity          int64
	metadata          map[string]string
	successURL        string
	cancelURL         string
	idempotencyKeyFor *paykit.RequestOptions
}

// createBillingSubscription creates the subscription in, answered as
// PayPal represents it, and its JSON.
func (p *provider) createBillingSubscription(ctx context.Context, in billingCreate) (*wireSubscription, json.RawMessage, error) {
	if err := providerkit.RefuseReserved(in.metadata); err != nil {
		return nil, nil, err
	}
	if in.plan.Status != "" && in.plan.Status != "ACTIVE" {
		return nil, nil, paykit.ValidationError("item_id", "PayPal plan "+in.plan.ID+" is "+in.plan.Status+": only an ACTIVE plan takes subscribers")
	}
	body := subscriptionCreate{PlanID: in.plan.ID}
	if in.quantity > 1 && !in.plan.QuantitySupported {
		return nil, nil, paykit.ValidationError("quantity", "PayPal plan "+in.plan.ID+" takes no quantity: subscribe to one unit, or use a plan with quantity_supported")
	}
	if in.plan.QuantitySupported && in.quantity > 0 {
		body.Quantity = strconv.FormatInt(in.quantity, 10)
	}
	subscriber, customerID, err := p.subscriberOf(ctx, in.payee)
	if err != nil {
		return nil, nil, err
	}
	body.Subscriber = subscriber
	if body.CustomID, err = encodeCustomID(customData{Customer: customerID, Metadata: providerkit.CloneMetadata(in.metadata)}); err != nil {
		return nil, nil, err
	}
	if in.successURL != "" {
		body.ApplicationContext = &billingAppContext{UserAction: "SUBSCRIBE_NOW", ReturnURL: in.successURL, CancelURL: in.cancelURL}
	}
	var raw json.RawMessage
	if _, err := p.write(ctx, http.MethodPost, subscriptionsPath, body, keyOf(in.idempotencyKeyFor), &raw); err != nil {
		return nil, nil, err
	}
	w, err := decodeSubscription(raw)
	return w, raw, err
}

// decodeSubscription reads PayPal's subscription JSON.
func decodeSubscription(raw json.RawMessage) (*wireSubscription, error) {
	var w wireSubscription
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "PayPal sent a subscription paykit cannot read", Err: err}
	}
	return &w, nil
}

// readSubscription reads subscription id and its plan.
func (p *provider) readSubscription(ctx context.Context, id string) (*wireSubscription, *wirePlan, json.RawMessage, error) {
	w, raw, err := p.readSubscriptionOnly(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	plan, err := p.getPlan(ctx, w.PlanID, "")
	if err != nil {
		return nil, nil, nil, err
	}
	return w, plan, raw, nil
}

// readSubscriptionOnly reads subscription id.
func (p *provider) readSubscriptionOnly(ctx context.Context, id string) (*wireSubscription, json.RawMessage, error) {
	var raw json.RawMessage
	if _, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodGet, Path: subscriptionPath(id, "")}, &raw); err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, nil, paykit.NotFoundError("subscription", id)
		}
		return nil, nil, err
	}
	w, err := decodeSubscription(raw)
	return w, raw, err
}

// parseBillingTime reads a PayPal date_time; the zero time when s is
// empty or unreadable.
func parseBillingTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// subscriptionStatus maps w's status through subscriptionStatuses (an
// unknown one is pending), refined by its billing_info: an ACTIVE
// subscription whose last payments failed, which PayPal retries, is
// past_due, and an EXPIRED one that was never paid is expired.
func subscriptionStatus(w *wireSubscription) paykit.SubscriptionStatus {
	s, ok := subscriptionStatuses[w.Status]
	if !ok {
		return paykit.SubscriptionPending
	}
	bi := w.BillingInfo
	switch {
	case w.Status == "ACTIVE" && bi != nil && bi.FailedPaymentsCount > 0:
		return paykit.SubscriptionPastDue
	case w.Status == "EXPIRED" && (bi == nil || bi.LastPayment == nil):
		return paykit.SubscriptionExpired
	}
	return s
}

// approveLink returns the link where the payer approves w, or "".
func approveLink(w *wireSubscription) string {
	for _, l := range w.Links {
		if l.Rel == "approve" {
			return l.Href
		}
	}
	return ""
}

// subscriptionQuantity reads w's quantity; 1 when PayPal gives none, 0
// when it is not a whole number (PayPal takes decimal quantities; Raw has
// it).
func subscriptionQuantity(w *wireSubscription) int64 {
	if w.Quantity == "" {
		return 1
	}
	n, err := strconv.ParseInt(w.Quantity, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// period returns w's current period. Once PayPal bills it, the period
// runs from the last payment to next_billing_time; before the first
// payment (APPROVAL_PENDING), from start_time for one of the plan's
// intervals; once ended, it is the last paid period.
func period(w *wireSubscription, iv paykit.BillingInterval, count int) (start, end time.Time) {
	start = parseBillingTime(w.StartTime)
	if start.IsZero() {
		start = parseBillingTime(w.CreateTime)
	}
	if bi := w.BillingInfo; bi != nil {
		if bi.LastPayment != nil {
			if t := parseBillingTime(bi.LastPayment.Time); !t.IsZero() {
				start = t
			}
		}
		end = parseBillingTime(bi.NextBillingTime)
	}
	if iv.IsZero() {
		return start, end
	}
	if end.IsZero() && !start.IsZero() {
		end = iv.AddTo(start, count)
	}
	if start.IsZero() && !end.IsZero() {
		start = iv.AddTo(end, -count)
	}
	return start, end
}

// subscriptionFrom maps PayPal's subscription w on plan (raw its JSON).
// Without the plan (an event's subscription: events carry no plan), the
// Amount and Currency are those of the last payment, none before the
// first, and there is no BillingInterval.
func subscriptionFrom(w *wireSubscription, plan *wirePlan, raw json.RawMessage) (*paykit.Subscription, error) {
	data := decodeCustomID(w.CustomID)
	qty := subscriptionQuantity(w)
	var iv paykit.BillingInterval
	var count int
	var amount int64
	var currency string
	if plan != nil {
		iv, count = planInterval(plan)
		price, cur, err := planPrice(plan)
		if err != nil {
			return nil, err
		}
		amount, currency = price*max(qty, 1), cur
	} else if bi := w.BillingInfo; bi != nil && bi.LastPayment != nil && bi.LastPayment.Amount != nil {
		var err error
		if amount, currency, err = parseMoney(bi.LastPayment.Amount); err != nil {
			return nil, err
		}
	}
	start, end := period(w, iv, count)
	s := &paykit.Subscription{
		ID:                   w.ID,
		Customer:             payeeOf(data.Customer, w.Subscriber),
		Amount:               amount,
		Currency:             currency,
		Status:               subscriptionStatus(w),
		CurrentPeriodStart:   start,
		CurrentPeriodEnd:     end,
		ItemID:               w.PlanID,
		Quantity:             qty,
		BillingInterval:      iv,
		BillingIntervalCount: count,
		Metadata:             data.Metadata,
		CreatedAt:            parseBillingTime(w.CreateTime),
		Raw:                  raw,
	}
	if w.Status == "APPROVAL_PENDING" {
		s.PaymentURL = approveLink(w)
		s.RequiresAction = s.PaymentURL != ""
	}
	if s.Status == paykit.SubscriptionCanceled {
		if t := parseBillingTime(w.StatusUpdateTime); !t.IsZero() {
			s.CanceledAt = &t
		}
	}
	return s, nil
}

// payeeOf is the customer of a subscription: the store's customer id
// paykit kept in custom_id, else the subscriber's email.
func payeeOf(customerID string, sub *billingSubscriber) paykit.Payee {
	if customerID != "" {
		return paykit.CustomerID(customerID)
	}
	if sub != nil && sub.EmailAddress != "" {
		return paykit.CustomerEmail(sub.EmailAddress)
	}
	return paykit.Payee{}
}

// CreateSubscription subscribes the payer to PayPal plan ItemID (P-...):
// the plan is read, then POST /v1/billing/subscriptions. The answer is
// pending, with RequiresAction and the approve link as PaymentURL, where
// the payer approves it; it is active once they did. The customer id and
// metadata are kept in custom_id, at most 127 characters. The payer
// returns to the provider's WithReturnURLs. Amount, Currency and
// BillingInterval, when set, must be the plan's.
func (p *provider) CreateSubscription(ctx context.Context, params *paykit.CreateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.ProviderMetadata != nil {
		return nil, paykit.ValidationError("provider_metadata", "paypal takes no provider metadata when creating a subscription")
	}
	if params.ItemID == "" {
		return nil, paykit.ValidationError("item_id", "item_id, the PayPal plan id, is required")
	}
	plan, err := p.getPlan(ctx, params.ItemID, "item_id")
	if err != nil {
		return nil, err
	}
	if err := checkPlanPrice(plan, params.Amount, params.Currency, params.BillingInterval, 1, "billing_interval"); err != nil {
		return nil, err
	}
	success, cancel := returnURLs("", "", p.successURL, p.cancelURL)
	w, raw, err := p.createBillingSubscription(ctx, billingCreate{payee: params.Customer, plan: plan, quantity: params.Quantity,
		metadata: params.Metadata, successURL: success, cancelURL: cancel, idempotencyKeyFor: ro})
	if err != nil {
		return nil, err
	}
	return subscriptionFrom(w, plan, raw)
}

// RetrieveSubscription returns a subscription: GET the subscription and
// its plan (for the price and the interval).
func (p *provider) RetrieveSubscription(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := p.readyFor(ctx, id); err != nil {
		return nil, err
	}
	w, plan, raw, err := p.readSubscription(ctx, id)
	if err != nil {
		return nil, err
	}
	return subscriptionFrom(w, plan, raw)
}

// UpdateSubscription changes an active or suspended subscription (PayPal
// patches no other): Metadata is merged into what custom_id holds and
// written back (PATCH custom_id); UpdateSubscriptionOptions suspends or
// activates it. ItemID and Quantity are refused (PayPal changes them by a
// revision the payer approves again), and so is CancelAtPeriodEnd true:
// PayPal cannot schedule a cancellation. CancelAtPeriodEnd false changes
// nothing, since none is ever scheduled.
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
	opts, err := providerkit.OptionsOf[UpdateSubscriptionOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.Suspend && opts.Activate:
		return nil, paykit.ValidationError("provider_metadata", "set Suspend or Activate, not both")
	case len(opts.Reason) > 128:
		return nil, paykit.ValidationError("provider_metadata", "Reason is longer than 128 characters")
	case params.ItemID != "":
		return nil, paykit.ValidationError("item_id", "PayPal moves a subscription to another plan only by a revision the payer approves again; "+
			"cancel it and subscribe the payer to the new plan")
	case params.Quantity != nil:
		return nil, paykit.ValidationError("quantity", "PayPal changes a subscription's quantity only by a revision the payer approves again; "+
			"cancel it and subscribe anew")
	case params.CancelAtPeriodEnd != nil && *params.CancelAtPeriodEnd:
		return nil, paykit.ValidationError("cancel_at_period_end", "PayPal cannot schedule a cancellation at the end of the period: "+
			"Cancel ends the subscription at once, so call it when CurrentPeriodEnd comes")
	}
	if err := providerkit.RefuseReserved(params.Metadata); err != nil {
		return nil, err
	}
	var applied []string
	if params.Metadata != nil {
		cur, _, err := p.readSubscriptionOnly(ctx, id)
		if err != nil {
			return nil, err
		}
		if cur.Status != "ACTIVE" && cur.Status != "SUSPENDED" {
			return nil, &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name, Param: "id",
				Message: "PayPal changes active or suspended subscriptions only; " + id + " is " + cur.Status}
		}
		data := decodeCustomID(cur.CustomID)
		data.Metadata = providerkit.MergeMetadata(data.Metadata, params.Metadata)
		value, err := encodeCustomID(data)
		if err != nil {
			return nil, err
		}
		if value == "" {
			value = "{}" // custom_id takes add and replace, not remove
		}
		op := "replace"
		if cur.CustomID == "" {
			op = "add"
		}
		// subscriptions.patch takes no PayPal-Request-Id; it sets a value,
		// so repeating it changes nothing more (as orders.patch).
		patch := []billingPatch{{Op: op, Path: "/custom_id", Value: value}}
		if _, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodPatch, Path: subscriptionPath(id, ""), JSON: patch}, nil); err != nil {
			return nil, err
		}
		applied = append(applied, "metadata")
	}
	if opts.Suspend || opts.Activate {
		action, reason := "/suspend", "Suspended through paykit"
		if opts.Activate {
			action, reason = "/activate", "Activated through paykit"
		}
		if opts.Reason != "" {
			reason = opts.Reason
		}
		target := "SUSPENDED"
		if opts.Activate {
			target = "ACTIVE"
		}
		req := &providerkit.Request{Method: http.MethodPost, Path: subscriptionPath(id, action), JSON: billingReason{Reason: reason}}
		if _, err := p.send(ctx, req, writeKey{}, nil); err != nil {
			if sub, ok := p.reachedState(ctx, id, err, target); ok {
				return sub, nil
			}
			return nil, alreadyApplied(err, applied)
		}
	}
	return p.RetrieveSubscription(ctx, id, nil)
}

// reachedState answers a suspend, activate or cancel of subscription id
// that failed with err: the subscription, when err is PayPal's refusal of
// its status (SUBSCRIPTION_STATUS_INVALID, ErrInvalidState) or an outcome
// unknown, and reading the subscription shows it in one of the states
// the write leads to (a lost answer, or a repeat). These writes take no
// PayPal-Request-Id: this is what makes them safe to repeat by
// themselves. A write whose outcome stays unknown is then Retryable.
func (p *provider) reachedState(ctx context.Context, id string, err error, states ...string) (*paykit.Subscription, bool) {
	pe, ok := err.(*paykit.Error)
	if !ok || !(pe.OutcomeUnknown || pe.Code == paykit.CodeInvalidState) || ctx.Err() != nil {
		return nil, false
	}
	w, plan, raw, rerr := p.readSubscription(ctx, id)
	if rerr != nil {
		return nil, false
	}
	if slices.Contains(states, w.Status) {
		sub, merr := subscriptionFrom(w, plan, raw)
		return sub, merr == nil
	}
	if pe.OutcomeUnknown {
		pe.Retryable = true
	}
	return nil, false
}

// alreadyApplied notes in err which changes were applied before it.
func alreadyApplied(err error, applied []string) error {
	pe, ok := paykit.AsError(err)
	if !ok || len(applied) == 0 {
		return err
	}
	cp := *pe
	cp.Message += " (already applied: " + strings.Join(applied, ", ") + ")"
	return &cp
}

// cancelReason is the note PayPal keeps with a cancellation.
const cancelReason = "Canceled through paykit"

// CancelSubscription cancels an active or suspended subscription at once
// (POST .../cancel) and returns it, canceled. PayPal bills nothing more;
// it refunds nothing. Canceling a canceled subscription returns it as it
// is. One still awaiting the payer's approval cannot be canceled at
// PayPal: that is a CONSTRAINT_VIOLATION (it is never billed unless
// approved).
func (p *provider) CancelSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	if err := p.readyFor(ctx, id); err != nil {
		return nil, err
	}
	// subscriptions.cancel takes no PayPal-Request-Id: it is sent without
	// one, and a lost answer or a refusal of the status is settled by
	// reading the subscription (reachedState).
	req := &providerkit.Request{Method: http.MethodPost, Path: subscriptionPath(id, "/cancel"), JSON: billingReason{Reason: cancelReason}}
	if _, err := p.send(ctx, req, writeKey{}, nil); err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.NotFoundError("subscription", id)
		}
		pe, ok := paykit.AsError(err)
		if !ok || (pe.StatusCode != http.StatusUnprocessableEntity && !pe.OutcomeUnknown) {
			return nil, err
		}
		// PayPal refuses to cancel a subscription that is not active or
		// suspended: answer one already canceled (a retry), or say why.
		if sub, ok := p.reachedState(ctx, id, err, "CANCELLED", "EXPIRED"); ok {
			return sub, nil
		}
		if pe.StatusCode == http.StatusUnprocessableEntity {
			if w, _, rerr := p.readSubscriptionOnly(ctx, id); rerr == nil && (w.Status == "APPROVAL_PENDING" || w.Status == "APPROVED") {
				return nil, &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name, StatusCode: pe.StatusCode, RequestID: pe.RequestID, Param: "id",
					Message: "PayPal cancels active or suspended subscriptions only; " + id + " is " + w.Status + ": it awaits the payer and is never billed unless approved", Err: err}
			}
		}
		return nil, err
	}
	return p.RetrieveSubscription(ctx, id, nil)
}

// DeleteSubscription cancels a subscription at once, as Cancel: PayPal
// deletes none.
func (p *provider) DeleteSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	_, err := p.CancelSubscription(ctx, id, ro)
	return err
}

// createRecurringCheckout is CreateCheckout for SessionRecurring: a
// Billing subscription to plan ItemID (as CreateSubscription), answered as
// a checkout whose id is the subscription's (I-...) and whose PaymentURL
// is its approve link. The payer returns to SuccessURL or CancelURL (the
// provider's WithReturnURLs when unset). Subscription, when set, must be
// the plan's interval. It reads no ProviderMetadata (CreateCheckout's own
// options are its caller's) and sends no Billing: PayPal asks the payer at
// approval.
func (p *provider) createRecurringCheckout(ctx context.Context, params *paykit.CreateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.ItemID == "" {
		return nil, paykit.ValidationError("item_id", "item_id, the PayPal plan id, is required")
	}
	plan, err := p.getPlan(ctx, params.ItemID, "item_id")
	if err != nil {
		return nil, err
	}
	if s := params.Subscription; s != nil {
		if err := checkPlanPrice(plan, 0, "", s.BillingInterval, s.BillingIntervalCount, "subscription.billing_interval"); err != nil {
			return nil, err
		}
	}
	success, cancel := returnURLs(params.SuccessURL, params.CancelURL, p.successURL, p.cancelURL)
	w, raw, err := p.createBillingSubscription(ctx, billingCreate{payee: params.Customer, plan: plan, quantity: params.Quantity,
		metadata: params.Metadata, successURL: success, cancelURL: cancel, idempotencyKeyFor: ro})
	if err != nil {
		return nil, err
	}
	co, err := checkoutFromSubscription(w, plan, raw)
	if err != nil {
		return nil, err
	}
	co.SuccessURL, co.CancelURL = success, cancel
	return co, nil
}

// retrieveRecurringCheckout is RetrieveCheckout of a recurring checkout,
// id a subscription's (isSubscriptionID): the subscription read again, as
// a checkout. SuccessURL and CancelURL are empty: PayPal does not return
// them.
func (p *provider) retrieveRecurringCheckout(ctx context.Context, id string) (*paykit.Checkout, error) {
	if err := p.readyFor(ctx, id); err != nil {
		return nil, err
	}
	w, plan, raw, err := p.readSubscription(ctx, id)
	if err != nil {
		if errors.Is(err, paykit.ErrNotFound) {
			return nil, paykit.NotFoundError("checkout", id)
		}
		return nil, err
	}
	return checkoutFromSubscription(w, plan, raw)
}

// checkoutFromSubscription maps the subscription behind a recurring
// checkout: open until the payer approved it, complete (naming the
// subscription) after.
func checkoutFromSubscription(w *wireSubscription, plan *wirePlan, raw json.RawMessage) (*paykit.Checkout, error) {
	sub, err := subscriptionFrom(w, plan, raw)
	if err != nil {
		return nil, err
	}
	status, ok := recurringCheckoutStatuses[w.Status]
	if !ok {
		status = paykit.CheckoutOpen
	}
	if sub.Status == paykit.SubscriptionExpired {
		status = paykit.CheckoutExpired
	}
	co := &paykit.Checkout{
		ID:          w.ID,
		Customer:    sub.Customer,
		PaymentURL:  approveLink(w),
		Metadata:    sub.Metadata,
		SessionType: paykit.SessionRecurring,
		Products:    []paykit.LineItem{{ID: w.PlanID, Quantity: max(sub.Quantity, 1)}},
		Currency:    sub.Currency,
		Amount:      sub.Amount,
		Subscription: &paykit.CheckoutSubscription{
			BillingInterval: sub.BillingInterval, BillingIntervalCount: sub.BillingIntervalCount,
		},
		Status:    status,
		CreatedAt: sub.CreatedAt,
		Raw:       raw,
	}
	if status == paykit.CheckoutComplete {
		co.SubscriptionID = w.ID
	}
	return co, nil
}
