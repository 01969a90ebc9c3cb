package local

import (
	"context"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// CreateCustomer implements paykit.Provider. It emits customer.created.
func (s *Simulator) CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpCustomersCreate, err)
	}
	return s.b.CreateCustomer(ctx, p, ro)
}

func (s *engine) CreateCustomer(ctx context.Context, p *paykit.CreateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	return mutate(ctx, s, paykit.OpCustomersCreate, ro, p, func(t *txn) (*paykit.Customer, error) {
		rec := &customerRec{
			Customer: paykit.Customer{
				ID: newID("cus"), Email: p.Email, Name: p.Name, Phone: p.Phone,
				Metadata: providerkit.CloneMetadata(p.Metadata), CreatedAt: t.now,
			},
			Billing: p.Billing,
		}
		if err := saveEmit(t, customers, rec, paykit.EventCustomerCreated); err != nil {
			return nil, err
		}
		return rec.out(), nil
	})
}

// RetrieveCustomer implements paykit.Provider.
func (s *Simulator) RetrieveCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpCustomersRetrieve, err)
	}
	return s.b.RetrieveCustomer(ctx, id, ro)
}

func (s *engine) RetrieveCustomer(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Customer, error) {
	return retrieve(ctx, s, paykit.OpCustomersRetrieve, customers, id, (*customerRec).out)
}

// UpdateCustomer implements paykit.Provider: nil fields stay, metadata
// keys merge and a key set to "" is removed. It emits customer.updated.
func (s *Simulator) UpdateCustomer(ctx context.Context, id string, p *paykit.UpdateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpCustomersUpdate, err)
	}
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpCustomersUpdate, err)
	}
	return s.b.UpdateCustomer(ctx, id, p, ro)
}

func (s *engine) UpdateCustomer(ctx context.Context, id string, p *paykit.UpdateCustomerParams, ro *paykit.RequestOptions) (*paykit.Customer, error) {
	return mutate(ctx, s, paykit.OpCustomersUpdate, ro, withID(id, p), func(t *txn) (*paykit.Customer, error) {
		rec, err := load(t, customers, id)
		if err != nil {
			return nil, err
		}
		c := &rec.Customer
		if p.Email != nil {
			c.Email = *p.Email
		}
		if p.Name != nil {
			c.Name = *p.Name
		}
		if p.Phone != nil {
			c.Phone = *p.Phone
		}
		c.Metadata = providerkit.MergeMetadata(c.Metadata, p.Metadata)
		now := t.now
		c.UpdatedAt = &now
		if err := saveEmit(t, customers, rec, paykit.EventCustomerUpdated); err != nil {
			return nil, err
		}
		return rec.out(), nil
	})
}

// DeleteCustomer implements paykit.Provider. The customer is gone
// afterwards (Retrieve fails with ErrNotFound) and, as at Stripe, its live
// subscriptions are canceled. It emits subscription.canceled for each of
// those, then customer.deleted.
func (s *Simulator) DeleteCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return opError(paykit.OpCustomersDelete, err)
	}
	return s.b.DeleteCustomer(ctx, id, ro)
}

func (s *engine) DeleteCustomer(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	_, err := mutate(ctx, s, paykit.OpCustomersDelete, ro, withID(id, nil), func(t *txn) (*done, error) {
		rec, err := load(t, customers, id)
		if err != nil {
			return nil, err
		}
		subs, _, err := t.tx.List(collSubscriptions, Query{Keys: map[string]string{"customer": id}, Ascending: true})
		if err != nil {
			return nil, err
		}
		for _, r := range subs {
			sub, err := load(t, subscriptions, r.ID)
			if err != nil {
				return nil, err
			}
			if !sub.ended() {
				if err := t.cancelSubscription(sub); err != nil {
					return nil, err
				}
			}
		}
		if err := t.tx.Delete(collCustomers, id); err != nil {
			return nil, err
		}
		return &done{}, t.emit(paykit.EventCustomerDeleted, &rec.Customer)
	})
	return err
}

// ListCustomers implements paykit.Provider: newest first, filtered by
// email.
func (s *Simulator) ListCustomers(ctx context.Context, p *paykit.ListCustomersParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	if p == nil {
		p = &paykit.ListCustomersParams{}
	}
	return s.b.ListCustomers(ctx, p, ro)
}

func (s *engine) ListCustomers(ctx context.Context, p *paykit.ListCustomersParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Customer], error) {
	return list(ctx, s, paykit.OpCustomersList, customers, p.ListParams, map[string]string{"email": p.Email}, (*customerRec).out)
}

// customerOf returns the customer a Payee names, nil for an email payee,
// and ErrNotFound naming param when the id is unknown.
func (t *txn) customerOf(param string, payee paykit.Payee) (*customerRec, error) {
	if payee.ID == "" {
		return nil, nil
	}
	return loadParam(t, customers, param, payee.ID)
}

// idArgs is the fingerprint of an operation on one resource.
type idArgs struct {
	ID     string `json:"id"`
	Params any    `json:"params,omitempty"`
}

func withID(id string, params any) idArgs { return idArgs{ID: id, Params: params} }
