package paykittest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// RunCustomerStore runs the contract suite every paykit.CustomerStore
// passes (the interface's doc is the contract), one subtest per rule:
// create and retrieve round trips, returned customers that are copies,
// unique emails, idempotency keys, updates, deletes, list order, limits,
// pages and the email filter, argument and context errors, and concurrent
// creates. newStore returns a new, empty store for one subtest; a store on
// a database empties its tables there. The subtests do not run in
// parallel, so one database may serve them all. Run it with -race.
//
//	func TestCustomerStore(t *testing.T) {
//		paykittest.RunCustomerStore(t, func(*testing.T) paykit.CustomerStore {
//			return paykit.NewMemoryCustomerStore()
//		})
//	}
func RunCustomerStore(t *testing.T, newStore func(t *testing.T) paykit.CustomerStore) {
	t.Helper()
	if newStore == nil {
		t.Fatal("paykittest: RunCustomerStore needs newStore")
	}
	steps := []struct {
		name string
		run  func(*testing.T, paykit.CustomerStore)
	}{
		{"CreateRetrieve", storeCreateRetrieve},
		{"Copies", storeCopies},
		{"UniqueEmails", storeUniqueEmails},
		{"Idempotency", storeIdempotency},
		{"Update", storeUpdate},
		{"Delete", storeDelete},
		{"ListOrderAndLimits", storeListOrderAndLimits},
		{"ListMaxLimit", storeListMaxLimit},
		{"ListPages", storeListPages},
		{"ListPagesWithDeletes", storeListPagesWithDeletes},
		{"ListEmail", storeListEmail},
		{"Arguments", storeArguments},
		{"ContextCanceled", storeContextCanceled},
		{"Concurrency", storeConcurrency},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			st.run(t, s)
		})
	}
}

func storeCreateRetrieve(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	email := "Round.Trip+" + randomSuffix() + "@Example.com"
	in := &paykit.CreateCustomerParams{Email: email, Name: "Jane Doe", Phone: "+1 234 567", Metadata: map[string]string{"plan": "pro", "team": "a"}}
	before := time.Now()
	c := create(t, ctx, s, in, "")
	after := time.Now()
	if c.Email != email || c.Name != "Jane Doe" || c.Phone != "+1 234 567" || !sameMetadata(c.Metadata, in.Metadata) {
		t.Errorf("Create returned %s, want the email (as given), name, phone and metadata it was given", show(c))
	}
	checkID(t, "Create", c.ID)
	checkTime(t, "Create: CreatedAt", c.CreatedAt)
	if c.CreatedAt.Before(before.Add(-time.Minute)) || c.CreatedAt.After(after.Add(time.Minute)) {
		t.Errorf("Create: CreatedAt = %v, want the time of the call (%v)", c.CreatedAt, before.UTC())
	}
	if c.UpdatedAt != nil {
		t.Errorf("Create: UpdatedAt = %v, want nil for a customer never updated", *c.UpdatedAt)
	}
	got := retrieve(t, ctx, s, c.ID)
	if diff := customerDiff(got, c); diff != "" {
		t.Errorf("Retrieve after Create: %s", diff)
	}
	checkTime(t, "Retrieve: CreatedAt", got.CreatedAt)
	ids := map[string]bool{c.ID: true}
	for range 20 {
		o := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
		checkID(t, "Create", o.ID)
		if ids[o.ID] {
			t.Fatalf("Create gave the id %s twice: ids must be unique", o.ID)
		}
		ids[o.ID] = true
	}
	_, err := s.Retrieve(ctx, newMissingCustomerID())
	wantCode(t, err, paykit.ErrNotFound, "", "Retrieve of an unknown id")
}

func storeCopies(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	meta := map[string]string{"plan": "pro"}
	c := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail(), Metadata: meta}, "")
	meta["plan"] = "changed by the caller"
	checkUnchanged(t, ctx, s, c.ID, "pro", "changing the params' Metadata map after Create")

	c.Metadata["plan"] = "changed by the caller"
	checkUnchanged(t, ctx, s, c.ID, "pro", "changing the Metadata map of the customer Create returned")

	got := retrieve(t, ctx, s, c.ID)
	got.Metadata["plan"] = "changed by the caller"
	checkUnchanged(t, ctx, s, c.ID, "pro", "changing the Metadata map of the customer Retrieve returned")

	upd := map[string]string{"tier": "gold"}
	u, err := s.Update(ctx, c.ID, &paykit.UpdateCustomerParams{Metadata: upd})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	upd["tier"] = "changed by the caller"
	u.Metadata["plan"] = "changed by the caller"
	checkUnchanged(t, ctx, s, c.ID, "pro", "changing the Metadata map of the customer Update returned, or the params' map")
	if got := retrieve(t, ctx, s, c.ID); got.Metadata["tier"] != "gold" {
		t.Errorf("changing the params' Metadata map after Update changed the stored customer: tier = %q, want \"gold\" (the store keeps the caller's map, not a copy)", got.Metadata["tier"])
	}
	if u.UpdatedAt != nil {
		*u.UpdatedAt = time.Time{}
		if got := retrieve(t, ctx, s, c.ID); got.UpdatedAt == nil || got.UpdatedAt.IsZero() {
			t.Error("changing *UpdatedAt of the customer Update returned changed the stored customer: the store returns its own time, not a copy")
		}
	}

	page, err := s.List(ctx, nil)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if page == nil || len(page.Data) != 1 {
		t.Fatalf("List of a store with one customer returned %v", page)
	}
	page.Data[0].Metadata["plan"] = "changed by the caller"
	checkUnchanged(t, ctx, s, c.ID, "pro", "changing the Metadata map of a customer List returned")
}

// checkUnchanged fails when the stored customer id no longer has plan in
// its metadata after what the caller did.
func checkUnchanged(t *testing.T, ctx context.Context, s paykit.CustomerStore, id, plan, what string) {
	t.Helper()
	if got := retrieve(t, ctx, s, id); got.Metadata["plan"] != plan {
		t.Errorf("%s changed the stored customer: metadata plan = %q, want %q (returned customers and kept params must be copies, not the store's own maps)", what, got.Metadata["plan"], plan)
	}
}

func storeUniqueEmails(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	local := "unique+" + randomSuffix()
	a := create(t, ctx, s, &paykit.CreateCustomerParams{Email: local + "@example.com"}, "")
	_, err := s.Create(ctx, &paykit.CreateCustomerParams{Email: local + "@example.com"}, "")
	wantCode(t, err, paykit.ErrInvalidState, "email", "emails are unique: Create with the email of another customer")
	_, err = s.Create(ctx, &paykit.CreateCustomerParams{Email: strings.ToUpper(local) + "@EXAMPLE.com"}, "")
	wantCode(t, err, paykit.ErrInvalidState, "email", "emails are unique without regard to case: Create with the email of another customer in capitals")

	b := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	_, err = s.Update(ctx, b.ID, &paykit.UpdateCustomerParams{Email: paykit.String(strings.ToUpper(local) + "@Example.COM")})
	wantCode(t, err, paykit.ErrInvalidState, "email", "emails are unique without regard to case: Update to the email of another customer in capitals")
	if got := retrieve(t, ctx, s, b.ID); got.Email != b.Email {
		t.Errorf("a refused Update changed the email to %q", got.Email)
	}

	// A customer may change the case of its own email.
	own := strings.ToUpper(local) + "@example.com"
	if _, err := s.Update(ctx, a.ID, &paykit.UpdateCustomerParams{Email: &own}); err != nil {
		t.Errorf("Update of a customer's email to itself in capitals: %v, want no error (the email is the customer's own)", err)
	}

	// An email freed by an update, or by a delete, can be taken again.
	oldB := b.Email
	if _, err := s.Update(ctx, b.ID, &paykit.UpdateCustomerParams{Email: paykit.String(uniqueEmail())}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if _, err := s.Create(ctx, &paykit.CreateCustomerParams{Email: oldB}, ""); err != nil {
		t.Errorf("Create with the email another customer had before an Update changed it: %v, want no error (the email is free again)", err)
	}
	if err := s.Delete(ctx, a.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Create(ctx, &paykit.CreateCustomerParams{Email: local + "@example.com"}, ""); err != nil {
		t.Errorf("Create with the email of a deleted customer: %v, want no error (a delete frees the email)", err)
	}
}

func storeIdempotency(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	key := "paykittest-" + randomSuffix()
	params := &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Once", Metadata: map[string]string{"k": "v"}}
	first := create(t, ctx, s, params, key)
	renamed, err := s.Update(ctx, first.ID, &paykit.UpdateCustomerParams{Name: paykit.String("Renamed")})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	again, err := s.Create(ctx, params, key)
	switch {
	case err != nil:
		t.Errorf("idempotency: a second Create with the same key and params returned %v, want the customer the first created (%s)", err, first.ID)
	case again.ID != first.ID:
		t.Errorf("idempotency: a second Create with the same key and params created customer %s, want the first one (%s) replayed", again.ID, first.ID)
	default:
		if diff := customerDiff(again, renamed); diff != "" {
			t.Errorf("idempotency: the replayed customer is not the first as it is now (after an Update): %s", diff)
		}
	}

	_, err = s.Create(ctx, &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Once", Metadata: map[string]string{"k": "v"}}, key)
	wantCode(t, err, paykit.ErrIdempotencyConflict, "", "idempotency: the same key with another email")
	_, err = s.Create(ctx, &paykit.CreateCustomerParams{Email: params.Email, Name: "Other", Metadata: map[string]string{"k": "v"}}, key)
	wantCode(t, err, paykit.ErrIdempotencyConflict, "", "idempotency: the same key with another name")
	_, err = s.Create(ctx, &paykit.CreateCustomerParams{Email: params.Email, Name: "Once", Metadata: map[string]string{"k": "w"}}, key)
	wantCode(t, err, paykit.ErrIdempotencyConflict, "", "idempotency: the same key with other metadata")

	second := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Once"}, "paykittest-"+randomSuffix())
	if second.ID == first.ID {
		t.Errorf("idempotency: two keys, two emails, one customer (%s)", first.ID)
	}

	// An empty key is no key: the same params again are a new customer,
	// refused here only because the email is taken.
	plain := &paykit.CreateCustomerParams{Email: uniqueEmail()}
	p1 := create(t, ctx, s, plain, "")
	p2, err := s.Create(ctx, plain, "")
	if err == nil {
		t.Errorf("idempotency: an empty key replayed customer %s (first %s): without a key, Create with a taken email is ErrInvalidState", p2.ID, p1.ID)
	} else {
		wantCode(t, err, paykit.ErrInvalidState, "email", "idempotency: a second Create without a key and with a taken email")
	}

	// A Create that fails records nothing, its key included.
	failKey := "paykittest-" + randomSuffix()
	_, err = s.Create(ctx, &paykit.CreateCustomerParams{Email: plain.Email}, failKey)
	wantCode(t, err, paykit.ErrInvalidState, "email", "idempotency: Create with a key and a taken email")
	if _, err := s.Create(ctx, &paykit.CreateCustomerParams{Email: uniqueEmail()}, failKey); err != nil {
		t.Errorf("idempotency: the key of a Create that failed was kept: the same key with other params then returned %v, want a new customer", err)
	}

	goneKey := "paykittest-" + randomSuffix()
	goneParams := &paykit.CreateCustomerParams{Email: uniqueEmail()}
	gone := create(t, ctx, s, goneParams, goneKey)
	if err := s.Delete(ctx, gone.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	c, err := s.Create(ctx, goneParams, goneKey)
	if err == nil {
		t.Errorf("idempotency: the key of a deleted customer (%s) created customer %s, want ErrNotFound", gone.ID, c.ID)
	} else {
		wantCode(t, err, paykit.ErrNotFound, "", "idempotency: the key of a deleted customer")
	}
}

func storeUpdate(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	c := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Jane", Phone: "+1 555", Metadata: map[string]string{"a": "1", "b": "2"}}, "")
	want := *c
	step := func(what string, p *paykit.UpdateCustomerParams, change func(*paykit.Customer)) *paykit.Customer {
		t.Helper()
		got, err := s.Update(ctx, c.ID, p)
		if err != nil {
			t.Fatalf("Update (%s): %v", what, err)
		}
		change(&want)
		want.UpdatedAt = got.UpdatedAt
		if diff := customerDiff(got, &want); diff != "" {
			t.Errorf("Update (%s): %s", what, diff)
		}
		if got.UpdatedAt == nil {
			t.Errorf("Update (%s): UpdatedAt is nil, want the time of the update", what)
		} else {
			checkTime(t, "Update: UpdatedAt", *got.UpdatedAt)
			if got.UpdatedAt.Before(got.CreatedAt) {
				t.Errorf("Update (%s): UpdatedAt %v is before CreatedAt %v", what, *got.UpdatedAt, got.CreatedAt)
			}
		}
		if diff := customerDiff(retrieve(t, ctx, s, c.ID), got); diff != "" {
			t.Errorf("Retrieve after Update (%s): %s", what, diff)
		}
		return got
	}
	email := uniqueEmail()
	step("Email", &paykit.UpdateCustomerParams{Email: &email}, func(w *paykit.Customer) { w.Email = email })
	step("Name", &paykit.UpdateCustomerParams{Name: paykit.String("Jane Smith")}, func(w *paykit.Customer) { w.Name = "Jane Smith" })
	step("Phone", &paykit.UpdateCustomerParams{Phone: paykit.String("+44 20")}, func(w *paykit.Customer) { w.Phone = "+44 20" })
	step("Name and Phone set to empty", &paykit.UpdateCustomerParams{Name: paykit.String(""), Phone: paykit.String("")}, func(w *paykit.Customer) { w.Name, w.Phone = "", "" })
	step("Metadata merged, \"\" removes a key", &paykit.UpdateCustomerParams{Metadata: map[string]string{"b": "", "c": "3"}},
		func(w *paykit.Customer) { w.Metadata = map[string]string{"a": "1", "c": "3"} })
	first := step("nothing set", &paykit.UpdateCustomerParams{}, func(*paykit.Customer) {})
	last := step("every key removed", &paykit.UpdateCustomerParams{Metadata: map[string]string{"a": "", "c": ""}}, func(w *paykit.Customer) { w.Metadata = nil })
	if first.UpdatedAt != nil && last.UpdatedAt != nil && last.UpdatedAt.Before(*first.UpdatedAt) {
		t.Errorf("Update: UpdatedAt went back from %v to %v", *first.UpdatedAt, *last.UpdatedAt)
	}
	_, err := s.Update(ctx, newMissingCustomerID(), &paykit.UpdateCustomerParams{Name: paykit.String("x")})
	wantCode(t, err, paykit.ErrNotFound, "", "Update of an unknown id")
}

func storeDelete(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	c := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	other := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	if err := s.Delete(ctx, c.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Retrieve(ctx, c.ID)
	wantCode(t, err, paykit.ErrNotFound, "", "Retrieve of a deleted customer")
	_, err = s.Update(ctx, c.ID, &paykit.UpdateCustomerParams{Name: paykit.String("x")})
	wantCode(t, err, paykit.ErrNotFound, "", "Update of a deleted customer")
	wantCode(t, s.Delete(ctx, c.ID), paykit.ErrNotFound, "", "Delete of a deleted customer")
	wantCode(t, s.Delete(ctx, newMissingCustomerID()), paykit.ErrNotFound, "", "Delete of an unknown id")
	if got := listAll(t, ctx, s, &paykit.ListCustomersParams{}); len(got) != 1 || got[0].ID != other.ID {
		t.Errorf("List after deleting one of two customers = %v, want only %s", idsOf(got), other.ID)
	}
	retrieve(t, ctx, s, other.ID)
}

func storeArguments(t *testing.T, s paykit.CustomerStore) {
	ctx := ctxFor(t)
	c := create(t, ctx, s, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "")
	_, err := s.Create(ctx, nil, "")
	wantCode(t, err, paykit.ErrValidation, "params", "Create with nil params")
	_, err = s.Create(ctx, nil, "paykittest-"+randomSuffix())
	wantCode(t, err, paykit.ErrValidation, "params", "Create with nil params and a key")
	_, err = s.Update(ctx, c.ID, nil)
	wantCode(t, err, paykit.ErrValidation, "params", "Update with nil params")
	_, err = s.Create(ctx, &paykit.CreateCustomerParams{Name: "No Email"}, "")
	wantCode(t, err, paykit.ErrValidation, "email", "Create without an email")
	_, err = s.Create(ctx, &paykit.CreateCustomerParams{Name: "No Email"}, "paykittest-"+randomSuffix())
	wantCode(t, err, paykit.ErrValidation, "email", "Create without an email, with a key")
	_, err = s.Update(ctx, c.ID, &paykit.UpdateCustomerParams{Email: paykit.String("")})
	wantCode(t, err, paykit.ErrValidation, "email", "Update setting the email to empty")
	if got := retrieve(t, ctx, s, c.ID); got.Email != c.Email {
		t.Errorf("after a refused Update the email is %q, want %q", got.Email, c.Email)
	}
	_, err = s.Update(ctx, "", &paykit.UpdateCustomerParams{Name: paykit.String("x")})
	wantCode(t, err, paykit.ErrValidation, "id", "Update of an empty id")
	_, err = s.Retrieve(ctx, "")
	wantCode(t, err, paykit.ErrValidation, "id", "Retrieve of an empty id")
	wantCode(t, s.Delete(ctx, ""), paykit.ErrValidation, "id", "Delete of an empty id")
	page, err := s.List(ctx, nil)
	if err != nil || page == nil || len(page.Data) != 1 {
		t.Errorf("List with nil params = %v, %v; want the one customer (nil params list with the defaults)", page, err)
	}
}

func storeContextCanceled(t *testing.T, s paykit.CustomerStore) {
	c := create(t, ctxFor(t), s, &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Kept"}, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	check := func(method string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context returned %v, want an error matching context.Canceled", method, err)
		}
	}
	_, err := s.Create(ctx, &paykit.CreateCustomerParams{Email: uniqueEmail()}, "paykittest-"+randomSuffix())
	check("Create", err)
	_, err = s.Retrieve(ctx, c.ID)
	check("Retrieve", err)
	_, err = s.Update(ctx, c.ID, &paykit.UpdateCustomerParams{Name: paykit.String("Changed")})
	check("Update", err)
	check("Delete", s.Delete(ctx, c.ID))
	_, err = s.List(ctx, nil)
	check("List", err)
	got := listAll(t, ctxFor(t), s, nil)
	if len(got) != 1 || got[0].ID != c.ID || got[0].Name != "Kept" {
		t.Errorf("after calls with a canceled context the store holds %s, want only %s unchanged: a canceled call changes nothing", shows(got), show(c))
	}
}

// create calls s.Create and fails the test on an error.
func create(t *testing.T, ctx context.Context, s paykit.CustomerStore, p *paykit.CreateCustomerParams, key string) *paykit.Customer {
	t.Helper()
	c, err := s.Create(ctx, p, key)
	if err != nil {
		t.Fatalf("Create(%s, key %q): %v", p.Email, key, err)
	}
	if c == nil {
		t.Fatal("Create returned no customer and no error")
	}
	return c
}

// retrieve calls s.Retrieve and fails the test on an error.
func retrieve(t *testing.T, ctx context.Context, s paykit.CustomerStore, id string) *paykit.Customer {
	t.Helper()
	c, err := s.Retrieve(ctx, id)
	if err != nil {
		t.Fatalf("Retrieve(%s): %v", id, err)
	}
	if c == nil {
		t.Fatal("Retrieve returned no customer and no error")
	}
	return c
}

// wantCode reports err unless it matches sentinel, is a *paykit.Error and,
// when param is set, names it.
func wantCode(t *testing.T, err error, sentinel *paykit.Error, param, what string) {
	t.Helper()
	pe, ok := paykit.AsError(err)
	switch {
	case !errors.Is(err, sentinel):
		t.Errorf("%s: got error %v, want one matching %s", what, err, sentinel.Code)
	case !ok:
		t.Errorf("%s: error %T is not a *paykit.Error", what, err)
	case param != "" && pe.Param != param:
		t.Errorf("%s: got %v naming %q, want it to name %q", what, err, pe.Param, param)
	}
}

func checkID(t *testing.T, what, id string) {
	t.Helper()
	rest, ok := strings.CutPrefix(id, "cus_")
	valid := ok && len(rest) == 20
	for _, r := range rest {
		valid = valid && (r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}
	if !valid {
		t.Errorf("%s: id %q, want \"cus_\" and 20 letters or digits", what, id)
	}
}

func checkTime(t *testing.T, what string, at time.Time) {
	t.Helper()
	if at.IsZero() {
		t.Errorf("%s is zero", what)
		return
	}
	if at.Location() != time.UTC || at.Nanosecond()%1000 != 0 {
		t.Errorf("%s = %v, want UTC kept to the microsecond", what, at)
	}
}

// customerDiff describes how got differs from want in what a store keeps,
// or returns "".
func customerDiff(got, want *paykit.Customer) string {
	if got == nil {
		return "got no customer"
	}
	same := got.ID == want.ID && got.Email == want.Email && got.Name == want.Name && got.Phone == want.Phone &&
		sameMetadata(got.Metadata, want.Metadata) && got.CreatedAt.Equal(want.CreatedAt) &&
		(got.UpdatedAt == nil) == (want.UpdatedAt == nil) && (got.UpdatedAt == nil || got.UpdatedAt.Equal(*want.UpdatedAt))
	if same {
		return ""
	}
	return "got " + show(got) + ", want " + show(want)
}

// sameMetadata treats nil and empty maps alike.
func sameMetadata(a, b map[string]string) bool { return maps.Equal(a, b) }

func show(c *paykit.Customer) string {
	if c == nil {
		return "<nil>"
	}
	updated := "nil"
	if c.UpdatedAt != nil {
		updated = c.UpdatedAt.String()
	}
	return fmt.Sprintf("{ID:%s Email:%q Name:%q Phone:%q Metadata:%v CreatedAt:%v UpdatedAt:%s}",
		c.ID, c.Email, c.Name, c.Phone, c.Metadata, c.CreatedAt, updated)
}

func shows(cs []*paykit.Customer) string {
	out := "["
	for i, c := range cs {
		if i > 0 {
			out += " "
		}
		out += show(c)
	}
	return out + "]"
}

func idsOf(cs []*paykit.Customer) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// newMissingCustomerID is a well-formed customer id no store holds.
func newMissingCustomerID() string { return "cus_" + rand.Text()[:20] }
