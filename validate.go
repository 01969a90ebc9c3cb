package paykit

import (
	"net/mail"
	"net/url"
	"strconv"
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
