package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

//go:embed templates
var templateFS embed.FS

// maxForm bounds the body of a form post.
const maxForm = 64 << 10

// pages serves the hosted checkout, payment and dashboard pages.
type pages struct {
	sim    *local.Simulator
	client *paykit.Client
	logger *slog.Logger
	tmpl   map[string]*template.Template
}

var funcs = template.FuncMap{
	"amount": paykit.FormatAmount,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"whenp": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"payee": func(p paykit.Payee) string { return p.String() },
	// has reports whether a list holds a string.
	"has": slices.Contains[[]string],
	// lastAttempt summarizes a delivery's latest attempt.
	"lastAttempt": func(d local.Delivery) string {
		if len(d.Attempts) == 0 {
			return ""
		}
		a := d.Attempts[len(d.Attempts)-1]
		switch {
		case a.OK():
			return "answered " + strconv.Itoa(a.StatusCode)
		case d.Status == local.DeliveryPending && !d.NextAttemptAt.IsZero():
			return a.Error + "; next try " + d.NextAttemptAt.UTC().Format("15:04:05")
		}
		return a.Error
	},
}

func newPages(sim *local.Simulator, logger *slog.Logger) *pages {
	p := &pages{sim: sim, client: paykit.New(sim), logger: logger, tmpl: map[string]*template.Template{}}
	for _, name := range []string{"checkout", "payment", "dashboard", "message", "signin"} {
		p.tmpl[name] = template.Must(template.New("layout.html").Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

func (p *pages) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", p.dashboard)
	mux.HandleFunc("POST /dashboard/clock", p.advanceClock)
	mux.HandleFunc("POST /dashboard/events/{id}/resend", p.resend)
	mux.HandleFunc("POST /dashboard/payments/{id}/refund", p.refund)
	mux.HandleFunc("POST /dashboard/customers/{id}/card", p.setCard)
	mux.HandleFunc("GET /checkout/{id}", p.checkout)
	mux.HandleFunc("POST /checkout/{id}/pay", p.payCheckout)
	mux.HandleFunc("GET /pay/{id}", p.payment)
	mux.HandleFunc("POST /pay/{id}/{action}", p.settlePayment)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p.message(w, http.StatusNotFound, "Not found", "There is no page at "+r.URL.Path+".", "/", "Dashboard")
	})
}

// render executes page name into a buffer first, so that a template
// error becomes a clean 500 instead of half a page.
func (p *pages) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.tmpl[name].Execute(&buf, data); err != nil {
		p.logError("render "+name, err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	setPageHeaders(w)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// setPageHeaders sets the headers of every HTML page.
func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

type messageView struct {
	Title, Text, Link, LinkText string
}

func (p *pages) message(w http.ResponseWriter, status int, title, text, link, linkText string) {
	p.render(w, status, "message", messageView{title, text, link, linkText})
}

// fail shows err as a page with the status its code calls for.
func (p *pages) fail(w http.ResponseWriter, err error) {
	pe, ok := paykit.AsError(err)
	if !ok {
		pe = &paykit.Error{Code: paykit.CodeOperationFailed, Message: "the local server failed"}
	}
	title := "Something went wrong"
	switch pe.Code {
	case paykit.CodeNotFound:
		title = "Not found"
	case paykit.CodeValidation:
		title = "Invalid request"
	case paykit.CodeInvalidState:
		title = "Not possible now"
	default:
		p.logError("page", err)
	}
	p.message(w, wire.Status(pe.Code), title, paykit.Redact(pe.Message), "/", "Dashboard")
}

func (p *pages) logError(what string, err error) {
	if p.logger != nil {
		p.logger.Error("paykit dev: "+what, slog.String("error", paykit.Redact(err.Error())))
	}
}

// form parses a posted form of at most maxForm bytes.
func form(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return paykit.ValidationError("form", "the form could not be read")
	}
	return nil
}

// line is one product of a checkout as the page shows it.
type line struct {
	ItemID   string
	Quantity int64
	Unit     string
	Total    string
}

type checkoutView struct {
	Checkout *paykit.Checkout
	Lines    []line
	Total    string
	Interval string
	Payer    string
	Error    string
	Success  string
}

// checkoutErrors are the messages of ?error= on the checkout page.
var checkoutErrors = map[string]string{
	local.DeclineCode:       "Your card was declined (card_declined). No money moved: try again.",
	"authentication_failed": "3-D Secure authentication failed, so the payment was declined. No money moved: try again.",
}

func (p *pages) checkout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	co, err := p.client.Checkouts.Retrieve(ctx, r.PathValue("id"))
	if err != nil {
		p.fail(w, err)
		return
	}
	v := checkoutView{Checkout: co, Total: paykit.FormatAmount(co.Amount, co.Currency),
		Error: checkoutErrors[r.URL.Query().Get("error")], Success: successURL(co)}
	for _, li := range co.Products {
		l := line{ItemID: li.ID, Quantity: li.Quantity}
		if it, ok := p.sim.Item(li.ID); ok {
			l.Unit = paykit.FormatAmount(it.Amount, it.Currency)
			l.Total = paykit.FormatAmount(it.Amount*li.Quantity, it.Currency)
		}
		v.Lines = append(v.Lines, l)
	}
	if sub := co.Subscription; sub != nil && co.SessionType == paykit.SessionRecurring {
		v.Interval = sub.BillingInterval.String()
		if sub.BillingIntervalCount > 1 {
			v.Interval = strconv.Itoa(sub.BillingIntervalCount) + " " + v.Interval + "s"
		}
	}
	v.Payer = co.Customer.Email
	if co.Customer.ID != "" {
		v.Payer = co.Customer.ID
		if cus, err := p.client.Customers.Retrieve(ctx, co.Customer.ID); err == nil {
			v.Payer = cus.Email
			if cus.Name != "" {
				v.Payer = cus.Name + " <" + cus.Email + ">"
			}
		}
	}
	p.render(w, http.StatusOK, "checkout", v)
}

// successURL is where the payer goes after paying: the checkout's
// success_url with {CHECKOUT_ID} filled in, or its own page.
func successURL(co *paykit.Checkout) string {
	if co.SuccessURL == "" {
		return "/checkout/" + url.PathEscape(co.ID)
	}
	u := strings.ReplaceAll(co.SuccessURL, "{CHECKOUT_ID}", co.ID)
	return strings.ReplaceAll(u, "%7BCHECKOUT_ID%7D", co.ID)
}

func (p *pages) payCheckout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := form(w, r); err != nil {
		p.fail(w, err)
		return
	}
	card := local.Card(r.PostForm.Get("card"))
	pay, err := p.sim.PayCheckout(ctx, id, card)
	if errors.Is(err, paykit.ErrInvalidState) {
		// Paid or expired meanwhile: the checkout page says which.
		http.Redirect(w, r, "/checkout/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	if err != nil {
		p.fail(w, err)
		return
	}
	switch pay.Status {
	case paykit.PaymentFailed:
		http.Redirect(w, r, "/checkout/"+url.PathEscape(id)+"?error="+url.QueryEscape(pay.FailureCode), http.StatusSeeOther)
	case paykit.PaymentRequiresAction:
		http.Redirect(w, r, "/pay/"+url.PathEscape(pay.ID)+"?checkout="+url.QueryEscape(id), http.StatusSeeOther)
	default:
		p.done(w, r, ctx, id)
	}
}

// done sends the payer of a paid checkout to its success URL.
func (p *pages) done(w http.ResponseWriter, r *http.Request, ctx context.Context, checkoutID string) {
	co, err := p.client.Checkouts.Retrieve(ctx, checkoutID)
	if err != nil {
		p.fail(w, err)
		return
	}
	http.Redirect(w, r, successURL(co), http.StatusSeeOther)
}

type paymentView struct {
	Payment    *paykit.Payment
	Amount     string
	CheckoutID string
	Awaiting   bool
}

// payment is the page of a payment awaiting its payer: the 3-D Secure
// challenge of a checkout, or the page of a payment or subscription
// created for an email payee.
func (p *pages) payment(w http.ResponseWriter, r *http.Request) {
	pay, err := p.client.Payments.Retrieve(r.Context(), r.PathValue("id"))
	if err != nil {
		p.fail(w, err)
		return
	}
	p.render(w, http.StatusOK, "payment", paymentView{
		Payment: pay, Amount: paykit.FormatAmount(pay.Amount, pay.Currency), CheckoutID: r.URL.Query().Get("checkout"),
		Awaiting: pay.Status == paykit.PaymentPending || pay.Status == paykit.PaymentRequiresAction,
	})
}

// settlePayment confirms or fails a payment awaiting its payer, then
// returns a checkout's payer to the checkout: its success URL when paid,
// its page with the error when not.
func (p *pages) settlePayment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if err := form(w, r); err != nil {
		p.fail(w, err)
		return
	}
	checkoutID := r.PostForm.Get("checkout")
	var err error
	switch r.PathValue("action") {
	case "confirm":
		_, err = p.sim.ConfirmPayment(ctx, id)
	case "fail":
		_, err = p.sim.FailPayment(ctx, id)
	default:
		p.message(w, http.StatusNotFound, "Not found", "There is no page at "+r.URL.Path+".", "/", "Dashboard")
		return
	}
	if err != nil && !errors.Is(err, paykit.ErrInvalidState) {
		p.fail(w, err)
		return
	}
	back := "/pay/" + url.PathEscape(id)
	if checkoutID != "" {
		co, cerr := p.client.Checkouts.Retrieve(ctx, checkoutID)
		switch {
		case cerr != nil:
		case co.Status == paykit.CheckoutComplete && co.PaymentID == id:
			http.Redirect(w, r, successURL(co), http.StatusSeeOther)
			return
		case co.Status == paykit.CheckoutOpen && r.PathValue("action") == "fail":
			back = "/checkout/" + url.PathEscape(co.ID) + "?error=authentication_failed"
		default:
			back = "/checkout/" + url.PathEscape(co.ID)
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// The dashboard.

type dashboardView struct {
	Now           time.Time
	Notice        string
	Error         string
	WebhookSecret string
	Endpoints     []string
	Customers     []customerRow
	Checkouts     []*paykit.Checkout
	Payments      []*paykit.Payment
	Subscriptions []*paykit.Subscription
	Refunds       []*paykit.Refund
	Invoices      []*paykit.Invoice
	Events        []*local.LoggedEvent
	Items         []itemRow
	// FormKey is new for every rendering: with the payment id it is the
	// idempotency key of a refund form, so that posting the form twice
	// refunds once.
	FormKey string
}

type customerRow struct {
	*paykit.Customer
	Declines bool
}

type itemRow struct {
	local.Item
	Price string
}

// dashboardRows is how many of each resource the dashboard shows, newest
// first.
const dashboardRows = 50

var notices = map[string]string{
	"clock":  "The clock moved forward; what fell due ran.",
	"resend": "The event is queued for delivery again.",
	"refund": "The refund was made.",
	"card":   "The customer's card setting changed.",
}

func (p *pages) dashboard(w http.ResponseWriter, r *http.Request) {
	p.renderDashboard(w, r, http.StatusOK, "")
}

func (p *pages) renderDashboard(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	ctx := r.Context()
	v := dashboardView{Notice: notices[r.URL.Query().Get("done")], Error: errMsg, WebhookSecret: mask(p.sim.WebhookSecret()), FormKey: rand.Text()}
	lp := paykit.ListParams{Limit: dashboardRows}
	now, err1 := p.sim.Now(ctx)
	cus, err2 := p.client.Customers.ListPage(ctx, &paykit.ListCustomersParams{ListParams: lp})
	cos, err3 := p.client.Checkouts.ListPage(ctx, &paykit.ListCheckoutsParams{ListParams: lp})
	pays, err4 := p.client.Payments.ListPage(ctx, &paykit.ListPaymentsParams{ListParams: lp})
	subs, err5 := p.client.Subscriptions.ListPage(ctx, &paykit.ListSubscriptionsParams{ListParams: lp})
	refs, err6 := p.client.Refunds.ListPage(ctx, &paykit.ListRefundsParams{ListParams: lp})
	invs, err7 := p.client.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{ListParams: lp})
	evs, err8 := p.sim.EventsPage(ctx, lp)
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8); err != nil {
		p.fail(w, err)
		return
	}
	for _, c := range cus.Data {
		d, err := p.sim.CardDeclined(ctx, c.ID)
		if err != nil {
			p.fail(w, err)
			return
		}
		v.Customers = append(v.Customers, customerRow{c, d})
	}
	v.Now, v.Checkouts, v.Payments, v.Subscriptions = now, cos.Data, pays.Data, subs.Data
	v.Refunds, v.Invoices, v.Events = refs.Data, invs.Data, evs.Data
	for _, it := range p.sim.Items() {
		v.Items = append(v.Items, itemRow{it, paykit.FormatAmount(it.Amount, it.Currency)})
	}
	v.Endpoints = p.sim.Endpoints()
	p.render(w, status, "dashboard", v)
}

// mask shows the start of a secret only; "paykit dev" prints it whole.
func mask(secret string) string {
	if len(secret) <= 12 {
		return "…"
	}
	return secret[:10] + "…"
}

// action runs a dashboard action: back to the dashboard with a notice,
// or the dashboard with the error.
func (p *pages) action(w http.ResponseWriter, r *http.Request, done string, fn func(ctx context.Context) error) {
	if err := form(w, r); err != nil {
		p.renderDashboard(w, r, http.StatusBadRequest, paykit.Redact(err.Error()))
		return
	}
	if err := fn(r.Context()); err != nil {
		pe, ok := paykit.AsError(err)
		msg, status := "the action failed", http.StatusInternalServerError
		if ok {
			msg, status = pe.Message, wire.Status(pe.Code)
			if pe.Param != "" {
				msg = pe.Param + ": " + msg
			}
		}
		p.renderDashboard(w, r, status, paykit.Redact(msg))
		return
	}
	http.Redirect(w, r, "/?done="+done, http.StatusSeeOther)
}

func (p *pages) advanceClock(w http.ResponseWriter, r *http.Request) {
	p.action(w, r, "clock", func(ctx context.Context) error {
		d, err := time.ParseDuration(r.PostForm.Get("by"))
		if err != nil || d <= 0 {
			return paykit.ValidationError("by", "give a positive duration such as 24h or 720h")
		}
		return p.sim.AdvanceClock(ctx, d)
	})
}

func (p *pages) resend(w http.ResponseWriter, r *http.Request) {
	p.action(w, r, "resend", func(ctx context.Context) error { return p.sim.Resend(ctx, r.PathValue("id")) })
}

func (p *pages) refund(w http.ResponseWriter, r *http.Request) {
	p.action(w, r, "refund", func(ctx context.Context) error {
		id := r.PathValue("id")
		var amount int64
		if s := strings.TrimSpace(r.PostForm.Get("amount")); s != "" {
			pay, err := p.client.Payments.Retrieve(ctx, id)
			if err != nil {
				return err
			}
			if amount, err = providerkit.ParseDecimal(s, pay.Currency); err != nil || amount <= 0 {
				return paykit.ValidationError("amount", "give the amount in "+pay.Currency+" like 12.50, or leave it empty to refund the rest")
			}
		}
		var opts []paykit.CallOption
		if key := r.PostForm.Get("idempotency_key"); key != "" {
			opts = append(opts, paykit.WithIdempotencyKey(key))
		}
		_, err := p.client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: id, Amount: amount, Reason: paykit.RefundRequestedByCustomer}, opts...)
		return err
	})
}

func (p *pages) setCard(w http.ResponseWriter, r *http.Request) {
	p.action(w, r, "card", func(ctx context.Context) error {
		return p.sim.SetCardDeclined(ctx, r.PathValue("id"), r.PostForm.Get("declined") == "true")
	})
}
