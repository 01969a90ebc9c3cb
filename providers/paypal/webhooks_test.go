package paypal

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// wantEvent is what one fixture must map to.
type wantEvent struct {
	typ    paykit.EventType
	id     string // the object's id
	status string
	amount int64
	check  func(t *testing.T, e *paykit.Event)
}

// fixtureEvents is what each mapped event type's fixture maps to.
var fixtureEvents = map[string][]wantEvent{
	"CHECKOUT.ORDER.APPROVED": {
		{typ: paykit.EventCheckoutCompleted, id: "5O190127TN364715T", status: "complete", amount: 10000, check: func(t *testing.T, e *paykit.Event) {
			co := e.Checkout()
			if co.PaymentID != "5O190127TN364715T" || co.Customer.Email != "buyer@example.com" || co.Currency != "USD" ||
				co.Metadata["order"] != "1042" || !slices.Equal(co.Products, []paykit.LineItem{{ID: "sku_laptop", Quantity: 2}}) {
				t.Errorf("checkout %+v", co)
			}
		}},
		{typ: paykit.EventPaymentUpdated, id: "5O190127TN364715T", status: "requires_capture", amount: 10000},
	},
	"CHECKOUT.ORDER.COMPLETED": {{typ: paykit.EventPaymentUpdated, id: "5O190127TN364715T", status: "succeeded", amount: 10000,
		check: func(t *testing.T, e *paykit.Event) {
			if p := e.Payment(); p.AmountCaptured != 10000 || p.CaptureMethod != paykit.CaptureAutomatic {
				t.Errorf("payment %+v", p)
			}
		}}},
	"PAYMENT.CAPTURE.COMPLETED": {{typ: paykit.EventPaymentUpdated, id: "5O190127TN364715T", status: "succeeded", amount: 10000,
		check: func(t *testing.T, e *paykit.Event) {
			if p := e.Payment(); p.AmountCaptured != 10000 || p.Metadata["order"] != "1042" {
				t.Errorf("payment %+v", p)
			}
		}}},
	"PAYMENT.CAPTURE.PENDING": {{typ: paykit.EventPaymentUpdated, id: "5O190127TN364715T", status: "processing", amount: 10000}},
	"PAYMENT.CAPTURE.DENIED": {{typ: paykit.EventPaymentUpdated, id: "5O190127TN364715T", status: "failed", amount: 10000,
		check: func(t *testing.T, e *paykit.Event) {
			if e.Payment().FailureCode != "DECLINED" {
				t.Errorf("failure code %q", e.Payment().FailureCode)
			}
		}}},
	"PAYMENT.CAPTURE.REFUNDED": {{typ: paykit.EventRefundCreated, id: "1JU08902781691411", status: "succeeded", amount: 2500,
		check: func(t *testing.T, e *paykit.Event) {
			// paykit's refund: its custom_id names the payment (the order).
			if r := e.Refund(); r.PaymentID != "5O190127TN364715T" || r.Reason != paykit.RefundRequestedByCustomer || r.Metadata["order"] != "1042" {
				t.Errorf("refund %+v", r)
			}
		}}},
	"PAYMENT.CAPTURE.REVERSED": {{typ: paykit.EventRefundCreated, id: "8GH02983621947201", status: "succeeded", amount: 2500,
		check: func(t *testing.T, e *paykit.Event) {
			// PayPal's reversal names only its capture: no payment without a call.
			if r := e.Refund(); r.PaymentID != "" || len(r.Metadata) != 0 {
				t.Errorf("refund %+v", r)
			}
		}}},
	"PAYMENT.AUTHORIZATION.CREATED": {{typ: paykit.EventPaymentUpdated, id: "5O190127TN364715T", status: "requires_capture", amount: 10000}},
	"PAYMENT.AUTHORIZATION.VOIDED":  {{typ: paykit.EventPaymentCanceled, id: "5O190127TN364715T", status: "canceled", amount: 10000}},
	"BILLING.SUBSCRIPTION.CREATED": {{typ: paykit.EventSubscriptionCreated, id: "I-BW452GLLEP1G", status: "pending",
		check: func(t *testing.T, e *paykit.Event) {
			s := e.Subscription()
			if !s.RequiresAction || !strings.Contains(s.PaymentURL, "ba_token=") || s.ItemID != "P-5ML4271244454362WXNWU5NQ" ||
				s.Customer.Email != "customer@example.com" || s.Metadata["plan"] != "pro" {
				t.Errorf("subscription %+v", s)
			}
		}}},
	"BILLING.SUBSCRIPTION.ACTIVATED": {{typ: paykit.EventSubscriptionUpdated, id: "I-BW452GLLEP1G", status: "active", amount: 1000,
		check: func(t *testing.T, e *paykit.Event) {
			s := e.Subscription()
			if s.CurrentPeriodEnd.Format(time.RFC3339) != "2025-01-16T10:00:00Z" || s.Quantity != 1 || s.Currency != "USD" {
				t.Errorf("subscription %+v", s)
			}
		}}},
	"BILLING.SUBSCRIPTION.UPDATED":        {{typ: paykit.EventSubscriptionUpdated, id: "I-BW452GLLEP1G", status: "active", amount: 1000}},
	"BILLING.SUBSCRIPTION.SUSPENDED":      {{typ: paykit.EventSubscriptionUpdated, id: "I-BW452GLLEP1G", status: "canceled", amount: 1000}},
	"BILLING.SUBSCRIPTION.PAYMENT.FAILED": {{typ: paykit.EventSubscriptionUpdated, id: "I-BW452GLLEP1G", status: "active", amount: 1000}},
	"BILLING.SUBSCRIPTION.CANCELLED": {{typ: paykit.EventSubscriptionCanceled, id: "I-BW452GLLEP1G", status: "canceled", amount: 1000,
		check: func(t *testing.T, e *paykit.Event) {
			if e.Subscription().CanceledAt == nil {
				t.Error("no CanceledAt")
			}
		}}},
	"BILLING.SUBSCRIPTION.EXPIRED": {{typ: paykit.EventSubscriptionCanceled, id: "I-BW452GLLEP1G", status: "canceled", amount: 1000}},
	"PAYMENT.SALE.COMPLETED": {{typ: paykit.EventInvoiceGenerated, id: "I-BW452GLLEP1G:80F85758S3080410K", status: "paid", amount: 1000,
		check: func(t *testing.T, e *paykit.Event) {
			inv := e.Invoice()
			if inv.SubscriptionID != "I-BW452GLLEP1G" || inv.BillingMode != paykit.BillingRecurring || inv.PaidAt == nil || inv.Currency != "USD" ||
				inv.Metadata["plan"] != "pro" {
				t.Errorf("invoice %+v", inv)
			}
		}}},
}

// objectOf returns the id, status and amount of an event's object.
func objectOf(e *paykit.Event) (id, status string, amount int64) {
	switch {
	case e.Checkout() != nil:
		return e.Checkout().ID, string(e.Checkout().Status), e.Checkout().Amount
	case e.Payment() != nil:
		return e.Payment().ID, string(e.Payment().Status), e.Payment().Amount
	case e.Refund() != nil:
		return e.Refund().ID, string(e.Refund().Status), e.Refund().Amount
	case e.Subscription() != nil:
		return e.Subscription().ID, string(e.Subscription().Status), e.Subscription().Amount
	case e.Invoice() != nil:
		return e.Invoice().ID, string(e.Invoice().Status), e.Invoice().AmountPaid
	}
	return "", "", 0
}

func TestWebhookEveryMappedEventHasAFixtureThatMapsAsExpected(t *testing.T) {
	f := newFake(t)
	offline, _ := f.webhookProvider(WithOfflineWebhookVerification())
	online, _ := f.webhookProvider()
	mapped := MappedEvents()
	if !slices.IsSorted(mapped) || len(mapped) != len(fixtureEvents) {
		t.Fatalf("MappedEvents() = %q; the test expects %d types", mapped, len(fixtureEvents))
	}
	for _, typ := range mapped {
		t.Run(typ, func(t *testing.T) {
			want, ok := fixtureEvents[typ]
			if !ok {
				t.Fatalf("no expectation for %s", typ)
			}
			body := webhookFixture(t, typ)
			var native struct{ ID, EventType string }
			_ = json.Unmarshal(body, &struct {
				ID        *string `json:"id"`
				EventType *string `json:"event_type"`
			}{&native.ID, &native.EventType})
			if native.EventType != typ {
				t.Fatalf("fixture's event_type is %q", native.EventType)
			}
			for name, p := range map[string]*provider{"offline": offline, "online": online} {
				req := signDelivery(t, body, testWebhookID, time.Now())
				events, err := p.ParseWebhook(context.Background(), req, testWebhookID)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(events) != len(want) {
					t.Fatalf("%s: %d events, want %d", name, len(events), len(want))
				}
				for i, e := range events {
					w := want[i]
					wantID := native.ID
					if i > 0 {
						wantID += ":" + string(w.typ)
					}
					if e.Type != w.typ || e.ID != wantID || e.NativeType != typ || e.Provider != Name || e.Created.IsZero() || len(e.Raw) == 0 {
						t.Errorf("%s: event %d = %s %s (native %s), want %s %s", name, i, e.Type, e.ID, e.NativeType, w.typ, wantID)
					}
					id, status, amount := objectOf(e)
					if id != w.id || status != w.status || amount != w.amount {
						t.Errorf("%s: %s object %s %s %d, want %s %s %d", name, e.Type, id, status, amount, w.id, w.status, w.amount)
					}
					if w.check != nil {
						w.check(t, e)
					}
					// The event survives a JSON round trip, as a queue would carry it.
					b, err := json.Marshal(e)
					if err != nil {
						t.Fatal(err)
					}
					var back paykit.Event
					if err := json.Unmarshal(b, &back); err != nil {
						t.Errorf("%s: round trip: %v", name, err)
					}
				}
			}
		})
	}
}

func TestWebhookFixturesAreDocumented(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("testdata", "webhooks", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range MappedEvents() {
		if !strings.Contains(string(readme), typ) {
			t.Errorf("testdata/webhooks/README.md does not cite the source of %s", typ)
		}
	}
}

func TestWebhookUnknownEventsComeBackAsEventUnknown(t *testing.T) {
	f := newFake(t)
	p, _ := f.webhookProvider(WithOfflineWebhookVerification())
	for _, name := range []string{"unknown/PAYMENT.PAYOUTSBATCH.SUCCESS", "unknown/PAYMENT.SALE.COMPLETED-v1-payment"} {
		req := signDelivery(t, webhookFixture(t, name), testWebhookID, time.Now())
		events, err := p.ParseWebhook(context.Background(), req, testWebhookID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(events) != 1 || events[0].Type != paykit.EventUnknown || events[0].NativeType == "" ||
			!strings.HasPrefix(events[0].ID, "WH-") || string(events[0].Raw) != string(req.Body) {
			t.Fatalf("%s: %+v", name, events)
		}
		if raw, ok := events[0].Data.(json.RawMessage); !ok || !json.Valid(raw) || !strings.Contains(string(raw), `"`) {
			t.Errorf("%s: Data = %T %s, want the resource", name, events[0].Data, events[0].Data)
		}
	}
}

// requireSignatureError fails unless err matches ErrWebhookSignature and
// names no secret.
func requireSignatureError(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, paykit.ErrWebhookSignature) {
		t.Fatalf("%s: got %v, want ErrWebhookSignature", what, err)
	}
	for _, secret := range []string{testWebhookID, "client-secret"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error quotes a secret: %v", what, err)
		}
	}
}

func TestWebhookOfflineRefusesWhatPayPalDidNotSign(t *testing.T) {
	f := newFake(t)
	ctx := context.Background()
	body := webhookFixture(t, "PAYMENT.CAPTURE.COMPLETED")
	type tc struct {
		name    string
		mutate  func(r *paykit.WebhookRequest)
		secret  string
		fetches bool // whether the certificate is fetched before the refusal
	}
	cases := []tc{
		{name: "tampered body", fetches: true, mutate: func(r *paykit.WebhookRequest) {
			r.Body = []byte(strings.Replace(string(r.Body), `"100.00"`, `"900.00"`, 1))
		}},
		{name: "tampered transmission id", fetches: true, mutate: func(r *paykit.WebhookRequest) {
			r.Header.Set(headerTransmissionID, transmissionID())
		}},
		{name: "tampered transmission time", fetches: true, mutate: func(r *paykit.WebhookRequest) {
			r.Header.Set(headerTransmissionTime, time.Now().Add(time.Second).UTC().Format(time.RFC3339))
		}},
		{name: "tampered signature", fetches: true, mutate: func(r *paykit.WebhookRequest) {
			s := []byte(r.Header.Get(headerTransmissionSig))
			s[10] ^= 0x01
			r.Header.Set(headerTransmissionSig, string(s))
		}},
		{name: "forged with another key", fetches: true, mutate: func(r *paykit.WebhookRequest) {
			forged := signWithKey(t, testRSAKey(t), r)
			r.Header.Set(headerTransmissionSig, forged)
		}},
		{name: "another webhook", fetches: true, secret: "9XL90610J3647323C"},
		{name: "signature not base64", mutate: func(r *paykit.WebhookRequest) { r.Header.Set(headerTransmissionSig, "not base64!") }},
		{name: "unknown algorithm", mutate: func(r *paykit.WebhookRequest) { r.Header.Set(headerAuthAlgo, "SHA1withRSA") }},
		{name: "missing header", mutate: func(r *paykit.WebhookRequest) { r.Header.Del(headerCertURL) }},
		{name: "expired delivery", mutate: func(r *paykit.WebhookRequest) {
			*r = *signDelivery(t, r.Body, testWebhookID, time.Now().Add(-6*time.Minute))
		}},
		{name: "delivery from the future", mutate: func(r *paykit.WebhookRequest) {
			*r = *signDelivery(t, r.Body, testWebhookID, time.Now().Add(6*time.Minute))
		}},
		{name: "time not RFC 3339", mutate: func(r *paykit.WebhookRequest) { r.Header.Set(headerTransmissionTime, "yesterday") }},
		{name: "expired certificate", fetches: true, mutate: func(r *paykit.WebhookRequest) { r.Header.Set(headerCertURL, expiredCertURL) }},
		{name: "certificate not yet valid", fetches: true, mutate: func(r *paykit.WebhookRequest) { r.Header.Set(headerCertURL, futureCertURL) }},
		{name: "certificate of an untrusted CA", fetches: true, mutate: func(r *paykit.WebhookRequest) { r.Header.Set(headerCertURL, untrustedCertURL) }},
		{name: "certificate URL not found", fetches: true, mutate: func(r *paykit.WebhookRequest) {
			r.Header.Set(headerCertURL, "https://api.paypal.com/v1/notifications/certs/CERT-unknown")
		}},
	}
	for _, u := range []string{
		"https://evil.example.com/v1/notifications/certs/CERT-360caa42-fca2a594-paykit01",
		"http://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-paykit01",
		"https://api.sandbox.paypal.com.evil.example/v1/notifications/certs/CERT-1",
		"https://api.sandbox.paypal.com:8443/v1/notifications/certs/CERT-1",
		"https://user@api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
		"https://api.sandbox.paypal.com/v1/notifications/webhooks",
		"https://api.sandbox.paypal.com/v1/notifications/certs/../../oauth2/token",
		"https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1?x=1",
		"https://www.paypal.com/v1/notifications/certs/CERT-1",
		"file:///etc/passwd",
	} {
		cases = append(cases, tc{name: "cert URL " + u, mutate: func(r *paykit.WebhookRequest) { r.Header.Set(headerCertURL, u) }})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ct := f.webhookProvider(WithOfflineWebhookVerification())
			req := signDelivery(t, body, testWebhookID, time.Now())
			req.Header = req.Header.Clone()
			if c.mutate != nil {
				c.mutate(req)
			}
			secret := testWebhookID
			if c.secret != "" {
				secret = c.secret
			}
			_, err := p.ParseWebhook(ctx, req, secret)
			requireSignatureError(t, err, c.name)
			if seen := ct.requests(); !c.fetches && len(seen) > 0 {
				t.Errorf("refused, but the transport was asked for %q", seen)
			}
		})
	}
}

// signWithKey signs req's transmission with key instead of the test
// certificate's.
func signWithKey(t *testing.T, key *rsa.PrivateKey, req *paykit.WebhookRequest) string {
	t.Helper()
	d := signedDigest(req.Header.Get(headerTransmissionID), req.Header.Get(headerTransmissionTime), testWebhookID, req.Body)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func TestWebhookOnlineVerifiesThroughPayPal(t *testing.T) {
	f := newFake(t)
	ctx := context.Background()
	p, ct := f.webhookProvider()
	body := webhookFixture(t, "PAYMENT.CAPTURE.COMPLETED")
	req := signDelivery(t, body, testWebhookID, time.Now())
	if _, err := p.ParseWebhook(ctx, req, testWebhookID); err != nil {
		t.Fatal(err)
	}
	calls := f.verifyCalls
	if len(calls) != 1 {
		t.Fatalf("%d verify-webhook-signature calls, want 1", len(calls))
	}
	c := calls[0]
	if string(c.WebhookEvent) != string(req.Body) || c.WebhookID != testWebhookID || c.CertURL != testCertURL ||
		c.AuthAlgo != authAlgo || c.TransmissionID != req.Header.Get(headerTransmissionID) ||
		c.TransmissionTime != req.Header.Get(headerTransmissionTime) || c.TransmissionSig != req.Header.Get(headerTransmissionSig) {
		t.Errorf("sent %+v", c)
	}
	if len(ct.requests()) != 0 {
		t.Errorf("online verification fetched %q", ct.requests())
	}

	tampered := *req
	tampered.Body = []byte(strings.Replace(string(req.Body), `"100.00"`, `"900.00"`, 1))
	_, err := p.ParseWebhook(ctx, &tampered, testWebhookID)
	requireSignatureError(t, err, "tampered body")
	_, err = p.ParseWebhook(ctx, req, "9XL90610J3647323C")
	requireSignatureError(t, err, "another webhook")
	notJSON := *req
	notJSON.Body = []byte("{not json")
	_, err = p.ParseWebhook(ctx, &notJSON, testWebhookID)
	requireSignatureError(t, err, "a body that is not JSON")
	if n := f.verifyCallCount(); n != 3 {
		t.Errorf("%d verify calls, want 3 (none for the body that is not JSON)", n)
	}
}

func TestWebhookToleranceIsCheckedBeforeAnythingIsSent(t *testing.T) {
	f := newFake(t)
	body := webhookFixture(t, "CHECKOUT.ORDER.APPROVED")
	for _, offline := range []bool{false, true} {
		var opts []Option
		if offline {
			opts = append(opts, WithOfflineWebhookVerification())
		}
		p, ct := f.webhookProvider(append(opts, WithWebhookTolerance(time.Minute))...)
		for _, at := range []time.Duration{-2 * time.Minute, 2 * time.Minute, -365 * 24 * time.Hour} {
			_, err := p.ParseWebhook(context.Background(), signDelivery(t, body, testWebhookID, time.Now().Add(at)), testWebhookID)
			requireSignatureError(t, err, "a delivery "+at.String()+" off")
		}
		if _, err := p.ParseWebhook(context.Background(), signDelivery(t, body, testWebhookID, time.Now().Add(-50*time.Second)), testWebhookID); err != nil {
			t.Errorf("offline=%v: a delivery within the tolerance: %v", offline, err)
		}
		if offline && len(ct.requests()) != 1 {
			t.Errorf("certificate requests %q, want one", ct.requests())
		}
	}
	if n := f.verifyCallCount(); n != 1 {
		t.Errorf("%d verify calls, want 1", n)
	}
}

func TestWebhookSecretIsTheWebhookID(t *testing.T) {
	f := newFake(t)
	ctx := context.Background()
	req := signDelivery(t, webhookFixture(t, "PAYMENT.CAPTURE.COMPLETED"), testWebhookID, time.Now())
	p, _ := f.webhookProvider()
	_, err := p.ParseWebhook(ctx, req, "")
	if !errors.Is(err, paykit.ErrConfiguration) {
		t.Errorf("empty secret: %v", err)
	}
	_, err = p.ParseWebhook(ctx, nil, testWebhookID)
	if pe, ok := paykit.AsError(err); !ok || pe.Code != paykit.CodeValidation || pe.Param != "request" {
		t.Errorf("nil request: %v", err)
	}
	withID, _ := f.webhookProvider(WithWebhookID(testWebhookID))
	if _, err := withID.ParseWebhook(ctx, req, testWebhookID); err != nil {
		t.Errorf("secret = WithWebhookID: %v", err)
	}
	_, err = withID.ParseWebhook(ctx, req, "9XL90610J3647323C")
	requireSignatureError(t, err, "secret other than WithWebhookID")
	if n := f.verifyCallCount(); n != 1 {
		t.Errorf("%d verify calls, want 1: refusals send nothing", n)
	}
	bad := Provider("", "client-secret", WithBaseURL(f.srv.URL))
	if _, err := bad.ParseWebhook(ctx, req, testWebhookID); !errors.Is(err, paykit.ErrConfiguration) {
		t.Errorf("misconfigured provider: %v", err)
	}
}

func TestWebhookHeadersAreReadWhateverTheirCase(t *testing.T) {
	f := newFake(t)
	p, _ := f.webhookProvider(WithOfflineWebhookVerification())
	req := signDelivery(t, webhookFixture(t, "PAYMENT.CAPTURE.COMPLETED"), testWebhookID, time.Now())
	for _, fold := range []func(string) string{strings.ToUpper, strings.ToLower} {
		h := http.Header{}
		for k, v := range req.Header {
			h[fold(k)] = v
		}
		r := *req
		r.Header = h
		if _, err := p.ParseWebhook(context.Background(), &r, testWebhookID); err != nil {
			t.Errorf("headers %q: %v", fold("Paypal-Transmission-Id"), err)
		}
	}
}

func TestWebhookVerifiedBodyThatIsNotAnEventIsAValidationError(t *testing.T) {
	f := newFake(t)
	p, _ := f.webhookProvider(WithOfflineWebhookVerification())
	for _, body := range []string{`{"id":"WH-1"}`, `[1,2]`, `{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"amount":{"currency_code":"XXX","value":"1"}}}`} {
		req := signDelivery(t, []byte(body), testWebhookID, time.Now())
		_, err := p.ParseWebhook(context.Background(), req, testWebhookID)
		if pe, ok := paykit.AsError(err); !ok || pe.Code != paykit.CodeValidation || pe.Param != "body" {
			t.Errorf("%s: %v", body, err)
		}
	}
	// Signed bytes that are not JSON at all: verified, then refused.
	req := signDelivery(t, []byte(`{"id":"WH-1"}`), testWebhookID, time.Now())
	req.Body = []byte("WH-1 not json")
	d := signWithKey(t, signingPKI(t).key, req)
	req.Header.Set(headerTransmissionSig, d)
	_, err := p.ParseWebhook(context.Background(), req, testWebhookID)
	if pe, ok := paykit.AsError(err); !ok || pe.Code != paykit.CodeValidation {
		t.Errorf("non-JSON signed body: %v", err)
	}
}

func TestWebhookCertificatesAreCachedAndSharedSafely(t *testing.T) {
	f := newFake(t)
	p, ct := f.webhookProvider(WithOfflineWebhookVerification())
	body := webhookFixture(t, "PAYMENT.CAPTURE.COMPLETED")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.ParseWebhook(context.Background(), signDelivery(t, body, testWebhookID, time.Now()), testWebhookID)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := len(ct.requests())
	if n < 1 || n > 20 {
		t.Fatalf("%d certificate fetches", n)
	}
	for range 5 {
		if _, err := p.ParseWebhook(context.Background(), signDelivery(t, body, testWebhookID, time.Now()), testWebhookID); err != nil {
			t.Fatal(err)
		}
	}
	if len(ct.requests()) != n {
		t.Errorf("a cached certificate was fetched again: %d fetches", len(ct.requests()))
	}
	// The cache is bounded.
	for i := range maxCachedCerts + 5 {
		p.certs.put("https://api.paypal.com/v1/notifications/certs/CERT-"+string(rune('a'+i)), nil)
	}
	if len(p.certs.entries) != maxCachedCerts || len(p.certs.order) != maxCachedCerts {
		t.Errorf("cache holds %d certificates, bound %d", len(p.certs.entries), maxCachedCerts)
	}
	// A cached certificate that expired meanwhile is refused.
	q, _ := f.webhookProvider(WithOfflineWebhookVerification(), WithWebhookTolerance(5000*time.Hour))
	if _, err := q.ParseWebhook(context.Background(), signDelivery(t, body, testWebhookID, time.Now()), testWebhookID); err != nil {
		t.Fatal(err)
	}
	q.now = func() time.Time { return time.Now().Add(400 * 24 * time.Hour) }
	_, err := q.ParseWebhook(context.Background(), signDelivery(t, body, testWebhookID, q.now()), testWebhookID)
	requireSignatureError(t, err, "a cached certificate past its end")
}

func TestWebhookOps(t *testing.T) {
	if !slices.Equal(webhookOps, []paykit.Op{paykit.OpWebhooksHandle}) {
		t.Errorf("webhookOps = %v", webhookOps)
	}
}

// BenchmarkParseWebhookOffline verifies (certificate cached) and maps a
// PAYMENT.CAPTURE.COMPLETED delivery offline.
func BenchmarkParseWebhookOffline(b *testing.B) {
	ct := &certTransport{pki: signingPKI(b)}
	p := Provider("client-id", "client-secret", WithOfflineWebhookVerification(), WithHTTPClient(&http.Client{Transport: ct})).(*provider)
	p.certs.roots = ct.pki.roots
	req := signDelivery(b, webhookFixture(b, "PAYMENT.CAPTURE.COMPLETED"), testWebhookID, time.Now())
	ctx := context.Background()
	if _, err := p.ParseWebhook(ctx, req, testWebhookID); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.ParseWebhook(ctx, req, testWebhookID); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFakeVerifyValidatesAgainstTheDocument(t *testing.T) {
	good := `{"auth_algo":"SHA256withRSA","cert_url":"https://api.paypal.com/v1/notifications/certs/CERT-1","transmission_id":"69cd13f0-d67a-11e5-baa3-778b53f4ae55","transmission_sig":"lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz==","transmission_time":"2016-02-18T20:01:35Z","webhook_id":"1JE4291016473214C","webhook_event":{"id":"WH-1","event_type":"X","resource_version":"2.0"}}`
	if err := validateVerifyRequest(t, []byte(good)); err != nil {
		t.Fatalf("PayPal's own example shape: %v", err)
	}
	for _, bad := range []string{
		strings.Replace(good, `"1JE4291016473214C"`, `"1JE4-291016473214C"`, 1),        // webhook_id pattern
		strings.Replace(good, `"lmI95Jx3`, `"+lmI95Jx3`, 1),                            // transmission_sig pattern
		strings.Replace(good, `"69cd13f0-d67a-11e5-baa3-778b53f4ae55"`, `"123456"`, 1), // all digits
		strings.Replace(good, `"2016-02-18T20:01:35Z"`, `"yesterday"`, 1),              // date-time
		strings.Replace(good, `"auth_algo":"SHA256withRSA",`, ``, 1),                   // required
	} {
		if validateVerifyRequest(t, []byte(bad)) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

// Deliveries naming an allowed certificate URL that serves no certificate
// cost one fetch: concurrent ones share it, and its failure is answered
// again for certFailTTL without a request (failures bounded as the
// certificates are); after that the URL is fetched again.
func TestUnknownCertURLFetchedOnce(t *testing.T) {
	f := newFake(t)
	p, ct := f.webhookProvider(WithOfflineWebhookVerification())
	start := time.Now()
	var clock atomic.Int64
	p.now = func() time.Time { return start.Add(time.Duration(clock.Load())) }
	const unknown = "https://api.paypal.com/v1/notifications/certs/CERT-unknown-0001"
	body := []byte(`{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{}}`)
	deliver := func() error {
		r := signDelivery(t, body, testWebhookID, p.now())
		r.Header.Set(headerCertURL, unknown)
		_, err := p.ParseWebhook(context.Background(), r, testWebhookID)
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = deliver()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Fatalf("delivery %d naming an unknown certificate was accepted", i)
		}
	}
	if n := len(ct.requests()); n != 1 {
		t.Fatalf("20 concurrent deliveries naming one unknown certificate URL made %d fetches, want 1", n)
	}
	if err := deliver(); err == nil || len(ct.requests()) != 1 {
		t.Fatalf("a delivery within %v of the failure = %v after %d fetches; want the failure again, without a fetch", certFailTTL, err, len(ct.requests()))
	}
	clock.Store(int64(certFailTTL + time.Second))
	if err := deliver(); err == nil || len(ct.requests()) != 2 {
		t.Fatalf("a delivery after %v = %v after %d fetches; want one more fetch", certFailTTL, err, len(ct.requests()))
	}
	// Failures are bounded as the certificates are.
	for i := range maxCachedCerts + 5 {
		p.certs.mu.Lock()
		p.certs.failLocked(unknown+string(rune('a'+i)), certFailure{errors.New("x"), p.now().Add(time.Minute)})
		p.certs.mu.Unlock()
	}
	if len(p.certs.failures) != maxCachedCerts || len(p.certs.failed) != maxCachedCerts {
		t.Errorf("cache holds %d failures, bound %d", len(p.certs.failures), maxCachedCerts)
	}
}
