package paykit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/paykitmock"
)

// signedBy is the mock's stand-in for a provider's signature check: a
// delivery is genuine when its X-Sig header equals the secret.
func webhookMock(t *testing.T, events ...*paykit.Event) *paykitmock.Provider {
	m := paykitmock.New(t)
	m.On("ParseWebhook", mock.Anything, mock.Anything, mock.Anything).Return(
		func(_ context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
			if req.Header.Get("X-Sig") != secret {
				return nil, &paykit.Error{Code: paykit.CodeWebhookSignature, Message: "bad signature"}
			}
			return events, nil
		}).Maybe()
	return m
}

func delivery(sig string) *paykit.WebhookRequest {
	return &paykit.WebhookRequest{Body: []byte(`{"id":"evt_1"}`), Header: http.Header{"X-Sig": {sig}}}
}

func TestWebhookDispatchesTypedEvents(t *testing.T) {
	pay := &paykit.Payment{ID: "pay_1", Status: paykit.PaymentSucceeded}
	inv := &paykit.Invoice{ID: "in_1"}
	m := webhookMock(t,
		&paykit.Event{ID: "evt_1", Type: paykit.EventPaymentUpdated, Data: pay},
		&paykit.Event{ID: "evt_1:invoice", Type: paykit.EventInvoiceGenerated, Data: inv},
		&paykit.Event{ID: "evt_1:other", Type: paykit.EventCustomerCreated, Data: &paykit.Customer{ID: "cus_1"}},
	)
	var got []string
	wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "whsec_test"}).
		On(paykit.EventPaymentUpdated, func(_ context.Context, e *paykit.Event) error {
			got = append(got, "payment "+e.Payment().ID)
			assert.Nil(t, e.Invoice())
			return nil
		}).
		On(paykit.EventInvoiceGenerated, func(_ context.Context, e *paykit.Event) error {
			got = append(got, "invoice "+e.Invoice().ID)
			return nil
		})
	require.NoError(t, wh.Handle(context.Background(), delivery("whsec_test")))
	assert.Equal(t, []string{"payment pay_1", "invoice in_1"}, got, "events without a handler are ignored")

	require.NoError(t, wh.Handle(context.Background(), delivery("whsec_test")))
	assert.Len(t, got, 2, "a redelivered event id is handled once")

	err := wh.Handle(context.Background(), delivery("forged"))
	require.ErrorIs(t, err, paykit.ErrWebhookSignature)
}

func TestWebhookRecordsTheIDOnlyAfterSuccess(t *testing.T) {
	m := webhookMock(t, &paykit.Event{ID: "evt_9", Type: paykit.EventRefundCreated, Data: &paykit.Refund{ID: "re_1"}})
	attempts := 0
	wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "s"}).
		On(paykit.EventRefundCreated, func(context.Context, *paykit.Event) error {
			if attempts++; attempts == 1 {
				return errors.New("database down")
			}
			return nil
		})
	err := wh.Handle(context.Background(), delivery("s"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "evt_9")
	require.NoError(t, wh.Handle(context.Background(), delivery("s")), "the failed event runs again on redelivery")
	require.NoError(t, wh.Handle(context.Background(), delivery("s")))
	assert.Equal(t, 2, attempts)
}

func TestWebhookHTTPStatuses(t *testing.T) {
	m := webhookMock(t, &paykit.Event{ID: "evt_1", Type: paykit.EventPaymentCreated, Data: &paykit.Payment{ID: "pay_1"}})
	fail := false
	wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "s", MaxBodyBytes: 64}).
		On(paykit.EventPaymentCreated, func(context.Context, *paykit.Event) error {
			if fail {
				panic("handler bug")
			}
			return nil
		})
	mux := http.NewServeMux()
	mux.Handle("/webhooks", wh)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	post := func(method, sig, body string) (int, string) {
		req, err := http.NewRequest(method, srv.URL+"/webhooks", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-Sig", sig)
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var v map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&v))
		b, _ := json.Marshal(v)
		return res.StatusCode, string(b)
	}
	code, _ := post(http.MethodGet, "s", "")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	code, body := post(http.MethodPost, "wrong", `{}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, string(paykit.CodeWebhookSignature))
	code, _ = post(http.MethodPost, "s", strings.Repeat("x", 65))
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	fail = true
	code, body = post(http.MethodPost, "s", `{}`)
	assert.Equal(t, http.StatusInternalServerError, code, "a failing (even panicking) handler asks for redelivery")
	assert.NotContains(t, body, "handler bug", "handler errors are not echoed to the provider")
	fail = false
	code, _ = post(http.MethodPost, "s", `{}`)
	assert.Equal(t, http.StatusOK, code)
}

func TestWebhookConcurrentDuplicateIsNotLost(t *testing.T) {
	m := webhookMock(t, &paykit.Event{ID: "evt_c", Type: paykit.EventPaymentCreated, Data: &paykit.Payment{ID: "pay_1"}})
	release := make(chan struct{})
	started := make(chan struct{})
	var runs int
	var mu sync.Mutex
	wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "s"}).
		On(paykit.EventPaymentCreated, func(context.Context, *paykit.Event) error {
			mu.Lock()
			runs++
			mu.Unlock()
			close(started)
			<-release
			return nil
		})
	done := make(chan error)
	go func() { done <- wh.Handle(context.Background(), delivery("s")) }()
	<-started
	err := wh.Handle(context.Background(), delivery("s"))
	require.ErrorIs(t, err, paykit.ErrIdempotencyConflict, "a duplicate in flight is refused (409), not acknowledged")
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, 1, runs)
}

func TestWebhookNeedsASecret(t *testing.T) {
	m := webhookMock(t)
	err := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{}).Handle(context.Background(), delivery(""))
	require.ErrorIs(t, err, paykit.ErrConfiguration)
}

func TestMemoryDedupStore(t *testing.T) {
	ctx := context.Background()
	s := paykit.NewMemoryDedupStore(time.Hour)
	r, err := s.Claim(ctx, "a", "t1")
	require.NoError(t, err)
	assert.Equal(t, paykit.ClaimAcquired, r)
	r, _ = s.Claim(ctx, "a", "t2")
	assert.Equal(t, paykit.ClaimInFlight, r)
	require.NoError(t, s.Release(ctx, "a", "t1"))
	r, _ = s.Claim(ctx, "a", "t3")
	assert.Equal(t, paykit.ClaimAcquired, r)
	require.NoError(t, s.Complete(ctx, "a"))
	r, _ = s.Claim(ctx, "a", "t4")
	assert.Equal(t, paykit.ClaimDone, r)
	require.NoError(t, s.Release(ctx, "a", "t3"))
	r, _ = s.Claim(ctx, "a", "t5")
	assert.Equal(t, paykit.ClaimDone, r, "Release never forgets a completed id")
}

func TestMemoryDedupStoreForgetsAfterRetention(t *testing.T) {
	ctx := context.Background()
	s := paykit.NewMemoryDedupStore(time.Nanosecond)
	require.NoError(t, s.Complete(ctx, "old"))
	time.Sleep(time.Millisecond)
	for i := range 1000 {
		id := "evt_" + strconv.Itoa(i)
		_, _ = s.Claim(ctx, id, "t")
		require.NoError(t, s.Complete(ctx, id))
		time.Sleep(time.Microsecond)
	}
	assert.Less(t, s.Len(), 10, "ids older than the retention are pruned, so memory stays bounded")
	r, _ := s.Claim(ctx, "old", "t")
	assert.Equal(t, paykit.ClaimAcquired, r)
}

// flakyCompleteStore is a MemoryDedupStore whose Complete fails while
// failures is above zero.
type flakyCompleteStore struct {
	*paykit.MemoryDedupStore
	failures int
}

func (s *flakyCompleteStore) Complete(ctx context.Context, id string) error {
	if s.failures > 0 {
		s.failures--
		return errors.New("dedup table unavailable")
	}
	return s.MemoryDedupStore.Complete(ctx, id)
}

func TestWebhookReleasesTheClaimWhenCompleteFails(t *testing.T) {
	m := webhookMock(t, &paykit.Event{ID: "evt_c", Type: paykit.EventPaymentCreated, Data: &paykit.Payment{ID: "pay_1"}})
	store := &flakyCompleteStore{MemoryDedupStore: paykit.NewMemoryDedupStore(time.Hour), failures: 1}
	runs := 0
	wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "s", Store: store}).
		On(paykit.EventPaymentCreated, func(context.Context, *paykit.Event) error { runs++; return nil })
	post := func() int {
		r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(`{}`))
		r.Header.Set("X-Sig", "s")
		rec := httptest.NewRecorder()
		wh.ServeHTTP(rec, r)
		return rec.Code
	}
	assert.Equal(t, http.StatusInternalServerError, post(), "an id not recorded asks for redelivery")
	assert.Equal(t, http.StatusOK, post(), "the redelivery is not refused as in flight")
	assert.Equal(t, 2, runs, "the redelivery runs the handlers again")
	assert.Equal(t, http.StatusOK, post())
	assert.Equal(t, 2, runs, "once recorded, the id is skipped")
}

func TestMemoryDedupStoreClaimExpiresAfterTheLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		s := paykit.NewMemoryDedupStore(72 * time.Hour)
		r, _ := s.Claim(ctx, "crashed", "t1")
		require.Equal(t, paykit.ClaimAcquired, r)
		time.Sleep(paykit.DedupLease - time.Second)
		r, _ = s.Claim(ctx, "crashed", "t2")
		assert.Equal(t, paykit.ClaimInFlight, r, "a claim holds for the whole lease")
		time.Sleep(time.Second)
		r, _ = s.Claim(ctx, "crashed", "t3")
		assert.Equal(t, paykit.ClaimAcquired, r, "a claim never completed nor released expires after the lease")
		require.NoError(t, s.Release(ctx, "crashed", "t1"))
		r, _ = s.Claim(ctx, "crashed", "t4")
		assert.Equal(t, paykit.ClaimInFlight, r, "releasing an expired claim leaves the one that replaced it")
		require.NoError(t, s.Release(ctx, "crashed", "t3"))
		r, _ = s.Claim(ctx, "crashed", "t5")
		assert.Equal(t, paykit.ClaimAcquired, r)
	})
}

func TestWebhookHandlersEndBeforeTheClaimLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := webhookMock(t, &paykit.Event{ID: "evt_long", Type: paykit.EventPaymentCreated, Data: &paykit.Payment{ID: "pay_1"}})
		runs := 0
		wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "s"}).
			On(paykit.EventPaymentCreated, func(ctx context.Context, _ *paykit.Event) error {
				if runs++; runs > 1 {
					return nil
				}
				<-ctx.Done() // a handler that waits as long as it is let
				return ctx.Err()
			})
		start := time.Now()
		err := wh.Handle(context.Background(), delivery("s"))
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), paykit.DedupLease, "the handlers' context ends before the claim's lease")
		require.NoError(t, wh.Handle(context.Background(), delivery("s")), "the timed-out run released its claim")
		assert.Equal(t, 2, runs)
	})
}

func TestWebhookLateFailureKeepsTheRedeliverysClaim(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := webhookMock(t, &paykit.Event{ID: "evt_slow", Type: paykit.EventPaymentCreated, Data: &paykit.Payment{ID: "pay_1"}})
		var runs atomic.Int32
		finishFirst, finishSecond := make(chan struct{}), make(chan struct{})
		wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "s"}).
			On(paykit.EventPaymentCreated, func(context.Context, *paykit.Event) error {
				switch runs.Add(1) {
				case 1:
					<-finishFirst // ignores its context, so outlives its claim
					return errors.New("late failure")
				case 2:
					<-finishSecond
				}
				return nil
			})
		first, second := make(chan error), make(chan error)
		go func() { first <- wh.Handle(context.Background(), delivery("s")) }()
		synctest.Wait()
		time.Sleep(paykit.DedupLease)
		go func() { second <- wh.Handle(context.Background(), delivery("s")) }()
		synctest.Wait()
		require.Equal(t, int32(2), runs.Load(), "after the lease a redelivery claims the event")
		close(finishFirst)
		require.Error(t, <-first)
		err := wh.Handle(context.Background(), delivery("s"))
		require.ErrorIs(t, err, paykit.ErrIdempotencyConflict, "the first run's failure did not drop the second run's claim")
		close(finishSecond)
		require.NoError(t, <-second)
		require.NoError(t, wh.Handle(context.Background(), delivery("s")))
		assert.Equal(t, int32(2), runs.Load())
	})
}

func TestWebhookFailureLogCarriesTheHandlersErrorRedacted(t *testing.T) {
	m := webhookMock(t, &paykit.Event{ID: "evt_l", Type: paykit.EventPaymentCreated, Data: &paykit.Payment{ID: "pay_1"}})
	var logs bytes.Buffer
	wh := paykit.New(m).Webhooks.Setup(paykit.WebhookConfig{Secret: "s", Logger: slog.New(slog.NewTextHandler(&logs, nil))}).
		On(paykit.EventPaymentCreated, func(context.Context, *paykit.Event) error {
			return errors.New("orders db timeout saving card 4242424242424242")
		})
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(`{}`))
	r.Header.Set("X-Sig", "s")
	rec := httptest.NewRecorder()
	wh.ServeHTTP(rec, r)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Contains(t, logs.String(), "evt_l")
	assert.Contains(t, logs.String(), "orders db timeout saving card [REDACTED]", "the log says why the handler failed")
	assert.NotContains(t, logs.String(), "4242424242424242")
	assert.NotContains(t, rec.Body.String(), "orders db", "the provider is not told")
}

// canonicalOnly is a provider that reads its headers with Header.Get, as
// most do: it finds only keys in Go's canonical form.
type canonicalOnly struct{ paykit.UnimplementedProvider }

func (canonicalOnly) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{Ops: []paykit.Op{paykit.OpWebhooksHandle}}
}

func (canonicalOnly) ParseWebhook(_ context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	if req.Header.Get("X-Sig") != secret || req.Header.Get("Webhook-Id") == "" {
		return nil, paykit.ErrWebhookSignature
	}
	return []*paykit.Event{{ID: req.Header.Get("Webhook-Id"), Type: paykit.EventCustomerCreated, Data: &paykit.Customer{ID: "cus_1"}}}, nil
}

// TestWebhookHandleAcceptsHeaderKeysInAnyCase: a WebhookRequest built by
// hand (AWS Lambda, API gateways) has keys such as "webhook-id"; Handle
// gives the provider canonical keys, without changing the caller's map.
func TestWebhookHandleAcceptsHeaderKeysInAnyCase(t *testing.T) {
	ran := 0
	wh := paykit.New(canonicalOnly{}).Webhooks.Setup(paykit.WebhookConfig{Secret: "s3cret"}).
		On(paykit.EventCustomerCreated, func(context.Context, *paykit.Event) error { ran++; return nil })
	for i, h := range []http.Header{
		{"webhook-id": {"msg_1"}, "x-sig": {"s3cret"}},
		{"WEBHOOK-ID": {"msg_2"}, "X-SIG": {"s3cret"}},
		{"Webhook-Id": {"msg_3"}, "x-sig": {"s3cret"}},
	} {
		before := len(h)
		require.NoError(t, wh.Handle(context.Background(), &paykit.WebhookRequest{Header: h, Body: []byte(`{}`)}), "headers %v", h)
		assert.Equal(t, i+1, ran)
		assert.Len(t, h, before, "the caller's header map is left as it was")
	}
	// Keys that differ only in case keep all their values, in order.
	h := http.Header{"x-sig": {"s3cret"}, "X-Sig": {"forged"}, "webhook-id": {"msg_4"}}
	err := wh.Handle(context.Background(), &paykit.WebhookRequest{Header: h})
	require.ErrorIs(t, err, paykit.ErrWebhookSignature, "the canonical key's values come first")
}
