package paykittest_test

import (
	"context"
	"maps"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
)

func TestMemoryCustomerStoreConforms(t *testing.T) {
	paykittest.RunCustomerStore(t, func(*testing.T) paykit.CustomerStore { return paykit.NewMemoryCustomerStore() })
}

// naiveStore is a second CustomerStore, as plain as one can be: a slice
// under a mutex, its cursor a sequence number. With no flaw it passes the
// suite; each flaw breaks one rule.
type naiveStore struct {
	flaw string
	mu   sync.Mutex
	seq  int
	rows []naiveRow // oldest first
	keys map[string]naiveKey
}

type naiveRow struct {
	seq int
	c   *paykit.Customer
}

type naiveKey struct {
	id     string
	params paykit.CreateCustomerParams
}

func (s *naiveStore) copyOf(c *paykit.Customer) *paykit.Customer {
	if s.flaw == "internal-maps" {
		return c
	}
	cp := *c
	cp.Metadata = maps.Clone(c.Metadata)
	if c.UpdatedAt != nil {
		at := *c.UpdatedAt
		cp.UpdatedAt = &at
	}
	return &cp
}

// naiveCheck returns the first of the argument errors, or that of an
// ended ctx.
func naiveCheck(ctx context.Context, argErrs ...error) error {
	for _, err := range argErrs {
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return paykit.ContextError(err)
	}
	return nil
}

// find returns the index of the row of id, or -1.
func (s *naiveStore) find(id string) int {
	for i, r := range s.rows {
		if r.c.ID == id {
			return i
		}
	}
	return -1
}

func (s *naiveStore) emailTaken(email, except string) bool {
	if s.flaw == "duplicate-emails" {
		return false
	}
	for _, r := range s.rows {
		if strings.EqualFold(r.c.Email, email) && r.c.ID != except {
			return true
		}
	}
	return false
}

func (s *naiveStore) Create(ctx context.Context, p *paykit.CreateCustomerParams, key string) (*paykit.Customer, error) {
	if err := naiveCheck(ctx, paykit.RequireParams(p)); err != nil {
		return nil, err
	}
	if p.Email == "" {
		return nil, paykit.ValidationError("email", "email is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[key]; ok && key != "" && s.flaw != "replay-creates" {
		if k.params.Email != p.Email || k.params.Name != p.Name || k.params.Phone != p.Phone || !maps.Equal(k.params.Metadata, p.Metadata) {
			return nil, paykit.NewError(paykit.CodeIdempotencyConflict, "key used with other params")
		}
		if i := s.find(k.id); i >= 0 {
			return s.copyOf(s.rows[i].c), nil
		}
		return nil, paykit.NotFoundError("customer", k.id)
	}
	if s.emailTaken(p.Email, "") {
		return nil, &paykit.Error{Code: paykit.CodeInvalidState, Param: "email", Message: "email taken"}
	}
	meta := p.Metadata
	if s.flaw != "internal-maps" {
		meta = maps.Clone(meta)
	}
	s.seq++
	c := &paykit.Customer{ID: "cus_" + strings.Repeat("0", 20-len(strconv.Itoa(s.seq))) + strconv.Itoa(s.seq),
		Email: p.Email, Name: p.Name, Phone: p.Phone, Metadata: meta, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	s.rows = append(s.rows, naiveRow{seq: s.seq, c: c})
	if key != "" {
		s.keys[key] = naiveKey{id: c.ID, params: *p}
	}
	return s.copyOf(c), nil
}

func (s *naiveStore) Retrieve(ctx context.Context, id string) (*paykit.Customer, error) {
	if err := naiveCheck(ctx, paykit.RequireID(id)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.find(id); i >= 0 {
		return s.copyOf(s.rows[i].c), nil
	}
	return nil, paykit.NotFoundError("customer", id)
}

func (s *naiveStore) Update(ctx context.Context, id string, p *paykit.UpdateCustomerParams) (*paykit.Customer, error) {
	if err := naiveCheck(ctx, paykit.RequireID(id), paykit.RequireParams(p)); err != nil {
		return nil, err
	}
	if p.Email != nil && *p.Email == "" {
		return nil, paykit.ValidationError("email", "email is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return nil, paykit.NotFoundError("customer", id)
	}
	c := s.rows[i].c
	if p.Email != nil && s.emailTaken(*p.Email, id) {
		return nil, &paykit.Error{Code: paykit.CodeInvalidState, Param: "email", Message: "email taken"}
	}
	for field, v := range map[*string]*string{&c.Email: p.Email, &c.Name: p.Name, &c.Phone: p.Phone} {
		if v != nil {
			*field = *v
		}
	}
	for k, v := range p.Metadata {
		if c.Metadata == nil {
			c.Metadata = map[string]string{}
		}
		c.Metadata[k] = v
		if v == "" {
			delete(c.Metadata, k)
		}
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	c.UpdatedAt = &now
	return s.copyOf(c), nil
}

func (s *naiveStore) Delete(ctx context.Context, id string) error {
	if err := naiveCheck(ctx, paykit.RequireID(id)); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return paykit.NotFoundError("customer", id)
	}
	s.rows = append(s.rows[:i], s.rows[i+1:]...)
	return nil
}

func (s *naiveStore) List(ctx context.Context, p *paykit.ListCustomersParams) (*paykit.Page[paykit.Customer], error) {
	if p == nil {
		p = &paykit.ListCustomersParams{}
	}
	if err := naiveCheck(ctx); err != nil {
		return nil, err
	}
	limit := p.Limit
	if limit < 0 || limit > 100 {
		return nil, paykit.ValidationError("limit", "limit out of range")
	} else if limit == 0 {
		limit = 10
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	before := s.seq + 1 // rows with a lower seq are listed
	if p.Cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(p.Cursor, "seq:"))
		if err != nil || !strings.HasPrefix(p.Cursor, "seq:") {
			return nil, paykit.ValidationError("cursor", "unknown cursor")
		}
		before = n
	}
	page := &paykit.Page[paykit.Customer]{}
	var seqs []int
	for i := len(s.rows) - 1; i >= 0; i-- {
		r := s.rows[i]
		if r.seq >= before || p.Email != "" && !strings.EqualFold(r.c.Email, p.Email) {
			continue
		}
		if len(page.Data) == limit {
			page.HasMore = true
			last := seqs[len(seqs)-1]
			if s.flaw == "repeats-across-pages" {
				last++ // off by one: the next page starts at this page's last customer
			}
			page.NextCursor = "seq:" + strconv.Itoa(last)
			break
		}
		page.Data = append(page.Data, s.copyOf(r.c))
		seqs = append(seqs, r.seq)
	}
	return page, nil
}

func newNaiveStore(flaw string) func(*testing.T) paykit.CustomerStore {
	return func(*testing.T) paykit.CustomerStore { return &naiveStore{flaw: flaw, keys: map[string]naiveKey{}} }
}

func TestNaiveCustomerStoreConforms(t *testing.T) {
	if os.Getenv("PAYKITTEST_STORE_FLAW") != "" {
		return
	}
	paykittest.RunCustomerStore(t, newNaiveStore(""))
}

// TestFlawedCustomerStore is run in a child process by
// TestCustomerStoreSuiteCatchesFlaws, with one flaw at a time.
func TestFlawedCustomerStore(t *testing.T) {
	flaw := os.Getenv("PAYKITTEST_STORE_FLAW")
	if flaw == "" {
		return
	}
	paykittest.RunCustomerStore(t, newNaiveStore(flaw))
}

// TestCustomerStoreSuiteCatchesFlaws proves the suite can fail: each
// flawed store must fail it, with the failures that name its broken rule.
func TestCustomerStoreSuiteCatchesFlaws(t *testing.T) {
	want := map[string][]string{
		"duplicate-emails": {
			"--- FAIL: TestFlawedCustomerStore/UniqueEmails",
			"emails are unique: Create with the email of another customer: got error <nil>, want one matching CONSTRAINT_VIOLATION",
			"20 concurrent Creates with one email (in either case): 20 succeeded, want exactly one (emails are unique)",
		},
		"repeats-across-pages": {
			"--- FAIL: TestFlawedCustomerStore/ListPages ",
			"pages of 5: customer cus_00000000000000000008 was listed twice: pages yield every customer once",
			"pages with deletes between them: customer cus_",
		},
		"internal-maps": {
			"--- FAIL: TestFlawedCustomerStore/Copies",
			"changing the params' Metadata map after Create changed the stored customer",
			"returned customers and kept params must be copies, not the store's own maps",
		},
		"replay-creates": {
			"--- FAIL: TestFlawedCustomerStore/Idempotency",
			"idempotency: a second Create with the same key and params returned paykit: CONSTRAINT_VIOLATION: email",
			"idempotency: the key of a deleted customer (cus_",
			"20 concurrent Creates with one idempotency key and params: 19 failed (the first with paykit: CONSTRAINT_VIOLATION: email",
		},
	}
	for flaw, msgs := range want {
		t.Run(flaw, func(t *testing.T) {
			out, err := runChild("TestFlawedCustomerStore", "PAYKITTEST_STORE_FLAW", flaw)
			if err == nil {
				t.Fatalf("the customer store suite passed a store with flaw %q:\n%s", flaw, out)
			}
			for _, msg := range msgs {
				if !strings.Contains(string(out), msg) {
					t.Errorf("flaw %q failed the suite, but not with %q:\n%s", flaw, msg, out)
				}
			}
		})
	}
}
