package stripe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/paykit-go/paykit"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/form"
	"github.com/tidwall/gjson"
)

// Customer reads, whose answers paykit decodes itself, skip stripe-go's
// backend's Do. It validates every answer with encoding/json
// four times over (its response wrapper and then the target are each
// unmarshalled, and each unmarshal scans the body twice), copies the body
// into a string for a debug log line that is not printed, and gives a GET
// a request body: a fifth of the client's CPU for a customer read. get
// sends the request stripe-go would send, built by the backend's
// NewRequest (same headers), through the same HTTP client, and leaves
// errors to stripe-go: ResponseToError builds the *stripe.Error of a
// failed answer. Its retries are those of every call (retry.go).

// get sends GET path (query included) and returns the answer, a JSON
// object, retrying as stripe-go would: connection failures, including an
// answer cut short, and the answers Stripe marks retryable. An answer that
// is not a JSON object fails as it would through stripe-go.
func (a *provider) get(ctx context.Context, path string) ([]byte, error) {
	if ctx == nil {
		// As stripe-go's calls, which take a nil context.
		ctx = context.Background()
	}
	var body []byte
	deadline, _ := ctx.Deadline()
	err := a.retry.retry(ctx, deadline, func() (err error) {
		body, err = a.getOnce(ctx, path)
		return err
	})
	return body, err
}

func (a *provider) getOnce(ctx context.Context, path string) ([]byte, error) {
	req, err := a.backend.NewRequest(http.MethodGet, path, a.key, formContentType, &stripeapi.Params{Context: ctx})
	if err != nil {
		return nil, err
	}
	res, err := a.backend.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := readBody(res)
	if err != nil {
		// The connection failed mid-answer: a connection failure,
		// retried and reported as one.
		return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: err}
	}
	if res.StatusCode >= http.StatusBadRequest {
		return nil, a.backend.ResponseToError(res, body)
	}
	return a.object(res.StatusCode, body)
}

// object returns body, a successful answer, trimmed, if it is a JSON
// object; else the error stripe-go reports for an answer it cannot
// decode, which mapErr reads.
func (a *provider) object(status int, body []byte) ([]byte, error) {
	body = bytes.TrimSpace(body)
	if mustBeObject(body) != nil || !gjson.ValidBytes(body) {
		if err := a.backend.UnmarshalJSONVerbose(status, body, new(wireResponse)); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("Couldn't deserialize JSON (response status: %d): %w", status, errNotObject)
	}
	return body[:len(body):len(body)], nil
}

// formContentType is the Content-Type stripe-go gives every request of
// its API backend, reads included.
const formContentType = "application/x-www-form-urlencoded"

// maxPresized is the largest declared length of an answer that readBody
// allocates up front; a longer one grows as it arrives.
const maxPresized = 1 << 20

// readBody reads and closes the body of res, in one allocation when its
// length is declared.
func readBody(res *http.Response) ([]byte, error) {
	defer res.Body.Close()
	if n := res.ContentLength; n > 0 && n <= maxPresized {
		body := make([]byte, n)
		if _, err := io.ReadFull(res.Body, body); err != nil {
			return nil, err
		}
		return body, nil
	}
	return io.ReadAll(res.Body)
}

// wireResponse receives one Stripe object from stripe-go's backend, for
// the writes, which still go through it (form encoding, idempotency keys,
// error parsing). It checks that the answer is a JSON object but does not
// decode it into stripe-go's type: paykit reads only the fields it maps,
// as for webhooks. Decoding a stripe.Customer costs encoding/json's
// reflection over some 45 fields and their sub-objects.
type wireResponse struct {
	obj wireObject
}

// UnmarshalJSON only checks that the answer is an object: stripe-go's
// backend calls it once the answer is known to be JSON, then hands the
// body over in SetLastResponse, where it is read.
func (*wireResponse) UnmarshalJSON(b []byte) error { return mustBeObject(b) }

// SetLastResponse reads the object from the body of the answer, which
// stripe-go allocated for this answer and nothing else writes to.
func (r *wireResponse) SetLastResponse(res *stripeapi.APIResponse) {
	body := bytes.TrimSpace(res.RawJSON)
	r.obj.read(body[:len(body):len(body)])
}

// read decodes the object from body, a JSON object that becomes its raw
// JSON and must not change afterwards.
func (o *wireObject) read(body []byte) {
	o.raw = body
	o.decode(gjson.Parse(string(body)))
}

// errNotObject is what stripe-go's backend reports, as an answer it could
// not decode, when a 2xx answer is JSON but not an object.
var errNotObject = errors.New("the answer is not a JSON object")

func mustBeObject(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return errNotObject
	}
	return nil
}

// wireList is one page of a Stripe list; its items are wireObjects, what
// stripe.Iter.Current returns.
type wireList struct {
	stripeapi.ListMeta
	items []any
}

// read decodes the page from body. Each item's raw JSON is its part of
// the body.
func (l *wireList) read(body []byte) {
	gjson.Parse(string(body)).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "has_more":
			l.HasMore = v.Bool()
		case "url":
			l.URL = v.String()
		case "data":
			v.ForEach(func(_, item gjson.Result) bool {
				o := &wireObject{raw: rawBytes(body, item)}
				o.decode(item)
				l.items = append(l.items, o)
				return true
			})
		}
		return true
	})
}

// wireIter returns the iterator over the pages of the list at path that
// stripe-go's List methods would return, with wireObject items, each page
// read with get.
func (a *provider) wireIter(path string, params stripeapi.ListParamsContainer) *stripeapi.Iter {
	return stripeapi.GetIter(params, func(p *stripeapi.Params, values *form.Values) ([]any, stripeapi.ListContainer, error) {
		list := &wireList{}
		query := path
		if values != nil && !values.Empty() {
			query += "?" + values.Encode()
		}
		body, err := a.get(p.Context, query)
		if err == nil {
			list.read(body)
		}
		return list.items, list, err
	})
}

func wireID(o *wireObject) string { return o.id }

// Stripe's statuses and the unified status each maps to, as the README's
// tables show them (held to these maps by TestREADMEStatusTables). The
// unified statuses are defined in paykit's package doc, "Status
// semantics"; a status not listed maps to the fallback its function
// names.

// subscriptionStatuses maps a Subscription's status. incomplete (the
// first payment is still due) and paused (a trial ended without a payment
// method) are pending: nothing was paid yet. unpaid is canceled: Stripe
// has stopped collecting and access should end, as on Polar.
var subscriptionStatuses = map[string]paykit.SubscriptionStatus{
	"trialing":           paykit.SubscriptionActive,
	"active":             paykit.SubscriptionActive,
	"past_due":           paykit.SubscriptionPastDue,
	"unpaid":             paykit.SubscriptionCanceled,
	"canceled":           paykit.SubscriptionCanceled,
	"incomplete":         paykit.SubscriptionPending,
	"paused":             paykit.SubscriptionPending,
	"incomplete_expired": paykit.SubscriptionExpired,
}

// paymentIntentStatuses maps a PaymentIntent's status; paymentStatus
// makes requires_payment_method failed when an attempt failed.
var paymentIntentStatuses = map[string]paykit.PaymentStatus{
	"requires_payment_method": paykit.PaymentPending,
	"requires_confirmation":   paykit.PaymentPending,
	"requires_action":         paykit.PaymentRequiresAction,
	"processing":              paykit.PaymentProcessing,
	"requires_capture":        paykit.PaymentRequiresCapture,
	"succeeded":               paykit.PaymentSucceeded,
	"canceled":                paykit.PaymentCanceled,
}

// chargeStatuses maps the status of a bare charge (one with no
// PaymentIntent); chargePaymentOut makes a succeeded charge not yet
// captured requires_capture.
var chargeStatuses = map[string]paykit.PaymentStatus{
	"pending":   paykit.PaymentProcessing,
	"succeeded": paykit.PaymentSucceeded,
	"failed":    paykit.PaymentFailed,
}

// refundStatuses maps a Refund's status: one that requires action (the
// customer must give details to receive it) is still pending.
var refundStatuses = map[string]paykit.RefundStatus{
	"pending":         paykit.RefundPending,
	"requires_action": paykit.RefundPending,
	"succeeded":       paykit.RefundSucceeded,
	"failed":          paykit.RefundFailed,
	"canceled":        paykit.RefundCanceled,
}

// checkoutStatuses maps a Checkout Session's status.
var checkoutStatuses = map[string]paykit.CheckoutStatus{
	"open":     paykit.CheckoutOpen,
	"complete": paykit.CheckoutComplete,
	"expired":  paykit.CheckoutExpired,
}

// invoiceStatuses maps an Invoice's status: Stripe's are paykit's.
var invoiceStatuses = map[string]paykit.InvoiceStatus{
	"draft":         paykit.InvoiceDraft,
	"open":          paykit.InvoiceOpen,
	"paid":          paykit.InvoicePaid,
	"void":          paykit.InvoiceVoid,
	"uncollectible": paykit.InvoiceUncollectible,
}

// lookup returns the unified status m maps native to, or fallback for a
// status m does not list.
func lookup[U any, S ~string](m map[string]U, native S, fallback U) U {
	if u, ok := m[string(native)]; ok {
		return u
	}
	return fallback
}
