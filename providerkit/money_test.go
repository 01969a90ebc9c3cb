package providerkit

import (
	"errors"
	"math"
	"testing"
)

// paypal and stripeLike are the exponent tables of two providers: PayPal
// takes HUF, JPY and TWD without decimals; Stripe writes ISK with two, MGA
// with none and LYD with two.
var (
	paypal     = Exponents{"HUF": 0, "JPY": 0, "TWD": 0}
	stripeLike = Exponents{"ISK": 2, "MGA": 0, "LYD": 2}
)

func TestExponents(t *testing.T) {
	for _, tc := range []struct {
		e    Exponents
		code string
		want int
	}{
		{nil, "USD", 2}, {nil, "jpy", 0}, {nil, "KWD", 3}, {nil, "ISK", 0}, {nil, "HUF", 2},
		{paypal, "HUF", 0}, {paypal, "twd", 0}, {paypal, "USD", 2}, {paypal, "KWD", 3},
		{stripeLike, "ISK", 2}, {stripeLike, "MGA", 0}, {stripeLike, "LYD", 2}, {stripeLike, "IQD", 3},
	} {
		got, err := tc.e.Exponent(tc.code)
		if err != nil || got != tc.want {
			t.Errorf("%v.Exponent(%s) = %d, %v; want %d", tc.e, tc.code, got, err, tc.want)
		}
	}
	for _, code := range []string{"", "US", "XTS", "HRK", "usdx"} {
		if _, err := paypal.Exponent(code); err == nil {
			t.Errorf("Exponent(%q) accepted", code)
		}
		if _, err := paypal.Format(100, code); err == nil {
			t.Errorf("Format(100, %q) accepted", code)
		}
	}
	if got, err := Exponent("IQD"); err != nil || got != 3 {
		t.Errorf("Exponent(IQD) = %d, %v", got, err)
	}
}

func TestFormatAndParse(t *testing.T) {
	for _, tc := range []struct {
		name  string
		e     Exponents
		minor int64
		code  string
		s     string
	}{
		{"ISO two", nil, 1050, "USD", "10.50"},
		{"ISO none", nil, 500, "JPY", "500"},
		{"ISO three", nil, 1500, "KWD", "1.500"},
		{"ISO small", nil, 5, "KWD", "0.005"},
		{"ISO negative", nil, -1050, "EUR", "-10.50"},
		{"ISO zero", nil, 0, "USD", "0.00"},
		{"ISO largest", nil, math.MaxInt64, "USD", "92233720368547758.07"},
		{"ISO smallest", nil, math.MinInt64, "USD", "-92233720368547758.08"},
		{"override fewer", paypal, 1000, "HUF", "10"},
		{"override same", paypal, 1500, "JPY", "1500"},
		{"override unlisted", paypal, 1050, "USD", "10.50"},
		{"override more", stripeLike, 150, "ISK", "150.00"},
		{"override fewer of three", stripeLike, 1250, "LYD", "1.25"},
		{"override none of two", stripeLike, 15000, "MGA", "150"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.e.Format(tc.minor, tc.code)
			if err != nil || s != tc.s {
				t.Fatalf("Format(%d, %s) = %q, %v; want %q", tc.minor, tc.code, s, err, tc.s)
			}
			minor, err := tc.e.Parse(tc.s, tc.code)
			if err != nil || minor != tc.minor {
				t.Fatalf("Parse(%q, %s) = %d, %v; want %d", tc.s, tc.code, minor, err, tc.minor)
			}
		})
	}
	if got, err := ParseDecimal("10.5", "USD"); err != nil || got != 1050 {
		t.Errorf("ParseDecimal(10.5) = %d, %v", got, err)
	}
	if got, err := FormatDecimal(1500, "KWD"); err != nil || got != "1.500" {
		t.Errorf("FormatDecimal(1500, KWD) = %q, %v", got, err)
	}
}

func TestFormatRefusesWhatTheProviderCannotWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		e     Exponents
		minor int64
		code  string
		want  error
	}{
		{"fraction of a forint", paypal, 1050, "HUF", ErrInexactAmount},
		{"fraction of an ariary", stripeLike, 15050, "MGA", ErrInexactAmount},
		{"fraction of a dirham", stripeLike, 1255, "LYD", ErrInexactAmount},
		{"overflow", stripeLike, math.MaxInt64 / 10, "ISK", ErrAmountOverflow},
		{"overflow negative", stripeLike, math.MinInt64 / 10, "ISK", ErrAmountOverflow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := tc.e.Format(tc.minor, tc.code); !errors.Is(err, tc.want) {
				t.Errorf("Format(%d, %s) = %q, %v; want %v", tc.minor, tc.code, s, err, tc.want)
			}
			if n, err := tc.e.ToProvider(tc.minor, tc.code); !errors.Is(err, tc.want) {
				t.Errorf("ToProvider(%d, %s) = %d, %v; want %v", tc.minor, tc.code, n, err, tc.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Exponents
		s    string
		code string
		want error // nil: any error
	}{
		{"too many fraction digits", nil, "10.505", "USD", nil},
		{"fraction digits for none", nil, "10.5", "JPY", nil},
		{"trailing zero past the exponent", nil, "10.500", "USD", nil},
		{"too many for the override", paypal, "10.50", "HUF", nil},
		{"fraction of paykit's unit", stripeLike, "10.50", "ISK", ErrInexactAmount},
		{"overflow", nil, "92233720368547758.08", "USD", ErrAmountOverflow},
		{"overflow after the shift", stripeLike, "9223372036854775.81", "LYD", ErrAmountOverflow},
		{"empty", nil, "", "USD", nil},
		{"dot only", nil, ".", "USD", nil},
		{"no whole part", nil, ".50", "USD", nil},
		{"no fraction after the dot", nil, "10.", "USD", nil},
		{"sign alone", nil, "-", "USD", nil},
		{"two signs", nil, "--1", "USD", nil},
		{"plus sign", nil, "+1", "USD", nil},
		{"letters", nil, "ten", "USD", nil},
		{"not a currency", nil, "1", "XTS", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := tc.e.Parse(tc.s, tc.code)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Parse(%q, %s) = %d, %v; want an error (%v)", tc.s, tc.code, n, err, tc.want)
			}
		})
	}
}

func TestToAndFromProvider(t *testing.T) {
	for _, tc := range []struct {
		e             Exponents
		code          string
		paykit, wire  int64
		refusedPaykit int64 // 0: every amount converts
	}{
		{stripeLike, "USD", 150, 150, 0},
		{stripeLike, "ISK", 150, 15000, 0},
		{stripeLike, "MGA", 15000, 150, 15050},
		{stripeLike, "lyd", 1250, 125, 1255},
		{stripeLike, "KWD", 1255, 1255, 0},
		{paypal, "HUF", 1000, 10, 1001},
		{paypal, "JPY", 7, 7, 0},
	} {
		got, err := tc.e.ToProvider(tc.paykit, tc.code)
		if err != nil || got != tc.wire {
			t.Errorf("ToProvider(%d, %s) = %d, %v; want %d", tc.paykit, tc.code, got, err, tc.wire)
		}
		back, err := tc.e.FromProvider(tc.wire, tc.code)
		if err != nil || back != tc.paykit {
			t.Errorf("FromProvider(%d, %s) = %d, %v; want %d", tc.wire, tc.code, back, err, tc.paykit)
		}
		if tc.refusedPaykit != 0 {
			if _, err := tc.e.ToProvider(tc.refusedPaykit, tc.code); !errors.Is(err, ErrInexactAmount) {
				t.Errorf("ToProvider(%d, %s) = %v, want ErrInexactAmount", tc.refusedPaykit, tc.code, err)
			}
		}
	}
	// A provider amount with a fraction of paykit's minor unit is
	// refused, and returned truncated with the error.
	if got, err := stripeLike.FromProvider(15045, "ISK"); !errors.Is(err, ErrInexactAmount) || got != 150 {
		t.Errorf("FromProvider(15045, ISK) = %d, %v", got, err)
	}
	if _, err := stripeLike.FromProvider(math.MaxInt64/5, "MGA"); !errors.Is(err, ErrAmountOverflow) {
		t.Errorf("FromProvider overflow = %v", err)
	}
}

func TestFromFloat(t *testing.T) {
	for _, tc := range []struct {
		e     Exponents
		major float64
		code  string
		want  int64
	}{
		{nil, 10.5, "USD", 1050},
		{nil, 10.005, "KWD", 10005},
		{nil, 0.125, "USD", 13},
		{nil, -0.125, "USD", -13},
		{nil, 1500, "JPY", 1500},
		{paypal, 10, "HUF", 1000},
		{paypal, 10.4, "HUF", 1000},
		{stripeLike, 150, "ISK", 150},
		{stripeLike, 1.25, "LYD", 1250},
	} {
		got, err := tc.e.FromFloat(tc.major, tc.code)
		if err != nil || got != tc.want {
			t.Errorf("FromFloat(%v, %s) = %d, %v; want %d", tc.major, tc.code, got, err, tc.want)
		}
	}
	if got, err := AmountFromFloat(12.34, "EUR"); err != nil || got != 1234 {
		t.Errorf("AmountFromFloat(12.34, EUR) = %d, %v", got, err)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e18, -1e18} {
		if _, err := AmountFromFloat(f, "USD"); !errors.Is(err, ErrAmountOverflow) {
			t.Errorf("AmountFromFloat(%v) = %v, want ErrAmountOverflow", f, err)
		}
	}
	if _, err := stripeLike.FromFloat(150.5, "ISK"); !errors.Is(err, ErrInexactAmount) {
		t.Errorf("FromFloat(150.5, ISK) = %v, want ErrInexactAmount", err)
	}
}

// TestToProviderNeverReturnsATruncatedAmount: an amount the provider
// cannot carry fails with 0 beside the error, so a caller that logs and
// goes on sends nothing rather than 10 Ft for 10.50 Ft.
func TestToProviderNeverReturnsATruncatedAmount(t *testing.T) {
	n, err := Exponents{"HUF": 0}.ToProvider(1050, "HUF")
	if !errors.Is(err, ErrInexactAmount) || n != 0 {
		t.Errorf("ToProvider(1050 HUF) = %d, %v; want 0 and ErrInexactAmount", n, err)
	}
}
