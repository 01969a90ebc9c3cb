package acmepay

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/paykit-go/paykit/providerkit"
)

// Option configures the provider; pass them to Provider.
type Option func(*settings)

// settings are what the options set. errs keeps every option found
// wrong: Provider cannot fail, so each call fails instead, with a
// CONFIGURATION_ERROR naming the first.
type settings struct {
	baseURL    string
	httpClient *http.Client
	logger     *slog.Logger
	maxRetries int
	errs       providerkit.ConfigErrors
}

func newSettings(opts []Option) *settings {
	s := &settings{
		baseURL:    ProductionURL,
		maxRetries: providerkit.DefaultMaxRetries,
		errs:       providerkit.ConfigErrors{Provider: Name, Prefix: "invalid acmepay option: "},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// WithBaseURL sends every request, the token request included, to
// baseURL (scheme, host and optional path) instead of ProductionURL.
func WithBaseURL(baseURL string) Option {
	return func(s *settings) {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			s.errs.Fail("base_url", "WithBaseURL needs an absolute http or https URL")
			return
		}
		s.baseURL = strings.TrimRight(baseURL, "/")
	}
}

// WithHTTPClient sends requests with hc instead of a client of the
// provider's own.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) {
		if hc == nil {
			s.errs.Fail("http_client", "WithHTTPClient needs a client")
			return
		}
		s.httpClient = hc
	}
}

// WithLogger logs every HTTP attempt, retry and token request at debug
// level, with tokens and secrets redacted.
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithMaxRetries sets how many times a failed call that is safe to repeat
// is tried again (default providerkit.DefaultMaxRetries; 0 never).
func WithMaxRetries(n int) Option {
	return func(s *settings) {
		if n < 0 {
			s.errs.Fail("max_retries", "WithMaxRetries needs 0 or more")
			return
		}
		s.maxRetries = n
	}
}
