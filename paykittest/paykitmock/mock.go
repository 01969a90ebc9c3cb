// Package paykitmock is a testify mock of paykit.Provider, for the unit
// tests of programs that use paykit:
//
//	m := paykitmock.New(t)
//	m.On("CreateCustomer", mock.Anything, mock.Anything, mock.Anything).
//		Return(&paykit.Customer{ID: "cus_1"}, nil)
//	client := paykit.New(m)
//
// It lives apart from paykittest so that a provider author who runs the
// conformance suite does not import testify.
package paykitmock

import (
	"context"
	"fmt"

	"github.com/stretchr/testify/mock"

	"github.com/paykit-go/paykit"
)

// Provider is a testify mock of paykit.Provider for users' unit tests:
//
//	m := paykitmock.New(t)
//	m.On("CreateCustomer", mock.Anything, mock.Anything, mock.Anything).
//		Return(&paykit.Customer{ID: "cus_1"}, nil)
//	client := paykit.New(m)
//
// Name and Capabilities are not mocked: they return ProviderName ("mock"
// when empty) and Caps (every operation when nil), so only the calls a
// test cares about need expectations. The Client validates params before
// it calls the mock, exactly as with a real provider.
type Provider struct {
	mock.Mock
	paykit.UnimplementedProvider
	// ProviderName is returned by Name; "mock" when empty.
	ProviderName string
	// Caps is returned by Capabilities; every operation when nil.
	Caps *paykit.Capabilities
}

// New returns a Provider bound to t that asserts, when the
// test ends, that every expectation was met.
func New(t interface {
	mock.TestingT
	Cleanup(func())
}) *Provider {
	m := &Provider{}
	m.Test(t)
	t.Cleanup(func() { m.AssertExpectations(t) })
	return m
}

// Name implements paykit.Provider.
func (m *Provider) Name() string {
	if m.ProviderName == "" {
		return "mock"
	}
	return m.ProviderName
}

// Capabilities implements paykit.Provider.
func (m *Provider) Capabilities() paykit.Capabilities {
	if m.Caps == nil {
		return paykit.Capabilities{Ops: paykit.AllOps(), IdempotencyKeys: true}
	}
	return *m.Caps
}

// result reads a mocked (*T, error). A first return value of another type
// (say paykit.Customer instead of *paykit.Customer) is a mistake in the
// test, reported at once rather than turned into a nil result.
func result[T any](args mock.Arguments) (*T, error) {
	first := args.Get(0)
	v, ok := first.(*T)
	if !ok && first != nil {
		panic(fmt.Sprintf("paykitmock: Provider: Return(%T, ...) where *%T was expected", first, *new(T)))
	}
	return v, args.Error(1)
}

// CreateCustomer implements paykit.Provider.
func (m *Provider) CreateCustomer(ctx context.Context, params *paykit.CreateCustomerParams, opts *paykit.RequestOptions) (*paykit.Customer, error) {
	return result[paykit.Customer](m.Called(ctx, params, opts))
}

// RetrieveCustomer implements paykit.Provider.
func (m *Provider) RetrieveCustomer(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Customer, error) {
	return result[paykit.Customer](m.Called(ctx, id, opts))
}

// UpdateCustomer implements paykit.Provider.
func (m *Provider) UpdateCustomer(ctx context.Context, id string, params *paykit.UpdateCustomerParams, opts *paykit.RequestOptions) (*paykit.Customer, error) {
	return result[paykit.Customer](m.Called(ctx, id, params, opts))
}

// DeleteCustomer implements paykit.Provider.
func (m *Provider) DeleteCustomer(ctx context.Context, id string, opts *paykit.RequestOptions) error {
	return m.Called(ctx, id, opts).Error(0)
}

// ListCustomers implements paykit.Provider.
func (m *Provider) ListCustomers(ctx context.Context, params *paykit.ListCustomersParams, opts *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	return result[paykit.Page[paykit.Customer]](m.Called(ctx, params, opts))
}

// CreateCheckout implements paykit.Provider.
func (m *Provider) CreateCheckout(ctx context.Context, params *paykit.CreateCheckoutParams, opts *paykit.RequestOptions) (*paykit.Checkout, error) {
	return result[paykit.Checkout](m.Called(ctx, params, opts))
}

// RetrieveCheckout implements paykit.Provider.
func (m *Provider) RetrieveCheckout(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Checkout, error) {
	return result[paykit.Checkout](m.Called(ctx, id, opts))
}

// UpdateCheckout implements paykit.Provider.
func (m *Provider) UpdateCheckout(ctx context.Context, id string, params *paykit.UpdateCheckoutParams, opts *paykit.RequestOptions) (*paykit.Checkout, error) {
	return result[paykit.Checkout](m.Called(ctx, id, params, opts))
}

// DeleteCheckout implements paykit.Provider.
func (m *Provider) DeleteCheckout(ctx context.Context, id string, opts *paykit.RequestOptions) error {
	return m.Called(ctx, id, opts).Error(0)
}

// ListCheckouts implements paykit.Provider.
func (m *Provider) ListCheckouts(ctx context.Context, params *paykit.ListCheckoutsParams, opts *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	return result[paykit.Page[paykit.Checkout]](m.Called(ctx, params, opts))
}

// CreateSubscription implements paykit.Provider.
func (m *Provider) CreateSubscription(ctx context.Context, params *paykit.CreateSubscriptionParams, opts *paykit.RequestOptions) (*paykit.Subscription, error) {
	return result[paykit.Subscription](m.Called(ctx, params, opts))
}

// RetrieveSubscription implements paykit.Provider.
func (m *Provider) RetrieveSubscription(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Subscription, error) {
	return result[paykit.Subscription](m.Called(ctx, id, opts))
}

// UpdateSubscription implements paykit.Provider.
func (m *Provider) UpdateSubscription(ctx context.Context, id string, params *paykit.UpdateSubscriptionParams, opts *paykit.RequestOptions) (*paykit.Subscription, error) {
	return result[paykit.Subscription](m.Called(ctx, id, params, opts))
}

// CancelSubscription implements paykit.Provider.
func (m *Provider) CancelSubscription(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Subscription, error) {
	return result[paykit.Subscription](m.Called(ctx, id, opts))
}

// DeleteSubscription implements paykit.Provider.
func (m *Provider) DeleteSubscription(ctx context.Context, id string, opts *paykit.RequestOptions) error {
	return m.Called(ctx, id, opts).Error(0)
}

// ListSubscriptions implements paykit.Provider.
func (m *Provider) ListSubscriptions(ctx context.Context, params *paykit.ListSubscriptionsParams, opts *paykit.RequestOptions) (*paykit.Page[paykit.Subscription], error) {
	return result[paykit.Page[paykit.Subscription]](m.Called(ctx, params, opts))
}

// CreatePayment implements paykit.Provider.
func (m *Provider) CreatePayment(ctx context.Context, params *paykit.CreatePaymentParams, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	return result[paykit.Payment](m.Called(ctx, params, opts))
}

// RetrievePayment implements paykit.Provider.
func (m *Provider) RetrievePayment(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	return result[paykit.Payment](m.Called(ctx, id, opts))
}

// UpdatePayment implements paykit.Provider.
func (m *Provider) UpdatePayment(ctx context.Context, id string, params *paykit.UpdatePaymentParams, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	return result[paykit.Payment](m.Called(ctx, id, params, opts))
}

// CapturePayment implements paykit.Provider.
func (m *Provider) CapturePayment(ctx context.Context, id string, params *paykit.CapturePaymentParams, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	return result[paykit.Payment](m.Called(ctx, id, params, opts))
}

// CancelPayment implements paykit.Provider.
func (m *Provider) CancelPayment(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Payment, error) {
	return result[paykit.Payment](m.Called(ctx, id, opts))
}

// DeletePayment implements paykit.Provider.
func (m *Provider) DeletePayment(ctx context.Context, id string, opts *paykit.RequestOptions) error {
	return m.Called(ctx, id, opts).Error(0)
}

// ListPayments implements paykit.Provider.
func (m *Provider) ListPayments(ctx context.Context, params *paykit.ListPaymentsParams, opts *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	return result[paykit.Page[paykit.Payment]](m.Called(ctx, params, opts))
}

// CreateRefund implements paykit.Provider.
func (m *Provider) CreateRefund(ctx context.Context, params *paykit.CreateRefundParams, opts *paykit.RequestOptions) (*paykit.Refund, error) {
	return result[paykit.Refund](m.Called(ctx, params, opts))
}

// RetrieveRefund implements paykit.Provider.
func (m *Provider) RetrieveRefund(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Refund, error) {
	return result[paykit.Refund](m.Called(ctx, id, opts))
}

// ListRefunds implements paykit.Provider.
func (m *Provider) ListRefunds(ctx context.Context, params *paykit.ListRefundsParams, opts *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	return result[paykit.Page[paykit.Refund]](m.Called(ctx, params, opts))
}

// RetrieveInvoice implements paykit.Provider.
func (m *Provider) RetrieveInvoice(ctx context.Context, id string, opts *paykit.RequestOptions) (*paykit.Invoice, error) {
	return result[paykit.Invoice](m.Called(ctx, id, opts))
}

// ListInvoices implements paykit.Provider.
func (m *Provider) ListInvoices(ctx context.Context, params *paykit.ListInvoicesParams, opts *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	return result[paykit.Page[paykit.Invoice]](m.Called(ctx, params, opts))
}

// ParseWebhook implements paykit.Provider. Besides fixed values, Return
// accepts a func with ParseWebhook's signature, to decide per delivery.
func (m *Provider) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	args := m.Called(ctx, req, secret)
	if fn, ok := args.Get(0).(func(context.Context, *paykit.WebhookRequest, string) ([]*paykit.Event, error)); ok {
		return fn(ctx, req, secret)
	}
	events, _ := args.Get(0).([]*paykit.Event)
	return events, args.Error(1)
}
