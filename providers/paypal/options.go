package paypal

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// Option configures the provider.
type Option func(*config)

type config struct {
	baseURL               string
	httpClient            *http.Client
	maxRetries            int
	baseDelay             time.Duration
	logger                *slog.Logger
	successURL, cancelURL string
	webhookID             string
	tolerance             time.Duration
	offline               bool
	store                 paykit.CustomerStore
	items                 map[string]Item
	errs                  providerkit.ConfigErrors
	now                   func() time.Time
}

// DefaultWebhookTolerance is how far a delivery's paypal-transmission-time
// may be from now.
const DefaultWebhookTolerance = 5 * time.Minute

func newConfig(opts []Option) *config {
	c := &config{baseURL: ProductionURL, maxRetries: providerkit.DefaultMaxRetries, tolerance: DefaultWebhookTolerance,
		errs: providerkit.ConfigErrors{Provider: Name}, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	if c.store == nil {
		c.store = paykit.NewMemoryCustomerStore()
	}
	return c
}

// WithSandbox sends requests to PayPal's sandbox, SandboxURL.
func WithSandbox() Option { return func(c *config) { c.baseURL = SandboxURL } }

// WithBaseURL sends requests to baseURL (scheme and host), e.g. a test
// server.
func WithBaseURL(baseURL string) Option { return func(c *config) { c.baseURL = baseURL } }

// WithHTTPClient sends requests, and fetches webhook signing certificates,
// with hc instead of a client of its own.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.httpClient = hc } }

// WithMaxRetries sets how many times a failed call that is safe to repeat
// is tried again (default 2; 0 never).
func WithMaxRetries(n int) Option { return func(c *config) { c.maxRetries = max(n, 0) } }

// WithLogger logs every HTTP attempt and retry at debug level, with the
// secret, tokens and card data redacted.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithReturnURLs sets where PayPal sends the payer after approving
// (success) or cancelling (cancel) a checkout or subscription whose params
// give no URL of their own.
func WithReturnURLs(success, cancel string) Option {
	return func(c *config) { c.successURL, c.cancelURL = success, cancel }
}

// WithWebhookID pins the webhook (its id, as PayPal's dashboard or API
// gave it) whose deliveries ParseWebhook verifies. It is optional: the
// secret ParseWebhook is given (paykit.WebhookConfig.Secret) is the
// webhook id; with WithWebhookID set, another secret is refused.
func WithWebhookID(id string) Option { return func(c *config) { c.webhookID = id } }

// WithOfflineWebhookVerification verifies deliveries without calling
// PayPal's verify-webhook-signature API: the CRC32 of the body, the
// transmission id and time and the webhook id, signed with the
// certificate at paypal-cert-url, fetched from PayPal's own hosts only and
// cached.
func WithOfflineWebhookVerification() Option { return func(c *config) { c.offline = true } }

// WithWebhookTolerance sets how far a delivery's paypal-transmission-time
// may be from now (default DefaultWebhookTolerance).
func WithWebhookTolerance(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.errs.Fail("webhook_tolerance", "the webhook tolerance must be positive")
			return
		}
		c.tolerance = d
	}
}

// WithCustomerStore keeps customers in store (e.g. one on your database,
// shared by every instance) instead of in this process's memory.
func WithCustomerStore(store paykit.CustomerStore) Option {
	return func(c *config) {
		if store == nil {
			c.errs.Fail("customer_store", "WithCustomerStore was given a nil store")
			return
		}
		c.store = store
	}
}

// Item is a product at a price, which checkouts name by its ItemID:
// PayPal's orders carry their amounts and have no price objects, so
// paykit keeps the prices a program sells at (WithItem) or takes one per
// call (CheckoutOptions.Item).
type Item struct {
	// Name is the item's name on PayPal's pages (at most 127 characters);
	// the item id when empty.
	Name string
	// Amount is the unit price in minor units of Currency (ISO 4217).
	Amount int64
	// Currency is one PayPal takes (see the package doc).
	Currency string
}

// WithItem registers the item id names, for checkouts and payments whose
// ItemID is id. An id is at most 127 characters (it travels as the
// item's sku); a bad item fails every call with ErrConfiguration.
func WithItem(id string, item Item) Option {
	return func(c *config) {
		switch {
		case id == "" || len(id) > 127:
			c.errs.Fail("item", "an item id must have 1 to 127 characters")
			return
		case item.Amount <= 0:
			c.errs.Fail("item", "item "+id+" has no positive amount")
			return
		}
		if _, err := toMoney(item.Amount, item.Currency); err != nil {
			c.errs.Fail("item", "item "+id+": "+err.Error())
			return
		}
		if c.items == nil {
			c.items = map[string]Item{}
		}
		c.items[id] = item
	}
}

// withClock replaces the clock of token expiry and webhook tolerance, for
// tests.
func withClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// withBackoff sets the first retry delay, for tests.
func withBackoff(d time.Duration) Option { return func(c *config) { c.baseDelay = d } }
