// Package paykit is one payments API — customers, checkouts,
// subscriptions, payments, refunds, invoices and webhooks — over pluggable
// provider adapters.
//
//	client := paykit.New(local.Provider())
//	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "user@example.com"})
//
// Switching provider (providers/stripe, providers/polar, ...) is a one-line
// change. The Client validates every call before the provider sees it,
// attaches idempotency keys to writes, refuses operations the provider does
// not support, and returns one error type, *Error.
package paykit
