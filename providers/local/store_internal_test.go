package local

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// A List by key examines only records holding the key, and a bounded
// List only what it returns: the delivery worker's look for pending
// events and the pruning of old records cost the same whatever the size
// of the log.
func TestMemoryListVisitsOnlyWhatItNeeds(t *testing.T) {
	s := NewMemoryStore()
	const settled = 10000
	err := s.Update(t.Context(), func(tx Tx) error {
		for i := range settled {
			keys := map[string]string{"settled": "yes"}
			if i%2500 == 1 {
				keys = map[string]string{"pending": "yes"}
			}
			if err := tx.Put(collEvents, Record{ID: "evt_" + strconv.Itoa(i), Keys: keys, Data: []byte(`{}`)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		q        Query
		want     int
		maxVisit int
	}{
		{"pending, oldest first", Query{Keys: map[string]string{"pending": "yes"}, Ascending: true}, 4, 4},
		{"any pending", Query{Keys: map[string]string{"pending": "yes"}, Limit: 1}, 1, 2},
		{"pending after the second", Query{Keys: map[string]string{"pending": "yes"}, Ascending: true, After: 2502}, 2, 2},
		{"oldest settled", Query{Keys: map[string]string{"settled": "yes"}, Ascending: true, Limit: 1}, 1, 2},
		{"oldest", Query{Ascending: true, Limit: 1}, 1, 2},
		{"newest", Query{Limit: 3}, 3, 4},
		{"none", Query{Keys: map[string]string{"pending": "no"}}, 0, 0},
	} {
		tx := &memTx{s: s}
		recs, _, err := tx.List(collEvents, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != c.want || tx.visited > c.maxVisit {
			t.Errorf("%s: %d records, %d visited; want %d records, at most %d visited", c.name, len(recs), tx.visited, c.want, c.maxVisit)
		}
	}
}

// TestOldSubscriptionRecordKeepsItsIntervalCount: a record written before
// Subscription.BillingIntervalCount existed kept the count beside the
// subscription; read now, the subscription reports it and renews by it.
func TestOldSubscriptionRecordKeepsItsIntervalCount(t *testing.T) {
	var rec subscriptionRec
	if err := json.Unmarshal([]byte(`{"subscription":{"id":"sub_1","billing_interval":"month"},"interval_count":3}`), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Subscription.BillingIntervalCount != 3 || rec.intervals() != 3 {
		t.Fatalf("BillingIntervalCount = %d, intervals() = %d, want 3", rec.Subscription.BillingIntervalCount, rec.intervals())
	}
	b, err := json.Marshal(&rec)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"interval_count"`) || !strings.Contains(string(b), `"billing_interval_count":3`) {
		t.Fatalf("written back as %s, want the count in the subscription only", b)
	}
	var again subscriptionRec
	if err := json.Unmarshal(b, &again); err != nil || again.intervals() != 3 {
		t.Fatalf("read back: intervals() = %d, %v", again.intervals(), err)
	}
}
