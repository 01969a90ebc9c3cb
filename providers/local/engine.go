package local

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/paykit-go/paykit/providerkit"
)

// engine is the in-process backend of a Simulator: the state machines
// over its Store, and the worker delivering their events to the
// configured endpoints. A local payments server runs one, which remote
// mode talks to.
type engine struct {
	guard

	cfg     config
	store   Store
	key     providerkit.Secret // the webhook signing key
	targets []target
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

var _ backend = (*engine)(nil)

// newEngine returns the engine of cfg, signing deliveries with key. With
// a valid configuration it starts on the deliveries a previous simulator
// left queued in the store of WithStore.
func newEngine(cfg config, g guard, key providerkit.Secret) *engine {
	s := &engine{
		guard:    g,
		cfg:      cfg,
		store:    cfg.store,
		key:      key,
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
	if cfg.webhookURL != "" {
		s.targets = append(s.targets, target{name: cfg.webhookURL, url: cfg.webhookURL})
	}
	if cfg.handler != nil {
		s.targets = append(s.targets, target{name: HandlerEndpoint, handler: cfg.handler})
	}
	if cfg.store != nil && g.cfgErr == nil {
		s.notify() // deliveries a previous simulator left queued in the store
	}
	return s
}
