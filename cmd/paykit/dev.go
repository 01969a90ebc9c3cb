package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
	"github.com/paykit-go/paykit/providers/local/sqlite"
)

// SecretEnv is the environment variable read for the webhook secret when
// -webhook-secret is not given.
const SecretEnv = "PAYKIT_WEBHOOK_SECRET"

// TokenEnv is the environment variable read for the access token when
// -token is not given.
const TokenEnv = "PAYKIT_DEV_TOKEN"

// memoryData is the -data value that keeps the state in memory.
const memoryData = ":memory:"

// defaultItems is the catalogue when no -item is given.
var defaultItems = []string{
	"price_basic:1500:USD",
	"price_pro_monthly:900:USD:month",
	"price_pro_yearly:9000:USD:year",
	"price_jpy:1500:JPY",
	"price_kwd:2750:KWD",
}

// itemFlags collects the repeatable -item flag.
type itemFlags []string

func (f *itemFlags) String() string { return strings.Join(*f, ", ") }

func (f *itemFlags) Set(v string) error {
	if _, err := parseItem(v); err != nil {
		return err
	}
	*f = append(*f, v)
	return nil
}

// parseItem reads "id:amount:currency[:interval]": amount in minor units,
// interval day, week, month, year or a Go duration for a custom one.
func parseItem(v string) (local.Option, error) {
	parts := strings.Split(v, ":")
	if len(parts) < 3 || len(parts) > 4 || parts[0] == "" {
		return nil, fmt.Errorf("item %q: want id:amount:currency[:interval], e.g. price_pro:900:USD:month", v)
	}
	amount, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || amount < 0 {
		return nil, fmt.Errorf("item %q: the amount must be a whole number of minor units (1500 USD is $15.00)", v)
	}
	if len(parts) == 3 {
		return local.WithItem(parts[0], amount, parts[2]), nil
	}
	interval, ok := paykit.ParseInterval(parts[3])
	if !ok {
		d, err := time.ParseDuration(parts[3])
		if err != nil || d < time.Second {
			return nil, fmt.Errorf("item %q: the interval must be day, week, month, year or a duration of at least 1s such as 720h", v)
		}
		interval = paykit.CustomInterval(d)
	}
	return local.WithRecurringItem(parts[0], amount, parts[2], interval), nil
}

// devConfig is what the dev command's flags say.
type devConfig struct {
	addr, publicURL, data, webhookURL, secret, token string
	allowRemote                                      bool
	keepEvents                                       int
	items                                            []string
}

func parseDev(args []string, stderr io.Writer) (*devConfig, error) {
	c := &devConfig{}
	fs := flag.NewFlagSet("paykit dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: paykit dev [flags]

Runs the local payments server: the JSON API of local.WithServerURL, hosted
checkout pages, a dashboard, and signed webhooks retried until delivered.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.addr, "addr", server.DefaultAddr, "`host:port` to listen on; loopback only unless -allow-remote")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow a non-loopback -addr and any Host; needs an access token (-token or $"+TokenEnv+")")
	fs.StringVar(&c.token, "token", "", "access `token` (at least 16 characters) the API (Authorization: Bearer) and the dashboard's sign-in want; default $"+TokenEnv+"; required with -allow-remote")
	fs.StringVar(&c.publicURL, "public-url", "", "base `URL` payers reach the server at, for payment_url (default http://<addr>)")
	fs.StringVar(&c.data, "data", "paykit-dev.db", "SQLite `file` keeping the state across restarts; "+memoryData+" keeps it in memory")
	fs.StringVar(&c.webhookURL, "webhook-url", "", "`URL` the events are POSTed to, e.g. http://localhost:3000/webhooks")
	fs.StringVar(&c.secret, "webhook-secret", "", "signing `secret` (whsec_...); default $"+SecretEnv+", else one generated once and kept in the data file")
	fs.IntVar(&c.keepEvents, "keep-events", local.DefaultEventRetention, "how many `events` the log keeps, the newest; events still queued for delivery are always kept")
	items := itemFlags{}
	fs.Var(&items, "item", "an item to sell, `id:amount:currency[:interval]`, amount in minor units, interval day|week|month|year|<duration>; repeatable (default: "+strings.Join(defaultItems, ", ")+")")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.token == "" {
		c.token = os.Getenv(TokenEnv)
	}
	c.items = items
	if len(c.items) == 0 {
		c.items = defaultItems
	}
	return c, nil
}

// dev runs the local payments server until ctx is done or SIGINT or
// SIGTERM arrives.
func dev(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseDev(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "paykit dev:", err)
		return 2
	}
	warning, err := checkAddr(c.addr, c.allowRemote)
	if err == nil && c.allowRemote && c.token == "" {
		err = errors.New("-allow-remote needs an access token: pass -token or set $" + TokenEnv + " (e.g. to the output of `openssl rand -hex 24`), and give it to the team")
	}
	if err != nil {
		fmt.Fprintln(stderr, "paykit dev:", err)
		return 2
	}
	if warning != "" {
		fmt.Fprintln(stderr, "paykit dev: WARNING:", warning)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	store, closeStore, err := openStore(c.data)
	if err != nil {
		fmt.Fprintln(stderr, "paykit dev:", err)
		return 1
	}
	defer closeStore()
	secret, err := webhookSecret(ctx, c.secret, store)
	if err != nil {
		fmt.Fprintln(stderr, "paykit dev:", err)
		return 1
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := []local.Option{local.WithStore(store), local.WithWebhookSecret(secret), local.WithLogger(logger), local.WithEventRetention(c.keepEvents)}
	for _, it := range c.items {
		o, err := parseItem(it)
		if err != nil {
			fmt.Fprintln(stderr, "paykit dev:", err)
			return 2
		}
		opts = append(opts, o)
	}
	if c.webhookURL != "" {
		opts = append(opts, local.WithWebhookURL(c.webhookURL))
	}
	srv, err := server.Start(server.Config{Addr: c.addr, PublicURL: c.publicURL, Options: opts, AllowRemote: c.allowRemote, Token: c.token, Logger: logger})
	if err != nil {
		fmt.Fprintln(stderr, "paykit dev:", err)
		if errors.Is(err, paykit.ErrConfiguration) || errors.Is(err, server.ErrToken) {
			return 2
		}
		return 1
	}
	banner(stdout, srv, c)
	<-ctx.Done()
	stop() // a second Ctrl+C kills at once
	fmt.Fprintln(stdout, "\npaykit dev: stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintln(stderr, "paykit dev: stopping:", err)
		return 1
	}
	fmt.Fprintln(stdout, "paykit dev: stopped")
	return 0
}

// checkAddr refuses a non-loopback address, or returns a warning when
// one is allowed.
func checkAddr(addr string, allowRemote bool) (warning string, err error) {
	loopErr := server.CheckLoopback(addr)
	switch {
	case loopErr == nil:
		return "", nil
	case !allowRemote:
		return "", fmt.Errorf("%w\n  pass -allow-remote to listen there anyway", loopErr)
	}
	return "listening on " + addr + ", which is not loopback: anyone who can reach it and has the access token can read the dashboard, create and pay checkouts and change the simulated clock; the server speaks plain HTTP, so use it on a network you trust or behind a TLS proxy (-public-url https://...)", nil
}

// openStore opens the SQLite file at data, or a memory store.
func openStore(data string) (local.Store, func(), error) {
	if data == memoryData || data == "" {
		return local.NewMemoryStore(), func() {}, nil
	}
	st, err := sqlite.Open(data)
	if err != nil {
		return nil, nil, err
	}
	return st, func() { _ = st.Close() }, nil
}

// The webhook secret is kept in the store so that a restart signs with
// the same one.
const (
	cliCollection = "paykit_dev"
	secretRecord  = "webhook_secret"
)

// webhookSecret returns the flag's secret, else $PAYKIT_WEBHOOK_SECRET,
// else the one kept in the store, generating and keeping it the first
// time.
func webhookSecret(ctx context.Context, flagSecret string, store local.Store) (string, error) {
	if flagSecret != "" {
		return flagSecret, nil
	}
	if env := os.Getenv(SecretEnv); env != "" {
		return env, nil
	}
	var secret string
	err := store.Update(ctx, func(tx local.Tx) error {
		rec, ok, err := tx.Get(cliCollection, secretRecord)
		if err != nil {
			return err
		}
		if ok {
			return json.Unmarshal(rec.Data, &secret)
		}
		secret = local.NewWebhookSecret()
		data, _ := json.Marshal(secret)
		return tx.Put(cliCollection, local.Record{ID: secretRecord, Data: data})
	})
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return secret, nil
}

// banner prints where everything is.
func banner(w io.Writer, srv *server.Server, c *devConfig) {
	sim := srv.Simulator()
	u := srv.URL()
	fmt.Fprintf(w, "paykit dev: local payments server (test mode: no real money moves)\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  Dashboard\t%s/\n", u)
	fmt.Fprintf(tw, "  API\t%s/api/v1\n", u)
	fmt.Fprintf(tw, "  Checkout pages\t%s/checkout/{id}\n", u)
	if c.webhookURL != "" {
		fmt.Fprintf(tw, "  Webhooks\t%s (Standard Webhooks, retried until delivered)\n", c.webhookURL)
	} else {
		fmt.Fprintf(tw, "  Webhooks\tnone: pass -webhook-url; events are kept and listed on the dashboard\n")
	}
	fmt.Fprintf(tw, "  Webhook secret\t%s\n", sim.WebhookSecret())
	if c.token != "" {
		fmt.Fprintf(tw, "  Access token\trequired (-token or $%s): Authorization: Bearer for the API, a sign-in at %s/signin for the pages\n", TokenEnv, u)
	}
	if c.data == memoryData || c.data == "" {
		fmt.Fprintf(tw, "  Data\tin memory (lost when the server stops)\n")
	} else {
		fmt.Fprintf(tw, "  Data\t%s (SQLite)\n", c.data)
	}
	for i, it := range sim.Items() {
		label := ""
		if i == 0 {
			label = "Items"
		}
		price := paykit.FormatAmount(it.Amount, it.Currency)
		if it.Recurring() {
			price += " every " + it.Interval.String()
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", label, it.ID, price)
	}
	tw.Flush()
	tokenLine := ""
	if c.token != "" {
		tokenLine = "      local.WithServerToken(os.Getenv(\"" + TokenEnv + "\")),\n"
	}
	fmt.Fprintf(w, `
Point your app at it:

  provider := local.Provider(
      local.WithServerURL(%q),
%s      local.WithWebhookSecret(%q),
  )

Ctrl+C stops the server.
`, u, tokenLine, sim.WebhookSecret())
}
