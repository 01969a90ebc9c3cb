package local

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// Option configures a Simulator in Provider.
type Option func(*config)

type config struct {
	items         map[string]Item
	itemOrder     []string
	webhookURL    string
	webhookSecret providerkit.Secret
	handler       http.Handler
	httpClient    *http.Client
	clock         func() time.Time
	pageURL       string
	store         Store
	retry         retryPolicy
	logger        *slog.Logger
	serverURL     string
	serverToken   string
	// eventRetention is how many events the log keeps.
	eventRetention int
	customHTTP     bool     // WithHTTPClient was given
	serverOpts     []string // server-side options given, refused with serverURL
	errs           providerkit.ConfigErrors
}

// UnlimitedAttempts, given to WithDeliveryRetry, retries a delivery until
// the endpoint accepts it: nothing is given up while the simulator runs.
// The local payments server delivers this way.
const UnlimitedAttempts = math.MaxInt

// retryPolicy is how a delivery is retried: at most attempts times, the
// wait doubling from the initial one up to the max, without jitter.
type retryPolicy struct {
	attempts int
	backoff  providerkit.Backoff
}

// WithItem adds a one-time price: amount in minor units of currency (1500
// USD is $15.00, 1500 JPY is ¥1500, 1500 KWD is 1.500 KD).
func WithItem(id string, amount int64, currency string) Option {
	return func(c *config) {
		c.serverSide("WithItem")
		c.addItem(Item{ID: id, Amount: amount, Currency: currency})
	}
}

// WithRecurringItem adds a recurring price that renews every interval.
func WithRecurringItem(id string, amount int64, currency string, interval paykit.BillingInterval) Option {
	return func(c *config) {
		c.serverSide("WithRecurringItem")
		if err := interval.Validate(); err != nil {
			c.errs.Fail("item", fmt.Sprintf("item %q: %v", id, err))
			return
		}
		c.addItem(Item{ID: id, Amount: amount, Currency: currency, Interval: interval})
	}
}

func (c *config) addItem(it Item) {
	cur, err := providerkit.NormalizeCurrency(it.Currency)
	switch {
	case it.ID == "":
		c.errs.Fail("item", "item id is empty")
		return
	case it.Amount < 0:
		c.errs.Fail("item", fmt.Sprintf("item %q: amount must not be negative", it.ID))
		return
	case err != nil:
		c.errs.Fail("item", fmt.Sprintf("item %q: %v", it.ID, err))
		return
	}
	it.Currency = cur
	if _, dup := c.items[it.ID]; !dup {
		c.itemOrder = append(c.itemOrder, it.ID)
	}
	c.items[it.ID] = it
}

// WithWebhookURL delivers every event by HTTP POST to url.
func WithWebhookURL(url string) Option {
	return func(c *config) {
		c.serverSide("WithWebhookURL")
		if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
			c.errs.Fail("webhook_url", "webhook URL must be an absolute http or https URL")
			return
		}
		c.webhookURL = url
	}
}

// WithWebhookSecret sets the secret deliveries are signed with, in the
// Standard Webhooks form "whsec_<base64>" (any other string is used as raw
// key bytes). Without it the simulator makes up a random one; read it with
// WebhookSecret.
func WithWebhookSecret(secret string) Option {
	return func(c *config) {
		if secret == "" {
			c.errs.Fail("webhook_secret", "webhook secret is empty")
			return
		}
		c.webhookSecret = providerkit.NewSecret(secret)
	}
}

// WithWebhookHandler delivers every event in-process to h, exactly as an
// HTTP POST to it would: typically the *paykit.Webhook of
// client.Webhooks.Setup. It may be combined with WithWebhookURL; each
// endpoint then receives every event.
func WithWebhookHandler(h http.Handler) Option {
	return func(c *config) {
		c.serverSide("WithWebhookHandler")
		c.handler = h
	}
}

// WithHTTPClient sets the client used for webhook deliveries to the URL
// (the default has a 10 s timeout) or, with WithServerURL, for the calls
// to the server (by default each attempt is bounded to 60 s).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) {
		if hc != nil {
			c.httpClient, c.customHTTP = hc, true
		}
	}
}

// WithClock sets the source of the simulated time stamped on resources and
// events (CreatedAt, billing periods, Event.Created); AdvanceClock moves
// it forward. Webhook signatures always use the real time, because the
// receiver checks them against its own clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		c.serverSide("WithClock")
		if now != nil {
			c.clock = now
		}
	}
}

// WithPaymentPageURL sets the base of every payment_url: checkouts get
// base+"/checkout/"+id, payments awaiting the payer base+"/pay/"+id.
func WithPaymentPageURL(base string) Option {
	return func(c *config) {
		c.serverSide("WithPaymentPageURL")
		if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
			c.errs.Fail("payment_page_url", "payment page URL must be an absolute http or https URL")
			return
		}
		c.pageURL = strings.TrimRight(base, "/")
	}
}

// WithStore keeps the simulator's state in s instead of a new
// MemoryStore, e.g. in a database so that it survives restarts.
func WithStore(s Store) Option {
	return func(c *config) {
		c.serverSide("WithStore")
		if s != nil {
			c.store = s
		}
	}
}

// WithDeliveryRetry sets how webhook deliveries are retried: at most
// attempts tries per endpoint (UnlimitedAttempts: until delivered),
// waiting initial after the first failure and doubling up to max. The
// default is 8 attempts from 100 ms up to 5 s.
func WithDeliveryRetry(attempts int, initial, max time.Duration) Option {
	return func(c *config) {
		c.serverSide("WithDeliveryRetry")
		if attempts < 1 || initial <= 0 || max < initial {
			c.errs.Fail("delivery_retry", "delivery retry needs attempts >= 1 and 0 < initial <= max")
			return
		}
		c.retry = retryPolicy{attempts, providerkit.Backoff{Initial: initial, Max: max}}
	}
}

// WithEventRetention keeps at most n events in the log of Events, the
// newest: each write deletes the oldest events beyond n that are no
// longer queued for delivery (an event waiting for an endpoint is kept
// whatever n says). Event and Resend of a deleted event fail with
// ErrNotFound. The default is DefaultEventRetention.
func WithEventRetention(n int) Option {
	return func(c *config) {
		c.serverSide("WithEventRetention")
		if n < 1 {
			c.errs.Fail("event_retention", "event retention must keep at least 1 event")
			return
		}
		c.eventRetention = n
	}
}

// WithLogger logs failed webhook delivery attempts at warn level.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithServerURL makes the Simulator a client of the local payments server
// at url (started with "paykit dev", or server.Start): every operation and
// simulation helper is sent to the server's API, so the app, the hosted
// checkout pages and the dashboard share one state, and payment_url points
// at the server's checkout page.
//
// The server owns the catalogue, the webhook endpoint and the store, so
// WithItem, WithRecurringItem, WithWebhookURL, WithWebhookHandler,
// WithStore, WithClock, WithPaymentPageURL, WithDeliveryRetry and
// WithEventRetention are configuration errors in this mode. Give WithWebhookSecret the server's
// secret: ParseWebhook verifies deliveries locally with the secret it is
// handed, and WebhookSecret returns this one ("" when none was given).
//
// Reads and writes are retried on connection failures and 5xx answers,
// a write always with its idempotency key: the caller's, the one a
// paykit.Client made, or, for a write called directly without one, a key
// made for the call as the Client would (a failed write's error names it
// in IdempotencyKey). Errors come back as *paykit.Error with the server's
// Code, Param and Message.
func WithServerURL(url string) Option {
	return func(c *config) {
		if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
			c.errs.Fail("server_url", "server URL must be an absolute http or https URL")
			return
		}
		c.serverURL = strings.TrimRight(url, "/")
	}
}

// serverSide notes an option that configures what a local payments
// server owns, which WithServerURL refuses.
func (c *config) serverSide(name string) { c.serverOpts = append(c.serverOpts, name) }
