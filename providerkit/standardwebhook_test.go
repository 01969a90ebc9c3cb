package providerkit

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// The example of the Standard Webhooks specification.
func TestStandardWebhookSpecExample(t *testing.T) {
	key := StandardWebhookKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	ts := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	got := SignStandardWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body)
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("SignStandardWebhook = %s, want %s", got, want)
	}
	h := StandardWebhookHeaders(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body)
	id, gotTS, err := VerifyStandardWebhook(key, h, body, 0, ts.Add(time.Minute))
	if err != nil || id != "msg_p5jXN8AQM9LWM0D4loKWxJek" || !gotTS.Equal(ts) {
		t.Fatalf("VerifyStandardWebhook = %q, %v, %v", id, gotTS, err)
	}
}

func TestVerifyStandardWebhookRejects(t *testing.T) {
	key := []byte("secret")
	now := time.Now()
	body := []byte(`{"a":1}`)
	good := StandardWebhookHeaders(key, "evt_1", now, body)
	cases := map[string]struct {
		key    []byte
		body   []byte
		mutate func(h map[string][]string)
		now    time.Time
	}{
		"tampered body":    {key, []byte(`{"a":2}`), nil, now},
		"wrong secret":     {[]byte("other"), body, nil, now},
		"expired":          {key, body, nil, now.Add(6 * time.Minute)},
		"future":           {key, body, nil, now.Add(-6 * time.Minute)},
		"missing header":   {key, body, func(h map[string][]string) { delete(h, "Webhook-Signature") }, now},
		"bad timestamp":    {key, body, func(h map[string][]string) { h["Webhook-Timestamp"] = []string{"yesterday"} }, now},
		"wrong version":    {key, body, func(h map[string][]string) { h["Webhook-Signature"][0] = "v2" + h["Webhook-Signature"][0][2:] }, now},
		"garbage base64":   {key, body, func(h map[string][]string) { h["Webhook-Signature"] = []string{"v1,!!!"} }, now},
		"changed event id": {key, body, func(h map[string][]string) { h["Webhook-Id"] = []string{"evt_2"} }, now},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h := good.Clone()
			if c.mutate != nil {
				c.mutate(h)
			}
			_, _, err := VerifyStandardWebhook(c.key, h, c.body, 0, c.now)
			if !errors.Is(err, paykit.ErrWebhookSignature) {
				t.Fatalf("VerifyStandardWebhook = %v, want ErrWebhookSignature", err)
			}
		})
	}
}

func TestVerifyStandardWebhookAcceptsAnyOfSeveralSignatures(t *testing.T) {
	now := time.Now()
	body := []byte(`{}`)
	h := StandardWebhookHeaders([]byte("new"), "evt_1", now, body)
	h.Set(HeaderWebhookSignature, SignStandardWebhook([]byte("old"), "evt_1", now, body)+" "+h.Get(HeaderWebhookSignature))
	if _, _, err := VerifyStandardWebhook([]byte("new"), h, body, 0, now); err != nil {
		t.Fatalf("rotation: %v", err)
	}
	if _, _, err := VerifyStandardWebhook([]byte("old"), h, body, 0, now); err != nil {
		t.Fatalf("rotation (old key): %v", err)
	}
}

func TestStandardWebhookKey(t *testing.T) {
	if got := string(StandardWebhookKey("plain")); got != "plain" {
		t.Errorf("plain secret = %q", got)
	}
	if got := string(StandardWebhookKey("whsec_not base64!")); got != "whsec_not base64!" {
		t.Errorf("non-base64 whsec secret = %q", got)
	}
}

// An empty key (a provider configured without its webhook secret) must
// not verify anything: with it, anyone can sign a delivery.
func TestVerifyStandardWebhookRefusesAnEmptyKey(t *testing.T) {
	now := time.Now()
	body := []byte(`{"type":"payment.succeeded","data":{"id":"pay_1","amount":100000}}`)
	h := StandardWebhookHeaders(nil, "msg_forged", now, body)
	_, _, err := VerifyStandardWebhook(StandardWebhookKey(""), h, body, 0, now)
	if !errors.Is(err, paykit.ErrConfiguration) {
		t.Errorf("VerifyStandardWebhook with an empty key: %v, want ErrConfiguration", err)
	}
}

// TestVerifyStandardWebhookHeaderKeysInAnyCase: a header map built by hand
// (AWS Lambda, API gateways) may hold "webhook-id", which Header.Get does
// not find; a direct ParseWebhook call passes it as it is.
func TestVerifyStandardWebhookHeaderKeysInAnyCase(t *testing.T) {
	key := []byte("secret")
	now := time.Now()
	body := []byte(`{"type":"x"}`)
	signed := StandardWebhookHeaders(key, "msg_1", now, body)
	for name, rekey := range map[string]func(string) string{"lower": strings.ToLower, "upper": strings.ToUpper} {
		h := http.Header{}
		for k, v := range signed {
			h[rekey(k)] = v
		}
		id, _, err := VerifyStandardWebhook(key, h, body, 0, now)
		if err != nil || id != "msg_1" {
			t.Errorf("%s-case keys: id %q, err %v", name, id, err)
		}
	}
}
