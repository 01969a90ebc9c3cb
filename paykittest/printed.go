package paykittest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Printed returns every form in which a program commonly prints or
// stores v, one per line: fmt's %v, %+v, %#v, %s and %q, and
// json.Marshal's output (or its error). A test searches it for a secret
// that must not appear, as RunSecretConformance does for providers,
// clients and errors.
func Printed(v any) string {
	out := fmt.Sprintf("%v\n%+v\n%#v\n%s\n%q\n", v, v, v, v, v)
	if b, err := json.Marshal(v); err != nil {
		out += err.Error() + "\n"
	} else {
		out += string(b) + "\n"
	}
	return out
}

// CheckPrinted fails t when any form of Printed(v) holds one of secrets.
func CheckPrinted(t testing.TB, v any, secrets ...string) {
	t.Helper()
	out := Printed(v)
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("printing %T shows %q:\n%s", v, s, out)
		}
	}
}
