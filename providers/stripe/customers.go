package stripe

import (
	"context"
	"net/http"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// CreateCustomer creates a Stripe customer. Billing.Address becomes the
// customer's address; CustomerOptions may attach a payment method.
func (a *provider) CreateCustomer(ctx context.Context, params *paykit.CreateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[CustomerOptions](params.ProviderMetadata)
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
	var res wireResponse
	if err := a.api.Customers.B.Call(http.MethodPost, "/v1/customers", a.key.Reveal(), p, &res); err != nil {
		return nil, a.mapErr(err)
	}
	return res.obj.customerOut(), nil
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
func (a *provider) RetrieveCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if a.err != nil {
		return nil, a.err
	}
	body, err := a.get(ctx, customerPath(id))
	if err != nil {
		return nil, a.mapErr(err)
	}
	var o wireObject
	o.read(body)
	if o.deleted {
		return nil, paykit.NotFoundError("customer", id)
	}
	return o.customerOut(), nil
}

// customerPath is the API path of the customer with id, escaped as
// stripe-go escapes it.
func customerPath(id string) string { return stripeapi.FormatURLPath("/v1/customers/%s", id) }

// UpdateCustomer changes the fields that are set. Stripe keeps no update
// time, so UpdatedAt is the time Stripe answered.
func (a *provider) UpdateCustomer(ctx context.Context, id string, params *paykit.UpdateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[CustomerOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.CustomerParams{Params: base, Email: params.Email, Name: params.Name, Phone: params.Phone, Metadata: params.Metadata}
	opts.apply(p)
	var res wireResponse
	if err := a.api.Customers.B.Call(http.MethodPost, customerPath(id), a.key.Reveal(), p, &res); err != nil {
		return nil, a.mapErr(err)
	}
	out := res.obj.customerOut()
	now := time.Now().UTC().Truncate(time.Second)
	out.UpdatedAt = &now
	return out, nil
}

// DeleteCustomer deletes the customer and cancels its subscriptions.
func (a *provider) DeleteCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return err
	}
	_, err = a.api.Customers.Del(id, &stripeapi.CustomerParams{Params: base})
	return a.mapErr(err)
}

// ListCustomers returns one page of customers, newest first.
func (a *provider) ListCustomers(ctx context.Context, params *paykit.ListCustomersParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	if params == nil {
		params = &paykit.ListCustomersParams{}
	}
	lp, err := a.listParams(ctx, params.ListParams)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.CustomerListParams{ListParams: lp}
	if params.Email != "" {
		p.Email = stripeapi.String(params.Email)
	}
	return page(a, a.wireIter("/v1/customers", p), wireID, (*wireObject).customerOut)
}

// customerOut maps a Stripe customer, from an API answer or a webhook.
// Stripe keeps no update time: UpdatedAt is nil. Raw is the customer's
// JSON as Stripe sent it (json.RawMessage).
func (o *wireObject) customerOut() *paykit.Customer {
	return &paykit.Customer{ID: o.id, Email: o.email, Name: o.name, Phone: o.phone, Metadata: o.metadata, CreatedAt: unixTime(o.created), Raw: o.raw}
}
