package paykit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/paykitmock"
)

var any3 = []any{mock.Anything, mock.Anything, mock.Anything}

func TestNewWithNilProviderNeverPanics(t *testing.T) {
	client := paykit.New(nil)
	_, err := client.Customers.Create(context.Background(), &paykit.CreateCustomerParams{Email: "a@example.com"})
	assert.ErrorIs(t, err, paykit.ErrConfiguration)
	assert.ErrorIs(t, client.Customers.Delete(context.Background(), "cus_1"), paykit.ErrConfiguration)
	assert.False(t, client.Supports(paykit.OpCustomersCreate))
	err = client.Webhooks.Setup(paykit.WebhookConfig{Secret: "s"}).Handle(context.Background(), &paykit.WebhookRequest{})
	assert.ErrorIs(t, err, paykit.ErrConfiguration)
}

func TestInvalidInputNeverReachesTheProvider(t *testing.T) {
	m := paykitmock.New(t) // no expectations: any call fails the test
	client := paykit.New(m)
	ctx := context.Background()
	cases := []struct {
		name  string
		param string
		call  func() error
	}{
		{"nil customer params", "params", func() error { _, err := client.Customers.Create(ctx, nil); return err }},
		{"email without domain", "email", func() error {
			_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "user@"})
			return err
		}},
		{"empty retrieve id", "id", func() error { _, err := client.Customers.Retrieve(ctx, ""); return err }},
		{"update nil params", "params", func() error { _, err := client.Customers.Update(ctx, "cus_1", nil); return err }},
		{"checkout both payee forms", "customer", func() error {
			_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.Payee{ID: "cus_1", Email: "a@example.com"}, ItemID: "price_1", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://e.com"})
			return err
		}},
		{"subscription on a one-time checkout", "subscription", func() error {
			_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_1", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://e.com", Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalMonth}})
			return err
		}},
		{"url without host", "success_url", func() error {
			_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID("cus_1"), ItemID: "price_1", SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https:///x"})
			return err
		}},
		{"idempotency key too long", "idempotency_key", func() error {
			_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, paykit.WithIdempotencyKey(strings.Repeat("k", 256)))
			return err
		}},
		{"nil context", "ctx", func() error {
			//lint:ignore SA1012 testing the nil-context guard
			_, err := client.Customers.Retrieve(nil, "cus_1") //nolint:staticcheck
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			require.ErrorIs(t, err, paykit.ErrValidation)
			pe, _ := paykit.AsError(err)
			assert.Equal(t, c.param, pe.Param)
			assert.Equal(t, "mock", pe.Provider)
			assert.NotEmpty(t, pe.Op)
		})
	}
}

func TestValidInputIsAccepted(t *testing.T) {
	m := paykitmock.New(t)
	m.On("CreateCheckout", any3...).Return(&paykit.Checkout{ID: "cs_1"}, nil)
	m.On("CreatePayment", any3...).Return(&paykit.Payment{ID: "pay_1"}, nil)
	client := paykit.New(m)
	ctx := context.Background()
	_, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("jane.doe+shop@example.co.uk"), ItemID: "price_1", SessionType: paykit.SessionRecurring, Quantity: 1,
		SuccessURL: "https://example.com/success?session={CHECKOUT_ID}", CancelURL: "http://localhost:8080/cancel",
		Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.CustomInterval(36 * time.Hour), BillingIntervalCount: 2},
	})
	require.NoError(t, err)
	_, err = client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 0, Currency: "kwd", Customer: paykit.CustomerID("cus_1")})
	require.NoError(t, err, "lower-case ISO codes and zero amounts are valid")
}

func TestIdempotencyKeys(t *testing.T) {
	m := paykitmock.New(t)
	var keys []string
	m.On("CreateCustomer", any3...).Run(func(args mock.Arguments) {
		keys = append(keys, args.Get(2).(*paykit.RequestOptions).IdempotencyKey)
	}).Return(&paykit.Customer{ID: "cus_1"}, nil)
	m.On("RetrieveCustomer", any3...).Run(func(args mock.Arguments) {
		assert.Empty(t, args.Get(2).(*paykit.RequestOptions).IdempotencyKey, "reads carry no key")
	}).Return(&paykit.Customer{ID: "cus_1"}, nil)
	client := paykit.New(m)
	ctx := context.Background()
	params := &paykit.CreateCustomerParams{Email: "a@example.com"}
	for range 2 {
		_, err := client.Customers.Create(ctx, params)
		require.NoError(t, err)
	}
	_, err := client.Customers.Create(ctx, params, paykit.WithIdempotencyKey("order-42"))
	require.NoError(t, err)
	_, err = client.Customers.Retrieve(ctx, "cus_1")
	require.NoError(t, err)
	require.Len(t, keys, 3)
	assert.NotEmpty(t, keys[0])
	assert.NotEqual(t, keys[0], keys[1], "generated keys are unique per call")
	assert.Equal(t, "order-42", keys[2])

	gen := paykit.New(m, paykit.WithIdempotencyKeyGenerator(func() string { return "fixed" }))
	_, err = gen.Customers.Create(ctx, params)
	require.NoError(t, err)
	assert.Equal(t, "fixed", keys[3])
}

func TestIdempotencyKeyOnAProviderWithoutKeysIsRefused(t *testing.T) {
	m := paykitmock.New(t)
	m.Caps = &paykit.Capabilities{Ops: paykit.AllOps(), IdempotencyKeys: false}
	m.On("CreatePayment", any3...).Return(&paykit.Payment{ID: "pay_1"}, nil).Once()
	m.On("RetrievePayment", any3...).Return(&paykit.Payment{ID: "pay_1"}, nil).Once()
	client := paykit.New(m)
	ctx := context.Background()
	params := &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID("cus_1")}
	_, err := client.Payments.Create(ctx, params, paykit.WithIdempotencyKey("order-42"))
	require.ErrorIs(t, err, paykit.ErrNotSupported, "a key the provider would drop must not be accepted silently")
	pe, _ := paykit.AsError(err)
	assert.Equal(t, "idempotency_key", pe.Param)
	_, err = client.Payments.Create(ctx, params)
	require.NoError(t, err, "without a caller key the write goes through")
	_, err = client.Payments.Retrieve(ctx, "pay_1", paykit.WithIdempotencyKey("ignored on reads"))
	require.NoError(t, err)
}

func TestUnsupportedOperationIsRefusedBeforeTheProvider(t *testing.T) {
	m := paykitmock.New(t)
	m.Caps = &paykit.Capabilities{Ops: []paykit.Op{paykit.OpCustomersRetrieve}}
	client := paykit.New(m)
	assert.True(t, client.Supports(paykit.OpCustomersRetrieve))
	assert.False(t, client.Supports(paykit.OpCheckoutsDelete))
	err := client.Checkouts.Delete(context.Background(), "cs_1")
	require.ErrorIs(t, err, paykit.ErrNotSupported)
	pe, _ := paykit.AsError(err)
	assert.Equal(t, paykit.OpCheckoutsDelete, pe.Op)
	assert.Equal(t, []paykit.Op{paykit.OpCustomersRetrieve}, client.Capabilities().Ops)
}

type nativeError struct{ code string }

func (e *nativeError) Error() string { return "native: " + e.code }

func TestProviderErrorsAreWrapped(t *testing.T) {
	native := &nativeError{"card_declined"}
	m := paykitmock.New(t)
	m.On("CreatePayment", any3...).Return(nil, &paykit.Error{Code: paykit.CodeCardDeclined, DeclineCode: "insufficient_funds", StatusCode: 402, Err: native}).Once()
	m.On("RetrievePayment", mock.Anything, "plain", mock.Anything).Return(nil, errors.New("boom"))
	m.On("RetrievePayment", mock.Anything, "sentinel", mock.Anything).Return(nil, paykit.ErrNotFound)
	m.On("RetrievePayment", mock.Anything, "nilnil", mock.Anything).Return(nil, nil)
	m.On("RetrievePayment", mock.Anything, "wrapped", mock.Anything).Return(nil, fmt.Errorf("context: %w", &paykit.Error{Code: paykit.CodeRateLimited, RetryAfter: time.Second, Retryable: true}))
	client := paykit.New(m)
	ctx := context.Background()

	_, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID("cus_1")})
	require.ErrorIs(t, err, paykit.ErrCardDeclined)
	var got *nativeError
	require.ErrorAs(t, err, &got, "the native error stays reachable")
	pe, _ := paykit.AsError(err)
	assert.Equal(t, "mock", pe.Provider)
	assert.Equal(t, paykit.OpPaymentsCreate, pe.Op)
	assert.Equal(t, "insufficient_funds", pe.DeclineCode)
	assert.Contains(t, err.Error(), "insufficient_funds")

	_, err = client.Payments.Retrieve(ctx, "plain")
	require.Error(t, err)
	pe, ok := paykit.AsError(err)
	require.True(t, ok)
	assert.Equal(t, paykit.CodeOperationFailed, pe.Code)

	_, err = client.Payments.Retrieve(ctx, "sentinel")
	require.ErrorIs(t, err, paykit.ErrNotFound)
	assert.Empty(t, paykit.ErrNotFound.Provider, "a sentinel returned by a provider is never modified")

	pay, err := client.Payments.Retrieve(ctx, "nilnil")
	assert.Nil(t, pay)
	require.ErrorIs(t, err, paykit.ErrNotFound, "(nil, nil) from a provider becomes ErrNotFound")

	_, err = client.Payments.Retrieve(ctx, "wrapped")
	require.ErrorIs(t, err, paykit.ErrRateLimited)
	assert.True(t, paykit.IsRetryable(err))
	pe, _ = paykit.AsError(err)
	assert.Equal(t, time.Second, pe.RetryAfter)
	assert.Equal(t, "mock", pe.Provider)
}

func TestContextAndTimeout(t *testing.T) {
	m := paykitmock.New(t)
	m.On("RetrieveCustomer", any3...).Run(func(args mock.Arguments) {
		_, ok := args.Get(0).(context.Context).Deadline()
		assert.True(t, ok, "WithTimeout sets a deadline")
	}).Return(&paykit.Customer{ID: "cus_1"}, nil).Once()
	m.On("RetrieveCustomer", any3...).Return(nil, context.DeadlineExceeded).Once()
	client := paykit.New(m)
	_, err := client.Customers.Retrieve(context.Background(), "cus_1", paykit.WithTimeout(time.Second))
	require.NoError(t, err)
	_, err = client.Customers.Retrieve(context.Background(), "cus_1")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, paykit.ErrNetwork)
	assert.False(t, paykit.IsRetryable(err), "a timed-out write may have been applied")
	assert.Equal(t, paykit.ContextError(context.DeadlineExceeded).Message, err.(*paykit.Error).Message)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = client.Customers.Retrieve(ctx, "cus_1")
	require.ErrorIs(t, err, context.Canceled, "a canceled context never reaches the provider")
}

func page(next string, more bool, ids ...string) *paykit.Page[paykit.Customer] {
	p := &paykit.Page[paykit.Customer]{HasMore: more, NextCursor: next}
	for _, id := range ids {
		p.Data = append(p.Data, &paykit.Customer{ID: id})
	}
	return p
}

func cursorIs(c string) any {
	return mock.MatchedBy(func(p *paykit.ListCustomersParams) bool { return p.Cursor == c })
}

func TestListIteratesEveryPage(t *testing.T) {
	m := paykitmock.New(t)
	m.On("ListCustomers", mock.Anything, cursorIs(""), mock.Anything).Return(page("c2", true, "cus_1", "cus_2"), nil)
	m.On("ListCustomers", mock.Anything, cursorIs("c2"), mock.Anything).Return(page("", false, "cus_3"), nil)
	client := paykit.New(m)
	params := &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 2}}
	var ids []string
	for c, err := range client.Customers.List(context.Background(), params) {
		require.NoError(t, err)
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []string{"cus_1", "cus_2", "cus_3"}, ids)
	assert.Empty(t, params.Cursor, "the caller's params are not changed")

	one, err := client.Customers.ListPage(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "c2", one.NextCursor)

	m.AssertNumberOfCalls(t, "ListCustomers", 3)
	for range client.Customers.List(context.Background(), nil) {
		break // stopping early fetches no further page
	}
	m.AssertNumberOfCalls(t, "ListCustomers", 4)

	seq := client.Customers.List(context.Background(), params)
	for range 2 {
		n := 0
		for _, err := range seq {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 3, n, "every range over the same iterator starts from the first page")
	}
}

func TestListStopsOnAStuckCursor(t *testing.T) {
	m := paykitmock.New(t)
	m.On("ListCustomers", mock.Anything, cursorIs(""), mock.Anything).Return(page("same", true, "cus_1"), nil)
	m.On("ListCustomers", mock.Anything, cursorIs("same"), mock.Anything).Return(page("same", true, "cus_2"), nil)
	client := paykit.New(m)
	var errs []error
	n := 0
	for _, err := range client.Customers.List(context.Background(), nil) {
		n++
		if err != nil {
			errs = append(errs, err)
		}
		require.Less(t, n, 10, "iteration must end")
	}
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "cursor")
}

func TestListStopsWhenTheCursorComesBackToTheStart(t *testing.T) {
	m := paykitmock.New(t)
	m.On("ListCustomers", mock.Anything, cursorIs("c1"), mock.Anything).Return(page("c1", true, "cus_1"), nil)
	client := paykit.New(m)
	params := &paykit.ListCustomersParams{ListParams: paykit.ListParams{Cursor: "c1"}}
	var ids []string
	var errs []error
	for c, err := range client.Customers.List(context.Background(), params) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, c.ID)
		require.Less(t, len(ids), 10, "iteration must end")
	}
	assert.Equal(t, []string{"cus_1"}, ids, "the starting page is not yielded again")
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "cursor")
}

// TestListFollowsEmptyPages: a provider that filters on its side answers
// long runs of empty pages that claim more (Stripe subscriptions by
// status); List follows them to the items after, and a provider that
// never stops is ended by the context.
func TestListFollowsEmptyPages(t *testing.T) {
	calls := 0
	pg := &paykit.Page[paykit.Customer]{}
	m := paykitmock.New(t)
	m.On("ListCustomers", mock.Anything, mock.Anything, mock.Anything).Return(pg, nil).Run(func(mock.Arguments) {
		if calls++; calls <= 1000 {
			*pg = paykit.Page[paykit.Customer]{HasMore: true, NextCursor: "c" + strconv.Itoa(calls)}
		} else {
			*pg = paykit.Page[paykit.Customer]{Data: []*paykit.Customer{{ID: "cus_late"}}}
		}
	})
	var ids []string
	for cus, err := range paykit.New(m).Customers.List(context.Background(), nil) {
		require.NoError(t, err)
		ids = append(ids, cus.ID)
	}
	assert.Equal(t, []string{"cus_late"}, ids)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls = 0
	m = paykitmock.New(t)
	m.On("ListCustomers", mock.Anything, mock.Anything, mock.Anything).Return(pg, nil).Run(func(mock.Arguments) {
		if calls++; calls == 500 {
			cancel()
		}
		*pg = paykit.Page[paykit.Customer]{HasMore: true, NextCursor: "c" + strconv.Itoa(calls)}
	})
	var errs []error
	for _, err := range paykit.New(m).Customers.List(ctx, nil) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], context.Canceled)
}

func TestErrorsAndLogsCarryNoSecrets(t *testing.T) {
	const key = "sk_test_51HqLyjWDarjtT1zdp7dcXYZ1234567890"
	const card = "4242 4242 4242 4242"
	m := paykitmock.New(t)
	m.On("RetrieveCustomer", any3...).Return(nil, &paykit.Error{
		Code:    paykit.CodeAuthentication,
		Message: "Invalid API Key provided: " + key + "; card " + card + "; header Bearer polar_oat_abcdefghijklmnop; secret whsec_abcdefghijkl",
		Err:     errors.New("raw " + key),
	})
	var logs bytes.Buffer
	client := paykit.New(m, paykit.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := client.Customers.Retrieve(context.Background(), "cus_1")
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	for _, out := range []string{err.Error(), logs.String()} {
		for _, secret := range []string{key, "4242 4242 4242 4242", "polar_oat_abcdefghijklmnop", "whsec_abcdefghijkl"} {
			assert.NotContains(t, out, secret)
		}
		assert.Contains(t, out, "[REDACTED]")
	}
	assert.Contains(t, logs.String(), "customers.retrieve")
}

func TestMockRejectsAValueWhereAPointerBelongs(t *testing.T) {
	m := paykitmock.New(t)
	m.On("RetrieveCustomer", any3...).Return(paykit.Customer{ID: "cus_1"}, nil)
	client := paykit.New(m)
	assert.PanicsWithValue(t, "paykitmock: Provider: Return(paykit.Customer, ...) where *paykit.Customer was expected", func() {
		_, _ = client.Customers.Retrieve(context.Background(), "cus_1")
	})
}

// TestUnknownOutcomeOfAWrite holds the one answer every provider gives for
// a write that may have been applied: OutcomeUnknown, the key it was sent
// with, and Retryable only when a retry carries that same key.
func TestUnknownOutcomeOfAWrite(t *testing.T) {
	lost := func() error {
		return &paykit.Error{Code: paykit.CodeNetwork, Message: "connection reset", Retryable: true, OutcomeUnknown: true}
	}
	params := &paykit.CreateRefundParams{PaymentID: "pay_1", Amount: 100}
	ctx := context.Background()

	t.Run("generated key", func(t *testing.T) {
		m := paykitmock.New(t)
		m.On("CreateRefund", any3...).Return(nil, lost()).Once()
		client := paykit.New(m, paykit.WithIdempotencyKeyGenerator(func() string { return "gen-key-1" }))
		_, err := client.Refunds.Create(ctx, params)
		pe, ok := paykit.AsError(err)
		require.True(t, ok)
		assert.True(t, pe.OutcomeUnknown)
		assert.Equal(t, "gen-key-1", pe.IdempotencyKey)
		assert.False(t, pe.Retryable, "a retry through the Client would carry a new key")
		assert.Contains(t, pe.Error(), `paykit.WithIdempotencyKey("gen-key-1")`)
		assert.Equal(t, paykit.CodeNetwork, pe.Code)
	})
	t.Run("caller's key", func(t *testing.T) {
		m := paykitmock.New(t)
		m.On("CreateRefund", any3...).Return(nil, lost()).Once()
		_, err := paykit.New(m).Refunds.Create(ctx, params, paykit.WithIdempotencyKey("order-7"))
		pe, _ := paykit.AsError(err)
		require.NotNil(t, pe)
		assert.True(t, pe.OutcomeUnknown)
		assert.Equal(t, "order-7", pe.IdempotencyKey)
		assert.True(t, pe.Retryable, "the same key makes the retry safe")
	})
	t.Run("provider without keys", func(t *testing.T) {
		m := paykitmock.New(t)
		m.Caps = &paykit.Capabilities{Ops: paykit.AllOps()}
		m.On("CreateRefund", any3...).Return(nil, lost()).Once()
		_, err := paykit.New(m).Refunds.Create(ctx, params)
		pe, _ := paykit.AsError(err)
		require.NotNil(t, pe)
		assert.True(t, pe.OutcomeUnknown)
		assert.Empty(t, pe.IdempotencyKey, "a key the provider ignores protects nothing")
		assert.False(t, pe.Retryable)
		assert.Contains(t, pe.Message, "check before repeating it")
	})
	t.Run("write ended by its deadline", func(t *testing.T) {
		m := paykitmock.New(t)
		m.On("CreateRefund", any3...).Return(nil, context.DeadlineExceeded).Twice()
		client := paykit.New(m)
		_, err := client.Refunds.Create(ctx, params)
		pe, _ := paykit.AsError(err)
		require.NotNil(t, pe)
		assert.True(t, pe.OutcomeUnknown)
		assert.NotEmpty(t, pe.IdempotencyKey)
		assert.False(t, pe.Retryable)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		_, err = client.Refunds.Create(ctx, params, paykit.WithIdempotencyKey("order-8"))
		assert.True(t, paykit.IsRetryable(err), "with the caller's key a timed-out write may be retried")
	})
	t.Run("a known failure and a read stay as they are", func(t *testing.T) {
		m := paykitmock.New(t)
		m.On("CreateRefund", any3...).Return(nil, &paykit.Error{Code: paykit.CodeInvalidState, Message: "already refunded"}).Once()
		m.On("RetrieveRefund", any3...).Return(nil, lost()).Once()
		client := paykit.New(m)
		_, err := client.Refunds.Create(ctx, params)
		pe, _ := paykit.AsError(err)
		require.NotNil(t, pe)
		assert.False(t, pe.OutcomeUnknown)
		assert.Equal(t, "already refunded", pe.Message)
		_, err = client.Refunds.Retrieve(ctx, "re_1")
		pe, _ = paykit.AsError(err)
		require.NotNil(t, pe)
		assert.True(t, pe.Retryable, "a read is always safe to repeat")
		assert.Equal(t, "connection reset", pe.Message)
	})
}
