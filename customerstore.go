package paykit

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// CustomerStore keeps the customers of a provider that has no customer
// object of its own (PayPal, GoPay, Monnify): the provider's customer
// operations are the store's, and its other objects name the store's
// customer ids. A store answers as a provider's customers do:
//
//   - Create gives the customer a new id ("cus_" and 20 random characters)
//     and CreatedAt, with UpdatedAt nil. Emails are unique, compared
//     without regard to case: an email another customer has is an
//     ErrInvalidState naming "email". With a non-empty idempotency key,
//     a second Create with the same key and the same params returns the
//     customer the first one created, as it is now (ErrNotFound once it
//     is deleted); with other params it is an ErrIdempotencyConflict. Keys
//     are kept for at least 24 hours.
//   - Retrieve, Update and Delete of an unknown or deleted id are
//     ErrNotFound. Update sets the fields that are set, merges Metadata
//     (a key set to "" is removed) and sets UpdatedAt.
//   - List returns the customers newest first, pages of ListParams.Limit
//     (10 when 0, at most 100) with an opaque cursor, only the one with
//     Email when that is set.
//   - Nil params of Create or Update, and an empty id, are an ErrValidation
//     naming "params" or "id". Times are UTC and kept to the microsecond.
//
// The shape fits one SQL table (id primary key, a unique index on the
// lower-cased email, created_at for the order) and one of idempotency keys.
// paykittest.RunCustomerStore is the contract suite every store passes;
// MemoryCustomerStore is the one for a single process.
type CustomerStore interface {
	// Create stores a new customer made of params.
	Create(ctx context.Context, params *CreateCustomerParams, idempotencyKey string) (*Customer, error)
	// Retrieve returns the customer with id.
	Retrieve(ctx context.Context, id string) (*Customer, error)
	// Update changes the fields of params that are set.
	Update(ctx context.Context, id string, params *UpdateCustomerParams) (*Customer, error)
	// Delete removes the customer with id.
	Delete(ctx context.Context, id string) error
	// List returns one page of customers, newest first.
	List(ctx context.Context, params *ListCustomersParams) (*Page[Customer], error)
}

// MemoryCustomerStore is the in-memory CustomerStore, for one process: its
// customers are gone when the process ends. It is safe for concurrent use.
type MemoryCustomerStore struct {
	mu      sync.Mutex
	byID    map[string]*Customer
	byEmail map[string]string // lower-cased email -> id
	order   []string          // ids, oldest first
	keys    map[string]storedKey
	now     func() time.Time
}

type storedKey struct {
	id          string
	fingerprint string
	at          time.Time
}

// idempotencyRetention is how long a store keeps an idempotency key.
const idempotencyRetention = 24 * time.Hour

// NewMemoryCustomerStore returns an empty MemoryCustomerStore.
func NewMemoryCustomerStore() *MemoryCustomerStore {
	return &MemoryCustomerStore{byID: map[string]*Customer{}, byEmail: map[string]string{}, keys: map[string]storedKey{}, now: time.Now}
}

func (s *MemoryCustomerStore) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Create implements CustomerStore.
func (s *MemoryCustomerStore) Create(ctx context.Context, params *CreateCustomerParams, idempotencyKey string) (*Customer, error) {
	if err := RequireParams(params); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ContextError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	s.pruneKeys(now)
	fp := customerFingerprint(params)
	if idempotencyKey != "" {
		if k, ok := s.keys[idempotencyKey]; ok {
			if k.fingerprint != fp {
				return nil, &Error{Code: CodeIdempotencyConflict, Param: "idempotency_key", Message: "this idempotency key was used with other params"}
			}
			c, ok := s.byID[k.id]
			if !ok {
				return nil, NotFoundError("customer", k.id)
			}
			return cloneCustomer(c), nil
		}
	}
	email := strings.ToLower(params.Email)
	if _, taken := s.byEmail[email]; taken {
		return nil, &Error{Code: CodeInvalidState, Param: "email", Message: "another customer has this email"}
	}
	c := &Customer{ID: newCustomerID(), Email: params.Email, Name: params.Name, Phone: params.Phone,
		Metadata: mergeStoreMetadata(nil, params.Metadata), CreatedAt: now}
	s.byID[c.ID] = c
	s.byEmail[email] = c.ID
	s.order = append(s.order, c.ID)
	if idempotencyKey != "" {
		s.keys[idempotencyKey] = storedKey{id: c.ID, fingerprint: fp, at: now}
	}
	return cloneCustomer(c), nil
}

// Retrieve implements CustomerStore.
func (s *MemoryCustomerStore) Retrieve(ctx context.Context, id string) (*Customer, error) {
	if err := RequireID(id); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ContextError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byID[id]
	if !ok {
		return nil, NotFoundError("customer", id)
	}
	return cloneCustomer(c), nil
}

// Update implements CustomerStore.
func (s *MemoryCustomerStore) Update(ctx context.Context, id string, params *UpdateCustomerParams) (*Customer, error) {
	if err := RequireID(id); err != nil {
		return nil, err
	}
	if err := RequireParams(params); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ContextError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byID[id]
	if !ok {
		return nil, NotFoundError("customer", id)
	}
	if params.Email != nil {
		email := strings.ToLower(*params.Email)
		if other, taken := s.byEmail[email]; taken && other != id {
			return nil, &Error{Code: CodeInvalidState, Param: "email", Message: "another customer has this email"}
		}
		delete(s.byEmail, strings.ToLower(c.Email))
		s.byEmail[email] = id
		c.Email = *params.Email
	}
	if params.Name != nil {
		c.Name = *params.Name
	}
	if params.Phone != nil {
		c.Phone = *params.Phone
	}
	c.Metadata = mergeStoreMetadata(c.Metadata, params.Metadata)
	now := s.clock()
	c.UpdatedAt = &now
	return cloneCustomer(c), nil
}

// Delete implements CustomerStore.
func (s *MemoryCustomerStore) Delete(ctx context.Context, id string) error {
	if err := RequireID(id); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return ContextError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byID[id]
	if !ok {
		return NotFoundError("customer", id)
	}
	delete(s.byID, id)
	delete(s.byEmail, strings.ToLower(c.Email))
	s.order = slices.DeleteFunc(s.order, func(o string) bool { return o == id })
	return nil
}

// List implements CustomerStore. The cursor is the id of the last
// customer of the previous page.
func (s *MemoryCustomerStore) List(ctx context.Context, params *ListCustomersParams) (*Page[Customer], error) {
	if params == nil {
		params = &ListCustomersParams{}
	}
	if err := ctx.Err(); err != nil {
		return nil, ContextError(err)
	}
	limit := params.Limit
	switch {
	case limit < 0 || limit > 100:
		return nil, ValidationError("limit", "limit must be between 1 and 100")
	case limit == 0:
		limit = 10
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	start := len(s.order) - 1 // newest first
	if params.Cursor != "" {
		i := slices.Index(s.order, params.Cursor)
		if i < 0 {
			return nil, ValidationError("cursor", "unknown cursor")
		}
		start = i - 1
	}
	page := &Page[Customer]{Data: []*Customer{}}
	email := strings.ToLower(params.Email)
	for i := start; i >= 0; i-- {
		c := s.byID[s.order[i]]
		if email != "" && strings.ToLower(c.Email) != email {
			continue
		}
		if len(page.Data) == limit {
			page.HasMore = true
			break
		}
		page.Data = append(page.Data, cloneCustomer(c))
		page.NextCursor = c.ID
	}
	if !page.HasMore {
		page.NextCursor = ""
	}
	return page, nil
}

// pruneKeys forgets idempotency keys older than their retention.
func (s *MemoryCustomerStore) pruneKeys(now time.Time) {
	for k, v := range s.keys {
		if now.Sub(v.at) > idempotencyRetention {
			delete(s.keys, k)
		}
	}
}

// customerFingerprint is what two creates with one idempotency key must
// share: every field a store keeps.
func customerFingerprint(p *CreateCustomerParams) string {
	var b strings.Builder
	for _, f := range []string{p.Email, p.Name, p.Phone} {
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(f)))
		b.WriteByte('.')
	}
	for _, k := range slices.Sorted(maps.Keys(p.Metadata)) {
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(k)))
		b.WriteByte('=')
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(p.Metadata[k])))
		b.WriteByte('.')
	}
	return b.String()
}

// mergeStoreMetadata applies update to dst: "" removes a key. It returns
// nil when no key is left.
func mergeStoreMetadata(dst, update map[string]string) map[string]string {
	for k, v := range update {
		if v == "" {
			delete(dst, k)
			continue
		}
		if dst == nil {
			dst = map[string]string{}
		}
		dst[k] = v
	}
	if len(dst) == 0 {
		return nil
	}
	return dst
}

func cloneCustomer(c *Customer) *Customer {
	cp := *c
	cp.Metadata = maps.Clone(c.Metadata)
	if c.UpdatedAt != nil {
		t := *c.UpdatedAt
		cp.UpdatedAt = &t
	}
	return &cp
}

func newCustomerID() string { return "cus_" + rand.Text()[:20] }
