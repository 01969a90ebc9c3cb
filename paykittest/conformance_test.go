package paykittest_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local"
)

// harness drives the local provider, optionally wrapped by a defect.
func harness(wrap func(*local.Simulator) paykit.Provider) paykittest.Harness {
	return paykittest.Harness{
		NewProvider: func(t *testing.T) paykit.Provider {
			sim := local.Provider(
				local.WithItem("price_usd", 2500, "USD"),
				local.WithItem("price_jpy", 500, "JPY"),
				local.WithItem("price_kwd", 1500, "KWD"),
				local.WithRecurringItem("price_pro", 1900, "USD", paykit.IntervalMonth),
			)
			t.Cleanup(func() { _ = sim.Close() })
			return wrap(sim)
		},
		Items:         []paykittest.Item{{ID: "price_usd", Amount: 2500, Currency: "USD"}, {ID: "price_jpy", Amount: 500, Currency: "JPY"}, {ID: "price_kwd", Amount: 1500, Currency: "KWD"}},
		RecurringItem: paykittest.Item{ID: "price_pro", Amount: 1900, Currency: "USD"},
		CompleteCheckout: func(ctx context.Context, p paykit.Provider, id string) error {
			_, err := p.(interface {
				CompleteCheckout(context.Context, string) (*paykit.Payment, error)
			}).CompleteCheckout(ctx, id)
			return err
		},
		SignedDeliveries: deliveries,
		SignAt:           signAt,
	}
}

// deliveries runs a purchase and a refund on a simulator and returns the
// deliveries of the events it logged, signed now, with its secret.
func deliveries(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) {
	sim := local.Provider(local.WithItem("price_usd", 2500, "USD"))
	t.Cleanup(func() { _ = sim.Close() })
	ctx := context.Background()
	client := paykit.New(sim)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("buyer@example.com"),
		ItemID: "price_usd", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/ok"})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := sim.CompleteCheckout(ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	logged, err := sim.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []*paykit.WebhookRequest
	for _, e := range logged {
		reqs = append(reqs, sim.SignedRequest(e.Event.ID, e.Body))
	}
	return reqs, sim.WebhookSecret()
}

// signAt signs req as the simulator's worker signs a delivery at time at.
func signAt(_ *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest {
	h := req.Header.Clone()
	maps.Copy(h, providerkit.StandardWebhookHeaders(providerkit.StandardWebhookKey(secret), req.Header.Get("webhook-id"), at, req.Body))
	return &paykit.WebhookRequest{Body: req.Body, Header: h, URL: req.URL}
}

// majorUnits reports checkout amounts in major units, the TypeScript
// PayKit's mistake with some providers.
type majorUnits struct{ *local.Simulator }

func (m majorUnits) CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	co, err := m.Simulator.CreateCheckout(ctx, p, o)
	if co != nil {
		co.Amount /= 100
	}
	return co, err
}

// nilOnMissing answers (nil, nil) for unknown payments, as TS did.
type nilOnMissing struct{ *local.Simulator }

func (m nilOnMissing) RetrievePayment(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Payment, error) {
	p, err := m.Simulator.RetrievePayment(ctx, id, o)
	if errors.Is(err, paykit.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// doubleCharge ignores idempotency keys on payments.
type doubleCharge struct{ *local.Simulator }

func (m doubleCharge) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	fresh := *o
	fresh.IdempotencyKey += "-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	return m.Simulator.CreatePayment(ctx, p, &fresh)
}

// underclaims leaves refunds.retrieve out of its capabilities yet serves
// it, so Capabilities lies about what the provider does.
type underclaims struct{ *local.Simulator }

func (m underclaims) Capabilities() paykit.Capabilities {
	c := m.Simulator.Capabilities()
	c.Ops = removeOp(c.Ops, paykit.OpRefundsRetrieve)
	return c
}

func removeOp(ops []paykit.Op, drop paykit.Op) []paykit.Op {
	var out []paykit.Op
	for _, op := range ops {
		if op != drop {
			out = append(out, op)
		}
	}
	return out
}

// overclaims declares payments.delete and subscriptions.delete, as the
// simulator does, but does not implement them.
type overclaims struct{ *local.Simulator }

func (overclaims) DeletePayment(context.Context, string, *paykit.RequestOptions) error {
	return paykit.ErrNotSupported
}

func (overclaims) DeleteSubscription(context.Context, string, *paykit.RequestOptions) error {
	return errors.New("subscriptions.delete: not implemented yet")
}

// sharedEventID gives payment events the id of their payment, not of the
// event: payment.created and payment.updated of one payment share an id,
// so paykit's de-duplication drops the second.
type sharedEventID struct{ *local.Simulator }

func (m sharedEventID) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	events, err := m.Simulator.ParseWebhook(ctx, req, secret)
	for _, e := range events {
		if p := e.Payment(); p != nil {
			e.ID = p.ID
		}
	}
	return events, err
}

// freshEventID gives every event a new id each time it is parsed, so a
// redelivery is never recognised.
type freshEventID struct{ *local.Simulator }

func (m freshEventID) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	events, err := m.Simulator.ParseWebhook(ctx, req, secret)
	for _, e := range events {
		e.ID += "-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	}
	return events, err
}

// noReplayWindow accepts genuine deliveries signed at any time.
type noReplayWindow struct{ *local.Simulator }

func (m noReplayWindow) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	key := providerkit.StandardWebhookKey(secret)
	if _, _, err := providerkit.VerifyStandardWebhook(key, req.Header, req.Body, 100*365*24*time.Hour, time.Now()); err == nil {
		req = signAt(nil, req, secret, time.Now())
	}
	return m.Simulator.ParseWebhook(ctx, req, secret)
}

// ignoresCancel expires checkouts even for a caller that has gone away.
type ignoresCancel struct{ *local.Simulator }

func (m ignoresCancel) DeleteCheckout(ctx context.Context, id string, o *paykit.RequestOptions) error {
	return m.Simulator.DeleteCheckout(context.WithoutCancel(ctx), id, o)
}

// derefsParams reads the params of CreateCustomer before anything checks
// them, so a direct call with nil params panics.
type derefsParams struct{ *local.Simulator }

func (m derefsParams) CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, o *paykit.RequestOptions) (*paykit.Customer, error) {
	if p.Email == "" {
		return nil, paykit.ValidationError("email", "email is required")
	}
	return m.Simulator.CreateCustomer(ctx, p, o)
}

// emptyIDDeletes expires "the" checkout of an empty id without a word,
// as the Stripe provider did when it sent DELETE /v1/checkout/sessions/.
type emptyIDDeletes struct{ *local.Simulator }

func (m emptyIDDeletes) DeleteCheckout(ctx context.Context, id string, o *paykit.RequestOptions) error {
	if id == "" {
		return nil
	}
	return m.Simulator.DeleteCheckout(ctx, id, o)
}

// nilListPage answers nil list params with no page and no error.
type nilListPage struct{ *local.Simulator }

func (m nilListPage) ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	if p == nil {
		return nil, nil
	}
	return m.Simulator.ListInvoices(ctx, p, o)
}

// defect is a defective provider, and what its harness says.
type defect struct {
	wrap    func(*local.Simulator) paykit.Provider
	harness func(*paykittest.Harness)
}

var defects = map[string]defect{
	"major-units":      {wrap: func(s *local.Simulator) paykit.Provider { return majorUnits{s} }},
	"nil-on-missing":   {wrap: func(s *local.Simulator) paykit.Provider { return nilOnMissing{s} }},
	"undeclared-op":    {wrap: func(s *local.Simulator) paykit.Provider { return underclaims{s} }},
	"double-charge":    {wrap: func(s *local.Simulator) paykit.Provider { return doubleCharge{s} }},
	"unimplemented-op": {wrap: func(s *local.Simulator) paykit.Provider { return overclaims{s} }},
	"shared-event-id":  {wrap: func(s *local.Simulator) paykit.Provider { return sharedEventID{s} }},
	"fresh-event-id":   {wrap: func(s *local.Simulator) paykit.Provider { return freshEventID{s} }},
	"no-replay-window": {wrap: func(s *local.Simulator) paykit.Provider { return noReplayWindow{s} }},
	"ignores-cancel":   {wrap: func(s *local.Simulator) paykit.Provider { return ignoresCancel{s} }},
	"nil-params-panic": {wrap: func(s *local.Simulator) paykit.Provider { return derefsParams{s} }},
	"empty-id-deletes": {wrap: func(s *local.Simulator) paykit.Provider { return emptyIDDeletes{s} }},
	"nil-list-page":    {wrap: func(s *local.Simulator) paykit.Provider { return nilListPage{s} }},
	// A sound provider, but its harness cannot sign deliveries, so the
	// webhooks.handle it declares would go unchecked.
	"unsigned-harness": {
		wrap:    func(s *local.Simulator) paykit.Provider { return s },
		harness: func(h *paykittest.Harness) { h.SignedDeliveries, h.SignAt = nil, nil },
	},
	// The harness owns up to not exercising the deletes: the provider
	// still may not say they are unimplemented.
	"unimplemented-op-listed": {
		wrap: func(s *local.Simulator) paykit.Provider { return overclaims{s} },
		harness: func(h *paykittest.Harness) {
			h.Unexercised = append(h.Unexercised, paykit.OpPaymentsDelete, paykit.OpSubscriptionsDelete)
		},
	},
}

func TestLocalProviderConforms(t *testing.T) {
	if os.Getenv("PAYKITTEST_DEFECT") != "" {
		return
	}
	paykittest.RunConformance(t, harness(func(s *local.Simulator) paykit.Provider { return s }))
}

// TestDefectiveProvider is run in a child process by
// TestConformanceCatchesDefects, with one defect at a time.
func TestDefectiveProvider(t *testing.T) {
	d, ok := defects[os.Getenv("PAYKITTEST_DEFECT")]
	if !ok {
		return
	}
	h := harness(d.wrap)
	if d.harness != nil {
		d.harness(&h)
	}
	paykittest.RunConformance(t, h)
}

// TestConformanceCatchesDefects proves the suite can fail: each defective
// provider must fail it, with the failure that names its defect.
func TestConformanceCatchesDefects(t *testing.T) {
	want := map[string]string{
		"major-units":             "want 7500 USD (minor units)",
		"nil-on-missing":          "provider payments.retrieve of an unknown id returned <nil>",
		"double-charge":           "the same idempotency key charged twice",
		"undeclared-op":           "provider refunds.retrieve (undeclared) returned",
		"unimplemented-op":        "payments.delete is declared, but no call of it with valid input succeeded",
		"unimplemented-op-listed": "subscriptions.delete is declared, but the provider answers",
		"shared-event-id":         "paykit's de-duplication drops the later",
		"fresh-event-id":          "parsed twice gave event ids",
		"no-replay-window":        "a genuine delivery signed a year ago: got error <nil>",
		"unsigned-harness":        "webhooks.handle is declared, but the harness cannot sign deliveries",
		"ignores-cancel":          "provider checkouts.delete with a canceled context returned",
		"nil-params-panic":        "provider customers.create called directly (CreateCustomer) with nil params, nil options: panicked: runtime error: invalid memory address or nil pointer dereference",
		"empty-id-deletes":        `provider checkouts.delete called directly (DeleteCheckout) with "" id: returned no error, want a VALIDATION_ERROR naming "id"`,
		"nil-list-page":           "provider invoices.list called directly (ListInvoices) with nil params: returned a nil result and no error",
	}
	for defect, msg := range want {
		t.Run(defect, func(t *testing.T) {
			out, err := runChild("TestDefectiveProvider", "PAYKITTEST_DEFECT", defect)
			if err == nil {
				t.Fatalf("the conformance suite passed a provider with defect %q:\n%s", defect, out)
			}
			if !strings.Contains(string(out), msg) {
				t.Fatalf("defect %q failed the suite, but not with %q:\n%s", defect, msg, out)
			}
		})
	}
}

// runChild runs the test named test of this binary in a child process,
// with env set to value, and returns its output.
func runChild(test, env, value string) ([]byte, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+value)
	return cmd.CombinedOutput()
}
