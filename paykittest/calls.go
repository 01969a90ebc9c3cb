package paykittest

import (
	"context"

	"github.com/paykit-go/paykit"
)

// Arguments that pass the Client's validation.
const (
	someID      = "conformance_missing_id"
	someEmail   = "conformance@example.com"
	someItem    = "conformance_item"
	someSuccess = "https://example.com/success"
)

// opCall is one operation called with valid arguments, through a Client
// and directly on a provider.
type opCall struct {
	op     paykit.Op
	client func(ctx context.Context, c *paykit.Client) error
	direct func(ctx context.Context, p paykit.Provider) error
}

func firstErr[T any](seq func(func(*T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return nil
}

func errOf[T any](_ T, err error) error { return err }

var (
	checkoutParams     = &paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail(someEmail), ItemID: someItem, SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: someSuccess}
	customerParams     = &paykit.CreateCustomerParams{Email: someEmail}
	subscriptionParams = &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID), ItemID: someItem}
	paymentParams      = &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID(someID)}
	refundParams       = &paykit.CreateRefundParams{PaymentID: someID, Amount: 1}
)

// allCalls has one entry for every paykit.Op, on the id someID.
func allCalls() []opCall { return callsOn(someID) }

// callsOn has one entry for every paykit.Op; those that name an object
// name id.
func callsOn(id string) []opCall {
	return []opCall{
		{paykit.OpCustomersCreate,
			func(ctx context.Context, c *paykit.Client) error {
				return errOf(c.Customers.Create(ctx, customerParams))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CreateCustomer(ctx, customerParams, writeOpts()))
			}},
		{paykit.OpCustomersRetrieve,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Customers.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.RetrieveCustomer(ctx, id, readOpts()))
			}},
		{paykit.OpCustomersUpdate,
			func(ctx context.Context, c *paykit.Client) error {
				return errOf(c.Customers.Update(ctx, id, &paykit.UpdateCustomerParams{Name: paykit.String("x")}))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.UpdateCustomer(ctx, id, &paykit.UpdateCustomerParams{Name: paykit.String("x")}, writeOpts()))
			}},
		{paykit.OpCustomersDelete,
			func(ctx context.Context, c *paykit.Client) error { return c.Customers.Delete(ctx, id) },
			func(ctx context.Context, p paykit.Provider) error { return p.DeleteCustomer(ctx, id, writeOpts()) }},
		{paykit.OpCustomersList,
			func(ctx context.Context, c *paykit.Client) error { return firstErr(c.Customers.List(ctx, nil)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListCustomers(ctx, &paykit.ListCustomersParams{}, readOpts()))
			}},

		{paykit.OpCheckoutsCreate,
			func(ctx context.Context, c *paykit.Client) error {
				return errOf(c.Checkouts.Create(ctx, checkoutParams))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CreateCheckout(ctx, checkoutParams, writeOpts()))
			}},
		{paykit.OpCheckoutsRetrieve,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Checkouts.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.RetrieveCheckout(ctx, id, readOpts()))
			}},
		{paykit.OpCheckoutsUpdate,
			func(ctx context.Context, c *paykit.Client) error {
				return errOf(c.Checkouts.Update(ctx, id, &paykit.UpdateCheckoutParams{Metadata: map[string]string{"k": "v"}}))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.UpdateCheckout(ctx, id, &paykit.UpdateCheckoutParams{Metadata: map[string]string{"k": "v"}}, writeOpts()))
			}},
		{paykit.OpCheckoutsDelete,
			func(ctx context.Context, c *paykit.Client) error { return c.Checkouts.Delete(ctx, id) },
			func(ctx context.Context, p paykit.Provider) error { return p.DeleteCheckout(ctx, id, writeOpts()) }},
		{paykit.OpCheckoutsList,
			func(ctx context.Context, c *paykit.Client) error { return firstErr(c.Checkouts.List(ctx, nil)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListCheckouts(ctx, &paykit.ListCheckoutsParams{}, readOpts()))
			}},

		{paykit.OpSubscriptionsCreate,
			func(ctx context.Context, c *paykit.Client) error {
				return errOf(c.Subscriptions.Create(ctx, subscriptionParams))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CreateSubscription(ctx, subscriptionParams, writeOpts()))
			}},
		{paykit.OpSubscriptionsRetrieve,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Subscriptions.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.RetrieveSubscription(ctx, id, readOpts()))
			}},
		{paykit.OpSubscriptionsUpdate,
			func(ctx context.Context, c *paykit.Client) error {
				return errOf(c.Subscriptions.Update(ctx, id, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"k": "v"}}))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.UpdateSubscription(ctx, id, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"k": "v"}}, writeOpts()))
			}},
		{paykit.OpSubscriptionsCancel,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Subscriptions.Cancel(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CancelSubscription(ctx, id, writeOpts()))
			}},
		{paykit.OpSubscriptionsDelete,
			func(ctx context.Context, c *paykit.Client) error { return c.Subscriptions.Delete(ctx, id) },
			func(ctx context.Context, p paykit.Provider) error {
				return p.DeleteSubscription(ctx, id, writeOpts())
			}},
		{paykit.OpSubscriptionsList,
			func(ctx context.Context, c *paykit.Client) error { return firstErr(c.Subscriptions.List(ctx, nil)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListSubscriptions(ctx, &paykit.ListSubscriptionsParams{}, readOpts()))
			}},

		{paykit.OpPaymentsCreate,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Payments.Create(ctx, paymentParams)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CreatePayment(ctx, paymentParams, writeOpts()))
			}},
		{paykit.OpPaymentsRetrieve,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Payments.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.RetrievePayment(ctx, id, readOpts()))
			}},
		{paykit.OpPaymentsUpdate,
			func(ctx context.Context, c *paykit.Client) error {
				return errOf(c.Payments.Update(ctx, id, &paykit.UpdatePaymentParams{Metadata: map[string]string{"k": "v"}}))
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.UpdatePayment(ctx, id, &paykit.UpdatePaymentParams{Metadata: map[string]string{"k": "v"}}, writeOpts()))
			}},
		{paykit.OpPaymentsCapture,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Payments.Capture(ctx, id, nil)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CapturePayment(ctx, id, &paykit.CapturePaymentParams{}, writeOpts()))
			}},
		{paykit.OpPaymentsCancel,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Payments.Cancel(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CancelPayment(ctx, id, writeOpts()))
			}},
		{paykit.OpPaymentsDelete,
			func(ctx context.Context, c *paykit.Client) error { return c.Payments.Delete(ctx, id) },
			func(ctx context.Context, p paykit.Provider) error { return p.DeletePayment(ctx, id, writeOpts()) }},
		{paykit.OpPaymentsList,
			func(ctx context.Context, c *paykit.Client) error { return firstErr(c.Payments.List(ctx, nil)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListPayments(ctx, &paykit.ListPaymentsParams{}, readOpts()))
			}},

		{paykit.OpRefundsCreate,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Refunds.Create(ctx, refundParams)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.CreateRefund(ctx, refundParams, writeOpts()))
			}},
		{paykit.OpRefundsRetrieve,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Refunds.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.RetrieveRefund(ctx, id, readOpts()))
			}},
		{paykit.OpRefundsList,
			func(ctx context.Context, c *paykit.Client) error { return firstErr(c.Refunds.List(ctx, nil)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListRefunds(ctx, &paykit.ListRefundsParams{}, readOpts()))
			}},

		{paykit.OpInvoicesRetrieve,
			func(ctx context.Context, c *paykit.Client) error { return errOf(c.Invoices.Retrieve(ctx, id)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.RetrieveInvoice(ctx, id, readOpts()))
			}},
		{paykit.OpInvoicesList,
			func(ctx context.Context, c *paykit.Client) error { return firstErr(c.Invoices.List(ctx, nil)) },
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ListInvoices(ctx, &paykit.ListInvoicesParams{}, readOpts()))
			}},

		{paykit.OpWebhooksHandle,
			func(ctx context.Context, c *paykit.Client) error {
				return c.Webhooks.Setup(paykit.WebhookConfig{Secret: "whsec_conformance"}).
					Handle(ctx, &paykit.WebhookRequest{Body: []byte(`{}`), Header: map[string][]string{}})
			},
			func(ctx context.Context, p paykit.Provider) error {
				return errOf(p.ParseWebhook(ctx, &paykit.WebhookRequest{Body: []byte(`{}`), Header: map[string][]string{}}, "whsec_conformance"))
			}},
	}
}

func writeOpts() *paykit.RequestOptions {
	return &paykit.RequestOptions{IdempotencyKey: "conformance-" + randomSuffix()}
}

func readOpts() *paykit.RequestOptions { return &paykit.RequestOptions{} }
