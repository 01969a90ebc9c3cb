package paykittest_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/local"
)

// secretHarness drives the simulator as a client of the echo server,
// with the canary token and webhook secret, wrapped by wrap.
func secretHarness(wrap func(*local.Simulator, paykittest.Canaries) paykit.Provider) paykittest.SecretHarness {
	return paykittest.SecretHarness{
		NewProvider: func(t *testing.T, c paykittest.Canaries, echo string) paykit.Provider {
			sim := local.Provider(local.WithServerURL(echo), local.WithServerToken(c.Token), local.WithWebhookSecret(c.WebhookSecret))
			t.Cleanup(func() { _ = sim.Close() })
			return wrap(sim, c)
		},
		SignedDeliveries: deliveries,
		SignAt:           signAt,
	}
}

func TestLocalProviderPassesSecretConformance(t *testing.T) {
	if os.Getenv("PAYKITTEST_SECRET_DEFECT") != "" {
		return
	}
	paykittest.RunSecretConformance(t, secretHarness(func(s *local.Simulator, _ paykittest.Canaries) paykit.Provider { return s }))
}

// keyError is an error of a type of its own, not a *paykit.Error, whose
// message quotes the key: paykit.RedactError never sees it.
type keyError struct{ key string }

func (e *keyError) Error() string { return "acme: request refused for key " + e.key }

// errorQuotesKey answers customers.retrieve with a keyError.
type errorQuotesKey struct {
	*local.Simulator
	key string
}

func (m errorQuotesKey) RetrieveCustomer(context.Context, string, *paykit.RequestOptions) (*paykit.Customer, error) {
	return nil, &keyError{key: m.key}
}

// chainQuotesKey answers payments.retrieve with a *paykit.Error whose
// Message is clean and whose Err, reached with errors.Unwrap, quotes the
// key: built by hand and never passed through paykit.RedactError.
type chainQuotesKey struct {
	*local.Simulator
	key string
}

func (m chainQuotesKey) RetrievePayment(context.Context, string, *paykit.RequestOptions) (*paykit.Payment, error) {
	return nil, &paykit.Error{Code: paykit.CodeAuthentication, Provider: local.Name, Message: "request refused", Err: &keyError{key: m.key}}
}

// printsKey prints as its name and its key.
type printsKey struct {
	*local.Simulator
	key string
}

func (m printsKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "local("+m.key+")") }

// logsBody logs every payment it creates with its metadata, at debug.
type logsBody struct {
	*local.Simulator
	c paykittest.Canaries
}

func (m logsBody) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	m.c.Logger.Debug("creating payment", "metadata", fmt.Sprint(p.Metadata))
	return m.Simulator.CreatePayment(ctx, p, o)
}

// logsDefault logs every customer it retrieves with its token through
// package log, not the logger it was given.
type logsDefault struct {
	*local.Simulator
	token string
}

func (m logsDefault) RetrieveCustomer(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Customer, error) {
	log.Printf("retrieving %s with token %s", id, m.token)
	return m.Simulator.RetrieveCustomer(ctx, id, o)
}

// webhookQuotesSecret refuses every delivery naming the secret it was
// given.
type webhookQuotesSecret struct{ *local.Simulator }

func (m webhookQuotesSecret) ParseWebhook(_ context.Context, _ *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	return nil, fmt.Errorf("signature does not match secret %s", secret)
}

var secretDefects = map[string]func(*local.Simulator, paykittest.Canaries) paykit.Provider{
	"error-quotes-key":      func(s *local.Simulator, c paykittest.Canaries) paykit.Provider { return errorQuotesKey{s, c.Token} },
	"chain-quotes-key":      func(s *local.Simulator, c paykittest.Canaries) paykit.Provider { return chainQuotesKey{s, c.Token} },
	"prints-key":            func(s *local.Simulator, c paykittest.Canaries) paykit.Provider { return printsKey{s, c.Token} },
	"logs-default":          func(s *local.Simulator, c paykittest.Canaries) paykit.Provider { return logsDefault{s, c.Token} },
	"logs-card":             func(s *local.Simulator, c paykittest.Canaries) paykit.Provider { return logsBody{s, c} },
	"webhook-quotes-secret": func(s *local.Simulator, _ paykittest.Canaries) paykit.Provider { return webhookQuotesSecret{s} },
}

// TestLeakyProvider is run in a child process by
// TestSecretConformanceCatchesLeaks, with one defect at a time.
func TestLeakyProvider(t *testing.T) {
	wrap, ok := secretDefects[os.Getenv("PAYKITTEST_SECRET_DEFECT")]
	if !ok {
		return
	}
	paykittest.RunSecretConformance(t, secretHarness(wrap))
}

// TestSecretConformanceCatchesLeaks proves the suite can fail: each leaky
// provider must fail it, with the failure that names its leak.
func TestSecretConformanceCatchesLeaks(t *testing.T) {
	want := map[string]string{
		"error-quotes-key":      `customers.retrieve on "` + paykittest.NewCanaries().ID + `" called directly: Error() shows the canary`,
		"chain-quotes-key":      `payments.retrieve on "` + paykittest.NewCanaries().ID + `" called directly: error 1 levels under it (*paykittest_test.keyError) shows the canary`,
		"prints-key":            "the provider printed shows the canary",
		"logs-card":             "the debug log line shows the canary",
		"logs-default":          "the debug log line shows the canary",
		"webhook-quotes-secret": "ParseWebhook of a forged delivery: Error() shows the canary",
	}
	for defect, msg := range want {
		t.Run(defect, func(t *testing.T) {
			out, err := runChild("TestLeakyProvider", "PAYKITTEST_SECRET_DEFECT", defect)
			if err == nil {
				t.Fatalf("the secret suite passed a provider with leak %q:\n%s", defect, out)
			}
			if !strings.Contains(string(out), msg) {
				t.Fatalf("leak %q failed the suite, but not with %q:\n%s", defect, msg, out)
			}
		})
	}
}
