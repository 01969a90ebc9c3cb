package acmepay

import (
	"context"
	"encoding/json"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

const customersPath = "/v1/customers"

func customerFrom(raw json.RawMessage) (*paykit.Customer, error) {
	w, err := decode[wireCustomer](raw)
	if err != nil {
		return nil, err
	}
	return &paykit.Customer{
		ID:        w.ID,
		Email:     w.Email,
		Name:      deref(w.Name),
		Phone:     deref(w.Phone),
		Metadata:  providerkit.CloneMetadata(w.Metadata),
		CreatedAt: w.CreatedAt.UTC(),
		UpdatedAt: utcPtr(w.UpdatedAt),
		Raw:       raw,
	}, nil
}

// CreateCustomer creates an Acme customer.
func (p *provider) CreateCustomer(ctx context.Context, params *paykit.CreateCustomerParams, opts *paykit.RequestOptions) (*paykit.Customer, error) {
	// A provider is also called directly, without a Client to validate
	// for it: nil params are a VALIDATION_ERROR, never a panic.
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.Billing != nil {
		return nil, paykit.ValidationError("billing", "Acme Pay keeps no billing details")
	}
	if err := noProviderMetadata(params.ProviderMetadata, "customers"); err != nil {
		return nil, err
	}
	if err := providerkit.RefuseReserved(params.Metadata); err != nil {
		return nil, err
	}
	body := customerCreate{Email: params.Email, Name: params.Name, Phone: params.Phone, Metadata: params.Metadata}
	var raw json.RawMessage
	if err := p.post(ctx, customersPath, body, opts, &raw); err != nil {
		return nil, err
	}
	return customerFrom(raw)
}

// RetrieveCustomer returns a customer, or an error matching
// paykit.ErrNotFound.
func (p *provider) RetrieveCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := p.get(ctx, objectPath(customersPath+"/", id), nil, &raw); err != nil {
		return nil, err
	}
	return customerFrom(raw)
}

// ListCustomers lists customers, newest first, optionally by email. Nil
// params are the first page.
func (p *provider) ListCustomers(ctx context.Context, params *paykit.ListCustomersParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	if params == nil {
		params = &paykit.ListCustomersParams{}
	}
	q := listQuery(params.ListParams)
	if params.Email != "" {
		q.Set("email", params.Email)
	}
	return list(ctx, p, customersPath, q, customerFrom)
}
