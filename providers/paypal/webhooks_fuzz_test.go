package paypal

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// FuzzParseWebhook: arbitrary bodies and headers never panic; a delivery
// either fails (a signature error, or a validation error for a verified
// body that is no event) or maps to events that have ids and whose Data
// fits their type. The seeds, genuine deliveries of every fixture among
// them, run in the normal suite. The mapper is also fuzzed alone, on the
// body, as if it had verified: a signature only PayPal can make guards it
// otherwise.
func FuzzParseWebhook(f *testing.F) {
	now := time.Now()
	for _, typ := range append(MappedEvents(), "unknown/PAYMENT.PAYOUTSBATCH.SUCCESS") {
		req := signDelivery(f, webhookFixture(f, typ), testWebhookID, now)
		h := req.Header
		f.Add(req.Body, h.Get(headerTransmissionID), h.Get(headerTransmissionTime), h.Get(headerTransmissionSig), h.Get(headerCertURL), h.Get(headerAuthAlgo))
	}
	f.Add([]byte(`{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"amount":{"currency_code":"JPY","value":"1.5"}}}`),
		"a1", now.UTC().Format(time.RFC3339), "c2ln", testCertURL, authAlgo)
	f.Add([]byte(`{"id":"WH-1","event_type":"CHECKOUT.ORDER.APPROVED","resource":{"purchase_units":[{"amount":null}],"links":null}}`),
		"a1", "2016-02-18T20:01:35Z", "", "http://api.paypal.com/", "SHA256withRSA")
	f.Add([]byte(`{"id":"WH-1","event_type":"PAYMENT.SALE.COMPLETED","resource":[]}`), "", "", "", "", "")
	f.Add([]byte("\xff"), "x", "x", "x", "https://api.paypal.com/v1/notifications/certs/CERT-%2e%2e", "SHA256withRSA")

	ct := &certTransport{pki: signingPKI(f)}
	p := Provider("client-id", "client-secret", WithOfflineWebhookVerification(), WithHTTPClient(&http.Client{Transport: ct}),
		WithWebhookTolerance(24*time.Hour)).(*provider)
	p.certs.roots = ct.pki.roots
	f.Fuzz(func(t *testing.T, body []byte, id, ts, sig, certURL, algo string) {
		req := &paykit.WebhookRequest{Body: body, Header: http.Header{
			headerTransmissionID: {id}, headerTransmissionTime: {ts}, headerTransmissionSig: {sig},
			headerCertURL: {certURL}, headerAuthAlgo: {algo},
		}}
		events, err := p.ParseWebhook(context.Background(), req, testWebhookID)
		if err != nil {
			pe, ok := paykit.AsError(err)
			if !ok || !(errors.Is(err, paykit.ErrWebhookSignature) || pe.Code == paykit.CodeValidation || pe.Code == paykit.CodeNetwork) {
				t.Fatalf("unexpected error %v", err)
			}
		} else {
			checkFuzzedEvents(t, events)
		}
		mapped, err := mapWebhookEvent(body, time.Now())
		if err != nil {
			if pe, ok := paykit.AsError(err); !ok || pe.Code != paykit.CodeValidation {
				t.Fatalf("the mapper failed with %v, want a VALIDATION_ERROR", err)
			}
			return
		}
		checkFuzzedEvents(t, mapped)
	})
}

func checkFuzzedEvents(t *testing.T, events []*paykit.Event) {
	t.Helper()
	if len(events) == 0 {
		t.Fatal("a mapped delivery gave no events")
	}
	for _, e := range events {
		if e.ID == "" || e.Provider != Name || e.NativeType == "" {
			t.Fatalf("event %+v lacks an id, provider or native type", e)
		}
		if e.Type == paykit.EventUnknown {
			if raw, ok := e.Data.(json.RawMessage); !ok || !json.Valid(raw) {
				t.Fatalf("unknown event's Data %T is not the resource's JSON", e.Data)
			}
			continue
		}
		if objectOf(e); e.Data == nil {
			t.Fatalf("%s event without data", e.Type)
		}
		if _, err := json.Marshal(e); err != nil {
			t.Fatalf("%s event does not marshal: %v", e.Type, err)
		}
	}
}
