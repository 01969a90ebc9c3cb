package acmepay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// Name is the provider's name, as Provider().Name() and its errors give
// it.
const Name = "acmepay"

// ProductionURL is Acme Pay's API. WithBaseURL points the provider
// elsewhere (a sandbox, a test server).
const ProductionURL = "https://api.acme-pay.example"

// Provider returns the Acme Pay provider, authenticated by the OAuth2
// client credentials clientID and secret. Like every paykit provider it
// never panics and never fails: a missing credential or a bad option
// makes every call fail with a CONFIGURATION_ERROR naming it.
func Provider(clientID, secret string, opts ...Option) paykit.Provider {
	s := newSettings(opts)
	p := &provider{cfgErr: s.errs.Err()}

	// The TokenManager fetches a token from /oauth/token on first use,
	// caches it, and fetches a new one shortly before it expires; one
	// request serves every concurrent caller. It is the RESTClient's
	// Authenticator, so each request carries "Authorization: Bearer".
	tokens, err := providerkit.NewClientCredentials(providerkit.ClientCredentialsConfig{
		TokenURL:     s.baseURL + "/oauth/token",
		ClientID:     clientID,
		ClientSecret: providerkit.NewSecret(secret),
		HTTPClient:   s.httpClient,
	}, providerkit.TokenManagerConfig{Provider: Name, Logger: s.logger})
	if err != nil && p.cfgErr == nil {
		p.cfgErr = err
	}
	var auth providerkit.Authenticator
	if tokens != nil {
		auth = tokens
	}

	// The RESTClient sends JSON, retries what is safe to retry (reads,
	// and writes carrying an idempotency key), puts Acme's request id in
	// errors and logs with secrets redacted.
	p.api = providerkit.NewRESTClient(providerkit.RESTConfig{
		Provider:          Name,
		BaseURL:           s.baseURL,
		HTTPClient:        s.httpClient,
		Auth:              auth,
		Header:            http.Header{"User-Agent": {"paykit-go/acmepay"}},
		IdempotencyHeader: "Idempotency-Key",
		MaxRetries:        s.maxRetries,
		MapError:          mapError,
		Logger:            s.logger,
	})
	return p
}

// provider embeds UnimplementedProvider, which answers ErrNotSupported
// for every operation it does not implement, and lets paykit's interface
// grow without breaking it.
type provider struct {
	paykit.UnimplementedProvider
	api    *providerkit.RESTClient
	cfgErr error // the configuration error every call fails with
}

// String returns "acmepay", the provider's name.
func (p *provider) String() string { return Name }

// Format prints the provider as its name, "acmepay", whatever the verb, so
// that printing or logging it (or a struct holding it) shows no
// credential.
func (p *provider) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Name) }

// Name returns "acmepay".
func (p *provider) Name() string { return Name }

// Capabilities lists what Acme Pay supports. The paykit Client refuses
// every other operation before calling the provider, and the conformance
// suite calls each one listed.
func (p *provider) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{
		Ops: []paykit.Op{
			paykit.OpCustomersCreate, paykit.OpCustomersRetrieve, paykit.OpCustomersList,
			paykit.OpPaymentsCreate, paykit.OpPaymentsRetrieve, paykit.OpPaymentsList,
			paykit.OpRefundsCreate, paykit.OpRefundsRetrieve,
			paykit.OpWebhooksHandle,
		},
		IdempotencyKeys: true,
	}
}

// ready fails when ctx is done or the provider is misconfigured. Every
// method calls it after checking its arguments and before anything else,
// so a canceled call always reports the context.
func (p *provider) ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return paykit.ContextError(err)
	}
	return p.cfgErr
}

// get reads path into out.
func (p *provider) get(ctx context.Context, path string, query url.Values, out any) error {
	_, err := p.api.Do(ctx, &providerkit.Request{Method: http.MethodGet, Path: path, Query: query}, out)
	return err
}

// post sends a write with the call's idempotency key, or one of its own
// for a direct call that brings none (a paykit.Client always gives one).
// The RESTClient sends it on every retry and marks a write that may have
// been applied (a 5xx, a lost answer) OutcomeUnknown with the key it
// carried, so the caller can repeat it with that key and have it applied
// at most once.
func (p *provider) post(ctx context.Context, path string, body any, opts *paykit.RequestOptions, out any) error {
	req := &providerkit.Request{Method: http.MethodPost, Path: path, JSON: body}
	req.IdempotencyKey, req.GeneratedKey = providerkit.IdempotencyKey(opts)
	_, err := p.api.Do(ctx, req, out)
	return err
}

// objectPath is prefix followed by the escaped id.
func objectPath(prefix, id string) string { return prefix + url.PathEscape(id) }

// listQuery is the query of one page: Acme's limit and opaque cursor,
// which are paykit's as they are.
func listQuery(lp paykit.ListParams) url.Values {
	q := url.Values{}
	if lp.Limit > 0 {
		q.Set("limit", strconv.Itoa(lp.Limit))
	}
	if lp.Cursor != "" {
		q.Set("cursor", lp.Cursor)
	}
	return q
}

// list fetches one page of a list and converts its items.
func list[T any](ctx context.Context, p *provider, path string, q url.Values, conv func(json.RawMessage) (*T, error)) (*paykit.Page[T], error) {
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	var page wireList
	if err := p.get(ctx, path, q, &page); err != nil {
		return nil, err
	}
	out := &paykit.Page[T]{Data: make([]*T, 0, len(page.Data)), HasMore: page.HasMore}
	if page.NextCursor != nil {
		out.NextCursor = *page.NextCursor
	}
	for _, raw := range page.Data {
		item, err := conv(raw)
		if err != nil {
			return nil, err
		}
		out.Data = append(out.Data, item)
	}
	return out, nil
}

// decode reads one of Acme's objects; an answer that does not decode is
// an OPERATION_FAILED error.
func decode[W any](raw json.RawMessage) (*W, error) {
	w := new(W)
	if err := json.Unmarshal(raw, w); err != nil {
		return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "cannot decode Acme Pay's answer: " + err.Error(), Err: err}
	}
	return w, nil
}

// amountFrom reads one of Acme's decimal amounts into minor units.
func amountFrom(amount, currency string) (int64, error) {
	n, err := providerkit.ParseDecimal(amount, currency)
	if err != nil {
		return 0, &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "cannot read Acme Pay's amount " + strconv.Quote(amount) + ": " + err.Error(), Err: err}
	}
	return n, nil
}

// noProviderMetadata refuses ProviderMetadata where Acme takes none,
// rather than drop it unseen.
func noProviderMetadata(v any, what string) error {
	if v != nil {
		return paykit.ValidationError("provider_metadata", "acmepay takes no provider metadata for "+what)
	}
	return nil
}
