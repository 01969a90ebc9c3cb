package paykit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paykit-go/paykit"
)

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"no secrets here: cus_123 pay_456":                         "no secrets here: cus_123 pay_456",
		"key rk_live_abcdefABCDEF123":                              "key [REDACTED]",
		"PayPal said: token A21AAFkQ3xZ9rT_k-2v8Lqa0Xc is expired": "PayPal said: token [REDACTED] is expired",
		"masked sk_test_****************1234":                      "masked [REDACTED]",
		"pan 4000056655665556 end":                                 "pan [REDACTED] end",
		"pan 4000-0566-5566-5556":                                  "pan [REDACTED]",
		"amex 378282246310005.":                                    "amex [REDACTED].",
		"not a card (Luhn fails) 4000056655665557":                 "not a card (Luhn fails) 4000056655665557",
		"uuid 12345678-1234-4234-1234-123456789012 kept":           "uuid 12345678-1234-4234-1234-123456789012 kept",
		"nanoseconds 1764158400000000000 kept":                     "nanoseconds 1764158400000000000 kept",
		"BEARER abcdefghijklmnop":                                  "[REDACTED]",
		"amount 4000056655665556.25 is a decimal":                  "amount 4000056655665556.25 is a decimal",
		"amount 1000000 and phone +1 234 567 8901 kept":            "amount 1000000 and phone +1 234 567 8901 kept",
		"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y z":         "Authorization: [REDACTED] z",

		"card 4242424242424242 12/34":              "card [REDACTED] 12/34",
		"card 4242424242424242 123":                "card [REDACTED] 123",
		"attempt 2 4242424242424242":               "attempt 2 [REDACTED]",
		"cards 4242 4242 4242 4242 5 6":            "cards [REDACTED] 5 6",
		"on 2025-11-26 4000-0566-5566-5556 failed": "on 2025-11-26 [REDACTED] failed",
		"ids 1234-5678 4242424242424241 kept":      "ids 1234-5678 4242424242424241 kept",
		"hyphen-joined 4242424242424242-12 kept":   "hyphen-joined 4242424242424242-12 kept",
		"uuid 4242424242424242-1234-5678 kept":     "uuid 4242424242424242-1234-5678 kept",
		// 932364 5555 5555 is Luhn-valid on its own: the card that
		// shares its last groups must still be covered whole.
		"x 111297 932364 5555 5555 5555 4444 2 y": "x 111297 [REDACTED] y",

		// A card number glued to an id prefix.
		"customer cus_4242424242424242 not found": "customer cus_[REDACTED] not found",
		"payment pay_4242424242424242":            "payment pay_[REDACTED]",
		"id pay_4242424242424242/x":               "id pay_[REDACTED]/x",
		"key 1796413640085504724_SjxO7g kept":     "key 1796413640085504724_SjxO7g kept",
		"ch4242424242424242":                      "ch[REDACTED]",
		// Split by double spaces, tabs, dots, %20.
		"card 4242  4242  4242  4242 x":          "card [REDACTED] x",
		"card 4242\t4242\t4242\t4242":            "card [REDACTED]",
		"card 4242.4242.4242.4242.":              "card [REDACTED].",
		"amex 3782.822463.10005":                 "amex [REDACTED]",
		"q=4242%204242%204242%204242&x=1":        "q=[REDACTED]&x=1",
		"card=4242%204242%204242%204242":         "card=[REDACTED]",
		"mixed 4242 \t 4242-4242-4242 4242 done": "mixed [REDACTED] done",
		// Full-width digits.
		"card ４２４２４２４２４２４２４２４２ end": "card [REDACTED] end",
		"card ４２４２ ４２４２ ４２４２ ４２４２":  "card [REDACTED]",
		// Authorization: Basic.
		"Authorization: Basic dXNlcjpwYXNzd29yZA==":       "Authorization: [REDACTED]",
		"authorization: basic QWxhZGRpbjpvcGVuIHNlc2FtZQ": "authorization: [REDACTED]",
		// Tokens with _ or - in them.
		"token polar_oat_abc_DEF-123456789xyz ok": "token [REDACTED] ok",
		"key sk_test_abc_def-GHI123 ok":           "key [REDACTED] ok",
		"whsec_abc-def_ghi+jkl= ok":               "[REDACTED] ok",
		"A21AAFkQ3xZ9rT_k-2v8Lqa0Xc_-_x ok":       "[REDACTED] ok",
		// Another case, no mode.
		"SK_TEST_ABCDEF123456 ok":         "[REDACTED] ok",
		"Rk_Live_abcdef123456 ok":         "[REDACTED] ok",
		"WHSEC_abcdefghijkl ok":           "[REDACTED] ok",
		"POLAR_OAT_abcdefghijklmn ok":     "[REDACTED] ok",
		"key sk_4eC39HqLyjWDarjtT1zdp7dc": "key [REDACTED]",
		"BEARER_less bearer abc":          "BEARER_less bearer abc",
		// Percent-encoded: a key after "%22", "%3A" or "%3D" (a form
		// body quoting JSON, found by paykittest.RunSecretConformance).
		"metadata=%7B%22id%22%3A%22sk_live_PaykitCanaryId0000%22%7D": "metadata=%7B%22id%22%3A%22[REDACTED]%22%7D",
		"q=x%3Dwhsec_abcdefghijkl&z":                                 "q=x%3D[REDACTED]&z",
		"a%3Apolar_oat_abcdefghijklmn":                               "a%3A[REDACTED]",
		"desk%20rk_test_abcdef12":                                    "desk%20[REDACTED]",

		// Kept: no secret.
		"Basic Authentication is disabled on the basic plan": "Basic Authentication is disabled on the basic plan",
		"task_manager sk_id risk_level desk_test_x":          "task_manager sk_id risk_level desk_test_x",
		"amount 4242424242424242.25 and 4000056655665556.5":  "amount 4242424242424242.25 and 4000056655665556.5",
		"version 1.2.3.4 and 10.0.0.1":                       "version 1.2.3.4 and 10.0.0.1",
		"full-width ４２ and ２０２５":                             "full-width ４２ and ２０２５",
		"path /a%20b/c%2F":                                   "path /a%20b/c%2F",
	}
	for in, want := range cases {
		assert.Equal(t, want, paykit.Redact(in), in)
	}
}

// BenchmarkRedact is Redact on the strings of a log line or an error
// message: with no secret (most of them), and with a key and a card.
func BenchmarkRedact(b *testing.B) {
	for name, s := range map[string]string{
		"clean":   "paykit: stripe: customers.retrieve: RESOURCE_NOT_FOUND: id: No such customer: 'cus_QxZ12abc' [status 404] [request req_abc123]",
		"secrets": "paykit: stripe: AUTHENTICATION_ERROR: Invalid API Key provided: sk_test_4eC39HqLyjWDarjtT1zdp7dc for card 4242 4242 4242 4242",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = paykit.Redact(s)
			}
		})
	}
}
