package wire

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paykit-go/paykit"
)

// Page is one page of a list, as paykit.Page with JSON names.
type Page[T any] struct {
	Data       []*T   `json:"data"`
	HasMore    bool   `json:"has_more"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Events is the answer of GET /events: one page of events, newest
// first.
type Events[D any] struct {
	Data       []LoggedEvent[D] `json:"data"`
	HasMore    bool             `json:"has_more"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// LoggedEvent is an emitted event, exactly as delivered, with the log of
// its deliveries (D is local.Delivery).
type LoggedEvent[D any] struct {
	Event      json.RawMessage `json:"event"`
	Deliveries []D             `json:"deliveries"`
}

// List query parameters.
const (
	QueryLimit          = "limit"
	QueryCursor         = "cursor"
	QueryEmail          = "email"
	QueryCustomerID     = "customer_id"
	QueryStatus         = "status"
	QueryPaymentID      = "payment_id"
	QuerySubscriptionID = "subscription_id"
)

// ListQuery is the query string of a list: paging plus the filters of the
// resource.
type ListQuery struct {
	Limit          int
	Cursor         string
	Email          string
	CustomerID     string
	Status         string
	PaymentID      string
	SubscriptionID string
}

// Values encodes q, leaving out empty fields.
func (q ListQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit != 0 {
		v.Set(QueryLimit, strconv.Itoa(q.Limit))
	}
	set(QueryCursor, q.Cursor)
	set(QueryEmail, q.Email)
	set(QueryCustomerID, q.CustomerID)
	set(QueryStatus, q.Status)
	set(QueryPaymentID, q.PaymentID)
	set(QuerySubscriptionID, q.SubscriptionID)
	return v
}

// ParseListQuery decodes a list's query string. Besides limit and cursor
// only the filters named in allowed are accepted; anything else, a
// repeated parameter or a limit that is no number fails with a
// VALIDATION_ERROR naming it.
func ParseListQuery(v url.Values, allowed ...string) (ListQuery, *paykit.Error) {
	var q ListQuery
	fields := map[string]*string{QueryCursor: &q.Cursor}
	for _, k := range allowed {
		switch k {
		case QueryEmail:
			fields[k] = &q.Email
		case QueryCustomerID:
			fields[k] = &q.CustomerID
		case QueryStatus:
			fields[k] = &q.Status
		case QueryPaymentID:
			fields[k] = &q.PaymentID
		case QuerySubscriptionID:
			fields[k] = &q.SubscriptionID
		}
	}
	for k, vs := range v {
		if len(vs) != 1 {
			return q, paykit.ValidationError(k, "query parameter "+strconv.Quote(k)+" is given more than once")
		}
		if k == QueryLimit {
			n, err := strconv.Atoi(vs[0])
			if err != nil {
				return q, paykit.ValidationError(k, "limit must be a whole number")
			}
			q.Limit = n
			continue
		}
		f, ok := fields[k]
		if !ok {
			return q, paykit.ValidationError(k, "unknown query parameter "+strconv.Quote(k))
		}
		*f = vs[0]
	}
	return q, nil
}

// Params returns the paging part of q.
func (q ListQuery) Params() paykit.ListParams {
	return paykit.ListParams{Limit: q.Limit, Cursor: q.Cursor}
}

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is a *paykit.Error on the wire.
type ErrorDetail struct {
	Code        paykit.ErrorCode `json:"code"`
	Message     string           `json:"message"`
	Param       string           `json:"param,omitempty"`
	DeclineCode string           `json:"decline_code,omitempty"`
	Retryable   bool             `json:"retryable,omitempty"`
}

// NewError returns the wire form of pe, its message redacted.
func NewError(pe *paykit.Error) ErrorBody {
	msg := pe.Message
	if msg == "" && pe.Err != nil {
		msg = pe.Err.Error()
	}
	return ErrorBody{ErrorDetail{Code: pe.Code, Message: paykit.Redact(msg), Param: pe.Param,
		DeclineCode: pe.DeclineCode, Retryable: pe.Retryable}}
}

// Err returns d as a *paykit.Error of an answer with HTTP status.
func (d ErrorDetail) Err(status int) *paykit.Error {
	return &paykit.Error{Code: d.Code, Message: d.Message, Param: d.Param, DeclineCode: d.DeclineCode,
		Retryable: d.Retryable, StatusCode: status}
}

// Status is the HTTP status of an error with code.
func Status(code paykit.ErrorCode) int {
	switch code {
	case paykit.CodeValidation:
		return http.StatusBadRequest
	case paykit.CodeNotFound:
		return http.StatusNotFound
	case paykit.CodeInvalidState, paykit.CodeIdempotencyConflict:
		return http.StatusConflict
	case paykit.CodeCardDeclined:
		return http.StatusPaymentRequired
	case paykit.CodeNotSupported:
		return http.StatusNotImplemented
	case paykit.CodeAuthentication:
		return http.StatusUnauthorized
	case paykit.CodePermission:
		return http.StatusForbidden
	case paykit.CodeRateLimited:
		return http.StatusTooManyRequests
	case paykit.CodeNetwork:
		return http.StatusGatewayTimeout
	case paykit.CodeProviderUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
