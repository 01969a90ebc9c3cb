package paykit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paykit-go/paykit/internal/money"
)

// Payee identifies who pays: an existing customer by id, or a person by
// email. On the wire it is either "cus_123" or {"email":"user@example.com"}.
type Payee struct {
	// ID is the provider's customer id. Set either ID or Email.
	ID string
	// Email is the payer's address when there is no customer id.
	Email string
}

// CustomerID returns a Payee naming an existing customer.
func CustomerID(id string) Payee { return Payee{ID: id} }

// CustomerEmail returns a Payee identified by email address only.
func CustomerEmail(email string) Payee { return Payee{Email: email} }

// IsZero reports whether p names nobody.
func (p Payee) IsZero() bool { return p.ID == "" && p.Email == "" }

// String returns the id, or the email when there is no id.
func (p Payee) String() string {
	if p.ID != "" {
		return p.ID
	}
	return p.Email
}

// MarshalJSON encodes p as "id", {"email":"..."} or null.
func (p Payee) MarshalJSON() ([]byte, error) {
	switch {
	case p.ID != "":
		return json.Marshal(p.ID)
	case p.Email != "":
		return json.Marshal(struct {
			Email string `json:"email"`
		}{p.Email})
	}
	return []byte("null"), nil
}

// UnmarshalJSON decodes "id", {"email":"..."} or null.
func (p *Payee) UnmarshalJSON(b []byte) error {
	*p = Payee{}
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &p.ID)
	}
	var v struct {
		Email string `json:"email"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("paykit: payee must be a customer id or {\"email\":...}: %w", err)
	}
	p.Email = v.Email
	return nil
}

// LineItem is one product of a checkout or invoice with its quantity.
type LineItem struct {
	ID       string `json:"id"`
	Quantity int64  `json:"quantity"`
}

// BillingAddress is a postal address for billing.
type BillingAddress struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code"`
	// Country is the ISO 3166-1 alpha-2 code, e.g. "US".
	Country string `json:"country"`
	Phone   string `json:"phone,omitempty"`
}

// BillingInfo is the billing address with its carrier and currency.
type BillingInfo struct {
	Address  BillingAddress `json:"address"`
	Carrier  string         `json:"carrier,omitempty"`
	Currency string         `json:"currency"`
}

// BillingInterval is how often a subscription renews: IntervalDay,
// IntervalWeek, IntervalMonth, IntervalYear or a CustomInterval. The zero
// value means "none given". Values compare with ==.
type BillingInterval struct {
	unit   string
	custom time.Duration
}

// The standard billing intervals.
var (
	IntervalDay   = BillingInterval{unit: "day"}
	IntervalWeek  = BillingInterval{unit: "week"}
	IntervalMonth = BillingInterval{unit: "month"}
	IntervalYear  = BillingInterval{unit: "year"}
)

// ParseInterval returns the calendar interval named "day", "week",
// "month" or "year" (the names most providers use), and false for any
// other name.
func ParseInterval(unit string) (BillingInterval, bool) {
	switch unit {
	case "day":
		return IntervalDay, true
	case "week":
		return IntervalWeek, true
	case "month":
		return IntervalMonth, true
	case "year":
		return IntervalYear, true
	}
	return BillingInterval{}, false
}

// CustomInterval returns an interval of d. It must be at least one second;
// Validate reports otherwise.
func CustomInterval(d time.Duration) BillingInterval {
	return BillingInterval{unit: "custom", custom: d}
}

// Unit returns "day", "week", "month", "year", "custom" or "" for none.
func (b BillingInterval) Unit() string { return b.unit }

// Duration returns the length of a custom interval and true, or 0 and false
// for the calendar intervals.
func (b BillingInterval) Duration() (time.Duration, bool) {
	return b.custom, b.unit == "custom"
}

// IsZero reports whether no interval is set.
func (b BillingInterval) IsZero() bool { return b.unit == "" }

// String returns the unit, or "custom(<duration>)".
func (b BillingInterval) String() string {
	if b.unit == "custom" {
		return "custom(" + b.custom.String() + ")"
	}
	return b.unit
}

// Validate reports whether b is one of the known intervals or a custom
// interval of at least one second.
func (b BillingInterval) Validate() error {
	switch b.unit {
	case "day", "week", "month", "year":
		return nil
	case "custom":
		if b.custom < time.Second {
			return errors.New("custom billing interval must be at least 1s")
		}
		return nil
	}
	return errors.New("billing interval must be day, week, month, year or custom")
}

// AddTo returns t advanced by count intervals (count >= 1). Months and
// years keep the day of the month where the target month has it and clamp
// to its last day otherwise, as billing does: Jan 31 + 1 month = Feb 28.
func (b BillingInterval) AddTo(t time.Time, count int) time.Time {
	switch b.unit {
	case "day":
		return t.AddDate(0, 0, count)
	case "week":
		return t.AddDate(0, 0, 7*count)
	case "month":
		return addMonths(t, count)
	case "year":
		return addMonths(t, 12*count)
	}
	return t.Add(time.Duration(count) * b.custom)
}

func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

// MarshalJSON encodes "month" or {"type":"custom","durationMs":N}; the zero
// value is null.
func (b BillingInterval) MarshalJSON() ([]byte, error) {
	switch b.unit {
	case "":
		return []byte("null"), nil
	case "custom":
		return json.Marshal(struct {
			Type       string `json:"type"`
			DurationMs int64  `json:"durationMs"`
		}{"custom", b.custom.Milliseconds()})
	}
	return json.Marshal(b.unit)
}

// UnmarshalJSON decodes the forms MarshalJSON writes and rejects others.
func (b *BillingInterval) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*b = BillingInterval{}
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		v, ok := ParseInterval(s)
		if !ok {
			return fmt.Errorf("paykit: unknown billing interval %q", s)
		}
		*b = v
		return nil
	}
	var v struct {
		Type       string `json:"type"`
		DurationMs int64  `json:"durationMs"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("paykit: billing interval: %w", err)
	}
	if v.Type != "custom" {
		return fmt.Errorf("paykit: unknown billing interval type %q", v.Type)
	}
	*b = CustomInterval(time.Duration(v.DurationMs) * time.Millisecond)
	return b.Validate()
}

// ListParams are the paging settings shared by every List call.
type ListParams struct {
	// Limit is the page size asked of the provider; 0 means its default.
	Limit int
	// Cursor resumes a list at Page.NextCursor of an earlier page.
	Cursor string
}

func (p *ListParams) setCursor(cursor string) { p.Cursor = cursor }

func (p *ListParams) validate() error {
	if p.Limit < 0 || p.Limit > 100 {
		return ValidationError("limit", "limit must be between 0 and 100")
	}
	return nil
}

// String returns a pointer to s, for optional fields of update params.
func String(s string) *string { return &s }

// Int64 returns a pointer to n, for optional fields of update params.
func Int64(n int64) *int64 { return &n }

// Bool returns a pointer to v, for optional fields of update params.
func Bool(v bool) *bool { return &v }

// FormatAmount renders an amount in minor units as the currency's code and
// major units, with the currency's own number of decimals: 2500 USD ->
// "USD 25.00", 500 JPY -> "JPY 500", 1500 KWD -> "KWD 1.500".
func FormatAmount(amount int64, currency string) string {
	code, err := money.Normalize(currency)
	if err != nil {
		return fmt.Sprintf("%d %s", amount, currency)
	}
	major, _ := money.FormatMajor(amount, code)
	return code + " " + major
}
