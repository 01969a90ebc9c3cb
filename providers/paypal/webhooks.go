package paypal

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"hash/crc32"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// webhookOps are the webhook operations PayPal supports.
var webhookOps = []paykit.Op{paykit.OpWebhooksHandle}

// The transmission headers of a delivery.
const (
	headerTransmissionID   = "Paypal-Transmission-Id"
	headerTransmissionTime = "Paypal-Transmission-Time"
	headerTransmissionSig  = "Paypal-Transmission-Sig"
	headerCertURL          = "Paypal-Cert-Url"
	headerAuthAlgo         = "Paypal-Auth-Algo"
)

// authAlgo is the one signature algorithm PayPal uses: RSASSA-PKCS1-v1_5
// with SHA-256.
const authAlgo = "SHA256withRSA"

// certHosts are the hosts PayPal serves its webhook signing certificates
// from (paypal-cert-url is https://<host>/v1/notifications/certs/CERT-...);
// certPathPrefix is their path.
var certHosts = map[string]bool{
	"api.paypal.com":           true,
	"api-m.paypal.com":         true,
	"api.sandbox.paypal.com":   true,
	"api-m.sandbox.paypal.com": true,
}

const certPathPrefix = "/v1/notifications/certs/"

// ParseWebhook verifies a delivery and maps it to unified events.
//
// secret is the id of the webhook the delivery was sent to (PayPal's
// dashboard shows it beside the listener URL), so that
// paykit.WebhookConfig{Secret: webhookID} is all a Webhook needs; an
// empty one is refused before anything is sent. When WithWebhookID was
// given too, secret must be that id.
//
// By default the delivery is checked by PayPal's verify-webhook-signature
// API (one authenticated call per delivery). With
// WithOfflineWebhookVerification it is checked here: the RSA-SHA256
// signature in paypal-transmission-sig of
// "<transmission id>|<transmission time>|<webhook id>|<CRC32 of the body>",
// with the public key of the certificate at paypal-cert-url, which is
// fetched only over https from PayPal's hosts (api.paypal.com,
// api-m.paypal.com, api.sandbox.paypal.com, api-m.sandbox.paypal.com,
// path /v1/notifications/certs/...), verified to chain to a trusted root
// and to be valid now, and cached. Either way paypal-transmission-time
// must be within the tolerance (WithWebhookTolerance) of now. A delivery
// that fails any check is an error matching ErrWebhookSignature; a
// verified body that is not a PayPal event is a VALIDATION_ERROR.
//
// Each event has the id of PayPal's event (WH-...), which a redelivery
// keeps; a second event of one delivery has "<id>:<type>". Native events
// without a mapping come back as one EventUnknown event with the event
// type in NativeType and the event's resource as Data.
func (p *provider) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	switch {
	case p.cfgErr != nil:
		return nil, p.cfgErr
	case req == nil:
		return nil, paykit.ValidationError("request", "webhook request is nil")
	case secret == "":
		return nil, providerkit.ConfigError(Name, "secret", "the webhook id (the webhook secret) is empty")
	case p.webhookID != "" && secret != p.webhookID:
		return nil, webhookSignatureError("the webhook secret is not the webhook id given with WithWebhookID")
	}
	d, err := p.readDelivery(req.Header)
	if err != nil {
		return nil, err
	}
	if p.offline {
		err = p.verifyOffline(ctx, d, secret, req.Body)
	} else {
		err = p.verifyOnline(ctx, d, secret, req.Body)
	}
	if err != nil {
		return nil, err
	}
	return mapWebhookEvent(req.Body, d.time)
}

// delivery is what a delivery's transmission headers say.
type delivery struct {
	id, timeRaw, sig, certURL, algo string
	time                            time.Time
}

// readDelivery reads the transmission headers, whatever their case, and
// checks the transmission time against the tolerance.
func (p *provider) readDelivery(h http.Header) (delivery, error) {
	d := delivery{
		id:      providerkit.HeaderValue(h, headerTransmissionID),
		timeRaw: providerkit.HeaderValue(h, headerTransmissionTime),
		sig:     providerkit.HeaderValue(h, headerTransmissionSig),
		certURL: providerkit.HeaderValue(h, headerCertURL),
		algo:    providerkit.HeaderValue(h, headerAuthAlgo),
	}
	if d.id == "" || d.timeRaw == "" || d.sig == "" || d.certURL == "" || d.algo == "" {
		return d, webhookSignatureError("the delivery lacks a paypal-transmission-id, -time, -sig, paypal-cert-url or paypal-auth-algo header")
	}
	t, err := time.Parse(time.RFC3339Nano, d.timeRaw)
	if err != nil {
		return d, webhookSignatureError("paypal-transmission-time is not an RFC 3339 time")
	}
	now := p.now()
	if t.Before(now.Add(-p.tolerance)) || t.After(now.Add(p.tolerance)) {
		return d, webhookSignatureError("paypal-transmission-time is outside the tolerance: a replay, or a clock far off")
	}
	d.time = t.UTC()
	return d, nil
}

func webhookSignatureError(msg string) *paykit.Error {
	return &paykit.Error{Code: paykit.CodeWebhookSignature, Provider: Name, Message: msg}
}

// verifyRequest is the body of verify-webhook-signature.
type verifyRequest struct {
	AuthAlgo         string          `json:"auth_algo"`
	CertURL          string          `json:"cert_url"`
	TransmissionID   string          `json:"transmission_id"`
	TransmissionSig  string          `json:"transmission_sig"`
	TransmissionTime string          `json:"transmission_time"`
	WebhookID        string          `json:"webhook_id"`
	WebhookEvent     json.RawMessage `json:"webhook_event"`
}

// verifyOnline asks PayPal's verify-webhook-signature API. The event is
// sent as received, as webhook_event: PayPal checks the CRC32 of its
// bytes. The transport encodes bodies with encoding/json without HTML
// escaping (providerkit's RESTClient: <, > and & are kept), but
// encoding/json compacts a json.RawMessage: insignificant whitespace is
// dropped, the rest kept byte for byte. PayPal delivers compact JSON, so
// what is sent is what was received; a body that is not compact (a proxy
// that re-indented it) is sent compacted, its CRC32 is not the one signed,
// and PayPal answers FAILURE: an ErrWebhookSignature, never a wrong
// acceptance. The call is keyed by a hash of all it sends, so a retry is
// safe and an answer is never reused for other input.
func (p *provider) verifyOnline(ctx context.Context, d delivery, webhookID string, body []byte) error {
	if !json.Valid(body) {
		return webhookSignatureError("the body is not JSON: it is no PayPal delivery")
	}
	if err := checkEventShape(body); err != nil {
		return err
	}
	vr := &verifyRequest{AuthAlgo: d.algo, CertURL: d.certURL, TransmissionID: d.id, TransmissionSig: d.sig,
		TransmissionTime: d.timeRaw, WebhookID: webhookID, WebhookEvent: body}
	enc, err := json.Marshal(vr)
	if err != nil {
		return webhookSignatureError("the body is not JSON: it is no PayPal delivery")
	}
	sum := sha256.Sum256(enc)
	var out struct {
		VerificationStatus string `json:"verification_status"`
	}
	_, err = p.api.Do(ctx, &providerkit.Request{Method: http.MethodPost, Path: "/v1/notifications/verify-webhook-signature",
		JSON: vr, IdempotencyKey: "paykit-verify-" + hex.EncodeToString(sum[:16])}, &out)
	if err != nil {
		pe, ok := paykit.AsError(err)
		if ok && (pe.StatusCode == http.StatusBadRequest || pe.StatusCode == http.StatusUnprocessableEntity) {
			// PayPal refused the headers themselves: not a delivery it sent.
			se := webhookSignatureError("PayPal refused to verify the delivery's signature headers")
			se.StatusCode, se.RequestID, se.Err = pe.StatusCode, pe.RequestID, err
			return se
		}
		return err
	}
	if out.VerificationStatus != "SUCCESS" {
		return webhookSignatureError("PayPal did not verify the delivery's signature")
	}
	return nil
}

// eventFieldKinds are the first byte of the JSON value each top-level
// field of a webhook event has in PayPal's document (verify_webhook_signature's
// webhook_event); null is allowed for none.
var eventFieldKinds = map[string]byte{
	"id": '"', "create_time": '"', "resource_type": '"', "event_type": '"', "summary": '"',
	"event_version": '"', "resource_version": '"', "resource": '{', "links": '[',
}

// checkEventShape refuses, with a VALIDATION_ERROR, a body PayPal's
// verify-webhook-signature would refuse as no webhook event (not an
// object, a field of another type): it is no delivery of PayPal's, and
// the call is not made for it.
func checkEventShape(body []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body", Message: "the webhook body is not a PayPal event (not a JSON object)"}
	}
	for k, kind := range eventFieldKinds {
		if v, ok := fields[k]; ok && (len(v) == 0 || v[0] != kind) {
			return &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body", Message: "the webhook body is not a PayPal event: " + k + " is of another type"}
		}
	}
	return nil
}

// verifyOffline checks the signature here, with the certificate at
// paypal-cert-url.
func (p *provider) verifyOffline(ctx context.Context, d delivery, webhookID string, body []byte) error {
	if d.algo != authAlgo {
		return webhookSignatureError("paypal-auth-algo is not " + authAlgo)
	}
	certURL, err := allowedCertURL(d.certURL)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(d.sig)
	if err != nil {
		return webhookSignatureError("paypal-transmission-sig is not base64")
	}
	key, err := p.certs.key(ctx, p, certURL)
	if err != nil {
		return err
	}
	digest := signedDigest(d.id, d.timeRaw, webhookID, body)
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return webhookSignatureError("paypal-transmission-sig does not match the delivery")
	}
	return nil
}

// signedDigest is the SHA-256 of what PayPal signs:
// "<transmission id>|<transmission time>|<webhook id>|<CRC32 of the body,
// decimal>".
func signedDigest(transmissionID, transmissionTime, webhookID string, body []byte) [sha256.Size]byte {
	buf := make([]byte, 0, len(transmissionID)+len(transmissionTime)+len(webhookID)+16)
	buf = append(buf, transmissionID...)
	buf = append(buf, '|')
	buf = append(buf, transmissionTime...)
	buf = append(buf, '|')
	buf = append(buf, webhookID...)
	buf = append(buf, '|')
	buf = strconv.AppendUint(buf, uint64(crc32.ChecksumIEEE(body)), 10)
	return sha256.Sum256(buf)
}

// allowedCertURL returns raw when it is https on one of PayPal's
// certificate hosts and paths, and an ErrWebhookSignature otherwise, so
// that a forged delivery cannot make ParseWebhook fetch anything else.
func allowedCertURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" || !certHosts[u.Host] ||
		u.RawQuery != "" || u.Fragment != "" || u.RawPath != "" ||
		!strings.HasPrefix(u.Path, certPathPrefix) || len(u.Path) == len(certPathPrefix) ||
		strings.ContainsAny(u.Path[len(certPathPrefix):], "/\\") || strings.Contains(u.Path, "..") {
		return "", webhookSignatureError("paypal-cert-url is not a certificate URL of PayPal's")
	}
	return u.String(), nil
}

// Certificate cache limits.
const (
	maxCachedCerts = 16
	maxCertBytes   = 64 << 10
	certTimeout    = 10 * time.Second
	// certFailTTL is how long a failed fetch of a certificate URL is
	// answered again without a request, so that deliveries naming an
	// allowed URL that does not serve a certificate cost one fetch a
	// minute, not one each.
	certFailTTL = time.Minute
)

// certCache keeps the signing certificates of offline verification, by
// URL, at most maxCachedCerts of them, and the failed fetches of the last
// certFailTTL, as many. Concurrent deliveries naming one URL that is not
// cached share one fetch. It is safe for concurrent use.
type certCache struct {
	mu       sync.Mutex
	entries  map[string]*x509.Certificate
	order    []string // URLs, oldest first
	failures map[string]certFailure
	failed   []string // URLs of failures, oldest first
	flights  map[string]*certFlight
	// roots verify the certificates' chains; nil is the system's roots.
	// Tests set their own CA here.
	roots *x509.CertPool
}

// certFailure is a failed fetch, answered again until until.
type certFailure struct {
	err   error
	until time.Time
}

// certFlight is a fetch under way; done closes when leaf or err is set.
type certFlight struct {
	done chan struct{}
	leaf *x509.Certificate
	err  error
}

// key returns the public key of the certificate at certURL (an allowed
// URL), fetching it when it is not cached, after checking that it is
// valid now.
func (c *certCache) key(ctx context.Context, p *provider, certURL string) (*rsa.PublicKey, error) {
	now := p.now()
	leaf, err := c.leaf(ctx, p, certURL, now)
	if err != nil {
		return nil, err
	}
	switch {
	case now.Before(leaf.NotBefore):
		return nil, webhookSignatureError("the signing certificate is not valid yet")
	case now.After(leaf.NotAfter):
		return nil, webhookSignatureError("the signing certificate has expired")
	}
	key, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, webhookSignatureError("the signing certificate has no RSA key")
	}
	return key, nil
}

// leaf returns the certificate at certURL: cached, the failure of a fetch
// of the last certFailTTL, the outcome of a fetch under way, or that of a
// new fetch. The fetch is not ended by one caller's ctx (others may wait
// for it; certTimeout bounds it); each caller stops waiting when its own
// ctx ends.
func (c *certCache) leaf(ctx context.Context, p *provider, certURL string, now time.Time) (*x509.Certificate, error) {
	c.mu.Lock()
	if leaf := c.entries[certURL]; leaf != nil {
		c.mu.Unlock()
		return leaf, nil
	}
	if f, ok := c.failures[certURL]; ok && now.Before(f.until) {
		c.mu.Unlock()
		return nil, f.err
	}
	fl, ok := c.flights[certURL]
	if !ok {
		fl = &certFlight{done: make(chan struct{})}
		if c.flights == nil {
			c.flights = map[string]*certFlight{}
		}
		c.flights[certURL] = fl
		roots := c.roots
		go func() {
			fl.leaf, fl.err = fetchCert(context.WithoutCancel(ctx), p.httpClient, certURL, roots, now)
			c.mu.Lock()
			delete(c.flights, certURL)
			if fl.err == nil {
				c.putLocked(certURL, fl.leaf)
			} else {
				c.failLocked(certURL, certFailure{fl.err, now.Add(certFailTTL)})
			}
			c.mu.Unlock()
			close(fl.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-fl.done:
		return fl.leaf, fl.err
	case <-ctx.Done():
		return nil, paykit.ContextError(ctx.Err())
	}
}

// put caches leaf.
func (c *certCache) put(certURL string, leaf *x509.Certificate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(certURL, leaf)
}

// putLocked caches leaf, evicting the oldest certificate beyond
// maxCachedCerts. c.mu is held.
func (c *certCache) putLocked(certURL string, leaf *x509.Certificate) {
	if c.entries == nil {
		c.entries = map[string]*x509.Certificate{}
	}
	if _, ok := c.entries[certURL]; ok {
		return
	}
	for len(c.order) >= maxCachedCerts {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[certURL] = leaf
	c.order = append(c.order, certURL)
}

// failLocked records a failed fetch, evicting the oldest failure beyond
// maxCachedCerts. c.mu is held.
func (c *certCache) failLocked(certURL string, f certFailure) {
	if c.failures == nil {
		c.failures = map[string]certFailure{}
	}
	if _, ok := c.failures[certURL]; !ok {
		for len(c.failed) >= maxCachedCerts {
			delete(c.failures, c.failed[0])
			c.failed = c.failed[1:]
		}
		c.failed = append(c.failed, certURL)
	}
	c.failures[certURL] = f
}

// fetchCert downloads the PEM certificate chain at certURL and returns its
// leaf after verifying the chain to roots at now (any key usage: PayPal's
// signing certificate is no TLS server's) and that the leaf names a
// paypal.com host. A failed download is a network error, which a
// redelivery may get past; a certificate that does not pass is an
// ErrWebhookSignature.
func fetchCert(ctx context.Context, hc *http.Client, certURL string, roots *x509.CertPool, now time.Time) (*x509.Certificate, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, certTimeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, certURL, nil)
	if err != nil {
		return nil, webhookSignatureError("paypal-cert-url is not a certificate URL of PayPal's")
	}
	res, err := hc.Do(hreq)
	if err != nil {
		return nil, &paykit.Error{Code: paykit.CodeNetwork, Provider: Name, Retryable: true,
			Message: "cannot fetch PayPal's webhook signing certificate", Err: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxCertBytes+1))
	switch {
	case err != nil:
		return nil, &paykit.Error{Code: paykit.CodeNetwork, Provider: Name, Retryable: true,
			Message: "cannot read PayPal's webhook signing certificate", Err: err}
	case res.StatusCode != http.StatusOK:
		return nil, webhookSignatureError("paypal-cert-url answered " + strconv.Itoa(res.StatusCode))
	case len(data) > maxCertBytes:
		return nil, webhookSignatureError("the signing certificate is too large")
	}
	var chain []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, webhookSignatureError("the signing certificate cannot be parsed")
		}
		chain = append(chain, cert)
	}
	if len(chain) == 0 {
		return nil, webhookSignatureError("paypal-cert-url holds no PEM certificate")
	}
	leaf := chain[0]
	switch {
	case now.Before(leaf.NotBefore):
		return nil, webhookSignatureError("the signing certificate is not valid yet")
	case now.After(leaf.NotAfter):
		return nil, webhookSignatureError("the signing certificate has expired")
	case !namesPayPal(leaf):
		return nil, webhookSignatureError("the signing certificate is not PayPal's")
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return nil, webhookSignatureError("the signing certificate does not chain to a trusted root")
	}
	return leaf, nil
}

// namesPayPal reports whether the certificate is issued to a paypal.com
// host (PayPal's is messageverificationcerts.paypal.com, or its sandbox
// twin).
func namesPayPal(c *x509.Certificate) bool {
	for _, n := range append([]string{c.Subject.CommonName}, c.DNSNames...) {
		n = strings.ToLower(n)
		if n == "paypal.com" || strings.HasSuffix(n, ".paypal.com") {
			return true
		}
	}
	return false
}

// mapping is one unified event a native event becomes: its type, and the
// resource it carries, read from the event's resource.
type mapping struct {
	typ  paykit.EventType
	data resource
}

// resource names what an event carries, mapped by eventResource.data
// with the API side's mapper of that resource.
type resource uint8

const (
	// orderCheckout is the order (checkout-order) as a Checkout.
	orderCheckout resource = iota + 1
	// orderPayment is the order as a Payment.
	orderPayment
	// capturePayment is the payment a capture belongs to.
	capturePayment
	// authorizationPayment is the payment an authorization belongs to.
	authorizationPayment
	// refundResource is a refund (or reversal) of a capture.
	refundResource
	// subscriptionData is a Billing subscription.
	subscriptionData
	// saleInvoice is a subscription's sale as an Invoice; a sale of no
	// subscription gives nothing.
	saleInvoice
)

// webhookEvents maps PayPal's event types (v2 resources; the Billing
// subscription's sale is the v1 sale PayPal still sends) to unified
// events. An approved order is the payer's part of the checkout done:
// checkout.completed, and its payment (the order) awaiting capture. A
// reversed capture (PayPal returned the funds to the payer) is a refund.
// An expired Billing subscription ended after its last cycle. Every other
// verified event is one EventUnknown.
var webhookEvents = map[string][]mapping{
	"CHECKOUT.ORDER.APPROVED":  {{paykit.EventCheckoutCompleted, orderCheckout}, {paykit.EventPaymentUpdated, orderPayment}},
	"CHECKOUT.ORDER.COMPLETED": {{paykit.EventPaymentUpdated, orderPayment}},

	"PAYMENT.CAPTURE.COMPLETED": {{paykit.EventPaymentUpdated, capturePayment}},
	"PAYMENT.CAPTURE.PENDING":   {{paykit.EventPaymentUpdated, capturePayment}},
	"PAYMENT.CAPTURE.DENIED":    {{paykit.EventPaymentUpdated, capturePayment}},
	"PAYMENT.CAPTURE.REFUNDED":  {{paykit.EventRefundCreated, refundResource}},
	"PAYMENT.CAPTURE.REVERSED":  {{paykit.EventRefundCreated, refundResource}},

	"PAYMENT.AUTHORIZATION.CREATED": {{paykit.EventPaymentUpdated, authorizationPayment}},
	"PAYMENT.AUTHORIZATION.VOIDED":  {{paykit.EventPaymentCanceled, authorizationPayment}},

	"BILLING.SUBSCRIPTION.CREATED":        {{paykit.EventSubscriptionCreated, subscriptionData}},
	"BILLING.SUBSCRIPTION.ACTIVATED":      {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"BILLING.SUBSCRIPTION.UPDATED":        {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"BILLING.SUBSCRIPTION.SUSPENDED":      {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"BILLING.SUBSCRIPTION.PAYMENT.FAILED": {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"BILLING.SUBSCRIPTION.CANCELLED":      {{paykit.EventSubscriptionCanceled, subscriptionData}},
	"BILLING.SUBSCRIPTION.EXPIRED":        {{paykit.EventSubscriptionCanceled, subscriptionData}},

	"PAYMENT.SALE.COMPLETED": {{paykit.EventInvoiceGenerated, saleInvoice}},
}

// MappedEvents returns the PayPal event types ParseWebhook maps to unified
// events, sorted. Subscribe your webhook to these; every other event
// arrives as one EventUnknown.
func MappedEvents() []string { return slices.Sorted(maps.Keys(webhookEvents)) }

// webhookEvent is PayPal's event notification.
type webhookEvent struct {
	ID         string          `json:"id"`
	CreateTime string          `json:"create_time"`
	EventType  string          `json:"event_type"`
	Resource   json.RawMessage `json:"resource"`
}

// mapWebhookEvent maps a verified body to unified events; sent is the
// transmission time, the events' time when the body has none.
func mapWebhookEvent(body []byte, sent time.Time) ([]*paykit.Event, error) {
	var e webhookEvent
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" || e.EventType == "" {
		return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body",
			Message: "the webhook body is not a PayPal event (no id and event_type)"}
	}
	created := sent
	if t, err := time.Parse(time.RFC3339Nano, e.CreateTime); err == nil {
		created = t.UTC()
	}
	raw := json.RawMessage(body)
	resource := e.Resource
	if len(resource) == 0 {
		resource = json.RawMessage("null")
	}
	unknown := func() []*paykit.Event {
		return []*paykit.Event{{ID: e.ID, Type: paykit.EventUnknown, Provider: Name, Created: created,
			NativeType: e.EventType, Data: resource, Raw: raw}}
	}
	mappings, known := webhookEvents[e.EventType]
	if !known {
		return unknown(), nil
	}
	res := eventResource{raw: resource}
	events := make([]*paykit.Event, 0, len(mappings))
	for _, m := range mappings {
		data, err := res.data(m.data)
		if err != nil {
			return nil, badResource(e.EventType, err)
		}
		if data == nil {
			continue
		}
		id := e.ID
		if len(events) > 0 {
			id += ":" + string(m.typ)
		}
		events = append(events, &paykit.Event{ID: id, Type: m.typ, Provider: Name, Created: created,
			NativeType: e.EventType, Data: data, Raw: raw})
	}
	if len(events) == 0 {
		// A sale of no subscription (a v1 Payments sale paykit did not
		// make): the user may still want it.
		return unknown(), nil
	}
	return events, nil
}

func badResource(eventType string, err error) error {
	return &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body",
		Message: "the webhook " + eventType + " resource is not what PayPal sends", Err: err}
}

// eventResource is an event's resource, decoded into the wire types the
// API side reads and mapped by its mappers: one mapper per resource,
// whether PayPal answered it or sent it in an event.
type eventResource struct {
	raw   json.RawMessage // the resource as sent: the Raw of what it maps to
	order *wireOrder      // decoded once for the events of one order
}

// data returns the resource r of the event's resource, or nil when r does
// not apply to it.
func (e *eventResource) data(r resource) (any, error) {
	switch r {
	case orderCheckout, orderPayment:
		if e.order == nil {
			o, err := decodeOrder(e.raw)
			if err != nil {
				return nil, err
			}
			e.order = o
		}
		if r == orderCheckout {
			return checkoutFrom(e.order, e.raw)
		}
		return paymentFrom(e.order, e.raw)
	case capturePayment:
		var c wireCapture
		if err := json.Unmarshal(e.raw, &c); err != nil {
			return nil, err
		}
		return paymentFromCapture(&c, e.raw)
	case authorizationPayment:
		var a wireAuthorization
		if err := json.Unmarshal(e.raw, &a); err != nil {
			return nil, err
		}
		return paymentFromAuthorization(&a, e.raw)
	case refundResource:
		w, err := decodeRefund(e.raw)
		if err != nil {
			return nil, err
		}
		return refundFrom(w, e.raw)
	case subscriptionData:
		w, err := decodeSubscription(e.raw)
		if err != nil {
			return nil, err
		}
		return subscriptionFrom(w, nil, e.raw)
	case saleInvoice:
		var sale wireSale
		if err := json.Unmarshal(e.raw, &sale); err != nil {
			return nil, err
		}
		inv, err := invoiceFromSale(&sale, e.raw)
		if inv == nil {
			return nil, err // a typed nil is not "no data"
		}
		return inv, err
	}
	return nil, errors.New("no mapper")
}
