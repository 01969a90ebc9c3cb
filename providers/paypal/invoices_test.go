package paypal

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

func TestInvoicesFromTransactions(t *testing.T) {
	f := newFake(t)
	store := paykit.NewMemoryCustomerStore()
	ctx := context.Background()
	ada, err := store.Create(ctx, &paykit.CreateCustomerParams{Email: "ada@example.com"}, "")
	require.NoError(t, err)
	p := f.provider(WithCustomerStore(store)).(*provider)
	// Three months from now, so that the renewals the fake bills at their
	// next_billing_time are in the past.
	p.now = func() time.Time { return time.Now().AddDate(0, 3, 0) }
	c := paykit.New(p)

	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(ada.ID), ItemID: monthlyPlan, Quantity: 2,
		Metadata: map[string]string{"plan": "pro"}})
	require.NoError(t, err)
	page, err := c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
	require.NoError(t, err)
	assert.Empty(t, page.Data, "nothing paid before approval")

	f.approve(sub.ID)             // the first cycle, paid
	f.charge(sub.ID, "DECLINED")  // the second, declined
	f.charge(sub.ID, "COMPLETED") // and paid on the retry
	var invs []*paykit.Invoice
	for inv, err := range c.Invoices.List(ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID}) {
		require.NoError(t, err)
		invs = append(invs, inv)
	}
	require.Len(t, invs, 3)
	first, declined, retry := invs[2], invs[1], invs[0] // newest first... of equal times, by id
	if declined.Status != paykit.InvoiceVoid {
		declined, retry = retry, declined
	}
	assert.Equal(t, paykit.InvoicePaid, first.Status)
	assert.Equal(t, int64(2000), first.AmountPaid, "2 units of 10.00 USD")
	assert.Equal(t, "USD", first.Currency)
	require.NotNil(t, first.PaidAt)
	assert.Equal(t, sub.CurrentPeriodStart, *first.PaidAt)
	assert.Equal(t, paykit.BillingRecurring, first.BillingMode)
	assert.Equal(t, sub.ID, first.SubscriptionID)
	assert.Equal(t, paykit.CustomerID(ada.ID), first.Customer)
	assert.Equal(t, map[string]string{"plan": "pro"}, first.Metadata)
	assert.Equal(t, []paykit.LineItem{{ID: monthlyPlan, Quantity: 2}}, first.LineItems)
	assert.True(t, strings.HasPrefix(first.ID, sub.ID+":"), first.ID)
	assert.Empty(t, first.PaymentID)

	assert.Equal(t, paykit.InvoiceVoid, declined.Status)
	assert.Zero(t, declined.AmountPaid)
	assert.Nil(t, declined.PaidAt)
	assert.Equal(t, paykit.InvoicePaid, retry.Status)
	assert.Equal(t, sub.CurrentPeriodEnd, *retry.PaidAt, "the second cycle")

	// The window asked for is the subscription's life.
	calls := f.srv.Calls("subscriptions.transactions")
	last := calls[len(calls)-1].Query
	from, _ := time.Parse(time.RFC3339, last.Get("start_time"))
	to, _ := time.Parse(time.RFC3339, last.Get("end_time"))
	assert.Equal(t, sub.CreatedAt.Add(-transactionsMargin), from)
	assert.WithinDuration(t, p.now().Add(transactionsMargin), to, time.Minute)

	for _, inv := range invs {
		got, err := c.Invoices.Retrieve(ctx, inv.ID)
		require.NoError(t, err)
		assert.Equal(t, inv.ID, got.ID)
		assert.Equal(t, inv.Status, got.Status)
		assert.Equal(t, inv.AmountPaid, got.AmountPaid)
	}

	// Pages of one.
	var ids []string
	params := &paykit.ListInvoicesParams{SubscriptionID: sub.ID, ListParams: paykit.ListParams{Limit: 1}}
	for {
		page, err := c.Invoices.ListPage(ctx, params)
		require.NoError(t, err)
		require.Len(t, page.Data, 1)
		ids = append(ids, page.Data[0].ID)
		if !page.HasMore {
			break
		}
		params.Cursor = page.NextCursor
	}
	assert.Equal(t, []string{invs[0].ID, invs[1].ID, invs[2].ID}, ids)

	// Another customer's filter keeps none.
	page, err = c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID, CustomerID: "cus_other"})
	require.NoError(t, err)
	assert.Empty(t, page.Data)
	page, err = c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID, CustomerID: ada.ID})
	require.NoError(t, err)
	assert.Len(t, page.Data, 3)
	assert.Empty(t, f.srv.Violations())
}

func TestInvoiceRefusals(t *testing.T) {
	f := newFake(t)
	c := paykit.New(f.provider())
	ctx := context.Background()

	_, err := c.Invoices.ListPage(ctx, nil)
	requireCode(t, err, paykit.CodeValidation, "subscription_id")
	_, err = c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{CustomerID: "cus_1"})
	requireCode(t, err, paykit.CodeValidation, "subscription_id")
	_, err = c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{SubscriptionID: "I-NOSUCHSUB000"})
	requireCode(t, err, paykit.CodeNotFound, "subscription_id")
	_, err = c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{SubscriptionID: "I-NOSUCHSUB000", ListParams: paykit.ListParams{Cursor: "x"}})
	requireCode(t, err, paykit.CodeValidation, "cursor")

	for _, id := range []string{"NOCOLON", "I-NOSUCHSUB000:TXN", ":TXN", "I-X:"} {
		_, err := c.Invoices.Retrieve(ctx, id)
		assert.ErrorIs(t, err, paykit.ErrNotFound, id)
	}
	sub, err := c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerEmail("grace@example.com"), ItemID: yearlyPlan})
	require.NoError(t, err)
	f.approve(sub.ID)
	_, err = c.Invoices.Retrieve(ctx, sub.ID+":NOSUCHTXN")
	assert.ErrorIs(t, err, paykit.ErrNotFound)

	// An email payee's invoices name the payer's email; JPY has no decimals.
	page, err := c.Invoices.ListPage(ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, paykit.CustomerEmail("grace@example.com"), page.Data[0].Customer)
	assert.Equal(t, int64(12000), page.Data[0].AmountPaid)
	assert.Equal(t, "JPY", page.Data[0].Currency)
}
