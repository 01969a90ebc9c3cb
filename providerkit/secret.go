package providerkit

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Secret holds a credential (an API key, an access token, a client or
// webhook secret) so that no way of printing, logging or encoding it shows
// the value: String, GoString, every fmt verb (%v, %+v, %#v, %s, %q, %x,
// ...), MarshalJSON, MarshalText and slog's LogValue all give the same
// mask, the value's known prefix followed by "…" ("sk_test_…",
// "whsec_…", "polar_oat_…") or "[REDACTED]" when it has none. Only
// Reveal returns the value; call it where the credential is sent, never
// to print it.
//
// The value is kept behind a function, not in a string field, so that a
// struct holding a Secret in an unexported field, which fmt prints field
// by field without calling methods, shows a function address, not the
// value. A provider keeps every credential it is given in a Secret, and
// prints as its name (see the providers' Format methods).
//
// The zero Secret is empty; it prints as "".
type Secret struct {
	reveal func() string
	mask   string
}

// NewSecret returns a Secret holding value.
func NewSecret(value string) Secret {
	if value == "" {
		return Secret{}
	}
	return Secret{reveal: func() string { return value }, mask: secretMask(value)}
}

// Reveal returns the value, "" for the zero Secret.
func (s Secret) Reveal() string {
	if s.reveal == nil {
		return ""
	}
	return s.reveal()
}

// IsZero reports whether s holds no value.
func (s Secret) IsZero() bool { return s.reveal == nil }

// String returns the mask.
func (s Secret) String() string { return s.mask }

// GoString returns the mask as a Go expression: providerkit.Secret("sk_test_…").
func (s Secret) GoString() string { return "providerkit.Secret(" + strconv.Quote(s.mask) + ")" }

// Format writes the mask for every verb: quoted for %q, as GoString for
// %#v, as it is otherwise.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(s.mask))
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, s.GoString())
	default:
		_, _ = io.WriteString(f, s.mask)
	}
}

// MarshalJSON encodes the mask as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.mask)), nil }

// MarshalText returns the mask.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.mask), nil }

// LogValue makes slog log the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.mask) }

var (
	_ fmt.Formatter  = Secret{}
	_ fmt.GoStringer = Secret{}
	_ slog.LogValuer = Secret{}
)

// secretMask keeps a known-safe prefix of value: one or two lowercase
// words of 2 to 6 letters, each followed by "_" ("sk_test_", "whsec_",
// "polar_oat_"), when at least 8 characters follow it; "[REDACTED]"
// otherwise.
func secretMask(value string) string {
	end := 0
	for words := 0; words < 2; words++ {
		i := end
		for i < len(value) && i-end < 7 && value[i] >= 'a' && value[i] <= 'z' {
			i++
		}
		if n := i - end; n < 2 || n > 6 || i >= len(value) || value[i] != '_' {
			break
		}
		end = i + 1
	}
	if end == 0 || len(value)-end < 8 {
		return "[REDACTED]"
	}
	return value[:end] + "…"
}
