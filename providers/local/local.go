package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
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
	guard

	cfg    config
	secret providerkit.Secret
	key    providerkit.Secret // the signing key, StandardWebhookKey(secret)
	// b runs the operations: the in-process engine, or the client of
	// the local payments server of WithServerURL.
	b backend
}

// backend is what a Simulator runs its operations and helpers on, with
// the Simulator's own method names: the in-process engine (engine.go) or,
// with WithServerURL, the client of a local payments server (remote.go).
// The Simulator checks the arguments both share (nil params, empty ids,
// a bad card, limit or duration) before it delegates; the backend checks
// the configuration and the context (guard) as it starts.
type backend interface {
	CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error)
	RetrieveCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Customer, error)
	UpdateCustomer(ctx context.Context, id string, p *paykit.UpdateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error)
	DeleteCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) error
	ListCustomers(ctx context.Context, p *paykit.ListCustomersParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error)

	CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error)
	RetrieveCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Checkout, error)
	UpdateCheckout(ctx context.Context, id string, p *paykit.UpdateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error)
	DeleteCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) error
	ListCheckouts(ctx context.Context, p *paykit.ListCheckoutsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error)

	CreateSubscription(ctx context.Context, p *paykit.CreateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error)
	RetrieveSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error)
	UpdateSubscription(ctx context.Context, id string, p *paykit.UpdateSubscriptionParams, ro *paykit.RequestOptions) (*paykit.Subscription, error)
	CancelSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Subscription, error)
	DeleteSubscription(ctx context.Context, id string, ro *paykit.RequestOptions) error
	ListSubscriptions(ctx context.Context, p *paykit.ListSubscriptionsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error)

	CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error)
	RetrievePayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error)
	UpdatePayment(ctx context.Context, id string, p *paykit.UpdatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error)
	CapturePayment(ctx context.Context, id string, p *paykit.CapturePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error)
	CancelPayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error)
	DeletePayment(ctx context.Context, id string, ro *paykit.RequestOptions) error
	ListPayments(ctx context.Context, p *paykit.ListPaymentsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error)

	CreateRefund(ctx context.Context, p *paykit.CreateRefundParams, ro *paykit.RequestOptions) (*paykit.Refund, error)
	RetrieveRefund(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Refund, error)
	ListRefunds(ctx context.Context, p *paykit.ListRefundsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error)

	RetrieveInvoice(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Invoice, error)
	ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error)

	PayCheckout(ctx context.Context, checkoutID string, card Card) (*paykit.Payment, error)
	ConfirmPayment(ctx context.Context, paymentID string) (*paykit.Payment, error)
	FailPayment(ctx context.Context, paymentID string) (*paykit.Payment, error)
	SetCardDeclined(ctx context.Context, customerID string, declined bool) error
	CardDeclined(ctx context.Context, customerID string) (bool, error)
	Now(ctx context.Context) (time.Time, error)
	AdvanceClock(ctx context.Context, d time.Duration) error

	Events(ctx context.Context) ([]*LoggedEvent, error)
	EventsPage(ctx context.Context, lp paykit.ListParams) (*paykit.Page[LoggedEvent], error)
	Event(ctx context.Context, id string) (*LoggedEvent, error)
	Resend(ctx context.Context, eventID string) error
	Flush(ctx context.Context) error
	Endpoints() []string
	Close() error
}

// Provider returns a new Simulator configured by opts. It returns the
// *Simulator rather than a paykit.Provider because its users drive it:
// the simulated clock, paying a checkout as its payer would, declines and
// its webhook secret. It never panics: an invalid option makes every
// operation fail with an error matching paykit.ErrConfiguration.
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
	remoteMode := cfg.serverURL != ""
	if cfg.serverToken != "" && !remoteMode {
		cfg.errs.Fail("server_token", "WithServerToken is the access token of a local payments server: give WithServerURL too")
	}
	if remoteMode && len(cfg.serverOpts) > 0 {
		cfg.errs.Fail("server_url", "with WithServerURL the server owns items, webhooks, store and clock: remove "+strings.Join(slices.Compact(slices.Sorted(slices.Values(cfg.serverOpts))), ", "))
	}
	s := &Simulator{guard: guard{cfgErr: cfg.errs.Err()}, cfg: cfg, secret: cfg.webhookSecret}
	if s.secret.IsZero() && !remoteMode {
		s.secret = providerkit.NewSecret(NewWebhookSecret())
	}
	s.key = providerkit.NewSecret(string(providerkit.StandardWebhookKey(s.secret.Reveal())))
	if remoteMode {
		s.b = newRemote(&cfg, s.guard)
	} else {
		s.b = newEngine(cfg, s.guard, s.key)
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
func (s *Simulator) WebhookSecret() string { return s.secret.Reveal() }

// String returns "local", the provider's name.
func (s *Simulator) String() string { return Name }

// Format prints the simulator as its name, "local", whatever the verb, so
// that printing or logging it (or a struct holding it) shows no webhook
// secret.
func (s *Simulator) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Name) }

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
