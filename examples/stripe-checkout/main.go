// Command stripe-checkout is a one-product shop on Stripe Checkout through
// paykit: a Buy button creates a checkout and redirects the buyer to
// Stripe's payment page, and the paykit webhook handler marks the order
// paid when Stripe reports it.
//
//	STRIPE_SECRET_KEY=sk_test_... STRIPE_WEBHOOK_SECRET=whsec_... \
//	STRIPE_PRICE=price_... go run ./examples/stripe-checkout
//
// Then open http://127.0.0.1:8080 and point a Stripe webhook endpoint (or
// `stripe listen --forward-to 127.0.0.1:8080/webhooks`) at /webhooks. With
// STRIPE_API_BASE set (e.g. http://127.0.0.1:12111) it talks to stripe-mock
// instead of Stripe.
//
// Settings (environment): STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and
// STRIPE_PRICE are required; STRIPE_API_BASE, ADDR (default
// 127.0.0.1:8080) and PUBLIC_URL (default http://ADDR) are optional.
package main

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/stripe"
)

// config is the shop's configuration.
type config struct {
	Key, WebhookSecret, Price string
	// APIBase, when set, replaces Stripe's API URL (stripe-mock).
	APIBase string
	// Addr is where the shop listens; PublicURL is how buyers reach it.
	Addr, PublicURL string
}

// configFromEnv reads the configuration, naming every missing setting.
func configFromEnv(getenv func(string) string) (config, error) {
	cfg := config{
		Key:           getenv("STRIPE_SECRET_KEY"),
		WebhookSecret: getenv("STRIPE_WEBHOOK_SECRET"),
		Price:         getenv("STRIPE_PRICE"),
		APIBase:       getenv("STRIPE_API_BASE"),
		Addr:          getenv("ADDR"),
		PublicURL:     getenv("PUBLIC_URL"),
	}
	var missing []error
	for _, s := range []struct{ name, v string }{{"STRIPE_SECRET_KEY", cfg.Key}, {"STRIPE_WEBHOOK_SECRET", cfg.WebhookSecret}, {"STRIPE_PRICE", cfg.Price}} {
		if s.v == "" {
			missing = append(missing, fmt.Errorf("%s is not set", s.name))
		}
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + cfg.Addr
	}
	return cfg, errors.Join(missing...)
}

// shop is the web app: its orders are the checkouts it created.
type shop struct {
	http.Handler
	cfg    config
	client *paykit.Client
	log    *slog.Logger

	mu   sync.Mutex
	paid map[string]bool // checkout id -> paid
}

// newShop returns the shop, an http.Handler.
func newShop(cfg config, log *slog.Logger) *shop {
	opts := []stripe.Option{stripe.WithReturnURLs(cfg.PublicURL+"/success", cfg.PublicURL+"/")}
	if cfg.APIBase != "" {
		opts = append(opts, stripe.WithBaseURL(cfg.APIBase))
	}
	s := &shop{cfg: cfg, client: paykit.New(stripe.Provider(cfg.Key, opts...), paykit.WithDefaultTimeout(30*time.Second)), log: log, paid: map[string]bool{}}

	hooks := s.client.Webhooks.Setup(paykit.WebhookConfig{Secret: cfg.WebhookSecret, Logger: log})
	hooks.On(paykit.EventPaymentUpdated, s.paymentUpdated)
	hooks.On(paykit.EventInvoiceGenerated, func(_ context.Context, e *paykit.Event) error {
		inv := e.Invoice()
		log.Info("invoice", "id", inv.ID, "amount_paid", inv.AmountPaid, "currency", inv.Currency, "mode", inv.BillingMode)
		return nil
	})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("POST /checkout", s.checkout)
	mux.HandleFunc("GET /success", s.success)
	mux.Handle("POST /webhooks", hooks)
	s.Handler = mux
	return s
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<title>paykit shop</title>
<h1>{{.Title}}</h1>
<p>{{.Text}}</p>
<form method="post" action="/checkout">
  <input type="email" name="email" placeholder="you@example.com" required>
  <button>Buy</button>
</form>
`))

func (s *shop) render(w http.ResponseWriter, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, struct{ Title, Text string }{title, text}); err != nil {
		s.log.Error("render", "err", err)
	}
}

func (s *shop) home(w http.ResponseWriter, _ *http.Request) {
	s.render(w, "paykit shop", "One product, paid on Stripe Checkout.")
}

// checkout creates a one-time checkout for the buyer and sends them to it.
func (s *shop) checkout(w http.ResponseWriter, r *http.Request) {
	co, err := s.client.Checkouts.Create(r.Context(), &paykit.CreateCheckoutParams{
		Customer:    paykit.CustomerEmail(r.FormValue("email")),
		ItemID:      s.cfg.Price,
		SessionType: paykit.SessionOneTime,
		Quantity:    1,
		// Stripe fills in {CHECKOUT_SESSION_ID} on the way back.
		SuccessURL: s.cfg.PublicURL + "/success?checkout={CHECKOUT_SESSION_ID}",
		CancelURL:  s.cfg.PublicURL + "/",
		Metadata:   map[string]string{"source": "stripe-checkout example"},
	})
	if err != nil {
		status := http.StatusBadGateway
		if errors.Is(err, paykit.ErrValidation) {
			status = http.StatusBadRequest
		}
		s.log.Warn("checkout failed", "err", err)
		http.Error(w, "could not start the checkout", status)
		return
	}
	s.mu.Lock()
	s.paid[co.ID] = false
	s.mu.Unlock()
	http.Redirect(w, r, co.PaymentURL, http.StatusSeeOther)
}

func (s *shop) success(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("checkout")
	s.mu.Lock()
	paid, known := s.paid[id]
	s.mu.Unlock()
	switch {
	case paid:
		s.render(w, "Thank you!", "Order "+id+" is paid.")
	case known:
		s.render(w, "Thank you!", "Order "+id+" is being confirmed; refresh in a moment.")
	default:
		s.render(w, "Unknown order", "No order "+id+" here.")
	}
}

// paymentUpdated marks an order paid. The payment of a checkout has the
// checkout's id.
func (s *shop) paymentUpdated(_ context.Context, e *paykit.Event) error {
	p := e.Payment()
	s.log.Info("payment", "id", p.ID, "status", p.Status, "amount", p.Amount, "currency", p.Currency)
	if p.Status != paykit.PaymentSucceeded {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.paid[p.ID]; ok {
		s.paid[p.ID] = true
	}
	return nil
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		log.Error("configuration", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: cfg.Addr, Handler: newShop(cfg, log), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("shop listening", "url", cfg.PublicURL, "stripe", cfg.APIBase)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}
