package paykit

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// secretPattern matches credentials that must never reach an error or a
// log: provider API keys, webhook secrets, bearer tokens and Basic
// credentials. Prefixes match in any case, and the characters after them
// include "_" and "-", so that a key's tail does not survive. A prefix
// starts a word, or follows a percent-escape ("%22sk_live_…" in a form
// body quoting JSON), which the match keeps (see redactMatch).
var secretPattern = regexp.MustCompile(strings.ReplaceAll(
	`\b(?i:sk|rk|pk)_(?i:live|test)_[A-Za-z0-9*_-]{6,}`+ // Stripe keys
		`|\b(?i:sk|rk)_[A-Za-z0-9]{16,}`+ // Stripe-like keys without the mode
		`|\b(?i:whsec)_[A-Za-z0-9+/=_-]{6,}`+ // webhook secrets
		`|\b(?i:polar)_[A-Za-z]{2,4}_[A-Za-z0-9_-]{10,}`+ // Polar tokens
		`|\bA21AA[A-Za-z0-9_-]{20,}`+ // PayPal access tokens
		`|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}`+ // Authorization: Bearer
		`|\b(?i:basic)\s+[A-Za-z0-9+/]{6,}={0,2}`, // Authorization: Basic
	`\b`, `(?:\b|%[0-9A-Fa-f]{2})`))

// Redact returns s with API keys, webhook secrets, bearer tokens, Basic
// credentials and card numbers replaced by "[REDACTED]". Every error
// string and log line of paykit goes through it, and every string field
// of an *Error is redacted when the error is built (see RedactError).
//
// Keys and tokens are matched by their prefixes, in any case (sk_test_,
// SK_TEST_, rk_live_, sk_ with no mode, whsec_, polar_oat_, A21AA, Bearer,
// Basic), at the start of a word or after a percent-escape
// ("%22sk_live_…" in a form body that quotes JSON). A card number is a run of 13 to 19 digits that passes the Luhn
// check: ASCII or full-width digits, in one piece or in groups split by
// spaces or tabs (any number), "%20", or one hyphen or dot; it may be
// glued to the end of an id ("cus_4242…", "pay_4242…"), not followed by
// "_", which makes digits the start of a token. A hyphen or dot joins groups
// only in a card's layout (4-4-4-4, 4-6-5, ...), so a decimal number, a
// version, a date or a UUID is left as it is, and so is a number that is
// part of a longer run of digits.
func Redact(s string) string {
	secrets, digits := mayHoldSecret(s)
	if secrets {
		s = secretPattern.ReplaceAllStringFunc(s, redactMatch)
	}
	if digits {
		s = redactCards(s)
	}
	return s
}

// redactMatch replaces a secretPattern match, except a "Basic" followed
// by a plain word ("Basic Authentication"): Basic credentials are base64,
// which has a digit, "+", "/", "=" or a capital after the first letter.
// A percent-escape the match starts with is kept.
func redactMatch(m string) string {
	if len(m) > 3 && m[0] == '%' {
		return m[:3] + redactMatch(m[3:])
	}
	if len(m) > 5 && strings.EqualFold(m[:5], "basic") {
		cred := strings.TrimLeft(m[5:], " \t\r\n\f\v")
		if !strings.ContainsAny(cred[1:], "0123456789+/=ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			return m
		}
	}
	return "[REDACTED]"
}

// group is one run of digits: its bytes [start, end) in s, its digits in
// ASCII, and what joins it to the group before it.
type group struct {
	start, end int
	digits     string
	sep        byte // 0: not joined (first of a chain); ' ': spaces, tabs or %20; '-' or '.'
}

// redactCards replaces every card number of s (see Redact).
func redactCards(s string) string {
	var groups []group
	var buf []byte
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "%20") {
			i += 3 // an encoded space, not the digits 2 and 0
			continue
		}
		d, n := digitAt(s, i)
		if n == 0 {
			i++
			continue
		}
		start := i
		buf = buf[:0]
		for n > 0 {
			buf = append(buf, d)
			i += n
			d, n = digitAt(s, i)
		}
		sep := byte(0)
		if len(groups) > 0 {
			sep = separator(s[groups[len(groups)-1].end:start])
		}
		groups = append(groups, group{start: start, end: i, digits: string(buf), sep: sep})
	}
	if len(groups) == 0 {
		return s
	}
	covered := make([]bool, len(groups))
	for i := range groups {
		// A card begins a chain or follows spaces: a group after a
		// hyphen or dot is the tail of a longer number.
		if groups[i].sep != 0 && groups[i].sep != ' ' {
			continue
		}
		n, joined := 0, false
		for j := i; j < len(groups); j++ {
			if j > i {
				if groups[j].sep == 0 {
					break
				}
				joined = joined || groups[j].sep != ' '
			}
			if n += len(groups[j].digits); n > 19 {
				break
			}
			// A card ends its chain or is followed by spaces; digits
			// followed by "_" begin a token (the Client's idempotency
			// keys are "<nanoseconds>_<random>").
			endsAlone := (j+1 == len(groups) || groups[j+1].sep == 0 || groups[j+1].sep == ' ') &&
				(groups[j].end == len(s) || s[groups[j].end] != '_')
			if n >= 13 && endsAlone && (!joined || cardLayout(groups[i:j+1])) && luhn(groups[i:j+1]) {
				for k := i; k <= j; k++ {
					covered[k] = true
				}
			}
		}
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(groups); i++ {
		if !covered[i] {
			continue
		}
		j := i
		for j+1 < len(groups) && covered[j+1] && groups[j+1].sep != 0 {
			j++
		}
		b.WriteString(s[last:groups[i].start])
		b.WriteString("[REDACTED]")
		last = groups[j].end
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// digitAt returns the digit at s[i], ASCII or full-width (U+FF10 to
// U+FF19), and its length in bytes; 0 when there is none.
func digitAt(s string, i int) (byte, int) {
	if i >= len(s) {
		return 0, 0
	}
	if c := s[i]; c >= '0' && c <= '9' {
		return c, 1
	}
	if s[i] == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99 {
		return '0' + s[i+2] - 0x90, 3
	}
	return 0, 0
}

// separator classifies the text between two digit runs: ' ' for spaces
// and tabs (full-width spaces and "%20" included), '-' or '.' for one of
// them, 0 for anything else (the runs are not one number).
func separator(gap string) byte {
	switch gap {
	case "-", ".":
		return gap[0]
	case "":
		return 0
	}
	for gap != "" {
		switch {
		case gap[0] == ' ' || gap[0] == '\t':
			gap = gap[1:]
		case strings.HasPrefix(gap, "%20"):
			gap = gap[3:]
		case strings.HasPrefix(gap, "\u3000"), strings.HasPrefix(gap, "\u00a0"):
			_, n := utf8.DecodeRuneInString(gap)
			gap = gap[n:]
		default:
			return 0
		}
	}
	return ' '
}

// cardLayout reports whether groups are laid out as card numbers are
// printed: groups of 4 and a last one of 1 to 4 (4-4-4-4, 4-4-4-4-3,
// 4-4-4-1), or 4-6-5 and 4-6-4 (American Express, Diners).
func cardLayout(groups []group) bool {
	if len(groups) == 3 && len(groups[0].digits) == 4 && len(groups[1].digits) == 6 {
		if n := len(groups[2].digits); n == 4 || n == 5 {
			return true
		}
	}
	for i, g := range groups {
		if n := len(g.digits); n != 4 && (i < len(groups)-1 || n < 1 || n > 4) {
			return false
		}
	}
	return true
}

// luhn reports whether the digits of groups pass the Luhn check.
func luhn(groups []group) bool {
	sum, n := 0, 0
	for k := len(groups) - 1; k >= 0; k-- {
		ds := groups[k].digits
		for i := len(ds) - 1; i >= 0; i-- {
			d := int(ds[i] - '0')
			if n%2 == 1 {
				if d *= 2; d > 9 {
					d -= 9
				}
			}
			sum += d
			n++
		}
	}
	return sum%10 == 0
}

// mayHoldSecret is a cheap pre-check that keeps Redact off the regexp
// engine and the card scan for the common, secret-free string: it reports
// whether s holds a credential marker (sk_, rk_, pk_, whsec_, polar_ in
// any case, A21AA, bearer, basic), and whether it holds 13 or more digits.
func mayHoldSecret(s string) (secrets, digits bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == 0xEF:
			if _, w := digitAt(s, i); w > 0 {
				n++
			}
		case secrets:
		case c == '_':
			secrets = hasSuffixFold(s[:i], "sk") || hasSuffixFold(s[:i], "rk") || hasSuffixFold(s[:i], "pk") ||
				hasSuffixFold(s[:i], "whsec") || hasSuffixFold(s[:i], "polar")
		case c == 'A':
			secrets = strings.HasPrefix(s[i:], "A21AA")
			fallthrough
		case c == 'b' || c == 'B':
			secrets = secrets || i+6 <= len(s) && strings.EqualFold(s[i:i+6], "bearer") ||
				i+5 <= len(s) && strings.EqualFold(s[i:i+5], "basic")
		}
	}
	return secrets, n >= 13
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
