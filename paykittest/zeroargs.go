package paykittest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// zeroArguments calls every operation directly on the provider, without a
// Client to validate for it, with zero arguments: nil params, nil
// options, "" ids, a nil webhook request and an empty secret. It makes one
// call with all of them zero, then, for a declared operation, one call
// per argument with that argument zero and the others valid. No call may
// panic. One missing an argument the operation needs (an id, the params
// of a create or update, the webhook request) must fail with a
// VALIDATION_ERROR naming it ("id", "params", "request"); an empty secret
// must fail. Nil options mean what a Client with no options sends: no
// idempotency key and no timeout. Nil list params mean the first page
// with the defaults, or are refused with a VALIDATION_ERROR; nil capture
// params mean a full capture, as through the Client. No call may answer a
// nil object and no error. An operation the provider does not declare
// must answer ErrNotSupported or a VALIDATION_ERROR.
func (s *suite) zeroArguments(t *testing.T) {
	ctx := ctxFor(t)
	p := s.newRawProvider(t)
	caps := p.Capabilities()
	methods := opMethods(t)
	for _, op := range paykit.AllOps() {
		name, ok := methods[op]
		if !ok {
			continue // opMethods failed the test
		}
		declared := caps.Supports(op)
		variants := []zeroVariant{{zero: -1}}
		if declared {
			for i := 1; i < reflect.ValueOf(p).MethodByName(name).Type().NumIn(); i++ {
				variants = append(variants, zeroVariant{zero: i})
			}
		}
		for _, v := range variants {
			c := zeroCall{op: op, method: name, zero: v.zero}
			out, err, crash := c.run(ctx, p)
			if crash != "" {
				t.Errorf("provider %s %s: %s", op, c.describe(p), crash)
				// A provider that panicked may hold a lock or be half
				// changed: go on with a fresh one.
				p = s.newRawProvider(t)
				continue
			}
			if msg := c.judge(p, declared, slices.Contains(s.h.Unexercised, op), out, err); msg != "" {
				t.Errorf("provider %s %s: %s", op, c.describe(p), msg)
			}
		}
	}
}

// newRawProvider returns a fresh provider of the harness, uncounted: its
// calls succeeding with zero arguments prove nothing about valid input.
func (s *suite) newRawProvider(t *testing.T) paykit.Provider {
	t.Helper()
	p := s.h.NewProvider(t)
	if p == nil {
		t.Fatal("Harness.NewProvider returned nil")
	}
	return p
}

// zeroVariant says which argument of a call is zero: -1 for all of them
// (the context excepted), or the index of one.
type zeroVariant struct{ zero int }

// zeroCall is one call of op, through its Provider method, with one or
// all of its arguments zero.
type zeroCall struct {
	op     paykit.Op
	method string
	zero   int
}

var (
	ctxType     = reflect.TypeFor[context.Context]()
	optsType    = reflect.TypeFor[*paykit.RequestOptions]()
	webhookType = reflect.TypeFor[*paykit.WebhookRequest]()
	errorType   = reflect.TypeFor[error]()
)

// opMethods maps every operation to its Provider method: customers.create
// to CreateCustomer, customers.list to ListCustomers, webhooks.handle to
// ParseWebhook. It fails t for an operation without a method, and for a
// Provider method without an operation, so that the step cannot fall
// behind the interface.
func opMethods(t *testing.T) map[paykit.Op]string {
	t.Helper()
	iface := reflect.TypeFor[paykit.Provider]()
	out := map[paykit.Op]string{}
	for _, op := range paykit.AllOps() {
		name := op.Method()
		if _, ok := iface.MethodByName(name); !ok {
			t.Errorf("paykittest: operation %s has no Provider method %s: update paykit's table of operations", op, name)
			continue
		}
		out[op] = name
	}
	for i := 0; i < iface.NumMethod(); i++ {
		m := iface.Method(i)
		if !m.IsExported() || m.Name == "Name" || m.Name == "Capabilities" {
			continue
		}
		found := false
		for _, name := range out {
			found = found || name == m.Name
		}
		if !found {
			t.Errorf("paykittest: Provider method %s has no operation in paykit.AllOps: update paykit's table of operations", m.Name)
		}
	}
	return out
}

// validParams are params the Client accepts, by type; a type missing here
// gets its zero value (non-nil).
var validParams = map[reflect.Type]any{
	reflect.TypeFor[*paykit.CreateCustomerParams]():     customerParams,
	reflect.TypeFor[*paykit.UpdateCustomerParams]():     &paykit.UpdateCustomerParams{Name: paykit.String("x")},
	reflect.TypeFor[*paykit.CreateCheckoutParams]():     checkoutParams,
	reflect.TypeFor[*paykit.UpdateCheckoutParams]():     &paykit.UpdateCheckoutParams{Metadata: map[string]string{"k": "v"}},
	reflect.TypeFor[*paykit.CreateSubscriptionParams](): subscriptionParams,
	reflect.TypeFor[*paykit.UpdateSubscriptionParams](): &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"k": "v"}},
	reflect.TypeFor[*paykit.CreatePaymentParams]():      paymentParams,
	reflect.TypeFor[*paykit.UpdatePaymentParams]():      &paykit.UpdatePaymentParams{Metadata: map[string]string{"k": "v"}},
	reflect.TypeFor[*paykit.CreateRefundParams]():       refundParams,
}

// argKind names what an argument of a Provider method is.
func argKind(op paykit.Op, typ reflect.Type) string {
	switch {
	case typ == ctxType:
		return "ctx"
	case typ == optsType:
		return "options"
	case typ == webhookType:
		return "request"
	case typ.Kind() == reflect.String && op == paykit.OpWebhooksHandle:
		return "secret"
	case typ.Kind() == reflect.String:
		return "id"
	}
	return "params"
}

// zeroAllowed reports whether the zero value of an argument of kind is a
// documented default rather than a missing argument: nil options, nil
// list params, nil capture params (a full capture).
func zeroAllowed(op paykit.Op, kind string) bool {
	switch kind {
	case "options":
		return true
	case "params":
		return strings.HasSuffix(string(op), ".list") || op == paykit.OpPaymentsCapture
	}
	return false
}

// args returns the arguments of the call: ctx, then zero or valid values.
func (c zeroCall) args(ctx context.Context, mt reflect.Type) []reflect.Value {
	in := make([]reflect.Value, mt.NumIn())
	for i := range in {
		typ := mt.In(i)
		kind := argKind(c.op, typ)
		switch {
		case kind == "ctx":
			in[i] = reflect.ValueOf(ctx)
		case c.zero == -1 || c.zero == i:
			in[i] = reflect.Zero(typ)
		case kind == "options" && c.op.IsWrite():
			in[i] = reflect.ValueOf(writeOpts())
		case kind == "options":
			in[i] = reflect.ValueOf(readOpts())
		case kind == "request":
			in[i] = reflect.ValueOf(&paykit.WebhookRequest{Body: []byte(`{}`), Header: map[string][]string{}})
		case kind == "secret":
			in[i] = reflect.ValueOf("whsec_conformance")
		case kind == "id":
			in[i] = reflect.ValueOf(missingID()).Convert(typ)
		case validParams[typ] != nil:
			in[i] = reflect.ValueOf(validParams[typ])
		case typ.Kind() == reflect.Pointer:
			in[i] = reflect.New(typ.Elem())
		default:
			in[i] = reflect.Zero(typ)
		}
	}
	return in
}

// describe says which arguments the call leaves zero.
func (c zeroCall) describe(p paykit.Provider) string {
	mt := reflect.ValueOf(p).MethodByName(c.method).Type()
	var zeros []string
	for i := 1; i < mt.NumIn(); i++ {
		if c.zero != -1 && c.zero != i {
			continue
		}
		switch kind := argKind(c.op, mt.In(i)); kind {
		case "id", "secret":
			zeros = append(zeros, `"" `+kind)
		default:
			zeros = append(zeros, "nil "+kind)
		}
	}
	return "called directly (" + c.method + ") with " + strings.Join(zeros, ", ")
}

// zeroKinds returns the kinds of the arguments the call leaves zero.
func (c zeroCall) zeroKinds(mt reflect.Type) []string {
	var kinds []string
	for i := 1; i < mt.NumIn(); i++ {
		if c.zero == -1 || c.zero == i {
			kinds = append(kinds, argKind(c.op, mt.In(i)))
		}
	}
	return kinds
}

// run makes the call and returns its results, or in crash how it
// panicked or that it did not return.
func (c zeroCall) run(ctx context.Context, p paykit.Provider) (out reflect.Value, err error, crash string) {
	m := reflect.ValueOf(p).MethodByName(c.method)
	in := c.args(ctx, m.Type())
	type result struct {
		res   []reflect.Value
		crash string
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{crash: fmt.Sprintf("panicked: %v%s", r, panicSite(debug.Stack()))}
			}
		}()
		done <- result{res: m.Call(in)}
	}()
	wait := 30 * time.Second
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d) + 5*time.Second
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(wait):
		return reflect.Value{}, nil, "did not return, even after its context ended"
	}
	if r.crash != "" {
		return reflect.Value{}, nil, r.crash
	}
	if last := r.res[len(r.res)-1]; last.Type() == errorType && !last.IsNil() {
		err = last.Interface().(error)
	}
	if len(r.res) == 2 {
		out = r.res[0]
	}
	return out, err, ""
}

// panicSite returns " at" the function and line that panicked, read from
// the stack of the recovering goroutine, or "".
func panicSite(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") && i+3 < len(lines) {
			fn := lines[i+2]
			if j := strings.LastIndex(fn, "("); j > 0 {
				fn = fn[:j]
			}
			loc := strings.TrimSpace(lines[i+3])
			if j := strings.LastIndex(loc, " +0x"); j > 0 {
				loc = loc[:j]
			}
			return " at " + fn + " (" + loc + ")"
		}
	}
	return ""
}

// judge returns what is wrong with the results of a call that returned,
// or "". unexercised tells whether the harness lists op in
// Harness.Unexercised: its nil list params may then fail for any reason.
func (c zeroCall) judge(p paykit.Provider, declared, unexercised bool, out reflect.Value, err error) string {
	mt := reflect.ValueOf(p).MethodByName(c.method).Type()
	kinds := c.zeroKinds(mt)
	if !declared {
		if errors.Is(err, paykit.ErrNotSupported) || errors.Is(err, paykit.ErrValidation) {
			return ""
		}
		return fmt.Sprintf("returned %v, want ErrNotSupported (undeclared) or a VALIDATION_ERROR", err)
	}
	var missing []string // zero arguments the operation cannot do without
	for _, k := range kinds {
		if !zeroAllowed(c.op, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		if err == nil {
			return "returned no error, want a VALIDATION_ERROR naming " + quoteAll(missing)
		}
		if len(missing) == 1 && missing[0] == "secret" {
			return "" // any error: a CONFIGURATION_ERROR or a WEBHOOK_ERROR will do
		}
		pe, ok := paykit.AsError(err)
		if ok && pe.Param == "secret" && slices.Contains(missing, "secret") {
			return "" // an empty secret may be refused first, with any code
		}
		if !ok || pe.Code != paykit.CodeValidation {
			return fmt.Sprintf("returned %v, want a VALIDATION_ERROR naming %s", err, quoteAll(missing))
		}
		if !slices.Contains(missing, pe.Param) {
			return fmt.Sprintf("returned a VALIDATION_ERROR on %q, want one naming %s", pe.Param, quoteAll(missing))
		}
		return ""
	}
	if err == nil && out.IsValid() && out.Kind() == reflect.Pointer && out.IsNil() {
		return "returned a nil result and no error"
	}
	if slices.Contains(kinds, "params") && strings.HasSuffix(string(c.op), ".list") && err != nil &&
		!errors.Is(err, paykit.ErrValidation) && !unexercised {
		return fmt.Sprintf("returned %v: nil list params mean the first page with the defaults, or fail with a VALIDATION_ERROR on \"params\"", err)
	}
	return ""
}

func quoteAll(kinds []string) string {
	q := make([]string, len(kinds))
	for i, k := range kinds {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, " or ")
}
