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

// count counts a call of op, reports its success and returns err.
func (c *counting) count(op paykit.Op, err error) error {
	c.n.Add(1)
	if err == nil && c.succeeded != nil {
		c.succeeded(op)
	}
	return err
}

// track is count for a call that returns a value too:
// track[T](c, op)(c.Provider.Method(...)) returns the call's results.
func track[T any](c *counting, op paykit.Op) func(T, error) (T, error) {
	return func(v T, err error) (T, error) { return v, c.count(op, err) }
}

func (c *counting) CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, o *paykit.RequestOptions) (*paykit.Customer, error) {
	return track[*paykit.Customer](c, paykit.OpCustomersCreate)(c.Provider.CreateCustomer(ctx, p, o))
}

func (c *counting) RetrieveCustomer(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Customer, error) {
	return track[*paykit.Customer](c, paykit.OpCustomersRetrieve)(c.Provider.RetrieveCustomer(ctx, id, o))
}

func (c *counting) UpdateCustomer(ctx context.Context, id string, p *paykit.UpdateCustomerParams, o *paykit.RequestOptions) (*paykit.Customer, error) {
	return track[*paykit.Customer](c, paykit.OpCustomersUpdate)(c.Provider.UpdateCustomer(ctx, id, p, o))
}

func (c *counting) DeleteCustomer(ctx context.Context, id string, o *paykit.RequestOptions) error {
	return c.count(paykit.OpCustomersDelete, c.Provider.DeleteCustomer(ctx, id, o))
}

func (c *counting) ListCustomers(ctx context.Context, p *paykit.ListCustomersParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	return track[*paykit.Page[paykit.Customer]](c, paykit.OpCustomersList)(c.Provider.ListCustomers(ctx, p, o))
}

func (c *counting) CreateCheckout(ctx context.Context, p *paykit.CreateCheckoutParams, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	return track[*paykit.Checkout](c, paykit.OpCheckoutsCreate)(c.Provider.CreateCheckout(ctx, p, o))
}

func (c *counting) RetrieveCheckout(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	return track[*paykit.Checkout](c, paykit.OpCheckoutsRetrieve)(c.Provider.RetrieveCheckout(ctx, id, o))
}

func (c *counting) UpdateCheckout(ctx context.Context, id string, p *paykit.UpdateCheckoutParams, o *paykit.RequestOptions) (*paykit.Checkout, error) {
	return track[*paykit.Checkout](c, paykit.OpCheckoutsUpdate)(c.Provider.UpdateCheckout(ctx, id, p, o))
}

func (c *counting) DeleteCheckout(ctx context.Context, id string, o *paykit.RequestOptions) error {
	return c.count(paykit.OpCheckoutsDelete, c.Provider.DeleteCheckout(ctx, id, o))
}

func (c *counting) ListCheckouts(ctx context.Context, p *paykit.ListCheckoutsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	return track[*paykit.Page[paykit.Checkout]](c, paykit.OpCheckoutsList)(c.Provider.ListCheckouts(ctx, p, o))
}

func (c *counting) CreateSubscription(ctx context.Context, p *paykit.CreateSubscriptionParams, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	return track[*paykit.Subscription](c, paykit.OpSubscriptionsCreate)(c.Provider.CreateSubscription(ctx, p, o))
}

func (c *counting) RetrieveSubscription(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	return track[*paykit.Subscription](c, paykit.OpSubscriptionsRetrieve)(c.Provider.RetrieveSubscription(ctx, id, o))
}

func (c *counting) UpdateSubscription(ctx context.Context, id string, p *paykit.UpdateSubscriptionParams, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	return track[*paykit.Subscription](c, paykit.OpSubscriptionsUpdate)(c.Provider.UpdateSubscription(ctx, id, p, o))
}

func (c *counting) CancelSubscription(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Subscription, error) {
	return track[*paykit.Subscription](c, paykit.OpSubscriptionsCancel)(c.Provider.CancelSubscription(ctx, id, o))
}

func (c *counting) DeleteSubscription(ctx context.Context, id string, o *paykit.RequestOptions) error {
	return c.count(paykit.OpSubscriptionsDelete, c.Provider.DeleteSubscription(ctx, id, o))
}

func (c *counting) ListSubscriptions(ctx context.Context, p *paykit.ListSubscriptionsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	return track[*paykit.Page[paykit.Subscription]](c, paykit.OpSubscriptionsList)(c.Provider.ListSubscriptions(ctx, p, o))
}

func (c *counting) CreatePayment(ctx context.Context, p *paykit.CreatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	return track[*paykit.Payment](c, paykit.OpPaymentsCreate)(c.Provider.CreatePayment(ctx, p, o))
}

func (c *counting) RetrievePayment(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Payment, error) {
	return track[*paykit.Payment](c, paykit.OpPaymentsRetrieve)(c.Provider.RetrievePayment(ctx, id, o))
}

func (c *counting) UpdatePayment(ctx context.Context, id string, p *paykit.UpdatePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	return track[*paykit.Payment](c, paykit.OpPaymentsUpdate)(c.Provider.UpdatePayment(ctx, id, p, o))
}

func (c *counting) CapturePayment(ctx context.Context, id string, p *paykit.CapturePaymentParams, o *paykit.RequestOptions) (*paykit.Payment, error) {
	return track[*paykit.Payment](c, paykit.OpPaymentsCapture)(c.Provider.CapturePayment(ctx, id, p, o))
}

func (c *counting) CancelPayment(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Payment, error) {
	return track[*paykit.Payment](c, paykit.OpPaymentsCancel)(c.Provider.CancelPayment(ctx, id, o))
}

func (c *counting) DeletePayment(ctx context.Context, id string, o *paykit.RequestOptions) error {
	return c.count(paykit.OpPaymentsDelete, c.Provider.DeletePayment(ctx, id, o))
}

func (c *counting) ListPayments(ctx context.Context, p *paykit.ListPaymentsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	return track[*paykit.Page[paykit.Payment]](c, paykit.OpPaymentsList)(c.Provider.ListPayments(ctx, p, o))
}

func (c *counting) CreateRefund(ctx context.Context, p *paykit.CreateRefundParams, o *paykit.RequestOptions) (*paykit.Refund, error) {
	return track[*paykit.Refund](c, paykit.OpRefundsCreate)(c.Provider.CreateRefund(ctx, p, o))
}

func (c *counting) RetrieveRefund(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Refund, error) {
	return track[*paykit.Refund](c, paykit.OpRefundsRetrieve)(c.Provider.RetrieveRefund(ctx, id, o))
}

func (c *counting) ListRefunds(ctx context.Context, p *paykit.ListRefundsParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	return track[*paykit.Page[paykit.Refund]](c, paykit.OpRefundsList)(c.Provider.ListRefunds(ctx, p, o))
}

func (c *counting) RetrieveInvoice(ctx context.Context, id string, o *paykit.RequestOptions) (*paykit.Invoice, error) {
	return track[*paykit.Invoice](c, paykit.OpInvoicesRetrieve)(c.Provider.RetrieveInvoice(ctx, id, o))
}

func (c *counting) ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, o *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	return track[*paykit.Page[paykit.Invoice]](c, paykit.OpInvoicesList)(c.Provider.ListInvoices(ctx, p, o))
}

func (c *counting) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	return track[[]*paykit.Event](c, paykit.OpWebhooksHandle)(c.Provider.ParseWebhook(ctx, req, secret))
}
