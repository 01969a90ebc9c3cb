package paypal

import (
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// webhookState is the fake's webhook verification: the
// verify-webhook-signature requests it answered.
type webhookState struct {
	verifyCalls []verifyRequest
}

// verifyPath is Notifications v1's verify-webhook-signature.
const verifyPath = "/v1/notifications/verify-webhook-signature"

// handleWebhooks sets the handler of verify-webhook-signature.post.
//
// The operation is served through Route, and its request validated here
// against the document's own schema (verify_webhook_signature), because
// openapitest cannot validate it as the document stands: its
// transmission_id and transmission_sig patterns, ^(?!\d+$)\w+\S+, use a
// lookahead Go's regexp lacks, and every field of the event is readOnly
// (the document shares the schema with the events it returns), which
// kin-openapi refuses in a request. Here the lookahead is compiled as what
// it means, and readOnly is not applied to the request. A request that does
// not match fails the test, as openapitest's do.
func (f *fake) handleWebhooks() {
	f.srv.Route(http.MethodPost, verifyPath, f.verifyWebhookSignature)
}

func (f *fake) verifyWebhookSignature(w http.ResponseWriter, r *http.Request) {
	if err := f.checkToken(r); err != nil {
		writeWebhookJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token", "error_description": err.Error()})
		return
	}
	raw, _ := io.ReadAll(r.Body)
	if err := validateVerifyRequest(f.t, raw); err != nil {
		f.t.Errorf("openapitest: POST %s: request body does not match verify_webhook_signature: %v", verifyPath, err)
		writeWebhookJSON(w, http.StatusBadRequest, map[string]any{"name": "VALIDATION_ERROR", "message": "Invalid request - see details",
			"debug_id": "b1d1f06c7246c", "details": []map[string]any{{"issue": err.Error(), "location": "body"}}})
		return
	}
	var vr verifyRequest
	_ = json.Unmarshal(raw, &vr)
	f.mu.Lock()
	f.verifyCalls = append(f.verifyCalls, vr)
	f.mu.Unlock()
	status := "FAILURE"
	if fakeVerifies(&vr) {
		status = "SUCCESS"
	}
	writeWebhookJSON(w, http.StatusOK, map[string]any{"verification_status": status})
}

// fakeVerifies checks the signature as PayPal does, over the CRC32 of
// webhook_event's bytes as sent, with the key of the test certificate.
func fakeVerifies(vr *verifyRequest) bool {
	if vr.AuthAlgo != authAlgo || vr.CertURL != testCertURL {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(vr.TransmissionSig)
	if err != nil || pki == nil {
		return false
	}
	d := signedDigest(vr.TransmissionID, vr.TransmissionTime, vr.WebhookID, vr.WebhookEvent)
	return rsa.VerifyPKCS1v15(&pki.key.PublicKey, crypto.SHA256, d[:], sig) == nil
}

// verifyCallCount returns how many verify-webhook-signature requests the
// fake answered.
func (f *fake) verifyCallCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.verifyCalls)
}

// validateVerifyRequest validates a verify-webhook-signature body against
// the document's schema.
func validateVerifyRequest(t *testing.T, raw []byte) error {
	spec, err := openapitest.Load(openapitest.SpecPath(t, "paypal/notifications_webhooks_v1.json"))
	if err != nil {
		return err
	}
	schema, err := spec.Component("verify_webhook_signature")
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	return schema.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors(),
		openapi3.SetSchemaRegexCompiler(ecmaPattern), openapi3.EnableFormatValidation())
}

// ecmaPattern compiles a document's pattern, ECMAScript syntax, for the
// one construct Go's regexp lacks that PayPal's documents use: a leading
// negative lookahead, ^(?!X)Y, which matches what ^Y matches unless ^X
// does.
func ecmaPattern(expr string) (openapi3.RegexMatcher, error) {
	if rest, ok := strings.CutPrefix(expr, "^(?!"); ok {
		depth := 1
		for i, c := range rest {
			switch c {
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				not, err := regexp.Compile("^(?:" + rest[:i] + ")")
				if err != nil {
					return nil, err
				}
				is, err := regexp.Compile("^" + rest[i+1:])
				if err != nil {
					return nil, err
				}
				return lookahead{not, is}, nil
			}
		}
	}
	return regexp.Compile(expr)
}

type lookahead struct{ not, is *regexp.Regexp }

func (l lookahead) MatchString(s string) bool { return !l.not.MatchString(s) && l.is.MatchString(s) }

func writeWebhookJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
