package paykittest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local"
)

func TestLocalProviderPassesWebhookConformance(t *testing.T) {
	if os.Getenv("PAYKITTEST_WEBHOOK_DEFECT") != "" {
		return
	}
	paykittest.RunWebhookConformance(t, harness(func(s *local.Simulator) paykit.Provider { return s }).Webhooks())
}

// acceptsFuture accepts a genuine delivery signed at any time ahead, as
// the Stripe provider did.
type acceptsFuture struct{ *local.Simulator }

func (m acceptsFuture) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	if sec, err := strconv.ParseInt(req.Header.Get("webhook-timestamp"), 10, 64); err == nil && time.Unix(sec, 0).After(time.Now()) {
		req = signAt(nil, req, secret, time.Now())
	}
	return m.Simulator.ParseWebhook(ctx, req, secret)
}

// mapsUnparseable makes a customer of a signed body that is not JSON, as
// the Stripe provider did of a truncated object.
type mapsUnparseable struct{ *local.Simulator }

func (m mapsUnparseable) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	if !json.Valid(req.Body) {
		id, ts, err := providerkit.VerifyStandardWebhook(providerkit.StandardWebhookKey(secret), req.Header, req.Body, 0, time.Now())
		if err != nil {
			return nil, err
		}
		return []*paykit.Event{{ID: id, Type: paykit.EventCustomerCreated, Provider: local.Name, Created: ts, Data: &paykit.Customer{}}}, nil
	}
	return m.Simulator.ParseWebhook(ctx, req, secret)
}

// caseSensitive finds only canonical header keys, as VerifyStandardWebhook
// did: Handle gives it canonical keys, a direct call does not.
type caseSensitive struct{ *local.Simulator }

func (m caseSensitive) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	for k := range req.Header {
		if http.CanonicalHeaderKey(k) != k {
			return nil, &paykit.Error{Code: paykit.CodeWebhookSignature, Message: "missing webhook-id header"}
		}
	}
	return m.Simulator.ParseWebhook(ctx, req, secret)
}

// plainErrors answers a bad signature with an error that is no
// paykit.Error: the Webhook answers 500, and the provider redelivers a
// forgery forever.
type plainErrors struct{ *local.Simulator }

func (m plainErrors) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	events, err := m.Simulator.ParseWebhook(ctx, req, secret)
	if errors.Is(err, paykit.ErrWebhookSignature) {
		return nil, errors.New("bad signature")
	}
	return events, err
}

var webhookDefects = map[string]struct {
	wrap func(*local.Simulator) paykit.Provider
	want string
}{
	"accepts-future":   {func(s *local.Simulator) paykit.Provider { return acceptsFuture{s} }, "timestamp: signed tolerance + 1s ahead over HTTP: want 400 (ErrWebhookSignature) (status 200"},
	"maps-unparseable": {func(s *local.Simulator) paykit.Provider { return mapsUnparseable{s} }, "unparseable body: not JSON, signed through Handle: refused, yet a handler ran"},
	"case-sensitive":   {func(s *local.Simulator) paykit.Provider { return caseSensitive{s} }, "header case: ParseWebhook called directly with keys in lower case"},
	"plain-errors":     {func(s *local.Simulator) paykit.Provider { return plainErrors{s} }, "forged: verified with another secret over HTTP: want 400 (ErrWebhookSignature) (status 500"},
	"fresh-event-id":   {func(s *local.Simulator) paykit.Provider { return freshEventID{s} }, "concurrent redelivery over HTTP: the handlers ran 8 times for 8 copies"},
}

// TestWebhookDefectiveProvider is run in a child process by
// TestWebhookConformanceCatchesDefects, with one defect at a time.
func TestWebhookDefectiveProvider(t *testing.T) {
	d, ok := webhookDefects[os.Getenv("PAYKITTEST_WEBHOOK_DEFECT")]
	if !ok {
		return
	}
	paykittest.RunWebhookConformance(t, harness(d.wrap).Webhooks())
}

// TestWebhookConformanceCatchesDefects proves the webhook suite can fail:
// each defective provider fails it with the failure that names its
// defect.
func TestWebhookConformanceCatchesDefects(t *testing.T) {
	for defect, d := range webhookDefects {
		t.Run(defect, func(t *testing.T) {
			out, err := runChild("TestWebhookDefectiveProvider", "PAYKITTEST_WEBHOOK_DEFECT", defect)
			if err == nil {
				t.Fatalf("the webhook suite passed a provider with defect %q:\n%s", defect, out)
			}
			if !strings.Contains(string(out), d.want) {
				t.Fatalf("defect %q failed the webhook suite, but not with %q:\n%s", defect, d.want, out)
			}
		})
	}
}
