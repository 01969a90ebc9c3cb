package paypal

import (
	"context"
	"errors"

	"github.com/paykit-go/paykit"
)

// customerOps are the customers operations PayPal supports: all five,
// served by the CustomerStore (PayPal has no customer object).
var customerOps = []paykit.Op{
	paykit.OpCustomersCreate, paykit.OpCustomersRetrieve, paykit.OpCustomersUpdate,
	paykit.OpCustomersDelete, paykit.OpCustomersList,
}

// storeError names PayPal as the provider of a store's error, on a copy.
func storeError(err error) error {
	if err == nil {
		return nil
	}
	if pe, ok := paykit.AsError(err); ok {
		cp := *pe
		cp.Provider = Name
		return &cp
	}
	return &paykit.Error{Code: paykit.CodeOperationFailed, Provider: Name, Message: "customer store: " + err.Error(), Err: err}
}

// noCustomerMetadata refuses ProviderMetadata on a customer: the store
// takes none.
func noCustomerMetadata(v any) error {
	if v != nil {
		return paykit.ValidationError("provider_metadata", "paypal takes no provider metadata for customers")
	}
	return nil
}

// CreateCustomer stores a new customer; the idempotency key is the
// store's.
func (p *provider) CreateCustomer(ctx context.Context, params *paykit.CreateCustomerParams, opts *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if err := noCustomerMetadata(params.ProviderMetadata); err != nil {
		return nil, err
	}
	key := ""
	if opts != nil {
		key = opts.IdempotencyKey
	}
	c, err := p.store.Create(ctx, params, key)
	return c, storeError(err)
}

// RetrieveCustomer returns a stored customer.
func (p *provider) RetrieveCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	c, err := p.store.Retrieve(ctx, id)
	return c, storeError(err)
}

// UpdateCustomer changes a stored customer.
func (p *provider) UpdateCustomer(ctx context.Context, id string, params *paykit.UpdateCustomerParams, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if err := noCustomerMetadata(params.ProviderMetadata); err != nil {
		return nil, err
	}
	c, err := p.store.Update(ctx, id, params)
	return c, storeError(err)
}

// DeleteCustomer removes a stored customer. PayPal's orders that name it
// keep its id in their custom_id.
func (p *provider) DeleteCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return err
	}
	if err := p.ready(ctx); err != nil {
		return err
	}
	return storeError(p.store.Delete(ctx, id))
}

// ListCustomers lists the stored customers, newest first.
func (p *provider) ListCustomers(ctx context.Context, params *paykit.ListCustomersParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	page, err := p.store.List(ctx, params)
	return page, storeError(err)
}

// payeeData returns what an order keeps of its payee: a customer id the
// store must know (ErrNotFound on "customer" otherwise), or an email.
func (p *provider) payeeData(ctx context.Context, payee paykit.Payee) (customData, error) {
	switch {
	case payee.ID != "":
		if _, err := p.store.Retrieve(ctx, payee.ID); err != nil {
			err = storeError(err)
			var pe *paykit.Error
			if errors.As(err, &pe) && pe.Code == paykit.CodeNotFound {
				pe.Param = "customer"
			}
			return customData{}, err
		}
		return customData{Customer: payee.ID}, nil
	case payee.Email != "":
		return customData{Email: payee.Email}, nil
	}
	return customData{}, paykit.ValidationError("customer", "customer is required: a customer id or an email")
}
