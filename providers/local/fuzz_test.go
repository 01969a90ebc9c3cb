package local_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local"
)

// FuzzParseWebhook feeds ParseWebhook real deliveries and mutations of
// them. With resign set, the body is signed afresh so that the decoding
// behind the signature check is fuzzed too. ParseWebhook must never panic,
// must reject every delivery whose signature does not match, and must
// return a typed, identified event for every one it accepts.
func FuzzParseWebhook(f *testing.F) {
	reqs, secret := realDeliveries(f)
	for _, r := range reqs {
		h := r.Header
		f.Add(r.Body, h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature"), false)
		f.Add(r.Body, h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature"), true)
	}
	f.Add([]byte(`{"id":"evt_1","type":"payout.paid","data":[1,2]}`), "evt_1", "0", "v1,AAAA", true)
	f.Add([]byte(`{"type":"payment.updated","data":{"customer":{"email":5}}}`), "evt_2", "", "", true)
	sim := local.Provider()
	defer sim.Close()
	key := providerkit.StandardWebhookKey(secret)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte, id, ts, sig string, resign bool) {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sig)
		if resign && id != "" {
			h = providerkit.StandardWebhookHeaders(key, id, time.Now(), body)
		}
		evs, err := sim.ParseWebhook(ctx, &paykit.WebhookRequest{Body: body, Header: h}, secret)
		if err != nil {
			if _, ok := paykit.AsError(err); !ok {
				t.Fatalf("error %T is not a *paykit.Error: %v", err, err)
			}
			if resign && id != "" && errors.Is(err, paykit.ErrWebhookSignature) {
				t.Fatalf("a freshly signed delivery failed verification: %v", err)
			}
			return
		}
		if _, _, verr := providerkit.VerifyStandardWebhook(key, h, body, providerkit.DefaultWebhookTolerance, time.Now()); verr != nil {
			t.Fatalf("accepted a delivery whose signature does not verify: %v", verr)
		}
		if len(evs) != 1 || evs[0].ID == "" || evs[0].Type == "" {
			t.Fatalf("accepted delivery gave %+v", evs)
		}
		if e := evs[0]; e.Type != paykit.EventUnknown && e.Customer() == nil && e.Checkout() == nil && e.Payment() == nil &&
			e.Refund() == nil && e.Invoice() == nil && e.Subscription() == nil {
			t.Fatalf("event %s has untyped data %T", e.Type, e.Data)
		}
	})
}
