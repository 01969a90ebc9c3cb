package stripe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/client"
	"github.com/stripe/stripe-go/v79/webhook"
)

// Name is the provider's name, the Provider field of its errors and
// events.
const Name = "stripe"

// provider is the Stripe paykit.Provider that Provider returns; it is safe
// for concurrent use.
type provider struct {
	paykit.UnimplementedProvider

	api       *client.API
	backend   *stripeapi.BackendImplementation
	retry     *retryingBackend
	key       providerkit.Secret
	tolerance time.Duration
	// successURL and cancelURL are the defaults of PaymentOptions.
	successURL, cancelURL string
	// err is the configuration error every API call returns, if any;
	// optErr is the part of it that is not about the key, which
	// ParseWebhook returns (webhooks need only the signing secret).
	err, optErr error
}

// Provider returns the Stripe provider for the secret (sk_...) or
// restricted (rk_...) API key. It never panics: a missing or malformed key
// or option makes every call fail with a CONFIGURATION_ERROR naming the
// setting, except that ParseWebhook needs no key (a service that only
// receives webhooks may pass "").
//
// Every method of the provider is one of paykit.Provider's, so the value
// is returned as a paykit.Provider: wrap it in paykit.New, or call its
// methods directly.
func Provider(key string, opts ...Option) paykit.Provider {
	s := settings{maxRetries: stripeapi.DefaultMaxNetworkRetries, tolerance: webhook.DefaultTolerance, errs: providerkit.ConfigErrors{Provider: Name}}
	for _, opt := range opts {
		if opt != nil {
			opt(&s)
		}
	}
	optErr := s.errs.Err()
	a := &provider{key: providerkit.NewSecret(key), tolerance: s.tolerance, successURL: s.successURL, cancelURL: s.cancelURL, optErr: optErr, err: optErr}
	if a.err == nil {
		a.err = checkKey(key)
	}
	hc := s.httpClient
	if hc == nil {
		hc = sharedHTTPClient()
	}
	cfg := &stripeapi.BackendConfig{
		HTTPClient: hc,
		// The provider retries (transport.go): stripe-go's sleeps between
		// retries ignore the context.
		MaxNetworkRetries: stripeapi.Int64(0),
		// paykit logs calls itself (paykit.WithLogger); stripe-go's
		// default logger would print to stderr.
		LeveledLogger: &stripeapi.LeveledLogger{Level: stripeapi.LevelNull},
		// No request metrics sent to Stripe in a header of the next
		// request: nothing paykit needs, and a JSON encoding per request.
		EnableTelemetry: stripeapi.Bool(false),
	}
	if s.baseURL != "" {
		cfg.URL = stripeapi.String(s.baseURL)
	}
	backends := stripeapi.NewBackendsWithConfig(cfg)
	a.backend, _ = backends.API.(*stripeapi.BackendImplementation)
	a.retry = &retryingBackend{once: a.backend, maxRetries: int(s.maxRetries)}
	backends.API = a.retry
	a.api = client.New(key, backends)
	return a
}

// checkKey rejects keys that cannot authenticate, without echoing them.
func checkKey(key string) error {
	switch {
	case key == "":
		return providerkit.ConfigError(Name, "key", "the Stripe API key is empty")
	case strings.HasPrefix(key, "pk_"):
		return providerkit.ConfigError(Name, "key", "the Stripe API key is a publishable key (pk_); use a secret (sk_) or restricted (rk_) key")
	case !strings.HasPrefix(key, "sk_") && !strings.HasPrefix(key, "rk_"):
		return providerkit.ConfigError(Name, "key", "the Stripe API key must be a secret (sk_) or restricted (rk_) key")
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return providerkit.ConfigError(Name, "key", "the Stripe API key holds a character no key has (whitespace or punctuation?)")
		}
	}
	return nil
}

// sharedHTTPClient is the default client of every provider in the process.
// Go's default transport keeps 2 idle connections per host, so concurrent
// calls to one API host keep opening and closing sockets; this one keeps 64.
var sharedHTTPClient = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	// 80 s is stripe-go's own default timeout for one request.
	return &http.Client{Transport: t, Timeout: 80 * time.Second}
})

// String returns "stripe", the provider's name.
func (a *provider) String() string { return Name }

// Format prints the provider as its name, "stripe", whatever the verb, so
// that printing or logging it (or a struct holding it) shows no
// credential.
func (a *provider) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Name) }

// Name returns "stripe".
func (a *provider) Name() string { return Name }

// Capabilities lists every operation except Payments.Delete (Stripe keeps
// every PaymentIntent; cancel one instead) and reports idempotency keys.
func (a *provider) Capabilities() paykit.Capabilities {
	ops := make([]paykit.Op, 0, len(paykit.AllOps()))
	for _, op := range paykit.AllOps() {
		if op != paykit.OpPaymentsDelete {
			ops = append(ops, op)
		}
	}
	return paykit.Capabilities{Ops: ops, IdempotencyKeys: true}
}

// params returns the stripe-go params of one call: its context and, for
// writes, the idempotency key the Client chose.
func (a *provider) params(ctx context.Context, ro *paykit.RequestOptions) (stripeapi.Params, error) {
	if a.err != nil {
		return stripeapi.Params{}, a.err
	}
	p := stripeapi.Params{Context: ctx}
	if ro != nil && ro.IdempotencyKey != "" {
		p.IdempotencyKey = stripeapi.String(ro.IdempotencyKey)
	}
	return p, nil
}

// listParams returns the stripe-go params of one page of a list.
func (a *provider) listParams(ctx context.Context, lp paykit.ListParams) (stripeapi.ListParams, error) {
	if a.err != nil {
		return stripeapi.ListParams{}, a.err
	}
	p := stripeapi.ListParams{Context: ctx, Single: true}
	if lp.Limit > 0 {
		p.Limit = stripeapi.Int64(int64(lp.Limit))
	}
	if lp.Cursor != "" {
		p.StartingAfter = stripeapi.String(lp.Cursor)
	}
	return p, nil
}

// page reads one page from it, converting each item with conv, which may
// drop an item by returning nil. The cursor of the next page is the id of
// the last item Stripe returned, dropped or not.
func page[S, T any](a *provider, it *stripeapi.Iter, id func(*S) string, conv func(*S) *T) (*paykit.Page[T], error) {
	out := &paykit.Page[T]{}
	var last string
	for it.Next() {
		s := it.Current().(*S)
		last = id(s)
		if item := conv(s); item != nil {
			out.Data = append(out.Data, item)
		}
	}
	if err := it.Err(); err != nil {
		return nil, a.mapErr(err)
	}
	if meta := it.Meta(); meta != nil && meta.HasMore && last != "" {
		out.HasMore, out.NextCursor = true, last
	}
	return out, nil
}

// mapped is the conversion of a page's items: their wire form, then the
// resource's one mapper.
func mapped[S, T any](wire func(*S) *wireObject, out func(*wireObject) *T) func(*S) *T {
	return func(s *S) *T { return out(wire(s)) }
}
