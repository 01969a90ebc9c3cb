// Money: paykit amounts are int64 minor units with ISO 4217 exponents
// (1050 USD is $10.50, 1500 JPY is ¥1500, 1500 KWD is 1.500 KD). These
// convert them to and from what a provider's API takes: decimal strings,
// floats, or integers in the provider's own minor units where its
// exponent differs from ISO 4217. No conversion into a provider's form
// rounds: an amount the provider cannot represent exactly is refused.
// Only AmountFromFloat and Exponents.FromFloat, which read a float a
// provider sent, round to the nearest minor unit.

package providerkit

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paykit-go/paykit/internal/money"
)

// ErrAmountOverflow matches the error of a conversion whose result does
// not fit in int64.
var ErrAmountOverflow = money.ErrOverflow

// ErrInexactAmount matches the error of a conversion that would drop a
// fraction of a minor unit: an amount the other side cannot represent.
var ErrInexactAmount = errors.New("amount cannot be represented exactly")

// NormalizeCurrency returns code upper-cased if it is an active ISO 4217
// currency; test, precious-metal and withdrawn codes are refused.
func NormalizeCurrency(code string) (string, error) { return money.Normalize(code) }

// Exponent returns the ISO 4217 number of minor-unit digits of code: 2
// for USD, 0 for JPY, 3 for KWD.
func Exponent(code string) (int, error) { return money.Exponent(code) }

// FormatDecimal renders minor units as a decimal string in major units
// with the ISO 4217 exponent: 1050 USD is "10.50", 500 JPY "500", 1500
// KWD "1.500".
func FormatDecimal(minor int64, code string) (string, error) {
	return Exponents(nil).Format(minor, code)
}

// ParseDecimal reads a decimal string in major units into minor units with
// the ISO 4217 exponent, refusing more fraction digits than the currency
// has.
func ParseDecimal(s, code string) (int64, error) { return Exponents(nil).Parse(s, code) }

// AmountFromFloat converts a major-unit float, as some JSON APIs send
// amounts, into minor units, rounding half away from zero at the ISO 4217
// exponent.
func AmountFromFloat(major float64, code string) (int64, error) {
	return Exponents(nil).FromFloat(major, code)
}

// Exponents are a provider's minor-unit digits for the currencies where
// they differ from ISO 4217, keyed by upper-case code. A currency not
// listed has its ISO 4217 exponent; only active ISO 4217 codes are taken.
// The zero value is ISO 4217 itself. For example PayPal's:
//
//	providerkit.Exponents{"HUF": 0, "JPY": 0, "TWD": 0}
type Exponents map[string]int

// Exponent returns the provider's number of minor-unit digits of code.
func (e Exponents) Exponent(code string) (int, error) {
	exp, _, err := e.exponents(code)
	return exp, err
}

// exponents returns the provider's and ISO 4217's exponents of code.
func (e Exponents) exponents(code string) (provider, iso int, err error) {
	up, err := money.Normalize(code)
	if err != nil {
		return 0, 0, err
	}
	iso, err = money.Exponent(up)
	if err != nil {
		return 0, 0, err
	}
	if exp, ok := e[up]; ok {
		return exp, iso, nil
	}
	return iso, iso, nil
}

// ToProvider converts paykit minor units (ISO 4217) of code into the
// provider's minor units: 15000 MGA (150.00 ariary) is 150 for a provider
// that gives MGA no decimals. An amount with a fraction of the provider's
// minor unit (15050 MGA there) fails with ErrInexactAmount, one that does
// not fit in int64 with ErrAmountOverflow.
func (e Exponents) ToProvider(minor int64, code string) (int64, error) {
	exp, iso, err := e.exponents(code)
	if err != nil {
		return 0, err
	}
	n, err := shiftExact(minor, exp-iso, code)
	if err != nil {
		// Never a truncated amount beside the error: a caller that logs
		// and goes on must not send 10 Ft for 10.50 Ft.
		return 0, err
	}
	return n, nil
}

// FromProvider converts the provider's minor units of code into paykit's
// (ISO 4217): 150 MGA is 15000 when the provider gives MGA no decimals.
// An amount with a fraction of paykit's minor unit fails with
// ErrInexactAmount and is returned truncated toward zero with it, for a
// caller that reads what a provider sent and prefers that to nothing; one
// that does not fit in int64 fails with ErrAmountOverflow.
func (e Exponents) FromProvider(amount int64, code string) (int64, error) {
	exp, iso, err := e.exponents(code)
	if err != nil {
		return 0, err
	}
	return shiftExact(amount, iso-exp, code)
}

// Format renders paykit minor units of code as a decimal string with the
// provider's exponent: 1000 HUF (10.00 Ft) is "10" for PayPal, which
// takes HUF without decimals; 1050 HUF fails with ErrInexactAmount.
func (e Exponents) Format(minor int64, code string) (string, error) {
	exp, iso, err := e.exponents(code)
	if err != nil {
		return "", err
	}
	n, err := shiftExact(minor, exp-iso, code)
	if err != nil {
		return "", err
	}
	return money.FormatDecimal(n, exp), nil
}

// Parse reads a decimal string with the provider's exponent into paykit
// minor units of code. It refuses more fraction digits than the provider
// has, a fraction of paykit's minor unit (ErrInexactAmount: "10.50" ISK
// from a provider that writes ISK with two decimals) and amounts that do
// not fit in int64 (ErrAmountOverflow).
func (e Exponents) Parse(s, code string) (int64, error) {
	exp, iso, err := e.exponents(code)
	if err != nil {
		return 0, err
	}
	n, err := money.ParseDecimal(s, exp)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", strings.ToUpper(code), err)
	}
	if n, err = shiftExact(n, iso-exp, code); err != nil {
		return 0, err
	}
	return n, nil
}

// FromFloat converts a major-unit float in the provider's exponent into
// paykit minor units of code, rounding half away from zero at the
// provider's exponent; the result must then be exact in paykit's.
func (e Exponents) FromFloat(major float64, code string) (int64, error) {
	exp, iso, err := e.exponents(code)
	if err != nil {
		return 0, err
	}
	n, err := money.FloatDecimal(major, exp)
	if err != nil {
		return 0, fmt.Errorf("%s amount %v: %w", strings.ToUpper(code), major, err)
	}
	if n, err = shiftExact(n, iso-exp, code); err != nil {
		return 0, err
	}
	return n, nil
}

// shiftExact multiplies amount by 10^shift: for a negative shift it
// divides, failing with ErrInexactAmount (and the quotient truncated
// toward zero) when there is a remainder.
func shiftExact(amount int64, shift int, code string) (int64, error) {
	f := int64(1)
	for range max(shift, -shift) {
		if f > math.MaxInt64/10 {
			return 0, fmt.Errorf("%s amount %d: %w", strings.ToUpper(code), amount, ErrAmountOverflow)
		}
		f *= 10
	}
	switch {
	case shift > 0:
		if amount > math.MaxInt64/f || amount < math.MinInt64/f {
			return 0, fmt.Errorf("%s amount %d: %w", strings.ToUpper(code), amount, ErrAmountOverflow)
		}
		return amount * f, nil
	case shift < 0:
		if amount%f != 0 {
			return amount / f, fmt.Errorf("%s amount %d is not a multiple of %d: %w", strings.ToUpper(code), amount, f, ErrInexactAmount)
		}
		return amount / f, nil
	}
	return amount, nil
}
