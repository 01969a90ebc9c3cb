package paykit

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CustomerStore keeps the customers of a provider that has no customer
// object of its own (PayPal, GoPay, Monnify): the provider's customer
// operations are the store's, and its other objects name the store's
// customer ids. A store answers as a provider's customers do:
//
//   - Create gives the customer a new id ("cus_" and 20 random letters or
//     digits) and CreatedAt, with UpdatedAt nil, and keeps the email as
//     given. Emails are unique, compared without regard to case: an email
//     another customer has is an ErrInvalidState naming "email", on Create
//     and on Update; one freed by an Update or a Delete can be taken
//     again. With a non-empty idempotency key, a second Create with the
//     same key and the same params returns the customer the first one
//     created, as it is now (ErrNotFound once it is deleted); with other
//     params it is an ErrIdempotencyConflict. An empty key is no key. A
//     Create that fails records nothing, its key included. Keys are kept
//     for at least 24 hours.
//   - Retrieve, Update and Delete of an unknown or deleted id are
//     ErrNotFound. Update sets the fields that are set ("" included),
//     merges Metadata (a key set to "" is removed) and sets UpdatedAt,
//     never before CreatedAt.
//   - List returns the customers newest first (CreatedAt, then id, both
//     descending; an update does not move a customer), pages of
//     ListParams.Limit (10 when 0; above 100 or below 0 an ErrValidation
//     naming "limit") with HasMore true only when more customers follow,
//     and NextCursor, opaque, for the next page. A cursor stays good when
//     customers, its own included, are deleted: the pages after it list
//     each customer older than it that still exists, once, and none
//     listed before. Customers created meanwhile are newer, so they are
//     not listed. A cursor the store did not give is an ErrValidation
//     naming "cursor". With Email set, only the customer with that email
//     (without regard to case) is listed.
//   - Nil params of Create or Update, and an empty id, are an ErrValidation
//     naming "params" or "id"; a Create without an email, or an Update
//     setting it to "", is an ErrValidation naming "email", as the Client
//     refuses it (a provider's customer operations are called directly
//     too); nil params of List are the defaults. A call
//     whose context has ended returns an error matching ctx.Err() and
//     changes nothing. Times are UTC and kept to the microsecond. Returned
//     customers are copies, and so is what a store keeps of params.
//   - A store is safe for concurrent use: of concurrent Creates with one
//     email exactly one succeeds, and concurrent Creates with one key and
//     the same params all return one customer.
//
// The shape fits one SQL table (id primary key, a unique index on
// lower(email), an index on (created_at, id) for the order, the cursor
// being the last row's pair: WHERE (created_at, id) < ($1, $2) ORDER BY
// created_at DESC, id DESC) and one of idempotency keys (key primary key,
// customer id, params fingerprint, created_at) written in the customer's
// transaction. paykittest.RunCustomerStore is the contract suite every
// store passes; MemoryCustomerStore is the one for a single process.
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
	order   []listKey         // every customer, oldest first
	keys    map[string]storedKey
	keyList []string // keys, oldest first, for pruning
	now     func() time.Time
}

// listKey is where a customer is in the list, and what a cursor holds.
type listKey struct {
	at time.Time
	id string
}

func compareListKeys(a, b listKey) int {
	if c := a.at.Compare(b.at); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// encodeCursor makes k an opaque cursor: the microseconds and the id.
func encodeCursor(k listKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(k.at.UnixMicro(), 10) + "." + k.id))
}

func decodeCursor(cursor string) (listKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return listKey{}, false
	}
	micros, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(micros, 10, 64)
	if !ok || err != nil || !strings.HasPrefix(id, "cus_") {
		return listKey{}, false
	}
	return listKey{at: time.UnixMicro(n).UTC(), id: id}, true
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
	if params.Email == "" {
		return nil, ValidationError("email", "email is required")
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
	k := listKey{at: c.CreatedAt, id: c.ID}
	i, _ := slices.BinarySearchFunc(s.order, k, compareListKeys) // the end, unless the clock went back
	s.order = slices.Insert(s.order, i, k)
	if idempotencyKey != "" {
		s.keys[idempotencyKey] = storedKey{id: c.ID, fingerprint: fp, at: now}
		s.keyList = append(s.keyList, idempotencyKey)
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
	if params.Email != nil && *params.Email == "" {
		return nil, ValidationError("email", "email is required")
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
	if now.Before(c.CreatedAt) { // the clock went back
		now = c.CreatedAt
	}
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
	if i, found := slices.BinarySearchFunc(s.order, listKey{at: c.CreatedAt, id: id}, compareListKeys); found {
		s.order = slices.Delete(s.order, i, i+1)
	}
	return nil
}

// List implements CustomerStore. The cursor is the CreatedAt and id of
// the last customer of the previous page, so it outlives that customer.
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
		return nil, ValidationError("limit", "limit must be between 0 and 100")
	case limit == 0:
		limit = 10
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	end := len(s.order) // customers before end are listed, newest first
	if params.Cursor != "" {
		k, ok := decodeCursor(params.Cursor)
		if !ok {
			return nil, ValidationError("cursor", "unknown cursor")
		}
		end, _ = slices.BinarySearchFunc(s.order, k, compareListKeys)
	}
	page := &Page[Customer]{Data: []*Customer{}}
	email := strings.ToLower(params.Email)
	for i := end - 1; i >= 0; i-- {
		c := s.byID[s.order[i].id]
		if email != "" && strings.ToLower(c.Email) != email {
			continue
		}
		if len(page.Data) == limit {
			page.HasMore = true
			page.NextCursor = encodeCursor(listKey{at: page.Data[limit-1].CreatedAt, id: page.Data[limit-1].ID})
			break
		}
		page.Data = append(page.Data, cloneCustomer(c))
	}
	return page, nil
}

// pruneKeys forgets, oldest first, the idempotency keys older than their
// retention, at O(1) amortized cost per Create.
func (s *MemoryCustomerStore) pruneKeys(now time.Time) {
	n := 0
	for ; n < len(s.keyList); n++ {
		if now.Sub(s.keys[s.keyList[n]].at) <= idempotencyRetention {
			break
		}
		delete(s.keys, s.keyList[n])
	}
	s.keyList = s.keyList[n:]
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
