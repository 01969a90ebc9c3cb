package paykittest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

func storeListOrderAndLimits(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	if page := listPage(t, ctx, s, nil); len(page.Data) != 0 || page.HasMore {
		t.Fatalf("List of a new store found %d customers: newStore must return an empty store", len(page.Data))
	}
	var created []*paykit.Customer // oldest first
	for range 12 {
		created = append(created, create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, ""))
		time.Sleep(time.Millisecond) // distinct CreatedAt, so that the order is one
	}
	newest := idsOf(created)
	slices.Reverse(newest)

	for _, p := range []*paykit.ListCustomersParams{nil, {}} {
		page := listPage(t, ctx, s, p)
		if got := idsOf(page.Data); !slices.Equal(got, newest[:10]) {
			t.Errorf("List with Limit 0 = %v, want the 10 newest customers, newest first: %v", got, newest[:10])
		}
		if !page.HasMore || page.NextCursor == "" {
			t.Errorf("List with Limit 0 of 12 customers: HasMore %v, NextCursor %q; want more, with a cursor", page.HasMore, page.NextCursor)
		}
	}
	page := listPage(t, ctx, s, limit(5))
	if got := idsOf(page.Data); !slices.Equal(got, newest[:5]) {
		t.Errorf("List with Limit 5 = %v, want the 5 newest: %v", got, newest[:5])
	}
	page = listPage(t, ctx, s, limit(100))
	if got := idsOf(page.Data); !slices.Equal(got, newest) {
		t.Errorf("List with Limit 100 = %v, want all 12, newest first: %v", got, newest)
	}
	if page.HasMore {
		t.Error("List with Limit 100 of 12 customers says HasMore: HasMore is true only when more customers follow")
	}
	for i := 1; i < len(page.Data); i++ {
		if page.Data[i].CreatedAt.After(page.Data[i-1].CreatedAt) {
			t.Errorf("List is not newest first: %s (created %v) after %s (created %v)", page.Data[i].ID, page.Data[i].CreatedAt, page.Data[i-1].ID, page.Data[i-1].CreatedAt)
		}
	}
	if page := listPage(t, ctx, s, limit(12)); len(page.Data) != 12 || page.HasMore {
		t.Errorf("List with Limit 12 of 12 customers: %d customers, HasMore %v; want 12 and no more (HasMore is true only when more customers follow)", len(page.Data), page.HasMore)
	}

	// The order is that of creation: an update does not move a customer.
	if _, err := s.Update(ctx, created[0].ID, &paykit.UpdateCustomerParams{Name: paykit.String("Updated")}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := idsOf(listPage(t, ctx, s, limit(100)).Data); !slices.Equal(got, newest) {
		t.Errorf("List after updating the oldest customer = %v, want the order of creation, newest first: %v", got, newest)
	}

	for _, n := range []int{101, -1} {
		_, err := s.List(ctx, limit(n))
		wantCode(t, err, paykit.ErrValidation, "limit", "List with Limit "+strconv.Itoa(n))
	}
	_, err := s.List(ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Cursor: "not a cursor"}})
	wantCode(t, err, paykit.ErrValidation, "cursor", "List with a cursor the store never gave")
}

func storeListMaxLimit(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	for range 101 {
		create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	}
	page := listPage(t, ctx, s, limit(100))
	if len(page.Data) != 100 || !page.HasMore {
		t.Fatalf("List with Limit 100 of 101 customers: %d customers, HasMore %v; want 100 and more", len(page.Data), page.HasMore)
	}
	next := listPage(t, ctx, s, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 100, Cursor: page.NextCursor}})
	if len(next.Data) != 1 || next.HasMore {
		t.Errorf("the page after 100 of 101 customers: %d customers, HasMore %v; want the last one and no more", len(next.Data), next.HasMore)
	}
}

func storeListPages(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	for range 12 {
		create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	}
	all := idsOf(listPage(t, ctx, s, limit(100)).Data)
	for _, n := range []int{5, 12, 1} {
		var got []string
		pages := pageThrough(t, ctx, s, limit(n), func([]*paykit.Customer) {})
		for i, p := range pages {
			if want := min(n, 12-i*n); len(p) != want {
				t.Errorf("List with Limit %d: page %d has %d customers, want %d", n, i+1, len(p), want)
			}
			got = append(got, idsOf(p)...)
		}
		checkOnce(t, "pages of "+strconv.Itoa(n), got)
		if !slices.Equal(got, all) {
			t.Errorf("pages of %d yield %v, want every customer once, in the order of one page of 100: %v", n, got, all)
		}
	}
}

func storeListPagesWithDeletes(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	for range 12 {
		create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	}
	before := idsOf(listPage(t, ctx, s, limit(100)).Data)
	deleted := map[string]bool{}
	var added string
	var got []string
	pages := pageThrough(t, ctx, s, limit(4), func(page []*paykit.Customer) {
		if added != "" {
			return
		}
		// After the first page: delete its last customer (the one its
		// cursor follows), its first, and one not read yet; create one.
		read := idsOf(page)
		for _, id := range []string{read[len(read)-1], read[0], before[5]} {
			if err := s.Delete(ctx, id); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			deleted[id] = true
		}
		added = create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "").ID
	})
	for i, p := range pages {
		for _, id := range idsOf(p) {
			if i > 0 && deleted[id] {
				t.Errorf("pages with deletes between them: %s was listed after it was deleted", id)
			}
			got = append(got, id)
		}
	}
	checkOnce(t, "pages with deletes between them", got)
	for _, id := range before {
		if !deleted[id] && !slices.Contains(got, id) {
			t.Errorf("pages with deletes between them missed %s, which was never deleted: a cursor stays good when customers, its own included, are deleted", id)
		}
	}
}

func storeListEmail(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	local := "filter+" + randomSuffix()
	c := create(t, ctx, s, &paykit.CreateCustomerParams{Email: strings.ToUpper(local) + "@Example.com"}, "")
	for range 3 {
		create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	}
	byEmail := func(email string) []string {
		return idsOf(listAll(t, ctx, s, &paykit.ListCustomersParams{Email: email}))
	}
	if got := byEmail(local + "@example.COM"); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("List with Email %q = %v, want only %s (%s): the filter ignores case", local+"@example.COM", got, c.ID, c.Email)
	}
	if got := byEmail(uniqueEmail()); len(got) != 0 {
		t.Errorf("List with the Email of nobody = %v, want none", got)
	}
	moved := uniqueEmail()
	if _, err := s.Update(ctx, c.ID, &paykit.UpdateCustomerParams{Email: &moved}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := byEmail(local + "@example.com"); len(got) != 0 {
		t.Errorf("List with an email its customer no longer has = %v, want none", got)
	}
	if got := byEmail(moved); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("List with the email an Update gave = %v, want %s", got, c.ID)
	}
}

func storeConcurrency(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	const n = 20
	run := func(f func(i int) (*paykit.Customer, error)) ([]*paykit.Customer, []error) {
		cs, errs := make([]*paykit.Customer, n), make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				cs[i], errs[i] = f(i)
			})
		}
		close(start)
		wg.Wait()
		return cs, errs
	}

	email := "race+" + randomSuffix() + "@example.com"
	_, errs := run(func(i int) (*paykit.Customer, error) {
		e := email
		if i%2 == 1 {
			e = strings.ToUpper(email)
		}
		return s.Create(ctx, &paykit.CreateCustomerParams{Email: e}, "")
	})
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, paykit.ErrInvalidState) {
			wantCode(t, err, paykit.ErrInvalidState, "email", "concurrent Creates with one email")
			break
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent Creates with one email (in either case): %d succeeded, want exactly one (emails are unique)", n, ok)
	}

	key := "paykittest-" + randomSuffix()
	params := &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Racer"}
	cs, errs := run(func(int) (*paykit.Customer, error) { return s.Create(ctx, params, key) })
	ids := map[string]bool{}
	var failed []error
	for i, err := range errs {
		if err != nil {
			failed = append(failed, err)
			continue
		}
		ids[cs[i].ID] = true
	}
	if len(failed) > 0 {
		t.Errorf("%d concurrent Creates with one idempotency key and params: %d failed (the first with %v), want every one to return the same customer", n, len(failed), failed[0])
	}
	if len(ids) > 1 {
		t.Errorf("%d concurrent Creates with one idempotency key and params returned %d customers, want one", n, len(ids))
	}
	if got := listAll(t, ctx, s, &paykit.ListCustomersParams{Email: params.Email}); len(got) != 1 {
		t.Errorf("%d concurrent Creates with one idempotency key: the store holds %d customers with their email, want one", n, len(got))
	}

	cs, errs = run(func(int) (*paykit.Customer, error) {
		return s.Create(ctx, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "paykittest-"+randomSuffix())
	})
	ids = map[string]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent Creates with their own emails and keys: %v", err)
		}
		ids[cs[i].ID] = true
	}
	if len(ids) != n {
		t.Errorf("%d concurrent Creates with their own emails made %d distinct customers, want %d", n, len(ids), n)
	}

	// Updates, reads, lists and deletes at once, for the race detector.
	_, errs = run(func(i int) (*paykit.Customer, error) {
		id := cs[i].ID
		if _, err := s.Update(ctx, id, &paykit.UpdateCustomerParams{Metadata: map[string]string{"i": strconv.Itoa(i)}}); err != nil {
			return nil, err
		}
		if _, err := s.List(ctx, limit(5)); err != nil {
			return nil, err
		}
		if i%2 == 0 {
			return nil, s.Delete(ctx, id)
		}
		return s.Retrieve(ctx, id)
	})
	if err := errors.Join(errs...); err != nil {
		t.Errorf("concurrent updates, lists, retrieves and deletes: %v", err)
	}
}

// pageThrough lists every page from p on, calling between after each
// page but the last, and returns the pages. It fails on an error, on a
// page that claims more without a cursor, and on an endless list.
func pageThrough(t *testing.T, ctx context.Context, s paykit.CustomerStore, p *paykit.ListCustomersParams, between func([]*paykit.Customer)) [][]*paykit.Customer {
	t.Helper()
	q := *p
	var pages [][]*paykit.Customer
	for range 1000 {
		page, err := s.List(ctx, &q)
		switch {
		case err != nil && q.Cursor != "":
			t.Fatalf("List with the NextCursor of the page before: %v", err)
		case err != nil:
			t.Fatalf("List: %v", err)
		}
		checkPage(t, page)
		pages = append(pages, page.Data)
		if !page.HasMore {
			return pages
		}
		if page.NextCursor == "" || page.NextCursor == q.Cursor {
			t.Fatalf("List returned a page with HasMore and cursor %q after cursor %q: each page with more gives a new cursor", page.NextCursor, q.Cursor)
		}
		between(page.Data)
		q.Cursor = page.NextCursor
	}
	t.Fatal("List still has more after 1000 pages")
	return nil
}

// listAll returns every customer of p's pages.
func listAll(t *testing.T, ctx context.Context, s paykit.CustomerStore, p *paykit.ListCustomersParams) []*paykit.Customer {
	t.Helper()
	if p == nil {
		p = &paykit.ListCustomersParams{}
	}
	var all []*paykit.Customer
	for _, page := range pageThrough(t, ctx, s, p, func([]*paykit.Customer) {}) {
		all = append(all, page...)
	}
	return all
}

func listPage(t *testing.T, ctx context.Context, s paykit.CustomerStore, p *paykit.ListCustomersParams) *paykit.Page[paykit.Customer] {
	t.Helper()
	page, err := s.List(ctx, p)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	checkPage(t, page)
	return page
}

// checkPage fails for a nil page or a nil customer in it.
func checkPage(t *testing.T, page *paykit.Page[paykit.Customer]) {
	t.Helper()
	if page == nil {
		t.Fatal("List returned no page and no error")
	}
	for _, c := range page.Data {
		if c == nil {
			t.Fatal("List returned a page holding nil")
		}
	}
}

// checkOnce fails for every id listed more than once.
func checkOnce(t *testing.T, what string, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("%s: customer %s was listed twice: pages yield every customer once", what, id)
		}
		seen[id] = true
	}
}

func limit(n int) *paykit.ListCustomersParams {
	return &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: n}}
}
