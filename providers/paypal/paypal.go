package paypal

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// PayPal's servers.
const (
	ProductionURL = "https://api-m.paypal.com"
	SandboxURL    = "https://api-m.sandbox.paypal.com"
)

// Name is the provider's name, as Provider().Name() and every error's
// Provider report it.
const Name = "paypal"

// Provider returns the PayPal provider for the REST app with clientID and
// secret. It never panics: a missing credential or a bad option fails
// every call with ErrConfiguration naming it.
func Provider(clientID, secret string, opts ...Option) paykit.Provider {
	cfg := newConfig(opts)
	p := &provider{
		store:      cfg.store,
		items:      cfg.items,
		successURL: cfg.successURL,
		cancelURL:  cfg.cancelURL,
		webhookID:  cfg.webhookID,
		tolerance:  cfg.tolerance,
		offline:    cfg.offline,
		httpClient: cfg.httpClient,
		now:        cfg.now,
	}
	errs := cfg.errs
	if u, err := url.Parse(cfg.baseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs.Fail("base_url", "base URL must be an absolute http(s) URL")
	}
	if clientID == "" {
		errs.Fail("client_id", "the PayPal client id is empty")
	}
	if secret == "" {
		errs.Fail("secret", "the PayPal secret is empty")
	}
	p.cfgErr = errs.Err()
	var auth providerkit.Authenticator
	if p.cfgErr == nil {
		// PayPal's token endpoint is no part of its OpenAPI documents:
		// POST /v1/oauth2/token, HTTP Basic client id and secret.
		tokens, err := providerkit.NewClientCredentials(providerkit.ClientCredentialsConfig{
			TokenURL:     cfg.baseURL + "/v1/oauth2/token",
			ClientID:     clientID,
			ClientSecret: providerkit.NewSecret(secret),
			HTTPClient:   cfg.httpClient,
		}, providerkit.TokenManagerConfig{Provider: Name, Logger: cfg.logger, Now: cfg.now})
		if err != nil {
			p.cfgErr = err
		} else {
			auth = tokens
		}
	}
	p.api = providerkit.NewRESTClient(providerkit.RESTConfig{
		Provider:          Name,
		BaseURL:           cfg.baseURL,
		HTTPClient:        cfg.httpClient,
		Auth:              auth,
		Header:            http.Header{"User-Agent": {"paykit-go/paypal"}},
		IdempotencyHeader: "PayPal-Request-Id",
		RequestIDHeaders:  []string{"Paypal-Debug-Id"},
		MaxRetries:        cfg.maxRetries,
		BaseDelay:         cfg.baseDelay,
		MapError:          mapError,
		Logger:            cfg.logger,
	})
	return p
}

type provider struct {
	paykit.UnimplementedProvider
	api    *providerkit.RESTClient
	cfgErr error
	store  paykit.CustomerStore
	items  map[string]Item // WithItem's prices, by item id

	successURL, cancelURL string // defaults of checkouts and subscriptions

	// Webhook verification (webhooks.go).
	webhookID  string
	tolerance  time.Duration
	offline    bool
	httpClient *http.Client // fetches signing certificates offline
	certs      certCache
	now        func() time.Time
}

// String returns "paypal", the provider's name.
func (p *provider) String() string { return Name }

// Format prints the provider as its name, "paypal", whatever the verb, so
// that printing or logging it (or a struct holding it) shows no
// credential.
func (p *provider) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Name) }

// Name returns "paypal".
func (p *provider) Name() string { return Name }

// Capabilities lists what PayPal supports; each resource's file says what
// it declares and why the rest is missing. IdempotencyKeys is true: the
// writes PayPal honours PayPal-Request-Id on (orders create, authorize
// and capture; authorization capture; refund; subscription create) send
// the key, and the others (void, patch, suspend, activate, cancel), which
// take none, are safe to repeat by themselves (the package doc,
// Idempotency).
func (p *provider) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{
		Ops:             slices.Concat(customerOps, checkoutOps, paymentOps, refundOps, subscriptionOps, invoiceOps, webhookOps),
		IdempotencyKeys: true,
	}
}
