package stripe

import (
	"context"
	"time"

	"github.com/paykit-go/paykit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// CreateCustomer creates a Stripe customer. Billing.Address becomes the
// customer's address; CustomerOptions may attach a payment method.
func (a *Adapter) CreateCustomer(ctx context.Context, params *paykit.CreateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	opts, err := optionsOf[CustomerOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.CustomerParams{Params: base, Email: stripeapi.String(params.Email), Metadata: params.Metadata}
	if params.Name != "" {
		p.Name = stripeapi.String(params.Name)
	}
	if params.Phone != "" {
		p.Phone = stripeapi.String(params.Phone)
	}
	if b := params.Billing; b != nil {
		p.Address = addressIn(b.Address)
	}
	if opts.PaymentMethod != "" {
		p.PaymentMethod = stripeapi.String(opts.PaymentMethod)
	}
	opts.apply(p)
	c, err := a.api.Customers.New(p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return customerOut(c), nil
}

func addressIn(addr paykit.BillingAddress) *stripeapi.AddressParams {
	p := &stripeapi.AddressParams{}
	for _, f := range []struct {
		dst **string
		v   string
	}{{&p.Line1, addr.Line1}, {&p.Line2, addr.Line2}, {&p.City, addr.City}, {&p.State, addr.State}, {&p.PostalCode, addr.PostalCode}, {&p.Country, addr.Country}} {
		if f.v != "" {
			*f.dst = stripeapi.String(f.v)
		}
	}
	return p
}

// RetrieveCustomer returns the customer; a deleted one is not found.
func (a *Adapter) RetrieveCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	c, err := a.api.Customers.Get(id, &stripeapi.CustomerParams{Params: base})
	if err != nil {
		return nil, a.mapErr(err)
	}
	if c.Deleted {
		return nil, paykit.NotFoundError("customer", id)
	}
	return customerOut(c), nil
}

// UpdateCustomer changes the fields that are set. Stripe keeps no update
// time, so UpdatedAt is the time Stripe answered.
func (a *Adapter) UpdateCustomer(ctx context.Context, id string, params *paykit.UpdateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	opts, err := optionsOf[CustomerOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.CustomerParams{Params: base, Email: params.Email, Name: params.Name, Phone: params.Phone, Metadata: params.Metadata}
	opts.apply(p)
	c, err := a.api.Customers.Update(id, p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	out := customerOut(c)
	now := time.Now().UTC().Truncate(time.Second)
	out.UpdatedAt = &now
	return out, nil
}

// DeleteCustomer deletes the customer and cancels its subscriptions.
func (a *Adapter) DeleteCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	base, err := a.params(ctx, ro)
	if err != nil {
		return err
	}
	_, err = a.api.Customers.Del(id, &stripeapi.CustomerParams{Params: base})
	return a.mapErr(err)
}

// ListCustomers returns one page of customers, newest first.
func (a *Adapter) ListCustomers(ctx context.Context, params *paykit.ListCustomersParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	lp, err := a.listParams(ctx, params.ListParams)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.CustomerListParams{ListParams: lp}
	if params.Email != "" {
		p.Email = stripeapi.String(params.Email)
	}
	return page(a, a.api.Customers.List(p).Iter, customerID, customerOut)
}

func customerID(c *stripeapi.Customer) string { return c.ID }

// customerOut maps a Stripe customer. Stripe keeps no update time:
// UpdatedAt is nil.
func customerOut(c *stripeapi.Customer) *paykit.Customer {
	md, _ := metadataIn(c.Metadata)
	return &paykit.Customer{ID: c.ID, Email: c.Email, Name: c.Name, Phone: c.Phone, Metadata: md, CreatedAt: unixTime(c.Created), Raw: c}
}
