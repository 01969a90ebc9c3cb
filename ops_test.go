package paykit_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/paykitmock"
)

// The tests of this file tie every hand-written list of operations in
// this package and in paykittest's mock to the table of operations
// (ops.go), which AllOps, Op.IsWrite and Op.Method read.

// notOps are the Provider methods that serve no operation.
var notOps = []string{"Name", "Capabilities"}

// opByMethod maps each Provider method named in the table to its Op.
func opByMethod(t *testing.T) map[string]paykit.Op {
	t.Helper()
	m := map[string]paykit.Op{}
	for _, op := range paykit.AllOps() {
		m[op.Method()] = op
	}
	return m
}

// providerMethods lists the exported methods of the Provider interface
// that serve an operation.
func providerMethods() []reflect.Method {
	var ms []reflect.Method
	pt := reflect.TypeFor[paykit.Provider]()
	for i := range pt.NumMethod() {
		m := pt.Method(i)
		if m.IsExported() && !slices.Contains(notOps, m.Name) {
			ms = append(ms, m)
		}
	}
	return ms
}

// zeroArgs returns the zero value of every parameter of fn's type,
// skipping the receiver when fn is a method value's type.
func zeroArgs(ft reflect.Type) []reflect.Value {
	args := make([]reflect.Value, ft.NumIn())
	for i := range args {
		args[i] = reflect.Zero(ft.In(i))
	}
	return args
}

// writeActions says of each action an op names whether it changes state:
// a second statement of the table's read and write, by the op's name.
var writeActions = map[string]bool{
	"create": true, "update": true, "delete": true, "cancel": true, "capture": true,
	"retrieve": false, "list": false, "handle": false,
}

// TestOpTable checks the table on its own: every row names a distinct op
// of the form "<resource>.<action>" and a distinct method, its read or
// write agrees with its action (writeActions), and an Op that is not in
// the table is neither a write nor served by a method.
func TestOpTable(t *testing.T) {
	ops := paykit.AllOps()
	if len(ops) == 0 {
		t.Fatal("AllOps is empty")
	}
	seenOp, seenMethod := map[paykit.Op]bool{}, map[string]paykit.Op{}
	for _, op := range ops {
		if seenOp[op] {
			t.Errorf("the table of operations lists %s twice", op)
		}
		seenOp[op] = true
		res, act, ok := strings.Cut(string(op), ".")
		if !ok || res == "" || act == "" || strings.Contains(act, ".") {
			t.Errorf("op %q is not of the form <resource>.<action>", op)
		}
		if write, known := writeActions[act]; !known {
			t.Errorf("%s: action %q is not in writeActions: say whether it is a write", op, act)
		} else if op.IsWrite() != write {
			t.Errorf("%s: the table says IsWrite() = %v, but a %q is a %s", op, op.IsWrite(), act, map[bool]string{true: "write", false: "read"}[write])
		}
		m := op.Method()
		if m == "" {
			t.Errorf("the table names no Provider method for %s", op)
		}
		if prev, dup := seenMethod[m]; dup {
			t.Errorf("the table names %s for both %s and %s", m, prev, op)
		}
		seenMethod[m] = op
	}
	ops[0] = "changed"
	if paykit.AllOps()[0] == "changed" {
		t.Error("AllOps returns its own slice: a caller changed the table")
	}
	for _, op := range []paykit.Op{"", "customers.frobnicate", "local.complete_checkout"} {
		if op.IsWrite() {
			t.Errorf("Op(%q).IsWrite() = true for an op that is not in the table", op)
		}
		if m := op.Method(); m != "" {
			t.Errorf("Op(%q).Method() = %q for an op that is not in the table", op, m)
		}
	}
}

// TestOpConstantsAreTheTable ties the exported Op constants of this
// package to the table: each constant is a row, each row a constant.
func TestOpConstantsAreTheTable(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[paykit.Op]string{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			d, ok := decl.(*ast.GenDecl)
			if !ok || d.Tok != token.CONST {
				continue
			}
			for _, spec := range d.Specs {
				s := spec.(*ast.ValueSpec)
				if id, ok := s.Type.(*ast.Ident); !ok || id.Name != "Op" {
					continue
				}
				for i, n := range s.Names {
					lit, ok := s.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Errorf("%s: Op constant %s is not a string literal", fset.Position(n.Pos()), n.Name)
						continue
					}
					v, _ := strconv.Unquote(lit.Value)
					consts[paykit.Op(v)] = n.Name
				}
			}
		}
	}
	if len(consts) == 0 {
		t.Fatal("found no Op constants")
	}
	for op, name := range consts {
		if !slices.Contains(paykit.AllOps(), op) {
			t.Errorf("constant %s = %q is missing from the table of operations (ops.go)", name, op)
		}
	}
	for _, op := range paykit.AllOps() {
		if _, ok := consts[op]; !ok {
			t.Errorf("the table of operations lists %s, which no Op constant names", op)
		}
	}
}

// TestProviderInterfaceIsTheTable ties the Provider interface to the
// table: every method but Name, Capabilities and the unexported one serves
// exactly one row, and every row's method is in the interface.
func TestProviderInterfaceIsTheTable(t *testing.T) {
	byMethod := opByMethod(t)
	pt := reflect.TypeFor[paykit.Provider]()
	ctxType, roType := reflect.TypeFor[context.Context](), reflect.TypeFor[*paykit.RequestOptions]()
	for _, m := range providerMethods() {
		op, ok := byMethod[m.Name]
		if !ok {
			t.Errorf("Provider.%s serves no row of the table of operations (ops.go): add one, or list it in notOps", m.Name)
			continue
		}
		if m.Type.NumIn() == 0 || m.Type.In(0) != ctxType {
			t.Errorf("Provider.%s (%s) does not take a context first", m.Name, op)
		}
		if last := m.Type.In(m.Type.NumIn() - 1); op != paykit.OpWebhooksHandle && last != roType {
			t.Errorf("Provider.%s (%s) does not take *RequestOptions last", m.Name, op)
		}
	}
	for _, op := range paykit.AllOps() {
		if _, ok := pt.MethodByName(op.Method()); !ok {
			t.Errorf("the table serves %s with Provider.%s, which the interface lacks", op, op.Method())
		}
	}
}

// TestUnimplementedProviderIsTheTable calls each row's method of
// UnimplementedProvider with zero arguments: it must refuse with
// ErrNotSupported naming that row's Op.
func TestUnimplementedProviderIsTheTable(t *testing.T) {
	v := reflect.ValueOf(paykit.UnimplementedProvider{})
	for _, op := range paykit.AllOps() {
		name := op.Method()
		fn := v.MethodByName(name)
		if !fn.IsValid() {
			t.Errorf("UnimplementedProvider has no method %s (%s)", name, op)
			continue
		}
		out := fn.Call(zeroArgs(fn.Type()))
		err, _ := out[len(out)-1].Interface().(error)
		pe, _ := paykit.AsError(err)
		switch {
		case !errors.Is(err, paykit.ErrNotSupported):
			t.Errorf("UnimplementedProvider.%s returned %v, want an error matching ErrNotSupported", name, err)
		case pe == nil || pe.Op != op:
			t.Errorf("UnimplementedProvider.%s refused with Op %q, want %q", name, pe.Op, op)
		}
		for _, o := range out[:len(out)-1] {
			if !o.IsZero() {
				t.Errorf("UnimplementedProvider.%s returned %v besides its error", name, o)
			}
		}
	}
}

// expectAll sets an expectation on m for every method of the table that
// answers zero values, and returns m.
func expectAll(m *paykitmock.Provider) *paykitmock.Provider {
	pt := reflect.TypeFor[paykit.Provider]()
	for _, op := range paykit.AllOps() {
		mt, ok := pt.MethodByName(op.Method())
		if !ok {
			continue // TestProviderInterfaceIsTheTable reports it
		}
		m.On(mt.Name, slices.Repeat([]any{mock.Anything}, mt.Type.NumIn())...).
			Return(make([]any, mt.Type.NumOut())...)
	}
	return m
}

// TestMockIsTheTable calls each row's method of the mock by
// reflection: it must exist and record the call under its own name, the
// name a test gives to On.
func TestMockIsTheTable(t *testing.T) {
	for _, op := range paykit.AllOps() {
		name := op.Method()
		m := expectAll(&paykitmock.Provider{})
		fn := reflect.ValueOf(m).MethodByName(name)
		if !fn.IsValid() {
			t.Errorf("paykitmock.Provider has no method %s (%s)", name, op)
			continue
		}
		// A method the mock left to the embedded UnimplementedProvider
		// records nothing.
		fn.Call(zeroArgs(fn.Type()))
		if len(m.Calls) != 1 || m.Calls[0].Method != name {
			var got []string
			for _, c := range m.Calls {
				got = append(got, c.Method)
			}
			t.Errorf("paykitmock.Provider.%s (%s) recorded the calls %q, want [%q]", name, op, got, name)
		}
	}
}

// validArgs holds, by type, an argument the Client accepts; a Client
// method that takes another type fails the test until one is added.
var validArgs = func() map[reflect.Type]reflect.Value {
	meta := map[string]string{"k": "v"}
	vals := []any{
		"id_1",
		&paykit.CreateCustomerParams{Email: "ops@example.com"},
		&paykit.UpdateCustomerParams{Name: paykit.String("x")},
		&paykit.ListCustomersParams{},
		&paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("ops@example.com"), ItemID: "item_1",
			SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/success"},
		&paykit.UpdateCheckoutParams{Metadata: meta},
		&paykit.ListCheckoutsParams{},
		&paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_1"), ItemID: "item_1"},
		&paykit.UpdateSubscriptionParams{Metadata: meta},
		&paykit.ListSubscriptionsParams{},
		&paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID("cus_1")},
		&paykit.UpdatePaymentParams{Metadata: meta},
		&paykit.CapturePaymentParams{},
		&paykit.ListPaymentsParams{},
		&paykit.CreateRefundParams{PaymentID: "pay_1", Amount: 1},
		&paykit.ListRefundsParams{},
		&paykit.ListInvoicesParams{},
		&paykit.WebhookRequest{Body: []byte(`{}`), Header: http.Header{}},
		paykit.WebhookConfig{Secret: "whsec_ops"},
		paykit.EventType("customer.created"),
		paykit.EventHandler(func(context.Context, *paykit.Event) error { return nil }),
	}
	m := map[reflect.Type]reflect.Value{
		reflect.TypeFor[context.Context](): reflect.ValueOf(context.Background()),
		// For Webhook.Format, which reaches no provider method.
		reflect.TypeFor[fmt.State](): reflect.ValueOf(fmt.State(printState{})),
		reflect.TypeFor[rune]():      reflect.ValueOf('v'),
	}
	for _, v := range vals {
		m[reflect.TypeOf(v)] = reflect.ValueOf(v)
	}
	return m
}()

// printState is a fmt.State that discards what is written.
type printState struct{}

func (printState) Write(b []byte) (int, error) { return len(b), nil }
func (printState) Width() (int, bool)          { return 0, false }
func (printState) Precision() (int, bool)      { return 0, false }
func (printState) Flag(int) bool               { return false }

// callArgs builds valid arguments for the parameters of ft from the
// first on; a variadic tail is left empty.
func callArgs(t *testing.T, name string, ft reflect.Type, first int) []reflect.Value {
	t.Helper()
	n := ft.NumIn()
	if ft.IsVariadic() {
		n--
	}
	var args []reflect.Value
	for i := first; i < n; i++ {
		switch in := ft.In(i); in {
		case reflect.TypeFor[http.ResponseWriter]():
			args = append(args, reflect.ValueOf(httptest.NewRecorder()))
		case reflect.TypeFor[*http.Request]():
			args = append(args, reflect.ValueOf(httptest.NewRequest("POST", "/webhooks", strings.NewReader(`{}`))))
		default:
			v, ok := validArgs[in]
			if !ok {
				t.Fatalf("%s takes a %s: add a valid one to validArgs", name, in)
			}
			args = append(args, v)
		}
	}
	return args
}

// clientMethod is one exported method of a Client service.
type clientMethod struct {
	name string
	call func(c *paykit.Client) []reflect.Value
}

// clientMethods lists, by reflection, every exported method of the
// Client's services (its exported fields) and of the Webhook that
// Client.Webhooks.Setup returns.
func clientMethods(t *testing.T) []clientMethod {
	t.Helper()
	var out []clientMethod
	add := func(prefix string, recv func(c *paykit.Client) reflect.Value, typ reflect.Type) {
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			name := prefix + "." + m.Name
			out = append(out, clientMethod{name, func(c *paykit.Client) []reflect.Value {
				return recv(c).Method(i).Call(callArgs(t, name, m.Type, 1)) // 0 is the receiver
			}})
		}
	}
	ct := reflect.TypeFor[paykit.Client]()
	for i := range ct.NumField() {
		if f := ct.Field(i); f.IsExported() {
			add("Client."+f.Name, func(c *paykit.Client) reflect.Value { return reflect.ValueOf(c).Elem().Field(i) }, f.Type)
		}
	}
	add("Webhook", func(c *paykit.Client) reflect.Value {
		return reflect.ValueOf(c.Webhooks.Setup(paykit.WebhookConfig{Secret: "whsec_ops"}))
	}, reflect.TypeFor[*paykit.Webhook]())
	return out
}

// run calls cm on a Client over m, drains an iterator it returns, and
// returns the Provider methods it reached and the error it returned, if
// it returns one (hasErr).
func run(cm clientMethod, m *paykitmock.Provider) (reached []string, hasErr bool, err error) {
	c := paykit.New(m)
	for _, o := range cm.call(c) {
		switch {
		case o.Type().Implements(reflect.TypeFor[error]()):
			err, _ = o.Interface().(error)
			hasErr = true
		case o.Kind() == reflect.Func && o.Type().NumIn() == 1 && o.Type().In(0).Kind() == reflect.Func:
			// An iter.Seq2[*T, error]: take its first element.
			yield := o.Type().In(0)
			o.Call([]reflect.Value{reflect.MakeFunc(yield, func(args []reflect.Value) []reflect.Value {
				err, _ = args[1].Interface().(error)
				hasErr = true
				return []reflect.Value{reflect.ValueOf(false)}
			})})
		}
	}
	for _, call := range m.Calls {
		if !slices.Contains(reached, call.Method) {
			reached = append(reached, call.Method)
		}
	}
	return reached, hasErr, err
}

// TestClientReachesEveryOp calls every method of the Client's services,
// with valid arguments, on a mock that declares every operation: the
// Provider methods they reach must cover the table, each Client method
// reaching at most one. Declaring every operation but the one reached
// must then make the Client refuse that method with ErrNotSupported
// naming that op before the provider: the Client checks the same Op that
// the table says the method serves.
func TestClientReachesEveryOp(t *testing.T) {
	byMethod := opByMethod(t)
	reachedBy := map[paykit.Op][]string{}
	for _, cm := range clientMethods(t) {
		reached, hasErr, err := run(cm, expectAll(&paykitmock.Provider{}))
		if len(reached) == 0 {
			// On and Setup call no provider method and return no error.
			switch {
			case errors.Is(err, paykit.ErrNotSupported):
				t.Errorf("%s reached no Provider method: the Client refused it (%v) although the mock declares every op of the table", cm.name, err)
			case hasErr:
				t.Errorf("%s reached no Provider method and returned %v: give it valid arguments in validArgs", cm.name, err)
			}
			continue
		}
		if len(reached) > 1 {
			t.Errorf("%s reached the Provider methods %q, want one", cm.name, reached)
			continue
		}
		op, ok := byMethod[reached[0]]
		if !ok {
			t.Errorf("%s reached Provider.%s, which serves no row of the table", cm.name, reached[0])
			continue
		}
		reachedBy[op] = append(reachedBy[op], cm.name)

		others := slices.DeleteFunc(paykit.AllOps(), func(o paykit.Op) bool { return o == op })
		m := expectAll(&paykitmock.Provider{Caps: &paykit.Capabilities{Ops: others, IdempotencyKeys: true}})
		again, hasErr, err := run(cm, m)
		pe, _ := paykit.AsError(err)
		if len(again) != 0 || hasErr && (!errors.Is(err, paykit.ErrNotSupported) || pe.Op != op) {
			t.Errorf("%s serves %s (it calls Provider.%s), but without %s in Capabilities it reached %q and returned %v; "+
				"want ErrNotSupported for %s: the Client checks another op than the table's", cm.name, op, reached[0], op, again, err, op)
		}
	}
	for _, op := range paykit.AllOps() {
		if len(reachedBy[op]) == 0 {
			t.Errorf("no Client method reaches %s (Provider.%s)", op, op.Method())
		}
	}
}
