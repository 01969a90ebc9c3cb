// Package money converts between paykit's integer minor units and the
// forms providers use, with ISO 4217 data (active codes and their
// exponents) from github.com/bojanz/currency.
//
// golang.org/x/text/currency was used before. At the version Go 1.25 can
// build it still took withdrawn codes (HRK, VEF, SLL, MRO, ...), refused
// current ones (MRU, VES, SLE, ZWG, ...), and gave CLDR's cash digits
// instead of ISO 4217's exponent for 22 currencies (IDR, COP, PKR: 0
// rather than 2; IQD: 0 rather than 3), so an amount written in ISO minor
// units, as paykit documents them, was read 100 or 1000 times too large.
package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/bojanz/currency"
)

// Normalize returns code upper-cased if it is an active ISO 4217 currency.
// Test and precious-metal codes (XTS, XXX, XAU, ...) and withdrawn ones
// are refused.
func Normalize(code string) (string, error) {
	if len(code) != 3 {
		return "", fmt.Errorf("currency %q is not a 3-letter ISO 4217 code", code)
	}
	up := strings.ToUpper(code)
	if !currency.IsValid(up) {
		return "", fmt.Errorf("currency %q is not an active ISO 4217 code", code)
	}
	return up, nil
}

// Valid reports whether code (any case) is an active ISO 4217 currency.
func Valid(code string) bool {
	_, err := Normalize(code)
	return err == nil
}

// Exponent returns the ISO 4217 number of minor-unit digits of code: 2 for
// USD and IDR, 0 for JPY, 3 for KWD and IQD.
func Exponent(code string) (int, error) {
	up, err := Normalize(code)
	if err != nil {
		return 0, err
	}
	digits, _ := currency.GetDigits(up)
	return int(digits), nil
}

// FormatMajor renders minor units as a decimal string in major units, the
// form PayPal-like APIs take: 1050 USD -> "10.50", 500 JPY -> "500",
// 1500 KWD -> "1.500".
func FormatMajor(minor int64, code string) (string, error) {
	exp, err := Exponent(code)
	if err != nil {
		return "", err
	}
	return FormatDecimal(minor, exp), nil
}

// FormatDecimal renders minor units of a currency with exp decimals as a
// decimal string: 1050 with 2 is "10.50", -5 with 3 is "-0.005".
func FormatDecimal(minor int64, exp int) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	digits := strconv.FormatUint(u, 10)
	if exp > 0 {
		if len(digits) <= exp {
			digits = strings.Repeat("0", exp-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
	}
	if neg {
		digits = "-" + digits
	}
	return digits
}

// ParseMajor reads a decimal string in major units into minor units. It
// rejects more fractional digits than the currency has, so no amount is
// ever silently rounded.
func ParseMajor(s, code string) (int64, error) {
	exp, err := Exponent(code)
	if err != nil {
		return 0, err
	}
	n, err := ParseDecimal(s, exp)
	if err != nil {
		return 0, fmt.Errorf("amount %q is not a valid %s amount", strings.TrimPrefix(s, "-"), code)
	}
	return n, nil
}

// ParseDecimal reads a decimal string of a currency with exp decimals
// into minor units. It rejects more fractional digits than exp, so no
// amount is ever silently rounded, and amounts that do not fit in int64
// (with an error matching ErrOverflow).
func ParseDecimal(s string, exp int) (int64, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") || len(frac) > exp {
		return 0, fmt.Errorf("amount %q has no more than %d decimals", orig, exp)
	}
	frac += strings.Repeat("0", exp-len(frac))
	n, err := strconv.ParseUint(whole+frac, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("amount %q is not a decimal number", orig)
	}
	switch {
	case err != nil, n > 1<<63, n == 1<<63 && !neg:
		return 0, fmt.Errorf("amount %q: %w", orig, ErrOverflow)
	case neg:
		return int64(-n), nil
	}
	return int64(n), nil
}

// ErrOverflow is returned when an amount does not fit in int64.
var ErrOverflow = errors.New("amount overflows int64")

// FromFloat converts a major-unit float (as some JSON APIs send) to minor
// units, rounding half away from zero at the currency's exponent.
func FromFloat(major float64, code string) (int64, error) {
	exp, err := Exponent(code)
	if err != nil {
		return 0, err
	}
	return FloatDecimal(major, exp)
}

// FloatDecimal converts a major-unit float to minor units of a currency
// with exp decimals, rounding half away from zero.
func FloatDecimal(major float64, exp int) (int64, error) {
	v := math.Round(major * math.Pow10(exp))
	if v >= math.MaxInt64 || v < math.MinInt64 || math.IsNaN(v) {
		return 0, ErrOverflow
	}
	return int64(v), nil
}
