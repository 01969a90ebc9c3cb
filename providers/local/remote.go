package local

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// newRemote returns the API client of the server at c.serverURL. Its
// default HTTP client has no timeout of its own (the webhook client's
// 10 s would cut Flush's long polls); rest bounds each attempt.
func newRemote(c *config) *providerkit.RESTClient {
	var hc *http.Client
	if c.customHTTP {
		hc = c.httpClient
	}
	return providerkit.NewRESTClient(providerkit.RESTConfig{
		Provider:          Name,
		BaseURL:           c.serverURL,
		HTTPClient:        hc,
		Header:            map[string][]string{"User-Agent": {"paykit-local-client"}},
		IdempotencyHeader: wire.IdempotencyHeader,
		MaxRetries:        2,
		BaseDelay:         50 * time.Millisecond,
		MaxDelay:          time.Second,
		MapError:          remoteError,
	})
}

// call sends one operation to the server and decodes its answer into a
// new T: id fills the route's {id}, body is the JSON body (nil for none).
func call[T any](ctx context.Context, s *Simulator, op paykit.Op, id string, body any, ro *paykit.RequestOptions) (*T, error) {
	req := &providerkit.Request{JSON: body}
	if ro != nil {
		req.IdempotencyKey = ro.IdempotencyKey
	}
	return send[T](ctx, s, op, id, req)
}

// callList is call for a list operation.
func callList[T any](ctx context.Context, s *Simulator, op paykit.Op, q wire.ListQuery) (*paykit.Page[T], error) {
	p, err := send[wire.Page[T]](ctx, s, op, "", &providerkit.Request{Query: q.Values()})
	if err != nil {
		return nil, err
	}
	return (*paykit.Page[T])(p), nil
}

// send completes req with op's route and sends it.
func send[T any](ctx context.Context, s *Simulator, op paykit.Op, id string, req *providerkit.Request) (*T, error) {
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	rt, ok := wire.RouteOf(op)
	if !ok {
		return nil, opError(op, paykit.NewError(paykit.CodeNotSupported, "the local server API has no route for "+string(op)))
	}
	req.Method, req.Path = rt.Method, rt.URLPath(url.PathEscape(id))
	out := new(T)
	if _, err := s.remote.Do(ctx, req, out); err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}

// callDone is call for an operation whose answer carries nothing needed.
func callDone(ctx context.Context, s *Simulator, op paykit.Op, id string, body any, ro *paykit.RequestOptions) error {
	_, err := call[json.RawMessage](ctx, s, op, id, body, ro)
	return err
}

// remoteEvents decodes logged events as the server sent them.
func remoteEvents(evs []wire.LoggedEvent[Delivery]) ([]*LoggedEvent, error) {
	out := make([]*LoggedEvent, 0, len(evs))
	for _, e := range evs {
		ev := new(paykit.Event)
		if err := json.Unmarshal(e.Event, ev); err != nil {
			return nil, &paykit.Error{Code: paykit.CodeOperationFailed, Message: "cannot decode an event from the server", Err: err}
		}
		ev.Raw = e.Event
		out = append(out, &LoggedEvent{Event: ev, Body: e.Event, Deliveries: e.Deliveries})
	}
	return out, nil
}

// flushRemote asks the server to wait for its deliveries until none is
// queued or ctx is done; the server answers at least every
// half a minute, so that no proxy times the request out.
func (s *Simulator) flushRemote(ctx context.Context) error {
	for {
		f, err := call[wire.Flushed](ctx, s, wire.OpFlush, "", nil, nil)
		if err != nil || !f.Pending {
			return err
		}
	}
}
