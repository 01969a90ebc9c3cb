package providerkit

import (
	"errors"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
)

type testOptions struct{ Locale string }

func TestOptionsOf(t *testing.T) {
	given := &testOptions{Locale: "de"}
	for _, tc := range []struct {
		name string
		v    any
		want testOptions
	}{
		{"nil", nil, testOptions{}},
		{"value", testOptions{Locale: "fr"}, testOptions{Locale: "fr"}},
		{"pointer", given, testOptions{Locale: "de"}},
		{"nil pointer", (*testOptions)(nil), testOptions{}},
	} {
		got, err := OptionsOf[testOptions](tc.v)
		if err != nil || got == nil || *got != tc.want {
			t.Errorf("%s: OptionsOf = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if got, _ := OptionsOf[testOptions](given); got != given {
		t.Error("a *T is not returned as it is")
	}
	for _, v := range []any{"de", 1, &struct{ Locale string }{}, []testOptions{{}}} {
		got, err := OptionsOf[testOptions](v)
		pe, ok := paykit.AsError(err)
		if got != nil || !ok || !errors.Is(err, paykit.ErrValidation) || pe.Param != "provider_metadata" ||
			!strings.Contains(pe.Message, "providerkit.testOptions") {
			t.Errorf("OptionsOf(%#v) = %v, %v", v, got, err)
		}
	}
}
