package paykit_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/paykitmock"
)

func TestPayeeJSON(t *testing.T) {
	for _, c := range []struct {
		payee paykit.Payee
		wire  string
	}{
		{paykit.CustomerID("cus_123"), `"cus_123"`},
		{paykit.CustomerEmail("user@example.com"), `{"email":"user@example.com"}`},
		{paykit.Payee{}, `null`},
	} {
		b, err := json.Marshal(c.payee)
		require.NoError(t, err)
		assert.JSONEq(t, c.wire, string(b))
		var back paykit.Payee
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, c.payee, back)
	}
	var p paykit.Payee
	assert.Error(t, json.Unmarshal([]byte(`42`), &p))
}

func TestBillingIntervalJSON(t *testing.T) {
	for _, c := range []struct {
		interval paykit.BillingInterval
		wire     string
	}{
		{paykit.IntervalDay, `"day"`},
		{paykit.IntervalWeek, `"week"`},
		{paykit.IntervalMonth, `"month"`},
		{paykit.IntervalYear, `"year"`},
		{paykit.CustomInterval(36 * time.Hour), `{"type":"custom","durationMs":129600000}`},
		{paykit.BillingInterval{}, `null`},
	} {
		b, err := json.Marshal(c.interval)
		require.NoError(t, err)
		assert.JSONEq(t, c.wire, string(b))
		var back paykit.BillingInterval
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, c.interval, back)
	}
	for _, bad := range []string{`"fortnight"`, `"custom"`, `{"type":"weekly","durationMs":5}`, `{"type":"custom","durationMs":0}`, `7`} {
		var b paykit.BillingInterval
		assert.Error(t, json.Unmarshal([]byte(bad), &b), bad)
	}
	d, ok := paykit.CustomInterval(time.Hour).Duration()
	assert.True(t, ok)
	assert.Equal(t, time.Hour, d)
	_, ok = paykit.IntervalMonth.Duration()
	assert.False(t, ok)
	start := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), paykit.IntervalMonth.AddTo(start, 1), "clamped to the month's last day")
	assert.Equal(t, time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), paykit.IntervalMonth.AddTo(start, 2))
	assert.Equal(t, time.Date(2028, 2, 29, 9, 30, 0, 0, time.UTC), paykit.IntervalYear.AddTo(time.Date(2027, 2, 28, 9, 30, 0, 0, time.UTC), 1).AddDate(0, 0, 1))
	assert.Equal(t, time.Date(2029, 2, 28, 0, 0, 0, 0, time.UTC), paykit.IntervalYear.AddTo(time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), 1), "leap day + 1 year")
	assert.Equal(t, time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC), paykit.IntervalMonth.AddTo(time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC), -2), "negative counts go back")
	assert.Equal(t, start.AddDate(0, 0, 14), paykit.IntervalWeek.AddTo(start, 2))
	assert.Equal(t, start.Add(72*time.Hour), paykit.CustomInterval(36*time.Hour).AddTo(start, 2))
}

func TestResourceWireNames(t *testing.T) {
	paid := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	inv := paykit.Invoice{ID: "in_1", Customer: paykit.CustomerID("cus_1"), BillingMode: paykit.BillingRecurring, AmountPaid: 1000, Currency: "USD",
		Status: paykit.InvoicePaid, PaidAt: &paid, LineItems: []paykit.LineItem{{ID: "price_1", Quantity: 2}}, SubscriptionID: "sub_1", Raw: "native"}
	b, err := json.Marshal(inv)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"id", "customer", "subscription_id", "billing_mode", "amount_paid", "currency", "status", "paid_at", "line_items", "metadata"} {
		assert.Contains(t, m, k)
	}
	assert.NotContains(t, string(b), "native", "Raw is never serialized")
	assert.Equal(t, "cus_1", m["customer"])
}

func TestEventJSONRoundTripTypesData(t *testing.T) {
	created := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cases := []*paykit.Event{
		{ID: "evt_1", Type: paykit.EventPaymentUpdated, Provider: "local", Created: created, Data: &paykit.Payment{ID: "pay_1", Amount: 500, Currency: "JPY", Customer: paykit.CustomerID("cus_1"), CreatedAt: created}},
		{ID: "evt_2", Type: paykit.EventSubscriptionCanceled, Provider: "local", Created: created, Data: &paykit.Subscription{ID: "sub_1", BillingInterval: paykit.IntervalMonth, CreatedAt: created}},
		{ID: "evt_3", Type: paykit.EventInvoiceGenerated, Provider: "local", Created: created, Data: &paykit.Invoice{ID: "in_1", CreatedAt: created}},
		{ID: "evt_4", Type: paykit.EventUnknown, NativeType: "charge.dispute.created", Provider: "stripe", Created: created, Data: json.RawMessage(`{"id":"dp_1"}`)},
	}
	for _, e := range cases {
		b, err := json.Marshal(e)
		require.NoError(t, err)
		var back paykit.Event
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, e, &back, string(e.Type))
	}
	var bad paykit.Event
	assert.Error(t, json.Unmarshal([]byte(`{"id":"evt","type":"payment.updated","data":null}`), &bad))
}

func TestFormatAmount(t *testing.T) {
	for in, want := range map[struct {
		n int64
		c string
	}]string{{2500, "USD"}: "USD 25.00", {500, "JPY"}: "JPY 500", {1500, "KWD"}: "KWD 1.500", {5, "eur"}: "EUR 0.05", {7, "XYZ"}: "7 XYZ",
		// ISO 4217's exponent, not CLDR's cash digits.
		{150000, "IDR"}: "IDR 1500.00", {1500, "IQD"}: "IQD 1.500", {250, "VES"}: "VES 2.50"} {
		assert.Equal(t, want, paykit.FormatAmount(in.n, in.c))
	}
}

func TestParseInterval(t *testing.T) {
	for name, want := range map[string]paykit.BillingInterval{"day": paykit.IntervalDay, "week": paykit.IntervalWeek, "month": paykit.IntervalMonth, "year": paykit.IntervalYear} {
		got, ok := paykit.ParseInterval(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, got)
		assert.Equal(t, name, got.Unit())
	}
	for _, bad := range []string{"", "custom", "Month", "fortnight"} {
		_, ok := paykit.ParseInterval(bad)
		assert.False(t, ok, bad)
	}
}

// TestCurrencies: payments take active ISO 4217 currencies, and nothing
// else reaches the provider.
func TestCurrencies(t *testing.T) {
	ctx := context.Background()
	for _, code := range []string{"HRK", "VEF", "MRO", "XTS", "XXX", "XAU", "ABC"} {
		m := paykitmock.New(t) // no expectations: any call fails the test
		_, err := paykit.New(m).Payments.Create(ctx, &paykit.CreatePaymentParams{Customer: paykit.CustomerID("cus_1"), Amount: 100, Currency: code})
		pe, ok := paykit.AsError(err)
		require.True(t, ok, code)
		assert.Equal(t, paykit.CodeValidation, pe.Code, code)
		assert.Equal(t, "currency", pe.Param, code)
	}
	for _, code := range []string{"MRU", "VES", "SLE", "ZWG", "IDR"} {
		m := paykitmock.New(t)
		m.On("CreatePayment", mock.Anything, mock.Anything, mock.Anything).Return(&paykit.Payment{ID: "pay_1", Currency: code}, nil).Once()
		_, err := paykit.New(m).Payments.Create(ctx, &paykit.CreatePaymentParams{Customer: paykit.CustomerID("cus_1"), Amount: 100, Currency: code})
		require.NoError(t, err, code)
	}
}
