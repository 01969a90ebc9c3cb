package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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
