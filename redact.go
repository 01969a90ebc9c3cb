package paykit

import (
	"regexp"
	"strings"
)

// secretPattern matches credentials that must never reach an error or a
// log: provider API keys, webhook secrets and bearer tokens.
var secretPattern = regexp.MustCompile(
	`\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9*]{6,}` + // Stripe keys
		`|\bwhsec_[A-Za-z0-9+/=_-]{6,}` + // webhook secrets
		`|\bpolar_[a-z]{2,4}_[A-Za-z0-9]{10,}` + // Polar tokens
		`|\bA21AA[A-Za-z0-9_-]{20,}` + // PayPal access tokens
		`|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}`) // Authorization header values

// panPattern matches card-number candidates: runs of digit groups joined
// by single spaces or hyphens. Redact splits each at its separators and
// redacts every run of consecutive groups holding 13 to 19 digits that
// passes the Luhn check and stands alone, so a card number next to another
// number ("4242424242424242 12/34") is found, while one glued into a UUID
// or a longer token is not.
var panPattern = regexp.MustCompile(`\b\d+(?:[ -]\d+)*\b`)

// Redact returns s with API keys, webhook secrets, bearer tokens and card
// numbers replaced by "[REDACTED]". Every error string and log line of
// paykit goes through it.
func Redact(s string) string {
	secrets, digits := mayHoldSecret(s)
	if secrets {
		s = secretPattern.ReplaceAllString(s, "[REDACTED]")
	}
	if !digits {
		return s
	}
	var b strings.Builder
	last := 0
	var groups [][2]int
	var covered []bool
	for _, m := range panPattern.FindAllStringIndex(s, -1) {
		groups = digitGroups(s, m[0], m[1], groups[:0])
		covered = markCards(s, groups, append(covered[:0], make([]bool, len(groups))...))
		for i := 0; i < len(groups); i++ {
			if !covered[i] {
				continue
			}
			j := i
			for j+1 < len(groups) && covered[j+1] {
				j++
			}
			b.WriteString(s[last:groups[i][0]])
			b.WriteString("[REDACTED]")
			last = groups[j][1]
			i = j
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// digitGroups appends to dst the [start, end) of each digit run in
// s[start:end], a panPattern match.
func digitGroups(s string, start, end int, dst [][2]int) [][2]int {
	for i := start; i < end; {
		j := i
		for j < end && isDigit(s[j]) {
			j++
		}
		dst = append(dst, [2]int{i, j})
		i = j + 1 // skip the one separator
	}
	return dst
}

// markCards sets covered[k] for every group k inside some run of groups
// that is a card number: 13 to 19 digits, Luhn-valid and standing alone.
// Every such run is marked, not only the first found, so a number that
// happens to form a valid run with a card's first groups cannot leave the
// card's other groups visible.
func markCards(s string, groups [][2]int, covered []bool) []bool {
	for i := range groups {
		if !standsAlone(s, groups, i, true) {
			continue
		}
		n := 0
		for j := i; j < len(groups); j++ {
			if n += groups[j][1] - groups[j][0]; n > 19 {
				break
			}
			if n >= 13 && standsAlone(s, groups, j, false) && luhnValid(s[groups[i][0]:groups[j][1]]) {
				for k := i; k <= j; k++ {
					covered[k] = true
				}
			}
		}
	}
	return covered
}

// standsAlone reports whether groups[k] can begin (left) or end a card
// number: next to it is a space or nothing that joins it to a longer token
// (a hyphen joins the groups of a UUID or an id).
func standsAlone(s string, groups [][2]int, k int, left bool) bool {
	if left {
		if k > 0 {
			return s[groups[k][0]-1] == ' '
		}
		p := groups[k][0]
		return p == 0 || !joins(s[p-1], p >= 2 && isDigit(s[p-2]))
	}
	if k < len(groups)-1 {
		return s[groups[k][1]] == ' '
	}
	p := groups[k][1]
	return p == len(s) || !joins(s[p], p+1 < len(s) && isDigit(s[p+1]))
}

// luhnValid reports whether the digits of s, other characters skipped,
// pass the Luhn check.
func luhnValid(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit(c) {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return sum%10 == 0
}

// joins reports whether c, next to a digit run, makes it part of a longer
// token: a hyphen or underscore, or a decimal point followed by a digit.
func joins(c byte, digitBeyond bool) bool {
	return c == '-' || c == '_' || c == '.' && digitBeyond
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mayHoldSecret is a cheap pre-check that keeps Redact off the regexp
// engine for the common, secret-free string: it reports whether s holds a
// credential marker, and whether it holds a run of 13 or more digits.
func mayHoldSecret(s string) (secrets, digits bool) {
	for _, marker := range [...]string{"_live_", "_test_", "whsec_", "polar_", "A21AA"} {
		if strings.Contains(s, marker) {
			secrets = true
			break
		}
	}
	run := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if run++; run >= 13 {
				digits = true
			}
		case c == 'b' || c == 'B':
			if !secrets && i+6 <= len(s) && strings.EqualFold(s[i:i+6], "bearer") {
				secrets = true
			}
			run = 0
		case c != ' ' && c != '-':
			run = 0
		}
	}
	return secrets, digits
}
