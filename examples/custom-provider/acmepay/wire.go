package acmepay

import (
	"encoding/json"
	"time"

	"github.com/paykit-go/paykit"
)

// Acme's objects, as testdata/openapi.yaml describes them. Only the
// fields the mapping reads are declared; Raw keeps the whole object.

type wireCustomer struct {
	ID        string            `json:"id"`
	Email     string            `json:"email"`
	Name      *string           `json:"name"`
	Phone     *string           `json:"phone"`
	Metadata  map[string]string `json:"metadata"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt *time.Time        `json:"updated_at"`
}

type wirePayment struct {
	ID             string            `json:"id"`
	Amount         string            `json:"amount"` // major units, e.g. "25.00"
	Currency       string            `json:"currency"`
	Customer       string            `json:"customer"`
	Status         string            `json:"status"`
	Reference      *string           `json:"reference"`
	AmountRefunded string            `json:"amount_refunded"`
	FailureCode    *string           `json:"failure_code"`
	Metadata       map[string]string `json:"metadata"`
	CreatedAt      time.Time         `json:"created_at"`
}

type wireRefund struct {
	ID        string            `json:"id"`
	Payment   string            `json:"payment"`
	Amount    string            `json:"amount"`
	Currency  string            `json:"currency"`
	Status    string            `json:"status"`
	Metadata  map[string]string `json:"metadata"`
	CreatedAt time.Time         `json:"created_at"`
}

// wireList is the envelope of Acme's lists; next_cursor is opaque.
type wireList struct {
	Data       []json.RawMessage `json:"data"`
	HasMore    bool              `json:"has_more"`
	NextCursor *string           `json:"next_cursor"`
}

// wireEvent is a webhook delivery's body.
type wireEvent struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// Request bodies.

type customerCreate struct {
	Email    string            `json:"email"`
	Name     string            `json:"name,omitempty"`
	Phone    string            `json:"phone,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

type paymentCreate struct {
	Amount              string            `json:"amount"`
	Currency            string            `json:"currency"`
	Customer            string            `json:"customer"`
	Reference           string            `json:"reference,omitempty"`
	StatementDescriptor string            `json:"statement_descriptor,omitempty"`
	Metadata            map[string]string `json:"metadata,omitempty"`
}

type refundCreate struct {
	Payment  string            `json:"payment"`
	Amount   string            `json:"amount,omitempty"` // omitted: all that is left
	Metadata map[string]string `json:"metadata,omitempty"`
}

// The status tables: Acme's statuses to paykit's, as data, so that a
// reader (and a test) sees the whole mapping at once.

var paymentStatuses = map[string]paykit.PaymentStatus{
	"pending":    paykit.PaymentPending,
	"processing": paykit.PaymentProcessing,
	"succeeded":  paykit.PaymentSucceeded,
	"failed":     paykit.PaymentFailed, // not final: Acme retries a declined payment
	"voided":     paykit.PaymentCanceled,
}

var refundStatuses = map[string]paykit.RefundStatus{
	"pending":   paykit.RefundPending,
	"succeeded": paykit.RefundSucceeded,
	"failed":    paykit.RefundFailed,
	"canceled":  paykit.RefundCanceled,
}

// paymentStatus maps Acme's status; one this package does not know is
// PaymentProcessing: an attempt whose outcome it cannot tell.
func paymentStatus(s string) paykit.PaymentStatus {
	if st, ok := paymentStatuses[s]; ok {
		return st
	}
	return paykit.PaymentProcessing
}

// refundStatus maps Acme's status; one this package does not know is
// RefundPending: the money is not known to be back.
func refundStatus(s string) paykit.RefundStatus {
	if st, ok := refundStatuses[s]; ok {
		return st
	}
	return paykit.RefundPending
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
