package paykit

import (
	"context"
	"iter"
	"time"
)

// Customer is a person or business that pays.
type Customer struct {
	ID        string            `json:"id"`
	Email     string            `json:"email"`
	Name      string            `json:"name"`
	Phone     string            `json:"phone"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt *time.Time        `json:"updated_at"`
	// Raw is the provider's own representation of the object, for what the
	// unified type does not carry: the provider SDK's object (e.g.
	// *stripe.Invoice) or, where paykit decodes the answer itself, its JSON
	// as json.RawMessage (Stripe customers, every webhook event). Each
	// provider's package doc says which. It is never serialized.
	Raw any `json:"-"`
}

// CreateCustomerParams are the fields of a new customer.
type CreateCustomerParams struct {
	// Email is required and must be a valid address.
	Email    string
	Name     string
	Phone    string
	Metadata map[string]string
	Billing  *BillingInfo
	// ProviderMetadata is the provider's own typed options struct.
	ProviderMetadata any
}

func (p *CreateCustomerParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	if err := validateEmail("email", p.Email, true); err != nil {
		return err
	}
	if err := validatePhone(p.Phone); err != nil {
		return err
	}
	if err := validateBilling(p.Billing); err != nil {
		return err
	}
	return validateMetadata(p.Metadata)
}

// UpdateCustomerParams change a customer. Nil fields stay as they are;
// Metadata keys are merged, and a key set to "" is removed.
type UpdateCustomerParams struct {
	Email            *string
	Name             *string
	Phone            *string
	Metadata         map[string]string
	ProviderMetadata any
}

func (p *UpdateCustomerParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	if p.Email != nil {
		if err := validateEmail("email", *p.Email, true); err != nil {
			return err
		}
	}
	if p.Phone != nil {
		if err := validatePhone(*p.Phone); err != nil {
			return err
		}
	}
	return validateMetadata(p.Metadata)
}

func validatePhone(phone string) error {
	if len(phone) > 32 {
		return ValidationError("phone", "phone is longer than 32 characters")
	}
	for i := 0; i < len(phone); i++ {
		switch c := phone[i]; {
		case c >= '0' && c <= '9', c == '+', c == ' ', c == '-', c == '(', c == ')', c == '.':
		default:
			return ValidationError("phone", "phone may hold only digits, spaces and + - ( ) .")
		}
	}
	return nil
}

// ListCustomersParams filter and page a customer list.
type ListCustomersParams struct {
	ListParams
	// Email, when set, lists only customers with this address.
	Email string
}

func (p *ListCustomersParams) validate() error {
	if err := p.ListParams.validate(); err != nil {
		return err
	}
	return validateEmail("email", p.Email, false)
}

// CustomerService manages customers. Reach it as Client.Customers.
type CustomerService struct{ c *Client }

// Create creates a customer.
func (s *CustomerService) Create(ctx context.Context, params *CreateCustomerParams, opts ...CallOption) (*Customer, error) {
	return do(s.c, ctx, OpCustomersCreate, params, opts, func(ctx context.Context, ro *RequestOptions) (*Customer, error) {
		return s.c.provider.CreateCustomer(ctx, params, ro)
	})
}

// Retrieve returns the customer with id, or an error matching ErrNotFound.
func (s *CustomerService) Retrieve(ctx context.Context, id string, opts ...CallOption) (*Customer, error) {
	return do(s.c, ctx, OpCustomersRetrieve, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Customer, error) {
		return s.c.provider.RetrieveCustomer(ctx, id, ro)
	})
}

// Update changes the customer with id and returns it as it is now.
func (s *CustomerService) Update(ctx context.Context, id string, params *UpdateCustomerParams, opts ...CallOption) (*Customer, error) {
	return do(s.c, ctx, OpCustomersUpdate, twoArgs{idArg(id), params}, opts, func(ctx context.Context, ro *RequestOptions) (*Customer, error) {
		return s.c.provider.UpdateCustomer(ctx, id, params, ro)
	})
}

// Delete deletes the customer with id.
func (s *CustomerService) Delete(ctx context.Context, id string, opts ...CallOption) error {
	return exec(s.c, ctx, OpCustomersDelete, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) error {
		return s.c.provider.DeleteCustomer(ctx, id, ro)
	})
}

// List iterates over all customers, fetching pages as needed. params may be
// nil. Iteration stops at the first error, which is yielded.
func (s *CustomerService) List(ctx context.Context, params *ListCustomersParams, opts ...CallOption) iter.Seq2[*Customer, error] {
	return list(s.c, ctx, OpCustomersList, params, opts, s.fetch)
}

// ListPage returns one page of customers; pass its NextCursor as
// params.Cursor for the next.
func (s *CustomerService) ListPage(ctx context.Context, params *ListCustomersParams, opts ...CallOption) (*Page[Customer], error) {
	return listPage(s.c, ctx, OpCustomersList, params, opts, s.fetch)
}

func (s *CustomerService) fetch(ctx context.Context, p *ListCustomersParams, ro *RequestOptions) (*Page[Customer], error) {
	return s.c.provider.ListCustomers(ctx, p, ro)
}

// copyOrZero returns a copy of *p, or a new zero value when p is nil, so
// that paging never changes the caller's params.
func copyOrZero[T any](p *T) *T {
	var v T
	if p != nil {
		v = *p
	}
	return &v
}
