// Standard Webhooks: signing and verifying deliveries in the Standard
// Webhooks format (https://www.standardwebhooks.com): headers webhook-id,
// webhook-timestamp and webhook-signature ("v1,<base64>" entries separated
// by spaces), the signature being HMAC-SHA256 of "id.timestamp.body".

package providerkit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
)

// Header names of a Standard Webhooks delivery.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// DefaultWebhookTolerance is how far a delivery's timestamp may be from
// now.
const DefaultWebhookTolerance = 5 * time.Minute

// StandardWebhookKey returns the HMAC key of a Standard Webhooks secret:
// the base64 payload after the "whsec_" prefix. A secret that is not of
// that form is used as raw bytes.
func StandardWebhookKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		if key, err := base64.StdEncoding.DecodeString(rest); err == nil && len(key) > 0 {
			return key
		}
	}
	return []byte(secret)
}

// SignStandardWebhook returns the signature entry "v1,<base64>" of one
// delivery.
func SignStandardWebhook(key []byte, id string, ts time.Time, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(webhookMAC(key, id, strconv.FormatInt(ts.Unix(), 10), body))
}

// StandardWebhookHeaders returns the three headers of a signed delivery.
func StandardWebhookHeaders(key []byte, id string, ts time.Time, body []byte) http.Header {
	h := http.Header{}
	h.Set(HeaderWebhookID, id)
	h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderWebhookSignature, SignStandardWebhook(key, id, ts, body))
	return h
}

func webhookMAC(key []byte, id, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

func webhookSignatureError(msg string) error {
	return &paykit.Error{Code: paykit.CodeWebhookSignature, Message: msg}
}

// VerifyStandardWebhook checks a delivery against key: the headers are
// present (their keys in any case, as in a header map built by hand from
// an AWS Lambda event), the timestamp is within tolerance of now, and one of the v1 signatures
// matches (several are accepted, for secret rotation), compared in
// constant time. It returns the delivery's id and timestamp. Errors match
// paykit.ErrWebhookSignature, but for an empty key, which is a
// CONFIGURATION_ERROR on "secret": nothing verifies without one.
func VerifyStandardWebhook(key []byte, header http.Header, body []byte, tolerance time.Duration, now time.Time) (string, time.Time, error) {
	if len(key) == 0 {
		// With no key anyone could sign a delivery.
		return "", time.Time{}, &paykit.Error{Code: paykit.CodeConfiguration, Param: "secret", Message: "the webhook secret is empty"}
	}
	id, tsRaw, sigs := HeaderValue(header, HeaderWebhookID), HeaderValue(header, HeaderWebhookTimestamp), HeaderValue(header, HeaderWebhookSignature)
	if id == "" || tsRaw == "" || sigs == "" {
		return "", time.Time{}, webhookSignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
	}
	sec, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return "", time.Time{}, webhookSignatureError("webhook-timestamp is not a Unix time")
	}
	ts := time.Unix(sec, 0)
	if tolerance <= 0 {
		tolerance = DefaultWebhookTolerance
	}
	if d := now.Sub(ts); d > tolerance || d < -tolerance {
		return "", time.Time{}, webhookSignatureError("webhook-timestamp is outside the tolerance")
	}
	want := webhookMAC(key, id, tsRaw, body)
	for _, entry := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return id, ts, nil
		}
	}
	return "", time.Time{}, webhookSignatureError("no webhook signature matches")
}
