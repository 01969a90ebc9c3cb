package money

import "testing"

func TestExponent(t *testing.T) {
	// ISO 4217's exponents, also where CLDR's cash digits differ (IDR, COP,
	// PKR, IQD).
	for code, want := range map[string]int{"USD": 2, "usd": 2, "JPY": 0, "KWD": 3, "EUR": 2, "BHD": 3, "IDR": 2, "COP": 2, "PKR": 2, "IQD": 3, "ISK": 0, "CLP": 0, "UGX": 0, "HUF": 2, "MRU": 2, "VES": 2} {
		got, err := Exponent(code)
		if err != nil || got != want {
			t.Errorf("Exponent(%q) = %d, %v; want %d", code, got, err, want)
		}
	}
	if _, err := Exponent("ABC"); err == nil {
		t.Error("Exponent(ABC) accepted an unknown currency")
	}
}

func TestNormalize(t *testing.T) {
	if got, err := Normalize("usd"); err != nil || got != "USD" {
		t.Errorf("Normalize(usd) = %q, %v", got, err)
	}
	// Current codes are taken; withdrawn, test and precious-metal ones are
	// not.
	for _, good := range []string{"MRU", "VES", "SLE", "ZWG", "eur"} {
		if _, err := Normalize(good); err != nil {
			t.Errorf("Normalize(%q): %v", good, err)
		}
	}
	for _, bad := range []string{"", "US", "USDD", "ZZZ", "12$", "HRK", "VEF", "SLL", "MRO", "BYR", "DEM", "XTS", "XXX", "XAU"} {
		if _, err := Normalize(bad); err == nil {
			t.Errorf("Normalize(%q) accepted", bad)
		}
	}
}

func TestFormatAndParseMajor(t *testing.T) {
	cases := []struct {
		minor int64
		code  string
		major string
	}{
		{1050, "USD", "10.50"},
		{5, "USD", "0.05"},
		{0, "USD", "0.00"},
		{500, "JPY", "500"},
		{1500, "KWD", "1.500"},
		{1, "KWD", "0.001"},
		{-250, "EUR", "-2.50"},
		{150000, "IDR", "1500.00"},
		{1500, "IQD", "1.500"},
	}
	for _, c := range cases {
		got, err := FormatMajor(c.minor, c.code)
		if err != nil || got != c.major {
			t.Errorf("FormatMajor(%d, %s) = %q, %v; want %q", c.minor, c.code, got, err, c.major)
		}
		back, err := ParseMajor(c.major, c.code)
		if err != nil || back != c.minor {
			t.Errorf("ParseMajor(%q, %s) = %d, %v; want %d", c.major, c.code, back, err, c.minor)
		}
	}
	if got, err := ParseMajor("10.5", "USD"); err != nil || got != 1050 {
		t.Errorf("ParseMajor(10.5) = %d, %v", got, err)
	}
	for _, bad := range []struct{ s, code string }{{"10.505", "USD"}, {"1.5", "JPY"}, {"abc", "USD"}, {"", "USD"}, {"1.", "USD"}, {"1.0001", "KWD"}} {
		if _, err := ParseMajor(bad.s, bad.code); err == nil {
			t.Errorf("ParseMajor(%q, %s) accepted", bad.s, bad.code)
		}
	}
}

func TestFromFloat(t *testing.T) {
	for _, c := range []struct {
		f    float64
		code string
		want int64
	}{{10.5, "USD", 1050}, {0.29, "USD", 29}, {1200, "JPY", 1200}, {1.234, "KWD", 1234}} {
		got, err := FromFloat(c.f, c.code)
		if err != nil || got != c.want {
			t.Errorf("FromFloat(%v, %s) = %d, %v; want %d", c.f, c.code, got, err, c.want)
		}
	}
}
