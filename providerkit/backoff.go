// Backoff: how long a provider waits before repeating a failed attempt.

package providerkit

import (
	"math"
	"math/rand/v2"
	"time"
)

// Growth is how a Backoff's wait grows from one attempt to the next.
type Growth int

// The growths of a Backoff.
const (
	// Exponential doubles the wait after each attempt: Initial × 2^(n-1).
	Exponential Growth = iota
	// Quadratic makes the wait after attempt n Initial × (1 + (n-1)²),
	// stripe-go's rule: 0.5 s, 1 s, 2.5 s, 5 s, ... for 0.5 s.
	Quadratic
)

// Backoff is a retry policy's waits: Initial after the first failed
// attempt, growing by Growth up to Max, then shortened at random by up to
// the fraction Jitter, but not below Floor. The zero Growth and Jitter
// give Initial doubled on each attempt, without jitter. A Backoff is a
// value: it is safe for concurrent use.
type Backoff struct {
	// Initial is the wait after the first failed attempt.
	Initial time.Duration
	// Max caps the wait before jitter; zero means no cap.
	Max time.Duration
	// Growth is how the wait grows; the zero value is Exponential.
	Growth Growth
	// Jitter is the fraction of the wait, in [0, 1], that may be taken
	// off at random, so that clients that failed together do not retry
	// together: 0.5 waits between d/2 and d, 0 exactly d.
	Jitter float64
	// Floor is the shortest wait jitter may leave; zero means none.
	Floor time.Duration
}

// Ceiling returns the wait after failed attempt n (1-based) before
// jitter: what Delay returns at most, for a caller that must know whether
// a retry could start before a deadline.
func (b Backoff) Ceiling(n int) time.Duration {
	d := b.Initial
	if d <= 0 {
		return 0
	}
	switch b.Growth {
	case Quadratic:
		k := int64(max(n-1, 0))
		if k > 3037000499 || 1+k*k > math.MaxInt64/int64(d) { // sqrt(MaxInt64)
			d = math.MaxInt64
		} else {
			d *= time.Duration(1 + k*k)
		}
	default:
		for i := 1; i < n && (b.Max <= 0 || d < b.Max); i++ {
			if d > math.MaxInt64/2 {
				d = math.MaxInt64
				break
			}
			d *= 2
		}
	}
	if b.Max > 0 {
		d = min(d, b.Max)
	}
	return d
}

// Delay returns the wait after failed attempt n (1-based): Ceiling(n)
// less a random part of up to Jitter of it, at least Floor.
func (b Backoff) Delay(n int) time.Duration {
	d := b.Ceiling(n)
	if j := min(max(b.Jitter, 0), 1); j > 0 && d > 0 {
		d -= rand.N(time.Duration(float64(d)*j) + 1)
	}
	return max(d, b.Floor)
}
