package providerkit

import (
	"math"
	"testing"
	"time"
)

func TestBackoffCeiling(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name string
		b    Backoff
		want []time.Duration // for attempts 1, 2, ...
	}{
		{"exponential", Backoff{Initial: 100 * ms, Max: 400 * ms}, []time.Duration{100 * ms, 200 * ms, 400 * ms, 400 * ms}},
		{"exponential without cap", Backoff{Initial: ms}, []time.Duration{ms, 2 * ms, 4 * ms, 8 * ms}},
		{"quadratic", Backoff{Initial: 500 * ms, Max: 5 * time.Second, Growth: Quadratic},
			[]time.Duration{500 * ms, time.Second, 2500 * ms, 5 * time.Second, 5 * time.Second}},
		{"zero", Backoff{}, []time.Duration{0, 0}},
	} {
		for i, want := range tc.want {
			if got := tc.b.Ceiling(i + 1); got != want {
				t.Errorf("%s: Ceiling(%d) = %v, want %v", tc.name, i+1, got, want)
			}
			if got := tc.b.Delay(i + 1); got != want {
				t.Errorf("%s: Delay(%d) = %v without jitter, want %v", tc.name, i+1, got, want)
			}
		}
	}
	for _, b := range []Backoff{{Initial: time.Second}, {Initial: time.Second, Growth: Quadratic}, {Initial: time.Second, Max: time.Hour}} {
		if got := b.Ceiling(math.MaxInt); got <= 0 || (b.Max > 0 && got != b.Max) {
			t.Errorf("%+v: Ceiling(MaxInt) = %v, want no overflow", b, got)
		}
	}
}

func TestBackoffJitter(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name   string
		b      Backoff
		n      int
		lo, hi time.Duration
	}{
		{"half", Backoff{Initial: 100 * ms, Max: 400 * ms, Jitter: 0.5}, 3, 200 * ms, 400 * ms},
		{"a quarter, floored", Backoff{Initial: 500 * ms, Max: 5 * time.Second, Growth: Quadratic, Jitter: 0.25, Floor: 500 * ms}, 1, 500 * ms, 500 * ms},
		{"a quarter", Backoff{Initial: 500 * ms, Max: 5 * time.Second, Growth: Quadratic, Jitter: 0.25, Floor: 500 * ms}, 4, 3750 * ms, 5 * time.Second},
	} {
		seen := map[time.Duration]bool{}
		for range 100 {
			d := tc.b.Delay(tc.n)
			if d < tc.lo || d > tc.hi {
				t.Fatalf("%s: Delay(%d) = %v, want in [%v, %v]", tc.name, tc.n, d, tc.lo, tc.hi)
			}
			seen[d] = true
		}
		if tc.lo != tc.hi && len(seen) < 2 {
			t.Errorf("%s: jitter does not vary the wait", tc.name)
		}
	}
}
