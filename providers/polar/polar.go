package polar

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// Servers and the API version this package speaks.
const (
	ProductionURL = "https://api.polar.sh"
	SandboxURL    = "https://sandbox-api.polar.sh"
	// APIVersion is sent in the Polar-Version header of every request.
	APIVersion = "2026-10"
)

// Name is the provider's name, as Provider().Name() and every error's
// Provider report it.
const Name = "polar"

// Provider returns the Polar provider authenticated by an organization
// access token. It never panics: an empty token or a bad base URL fails
// every call with ErrConfiguration.
func Provider(accessToken string, opts ...Option) paykit.Provider {
	cfg := config{baseURL: ProductionURL, maxRetries: providerkit.DefaultMaxRetries}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	p := &provider{paymentProduct: cfg.paymentProduct}
	if u, err := url.Parse(cfg.baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.cfgErr = providerkit.ConfigError(Name, "base_url", "base URL must be an absolute http(s) URL")
	}
	p.api = providerkit.NewRESTClient(providerkit.RESTConfig{
		Provider:   Name,
		BaseURL:    cfg.baseURL,
		HTTPClient: cfg.httpClient,
		Auth:       providerkit.BearerToken(accessToken, "access_token"),
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
	api            *providerkit.RESTClient
	cfgErr         error
	paymentProduct string
}

// String returns "polar", the provider's name.
func (p *provider) String() string { return Name }

// Format prints the provider as its name, "polar", whatever the verb, so
// that printing or logging it (or a struct holding it) shows no
// credential.
func (p *provider) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Name) }

// Name returns "polar".
func (p *provider) Name() string { return Name }

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
	_, err := p.api.Do(ctx, &providerkit.Request{Method: c.method, Path: c.path, Query: c.query, JSON: c.body}, out)
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
		return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "cannot decode Polar's answer: " + err.Error(), Err: err}
	}
	return w, nil
}
