package stripe

import (
	"math"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAmountConversion converts paykit minor units (ISO 4217 exponents, as
// providerkit has them) to Stripe's and back, for every currency Stripe
// documents as special and those whose exponents differ between ISO 4217
// and Stripe.
func TestAmountConversion(t *testing.T) {
	cases := []struct {
		currency      string
		paykit, wire  int64
		refusedPaykit int64 // 0: every amount converts
	}{
		// Zero-decimal at Stripe and in ISO 4217.
		{"BIF", 150, 150, 0}, {"CLP", 150, 150, 0}, {"DJF", 150, 150, 0}, {"GNF", 150, 150, 0},
		{"JPY", 150, 150, 0}, {"KMF", 150, 150, 0}, {"KRW", 150, 150, 0},
		{"PYG", 150, 150, 0}, {"RWF", 150, 150, 0}, {"UGX", 150, 150, 0}, {"VND", 150, 150, 0},
		{"VUV", 150, 150, 0}, {"XAF", 150, 150, 0}, {"XOF", 150, 150, 0}, {"XPF", 150, 150, 0},
		// Three decimals, sent in tens of the minor unit.
		{"BHD", 1250, 1250, 1255}, {"JOD", 1250, 1250, 1255}, {"KWD", 1250, 1250, 1255},
		{"OMR", 1250, 1250, 1255}, {"TND", 1250, 1250, 1255},
		// Two decimals at Stripe, always 00, for a currency with none.
		{"ISK", 150, 15000, 0},
		// HUF and TWD are charged with two decimals (their rule of
		// whole units applies to payouts only).
		{"HUF", 150, 150, 0}, {"TWD", 150, 150, 0},
		// Two decimals in ISO 4217 and at Stripe (CLDR's cash digits,
		// which paykit once used, have none).
		{"IDR", 150, 150, 0}, {"COP", 150, 150, 0}, {"PKR", 150, 150, 0},
		// Two decimals in ISO 4217, zero-decimal at Stripe: only whole
		// ariary convert.
		{"MGA", 15000, 150, 15050},
		// Three decimals in ISO 4217, two at Stripe: only whole tens
		// convert.
		{"LYD", 1250, 125, 1255}, {"IQD", 1250, 125, 1255},
		{"USD", 150, 150, 0}, {"EUR", 150, 150, 0},
	}
	for _, tc := range cases {
		t.Run(tc.currency, func(t *testing.T) {
			got, err := amountToStripe("amount", tc.paykit, tc.currency)
			require.NoError(t, err)
			assert.Equal(t, tc.wire, got, "to Stripe")
			assert.Equal(t, tc.paykit, amountFromStripe(tc.wire, tc.currency), "from Stripe")
			lower, err := amountToStripe("amount", tc.paykit, string([]byte{tc.currency[0] | 0x20, tc.currency[1] | 0x20, tc.currency[2] | 0x20}))
			require.NoError(t, err)
			assert.Equal(t, tc.wire, lower, "any case")
			if tc.refusedPaykit != 0 {
				_, err := amountToStripe("amount", tc.refusedPaykit, tc.currency)
				require.ErrorIs(t, err, paykit.ErrValidation)
				assert.Contains(t, err.Error(), "amount")
			}
		})
	}
	t.Run("overflow", func(t *testing.T) {
		_, err := amountToStripe("amount", math.MaxInt64/10, "ISK")
		require.ErrorIs(t, err, paykit.ErrValidation)
	})
}
