package paypal

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// How the tests sign deliveries as PayPal does. A test CA issues the
// signing certificate (messageverificationcerts.paypal.com); certTransport
// serves it at testCertURL, an allowlisted PayPal URL, from inside the
// process; the provider trusts the test CA through certCache.roots. The
// fake's verify-webhook-signature (fake_webhooks_test.go) checks the same
// signatures with the same key, so one signed delivery verifies both ways.

// testWebhookID is the webhook id (the secret) of the tests' deliveries.
const testWebhookID = "1JE4291016473214C"

// The certificate URLs certTransport serves: the valid chain, an expired
// and a not yet valid certificate, and a certificate of another CA.
const (
	testCertURL      = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-paykit01"
	expiredCertURL   = "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-expired1"
	futureCertURL    = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-future01"
	untrustedCertURL = "https://api-m.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-untrust1"
)

// testPKI is the tests' CA, the signing key and the PEM files served.
type testPKI struct {
	roots *x509.CertPool
	key   *rsa.PrivateKey
	pems  map[string][]byte // by certificate URL
}

var (
	pkiOnce sync.Once
	pki     *testPKI
)

// signingPKI makes the test PKI once per process (RSA key generation is
// slow).
func signingPKI(t testing.TB) *testPKI {
	t.Helper()
	pkiOnce.Do(func() {
		caKey := testRSAKey(t)
		now := time.Now()
		caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "paykit test DigiCert-like CA"},
			NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour), IsCA: true,
			BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
		caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		ca, _ := x509.ParseCertificate(caDER)
		key := testRSAKey(t)
		leaf := func(serial int64, from, to time.Time, parent *x509.Certificate, parentKey *rsa.PrivateKey) []byte {
			tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial),
				Subject:   pkix.Name{CommonName: "messageverificationcerts.paypal.com", Organization: []string{"PayPal, Inc."}},
				DNSNames:  []string{"messageverificationcerts.paypal.com"},
				NotBefore: from, NotAfter: to, KeyUsage: x509.KeyUsageDigitalSignature}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
			if err != nil {
				t.Fatal(err)
			}
			return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		}
		caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
		other := testRSAKey(t)
		otherTmpl := *caTmpl
		otherTmpl.Subject.CommonName = "not a trusted CA"
		otherDER, _ := x509.CreateCertificate(rand.Reader, &otherTmpl, &otherTmpl, &other.PublicKey, other)
		otherCA, _ := x509.ParseCertificate(otherDER)
		roots := x509.NewCertPool()
		roots.AddCert(ca)
		day := 24 * time.Hour
		pki = &testPKI{roots: roots, key: key, pems: map[string][]byte{
			// PayPal serves the leaf followed by its issuers.
			testCertURL:      append(leaf(2, now.Add(-day), now.Add(365*day), ca, caKey), caPEM...),
			expiredCertURL:   append(leaf(3, now.Add(-30*day), now.Add(-day), ca, caKey), caPEM...),
			futureCertURL:    append(leaf(4, now.Add(day), now.Add(30*day), ca, caKey), caPEM...),
			untrustedCertURL: leaf(5, now.Add(-day), now.Add(365*day), otherCA, other),
		}}
	})
	if pki == nil {
		t.Fatal("the test PKI could not be made")
	}
	return pki
}

func testRSAKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// certTransport answers requests to PayPal's certificate hosts with the
// test PKI's files and sends the rest (the fake's API on 127.0.0.1) on.
// It records every request it answers itself.
type certTransport struct {
	pki  *testPKI
	mu   sync.Mutex
	seen []string
}

func (c *certTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Host, "127.0.0.1") {
		return http.DefaultTransport.RoundTrip(r)
	}
	c.mu.Lock()
	c.seen = append(c.seen, r.URL.String())
	c.mu.Unlock()
	body, ok := c.pki.pems[r.URL.String()]
	status := http.StatusOK
	if !ok || r.Method != http.MethodGet {
		status, body = http.StatusNotFound, []byte(`{"name":"RESOURCE_NOT_FOUND"}`)
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/x-pem-file"}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

// requests returns what the transport answered itself.
func (c *certTransport) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seen...)
}

// webhookProvider returns a provider on the fake whose HTTP client serves
// the test certificates and which trusts the test CA. Add
// WithOfflineWebhookVerification for offline verification.
func (f *fake) webhookProvider(opts ...Option) (*provider, *certTransport) {
	ct := &certTransport{pki: signingPKI(f.t)}
	p := f.provider(append([]Option{WithHTTPClient(&http.Client{Transport: ct})}, opts...)...).(*provider)
	p.certs.roots = ct.pki.roots
	return p, ct
}

// signDelivery returns body as PayPal delivers it to the webhook
// webhookID at time at: compacted (PayPal sends compact JSON), with the
// paypal-* headers and a signature of the test key, whose certificate is
// at testCertURL. PayPal's document lets transmission_sig start with a
// word character only, so a signature starting with + or / is made again
// under another transmission id.
func signDelivery(t testing.TB, body []byte, webhookID string, at time.Time) *paykit.WebhookRequest {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil {
		t.Fatalf("signDelivery: the body is not JSON: %v", err)
	}
	return signBytes(t, buf.Bytes(), webhookID, at)
}

// signBytes is signDelivery of body as given, JSON or not: the webhook
// conformance suite signs truncated, padded and non-JSON bodies.
func signBytes(t testing.TB, body []byte, webhookID string, at time.Time) *paykit.WebhookRequest {
	t.Helper()
	k := signingPKI(t).key
	ts := at.UTC().Format(time.RFC3339)
	for {
		id := transmissionID()
		d := signedDigest(id, ts, webhookID, body)
		sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		s := base64.StdEncoding.EncodeToString(sig)
		if s[0] == '+' || s[0] == '/' {
			continue
		}
		return &paykit.WebhookRequest{Body: body, URL: "https://shop.example.com/webhooks/paypal", Header: http.Header{
			"Paypal-Transmission-Id":   {id},
			"Paypal-Transmission-Time": {ts},
			"Paypal-Transmission-Sig":  {s},
			"Paypal-Cert-Url":          {testCertURL},
			"Paypal-Auth-Algo":         {authAlgo},
			"Content-Type":             {"application/json"},
		}}
	}
}

// transmissionID is a PayPal-looking transmission id (a time UUID).
func transmissionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := sha256.Sum256(b)
	const hexdig = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range h[:16] {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexdig[c>>4], hexdig[c&15])
	}
	if out[0] >= '0' && out[0] <= '9' {
		out[0] = 'a' // PayPal's document: not all digits, starting with a word character
	}
	return string(out)
}

// webhookFixture reads testdata/webhooks/<name>.json.
func webhookFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhooks", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signedDeliveries is paykittest.Harness.SignedDeliveries for PayPal: a
// pending capture, then the same capture completed (one payment, two
// events), signed now for testWebhookID, which is the secret.
func signedDeliveries(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) {
	now := time.Now()
	return []*paykit.WebhookRequest{
		signDelivery(t, webhookFixture(t, "PAYMENT.CAPTURE.PENDING"), testWebhookID, now),
		signDelivery(t, webhookFixture(t, "PAYMENT.CAPTURE.COMPLETED"), testWebhookID, now),
	}, testWebhookID
}

// signAt is paykittest.Harness.SignAt for PayPal: the same event, signed
// again at at under a new transmission id, as PayPal's retries are. The
// body is signed as given (signedDeliveries compacted it already), so that
// the webhook conformance suite can sign bodies that are not JSON.
func signAt(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest {
	return signBytes(t, req.Body, secret, at)
}
