package paypal

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/openapitest"
	"github.com/paykit-go/paykit/providerkit"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func wantCode(t *testing.T, err error, sentinel *paykit.Error, param string) *paykit.Error {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v, want %s", err, sentinel.Code)
	}
	pe, _ := paykit.AsError(err)
	if param != "" && pe.Param != param {
		t.Fatalf("Param = %q, want %q (%v)", pe.Param, param, err)
	}
	return pe
}

// TestMoneyEveryPayPalCurrency converts minor units to PayPal's strings
// and back for every currency PayPal lists, and refuses what PayPal
// cannot carry instead of rounding it.
func TestMoneyEveryPayPalCurrency(t *testing.T) {
	zero := map[string]bool{"HUF": true, "JPY": true, "TWD": true}
	want := []string{"AUD", "BRL", "CAD", "CNY", "CZK", "DKK", "EUR", "HKD", "HUF", "ILS", "JPY", "MYR",
		"MXN", "TWD", "NZD", "NOK", "PHP", "PLN", "GBP", "SGD", "SEK", "CHF", "THB", "USD"}
	if len(currencies) != len(want) {
		t.Fatalf("currencies = %v, want %v", currencies, want)
	}
	for _, cur := range want {
		t.Run(cur, func(t *testing.T) {
			iso, err := providerkit.Exponent(cur)
			if err != nil {
				t.Fatal(err)
			}
			minorUnits, str := int64(123400), "1234.00"
			switch {
			case zero[cur] && iso == 2: // HUF, TWD: ISO has cents, PayPal none
				str = "1234"
			case zero[cur]: // JPY
				str = "123400"
			}
			m, err := toMoney(minorUnits, strings.ToLower(cur))
			if err != nil || m.Value != str || m.CurrencyCode != cur {
				t.Fatalf("toMoney(%d %s) = %+v, %v; want %s", minorUnits, cur, m, err, str)
			}
			back, code, err := fromMoney(&m)
			if err != nil || back != minorUnits || code != cur {
				t.Fatalf("fromMoney(%+v) = %d %s %v", m, back, code, err)
			}
			if zero[cur] && iso == 2 {
				_, err := toMoney(150, cur) // 1.50: PayPal takes no decimals
				pe := wantCode(t, err, paykit.ErrValidation, "amount")
				if !errors.Is(pe.Err, providerkit.ErrInexactAmount) {
					t.Errorf("the refusal does not wrap ErrInexactAmount: %v", pe.Err)
				}
			}
		})
	}
	for _, cur := range []string{"KWD", "INR", "ZAR", "XAU"} {
		_, err := toMoney(1000, cur)
		wantCode(t, err, paykit.ErrValidation, "currency")
	}
}

// TestCheckerRefusesBadRequests shows the fake's documents refuse what
// PayPal would: an order without intent, and an amount with letters.
func TestCheckerRefusesBadRequests(t *testing.T) {
	rec := &recordingTB{}
	spec, err := openapitest.Load(openapitest.SpecPath(t, "paypal/checkout_orders_v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := openapitest.NewServer(rec, spec)
	for _, body := range []string{
		`{"purchase_units":[{"amount":{"currency_code":"USD","value":"10.00"}}]}`,
		`{"intent":"CAPTURE","purchase_units":[{"amount":{"currency_code":"USD","value":"ten"}}]}`,
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+ordersPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer A21AA-test")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, res.StatusCode)
		}
	}
	if n := len(srv.Violations()); n != 2 {
		t.Errorf("%d violations recorded, want 2: %v", n, srv.Violations())
	}
	rec.cleanup()
}

// recordingTB is a TB whose failures are expected.
type recordingTB struct{ cleanups []func() }

func (*recordingTB) Helper()               {}
func (*recordingTB) Errorf(string, ...any) {}
func (r *recordingTB) Cleanup(f func())    { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) cleanup() {
	for _, f := range r.cleanups {
		f()
	}
}

func newClient(t *testing.T) (*fake, *paykit.Client, string) {
	f := newFake(t)
	c := paykit.New(conformanceProvider(f))
	cus, err := c.Customers.Create(testCtx(t), &paykit.CreateCustomerParams{Email: "buyer@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return f, c, cus.ID
}

func TestCheckoutIsAnOrderToApprove(t *testing.T) {
	f, c, cus := newClient(t)
	ctx := testCtx(t)
	co, err := c.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus), ItemID: "sku-huf",
		SessionType: paykit.SessionOneTime, Quantity: 2, SuccessURL: "https://shop.example/ok", Metadata: map[string]string{"cart": "7"}})
	if err != nil {
		t.Fatal(err)
	}
	if co.Status != paykit.CheckoutOpen || co.Amount != 300000 || co.Currency != "HUF" || !strings.Contains(co.PaymentURL, co.ID) {
		t.Fatalf("checkout = %+v", co)
	}
	body := f.srv.Calls("orders.create")[0].BodyMap()
	pu := body["purchase_units"].([]any)[0].(map[string]any)
	if v := pu["amount"].(map[string]any)["value"]; v != "3000" {
		t.Errorf("amount.value = %v, want 3000 (HUF without decimals)", v)
	}
	if pu["custom_id"] != `{"c":"`+cus+`","m":{"cart":"7"}}` {
		t.Errorf("custom_id = %v", pu["custom_id"])
	}
	ec := body["payment_source"].(map[string]any)["paypal"].(map[string]any)["experience_context"].(map[string]any)
	if ec["return_url"] != "https://shop.example/ok" || ec["cancel_url"] != "https://example.com/cancel" {
		t.Errorf("experience_context = %v: the params' success URL, WithReturnURLs's cancel URL", ec)
	}
	if err := f.approveOrder(co.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.Checkouts.Retrieve(ctx, co.ID)
	if err != nil || got.Status != paykit.CheckoutComplete || got.PaymentID != co.ID {
		t.Fatalf("approved checkout = %+v, %v", got, err)
	}
	pay, err := c.Payments.Retrieve(ctx, got.PaymentID)
	if err != nil || pay.Status != paykit.PaymentRequiresCapture || pay.ItemID != "sku-huf" {
		t.Fatalf("payment of the approved checkout = %+v, %v", pay, err)
	}
	pay, err = c.Payments.Capture(ctx, pay.ID, nil)
	if err != nil || pay.Status != paykit.PaymentSucceeded || pay.AmountCaptured != 300000 {
		t.Fatalf("captured = %+v, %v", pay, err)
	}
}

func TestCheckoutRefusals(t *testing.T) {
	_, c, cus := newClient(t)
	ctx := testCtx(t)
	params := func() *paykit.CreateCheckoutParams {
		return &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus), ItemID: "sku-usd", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://shop.example/ok"}
	}
	p := params()
	p.ItemID = "sku-unknown"
	_, err := c.Checkouts.Create(ctx, p)
	wantCode(t, err, paykit.ErrValidation, "item_id")

	p = params()
	p.Metadata = map[string]string{"note": strings.Repeat("x", 90)}
	_, err = c.Checkouts.Create(ctx, p)
	wantCode(t, err, paykit.ErrValidation, "metadata")

	p = params()
	p.ItemID = "any"
	p.ProviderMetadata = CheckoutOptions{Item: &Item{Amount: 150, Currency: "HUF"}}
	_, err = c.Checkouts.Create(ctx, p)
	wantCode(t, err, paykit.ErrValidation, "amount")

	p = params()
	p.Customer = paykit.CustomerID("cus_unknown")
	_, err = c.Checkouts.Create(ctx, p)
	wantCode(t, err, paykit.ErrNotFound, "customer")
}

func TestManualCaptureAndCancel(t *testing.T) {
	f, c, cus := newClient(t)
	ctx := testCtx(t)
	auth, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: "USD", Customer: paykit.CustomerID(cus), CaptureMethod: paykit.CaptureManual})
	if err != nil || auth.Status != paykit.PaymentPending || !auth.RequiresAction || auth.PaymentURL == "" {
		t.Fatalf("created = %+v, %v", auth, err)
	}
	_, err = c.Payments.Capture(ctx, auth.ID, nil)
	wantCode(t, err, paykit.ErrInvalidState, "")
	_, err = c.Payments.Cancel(ctx, auth.ID)
	wantCode(t, err, paykit.ErrInvalidState, "")

	if err := f.approveOrder(auth.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.Payments.Capture(ctx, auth.ID, &paykit.CapturePaymentParams{Amount: 1500})
	if err != nil || got.Status != paykit.PaymentSucceeded || got.AmountCaptured != 1500 || got.Amount != 2000 {
		t.Fatalf("partial capture = %+v, %v", got, err)
	}
	if n := len(f.srv.Calls("orders.authorize")); n != 1 {
		t.Errorf("%d authorizations, want 1", n)
	}
	_, err = c.Payments.Capture(ctx, auth.ID, nil)
	wantCode(t, err, paykit.ErrInvalidState, "")

	// Cancel voids the authorization of an approved manual payment.
	other, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 900, Currency: "JPY", Customer: paykit.CustomerID(cus), CaptureMethod: paykit.CaptureManual})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.approveOrder(other.ID); err != nil {
		t.Fatal(err)
	}
	got, err = c.Payments.Cancel(ctx, other.ID)
	if err != nil || got.Status != paykit.PaymentCanceled {
		t.Fatalf("canceled = %+v, %v", got, err)
	}
	_, err = c.Payments.Capture(ctx, other.ID, nil)
	wantCode(t, err, paykit.ErrInvalidState, "")
}

func TestAutomaticCaptureIsWhole(t *testing.T) {
	f, c, cus := newClient(t)
	ctx := testCtx(t)
	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: "USD", Customer: paykit.CustomerEmail("x@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	_ = cus
	if err := f.approveOrder(pay.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Payments.Capture(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: 100})
	wantCode(t, err, paykit.ErrValidation, "amount")
	got, err := c.Payments.Capture(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: 2000})
	if err != nil || got.Status != paykit.PaymentSucceeded || got.Customer.Email != "x@example.com" {
		t.Fatalf("captured = %+v, %v", got, err)
	}
}

func TestRefunds(t *testing.T) {
	f, c, cus := newClient(t)
	ctx := testCtx(t)
	pay, err := c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 5000, Currency: "USD", Customer: paykit.CustomerID(cus)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 100})
	wantCode(t, err, paykit.ErrInvalidState, "payment_id")
	if err := f.approveOrder(pay.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Payments.Capture(ctx, pay.ID, nil); err != nil {
		t.Fatal(err)
	}
	r1, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 1000, Reason: paykit.RefundDuplicate, Metadata: map[string]string{"ticket": "9"}})
	if err != nil || r1.Amount != 1000 || r1.Status != paykit.RefundSucceeded {
		t.Fatalf("refund = %+v, %v", r1, err)
	}
	// Amount 0 refunds what is left: the amount is left out.
	r2, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID})
	if err != nil || r2.Amount != 4000 {
		t.Fatalf("rest = %+v, %v", r2, err)
	}
	if _, ok := f.srv.Calls("captures.refund")[1].BodyMap()["amount"]; ok {
		t.Error("a refund of what is left sent an amount")
	}
	got, err := c.Refunds.Retrieve(ctx, r1.ID)
	if err != nil || got.PaymentID != pay.ID || got.Reason != paykit.RefundDuplicate || got.Metadata["ticket"] != "9" || got.Amount != 1000 {
		t.Fatalf("retrieved = %+v, %v", got, err)
	}
	p, err := c.Payments.Retrieve(ctx, pay.ID)
	if err != nil || p.AmountRefunded != 5000 || p.Status != paykit.PaymentSucceeded {
		t.Fatalf("refunded payment = %+v, %v", p, err)
	}
	_, err = c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 1})
	wantCode(t, err, paykit.ErrInvalidState, "")
}

func TestPayPalErrors(t *testing.T) {
	header := http.Header{"Paypal-Debug-Id": {"hdr123"}}
	for _, tc := range []struct {
		status int
		body   string
		code   paykit.ErrorCode
		param  string
		id     string
	}{
		{422, `{"name":"UNPROCESSABLE_ENTITY","debug_id":"dbg1","details":[{"issue":"ORDER_NOT_APPROVED","description":"Payer has not yet approved the Order for payment."}]}`, paykit.CodeInvalidState, "", "dbg1"},
		{422, `{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"INSTRUMENT_DECLINED"}]}`, paykit.CodeCardDeclined, "", "hdr123"},
		{422, `{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"REFUND_AMOUNT_EXCEEDED","field":"/amount/value"}]}`, paykit.CodeValidation, "amount", "hdr123"},
		{422, `{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"AUTHORIZATION_VOIDED"}]}`, paykit.CodeInvalidState, "", "hdr123"},
		{422, `{"name":"UNPROCESSABLE_ENTITY","details":[{"issue":"DUPLICATE_INVOICE_ID"}]}`, paykit.CodeInvalidState, "provider_metadata", "hdr123"},
		{400, `{"name":"INVALID_REQUEST","details":[{"issue":"INVALID_PARAMETER_VALUE","field":"/purchase_units/@reference_id=='default'/amount/currency_code","location":"body"}]}`, paykit.CodeValidation, "currency", "hdr123"},
		{400, `{"name":"INVALID_REQUEST","details":[{"issue":"INVALID_STRING_LENGTH","field":"/purchase_units/@reference_id=='default'/custom_id","location":"body"}]}`, paykit.CodeValidation, "metadata", "hdr123"},
		{404, `{"name":"RESOURCE_NOT_FOUND","details":[{"issue":"INVALID_RESOURCE_ID"}]}`, paykit.CodeNotFound, "", "hdr123"},
		{403, `{"name":"NOT_AUTHORIZED","details":[{"issue":"PERMISSION_DENIED"}]}`, paykit.CodePermission, "", "hdr123"},
		{429, `{"name":"RATE_LIMIT_REACHED","message":"Too many requests."}`, paykit.CodeRateLimited, "", "hdr123"},
		{500, `{"name":"INTERNAL_SERVER_ERROR"}`, paykit.CodeProviderUnavailable, "", "hdr123"},
		{422, `not json`, paykit.CodeValidation, "", "hdr123"},
	} {
		pe := mapError(&providerkit.Response{StatusCode: tc.status, Header: header, Body: []byte(tc.body)})
		if pe.Code != tc.code || pe.Param != tc.param || pe.RequestID != tc.id || pe.Provider != Name {
			t.Errorf("%d %s: %s param %q id %q provider %q; want %s %q %q", tc.status, tc.body, pe.Code, pe.Param, pe.RequestID, pe.Provider, tc.code, tc.param, tc.id)
		}
		var api *APIError
		if strings.HasPrefix(tc.body, "{") && !errors.As(pe, &api) {
			t.Errorf("%s: no *APIError to reach", tc.body)
		}
	}
}

// TestIdempotentReplay: a write repeated with one key is applied once.
func TestIdempotentReplay(t *testing.T) {
	f, _, cus := newClient(t)
	p := conformanceProvider(f)
	ctx := testCtx(t)
	params := &paykit.CreatePaymentParams{Amount: 700, Currency: "USD", Customer: paykit.CustomerID(cus)}
	_, err := p.CreatePayment(ctx, params, &paykit.RequestOptions{IdempotencyKey: "k-1"})
	wantCode(t, err, paykit.ErrNotFound, "customer") // another provider's store
	p = f.provider()
	params.Customer = paykit.CustomerEmail("a@example.com")
	a, err := p.CreatePayment(ctx, params, &paykit.RequestOptions{IdempotencyKey: "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.CreatePayment(ctx, params, &paykit.RequestOptions{IdempotencyKey: "k-1"})
	if err != nil || a.ID != b.ID {
		t.Fatalf("two orders for one key: %s %s %v", a.ID, b.ID, err)
	}
	for _, call := range f.srv.Calls("orders.create") {
		if call.Header.Get("PayPal-Request-Id") != "k-1" {
			t.Errorf("PayPal-Request-Id = %q", call.Header.Get("PayPal-Request-Id"))
		}
	}
}

func TestUnknownIDsAreNotFound(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	ctx := testCtx(t)
	for _, id := range []string{"not-an-order-id", "0000000000000000X"} {
		_, err := p.RetrievePayment(ctx, id, nil)
		wantCode(t, err, paykit.ErrNotFound, "")
		_, err = p.RetrieveCheckout(ctx, id, nil)
		wantCode(t, err, paykit.ErrNotFound, "")
	}
	if n := len(f.srv.Calls("orders.get")); n != 2 {
		t.Errorf("%d orders.get calls, want 2: an id PayPal cannot have made is not sent", n)
	}
}
