package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// Name is the provider name the simulator reports.
const Name = "local"

// DefaultPaymentPageURL is the base of payment_url when WithPaymentPageURL
// is not given. The .invalid domain never resolves: nothing serves these
// pages unless a local payments server is configured.
const DefaultPaymentPageURL = "https://pay.paykit.invalid"

// Item is a price the simulator sells: an amount in minor units of
// Currency, recurring when Interval is set.
type Item struct {
	ID       string
	Amount   int64
	Currency string
	// Interval is the renewal period of a recurring item; zero for a
	// one-time item.
	Interval paykit.BillingInterval
}

// Recurring reports whether the item renews.
func (it Item) Recurring() bool { return !it.Interval.IsZero() }

// Option configures a Simulator in Provider.
type Option func(*config)

type config struct {
	items         map[string]Item
	itemOrder     []string
	webhookURL    string
	webhookSecret string
	handler       http.Handler
	httpClient    *http.Client
	clock         func() time.Time
	pageURL       string
	store         Store
	retry         retryPolicy
	logger        *slog.Logger
	serverURL     string
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
		c.webhookSecret = secret
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

// Simulator is the local provider: a paykit.Provider whose state lives in
// a Store (memory by default), plus helpers that play the payer, the bank
// and the passing of time. Create it with Provider. It is safe for
// concurrent use. Call Close when done to stop webhook delivery.
type Simulator struct {
	paykit.UnimplementedProvider

	cfg     config
	cfgErr  error
	store   Store
	secret  string
	key     []byte
	targets []target
	// remote is the client of the local payments server of
	// WithServerURL; nil in-process.
	remote *providerkit.RESTClient
	// webhookClient posts deliveries: a copy of the configured client
	// that does not follow redirects.
	webhookClient *http.Client
	// id names this simulator in the delivery leases it takes.
	id string
	// orphans holds the vanished endpoints whose queued deliveries were
	// warned about.
	orphans sync.Map

	// The delivery worker: started on the first event, stopped by Close.
	worker    sync.Once
	wake      chan struct{}
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once
	progress  chan struct{} // closed and replaced after each delivery round
	progMu    sync.Mutex
}

// Provider returns a new Simulator configured by opts. It never panics: an
// invalid option makes every operation fail with an error matching
// paykit.ErrConfiguration.
func Provider(opts ...Option) *Simulator {
	cfg := config{
		items:      map[string]Item{},
		httpClient: &http.Client{Timeout: 10 * time.Second},
		clock:      time.Now,
		pageURL:    DefaultPaymentPageURL,
		errs:       providerkit.ConfigErrors{Provider: Name, Prefix: "invalid local provider option: "},
		retry:      retryPolicy{attempts: 8, backoff: providerkit.Backoff{Initial: 100 * time.Millisecond, Max: 5 * time.Second}},

		eventRetention: DefaultEventRetention,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	s := &Simulator{
		cfg:      cfg,
		store:    cfg.store,
		secret:   cfg.webhookSecret,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		progress: make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	wc := *cfg.httpClient
	wc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.webhookClient = &wc
	s.id = newID("sim")
	if s.store == nil {
		s.store = NewMemoryStore()
	}
	if s.secret == "" {
		s.secret = NewWebhookSecret()
	}
	s.key = providerkit.StandardWebhookKey(s.secret)
	if cfg.webhookURL != "" {
		s.targets = append(s.targets, target{name: cfg.webhookURL, url: cfg.webhookURL})
	}
	if cfg.handler != nil {
		s.targets = append(s.targets, target{name: HandlerEndpoint, handler: cfg.handler})
	}
	if cfg.serverURL != "" {
		if len(cfg.serverOpts) > 0 {
			cfg.errs.Fail("server_url", "with WithServerURL the server owns items, webhooks, store and clock: remove "+strings.Join(slices.Compact(slices.Sorted(slices.Values(cfg.serverOpts))), ", "))
		}
		s.remote, s.targets, s.store = newRemote(&cfg), nil, nil
		s.secret = cfg.webhookSecret
		s.key = providerkit.StandardWebhookKey(s.secret)
	}
	if err := cfg.errs.Err(); err != nil {
		s.cfgErr = err
		return s
	}
	if cfg.store != nil && s.remote == nil {
		s.notify() // deliveries a previous simulator left queued in the store
	}
	return s
}

// NewWebhookSecret returns a new random signing secret in the Standard
// Webhooks form "whsec_<base64 of 24 bytes>".
func NewWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// Name returns "local".
func (s *Simulator) Name() string { return Name }

// Capabilities lists every operation; idempotency keys are honoured.
func (s *Simulator) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{Ops: paykit.AllOps(), IdempotencyKeys: true}
}

// WebhookSecret returns the secret deliveries are signed with: the one of
// WithWebhookSecret, or the random one made up at creation. Give it to
// client.Webhooks.Setup. A client of a local server (WithServerURL)
// returns the WithWebhookSecret it was given, or "".
func (s *Simulator) WebhookSecret() string { return s.secret }

// Items returns the configured items in the order they were added.
func (s *Simulator) Items() []Item {
	out := make([]Item, 0, len(s.cfg.itemOrder))
	for _, id := range s.cfg.itemOrder {
		out = append(out, s.cfg.items[id])
	}
	return out
}

// Item returns the item with id, and false when there is none.
func (s *Simulator) Item(id string) (Item, bool) {
	it, ok := s.cfg.items[id]
	return it, ok
}

// Err returns the configuration error every operation fails with, or nil
// when the options were valid.
func (s *Simulator) Err() error { return s.cfgErr }
