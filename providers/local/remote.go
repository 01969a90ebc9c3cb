package local

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// remote is the backend of a Simulator in remote mode (WithServerURL): a
// client of the local payments server's JSON API (package internal/wire),
// each operation and simulation helper one request. The server runs the
// engine, so the app, its hosted pages and its dashboard share one state.
type remote struct {
	guard
	api *providerkit.RESTClient
}

var _ backend = (*remote)(nil)

// newRemote returns the client of the server at c.serverURL. Its default
// HTTP client has no timeout of its own (the webhook client's 10 s would
// cut Flush's long polls); rest bounds each attempt.
func newRemote(c *config, g guard) *remote {
	var hc *http.Client
	if c.customHTTP {
		hc = c.httpClient
	}
	var auth providerkit.Authenticator
	if c.serverToken != "" {
		auth = providerkit.BearerToken(c.serverToken, "server_token")
	}
	return &remote{guard: g, api: providerkit.NewRESTClient(providerkit.RESTConfig{
		Provider:          Name,
		BaseURL:           c.serverURL,
		HTTPClient:        hc,
		Auth:              auth,
		Header:            map[string][]string{"User-Agent": {"paykit-local-client"}},
		IdempotencyHeader: wire.IdempotencyHeader,
		MaxRetries:        2,
		BaseDelay:         50 * time.Millisecond,
		MaxDelay:          time.Second,
		MapError:          remoteError,
	})}
}

// WithServerToken sends token as "Authorization: Bearer <token>" with
// every request to the local payments server of WithServerURL: the
// access token of a server shared on the network ("paykit dev
// -allow-remote -token", or $PAYKIT_DEV_TOKEN; server.Config.Token). A
// server that wants one answers a call without it with ErrAuthentication.
// Without WithServerURL it is a configuration error.
func WithServerToken(token string) Option {
	return func(c *config) { c.serverToken = token }
}

// call sends one operation to the server and decodes its answer into a
// new T: id fills the route's {id}, body is the JSON body (nil for none).
func call[T any](ctx context.Context, r *remote, op paykit.Op, id string, body any, ro *paykit.RequestOptions) (*T, error) {
	req := &providerkit.Request{JSON: body}
	if op.IsWrite() {
		// A direct call, not through a paykit.Client, brings no key: make
		// one as the Client would, so that the write is resent with it
		// once it may have reached the server, and applied at most once.
		// The RESTClient names it in the error of a write whose outcome
		// is unknown. The simulation helpers take no key.
		req.IdempotencyKey, req.GeneratedKey = providerkit.IdempotencyKey(ro)
	}
	return send[T](ctx, r, op, id, req)
}

// callList is call for a list operation.
func callList[T any](ctx context.Context, r *remote, op paykit.Op, q wire.ListQuery) (*paykit.Page[T], error) {
	p, err := send[wire.Page[T]](ctx, r, op, "", &providerkit.Request{Query: q.Values()})
	if err != nil {
		return nil, err
	}
	return (*paykit.Page[T])(p), nil
}

// send completes req with op's route and sends it.
func send[T any](ctx context.Context, r *remote, op paykit.Op, id string, req *providerkit.Request) (*T, error) {
	if err := r.check(ctx, op); err != nil {
		return nil, err
	}
	rt, ok := wire.RouteOf(op)
	if !ok {
		return nil, opError(op, paykit.NewError(paykit.CodeNotSupported, "the local server API has no route for "+string(op)))
	}
	req.Method, req.Path = rt.Method, rt.URLPath(url.PathEscape(id))
	out := new(T)
	if _, err := r.api.Do(ctx, req, out); err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}

// callDone is call for an operation whose answer carries nothing needed.
func callDone(ctx context.Context, r *remote, op paykit.Op, id string, body any, ro *paykit.RequestOptions) error {
	_, err := call[json.RawMessage](ctx, r, op, id, body, ro)
	return err
}

// remoteEvents decodes logged events as the server sent them.
func remoteEvents(evs []wire.LoggedEvent[Delivery]) ([]*LoggedEvent, error) {
	out := make([]*LoggedEvent, 0, len(evs))
	for _, e := range evs {
		ev := new(paykit.Event)
		if err := json.Unmarshal(e.Event, ev); err != nil {
			return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Message: "cannot decode an event from the server", Err: err}
		}
		ev.Raw = e.Event
		out = append(out, &LoggedEvent{Event: ev, Body: e.Event, Deliveries: e.Deliveries})
	}
	return out, nil
}

func (r *remote) CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	return call[paykit.Customer](ctx, r, paykit.OpCustomersCreate, "", (*wire.CustomerCreate)(p), ro)
}

func (r *remote) RetrieveCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	return call[paykit.Customer](ctx, r, paykit.OpCustomersRetrieve, id, nil, nil)
}

func (r *remote) UpdateCustomer(ctx context.Context, id string, p *paykit.UpdateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	return call[paykit.Customer](ctx, r, paykit.OpCustomersUpdate, id, (*wire.CustomerUpdate)(p), ro)
}

func (r *remote) DeleteCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	return callDone(ctx, r, paykit.OpCustomersDelete, id, nil, ro)
}

func (r *remote) ListCustomers(ctx context.Context, p *paykit.ListCustomersParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	return callList[paykit.Customer](ctx, r, paykit.OpCustomersList, wire.ListQuery{Limit: p.Limit, Cursor: p.Cursor, Email: p.Email})
}

func (r *remote) CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	return call[paykit.Checkout](ctx, r, paykit.OpCheckoutsCreate, "", (*wire.CheckoutCreate)(p), ro)
}

func (r *remote) RetrieveCheckout(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Checkout, error) {
	return call[paykit.Checkout](ctx, r, paykit.OpCheckoutsRetrieve, id, nil, nil)
}

func (r *remote) UpdateCheckout(ctx context.Context, id string, p *paykit.UpdateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	return call[paykit.Checkout](ctx, r, paykit.OpCheckoutsUpdate, id, (*wire.CheckoutUpdate)(p), ro)
}

func (r *remote) DeleteCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	return callDone(ctx, r, paykit.OpCheckoutsDelete, id, nil, ro)
}

func (r *remote) ListCheckouts(ctx context.Context, p *paykit.ListCheckoutsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	return callList[paykit.Checkout](ctx, r, paykit.OpCheckoutsList, wire.ListQuery{Limit: p.Limit, Cursor: p.Cursor, CustomerID: p.CustomerID})
}

func (r *remote) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, paykit.OpPaymentsCreate, "", (*wire.PaymentCreate)(p), ro)
}

func (r *remote) RetrievePayment(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, paykit.OpPaymentsRetrieve, id, nil, nil)
}

func (r *remote) UpdatePayment(ctx context.Context, id string, p *paykit.UpdatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, paykit.OpPaymentsUpdate, id, (*wire.PaymentUpdate)(p), ro)
}

func (r *remote) CapturePayment(ctx context.Context, id string, p *paykit.CapturePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, paykit.OpPaymentsCapture, id, (*wire.PaymentCapture)(p), ro)
}

func (r *remote) CancelPayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, paykit.OpPaymentsCancel, id, nil, ro)
}

func (r *remote) DeletePayment(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	return callDone(ctx, r, paykit.OpPaymentsDelete, id, nil, ro)
}

func (r *remote) ListPayments(ctx context.Context, p *paykit.ListPaymentsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	return callList[paykit.Payment](ctx, r, paykit.OpPaymentsList, wire.ListQuery{Limit: p.Limit, Cursor: p.Cursor, CustomerID: p.CustomerID})
}

func (r *remote) CreateRefund(ctx context.Context, p *paykit.CreateRefundParams, ro *paykit.RequestOptions) (*paykit.Refund, error) {
	return call[paykit.Refund](ctx, r, paykit.OpRefundsCreate, "", (*wire.RefundCreate)(p), ro)
}

func (r *remote) RetrieveRefund(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Refund, error) {
	return call[paykit.Refund](ctx, r, paykit.OpRefundsRetrieve, id, nil, nil)
}

func (r *remote) ListRefunds(ctx context.Context, p *paykit.ListRefundsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	return callList[paykit.Refund](ctx, r, paykit.OpRefundsList, wire.ListQuery{Limit: p.Limit, Cursor: p.Cursor, PaymentID: p.PaymentID})
}

func (r *remote) RetrieveInvoice(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Invoice, error) {
	return call[paykit.Invoice](ctx, r, paykit.OpInvoicesRetrieve, id, nil, nil)
}

func (r *remote) ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	return callList[paykit.Invoice](ctx, r, paykit.OpInvoicesList, wire.ListQuery{Limit: p.Limit, Cursor: p.Cursor, CustomerID: p.CustomerID, SubscriptionID: p.SubscriptionID})
}

func (r *remote) CreateSubscription(ctx context.Context, p *paykit.CreateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	return call[paykit.Subscription](ctx, r, paykit.OpSubscriptionsCreate, "", (*wire.SubscriptionCreate)(p), ro)
}

func (r *remote) RetrieveSubscription(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Subscription, error) {
	return call[paykit.Subscription](ctx, r, paykit.OpSubscriptionsRetrieve, id, nil, nil)
}

func (r *remote) UpdateSubscription(ctx context.Context, id string, p *paykit.UpdateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	return call[paykit.Subscription](ctx, r, paykit.OpSubscriptionsUpdate, id, (*wire.SubscriptionUpdate)(p), ro)
}

func (r *remote) CancelSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error) {
	return call[paykit.Subscription](ctx, r, paykit.OpSubscriptionsCancel, id, nil, ro)
}

func (r *remote) DeleteSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	return callDone(ctx, r, paykit.OpSubscriptionsDelete, id, nil, ro)
}

func (r *remote) ListSubscriptions(ctx context.Context, p *paykit.ListSubscriptionsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	return callList[paykit.Subscription](ctx, r, paykit.OpSubscriptionsList, wire.ListQuery{Limit: p.Limit, Cursor: p.Cursor, CustomerID: p.CustomerID, Status: string(p.Status)})
}

func (r *remote) PayCheckout(ctx context.Context, checkoutID string, card Card) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, OpCompleteCheckout, checkoutID, &wire.Pay{Card: string(card)}, nil)
}

func (r *remote) ConfirmPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, OpConfirmPayment, paymentID, nil, nil)
}

func (r *remote) FailPayment(ctx context.Context, paymentID string) (*paykit.Payment, error) {
	return call[paykit.Payment](ctx, r, OpFailPayment, paymentID, nil, nil)
}

func (r *remote) SetCardDeclined(ctx context.Context, customerID string, declined bool) error {
	return callDone(ctx, r, OpSetCardDeclined, customerID, &wire.Card{Declined: declined}, nil)
}

func (r *remote) CardDeclined(ctx context.Context, customerID string) (bool, error) {
	c, err := call[wire.Card](ctx, r, wire.OpCardDeclined, customerID, nil, nil)
	return err == nil && c.Declined, err
}

func (r *remote) Now(ctx context.Context) (time.Time, error) {
	c, err := call[wire.Clock](ctx, r, opNow, "", nil, nil)
	if err != nil {
		return time.Time{}, err
	}
	return c.Now, nil
}

func (r *remote) AdvanceClock(ctx context.Context, d time.Duration) error {
	return callDone(ctx, r, OpAdvanceClock, "", &wire.Advance{Duration: d.String()}, nil)
}

func (r *remote) Events(ctx context.Context) ([]*LoggedEvent, error) {
	// Page by page, so that no answer grows with the log.
	var out []*LoggedEvent
	lp := paykit.ListParams{Limit: maxLimit}
	for {
		p, err := r.EventsPage(ctx, lp)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Data...)
		if !p.HasMore {
			break
		}
		lp.Cursor = p.NextCursor
	}
	slices.Reverse(out)
	return out, nil
}

func (r *remote) EventsPage(ctx context.Context, lp paykit.ListParams) (*paykit.Page[LoggedEvent], error) {
	const op = wire.OpEvents
	evs, err := send[wire.Events[Delivery]](ctx, r, op, "", &providerkit.Request{Query: wire.ListQuery{Limit: lp.Limit, Cursor: lp.Cursor}.Values()})
	if err != nil {
		return nil, err
	}
	out, err := remoteEvents(evs.Data)
	if err != nil {
		return nil, opError(op, err)
	}
	return &paykit.Page[LoggedEvent]{Data: out, HasMore: evs.HasMore, NextCursor: evs.NextCursor}, nil
}

func (r *remote) Event(ctx context.Context, id string) (*LoggedEvent, error) {
	const op = wire.OpEvent
	ev, err := call[wire.LoggedEvent[Delivery]](ctx, r, op, id, nil, nil)
	if err != nil {
		return nil, err
	}
	out, err := remoteEvents([]wire.LoggedEvent[Delivery]{*ev})
	if err != nil {
		return nil, opError(op, err)
	}
	return out[0], nil
}

func (r *remote) Resend(ctx context.Context, eventID string) error {
	return callDone(ctx, r, wire.OpResend, eventID, nil, nil)
}

// Flush asks the server to wait for its deliveries until none is queued
// or ctx is done; the server answers at least every half a minute, so
// that no proxy times the request out.
func (r *remote) Flush(ctx context.Context) error {
	for {
		f, err := call[wire.Flushed](ctx, r, wire.OpFlush, "", nil, nil)
		if err != nil || !f.Pending {
			return err
		}
	}
}

// Endpoints is empty: the server delivers the events.
func (r *remote) Endpoints() []string { return []string{} }

// Close has nothing to stop: the server delivers the events.
func (r *remote) Close() error { return nil }
