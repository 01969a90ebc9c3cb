// Package server is the local payments server: the local provider's
// Simulator behind an HTTP JSON API, with a hosted checkout page, a
// 3-D Secure confirmation page and a dashboard. It is what
// "paykit dev" runs; an app points its provider at it with
// local.WithServerURL, so that app, pages and dashboard share one state.
//
//	srv, err := server.Start(server.Config{
//		Addr:    "127.0.0.1:4242",
//		Options: []local.Option{local.WithItem("price_basic", 1500, "USD"), local.WithWebhookURL(appURL + "/webhooks")},
//	})
//	if err != nil { ... }
//	defer srv.Close()
//	client := paykit.New(local.Provider(local.WithServerURL(srv.URL()), local.WithWebhookSecret(srv.Simulator().WebhookSecret())))
//
// Routes:
//
//	/api/v1/...             the JSON API (see the API section of the README)
//	/checkout/{id}          the hosted checkout page, the checkouts' payment_url
//	/pay/{id}               the page of a payment awaiting its payer (3-D Secure)
//	/                       the dashboard
//
// Webhooks are delivered by the Simulator, signed (Standard Webhooks) and,
// unless Config.Options says otherwise, retried until the endpoint accepts
// them: with local.UnlimitedAttempts and a backoff from DeliveryInitial
// doubling up to DeliveryMax. Nothing is dropped while the server runs, and
// with a persistent store (sqlite) nothing queued is lost by a restart.
//
// The server is a development tool. It listens on loopback addresses only
// unless Config.AllowRemote is set, answers only requests addressed to a
// loopback host name (against DNS rebinding) unless AllowRemote is set,
// and rejects cross-origin form posts and API writes (CSRF). Served to
// the network (AllowRemote) it needs an access token, Config.Token: the
// API then wants "Authorization: Bearer <token>" (local.WithServerToken)
// and answers 401 otherwise, and the dashboard and hosted pages redirect
// to a sign-in page (/signin) that asks for the token once and sets an
// HttpOnly, SameSite=Strict session cookie (SessionCookie). /healthz is
// always open.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paykit-go/paykit/providers/local"
)

// Default delivery backoff of the server: retried until delivered.
const (
	DeliveryInitial = 250 * time.Millisecond
	DeliveryMax     = 10 * time.Second
)

// DefaultAddr is the address "paykit dev" listens on.
const DefaultAddr = "127.0.0.1:4242"

// Config configures a Server.
type Config struct {
	// Addr is the TCP address to listen on; "127.0.0.1:0" picks a free
	// port. Default DefaultAddr.
	Addr string
	// Options configure the Simulator the server runs: items, webhook
	// URL and secret, store, logger. The server adds
	// WithDeliveryRetry(local.UnlimitedAttempts, DeliveryInitial,
	// DeliveryMax) before them and WithPaymentPageURL (its own URL) after
	// them.
	Options []local.Option
	// PublicURL is the base URL payers and apps reach the server at, used
	// for payment_url and returned by URL; default "http://" + the
	// address it listens on. A host other than a loopback address or
	// localhost needs AllowRemote, e.g. "http://192.168.1.20:4242".
	PublicURL string
	// AllowRemote allows a non-loopback Addr and requests addressed to
	// any host name. It needs a Token.
	AllowRemote bool
	// Token is the access token of the server, at least MinTokenLength
	// printable ASCII characters: when set, the API needs
	// "Authorization: Bearer <Token>" and the pages a sign-in with it.
	// Required with AllowRemote; on loopback it is optional.
	Token string
	// Logger receives server errors; nil logs nothing.
	Logger *slog.Logger
}

// Server is a running local payments server.
type Server struct {
	sim    *local.Simulator
	http   *http.Server
	ln     net.Listener
	url    string
	served chan struct{}
	logger *slog.Logger
}

// Start listens on cfg.Addr and serves in the background until Shutdown
// or Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if !cfg.AllowRemote {
		if err := CheckLoopback(cfg.Addr); err != nil {
			return nil, err
		}
	}
	switch {
	case cfg.Token != "":
		if err := checkToken(cfg.Token); err != nil {
			return nil, err
		}
	case cfg.AllowRemote:
		return nil, errors.New("server: AllowRemote needs a Token: served to the network, the API and the dashboard are for those who have it")
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("server: public URL %q is not an absolute http or https URL", cfg.PublicURL)
		}
		if !cfg.AllowRemote && !isLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("server: public URL %q is not a loopback address; set AllowRemote to serve payers elsewhere", cfg.PublicURL)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !cfg.AllowRemote && (!ok || !tcp.IP.IsLoopback()) {
		ln.Close()
		return nil, fmt.Errorf("server: %q resolved to %s, which is not a loopback address", cfg.Addr, ln.Addr())
	}
	base := "http://" + ln.Addr().String()
	if cfg.PublicURL != "" {
		base = strings.TrimRight(cfg.PublicURL, "/")
	}
	opts := append([]local.Option{local.WithDeliveryRetry(local.UnlimitedAttempts, DeliveryInitial, DeliveryMax)}, cfg.Options...)
	sim := local.Provider(append(opts, local.WithPaymentPageURL(base))...)
	if err := sim.Err(); err != nil {
		ln.Close()
		sim.Close()
		return nil, err
	}
	s := &Server{sim: sim, ln: ln, url: base, served: make(chan struct{}), logger: cfg.Logger}
	stopping, stop := context.WithCancel(context.Background())
	s.http = &http.Server{
		Handler:           newHandler(sim, stopping, cfg, strings.HasPrefix(base, "https://")),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	s.http.RegisterOnShutdown(stop)
	if cfg.Logger != nil {
		s.http.ErrorLog = slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)
	}
	go func() {
		defer close(s.served)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && s.logger != nil {
			s.logger.Error("paykit dev: serve", slog.String("error", err.Error()))
		}
	}()
	return s, nil
}

// URL returns the server's base URL, e.g. "http://127.0.0.1:4242", or
// Config.PublicURL.
func (s *Server) URL() string { return s.url }

// Simulator returns the Simulator the server runs, for its items, its
// webhook secret and direct calls.
func (s *Server) Simulator() *local.Simulator { return s.sim }

// Shutdown stops accepting requests, ends the Flush long polls in flight
// (they answer that deliveries are pending), waits for the other requests
// until ctx is done, then stops webhook delivery (queued deliveries stay in the
// store). It does not close the Store given in Config.Options.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.http.Close())
	}
	<-s.served
	s.sim.Close()
	return err
}

// Close is Shutdown with five seconds for the requests in flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// CheckLoopback returns an error unless addr (host:port) names a loopback
// address or "localhost". An empty host means every interface and is
// refused, and so is a *.localhost name: listening resolves it by DNS.
// Start also checks the address it listens on.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("server: address %q: %w", addr, err)
	}
	if !isLoopbackHost(host) || strings.HasSuffix(strings.TrimSuffix(strings.ToLower(host), "."), ".localhost") {
		return fmt.Errorf("server: %q is not a loopback address; the local payments server listens on 127.0.0.1 unless remote access (with an access token) is allowed explicitly", addr)
	}
	return nil
}

func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newHandler routes the API, the pages and the dashboard, behind the
// host check and cross-origin protection.
func newHandler(sim *local.Simulator, stopping context.Context, cfg Config, secure bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", newAPI(sim, stopping))
	p := newPages(sim, cfg.Logger)
	p.register(mux)

	var inner http.Handler = mux
	if cfg.Token != "" {
		inner = (&auth{token: []byte(cfg.Token), secure: secure, now: time.Now, page: p.tmpl["signin"]}).wrap(mux)
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail(w, r, http.StatusForbidden, "cross-origin request refused: forms and API writes must come from this server's own pages")
	}))
	h := cop.Handler(inner)
	if cfg.AllowRemote {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if name, _, err := net.SplitHostPort(r.Host); err == nil {
			host = name
		}
		if !isLoopbackHost(strings.Trim(host, "[]")) {
			fail(w, r, http.StatusMisdirectedRequest, "requests must be addressed to 127.0.0.1 or localhost")
			return
		}
		h.ServeHTTP(w, r)
	})
}
