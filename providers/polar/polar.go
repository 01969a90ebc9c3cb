// Package polar is the paykit provider for Polar (polar.sh), API version
// 2026-10:
//
//	client := paykit.New(polar.Provider(os.Getenv("POLAR_ACCESS_TOKEN"), polar.WithSandbox()))
//
// It talks to Polar's REST API through paykit's own transport
// (internal/rest), not through github.com/polarsource/polar-go: that
// generated SDK lags the 2026-10 document (Orders.Get, for one, demands a
// field the document dropped), and it has no webhook verification. The transport never repeats a write that
// may have reached Polar, because Polar takes no idempotency keys:
// Capabilities().IdempotencyKeys is false, and an error that says "the
// request may have been applied" asks the caller to look before trying
// again.
//
// Every request carries "Polar-Version: 2026-10", which pins the API
// contract this package was built and contract-tested against (Polar
// answers requests without it with its current version, which moves every
// quarter).
//
// # Mapping
//
// Ids are Polar's UUIDs. An id that is not a UUID names nothing: Retrieve,
// Update and Delete answer ErrNotFound without calling Polar.
//
// Metadata: Polar's values may be strings, integers, numbers or booleans;
// Metadata shows the others in their JSON form ("3", "true"). Updates of
// customers, checkouts and subscriptions merge the caller's changes into
// the current metadata (read first: Polar replaces it whole); a key set to
// "" is removed, and every key the caller did not name is sent back
// exactly as Polar holds it, type included.
//
//   - Customers map to Polar customers. Polar has no phone: it is kept in
//     the reserved metadata key "__paykit" and never shown in Metadata.
//     Update merges metadata, which costs a read before the write.
//   - Checkouts map to Polar checkout sessions. Polar decides one-time or
//     recurring, and the renewal, from the product: SessionType is not
//     sent, CreateCheckoutParams.Subscription is refused, and the returned
//     Checkout reports what the product is. Quantity above 1 is sent as
//     seats, which only seat-based prices accept. Polar cannot expire a
//     checkout through the API: checkouts.delete is not supported.
//   - Subscriptions: Polar's POST /v1/subscriptions/ subscribes a customer
//     to a FREE product only. For a paid product Subscriptions.Create
//     answers a VALIDATION_ERROR on "item_id" naming the way that works:
//     Checkouts.Create with SessionType paykit.SessionRecurring. Cancel and
//     Delete revoke at once; Update sets CancelAtPeriodEnd. Polar's
//     trialing maps to SubscriptionActive (the unified model has no trial
//     state), incomplete and past_due to PastDue, canceled and unpaid to
//     Canceled, incomplete_expired to Expired, paused to Pending.
//   - Payments are Polar orders. Payments.Create opens a checkout for the
//     product (ItemID, or the product of WithPaymentProduct) at the given
//     amount and currency (an ad-hoc price; the checkout is presented in
//     that currency, and a different Billing.Currency is refused on
//     "billing.currency") and returns a pending payment with
//     RequiresAction and the checkout's PaymentURL; its ID is the
//     checkout's. Once paid, Retrieve of that ID answers the order, with the
//     order's ID. With PaymentOptions{OffSession: true} it instead creates a
//     draft order and finalizes it against a saved payment method
//     (organisations with off-session charges enabled). If finalizing
//     fails, the error carries a *DraftOrderError (errors.As) with the
//     draft order's id and whether Polar's answer proves it was not
//     charged; otherwise look the order up before charging again.
//   - Invoices are the same orders (same ids): billing_reason purchase is
//     BillingOneTime, the subscription reasons BillingRecurring; the line
//     item is the product with its seats (or 1). Polar records no payment
//     time: PaidAt is the order's creation, which a later refund or update
//     does not move. A checkout creates its order once paid; a renewal
//     paid after retries, or a draft order finalized later, was paid
//     somewhat after its PaidAt.
//   - Refunds need an amount at Polar; Amount 0 refunds what is left,
//     read from the order first, and more than what is left is a
//     VALIDATION_ERROR on "amount" before anything is sent.
//
// # Amounts and tax
//
// Every amount paykit reports for money that moved is gross: what the
// customer paid or got back, sales tax included. Polar keeps net amounts
// (after discounts, before tax) and tax apart; this package adds them up:
//
//   - Payment.Amount is the order's total_amount (net_amount +
//     tax_amount). AmountCaptured, and an Invoice's AmountPaid, is what
//     the payment method was charged: total_amount plus the customer
//     balance Polar applied (applied_balance_amount, negative when a
//     credit paid part of it). AmountRefunded is refunded_amount +
//     refunded_tax_amount, so AmountCaptured - AmountRefunded is what can
//     still be refunded.
//   - Refund.Amount is the refund's amount + tax_amount.
//   - Refunds.Create takes the gross Amount to give back. Polar's refund
//     takes a net amount and adds tax in the order's ratio (tax_amount /
//     net_amount, rounded half to even; all the tax left when all the net
//     amount left is refunded), so the provider sends the net amount that
//     gives Amount exactly. Some gross amounts have none (at 20% tax, 3
//     falls between 2 and 4): they are refused with a VALIDATION_ERROR on
//     "amount" naming the two nearest, before anything is sent.
//   - Checkout.Amount (and the Payment of an unpaid checkout) is the
//     checkout's total_amount: tax included once Polar has computed it.
//   - Inputs are prices: Payments.Create's Amount is the ad-hoc price of
//     the product, to which Polar adds tax when the product's tax is
//     exclusive, so the returned Payment's Amount may be larger.
//     Subscription.Amount is Polar's price per period, before tax.
//
// # Webhooks
//
// Deliveries are verified as Standard Webhooks, keyed by the endpoint's
// secret exactly as Polar shows it (its raw bytes, "whsec_" prefix
// included: it is not base64-decoded). MappedEvents lists the native events
// that become unified ones; subscribe the endpoint to those. Every other
// verified event comes back as paykit.EventUnknown.
package polar

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/internal/rest"
)

// Servers and the API version this package speaks.
const (
	ProductionURL = "https://api.polar.sh"
	SandboxURL    = "https://sandbox-api.polar.sh"
	// APIVersion is sent in the Polar-Version header of every request.
	APIVersion = "2026-10"
)

// name is the provider's Name.
const name = "polar"

// Option configures the provider.
type Option func(*config)

type config struct {
	baseURL        string
	httpClient     *http.Client
	maxRetries     int
	logger         *slog.Logger
	paymentProduct string
	baseDelay      time.Duration
}

// WithSandbox sends requests to Polar's sandbox, SandboxURL.
func WithSandbox() Option { return func(c *config) { c.baseURL = SandboxURL } }

// WithBaseURL sends requests to baseURL (scheme and host), e.g. a test
// server.
func WithBaseURL(baseURL string) Option { return func(c *config) { c.baseURL = baseURL } }

// WithHTTPClient sends requests with hc instead of a client of its own.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.httpClient = hc } }

// WithMaxRetries sets how many times a failed call that is safe to repeat
// is tried again (default 2; 0 never). Writes that may have reached Polar
// are never repeated.
func WithMaxRetries(n int) Option { return func(c *config) { c.maxRetries = max(n, 0) } }

// WithLogger logs every HTTP attempt and retry at debug level, with the
// access token and other secrets redacted.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithPaymentProduct names the product Payments.Create sells when its
// params carry no ItemID. Polar charges for products only; the payment's
// amount and currency become an ad-hoc price of that product.
func WithPaymentProduct(productID string) Option {
	return func(c *config) { c.paymentProduct = productID }
}

// withBackoff sets the first retry delay, for tests.
func withBackoff(d time.Duration) Option { return func(c *config) { c.baseDelay = d } }

// Provider returns the Polar provider authenticated by an organization
// access token. It never panics: an empty token or a bad base URL fails
// every call with ErrConfiguration.
func Provider(accessToken string, opts ...Option) paykit.Provider {
	cfg := config{baseURL: ProductionURL, maxRetries: rest.DefaultMaxRetries}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	p := &provider{paymentProduct: cfg.paymentProduct}
	if u, err := url.Parse(cfg.baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.cfgErr = &paykit.Error{Code: paykit.CodeConfiguration, Provider: name, Param: "base_url", Message: "base URL must be an absolute http(s) URL"}
	}
	p.api = rest.New(rest.Config{
		Provider:   name,
		BaseURL:    cfg.baseURL,
		HTTPClient: cfg.httpClient,
		Auth:       rest.BearerToken(accessToken, "access_token"),
		Header: http.Header{
			"Polar-Version": {APIVersion},
			"User-Agent":    {"paykit-go/polar"},
		},
		// Polar honours no idempotency keys: none is sent.
		IdempotencyHeader: "",
		MaxRetries:        cfg.maxRetries,
		BaseDelay:         cfg.baseDelay,
		MapError:          mapError,
		Logger:            cfg.logger,
	})
	return p
}

type provider struct {
	paykit.UnimplementedProvider
	api            *rest.Client
	cfgErr         error
	paymentProduct string
}

// Name returns "polar".
func (p *provider) Name() string { return name }

// Capabilities lists what Polar supports. Polar cannot expire a checkout,
// has no update for payments (orders), and captures at once; it takes no
// idempotency keys.
func (p *provider) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{
		Ops: []paykit.Op{
			paykit.OpCustomersCreate, paykit.OpCustomersRetrieve, paykit.OpCustomersUpdate, paykit.OpCustomersDelete, paykit.OpCustomersList,
			paykit.OpCheckoutsCreate, paykit.OpCheckoutsRetrieve, paykit.OpCheckoutsUpdate, paykit.OpCheckoutsList,
			paykit.OpSubscriptionsCreate, paykit.OpSubscriptionsRetrieve, paykit.OpSubscriptionsUpdate, paykit.OpSubscriptionsCancel,
			paykit.OpSubscriptionsDelete, paykit.OpSubscriptionsList,
			paykit.OpPaymentsCreate, paykit.OpPaymentsRetrieve, paykit.OpPaymentsList,
			paykit.OpRefundsCreate, paykit.OpRefundsRetrieve, paykit.OpRefundsList,
			paykit.OpInvoicesRetrieve, paykit.OpInvoicesList,
			paykit.OpWebhooksHandle,
		},
		IdempotencyKeys: false,
	}
}

// call is one request to Polar. fields translates Polar's names of the
// request's fields into paykit's params, for validation errors.
type call struct {
	method string
	path   string
	query  url.Values
	body   any
	fields map[string]string
}

// do sends c and decodes a 2xx answer into out.
func (p *provider) do(ctx context.Context, c call, out any) error {
	if err := p.ready(ctx); err != nil {
		return err
	}
	_, err := p.api.Do(ctx, &rest.Request{Method: c.method, Path: c.path, Query: c.query, JSON: c.body}, out)
	if err != nil {
		return translateParam(err, c.fields)
	}
	return nil
}

// ready fails when ctx is done or the provider is misconfigured, before
// any local check, so that a canceled call always reports the context.
func (p *provider) ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return paykit.ContextError(err)
	}
	return p.cfgErr
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidPattern.MatchString(s) }

// idPath returns prefix+id, or ErrNotFound for an id that cannot name a
// Polar object.
func idPath(resource, prefix, id string) (string, error) {
	if !isUUID(id) {
		return "", paykit.NotFoundError(resource, id)
	}
	return prefix + id, nil
}

// checkID refuses an id param that is not a Polar UUID.
func checkID(param, id string) error {
	if !isUUID(id) {
		return paykit.ValidationError(param, param+" is not a Polar id (a UUID)")
	}
	return nil
}

// listQuery returns the page/limit query of a list call. The cursor is the
// page number.
func listQuery(lp paykit.ListParams) (url.Values, int, error) {
	page := 1
	if lp.Cursor != "" {
		n, err := strconv.Atoi(lp.Cursor)
		if err != nil || n < 1 {
			return nil, 0, paykit.ValidationError("cursor", "cursor is not one this provider returned")
		}
		page = n
	}
	q := url.Values{"page": {strconv.Itoa(page)}}
	if lp.Limit > 0 {
		q.Set("limit", strconv.Itoa(lp.Limit))
	}
	return q, page, nil
}

// listPage is the envelope of Polar's lists.
type listPage struct {
	Items      []json.RawMessage `json:"items"`
	Pagination struct {
		TotalCount int `json:"total_count"`
		MaxPage    int `json:"max_page"`
	} `json:"pagination"`
}

// list fetches one page and converts its items. ids are filters by Polar
// id (empty ones are left out); one that is not a UUID names nothing, so
// the page is empty. extra are other filters.
func list[T any](ctx context.Context, p *provider, path string, lp paykit.ListParams, ids map[string]string, extra url.Values, conv func(json.RawMessage) (*T, error)) (*paykit.Page[T], error) {
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	q, page, err := listQuery(lp)
	if err != nil {
		return nil, err
	}
	for k, v := range ids {
		if v == "" {
			continue
		}
		if !isUUID(v) {
			return &paykit.Page[T]{}, nil
		}
		q.Set(k, v)
	}
	for k, vs := range extra {
		q[k] = vs
	}
	var res listPage
	if err := p.do(ctx, call{method: http.MethodGet, path: path, query: q}, &res); err != nil {
		return nil, err
	}
	out := &paykit.Page[T]{Data: make([]*T, 0, len(res.Items))}
	for _, raw := range res.Items {
		item, err := conv(raw)
		if err != nil {
			return nil, err
		}
		out.Data = append(out.Data, item)
	}
	if page < res.Pagination.MaxPage {
		out.HasMore = true
		out.NextCursor = strconv.Itoa(page + 1)
	}
	return out, nil
}

// currency returns Polar's lower-case form of an ISO 4217 code.
func currency(code string) string { return strings.ToLower(code) }

// isoCurrency returns the paykit (upper-case) form of Polar's currency.
func isoCurrency(code string) string { return strings.ToUpper(code) }

func utc(t time.Time) time.Time { return t.UTC() }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// get fetches one object and converts it.
func get[T any](ctx context.Context, p *provider, c call, conv func(json.RawMessage) (*T, error)) (*T, error) {
	var raw json.RawMessage
	if err := p.do(ctx, c, &raw); err != nil {
		return nil, err
	}
	return conv(raw)
}

// decode reads one of Polar's objects; a body that does not decode is an
// OPERATION_FAILED error.
func decode[W any](raw json.RawMessage) (*W, error) {
	w := new(W)
	if err := json.Unmarshal(raw, w); err != nil {
		return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: name, Message: "cannot decode Polar's answer: " + err.Error(), Err: err}
	}
	return w, nil
}
