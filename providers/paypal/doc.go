// Package paypal is the paykit provider for PayPal, on PayPal's REST APIs
// (Orders v2, Payments v2, Billing Subscriptions v1, Notifications v1)
// through providerkit's REST transport:
//
//	client := paykit.New(paypal.Provider(clientID, secret, paypal.WithSandbox()))
//
// PayPal has no customer object: customers live in a paykit.CustomerStore
// (WithCustomerStore; in memory by default), and PayPal's objects name the
// store's customer id in their custom_id.
package paypal
