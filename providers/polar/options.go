package polar

import (
	"log/slog"
	"net/http"
	"time"
)

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
