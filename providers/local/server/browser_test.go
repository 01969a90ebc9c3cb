package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
)

// DefaultChromium is where Debian's chromium package installs the
// browser; PAYKIT_CHROMIUM overrides it.
const DefaultChromium = "/usr/bin/chromium"

// chromium returns the browser to drive. A missing browser fails the
// test, in CI and locally alike: these tests are the proof that the pages
// work in a real browser, and a skip would hide that they did not run.
func chromium(t *testing.T) string {
	t.Helper()
	path := os.Getenv("PAYKIT_CHROMIUM")
	if path == "" {
		path = DefaultChromium
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Chromium is needed for the browser tests and is not at %s (%v).\n"+
			"Install it: sudo apt-get update && sudo apt-get install -y chromium\n"+
			"or set PAYKIT_CHROMIUM to a Chromium or Chrome binary.", path, err)
	}
	return path
}

// browser starts a headless Chromium for the test, with a fresh profile,
// closed at its end. Every action of the test is bounded by the returned
// context's deadline.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 90*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(func(string, ...any) {}))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return bctx
}

// tab opens a new tab of the browser for one flow.
func tab(t *testing.T, b context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b)
	t.Cleanup(cancel)
	// The first call binds the tab to the context it is given: this one,
	// without the per-step timeout of run.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// stepTimeout bounds every step of a flow.
const stepTimeout = 15 * time.Second

// screenshot saves the page to docs/name when
// PAYKIT_UPDATE_SCREENSHOTS=1, so that ordinary runs leave the tree
// alone: the viewport, or the whole page when full.
func screenshot(t *testing.T, name string, full bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if os.Getenv("PAYKIT_UPDATE_SCREENSHOTS") != "1" {
			return nil
		}
		shot := chromedp.CaptureScreenshot()
		if full {
			shot = chromedp.FullScreenshot(100) // 100: PNG
		}
		png, err := shot(ctx, tg)
		if err != nil {
			return err
		}
		path := filepath.Join("..", "..", "..", "docs", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		t.Logf("writing %s", path)
		return os.WriteFile(path, png, 0o644)
	})
}

// text reads the text of the element with id.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("text of #%s: %v", id, err)
	}
	return s
}

// run runs steps in the tab, failing the test on an error.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browser at %s: %v", loc, err)
	}
}

// The payer's side in a real browser: an app creates checkouts through
// the SDK on a local server; the payer pays, is declined, passes or fails
// 3-D Secure, or cancels on the hosted page; the app's webhook endpoint
// hears of it and the SDK sees the payment.
func TestBrowserCheckout(t *testing.T) {
	s := newShop(t)
	b := browser(t)
	success := func(co *paykit.Checkout) string { return s.app.URL + "/success?session=" + co.ID }
	var co *paykit.Checkout // the checkout of the last flow

	// pays runs a flow on a new checkout and checks that it ends on the
	// app's success page, paid.
	pays := func(t *testing.T, item string, session paykit.SessionType, flow func(tab context.Context)) *paykit.Payment {
		t.Helper()
		co = s.checkout(t, item, session)
		tb := tab(t, b)
		run(t, tb, chromedp.Navigate(co.PaymentURL), chromedp.WaitVisible(chromedp.ID("pay")))
		flow(tb)
		run(t, tb, chromedp.WaitVisible(chromedp.ID("thanks")))
		loc, err := chromedp.Run(tb, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if thanks := text(t, tb, "thanks"); loc != success(co) || !strings.Contains(thanks, co.ID) {
			t.Errorf("landed on %s (%q), want %s", loc, thanks, success(co))
		}
		got, err := s.client.Checkouts.Retrieve(s.ctx, co.ID)
		if err != nil || got.Status != paykit.CheckoutComplete || got.PaymentID == "" {
			t.Fatalf("checkout after paying: %+v %v", got, err)
		}
		pay, err := s.client.Payments.Retrieve(s.ctx, got.PaymentID)
		if err != nil || pay.Status != paykit.PaymentSucceeded || pay.AmountCaptured != got.Amount {
			t.Fatalf("Payments.Retrieve = %+v %v, want succeeded", pay, err)
		}
		// The app's webhook endpoint received the payment and its invoice.
		var paid, invoiced bool
		for _, e := range s.waitEvents(t, paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated, paykit.EventCheckoutCompleted) {
			if p := e.Payment(); p != nil && p.ID == pay.ID && p.Status == paykit.PaymentSucceeded {
				paid = true
			}
			if i := e.Invoice(); i != nil && i.PaymentID == pay.ID && i.Status == paykit.InvoicePaid {
				invoiced = true
			}
		}
		if !paid || !invoiced {
			t.Errorf("the app's webhook endpoint heard: payment succeeded %v, invoice %v", paid, invoiced)
		}
		return pay
	}

	t.Run("Pay", func(t *testing.T) {
		pays(t, "price_basic", paykit.SessionOneTime, func(tb context.Context) {
			run(t, tb, screenshot(t, "checkout.png", false), chromedp.Click(chromedp.ID("pay")))
		})
	})

	t.Run("DeclineThenPay", func(t *testing.T) {
		var msg string
		pay := pays(t, "price_kwd", paykit.SessionOneTime, func(tb context.Context) {
			run(t, tb, chromedp.Click(chromedp.ID("decline")), chromedp.WaitVisible(chromedp.ID("error")))
			msg = text(t, tb, "error")
			run(t, tb, chromedp.Click(chromedp.ID("pay")))
		})
		if !strings.Contains(msg, "declined (card_declined)") {
			t.Errorf("decline message %q", msg)
		}
		if pay.Amount != 5500 || pay.Currency != "KWD" {
			t.Errorf("paid %d %s, want 5500 KWD (5.500)", pay.Amount, pay.Currency)
		}
		failed, err := s.client.Payments.ListPage(s.ctx, &paykit.ListPaymentsParams{CustomerID: co.Customer.ID})
		if err != nil || len(failed.Data) != 2 || failed.Data[1].Status != paykit.PaymentFailed || failed.Data[1].FailureCode != "card_declined" {
			t.Errorf("payments of the customer: %+v %v, want the declined one kept", failed, err)
		}
	})

	t.Run("3DSecure", func(t *testing.T) {
		var amount string
		pays(t, "price_jpy", paykit.SessionOneTime, func(tb context.Context) {
			run(t, tb, chromedp.Click(chromedp.ID("pay-3ds")), chromedp.WaitVisible(chromedp.ID("confirm")))
			amount = text(t, tb, "amount")
			run(t, tb, chromedp.Click(chromedp.ID("confirm")))
		})
		if amount != "JPY 3000" {
			t.Errorf("the 3-D Secure page shows %q, want JPY 3000", amount)
		}
	})

	t.Run("3DSecureFailedThenPay", func(t *testing.T) {
		var msg string
		pays(t, "price_pro", paykit.SessionRecurring, func(tb context.Context) {
			run(t, tb, chromedp.Click(chromedp.ID("pay-3ds")), chromedp.WaitVisible(chromedp.ID("fail")),
				chromedp.Click(chromedp.ID("fail")), chromedp.WaitVisible(chromedp.ID("error")))
			msg = text(t, tb, "error")
			run(t, tb, chromedp.Click(chromedp.ID("pay")))
		})
		if !strings.Contains(msg, "3-D Secure authentication failed") {
			t.Errorf("message after a failed challenge: %q", msg)
		}
		got, _ := s.client.Checkouts.Retrieve(s.ctx, co.ID)
		if sub, err := s.client.Subscriptions.Retrieve(s.ctx, got.SubscriptionID); err != nil || sub.Status != paykit.SubscriptionActive {
			t.Errorf("the recurring checkout's subscription: %+v %v", sub, err)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		co := s.checkout(t, "price_basic", paykit.SessionOneTime)
		tb := tab(t, b)
		run(t, tb, chromedp.Navigate(co.PaymentURL), chromedp.WaitVisible(chromedp.ID("cancel")),
			chromedp.Click(chromedp.ID("cancel")), chromedp.WaitVisible(chromedp.ID("canceled")))
		loc, err := chromedp.Run(tb, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if loc != s.app.URL+"/cancel" {
			t.Errorf("Cancel led to %s", loc)
		}
		if got, _ := s.client.Checkouts.Retrieve(s.ctx, co.ID); got.Status != paykit.CheckoutOpen {
			t.Errorf("a canceled checkout is %s; it stays open until it expires", got.Status)
		}
	})

	t.Run("Dashboard", func(t *testing.T) {
		pays, err := s.client.Payments.ListPage(s.ctx, &paykit.ListPaymentsParams{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.client.Refunds.Create(s.ctx, &paykit.CreateRefundParams{PaymentID: pays.Data[len(pays.Data)-1].ID, Amount: 500,
			Reason: paykit.RefundRequestedByCustomer}); err != nil {
			t.Fatal(err)
		}
		if err := s.sim.Flush(s.ctx); err != nil {
			t.Fatal(err)
		}
		tb := tab(t, b)
		run(t, tb, chromedp.EmulateViewport(1280, 1160), chromedp.Navigate(s.srv.URL()+"/"), chromedp.WaitVisible(chromedp.ID("payments")),
			screenshot(t, "dashboard.png", false), chromedp.Click(chromedp.ID("advance-month")), chromedp.WaitVisible(chromedp.ID("notice")))
		if notice := text(t, tb, "notice"); !strings.Contains(notice, "clock moved forward") {
			t.Errorf("notice after advancing the clock: %q", notice)
		}
		// The renewal ran: the subscription has a second paid invoice.
		subs, err := s.client.Subscriptions.ListPage(s.ctx, nil)
		if err != nil || len(subs.Data) != 1 {
			t.Fatalf("subscriptions: %+v %v", subs, err)
		}
		invs, _ := s.client.Invoices.ListPage(s.ctx, &paykit.ListInvoicesParams{SubscriptionID: subs.Data[0].ID})
		if len(invs.Data) != 2 {
			t.Errorf("%d invoices of the subscription after advancing 31 days, want 2", len(invs.Data))
		}
	})
}

// A server shared on the network (AllowRemote with a Token) in a real
// browser: a page asked for signed out leads to the sign-in page, which
// refuses a wrong token and, given the right one, returns to the page
// asked for; the session then opens the dashboard and the hosted pages,
// also for a payer sent from the app's own site (the SameSite=Strict
// cookie is held back on that cross-site navigation).
func TestBrowserSignIn(t *testing.T) {
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", AllowRemote: true, Token: token, Options: items()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	sim := local.Provider(local.WithServerURL(srv.URL()), local.WithServerToken(token))
	t.Cleanup(func() { _ = sim.Close() })
	client := paykit.New(sim)
	ctx := t.Context()
	newCheckout := func() *paykit.Checkout {
		co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("jane@example.com"),
			ItemID: "price_basic", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: srv.URL() + "/checkout/{CHECKOUT_ID}"})
		if err != nil {
			t.Fatal(err)
		}
		return co
	}
	co := newCheckout()
	b := browser(t)
	tb := tab(t, b)
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(tb, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}

	// Signed out, the checkout page is the sign-in page.
	run(t, tb, chromedp.Navigate(co.PaymentURL), chromedp.WaitVisible(chromedp.ID("token")))
	if loc, want := location(), srv.URL()+"/signin?next="+url.QueryEscape("/checkout/"+co.ID); loc != want {
		t.Errorf("signed out at %s, want %s", loc, want)
	}
	run(t, tb, chromedp.SendKeys(chromedp.ID("token"), "wrong-token-0123456789"), chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("error")))
	if msg := text(t, tb, "error"); !strings.Contains(msg, "not the access token") {
		t.Errorf("wrong token: %q", msg)
	}
	run(t, tb, chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.ID("pay")))
	if loc := location(); loc != co.PaymentURL {
		t.Errorf("signed in at %s, want back at %s", loc, co.PaymentURL)
	}
	// The session opens the dashboard; the forms there work.
	run(t, tb, chromedp.Navigate(srv.URL()+"/"), chromedp.WaitVisible(chromedp.ID("payments")),
		chromedp.Click(chromedp.ID("advance-month")), chromedp.WaitVisible(chromedp.ID("notice")))
	// A payer sent from another site (the app's) reaches the page too.
	co = newCheckout()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `<a id="go" href="`+co.PaymentURL+`">Pay</a>`)
	}))
	t.Cleanup(app.Close)
	appURL := strings.Replace(app.URL, "127.0.0.1", "localhost", 1) // another site than 127.0.0.1
	run(t, tb, chromedp.Navigate(appURL), chromedp.WaitVisible(chromedp.ID("go")), chromedp.Click(chromedp.ID("go")),
		chromedp.WaitVisible(chromedp.ID("pay")), chromedp.Click(chromedp.ID("pay")), chromedp.WaitVisible(chromedp.ID("paid")))
	if got, err := client.Checkouts.Retrieve(ctx, co.ID); err != nil || got.Status != paykit.CheckoutComplete {
		t.Errorf("checkout paid from a cross-site link: %+v %v", got, err)
	}
	// Another browser, never signed in, is sent to the sign-in page.
	other := tab(t, browser(t))
	run(t, other, chromedp.Navigate(srv.URL()+"/"), chromedp.WaitVisible(chromedp.ID("token")))
}
