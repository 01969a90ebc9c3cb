package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/local"
)

// devRun is one "paykit dev" running in the background.
type devRun struct {
	stdout, stderr paykittest.SyncBuffer
	cancel         context.CancelFunc
	exit           chan int
	url, secret    string
}

var (
	serverLine = regexp.MustCompile(`WithServerURL\("([^"]+)"\)`)
	secretLine = regexp.MustCompile(`Webhook secret\s+(whsec_\S+)`)
)

// startDev runs the dev command with args and waits for its banner.
func startDev(t *testing.T, args ...string) *devRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &devRun{cancel: cancel, exit: make(chan int, 1)}
	go func() {
		d.exit <- run(ctx, append([]string{"dev", "-addr", "127.0.0.1:0"}, args...), &d.stdout, &d.stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := d.stdout.String()
		if m := serverLine.FindStringSubmatch(out); m != nil {
			d.url = m[1]
			d.secret = secretLine.FindStringSubmatch(out)[1]
			return d
		}
		select {
		case code := <-d.exit:
			t.Fatalf("paykit dev exited with %d: %s%s", code, out, d.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner: %s%s", out, d.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop stops the command by canceling its context and returns its exit
// status.
func (d *devRun) stop(t *testing.T) int {
	t.Helper()
	d.cancel()
	return d.wait(t)
}

func (d *devRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-d.exit:
		return code
	case <-time.After(20 * time.Second):
		t.Fatal("paykit dev did not stop")
		return -1
	}
}

func TestDevServesAnAppAndKeepsState(t *testing.T) {
	data := filepath.Join(t.TempDir(), "dev.db")
	received := make(chan *paykit.Event, 100)
	var wh *paykit.Webhook
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { wh.ServeHTTP(w, r) }))
	defer hooks.Close()

	d := startDev(t, "-data", data, "-webhook-url", hooks.URL, "-item", "price_tea:450:GBP", "-item", "price_club:1200:EUR:month")
	out := d.stdout.String()
	for _, want := range []string{d.url + "/", d.url + "/api/v1", d.url + "/checkout/{id}", hooks.URL, data + " (SQLite)",
		"price_tea", "GBP 4.50", "price_club", "EUR 12.00 every month", "Ctrl+C"} {
		if !strings.Contains(out, want) {
			t.Errorf("the banner lacks %q:\n%s", want, out)
		}
	}
	sim := local.Provider(local.WithServerURL(d.url), local.WithWebhookSecret(d.secret))
	defer sim.Close()
	client := paykit.New(sim)
	wh = client.Webhooks.Setup(paykit.WebhookConfig{Secret: d.secret}).On(paykit.EventCheckoutCompleted, func(_ context.Context, e *paykit.Event) error {
		received <- e
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("jane@example.com"),
		ItemID: "price_club", SessionType: paykit.SessionRecurring, Quantity: 1, SuccessURL: "https://example.com/ok"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(co.PaymentURL, d.url+"/checkout/") {
		t.Errorf("payment_url %s is not the server's page", co.PaymentURL)
	}
	if _, err := sim.CompleteCheckout(ctx, co.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-received:
		if e.Checkout().ID != co.ID {
			t.Errorf("checkout.completed for %s, want %s", e.Checkout().ID, co.ID)
		}
	case <-ctx.Done():
		t.Fatal("the app received no signed checkout.completed")
	}
	if code := d.stop(t); code != 0 {
		t.Fatalf("exit status %d: %s", code, d.stderr.String())
	}
	if !strings.Contains(d.stdout.String(), "paykit dev: stopped") {
		t.Errorf("no clean stop: %s", d.stdout.String())
	}

	// Started again on the same file: same secret, same state.
	again := startDev(t, "-data", data)
	defer again.stop(t)
	if again.secret != d.secret {
		t.Errorf("the generated secret changed across restarts: %s, then %s", d.secret, again.secret)
	}
	sim2 := local.Provider(local.WithServerURL(again.url))
	defer sim2.Close()
	got, err := paykit.New(sim2).Checkouts.Retrieve(ctx, co.ID)
	if err != nil || got.Status != paykit.CheckoutComplete {
		t.Errorf("the checkout after a restart: %+v %v", got, err)
	}
}

func TestDevRefusesBadUse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"dev", "-addr", "0.0.0.0:4242"}, 2, "pass -allow-remote"},
		{[]string{"dev", "-addr", "127.0.0.1:0", "-allow-remote", "-data", ":memory:"}, 2, "-allow-remote needs an access token"},
		{[]string{"dev", "-addr", "127.0.0.1:0", "-allow-remote", "-token", "short", "-data", ":memory:"}, 2, "at least 16 characters"},
		{[]string{"dev", "-addr", ":4242"}, 2, "not a loopback address"},
		{[]string{"dev", "-item", "price_x:abc:USD"}, 2, "whole number of minor units"},
		{[]string{"dev", "-item", "price_x:100"}, 2, "id:amount:currency[:interval]"},
		{[]string{"dev", "-item", "price_x:100:USD:fortnight"}, 2, "interval must be"},
		{[]string{"dev", "-item", "price_x:100:XYZ", "-addr", "127.0.0.1:0", "-data", ":memory:"}, 2, "invalid local provider option"},
		{[]string{"dev", "-webhook-url", "localhost:3000", "-addr", "127.0.0.1:0", "-data", ":memory:"}, 2, "absolute http or https URL"},
		{[]string{"dev", "-keep-events", "0", "-addr", "127.0.0.1:0", "-data", ":memory:"}, 2, "event retention must keep at least 1 event"},
		{[]string{"dev", "-public-url", "ftp://x", "-addr", "127.0.0.1:0", "-data", ":memory:"}, 1, "not an absolute http or https URL"},
		{[]string{"dev", "-nope"}, 2, "flag provided but not defined"},
		{[]string{"dev", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"serve"}, 2, `unknown command "serve"`},
		{nil, 2, "Usage:"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("paykit %v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("paykit %v printed %q", tc.args, stdout.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"dev", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-webhook-url") {
		t.Errorf("dev -h: %d %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"help"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "paykit dev") {
		t.Errorf("help: %d %s", code, stdout.String())
	}
}

// With -allow-remote the server wants the token of -token or
// $PAYKIT_DEV_TOKEN; the banner says so without printing it, and shows
// local.WithServerToken.
func TestDevAllowRemoteToken(t *testing.T) {
	const tok = "team-token-0123456789abcdef"
	t.Setenv(TokenEnv, tok)
	d := startDev(t, "-allow-remote", "-data", ":memory:")
	defer d.stop(t)
	out := d.stdout.String()
	if strings.Contains(out, tok) || !strings.Contains(out, "local.WithServerToken(os.Getenv(\"PAYKIT_DEV_TOKEN\"))") || !strings.Contains(out, "Access token") {
		t.Errorf("banner:\n%s", out)
	}
	ctx := t.Context()
	if _, err := paykit.New(local.Provider(local.WithServerURL(d.url))).Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}); !errors.Is(err, paykit.ErrAuthentication) {
		t.Errorf("without the token: %v", err)
	}
	if _, err := paykit.New(local.Provider(local.WithServerURL(d.url), local.WithServerToken(tok))).Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}); err != nil {
		t.Errorf("with the token: %v", err)
	}
}

func TestCheckAddr(t *testing.T) {
	if w, err := checkAddr("127.0.0.1:4242", false); w != "" || err != nil {
		t.Errorf("loopback: %q %v", w, err)
	}
	if _, err := checkAddr("0.0.0.0:4242", false); err == nil {
		t.Error("0.0.0.0 allowed without -allow-remote")
	}
	if w, err := checkAddr("0.0.0.0:4242", true); err != nil || !strings.Contains(w, "not loopback") {
		t.Errorf("0.0.0.0 with -allow-remote: %q %v, want a warning", w, err)
	}
}

func TestParseItem(t *testing.T) {
	for _, v := range []string{"a:1:USD", "a:0:JPY", "a:1:usd:day", "a:1:USD:week", "a:1:USD:year", "a:1:USD:90s"} {
		if _, err := parseItem(v); err != nil {
			t.Errorf("parseItem(%q) = %v", v, err)
		}
	}
	for _, v := range []string{"", "a", ":1:USD", "a:-1:USD", "a:1.5:USD", "a:1:USD:500ms", "a:1:USD:month:x"} {
		if _, err := parseItem(v); err == nil {
			t.Errorf("parseItem(%q) succeeded", v)
		}
	}
}

// The default -data file, with the -wal and -shm files SQLite keeps
// beside it, is ignored by git at the root of the repository, so that
// running "paykit dev" there commits no state.
func TestDefaultDataFileIsIgnored(t *testing.T) {
	c, err := parseDev(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ignore, err := os.ReadFile(filepath.Join("..", "..", ".gitignore"))
	if err != nil {
		t.Fatalf("the repository has no root .gitignore: %v", err)
	}
	for _, name := range []string{c.data, c.data + "-wal", c.data + "-shm", c.data + "-journal"} {
		ignored := false
		for line := range strings.Lines(string(ignore)) {
			pattern := strings.TrimSpace(line)
			if pattern == "" || strings.HasPrefix(pattern, "#") {
				continue
			}
			if ok, _ := path.Match(pattern, name); ok {
				ignored = true
			}
		}
		if !ignored {
			t.Errorf("%s is not ignored by the root .gitignore", name)
		}
	}
}
