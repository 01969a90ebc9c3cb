package providerkit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/paykit-go/paykit/providerkit"
)

func TestSecretNeverPrintsItsValue(t *testing.T) {
	cases := map[string]string{
		"sk_test_CANARY0123456789":       "sk_test_…",
		"whsec_CANARYabcdefgh":           "whsec_…",
		"polar_oat_CANARYabcdefgh":       "polar_oat_…",
		"EJCANARYpaypalSECRET":           "[REDACTED]",
		"sk_CANARY":                      "[REDACTED]", // too little after the prefix
		"Sk_test_CANARY0123456789":       "[REDACTED]",
		"longprefix_CANARY0123456789abc": "[REDACTED]",
	}
	for value, mask := range cases {
		s := providerkit.NewSecret(value)
		if s.Reveal() != value || s.IsZero() {
			t.Fatalf("Reveal() = %q, want %q", s.Reveal(), value)
		}
		type holder struct {
			Exported   providerkit.Secret
			unexported providerkit.Secret
			ptr        *providerkit.Secret
		}
		h := holder{s, s, &s}
		var out strings.Builder
		for _, v := range []any{s, &s, h, &h, []providerkit.Secret{s}, map[string]any{"k": s}} {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T"} {
				fmt.Fprintf(&out, verb+"\n", v)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			out.Write(b)
		}
		txt, _ := s.MarshalText()
		out.Write(txt)
		out.WriteString(s.String() + s.GoString())
		var logs bytes.Buffer
		for _, l := range []*slog.Logger{slog.New(slog.NewTextHandler(&logs, nil)), slog.New(slog.NewJSONHandler(&logs, nil))} {
			l.Info("x", "secret", s, "holder", h, "ptr", &h)
		}
		out.Write(logs.Bytes())
		if strings.Contains(out.String(), "CANARY") {
			t.Errorf("%s printed:\n%s", value, out.String())
		}
		if got := fmt.Sprint(s); got != mask {
			t.Errorf("%s prints as %q, want %q", value, got, mask)
		}
	}
	var zero providerkit.Secret
	if !zero.IsZero() || zero.Reveal() != "" || zero.String() != "" {
		t.Errorf("the zero Secret is not empty")
	}
}
