package paykit

import (
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paykit-go/paykit/internal/money"
)

// ReservedMetadataKey is the metadata key paykit keeps for its own data. It
// is rejected in params and removed before metadata reaches the user.
const ReservedMetadataKey = "__paykit"

// Metadata limits, the strictest of the supported providers.
const (
	MaxMetadataKeys        = 50
	MaxMetadataKeyLength   = 40
	MaxMetadataValueLength = 500
)

func validateEmail(param, email string, required bool) error {
	if email == "" {
		if required {
			return ValidationError(param, "email is required")
		}
		return nil
	}
	if len(email) > 254 {
		return ValidationError(param, "email is longer than 254 characters")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return ValidationError(param, "email is not a valid address")
	}
	return nil
}

func validateURL(param, raw string, required bool) error {
	if raw == "" {
		if required {
			return ValidationError(param, param+" is required")
		}
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ValidationError(param, param+" must be an absolute http or https URL")
	}
	return nil
}

func validateCurrency(param, code string, required bool) error {
	if code == "" {
		if required {
			return ValidationError(param, "currency is required")
		}
		return nil
	}
	if !money.Valid(code) {
		return ValidationError(param, "currency "+strconv.Quote(code)+" is not an active ISO 4217 code")
	}
	return nil
}

func validateAmount(param string, amount int64) error {
	if amount < 0 {
		return ValidationError(param, param+" must not be negative")
	}
	return nil
}

func validateMetadata(m map[string]string) error {
	if len(m) > MaxMetadataKeys {
		return ValidationError("metadata", "metadata has more than "+strconv.Itoa(MaxMetadataKeys)+" keys")
	}
	for k, v := range m {
		switch {
		case k == "":
			return ValidationError("metadata", "metadata keys must not be empty")
		case k == ReservedMetadataKey:
			return ValidationError("metadata."+k, "metadata key "+ReservedMetadataKey+" is reserved for paykit")
		case utf8.RuneCountInString(k) > MaxMetadataKeyLength:
			return ValidationError("metadata", "metadata key "+strconv.Quote(k)+" is longer than "+strconv.Itoa(MaxMetadataKeyLength)+" characters")
		case utf8.RuneCountInString(v) > MaxMetadataValueLength:
			return ValidationError("metadata."+k, "metadata value is longer than "+strconv.Itoa(MaxMetadataValueLength)+" characters")
		}
	}
	return nil
}

func validatePayee(param string, p Payee) error {
	switch {
	case p.ID != "" && p.Email != "":
		return ValidationError(param, param+" must be a customer id or an email, not both")
	case p.ID != "":
		return validateID(param, p.ID)
	case p.Email != "":
		return validateEmail(param+".email", p.Email, true)
	}
	return ValidationError(param, param+" is required")
}

func validateID(param, id string) error {
	if id == "" {
		return ValidationError(param, param+" is required")
	}
	if len(id) > 255 {
		return ValidationError(param, param+" is longer than 255 characters")
	}
	return nil
}

func validateBilling(b *BillingInfo) error {
	if b == nil {
		return nil
	}
	if err := validateCurrency("billing.currency", b.Currency, false); err != nil {
		return err
	}
	if c := b.Address.Country; c != "" && (len(c) != 2 || !isLetters(c)) {
		return ValidationError("billing.address.country", "country must be a 2-letter ISO 3166-1 code")
	}
	return nil
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func validateInterval(param string, b BillingInterval) error {
	if b.IsZero() {
		return nil
	}
	if err := b.Validate(); err != nil {
		return ValidationError(param, err.Error())
	}
	return nil
}

func validateQuantity(q int64, zeroAllowed bool) error {
	if q < 1 && !(zeroAllowed && q == 0) {
		return ValidationError("quantity", "quantity must be at least 1")
	}
	return nil
}

// checkText refuses invalid UTF-8 and NUL in every string of a call's
// arguments: ids, every string field of a params struct (nested ones
// too) and metadata keys and values, naming the param as the API does
// (snake_case, "billing.address.line1", "metadata.plan"; a payee's id is
// the payee's own name, "customer"). Such a string is no text a provider
// could store: JSON would turn the bytes into U+FFFD, a database would
// cut the string at the NUL. ProviderMetadata, the provider's own
// options, is the provider's to check.
func checkText(args validator) error {
	switch a := args.(type) {
	case idArg:
		return textParam("id", string(a))
	case twoArgs:
		if err := textParam("id", string(a.id)); err != nil {
			return err
		}
		return checkText(a.params)
	}
	v := reflect.ValueOf(args)
	if !hasBadText(v) {
		// The common case, walked without building a single name.
		return nil
	}
	return walkText("", v)
}

// badText reports whether s is no text: invalid UTF-8, or a NUL in it.
func badText(s string) bool { return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 }

// hasBadText reports whether any string walkText would check is no text,
// allocating nothing: walkText, which names the param, runs only then.
func hasBadText(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return !v.IsNil() && hasBadText(v.Elem())
	case reflect.String:
		return badText(v.String())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() && hasBadText(v.Field(i)) {
				return true
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || v.Len() == 0 {
			return false
		}
		if m, ok := v.Interface().(map[string]string); ok { // metadata, without reflect's copies
			for k, val := range m {
				if badText(k) || badText(val) {
					return true
				}
			}
			return false
		}
		for it := v.MapRange(); it.Next(); {
			if badText(it.Key().String()) || hasBadText(it.Value()) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if hasBadText(v.Index(i)) {
				return true
			}
		}
	}
	return false
}

func walkText(param string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return walkText(param, v.Elem())
	case reflect.String:
		return textParam(param, v.String())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := param
			if !f.Anonymous {
				name = joinParam(param, paramName(f))
			}
			if err := walkText(name, v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil
		}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := textParam(param, k); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := walkText(param+"."+k, v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key()))); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := walkText(param, v.Index(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// paramName is the API name of a params field: its JSON name, else its
// Go name in snake_case (SuccessURL is success_url); a nested ID is the
// name of what holds it.
func paramName(f reflect.StructField) string {
	if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" && tag != "-" {
		return tag
	}
	if f.Name == "ID" {
		return ""
	}
	r := []rune(f.Name)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(r[i-1]) || i+1 < len(r) && unicode.IsLower(r[i+1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

func joinParam(parent, name string) string {
	switch {
	case name == "":
		if parent == "" {
			return "id"
		}
		return parent
	case parent == "":
		return name
	}
	return parent + "." + name
}

// textParam refuses s unless it is valid UTF-8 without NUL.
func textParam(param, s string) error {
	switch {
	case !badText(s):
		return nil
	case !utf8.ValidString(s):
		return ValidationError(param, param+" must be valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return ValidationError(param, param+" must not contain NUL characters")
	}
	return nil
}
