package paypal

import (
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

var errUnknownToken = errors.New("the bearer token is not one the fake issued")

// randomID is a PayPal-looking id.
func randomID() string { return rand.Text()[:17] }

// dropFirst forwards every request, but loses the answer of the first one
// whose path ends with suffix (a dropped connection after PayPal acted).
type dropFirst struct {
	suffix string
	done   atomic.Bool
}

func (d *dropFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, d.suffix) && d.done.CompareAndSwap(false, true) {
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return nil, errors.New("connection reset by peer")
	}
	return res, err
}
