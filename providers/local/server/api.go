package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// FlushWait is the longest the flush endpoint waits before answering
// {"pending": true}; the client then asks again.
const FlushWait = 20 * time.Second

// request is one API call, decoded from HTTP.
type request struct {
	ctx   context.Context
	id    string
	query url.Values
	body  []byte
	key   string
}

// opts passes the caller's idempotency key on; without one the Client
// makes one up, as for any call.
func (r *request) opts() []paykit.CallOption {
	if r.key == "" {
		return nil
	}
	return []paykit.CallOption{paykit.WithIdempotencyKey(r.key)}
}

// opFunc runs one operation and returns what to answer with.
type opFunc func(r *request) (any, error)

// noKey refuses an idempotency key on a simulation helper or event log
// route: they do not apply one, and a retried helper (an advance of the
// clock, say) would run twice.
func noKey(fn opFunc) opFunc {
	return func(r *request) (any, error) {
		if r.key != "" {
			return nil, paykit.ValidationError(wire.IdempotencyHeader, "the simulation helpers and the event log take no idempotency key")
		}
		return fn(r)
	}
}

// noBody refuses a body on a route that takes none (wire.Route.Body):
// only an empty body or {} passes, so that garbage sent to cancel, say,
// is a 400 and cancels nothing.
func noBody(rt wire.Route, fn opFunc) opFunc {
	refused := paykit.ValidationError("body", rt.Method+" "+wire.Prefix+rt.Path+" takes no body: send none or {}")
	return func(r *request) (any, error) {
		if len(bytes.TrimSpace(r.body)) > 0 {
			var fields map[string]json.RawMessage
			if _, err := decodeStrict(r.body, &fields); err != nil || fields == nil || len(fields) > 0 {
				return nil, refused
			}
		}
		return fn(r)
	}
}

// api serves wire.Routes. Provider operations go through a paykit.Client
// over the server's Simulator, so that the API validates its input
// exactly as the SDK does before anything changes.
type api struct {
	sim    *local.Simulator
	client *paykit.Client
	mux    *http.ServeMux
	// stopping is done once the server shuts down: long polls answer at
	// once, because Shutdown does not cancel the requests it waits for.
	stopping context.Context
}

func newAPI(sim *local.Simulator, stopping context.Context) *api {
	a := &api{sim: sim, client: paykit.New(sim), mux: http.NewServeMux(), stopping: stopping}
	ops := a.ops()
	byPath := map[string]map[string]opFunc{}
	var paths []string
	for _, rt := range wire.Routes {
		fn, ok := ops[rt.Op]
		if !ok {
			panic("server: no handler for API operation " + string(rt.Op))
		}
		if !slices.Contains(paykit.AllOps(), rt.Op) {
			fn = noKey(fn)
		}
		if !rt.Body {
			fn = noBody(rt, fn)
		}
		if byPath[rt.Path] == nil {
			byPath[rt.Path] = map[string]opFunc{}
			paths = append(paths, rt.Path)
		}
		byPath[rt.Path][rt.Method] = fn
	}
	for _, p := range paths {
		a.mux.Handle(wire.Prefix+p, methods(byPath[p]))
	}
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, &paykit.Error{Code: paykit.CodeNotFound,
			Message: "no API route " + r.Method + " " + r.URL.Path})
	})
	return a
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// methods dispatches one path by method: another method gets 405 with
// an Allow header.
func methods(byMethod map[string]opFunc) http.Handler {
	var allow []string
	for _, m := range []string{"GET", "POST", "DELETE"} {
		if byMethod[m] != nil {
			allow = append(allow, m)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn := byMethod[r.Method]
		if fn == nil {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, &paykit.Error{Code: paykit.CodeNotSupported,
				Message: "method " + r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.Join(allow, " or ")})
			return
		}
		req, status, pe := readRequest(w, r)
		if pe != nil {
			writeError(w, status, pe)
			return
		}
		out, err := fn(req)
		if err != nil {
			pe, ok := paykit.AsError(err)
			if !ok {
				pe = &paykit.Error{Code: paykit.CodeOperationFailed, Message: "the local server failed", Err: err}
			}
			writeError(w, wire.Status(pe.Code), pe)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// invalidAt is the offset of the first byte of b that is no UTF-8.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// readRequest reads and checks the body: at most wire.MaxBody bytes of
// JSON, in UTF-8.
func readRequest(w http.ResponseWriter, r *http.Request) (*request, int, *paykit.Error) {
	req := &request{ctx: r.Context(), id: r.PathValue("id"), query: r.URL.Query(), key: r.Header.Get(wire.IdempotencyHeader)}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wire.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, http.StatusRequestEntityTooLarge, &paykit.Error{Code: paykit.CodeValidation, Param: "body",
			Message: "the request body exceeds 1 MiB"}
	case err != nil:
		return nil, http.StatusBadRequest, &paykit.Error{Code: paykit.CodeValidation, Param: "body", Message: "cannot read the request body"}
	}
	if len(bytes.TrimSpace(body)) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			return nil, http.StatusUnsupportedMediaType, &paykit.Error{Code: paykit.CodeValidation, Param: "body",
				Message: "the request body must be application/json"}
		}
	}
	if !utf8.Valid(body) {
		// JSON decoding would turn the bytes into U+FFFD and store that.
		return nil, http.StatusBadRequest, &paykit.Error{Code: paykit.CodeValidation, Param: "body",
			Message: "the request body is not valid UTF-8 (at byte " + strconv.Itoa(invalidAt(body)) + ")"}
	}
	req.body = body
	return req, 0, nil
}

// decode reads the JSON body into a new W; an empty body is the zero W.
// A body that is no JSON object (null, an array, a string), unknown
// fields and trailing data are refused.
func decode[W any](r *request) (*W, error) {
	w := new(W)
	body := bytes.TrimSpace(r.body)
	if len(body) == 0 {
		return w, nil
	}
	if bytes.Equal(body, []byte("null")) {
		// Decoding null into a struct leaves it as it is: it would count
		// as empty params.
		return nil, paykit.ValidationError("body", "malformed JSON body: the body must be a JSON object, not null")
	}
	if trailing, err := decodeStrict(r.body, w); err != nil {
		if trailing {
			return nil, paykit.ValidationError("body", "malformed JSON body: data after the JSON value")
		}
		return nil, bodyError(err)
	}
	return w, nil
}

// decodeStrict decodes one JSON value from body into v, refusing unknown
// fields and anything but white space after the value (trailing true).
func decodeStrict(body []byte, v any) (trailing bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return false, err
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return true, errors.New("data after the JSON value")
	}
	return false, nil
}

// bodyError names the field a JSON decoding error is about, in the
// words of the API rather than of Go.
func bodyError(err error) *paykit.Error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return paykit.ValidationError(typeErr.Field, typeErr.Field+" must be a JSON "+jsonKind(typeErr.Type.Kind().String())+", not "+typeErr.Value)
	case errors.As(err, &typeErr):
		return paykit.ValidationError("body", "malformed JSON body: the body must be a JSON object, not "+typeErr.Value)
	case errors.As(err, &syntaxErr):
		return paykit.ValidationError("body", "malformed JSON body: "+syntaxErr.Error()+" at byte "+strconv.FormatInt(syntaxErr.Offset, 10))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if field, ok := strings.CutPrefix(msg, "unknown field "); ok {
		name, _ := strconv.Unquote(field)
		return paykit.ValidationError(name, "unknown field "+field)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the JSON ends too early"
	}
	return paykit.ValidationError("body", "malformed JSON body: "+msg)
}

// jsonKind names a Go kind as JSON does.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean"
	case kind == "map", kind == "struct", kind == "ptr":
		return "object"
	case kind == "slice":
		return "array"
	}
	return kind
}

// body adapts an operation taking the JSON body W.
func body[W any](fn func(r *request, w *W) (any, error)) opFunc {
	return func(r *request) (any, error) {
		w, err := decode[W](r)
		if err != nil {
			return nil, err
		}
		return fn(r, w)
	}
}

// list adapts a list operation accepting the named query filters.
func list(fn func(r *request, q wire.ListQuery) (any, error), filters ...string) opFunc {
	return func(r *request) (any, error) {
		q, pe := wire.ParseListQuery(r.query, filters...)
		if pe != nil {
			return nil, pe
		}
		return fn(r, q)
	}
}

// page is the wire form of a list's answer.
func page[T any](p *paykit.Page[T], err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return (*wire.Page[T])(p), nil
}

func deleted(id string, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return wire.Deleted{ID: id, Deleted: true}, nil
}

// loggedEvent is the wire form of an event with its deliveries.
func loggedEvent(le *local.LoggedEvent) wire.LoggedEvent[local.Delivery] {
	return wire.LoggedEvent[local.Delivery]{Event: le.Body, Deliveries: le.Deliveries}
}

func (a *api) ops() map[paykit.Op]opFunc {
	c, sim := a.client, a.sim
	return map[paykit.Op]opFunc{
		paykit.OpCustomersCreate: body(func(r *request, w *wire.CustomerCreate) (any, error) {
			return c.Customers.Create(r.ctx, (*paykit.CreateCustomerParams)(w), r.opts()...)
		}),
		paykit.OpCustomersList: list(func(r *request, q wire.ListQuery) (any, error) {
			return page(c.Customers.ListPage(r.ctx, &paykit.ListCustomersParams{ListParams: q.Params(), Email: q.Email}))
		}, wire.QueryEmail),
		paykit.OpCustomersRetrieve: func(r *request) (any, error) { return c.Customers.Retrieve(r.ctx, r.id) },
		paykit.OpCustomersUpdate: body(func(r *request, w *wire.CustomerUpdate) (any, error) {
			return c.Customers.Update(r.ctx, r.id, (*paykit.UpdateCustomerParams)(w), r.opts()...)
		}),
		paykit.OpCustomersDelete: func(r *request) (any, error) {
			return deleted(r.id, c.Customers.Delete(r.ctx, r.id, r.opts()...))
		},
		wire.OpCardDeclined: func(r *request) (any, error) {
			d, err := sim.CardDeclined(r.ctx, r.id)
			return wire.Card{Declined: d}, err
		},
		wire.OpSetCardDeclined: body(func(r *request, w *wire.Card) (any, error) {
			return w, sim.SetCardDeclined(r.ctx, r.id, w.Declined)
		}),

		paykit.OpCheckoutsCreate: body(func(r *request, w *wire.CheckoutCreate) (any, error) {
			return c.Checkouts.Create(r.ctx, (*paykit.CreateCheckoutParams)(w), r.opts()...)
		}),
		paykit.OpCheckoutsList: list(func(r *request, q wire.ListQuery) (any, error) {
			return page(c.Checkouts.ListPage(r.ctx, &paykit.ListCheckoutsParams{ListParams: q.Params(), CustomerID: q.CustomerID}))
		}, wire.QueryCustomerID),
		paykit.OpCheckoutsRetrieve: func(r *request) (any, error) { return c.Checkouts.Retrieve(r.ctx, r.id) },
		paykit.OpCheckoutsUpdate: body(func(r *request, w *wire.CheckoutUpdate) (any, error) {
			return c.Checkouts.Update(r.ctx, r.id, (*paykit.UpdateCheckoutParams)(w), r.opts()...)
		}),
		paykit.OpCheckoutsDelete: func(r *request) (any, error) {
			return deleted(r.id, c.Checkouts.Delete(r.ctx, r.id, r.opts()...))
		},
		wire.OpPayCheckout: body(func(r *request, w *wire.Pay) (any, error) {
			card := local.Card(w.Card)
			if card == "" {
				card = local.CardSucceeds
			}
			return sim.PayCheckout(r.ctx, r.id, card)
		}),

		paykit.OpSubscriptionsCreate: body(func(r *request, w *wire.SubscriptionCreate) (any, error) {
			return c.Subscriptions.Create(r.ctx, (*paykit.CreateSubscriptionParams)(w), r.opts()...)
		}),
		paykit.OpSubscriptionsList: list(func(r *request, q wire.ListQuery) (any, error) {
			return page(c.Subscriptions.ListPage(r.ctx, &paykit.ListSubscriptionsParams{ListParams: q.Params(),
				CustomerID: q.CustomerID, Status: paykit.SubscriptionStatus(q.Status)}))
		}, wire.QueryCustomerID, wire.QueryStatus),
		paykit.OpSubscriptionsRetrieve: func(r *request) (any, error) { return c.Subscriptions.Retrieve(r.ctx, r.id) },
		paykit.OpSubscriptionsUpdate: body(func(r *request, w *wire.SubscriptionUpdate) (any, error) {
			return c.Subscriptions.Update(r.ctx, r.id, (*paykit.UpdateSubscriptionParams)(w), r.opts()...)
		}),
		paykit.OpSubscriptionsDelete: func(r *request) (any, error) {
			return deleted(r.id, c.Subscriptions.Delete(r.ctx, r.id, r.opts()...))
		},
		paykit.OpSubscriptionsCancel: func(r *request) (any, error) {
			return c.Subscriptions.Cancel(r.ctx, r.id, r.opts()...)
		},

		paykit.OpPaymentsCreate: body(func(r *request, w *wire.PaymentCreate) (any, error) {
			return c.Payments.Create(r.ctx, (*paykit.CreatePaymentParams)(w), r.opts()...)
		}),
		paykit.OpPaymentsList: list(func(r *request, q wire.ListQuery) (any, error) {
			return page(c.Payments.ListPage(r.ctx, &paykit.ListPaymentsParams{ListParams: q.Params(), CustomerID: q.CustomerID}))
		}, wire.QueryCustomerID),
		paykit.OpPaymentsRetrieve: func(r *request) (any, error) { return c.Payments.Retrieve(r.ctx, r.id) },
		paykit.OpPaymentsUpdate: body(func(r *request, w *wire.PaymentUpdate) (any, error) {
			return c.Payments.Update(r.ctx, r.id, (*paykit.UpdatePaymentParams)(w), r.opts()...)
		}),
		paykit.OpPaymentsDelete: func(r *request) (any, error) {
			return deleted(r.id, c.Payments.Delete(r.ctx, r.id, r.opts()...))
		},
		paykit.OpPaymentsCapture: body(func(r *request, w *wire.PaymentCapture) (any, error) {
			return c.Payments.Capture(r.ctx, r.id, (*paykit.CapturePaymentParams)(w), r.opts()...)
		}),
		paykit.OpPaymentsCancel: func(r *request) (any, error) { return c.Payments.Cancel(r.ctx, r.id, r.opts()...) },
		wire.OpConfirmPayment:   func(r *request) (any, error) { return sim.ConfirmPayment(r.ctx, r.id) },
		wire.OpFailPayment:      func(r *request) (any, error) { return sim.FailPayment(r.ctx, r.id) },

		paykit.OpRefundsCreate: body(func(r *request, w *wire.RefundCreate) (any, error) {
			return c.Refunds.Create(r.ctx, (*paykit.CreateRefundParams)(w), r.opts()...)
		}),
		paykit.OpRefundsList: list(func(r *request, q wire.ListQuery) (any, error) {
			return page(c.Refunds.ListPage(r.ctx, &paykit.ListRefundsParams{ListParams: q.Params(), PaymentID: q.PaymentID}))
		}, wire.QueryPaymentID),
		paykit.OpRefundsRetrieve: func(r *request) (any, error) { return c.Refunds.Retrieve(r.ctx, r.id) },

		paykit.OpInvoicesList: list(func(r *request, q wire.ListQuery) (any, error) {
			return page(c.Invoices.ListPage(r.ctx, &paykit.ListInvoicesParams{ListParams: q.Params(),
				CustomerID: q.CustomerID, SubscriptionID: q.SubscriptionID}))
		}, wire.QueryCustomerID, wire.QuerySubscriptionID),
		paykit.OpInvoicesRetrieve: func(r *request) (any, error) { return c.Invoices.Retrieve(r.ctx, r.id) },

		wire.OpNow: func(r *request) (any, error) {
			now, err := sim.Now(r.ctx)
			return wire.Clock{Now: now}, err
		},
		wire.OpAdvanceClock: body(func(r *request, w *wire.Advance) (any, error) {
			d, err := time.ParseDuration(w.Duration)
			if err != nil {
				return nil, paykit.ValidationError("duration", "duration must be a Go duration such as \"720h\"")
			}
			if err := sim.AdvanceClock(r.ctx, d); err != nil {
				return nil, err
			}
			now, err := sim.Now(r.ctx)
			return wire.Clock{Now: now}, err
		}),

		wire.OpEvents: list(func(r *request, q wire.ListQuery) (any, error) {
			p, err := sim.EventsPage(r.ctx, paykit.ListParams{Limit: q.Limit, Cursor: q.Cursor})
			if err != nil {
				return nil, err
			}
			out := wire.Events[local.Delivery]{Data: make([]wire.LoggedEvent[local.Delivery], len(p.Data)), HasMore: p.HasMore, NextCursor: p.NextCursor}
			for i, le := range p.Data {
				out.Data[i] = loggedEvent(le)
			}
			return out, nil
		}),
		wire.OpEvent: func(r *request) (any, error) {
			le, err := sim.Event(r.ctx, r.id)
			if err != nil {
				return nil, err
			}
			return loggedEvent(le), nil
		},
		wire.OpResend: func(r *request) (any, error) {
			if err := sim.Resend(r.ctx, r.id); err != nil {
				return nil, err
			}
			le, err := sim.Event(r.ctx, r.id)
			if err != nil {
				return nil, err
			}
			return loggedEvent(le), nil
		},
		wire.OpFlush: func(r *request) (any, error) {
			ctx, cancel := context.WithTimeout(r.ctx, FlushWait)
			defer cancel()
			defer context.AfterFunc(a.stopping, cancel)()
			err := sim.Flush(ctx)
			if err != nil && ctx.Err() != nil && r.ctx.Err() == nil {
				return wire.Flushed{Pending: true}, nil
			}
			return wire.Flushed{}, err
		},
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, pe *paykit.Error) {
	writeJSON(w, status, wire.NewError(pe))
}

// fail answers an error the routes refused before any handler: JSON on
// the API, a short page elsewhere.
func fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		code := paykit.CodePermission
		writeError(w, status, &paykit.Error{Code: code, Message: msg})
		return
	}
	http.Error(w, msg, status)
}
