package paykit_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paykit-go/paykit"
)

// canaryForms are the secrets FuzzRedact hides in its text, in every form
// Redact must catch. The fuzzer picks one by its form argument.
var canaryForms = []string{
	"4242424242424242",
	"cus_4242424242424242",
	"pay_4242424242424242",
	"4242 4242 4242 4242",
	"4242  4242  4242  4242",
	"4242\t4242\t4242\t4242",
	"4242.4242.4242.4242",
	"4242-4242-4242-4242",
	"4242%204242%204242%204242",
	"３７８２８２２４６３１０００５",
	"3782 822463 10005",
	"Basic dXNlcjpwYXNzd29yZA==",
	"Bearer eyJhbGciOiJIUzI1NiJ9.canary.sig",
	"sk_test_CANARY_4eC39-HqLyjWD",
	"SK_LIVE_CANARY4eC39HqLyjWD",
	"sk_CANARY4eC39HqLyjWDarjtT",
	"rk_live_CANARY4eC39HqLyjWD",
	"whsec_CANARY+abc/def=_-xyz",
	"polar_oat_CANARY_abc-defghijk",
	"A21AAFkQ3xZ9rT_k-2v8Lqa0Xc_CANARY",
}

// secretOf returns what of form must not survive: the card number of an
// id, the whole form otherwise.
func secretOf(form string) string {
	if strings.HasPrefix(form, "cus_") || strings.HasPrefix(form, "pay_") {
		return "4242424242424242"
	}
	return form
}

// digitsOf returns the digits of s, full-width ones as ASCII.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + r - '０')
		}
	}
	return b.String()
}

// FuzzRedact checks that no canary hidden in arbitrary text survives
// Redact, and that text with no secret comes back unchanged. Its seeds
// run in the normal suite.
func FuzzRedact(f *testing.F) {
	for i, seed := range []string{
		"", "no secrets here: cus_123 pay_456", "attempt 2", "12/34 exp", "id-", "x.", "Basic", "bearer",
		"amount 4242424242424242.25", "uuid 12345678-1234-4234-1234-123456789012", "%20", "４２", "sk_", "polar_oat",
		"Authorization: ", "card:", "\t", "日本語のテキスト", "a\x00b", "\xff\xfe",
	} {
		f.Add(seed, uint8(i), uint8(i))
	}
	f.Fuzz(func(t *testing.T, text string, form, at uint8) {
		canary := canaryForms[int(form)%len(canaryForms)]
		// The canary stands in the text between spaces: a digit run
		// glued to it would make it part of a longer number.
		pos := 0
		if len(text) > 0 {
			pos = int(at) % (len(text) + 1)
			for pos > 0 && !utf8.RuneStart(text[pos%len(text)]) && pos < len(text) {
				pos--
			}
		}
		in := text[:pos] + " " + canary + " " + text[pos:]
		out := paykit.Redact(in)
		if secret := secretOf(canary); strings.Contains(out, secret) && !strings.Contains(text, secret) {
			t.Errorf("Redact(%q) = %q keeps %q", in, out, secret)
		}
		// No card survives in part: the digits left must not hold it.
		if card := digitsOf(canary); len(card) >= 13 && strings.Contains(digitsOf(out), card) && !strings.Contains(digitsOf(text), card) {
			t.Errorf("Redact(%q) = %q keeps the card's digits", in, out)
		}
		if strings.Contains(out, "CANARY") && !strings.Contains(text, "CANARY") {
			t.Errorf("Redact(%q) = %q keeps a canary", in, out)
		}

		// Text with no secret: fewer than 13 digits, no "_" (every key
		// prefix has one) and no Bearer, Basic or PayPal token marker.
		clean := text
		for _, marker := range []string{"_", "bearer", "basic", "A21AA"} {
			clean = replaceFold(clean, marker, " ")
		}
		if digitCount(clean) < 13 {
			if got := paykit.Redact(clean); got != clean {
				t.Errorf("Redact(%q) = %q, want it unchanged", clean, got)
			}
		}
	})
}

// replaceFold replaces every occurrence of old in s, in any ASCII case,
// with repl.
func replaceFold(s, old, repl string) string {
	lower := strings.ToLower(s)
	if !strings.Contains(lower, old) || len(lower) != len(s) {
		if len(lower) != len(s) {
			// ToLower changed byte lengths: fall back to ASCII-only folding.
			return strings.ReplaceAll(strings.ReplaceAll(s, old, repl), strings.ToUpper(old[:1])+old[1:], repl)
		}
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			n++
		}
	}
	return n
}
