package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
)

// post submits a form of the server's pages, as a same-origin browser
// form would.
func post(t *testing.T, base, path string, form url.Values) *apiAnswer {
	t.Helper()
	return do(t, base, apiCall{method: "POST", path: path, body: []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded", header: map[string]string{"Origin": base, "Sec-Fetch-Site": "same-origin"}})
}

func get(t *testing.T, base, path string) *apiAnswer {
	t.Helper()
	return do(t, base, apiCall{method: "GET", path: path})
}

func wantRedirect(t *testing.T, a *apiAnswer, want string) {
	t.Helper()
	if a.status != http.StatusSeeOther || a.header.Get("Location") != want {
		t.Fatalf("answer %d to %q, want 303 to %q: %s", a.status, a.header.Get("Location"), want, a.body)
	}
}

func wantPage(t *testing.T, a *apiAnswer, status int, parts ...string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	for _, p := range parts {
		if !strings.Contains(string(a.body), p) {
			t.Errorf("the page lacks %q", p)
		}
	}
}

// The checkout page shows each currency with its own decimals.
func TestCheckoutPageAmounts(t *testing.T) {
	s := newShop(t)
	for item, want := range map[string][]string{
		"price_basic": {"USD 30.00", "2 × USD 15.00"},
		"price_jpy":   {"JPY 3000", "2 × JPY 1500"},
		"price_kwd":   {"KWD 5.500", "2 × KWD 2.750"},
	} {
		co := s.checkout(t, item, paykit.SessionOneTime)
		u, _ := url.Parse(co.PaymentURL)
		if u.Scheme+"://"+u.Host != s.srv.URL() || u.Path != "/checkout/"+co.ID {
			t.Errorf("payment_url %s is not the server's checkout page", co.PaymentURL)
		}
		wantPage(t, get(t, s.srv.URL(), u.Path), 200, append(want, item, "Jane Doe &lt;jane@example.com&gt;", `id="pay"`, `id="pay-3ds"`, `id="decline"`, `id="cancel"`)...)
	}
}

func TestCheckoutPagePayments(t *testing.T) {
	s := newShop(t)
	base := s.srv.URL()
	success := func(co *paykit.Checkout) string { return s.app.URL + "/success?session=" + co.ID }

	t.Run("decline, then pay", func(t *testing.T) {
		co := s.checkout(t, "price_basic", paykit.SessionOneTime)
		page := "/checkout/" + co.ID
		wantRedirect(t, post(t, base, page+"/pay", url.Values{"card": {"declines"}}), page+"?error=card_declined")
		wantPage(t, get(t, base, page+"?error=card_declined"), 200, "Your card was declined (card_declined)", `id="pay"`)
		wantRedirect(t, post(t, base, page+"/pay", url.Values{"card": {"succeeds"}}), success(co))
		got, err := s.client.Checkouts.Retrieve(s.ctx, co.ID)
		if err != nil || got.Status != paykit.CheckoutComplete {
			t.Fatalf("checkout after paying: %+v %v", got, err)
		}
		pays, _ := s.client.Payments.ListPage(s.ctx, &paykit.ListPaymentsParams{CustomerID: co.Customer.ID})
		var statuses []string
		for _, p := range pays.Data {
			statuses = append(statuses, string(p.Status))
		}
		if strings.Join(statuses, ",") != "succeeded,failed" {
			t.Errorf("payments %v, want the declined one and the paid one", statuses)
		}
		wantPage(t, get(t, base, page), 200, "This checkout is paid")
		// Paying again is refused and lands on the paid page.
		wantRedirect(t, post(t, base, page+"/pay", url.Values{"card": {"succeeds"}}), page)
	})

	t.Run("3-D Secure confirmed", func(t *testing.T) {
		co := s.checkout(t, "price_basic", paykit.SessionOneTime)
		a := post(t, base, "/checkout/"+co.ID+"/pay", url.Values{"card": {"requires_action"}})
		loc := a.header.Get("Location")
		if a.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/pay/pay_") || !strings.HasSuffix(loc, "?checkout="+co.ID) {
			t.Fatalf("3-D Secure: %d to %q", a.status, loc)
		}
		payPath, _, _ := strings.Cut(loc, "?")
		wantPage(t, get(t, base, loc), 200, "USD 30.00", `id="confirm"`, `id="fail"`, `value="`+co.ID+`"`)
		pay, err := s.client.Payments.Retrieve(s.ctx, strings.TrimPrefix(payPath, "/pay/"))
		if err != nil || pay.Status != paykit.PaymentRequiresAction {
			t.Fatalf("payment awaiting 3-D Secure: %+v %v", pay, err)
		}
		wantRedirect(t, post(t, base, payPath+"/confirm", url.Values{"checkout": {co.ID}}), success(co))
		if pay, _ = s.client.Payments.Retrieve(s.ctx, pay.ID); pay.Status != paykit.PaymentSucceeded {
			t.Errorf("confirmed payment is %s", pay.Status)
		}
	})

	t.Run("3-D Secure failed", func(t *testing.T) {
		co := s.checkout(t, "price_basic", paykit.SessionOneTime)
		loc := post(t, base, "/checkout/"+co.ID+"/pay", url.Values{"card": {"requires_action"}}).header.Get("Location")
		payPath, _, _ := strings.Cut(loc, "?")
		wantRedirect(t, post(t, base, payPath+"/fail", url.Values{"checkout": {co.ID}}), "/checkout/"+co.ID+"?error=authentication_failed")
		wantPage(t, get(t, base, "/checkout/"+co.ID+"?error=authentication_failed"), 200, "3-D Secure authentication failed")
		wantPage(t, get(t, base, payPath), 200, "failed", "card_declined")
	})

	t.Run("recurring checkout starts a subscription", func(t *testing.T) {
		co := s.checkout(t, "price_pro", paykit.SessionRecurring)
		wantPage(t, get(t, base, "/checkout/"+co.ID), 200, "USD 18.00", "every month", "Total per month")
		wantRedirect(t, post(t, base, "/checkout/"+co.ID+"/pay", url.Values{"card": {"succeeds"}}), success(co))
		got, _ := s.client.Checkouts.Retrieve(s.ctx, co.ID)
		sub, err := s.client.Subscriptions.Retrieve(s.ctx, got.SubscriptionID)
		if err != nil || sub.Status != paykit.SubscriptionActive {
			t.Fatalf("subscription of the checkout: %+v %v", sub, err)
		}
		invs, _ := s.client.Invoices.ListPage(s.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
		if len(invs.Data) != 1 || invs.Data[0].AmountPaid != 1800 {
			t.Errorf("invoices of the subscription: %+v", invs.Data)
		}
		s.waitEvents(t, paykit.EventSubscriptionCreated, paykit.EventInvoiceGenerated, paykit.EventCheckoutCompleted)
	})

	t.Run("refused", func(t *testing.T) {
		co := s.checkout(t, "price_basic", paykit.SessionOneTime)
		wantPage(t, get(t, base, "/checkout/cs_nope"), 404, "checkout")
		wantPage(t, post(t, base, "/checkout/"+co.ID+"/pay", url.Values{"card": {"gold"}}), 400, "unknown simulated card")
		cross := do(t, base, apiCall{method: "POST", path: "/checkout/" + co.ID + "/pay", body: []byte("card=succeeds"),
			contentType: "application/x-www-form-urlencoded", header: map[string]string{"Origin": "https://evil.example"}})
		if cross.status != http.StatusForbidden {
			t.Errorf("a cross-origin form post answered %d", cross.status)
		}
		if got, _ := s.client.Checkouts.Retrieve(s.ctx, co.ID); got.Status != paykit.CheckoutOpen {
			t.Errorf("refused posts changed the checkout to %s", got.Status)
		}
	})
}

// What the payer and the app entered is escaped on every page.
func TestPagesEscape(t *testing.T) {
	s := newShop(t)
	cus, err := s.client.Customers.Create(s.ctx, &paykit.CreateCustomerParams{Email: "x@example.com", Name: `<script>alert("x")</script>`})
	if err != nil {
		t.Fatal(err)
	}
	co, err := s.client.Checkouts.Create(s.ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: "price_basic",
		SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/ok", CancelURL: `https://example.com/"><script>x</script>`})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/checkout/" + co.ID, "/"} {
		a := get(t, s.srv.URL(), path)
		if strings.Contains(string(a.body), "<script>") {
			t.Errorf("%s renders a script tag from user input", path)
		}
	}
	wantPage(t, get(t, s.srv.URL(), "/checkout/"+co.ID), 200, "&lt;script&gt;")
}

func TestDashboard(t *testing.T) {
	s := newShop(t)
	base := s.srv.URL()
	cus, err := s.client.Customers.Create(s.ctx, &paykit.CreateCustomerParams{Email: "sub@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.client.Subscriptions.Create(s.ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(cus.ID), ItemID: "price_pro"})
	if err != nil {
		t.Fatal(err)
	}
	co := s.checkout(t, "price_basic", paykit.SessionOneTime)
	pay, err := s.sim.CompleteCheckout(s.ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	s.waitEvents(t, paykit.EventInvoiceGenerated)
	home := get(t, base, "/")
	wantPage(t, home, 200, cus.ID, sub.ID, pay.ID, co.ID, "Payments", "Subscriptions", "Events and webhook deliveries",
		"Customers", "Invoices", "Refunds", "succeeded", "1 attempt", s.app.URL+"/webhooks", "whsec_c2Vy…")
	if strings.Contains(string(home.body), secret[12:]) {
		t.Error("the dashboard shows the whole webhook secret")
	}

	// A renewal with a declining card makes the subscription past_due.
	wantRedirect(t, post(t, base, "/dashboard/customers/"+cus.ID+"/card", url.Values{"declined": {"true"}}), "/?done=card")
	wantRedirect(t, post(t, base, "/dashboard/clock", url.Values{"by": {"744h"}}), "/?done=clock")
	if got, _ := s.client.Subscriptions.Retrieve(s.ctx, sub.ID); got.Status != paykit.SubscriptionPastDue {
		t.Errorf("after a declined renewal the subscription is %s", got.Status)
	}
	events := s.waitEvents(t, paykit.EventSubscriptionUpdated)
	pastDue := false
	for _, e := range events {
		if sb := e.Subscription(); sb != nil && sb.ID == sub.ID && sb.Status == paykit.SubscriptionPastDue {
			pastDue = true
		}
	}
	if !pastDue {
		t.Error("the app heard of no past_due subscription")
	}
	wantPage(t, get(t, base, "/?done=clock"), 200, "The clock moved forward", "past_due", "declines")
	// Back to a working card: the next renewal succeeds.
	wantRedirect(t, post(t, base, "/dashboard/customers/"+cus.ID+"/card", url.Values{"declined": {"false"}}), "/?done=card")
	wantRedirect(t, post(t, base, "/dashboard/clock", url.Values{"by": {"744h"}}), "/?done=clock")
	if got, _ := s.client.Subscriptions.Retrieve(s.ctx, sub.ID); got.Status != paykit.SubscriptionActive {
		t.Errorf("after a paid renewal the subscription is %s", got.Status)
	}

	// Refund part, then the rest.
	wantRedirect(t, post(t, base, "/dashboard/payments/"+pay.ID+"/refund", url.Values{"amount": {"5.00"}}), "/?done=refund")
	wantPage(t, post(t, base, "/dashboard/payments/"+pay.ID+"/refund", url.Values{"amount": {"5.001"}}), 400, "amount: give the amount in USD")
	wantPage(t, post(t, base, "/dashboard/payments/"+pay.ID+"/refund", url.Values{"amount": {"99.00"}}), 400, "exceeds the 2500 left")
	wantRedirect(t, post(t, base, "/dashboard/payments/"+pay.ID+"/refund", nil), "/?done=refund")
	if got, _ := s.client.Payments.Retrieve(s.ctx, pay.ID); got.AmountRefunded != got.AmountCaptured {
		t.Errorf("refunded %d of %d", got.AmountRefunded, got.AmountCaptured)
	}

	// Resend an event: delivered again with the same id, handled once.
	evs, err := s.sim.Events(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := evs[0].Event.ID
	wantRedirect(t, post(t, base, "/dashboard/events/"+first+"/resend", nil), "/?done=resend")
	if err := s.sim.Flush(s.ctx); err != nil {
		t.Fatal(err)
	}
	le, err := s.sim.Event(s.ctx, first)
	if err != nil || le.Deliveries[0].AttemptCount != 2 || le.Deliveries[0].Status != local.DeliverySucceeded {
		t.Errorf("resent event: %+v %v", le.Deliveries, err)
	}
	handled := 0
	for _, e := range s.waitEvents(t) {
		if e.ID == first {
			handled++
		}
	}
	if handled != 1 {
		t.Errorf("the resent event was handled %d times, want once (same id)", handled)
	}

	// Bad actions show the dashboard with the error and change nothing.
	wantPage(t, post(t, base, "/dashboard/clock", url.Values{"by": {"soon"}}), 400, "by: give a positive duration")
	wantPage(t, post(t, base, "/dashboard/events/evt_nope/resend", nil), 404, "not found")
	wantPage(t, post(t, base, "/dashboard/customers/cus_nope/card", url.Values{"declined": {"true"}}), 404, "not found")
	wantPage(t, get(t, base, "/nowhere"), 404, "There is no page at /nowhere")
}

// A payment created for an email payee waits on its payment page until
// the payer confirms it there.
func TestPaymentPageOfAnEmailPayee(t *testing.T) {
	s := newShop(t)
	base := s.srv.URL()
	pay, err := s.client.Payments.Create(s.ctx, &paykit.CreatePaymentParams{Amount: 2750, Currency: "KWD", Customer: paykit.CustomerEmail("payer@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if !pay.RequiresAction || pay.PaymentURL != base+"/pay/"+pay.ID {
		t.Fatalf("payment of an email payee: %+v", pay)
	}
	wantPage(t, get(t, base, "/pay/"+pay.ID), 200, "KWD 2.750", `id="confirm"`)
	wantRedirect(t, post(t, base, "/pay/"+pay.ID+"/confirm", nil), "/pay/"+pay.ID)
	wantPage(t, get(t, base, "/pay/"+pay.ID), 200, "succeeded")
	if got, _ := s.client.Payments.Retrieve(s.ctx, pay.ID); got.Status != paykit.PaymentSucceeded {
		t.Errorf("confirmed payment is %s", got.Status)
	}
	// Confirming again changes nothing and shows the payment.
	wantRedirect(t, post(t, base, "/pay/"+pay.ID+"/confirm", nil), "/pay/"+pay.ID)
	wantPage(t, post(t, base, "/pay/"+pay.ID+"/refund", nil), 404, "There is no page")
	wantPage(t, get(t, base, "/pay/pay_nope"), 404, "not found")
}

// A subscription of an email payee renews through its payer: the
// dashboard links the payment page of the open renewal, and paying there
// makes the subscription active again.
func TestRenewalAwaitingThePayer(t *testing.T) {
	s := newShop(t)
	base := s.srv.URL()
	sub, err := s.client.Subscriptions.Create(s.ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("payer@example.com"), ItemID: "price_pro"})
	if err != nil {
		t.Fatal(err)
	}
	first := strings.TrimPrefix(sub.PaymentURL, base+"/pay/")
	wantRedirect(t, post(t, base, "/pay/"+first+"/confirm", nil), "/pay/"+first)
	wantRedirect(t, post(t, base, "/dashboard/clock", url.Values{"by": {"744h"}}), "/?done=clock")
	got, err := s.client.Subscriptions.Retrieve(s.ctx, sub.ID)
	if err != nil || got.Status != paykit.SubscriptionPastDue || !strings.HasPrefix(got.PaymentURL, base+"/pay/") {
		t.Fatalf("renewed subscription = %+v, %v; want past_due awaiting the payer", got, err)
	}
	due := strings.TrimPrefix(got.PaymentURL, base+"/pay/")
	wantPage(t, get(t, base, "/"), 200, `href="`+got.PaymentURL+`">Payment page</a>`)
	wantPage(t, get(t, base, "/pay/"+due), 200, "USD 9.00", `id="confirm"`)
	wantRedirect(t, post(t, base, "/pay/"+due+"/confirm", nil), "/pay/"+due)
	if got, _ := s.client.Subscriptions.Retrieve(s.ctx, sub.ID); got.Status != paykit.SubscriptionActive || got.RequiresAction {
		t.Errorf("after paying the renewal: %+v", got)
	}
	invs, err := s.client.Invoices.ListPage(s.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
	if err != nil || len(invs.Data) != 2 || invs.Data[0].Status != paykit.InvoicePaid || invs.Data[0].PaymentID != due {
		t.Errorf("invoices = %+v, %v", invs, err)
	}
}

// A delivery queued for an endpoint the server no longer has stays queued,
// and the dashboard says so.
func TestDashboardShowsDeliveriesOfAVanishedEndpoint(t *testing.T) {
	store := local.NewMemoryStore()
	first := local.Provider(append(items(), local.WithStore(store), local.WithDeliveryRetry(local.UnlimitedAttempts, time.Hour, time.Hour),
		local.WithWebhookHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })))...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := paykit.New(first).Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}); err != nil {
		t.Fatal(err)
	}
	for n := 0; ; n++ {
		evs, err := first.Events(ctx)
		if err != nil || n == 1000 {
			t.Fatal("no attempt", err)
		}
		if evs[0].Deliveries[0].AttemptCount > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = first.Close()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: append(items(), local.WithStore(store))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	wantPage(t, get(t, srv.URL(), "/"), http.StatusOK, "pending", "waiting: handler is no longer configured")
}

// A refund form posted twice (a double click, a reload) refunds once: the
// form carries an idempotency key made when the page was rendered.
func TestDashboardRefundFormPostedTwice(t *testing.T) {
	s := newShop(t)
	base := s.srv.URL()
	pay, err := s.sim.CompleteCheckout(s.ctx, s.checkout(t, "price_basic", paykit.SessionOneTime).ID)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindSubmatch(get(t, base, "/").body)
	if m == nil {
		t.Fatal("the refund form has no idempotency key")
	}
	form := url.Values{"amount": {"5.00"}, "idempotency_key": {string(m[1])}}
	for range 2 {
		wantRedirect(t, post(t, base, "/dashboard/payments/"+pay.ID+"/refund", form), "/?done=refund")
	}
	refs, err := s.client.Refunds.ListPage(s.ctx, &paykit.ListRefundsParams{PaymentID: pay.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs.Data) != 1 {
		t.Errorf("%d refunds after posting one form twice, want 1", len(refs.Data))
	}
	if m2 := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindSubmatch(get(t, base, "/").body); m2 == nil || string(m2[1]) == string(m[1]) {
		t.Error("a new rendering reuses the key")
	}
}
