package paykittest

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/mock"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/paykitmock"
)

// The tests of this file tie the counting wrapper and the call log to
// paykit's table of operations, reading the Provider method that serves
// each Op from the table (Op.Method).

// opMethod is a Provider method that serves an operation, and the
// operation.
type opMethod struct {
	name string
	typ  reflect.Type
	op   paykit.Op
}

// tableMethods lists, from the table of operations (Op.Method), the
// Provider method that serves each operation, with its type.
func tableMethods(t *testing.T) []opMethod {
	t.Helper()
	var out []opMethod
	pt := reflect.TypeFor[paykit.Provider]()
	for _, op := range paykit.AllOps() {
		m, ok := pt.MethodByName(op.Method())
		if !ok {
			t.Fatalf("the table serves %s with Provider.%q, which the interface lacks", op, op.Method())
		}
		out = append(out, opMethod{m.Name, m.Type, op})
	}
	return out
}

// zeroArgs returns the zero value of every parameter of ft.
func zeroArgs(ft reflect.Type) []reflect.Value {
	args := make([]reflect.Value, ft.NumIn())
	for i := range args {
		args[i] = reflect.Zero(ft.In(i))
	}
	return args
}

// succeedingMock returns a mock whose every operation succeeds with zero
// values.
func succeedingMock(t *testing.T, ms []opMethod) *paykitmock.Provider {
	t.Helper()
	m := &paykitmock.Provider{}
	for _, om := range ms {
		m.On(om.name, slices.Repeat([]any{mock.Anything}, om.typ.NumIn())...).Return(make([]any, om.typ.NumOut())...)
	}
	return m
}

// called lists the methods m recorded.
func called(m *paykitmock.Provider) []string {
	var names []string
	for _, c := range m.Calls {
		names = append(names, c.Method)
	}
	return names
}

// TestCountingIsTheTable calls each Provider method of the counting
// wrapper by reflection, over a mock that succeeds: the call must be
// counted once, reported as a success of the method's Op, and passed on
// to the same method.
func TestCountingIsTheTable(t *testing.T) {
	ms := tableMethods(t)
	for _, om := range ms {
		m := succeedingMock(t, ms)
		var succeeded []paykit.Op
		c := &counting{Provider: m, succeeded: func(op paykit.Op) { succeeded = append(succeeded, op) }}
		reflect.ValueOf(c).MethodByName(om.name).Call(zeroArgs(om.typ))
		if c.calls() != 1 || !slices.Equal(succeeded, []paykit.Op{om.op}) {
			t.Errorf("counting.%s counted %d calls and the successes %v, want 1 and [%s]: does counting wrap %s?",
				om.name, c.calls(), succeeded, om.op, om.name)
		}
		if got := called(m); !slices.Equal(got, []string{om.name}) {
			t.Errorf("counting.%s called the provider's %q, want [%s]", om.name, got, om.name)
		}
	}
}

// TestCallLogIsTheTable ties allCalls to the table: one entry for every
// Op, and each entry's client and direct calls reach the Provider method
// that serves its Op, once.
func TestCallLogIsTheTable(t *testing.T) {
	ms := tableMethods(t)
	methodOf := map[paykit.Op]string{}
	for _, om := range ms {
		methodOf[om.op] = om.name
	}
	seen := map[paykit.Op]bool{}
	for _, call := range allCalls() {
		want, ok := methodOf[call.op]
		switch {
		case !ok:
			t.Errorf("allCalls has an entry for %s, which is not in the table of operations", call.op)
			continue
		case seen[call.op]:
			t.Errorf("allCalls has two entries for %s", call.op)
		}
		seen[call.op] = true
		m := succeedingMock(t, ms)
		_ = call.direct(context.Background(), m)
		if got := called(m); !slices.Equal(got, []string{want}) {
			t.Errorf("allCalls: the direct call of %s called %q, want [%s]", call.op, got, want)
		}
		m = succeedingMock(t, ms)
		_ = call.client(context.Background(), paykit.New(m))
		if got := called(m); !slices.Equal(got, []string{want}) {
			t.Errorf("allCalls: the Client call of %s reached %q, want [%s]", call.op, got, want)
		}
	}
	for _, op := range paykit.AllOps() {
		if !seen[op] {
			t.Errorf("allCalls has no entry for %s", op)
		}
	}
}
