package paykit

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The exported behaviour is paykittest.RunCustomerStore's; these tests
// need the store's clock.

func TestMemoryCustomerStoreKeepsKeysForTheirRetention(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewMemoryCustomerStore()
	s.now = func() time.Time { return now }
	first, err := s.Create(ctx, &CreateCustomerParams{Email: "a@example.com"}, "k")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(idempotencyRetention)
	again, err := s.Create(ctx, &CreateCustomerParams{Email: "a@example.com"}, "k")
	if err != nil || again.ID != first.ID {
		t.Fatalf("the key after exactly its retention: %v, %v; want the first customer replayed", again, err)
	}
	now = now.Add(time.Second)
	if _, err := s.Create(ctx, &CreateCustomerParams{Email: "b@example.com"}, "other"); err != nil {
		t.Fatal(err)
	}
	if _, kept := s.keys["k"]; kept || len(s.keyList) != 1 {
		t.Fatalf("keys past their retention are kept: %v", s.keyList)
	}
	if _, err := s.Create(ctx, &CreateCustomerParams{Email: "c@example.com"}, "k"); err != nil {
		t.Fatalf("a key past its retention, with other params: %v, want a new customer", err)
	}
}

func TestMemoryCustomerStoreWhenTheClockGoesBack(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s := NewMemoryCustomerStore()
	s.now = func() time.Time { return now }
	later, err := s.Create(ctx, &CreateCustomerParams{Email: "later@example.com"}, "")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(-time.Hour)
	earlier, err := s.Create(ctx, &CreateCustomerParams{Email: "earlier@example.com"}, "")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.List(ctx, &ListCustomersParams{ListParams: ListParams{Limit: 1}})
	if err != nil || len(page.Data) != 1 || page.Data[0].ID != later.ID || !page.HasMore {
		t.Fatalf("first page = %+v, %v; want the customer with the later CreatedAt first", page, err)
	}
	next, err := s.List(ctx, &ListCustomersParams{ListParams: ListParams{Limit: 1, Cursor: page.NextCursor}})
	if err != nil || len(next.Data) != 1 || next.Data[0].ID != earlier.ID || next.HasMore {
		t.Fatalf("second page = %+v, %v; want the earlier customer and no more", next, err)
	}
	u, err := s.Update(ctx, later.ID, &UpdateCustomerParams{Name: String("x")})
	if err != nil || u.UpdatedAt.Before(u.CreatedAt) {
		t.Fatalf("Update with the clock an hour back: %+v, %v; want UpdatedAt not before CreatedAt", u, err)
	}
	if err := s.Delete(ctx, later.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(ctx, &ListCustomersParams{ListParams: ListParams{Cursor: page.NextCursor}}); err != nil {
		t.Fatalf("the cursor of a deleted customer: %v", err)
	}
	for _, bad := range []string{"not a cursor", later.ID, encodeCursor(listKey{at: now, id: "x"})} {
		if _, err := s.List(ctx, &ListCustomersParams{ListParams: ListParams{Cursor: bad}}); !errors.Is(err, ErrValidation) {
			t.Errorf("cursor %q: %v, want ErrValidation", bad, err)
		}
	}
}
