package paykittest

import (
	"context"
	"sync/atomic"

	"github.com/paykit-go/paykit"
)

// counting wraps a provider and counts every operation call, so the suite
// can prove that rejected calls never reached the provider.
type counting struct {
	paykit.Provider
	n atomic.Int64
}

func (c *counting) calls() int64 { return c.n.Load() }

func (c *counting) CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, o *paykit.RequestOptions) (*paykit.Customer, error) {
	c.n.Add(1)
	return c.Provider.CreateCustomer(ctx, p, o)
}

func (c *counting) RetrieveCustomer(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Customer, error) {
	c.n.Add(1)
	return c.Provider.RetrieveCustomer(ctx, id, o)
}

func (c *counting) UpdateCustomer(ctx context.Context, id string, p *paykit.UpdateCustomerParams, o *paykit.RequestOptions) (*paykit.Customer, error) {
	c.n.Add(1)
	return c.Provider.UpdateCustomer(ctx, id, p, o)
}

func (c *counting) DeleteCustomer(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	return c.Provider.DeleteCustomer(ctx, id, o)
}

func (c *counting) ListCustomers(ctx context.Context, p *paykit.ListCustomersParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	c.n.Add(1)
	return c.Provider.ListCustomers(ctx, p, o)
}

func (c *counting) CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	c.n.Add(1)
	return c.Provider.CreateCheckout(ctx, p, o)
}

func (c *counting) RetrieveCheckout(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	c.n.Add(1)
	return c.Provider.RetrieveCheckout(ctx, id, o)
}

func (c *counting) UpdateCheckout(ctx context.Context, id string, p *paykit.UpdateCheckoutParams, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	c.n.Add(1)
	return c.Provider.UpdateCheckout(ctx, id, p, o)
}

func (c *counting) DeleteCheckout(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	return c.Provider.DeleteCheckout(ctx, id, o)
}

func (c *counting) ListCheckouts(ctx context.Context, p *paykit.ListCheckoutsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	c.n.Add(1)
	return c.Provider.ListCheckouts(ctx, p, o)
}

func (c *counting) CreateSubscription(ctx context.Context, p *paykit.CreateSubscriptionParams, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	return c.Provider.CreateSubscription(ctx, p, o)
}

func (c *counting) RetrieveSubscription(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	return c.Provider.RetrieveSubscription(ctx, id, o)
}

func (c *counting) UpdateSubscription(ctx context.Context, id string, p *paykit.UpdateSubscriptionParams, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	return c.Provider.UpdateSubscription(ctx, id, p, o)
}

func (c *counting) CancelSubscription(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	c.n.Add(1)
	return c.Provider.CancelSubscription(ctx, id, o)
}

func (c *counting) DeleteSubscription(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	return c.Provider.DeleteSubscription(ctx, id, o)
}

func (c *counting) ListSubscriptions(ctx context.Context, p *paykit.ListSubscriptionsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	c.n.Add(1)
	return c.Provider.ListSubscriptions(ctx, p, o)
}

func (c *counting) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	return c.Provider.CreatePayment(ctx, p, o)
}

func (c *counting) RetrievePayment(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	return c.Provider.RetrievePayment(ctx, id, o)
}

func (c *counting) UpdatePayment(ctx context.Context, id string, p *paykit.UpdatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	return c.Provider.UpdatePayment(ctx, id, p, o)
}

func (c *counting) CapturePayment(ctx context.Context, id string, p *paykit.CapturePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	return c.Provider.CapturePayment(ctx, id, p, o)
}

func (c *counting) CancelPayment(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Payment, error) {
	c.n.Add(1)
	return c.Provider.CancelPayment(ctx, id, o)
}

func (c *counting) DeletePayment(ctx context.Context, id string, o *paykit.RequestOptions) error {
	c.n.Add(1)
	return c.Provider.DeletePayment(ctx, id, o)
}

func (c *counting) ListPayments(ctx context.Context, p *paykit.ListPaymentsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	c.n.Add(1)
	return c.Provider.ListPayments(ctx, p, o)
}

func (c *counting) CreateRefund(ctx context.Context, p *paykit.CreateRefundParams, o *paykit.RequestOptions) (*paykit.Refund, error) {
	c.n.Add(1)
	return c.Provider.CreateRefund(ctx, p, o)
}

func (c *counting) RetrieveRefund(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Refund, error) {
	c.n.Add(1)
	return c.Provider.RetrieveRefund(ctx, id, o)
}

func (c *counting) ListRefunds(ctx context.Context, p *paykit.ListRefundsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	c.n.Add(1)
	return c.Provider.ListRefunds(ctx, p, o)
}

func (c *counting) RetrieveInvoice(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Invoice, error) {
	c.n.Add(1)
	return c.Provider.RetrieveInvoice(ctx, id, o)
}

func (c *counting) ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	c.n.Add(1)
	return c.Provider.ListInvoices(ctx, p, o)
}

func (c *counting) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	c.n.Add(1)
	return c.Provider.ParseWebhook(ctx, req, secret)
}
