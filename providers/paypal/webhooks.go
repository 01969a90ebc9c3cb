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
		id:      headerValue(h, headerTransmissionID),
		timeRaw: headerValue(h, headerTransmissionTime),
		sig:     headerValue(h, headerTransmissionSig),
		certURL: headerValue(h, headerCertURL),
		algo:    headerValue(h, headerAuthAlgo),
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

// headerValue returns the header name, also when h was built by hand with
// a key in another case (as some serverless platforms pass headers).
func headerValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, name) {
			return v[0]
		}
	}
	return ""
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
// sent as received: PayPal checks the CRC32 of its bytes. (The transport
// encodes bodies with encoding/json, which keeps a compact body as it is
// but escapes <, > and & in its strings.) The call is keyed by a hash of
// all it sends, so a retry is safe and an answer is never reused for
// other input.
func (p *provider) verifyOnline(ctx context.Context, d delivery, webhookID string, body []byte) error {
	if !json.Valid(body) {
		return webhookSignatureError("the body is not JSON: it is no PayPal delivery")
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
)

// certCache keeps the signing certificates of offline verification, by
// URL, at most maxCachedCerts of them. It is safe for concurrent use.
type certCache struct {
	mu      sync.Mutex
	entries map[string]*x509.Certificate
	order   []string // URLs, oldest first
	// roots verify the certificates' chains; nil is the system's roots.
	// Tests set their own CA here.
	roots *x509.CertPool
}

// key returns the public key of the certificate at certURL (an allowed
// URL), fetching it when it is not cached, after checking that it is
// valid now.
func (c *certCache) key(ctx context.Context, p *provider, certURL string) (*rsa.PublicKey, error) {
	now := p.now()
	c.mu.Lock()
	leaf := c.entries[certURL]
	roots := c.roots
	c.mu.Unlock()
	if leaf == nil {
		var err error
		if leaf, err = fetchCert(ctx, p.httpClient, certURL, roots, now); err != nil {
			return nil, err
		}
		c.put(certURL, leaf)
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

func (c *certCache) put(certURL string, leaf *x509.Certificate) {
	c.mu.Lock()
	defer c.mu.Unlock()
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

// resource names what an event carries, read by one of the webhook
// mappers below.
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
	res := webhookResource{raw: resource}
	if err := json.Unmarshal(resource, &res); err != nil {
		return nil, badResource(e.EventType, err)
	}
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

// webhookResource is the union of the resources the mapped events carry:
// an order, a capture, an authorization, a refund, a Billing subscription
// or a sale. Each mapper reads its own fields.
type webhookResource struct {
	raw json.RawMessage // the resource as sent: the Raw of what it maps to

	ID         string `json:"id"`
	Status     string `json:"status"`
	CreateTime string `json:"create_time"`
	UpdateTime string `json:"update_time"`
	CustomID   string `json:"custom_id"`
	Links      []struct {
		Href string `json:"href"`
		Rel  string `json:"rel"`
	} `json:"links"`

	// Order.
	Intent        string `json:"intent"`
	PurchaseUnits []struct {
		Amount   *webhookMoney `json:"amount"`
		CustomID string        `json:"custom_id"`
		Items    []struct {
			SKU      string `json:"sku"`
			Name     string `json:"name"`
			Quantity string `json:"quantity"`
		} `json:"items"`
		Payments struct {
			Captures []struct {
				Status string       `json:"status"`
				Amount webhookMoney `json:"amount"`
			} `json:"captures"`
			Refunds []struct {
				Status string       `json:"status"`
				Amount webhookMoney `json:"amount"`
			} `json:"refunds"`
		} `json:"payments"`
	} `json:"purchase_units"`
	Payer struct {
		EmailAddress string `json:"email_address"`
	} `json:"payer"`

	// Capture, authorization, refund.
	Amount        *webhookMoney `json:"amount"`
	StatusDetails struct {
		Reason string `json:"reason"`
	} `json:"status_details"`
	SupplementaryData struct {
		RelatedIDs struct {
			OrderID string `json:"order_id"`
		} `json:"related_ids"`
	} `json:"supplementary_data"`
	NoteToPayer string `json:"note_to_payer"`

	// Billing subscription.
	PlanID           string `json:"plan_id"`
	Quantity         string `json:"quantity"`
	StartTime        string `json:"start_time"`
	StatusUpdateTime string `json:"status_update_time"`
	StatusChangeNote string `json:"status_change_note"`
	Subscriber       struct {
		EmailAddress string `json:"email_address"`
	} `json:"subscriber"`
	BillingInfo struct {
		LastPayment *struct {
			Amount webhookMoney `json:"amount"`
			Time   string       `json:"time"`
		} `json:"last_payment"`
		NextBillingTime string `json:"next_billing_time"`
	} `json:"billing_info"`

	// Sale (v1): amount.total and amount.currency.
	State              string `json:"state"`
	BillingAgreementID string `json:"billing_agreement_id"`
	Custom             string `json:"custom"`
}

// webhookMoney is an amount: v2's currency_code and value, or v1's
// currency and total (a sale).
type webhookMoney struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
	Currency     string `json:"currency"`
	Total        string `json:"total"`
}

// paypalExponents are the currencies PayPal writes with fewer decimals than
// ISO 4217.
var paypalExponents = providerkit.Exponents{"HUF": 0, "JPY": 0, "TWD": 0}

// minor returns the amount in paykit minor units and its currency.
// PayPal's own exponents are tried first, then ISO 4217's, so that "10.00"
// HUF is read too.
func (m *webhookMoney) minor() (int64, string, error) {
	if m == nil {
		return 0, "", nil
	}
	code, value := m.CurrencyCode, m.Value
	if code == "" {
		code, value = m.Currency, m.Total
	}
	if code == "" && value == "" {
		return 0, "", nil
	}
	cur, err := providerkit.NormalizeCurrency(code)
	if err != nil {
		return 0, "", err
	}
	n, err := paypalExponents.Parse(value, cur)
	if err != nil {
		if n, err = providerkit.ParseDecimal(value, cur); err != nil {
			return 0, "", err
		}
	}
	return n, cur, nil
}

// data returns the resource r of the event's resource, or nil when r does
// not apply to it.
func (w *webhookResource) data(r resource) (any, error) {
	switch r {
	case orderCheckout:
		return w.webhookCheckout()
	case orderPayment:
		return w.webhookOrderPayment()
	case capturePayment:
		return w.webhookCapturePayment()
	case authorizationPayment:
		return w.webhookAuthorizationPayment()
	case refundResource:
		return w.webhookRefund()
	case subscriptionData:
		return w.webhookSubscription()
	case saleInvoice:
		if w.BillingAgreementID == "" {
			return nil, nil
		}
		return w.webhookInvoice()
	}
	return nil, errors.New("no mapper")
}

// webhookTime parses an RFC 3339 time, or returns the zero time.
func webhookTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func (w *webhookResource) link(rel string) string {
	for _, l := range w.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// webhookMetadata reads the metadata a checkout, payment or subscription
// keeps in custom_id: a JSON object of strings, with paykit's reserved key
// taken out. Anything else in custom_id (set outside paykit) is left out.
// It must agree with how the API side writes custom_id.
func webhookMetadata(customID string) map[string]string {
	if !strings.HasPrefix(customID, "{") {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(customID), &m) != nil {
		return nil
	}
	user, _ := providerkit.SplitReserved(m)
	return user
}

// webhookOrderAmount is the total of the order's purchase units.
func (w *webhookResource) webhookOrderAmount() (int64, string, error) {
	var total int64
	var cur string
	for _, pu := range w.PurchaseUnits {
		n, c, err := pu.Amount.minor()
		if err != nil {
			return 0, "", err
		}
		if cur != "" && c != "" && c != cur {
			return 0, "", errors.New("purchase units in several currencies")
		}
		if c != "" {
			cur = c
		}
		total += n
	}
	return total, cur, nil
}

func (w *webhookResource) webhookCustomID() string {
	if w.CustomID != "" {
		return w.CustomID
	}
	for _, pu := range w.PurchaseUnits {
		if pu.CustomID != "" {
			return pu.CustomID
		}
	}
	return ""
}

// webhookOrderStatuses maps an order's status to a payment's.
var webhookOrderStatuses = map[string]paykit.PaymentStatus{
	"CREATED":               paykit.PaymentPending,
	"SAVED":                 paykit.PaymentPending,
	"APPROVED":              paykit.PaymentRequiresCapture,
	"PAYER_ACTION_REQUIRED": paykit.PaymentRequiresAction,
	"VOIDED":                paykit.PaymentCanceled,
	"COMPLETED":             paykit.PaymentSucceeded,
}

// webhookCheckout maps an order to the checkout it is.
func (w *webhookResource) webhookCheckout() (*paykit.Checkout, error) {
	amount, cur, err := w.webhookOrderAmount()
	if err != nil {
		return nil, err
	}
	co := &paykit.Checkout{ID: w.ID, Customer: paykit.Payee{Email: w.Payer.EmailAddress},
		Metadata: webhookMetadata(w.webhookCustomID()), SessionType: paykit.SessionOneTime,
		Currency: cur, Amount: amount, Status: paykit.CheckoutOpen, CreatedAt: webhookTime(w.CreateTime), Raw: w.raw}
	if w.Status == "APPROVED" || w.Status == "COMPLETED" {
		co.Status, co.PaymentID = paykit.CheckoutComplete, w.ID
	}
	if u := w.link("payer-action"); u != "" {
		co.PaymentURL = u
	} else {
		co.PaymentURL = w.link("approve")
	}
	for _, pu := range w.PurchaseUnits {
		for _, it := range pu.Items {
			q, _ := strconv.ParseInt(it.Quantity, 10, 64)
			id := it.SKU
			if id == "" {
				id = it.Name
			}
			co.Products = append(co.Products, paykit.LineItem{ID: id, Quantity: max(q, 1)})
		}
	}
	return co, nil
}

// webhookOrderPayment maps an order to the payment it is.
func (w *webhookResource) webhookOrderPayment() (*paykit.Payment, error) {
	amount, cur, err := w.webhookOrderAmount()
	if err != nil {
		return nil, err
	}
	p := &paykit.Payment{ID: w.ID, Amount: amount, Currency: cur, Customer: paykit.Payee{Email: w.Payer.EmailAddress},
		Status: webhookOrderStatuses[w.Status], Metadata: webhookMetadata(w.webhookCustomID()),
		CaptureMethod: paykit.CaptureAutomatic, CreatedAt: webhookTime(w.CreateTime), Raw: w.raw}
	if p.Status == "" {
		p.Status = paykit.PaymentPending
	}
	if w.Intent == "AUTHORIZE" {
		p.CaptureMethod = paykit.CaptureManual
	}
	if p.Status == paykit.PaymentRequiresAction {
		p.RequiresAction, p.PaymentURL = true, w.link("payer-action")
	}
	for _, pu := range w.PurchaseUnits {
		for _, c := range pu.Payments.Captures {
			if c.Status == "COMPLETED" || c.Status == "PARTIALLY_REFUNDED" || c.Status == "REFUNDED" {
				n, _, err := c.Amount.minor()
				if err != nil {
					return nil, err
				}
				p.AmountCaptured += n
			}
		}
		for _, r := range pu.Payments.Refunds {
			if r.Status == "COMPLETED" {
				n, _, err := r.Amount.minor()
				if err != nil {
					return nil, err
				}
				p.AmountRefunded += n
			}
		}
	}
	return p, nil
}

// webhookCaptureStatuses maps a capture's status to its payment's.
var webhookCaptureStatuses = map[string]paykit.PaymentStatus{
	"COMPLETED":          paykit.PaymentSucceeded,
	"PARTIALLY_REFUNDED": paykit.PaymentSucceeded,
	"REFUNDED":           paykit.PaymentSucceeded,
	"PENDING":            paykit.PaymentProcessing,
	"DECLINED":           paykit.PaymentFailed,
	"DENIED":             paykit.PaymentFailed,
	"FAILED":             paykit.PaymentFailed,
}

// webhookPaymentID is the payment a capture or authorization belongs to:
// its order, or the resource itself when PayPal names no order.
func (w *webhookResource) webhookPaymentID() string {
	if id := w.SupplementaryData.RelatedIDs.OrderID; id != "" {
		return id
	}
	return w.ID
}

// webhookLinkedPayment is the payment (order) a capture or an
// authorization belongs to, as far as the resource tells: its status
// through statuses, or fallback for one PayPal adds later.
func (w *webhookResource) webhookLinkedPayment(statuses map[string]paykit.PaymentStatus, fallback paykit.PaymentStatus) (*paykit.Payment, error) {
	amount, cur, err := w.Amount.minor()
	if err != nil {
		return nil, err
	}
	p := &paykit.Payment{ID: w.webhookPaymentID(), Amount: amount, Currency: cur, Status: statuses[w.Status],
		Metadata: webhookMetadata(w.CustomID), CreatedAt: webhookTime(w.CreateTime), Raw: w.raw}
	if p.Status == "" {
		p.Status = fallback
	}
	return p, nil
}

// webhookCapturePayment maps a capture to the payment (order) it belongs
// to.
func (w *webhookResource) webhookCapturePayment() (*paykit.Payment, error) {
	p, err := w.webhookLinkedPayment(webhookCaptureStatuses, paykit.PaymentProcessing)
	if err != nil {
		return nil, err
	}
	switch p.Status {
	case paykit.PaymentSucceeded:
		p.AmountCaptured = p.Amount
	case paykit.PaymentFailed:
		p.FailureCode = w.StatusDetails.Reason
		if p.FailureCode == "" {
			p.FailureCode = strings.ToLower(w.Status)
		}
	}
	return p, nil
}

// webhookAuthorizationStatuses maps an authorization's status to its
// payment's.
var webhookAuthorizationStatuses = map[string]paykit.PaymentStatus{
	"CREATED":            paykit.PaymentRequiresCapture,
	"PARTIALLY_CAPTURED": paykit.PaymentRequiresCapture,
	"CAPTURED":           paykit.PaymentSucceeded,
	"PENDING":            paykit.PaymentProcessing,
	"DENIED":             paykit.PaymentFailed,
	"VOIDED":             paykit.PaymentCanceled,
	"EXPIRED":            paykit.PaymentCanceled,
}

// webhookAuthorizationPayment maps an authorization to the payment
// (order) it belongs to.
func (w *webhookResource) webhookAuthorizationPayment() (*paykit.Payment, error) {
	p, err := w.webhookLinkedPayment(webhookAuthorizationStatuses, paykit.PaymentPending)
	if err != nil {
		return nil, err
	}
	p.CaptureMethod = paykit.CaptureManual
	return p, nil
}

// webhookRefundStatuses maps a refund's status.
var webhookRefundStatuses = map[string]paykit.RefundStatus{
	"COMPLETED": paykit.RefundSucceeded,
	"PENDING":   paykit.RefundPending,
	"FAILED":    paykit.RefundFailed,
	"CANCELLED": paykit.RefundCanceled,
}

// webhookRefund maps a refund of a capture. Its PaymentID is the capture's
// id (the refund's "up" link): a refund names no order.
func (w *webhookResource) webhookRefund() (*paykit.Refund, error) {
	amount, cur, err := w.Amount.minor()
	if err != nil {
		return nil, err
	}
	r := &paykit.Refund{ID: w.ID, Amount: amount, Currency: cur, Status: webhookRefundStatuses[w.Status],
		Metadata: webhookMetadata(w.CustomID), CreatedAt: webhookTime(w.CreateTime), Raw: w.raw}
	if r.Status == "" {
		r.Status = paykit.RefundPending
	}
	if up := w.link("up"); up != "" {
		if i := strings.LastIndex(up, "/captures/"); i >= 0 {
			r.PaymentID = up[i+len("/captures/"):]
		}
	}
	if id := w.SupplementaryData.RelatedIDs.OrderID; id != "" {
		r.PaymentID = id
	}
	return r, nil
}

// webhookSubscriptionStatuses maps a Billing subscription's status. A
// suspended subscription is paused, as Stripe's and Polar's paused ones
// are pending; an expired one ran its cycles out after it started.
var webhookSubscriptionStatuses = map[string]paykit.SubscriptionStatus{
	"APPROVAL_PENDING": paykit.SubscriptionPending,
	"APPROVED":         paykit.SubscriptionPending,
	"ACTIVE":           paykit.SubscriptionActive,
	"SUSPENDED":        paykit.SubscriptionPending,
	"CANCELLED":        paykit.SubscriptionCanceled,
	"EXPIRED":          paykit.SubscriptionCanceled,
}

// webhookSubscription maps a Billing subscription (v2 resource shape). Its
// Amount is the last payment's, when there was one: the subscription does
// not carry its plan's price.
func (w *webhookResource) webhookSubscription() (*paykit.Subscription, error) {
	s := &paykit.Subscription{ID: w.ID, Customer: paykit.Payee{Email: w.Subscriber.EmailAddress},
		Status: webhookSubscriptionStatuses[w.Status], ItemID: w.PlanID, Metadata: webhookMetadata(w.CustomID),
		CurrentPeriodEnd: webhookTime(w.BillingInfo.NextBillingTime), CreatedAt: webhookTime(w.CreateTime), Raw: w.raw}
	if s.Status == "" {
		s.Status = paykit.SubscriptionPending
	}
	if q, err := strconv.ParseInt(w.Quantity, 10, 64); err == nil {
		s.Quantity = q
	}
	if lp := w.BillingInfo.LastPayment; lp != nil {
		amount, cur, err := lp.Amount.minor()
		if err != nil {
			return nil, err
		}
		s.Amount, s.Currency = amount, cur
		s.CurrentPeriodStart = webhookTime(lp.Time)
	}
	if s.CurrentPeriodStart.IsZero() {
		s.CurrentPeriodStart = webhookTime(w.StartTime)
	}
	if w.Status == "APPROVAL_PENDING" {
		if u := w.link("approve"); u != "" {
			s.RequiresAction, s.PaymentURL = true, u
		}
	}
	if w.Status == "CANCELLED" {
		if t := webhookTime(w.StatusUpdateTime); !t.IsZero() {
			s.CanceledAt = &t
		}
	}
	return s, nil
}

// webhookInvoice maps a subscription's completed sale to the invoice of
// that cycle.
func (w *webhookResource) webhookInvoice() (*paykit.Invoice, error) {
	amount, cur, err := w.Amount.minor()
	if err != nil {
		return nil, err
	}
	inv := &paykit.Invoice{ID: w.ID, SubscriptionID: w.BillingAgreementID, BillingMode: paykit.BillingRecurring,
		AmountPaid: amount, Currency: cur, Status: paykit.InvoicePaid, Metadata: webhookMetadata(w.Custom),
		PaymentID: w.ID, CreatedAt: webhookTime(w.CreateTime), Raw: w.raw}
	if w.State != "completed" && w.State != "" {
		inv.Status = paykit.InvoiceOpen
	}
	if inv.Status == paykit.InvoicePaid {
		paid := webhookTime(w.UpdateTime)
		if paid.IsZero() {
			paid = inv.CreatedAt
		}
		inv.PaidAt = &paid
	}
	return inv, nil
}
