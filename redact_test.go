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
	}
	for in, want := range cases {
		assert.Equal(t, want, paykit.Redact(in), in)
	}
}
