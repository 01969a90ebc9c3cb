package polar

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/paykit-go/paykit"
)

const customersPath = "/v1/customers/"

var customerFields = map[string]string{
	"email":           "email",
	"name":            "name",
	"metadata":        "metadata",
	"billing_address": "billing.address.*",
}

type customerCreate struct {
	Email          string   `json:"email"`
	Name           *string  `json:"name,omitempty"`
	Metadata       metadata `json:"metadata,omitempty"`
	BillingAddress *address `json:"billing_address,omitempty"`
}

type customerUpdate struct {
	Email *string `json:"email,omitempty"`
	Name  *string `json:"name,omitempty"`
	// Metadata, when set, replaces the whole metadata; an empty map clears
	// it.
	Metadata *metadata `json:"metadata,omitempty"`
}

func customerFrom(raw json.RawMessage) (*paykit.Customer, error) {
	w, err := decode[wireCustomer](raw)
	if err != nil {
		return nil, err
	}
	c := &paykit.Customer{
		ID:        w.ID,
		Email:     deref(w.Email),
		Name:      deref(w.Name),
		Phone:     w.Metadata.reserved().Phone,
		Metadata:  w.Metadata.strings(),
		CreatedAt: utc(w.CreatedAt),
		UpdatedAt: utcPtr(w.ModifiedAt),
		Raw:       raw,
	}
	return c, nil
}

// CreateCustomer creates a Polar customer; the phone goes into the
// reserved metadata key.
func (p *provider) CreateCustomer(ctx context.Context, params *paykit.CreateCustomerParams, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.ProviderMetadata != nil {
		return nil, paykit.ValidationError("provider_metadata", "polar takes no provider metadata for customers")
	}
	body := customerCreate{
		Email:          params.Email,
		Name:           optional(params.Name),
		Metadata:       cleanMetadata(params.Metadata).withReserved(reserved{Phone: params.Phone}),
		BillingAddress: addressOf(params.Billing),
	}
	return get(ctx, p, call{method: http.MethodPost, path: customersPath, body: body, fields: customerFields}, customerFrom)
}

// RetrieveCustomer returns a customer; a deleted one is not found.
func (p *provider) RetrieveCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	_, raw, err := p.customer(ctx, id)
	if err != nil {
		return nil, err
	}
	return customerFrom(raw)
}

// customer fetches one customer, refusing deleted ones.
func (p *provider) customer(ctx context.Context, id string) (*wireCustomer, json.RawMessage, error) {
	if err := p.ready(ctx); err != nil {
		return nil, nil, err
	}
	path, err := idPath("customer", customersPath, id)
	if err != nil {
		return nil, nil, err
	}
	var raw json.RawMessage
	if err := p.do(ctx, call{method: http.MethodGet, path: path}, &raw); err != nil {
		return nil, nil, err
	}
	w, err := decode[wireCustomer](raw)
	if err != nil {
		return nil, nil, err
	}
	if w.DeletedAt != nil {
		return nil, nil, paykit.NotFoundError("customer", id)
	}
	return w, raw, nil
}

// UpdateCustomer changes a customer. Metadata and Phone are merged into
// the current metadata, read first: Polar replaces metadata whole.
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
	if params.ProviderMetadata != nil {
		return nil, paykit.ValidationError("provider_metadata", "polar takes no provider metadata for customers")
	}
	path, err := idPath("customer", customersPath, id)
	if err != nil {
		return nil, err
	}
	body := customerUpdate{Email: params.Email, Name: params.Name}
	if params.Metadata != nil || params.Phone != nil {
		cur, _, err := p.customer(ctx, id)
		if err != nil {
			return nil, err
		}
		res := cur.Metadata.reserved()
		if params.Phone != nil {
			res.Phone = *params.Phone
		}
		meta := cur.Metadata.merge(params.Metadata).withReserved(res)
		body.Metadata = &meta
	}
	return get(ctx, p, call{method: http.MethodPatch, path: path, body: body, fields: customerFields}, customerFrom)
}

// DeleteCustomer deletes a customer. Polar cancels their subscriptions
// and revokes their benefits.
func (p *provider) DeleteCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return err
	}
	if err := p.ready(ctx); err != nil {
		return err
	}
	path, err := idPath("customer", customersPath, id)
	if err != nil {
		return err
	}
	return p.do(ctx, call{method: http.MethodDelete, path: path}, nil)
}

// ListCustomers lists customers, newest first, optionally by email.
func (p *provider) ListCustomers(ctx context.Context, params *paykit.ListCustomersParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	if params == nil {
		params = &paykit.ListCustomersParams{}
	}
	var filters url.Values
	if params.Email != "" {
		filters = url.Values{"email": {params.Email}}
	}
	return list(ctx, p, customersPath, params.ListParams, nil, filters, customerFrom)
}
