package paykittest

import (
	"context"
	"sync/atomic"

	"github.com/paykit-go/paykit"
)

// counting wraps a provider and counts every operation call, so the suite
// can prove that rejected calls never reached the provider. It also tells
// succeeded of every call that returned no error, so the suite can prove
// that each declared operation worked at least once.
type counting struct {
	paykit.Provider
	n         atomic.Int64
	succeeded func(paykit.Op)
}

func (c *counting) calls() int64 { return c.n.Load() }

func (c *counting) done(op paykit.Op, err error) {
	if err == nil && c.succeeded != nil {
		c.succeeded(op)
	}
}

func (c *counting) CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, o *paykit.RequestOptions) (*paykit.Customer, error) {
	c.n.Add(1)
	v, err := c.Provider.CreateCustomer(ctx, p, o)
	c.done(paykit.OpCustomersCreate, err)
	return v, err
}

func (c *counting) RetrieveCustomer(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Customer, error) {
	c.n.Add(1)
	v, err := c.Provider.RetrieveCustomer(ctx, id, o)
	c.done(paykit.OpCustomersRetrieve, err)
	return v, err
}

func (c *counting) UpdateCustomer(ctx context.Context, id string, p *paykit.UpdateCustomerParams, o *paykit.RequestOptions) (*paykit.Customer, error) {
	c.n.Add(1)
	v, err := c.Provider.UpdateCustomer(ctx, id, p, o)
	c.done(paykit.OpCustomersUpdate, err)
	return v, err
}

func (c *counting) DeleteCustomer(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	err := c.Provider.DeleteCustomer(ctx, id, o)
	c.done(paykit.OpCustomersDelete, err)
	return err
}

func (c *counting) ListCustomers(ctx context.Context, p *paykit.ListCustomersParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	c.n.Add(1)
	v, err := c.Provider.ListCustomers(ctx, p, o)
	c.done(paykit.OpCustomersList, err)
	return v, err
}

func (c *counting) CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	c.n.Add(1)
	v, err := c.Provider.CreateCheckout(ctx, p, o)
	c.done(paykit.OpCheckoutsCreate, err)
	return v, err
}

func (c *counting) RetrieveCheckout(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	c.n.Add(1)
	v, err := c.Provider.RetrieveCheckout(ctx, id, o)
	c.done(paykit.OpCheckoutsRetrieve, err)
	return v, err
}

func (c *counting) UpdateCheckout(ctx context.Context, id string, p *paykit.UpdateCheckoutParams, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	c.n.Add(1)
	v, err := c.Provider.UpdateCheckout(ctx, id, p, o)
	c.done(paykit.OpCheckoutsUpdate, err)
	return v, err
}

func (c *counting) DeleteCheckout(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	err := c.Provider.DeleteCheckout(ctx, id, o)
	c.done(paykit.OpCheckoutsDelete, err)
	return err
}

func (c *counting) ListCheckouts(ctx context.Context, p *paykit.ListCheckoutsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	c.n.Add(1)
	v, err := c.Provider.ListCheckouts(ctx, p, o)
	c.done(paykit.OpCheckoutsList, err)
	return v, err
}

func (c *counting) CreateSubscription(ctx context.Context, p *paykit.CreateSubscriptionParams, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	v, err := c.Provider.CreateSubscription(ctx, p, o)
	c.done(paykit.OpSubscriptionsCreate, err)
	return v, err
}

func (c *counting) RetrieveSubscription(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	v, err := c.Provider.RetrieveSubscription(ctx, id, o)
	c.done(paykit.OpSubscriptionsRetrieve, err)
	return v, err
}

func (c *counting) UpdateSubscription(ctx context.Context, id string, p *paykit.UpdateSubscriptionParams, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	v, err := c.Provider.UpdateSubscription(ctx, id, p, o)
	c.done(paykit.OpSubscriptionsUpdate, err)
	return v, err
}

func (c *counting) CancelSubscription(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	v, err := c.Provider.CancelSubscription(ctx, id, o)
	c.done(paykit.OpSubscriptionsCancel, err)
	return v, err
}

func (c *counting) DeleteSubscription(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	err := c.Provider.DeleteSubscription(ctx, id, o)
	c.done(paykit.OpSubscriptionsDelete, err)
	return err
}

func (c *counting) ListSubscriptions(ctx context.Context, p *paykit.ListSubscriptionsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	c.n.Add(1)
	v, err := c.Provider.ListSubscriptions(ctx, p, o)
	c.done(paykit.OpSubscriptionsList, err)
	return v, err
}

func (c *counting) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	v, err := c.Provider.CreatePayment(ctx, p, o)
	c.done(paykit.OpPaymentsCreate, err)
	return v, err
}

func (c *counting) RetrievePayment(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	v, err := c.Provider.RetrievePayment(ctx, id, o)
	c.done(paykit.OpPaymentsRetrieve, err)
	return v, err
}

func (c *counting) UpdatePayment(ctx context.Context, id string, p *paykit.UpdatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	v, err := c.Provider.UpdatePayment(ctx, id, p, o)
	c.done(paykit.OpPaymentsUpdate, err)
	return v, err
}

func (c *counting) CapturePayment(ctx context.Context, id string, p *paykit.CapturePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	v, err := c.Provider.CapturePayment(ctx, id, p, o)
	c.done(paykit.OpPaymentsCapture, err)
	return v, err
}

func (c *counting) CancelPayment(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	v, err := c.Provider.CancelPayment(ctx, id, o)
	c.done(paykit.OpPaymentsCancel, err)
	return v, err
}

func (c *counting) DeletePayment(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	err := c.Provider.DeletePayment(ctx, id, o)
	c.done(paykit.OpPaymentsDelete, err)
	return err
}

func (c *counting) ListPayments(ctx context.Context, p *paykit.ListPaymentsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	c.n.Add(1)
	v, err := c.Provider.ListPayments(ctx, p, o)
	c.done(paykit.OpPaymentsList, err)
	return v, err
}

func (c *counting) CreateRefund(ctx context.Context, p *paykit.CreateRefundParams, o *paykit.RequestOptions) (*paykit.Refund, error) {
	c.n.Add(1)
	v, err := c.Provider.CreateRefund(ctx, p, o)
	c.done(paykit.OpRefundsCreate, err)
	return v, err
}

func (c *counting) RetrieveRefund(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Refund, error) {
	c.n.Add(1)
	v, err := c.Provider.RetrieveRefund(ctx, id, o)
	c.done(paykit.OpRefundsRetrieve, err)
	return v, err
}

func (c *counting) ListRefunds(ctx context.Context, p *paykit.ListRefundsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	c.n.Add(1)
	v, err := c.Provider.ListRefunds(ctx, p, o)
	c.done(paykit.OpRefundsList, err)
	return v, err
}

func (c *counting) RetrieveInvoice(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Invoice, error) {
	c.n.Add(1)
	v, err := c.Provider.RetrieveInvoice(ctx, id, o)
	c.done(paykit.OpInvoicesRetrieve, err)
	return v, err
}

func (c *counting) ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	c.n.Add(1)
	v, err := c.Provider.ListInvoices(ctx, p, o)
	c.done(paykit.OpInvoicesList, err)
	return v, err
}

func (c *counting) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	c.n.Add(1)
	v, err := c.Provider.ParseWebhook(ctx, req, secret)
	c.done(paykit.OpWebhooksHandle, err)
	return v, err
}
