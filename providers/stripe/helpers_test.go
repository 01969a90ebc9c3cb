package stripe

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/paykit-go/paykit"
)

const (
	// testKey is a test-mode secret key; stripe-mock accepts any.
	testKey = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
	// testSecret signs the webhook fixtures.
	testSecret = "whsec_test_paykit_fixture_secret"
	// fixtureTime is the "created" of stripe-mock's fixtures.
	fixtureTime = 1234567890
)

// recorder is an http.RoundTripper that records every request before
// sending it on, so that tests can check what reached the peer.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []*recorded
}

// recorded is one request as sent.
type recorded struct {
	Method, Path string
	Header       http.Header
	// Form is the form body of a write, or the query of a read.
	Form url.Values
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := r.record(req); err != nil {
		return nil, err
	}
	next := r.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(req)
}

// record adds req, leaving its body readable.
func (r *recorder) record(req *http.Request) error {
	rec := &recorded{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Form: req.URL.Query()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(b))
		if len(b) > 0 {
			if rec.Form, err = url.ParseQuery(string(b)); err != nil {
				return err
			}
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return nil
}

// all returns the requests recorded so far.
func (r *recorder) all() []*recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*recorded(nil), r.reqs...)
}

// last returns the last request; the test fails when there is none.
func (r *recorder) last(t *testing.T) *recorded {
	t.Helper()
	all := r.all()
	if len(all) == 0 {
		t.Fatal("no request was sent")
	}
	return all[len(all)-1]
}

// mockClient returns a Client over a provider talking to stripe-mock, and
// the recorder of its requests.
func mockClient(t *testing.T, opts ...Option) (*paykit.Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	base := []Option{WithBaseURL(mockURL), WithHTTPClient(&http.Client{Transport: rec})}
	return paykit.New(Provider(testKey, append(base, opts...)...)), rec
}
