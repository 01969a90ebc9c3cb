package paykittest

import (
	"context"
	"strings"

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

// badCall is a call the Client must reject for its param.
type badCall struct {
	name  string
	op    paykit.Op
	param string
	call  func(ctx context.Context, c *paykit.Client) error
}

func badCalls() []badCall {
	okCheckout := func(mod func(p *paykit.CreateCheckoutParams)) func(ctx context.Context, c *paykit.Client) error {
		return func(ctx context.Context, c *paykit.Client) error {
			p := *checkoutParams
			mod(&p)
			return errOf(c.Checkouts.Create(ctx, &p))
		}
	}
	customer := func(p *paykit.CreateCustomerParams) func(ctx context.Context, c *paykit.Client) error {
		return func(ctx context.Context, c *paykit.Client) error { return errOf(c.Customers.Create(ctx, p)) }
	}
	many := map[string]string{}
	for i := range paykit.MaxMetadataKeys + 1 {
		many["k"+strings.Repeat("x", i%30)+string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
	}
	return []badCall{
		{"customer nil params", paykit.OpCustomersCreate, "params", customer(nil)},
		{"customer no email", paykit.OpCustomersCreate, "email", customer(&paykit.CreateCustomerParams{Name: "No Email"})},
		{"customer bad email", paykit.OpCustomersCreate, "email", customer(&paykit.CreateCustomerParams{Email: "not-an-email"})},
		{"customer display-name email", paykit.OpCustomersCreate, "email", customer(&paykit.CreateCustomerParams{Email: "Jane <jane@example.com>"})},
		{"customer bad phone", paykit.OpCustomersCreate, "phone", customer(&paykit.CreateCustomerParams{Email: someEmail, Phone: "call me"})},
		{"customer reserved metadata", paykit.OpCustomersCreate, "metadata." + paykit.ReservedMetadataKey, customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: map[string]string{paykit.ReservedMetadataKey: "x"}})},
		{"customer too many metadata keys", paykit.OpCustomersCreate, "metadata", customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: many})},
		{"customer long metadata key", paykit.OpCustomersCreate, "metadata", customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: map[string]string{strings.Repeat("k", 41): "v"}})},
		{"customer long metadata value", paykit.OpCustomersCreate, "metadata.k", customer(&paykit.CreateCustomerParams{Email: someEmail, Metadata: map[string]string{"k": strings.Repeat("v", 501)}})},
		{"customer bad billing country", paykit.OpCustomersCreate, "billing.address.country", customer(&paykit.CreateCustomerParams{Email: someEmail, Billing: &paykit.BillingInfo{Address: paykit.BillingAddress{Country: "USA"}, Currency: "USD"}})},
		{"customer retrieve empty id", paykit.OpCustomersRetrieve, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Customers.Retrieve(ctx, "")) }},
		{"customer update empty id", paykit.OpCustomersUpdate, "id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Customers.Update(ctx, "", &paykit.UpdateCustomerParams{}))
		}},
		{"customer update bad email", paykit.OpCustomersUpdate, "email", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Customers.Update(ctx, someID, &paykit.UpdateCustomerParams{Email: paykit.String("nope")}))
		}},
		{"customer delete empty id", paykit.OpCustomersDelete, "id", func(ctx context.Context, c *paykit.Client) error { return c.Customers.Delete(ctx, "") }},
		{"customer list limit", paykit.OpCustomersList, "limit", func(ctx context.Context, c *paykit.Client) error {
			return firstErr(c.Customers.List(ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 1000}}))
		}},

		{"checkout nil params", paykit.OpCheckoutsCreate, "params", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Checkouts.Create(ctx, nil)) }},
		{"checkout no customer", paykit.OpCheckoutsCreate, "customer", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Customer = paykit.Payee{} })},
		{"checkout bad payee email", paykit.OpCheckoutsCreate, "customer.email", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Customer = paykit.CustomerEmail("x@") })},
		{"checkout no item", paykit.OpCheckoutsCreate, "item_id", okCheckout(func(p *paykit.CreateCheckoutParams) { p.ItemID = "" })},
		{"checkout bad session type", paykit.OpCheckoutsCreate, "session_type", okCheckout(func(p *paykit.CreateCheckoutParams) { p.SessionType = "weekly" })},
		{"checkout zero quantity", paykit.OpCheckoutsCreate, "quantity", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Quantity = 0 })},
		{"checkout negative quantity", paykit.OpCheckoutsCreate, "quantity", okCheckout(func(p *paykit.CreateCheckoutParams) { p.Quantity = -2 })},
		{"checkout relative success url", paykit.OpCheckoutsCreate, "success_url", okCheckout(func(p *paykit.CreateCheckoutParams) { p.SuccessURL = "/success" })},
		{"checkout ftp success url", paykit.OpCheckoutsCreate, "success_url", okCheckout(func(p *paykit.CreateCheckoutParams) { p.SuccessURL = "ftp://example.com/x" })},
		{"checkout bad cancel url", paykit.OpCheckoutsCreate, "cancel_url", okCheckout(func(p *paykit.CreateCheckoutParams) { p.CancelURL = "javascript:alert(1)" })},
		{"checkout bad interval", paykit.OpCheckoutsCreate, "subscription.billing_interval", okCheckout(func(p *paykit.CreateCheckoutParams) {
			p.SessionType = paykit.SessionRecurring
			p.Subscription = &paykit.CheckoutSubscription{BillingInterval: paykit.CustomInterval(0)}
		})},
		{"checkout reserved metadata", paykit.OpCheckoutsCreate, "metadata." + paykit.ReservedMetadataKey, okCheckout(func(p *paykit.CreateCheckoutParams) {
			p.Metadata = map[string]string{paykit.ReservedMetadataKey: "{}"}
		})},
		{"checkout update empty id", paykit.OpCheckoutsUpdate, "id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Checkouts.Update(ctx, "", &paykit.UpdateCheckoutParams{}))
		}},

		{"subscription no customer", paykit.OpSubscriptionsCreate, "customer", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{ItemID: someItem}))
		}},
		{"subscription no item", paykit.OpSubscriptionsCreate, "item_id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID)}))
		}},
		{"subscription negative quantity", paykit.OpSubscriptionsCreate, "quantity", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID), ItemID: someItem, Quantity: -1}))
		}},
		{"subscription unknown currency", paykit.OpSubscriptionsCreate, "currency", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID), ItemID: someItem, Currency: "XYZ"}))
		}},
		{"subscription short custom interval", paykit.OpSubscriptionsCreate, "billing_interval", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: paykit.CustomerID(someID), ItemID: someItem, BillingInterval: paykit.CustomInterval(1)}))
		}},
		{"subscription cancel empty id", paykit.OpSubscriptionsCancel, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Subscriptions.Cancel(ctx, "")) }},
		{"subscription update zero quantity", paykit.OpSubscriptionsUpdate, "quantity", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Subscriptions.Update(ctx, someID, &paykit.UpdateSubscriptionParams{Quantity: paykit.Int64(0)}))
		}},

		{"payment negative amount", paykit.OpPaymentsCreate, "amount", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: -1, Currency: "USD", Customer: paykit.CustomerID(someID)}))
		}},
		{"payment no currency", paykit.OpPaymentsCreate, "currency", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Customer: paykit.CustomerID(someID)}))
		}},
		{"payment unknown currency", paykit.OpPaymentsCreate, "currency", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "ABC", Customer: paykit.CustomerID(someID)}))
		}},
		{"payment bad capture method", paykit.OpPaymentsCreate, "capture_method", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID(someID), CaptureMethod: "later"}))
		}},
		{"payment capture negative", paykit.OpPaymentsCapture, "amount", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Payments.Capture(ctx, someID, &paykit.CapturePaymentParams{Amount: -5}))
		}},
		{"payment cancel empty id", paykit.OpPaymentsCancel, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Payments.Cancel(ctx, "")) }},

		{"refund no payment", paykit.OpRefundsCreate, "payment_id", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Refunds.Create(ctx, &paykit.CreateRefundParams{Amount: 100}))
		}},
		{"refund negative amount", paykit.OpRefundsCreate, "amount", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: someID, Amount: -1}))
		}},
		{"refund unknown reason", paykit.OpRefundsCreate, "reason", func(ctx context.Context, c *paykit.Client) error {
			return errOf(c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: someID, Reason: "because"}))
		}},
		{"invoice retrieve empty id", paykit.OpInvoicesRetrieve, "id", func(ctx context.Context, c *paykit.Client) error { return errOf(c.Invoices.Retrieve(ctx, "")) }},
	}
}
