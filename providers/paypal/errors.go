package paypal

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// APIError is PayPal's error answer, reached with errors.As from the
// *paykit.Error every call returns.
type APIError struct {
	// Name is PayPal's error name: INVALID_REQUEST, UNPROCESSABLE_ENTITY,
	// RESOURCE_NOT_FOUND, PERMISSION_DENIED, ...
	Name string `json:"name"`
	// Message is PayPal's explanation.
	Message string `json:"message"`
	// DebugID is PayPal's id of the request, for PayPal's support.
	DebugID string `json:"debug_id"`
	// Details say what was wrong, one issue each.
	Details []ErrorDetail `json:"details"`
}

// ErrorDetail is one issue of an APIError.
type ErrorDetail struct {
	// Field is the JSON pointer of the field at fault, when one is.
	Field string `json:"field"`
	// Value is the value at fault.
	Value string `json:"value"`
	// Location is where the field is: body, path or query.
	Location string `json:"location"`
	// Issue is PayPal's fine-grained code, e.g. ORDER_NOT_APPROVED.
	Issue string `json:"issue"`
	// Description explains the issue.
	Description string `json:"description"`
}

// Error returns the name, the issues and the debug id.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("paypal: ")
	b.WriteString(e.Name)
	for _, d := range e.Details {
		b.WriteString("; ")
		b.WriteString(d.Issue)
		if d.Field != "" {
			b.WriteString(" (" + d.Field + ")")
		}
		if d.Description != "" {
			b.WriteString(": " + d.Description)
		}
	}
	if len(e.Details) == 0 && e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.DebugID != "" {
		b.WriteString(" [debug_id " + e.DebugID + "]")
	}
	return b.String()
}

// issueCodes classifies PayPal's issues (details[].issue) where the
// status alone would not.
var issueCodes = map[string]paykit.ErrorCode{
	// The object is not in a state that allows the call.
	"ORDER_NOT_APPROVED":                     paykit.CodeInvalidState,
	"ORDER_ALREADY_CAPTURED":                 paykit.CodeInvalidState,
	"ORDER_ALREADY_AUTHORIZED":               paykit.CodeInvalidState,
	"ORDER_ALREADY_COMPLETED":                paykit.CodeInvalidState,
	"ORDER_COMPLETED_OR_VOIDED":              paykit.CodeInvalidState,
	"ORDER_EXPIRED":                          paykit.CodeInvalidState,
	"ORDER_COMPLETION_IN_PROGRESS":           paykit.CodeInvalidState,
	"PAYER_ACTION_REQUIRED":                  paykit.CodeInvalidState,
	"ACTION_DOES_NOT_MATCH_INTENT":           paykit.CodeInvalidState,
	"AUTHORIZATION_VOIDED":                   paykit.CodeInvalidState,
	"AUTHORIZATION_EXPIRED":                  paykit.CodeInvalidState,
	"AUTHORIZATION_ALREADY_CAPTURED":         paykit.CodeInvalidState,
	"MAX_CAPTURE_COUNT_EXCEEDED":             paykit.CodeInvalidState,
	"CANNOT_BE_VOIDED":                       paykit.CodeInvalidState,
	"PREVIOUSLY_CAPTURED":                    paykit.CodeInvalidState,
	"PREVIOUSLY_VOIDED":                      paykit.CodeInvalidState,
	"CAPTURE_FULLY_REFUNDED":                 paykit.CodeInvalidState,
	"PENDING_CAPTURE":                        paykit.CodeInvalidState,
	"REFUND_NOT_ALLOWED":                     paykit.CodeInvalidState,
	"REFUND_TIME_LIMIT_EXCEEDED":             paykit.CodeInvalidState,
	"REFUND_NOT_PERMITTED_DUE_TO_CHARGEBACK": paykit.CodeInvalidState,
	"TRANSACTION_DISPUTED":                   paykit.CodeInvalidState,
	"MAX_NUMBER_OF_REFUNDS_EXCEEDED":         paykit.CodeInvalidState,
	"PARTIAL_REFUND_NOT_ALLOWED":             paykit.CodeInvalidState,
	"DUPLICATE_INVOICE_ID":                   paykit.CodeInvalidState,
	"DUPLICATE_REFERENCE_ID":                 paykit.CodeInvalidState,
	"SUBSCRIPTION_STATUS_INVALID":            paykit.CodeInvalidState,
	// The payer's funding was refused.
	"INSTRUMENT_DECLINED":                  paykit.CodeCardDeclined,
	"TRANSACTION_REFUSED":                  paykit.CodeCardDeclined,
	"PAYER_CANNOT_PAY":                     paykit.CodeCardDeclined,
	"AUTHORIZATION_DENIED":                 paykit.CodeCardDeclined,
	"PAYMENT_SOURCE_DECLINED_BY_PROCESSOR": paykit.CodeCardDeclined,
	"DECLINED_DUE_TO_RELATED_TXN":          paykit.CodeCardDeclined,
	"CARD_EXPIRED":                         paykit.CodeCardDeclined,
	"PAYER_ACCOUNT_RESTRICTED":             paykit.CodeCardDeclined,
	"PAYER_ACCOUNT_LOCKED_OR_CLOSED":       paykit.CodeCardDeclined,
	"REFUND_FAILED_INSUFFICIENT_FUNDS":     paykit.CodeOperationFailed,
	// The merchant account may not do this.
	"PERMISSION_DENIED":                    paykit.CodePermission,
	"PERMISSION_DENIED_FOR_DONATION_ITEMS": paykit.CodePermission,
	"PAYEE_ACCOUNT_RESTRICTED":             paykit.CodePermission,
	"PAYEE_ACCOUNT_LOCKED_OR_CLOSED":       paykit.CodePermission,
	"AUTH_CAPTURE_NOT_ENABLED":             paykit.CodePermission,
	"INVALID_RESOURCE_ID":                  paykit.CodeNotFound,
	// A request on the same resource (a write with the same
	// PayPal-Request-Id, or another write on it) is still running: the
	// same call, with the same key, may succeed once it ended (retryIssues).
	"PREVIOUS_REQUEST_IN_PROGRESS": paykit.CodeIdempotencyConflict,
}

// retryIssues are the issues whose call may succeed if tried again, with
// the same key. PREVIOUS_REQUEST_IN_PROGRESS is PayPal's 409 "A previous
// request on this resource is currently in progress. Please wait for
// sometime and try again" (payments document): IDEMPOTENCY_CONFLICT, as
// Stripe's idempotency_key_in_use, and Retryable, so that the caller
// repeats the call with its key instead of taking it for a refusal.
var retryIssues = map[string]bool{"PREVIOUS_REQUEST_IN_PROGRESS": true}

// issueParams name the paykit parameter an issue is about when PayPal
// gives no field, or one paykit does not know.
var issueParams = map[string]string{
	"REFUND_AMOUNT_EXCEEDED":                "amount",
	"REFUND_AMOUNT_TOO_LOW":                 "amount",
	"MAX_CAPTURE_AMOUNT_EXCEEDED":           "amount",
	"AUTHORIZATION_AMOUNT_EXCEEDED":         "amount",
	"DECIMAL_PRECISION":                     "amount",
	"DECIMALS_NOT_SUPPORTED":                "amount",
	"CANNOT_BE_ZERO_OR_NEGATIVE":            "amount",
	"CANNOT_BE_NEGATIVE":                    "amount",
	"MAX_VALUE_EXCEEDED":                    "amount",
	"AMOUNT_MISMATCH":                       "amount",
	"ITEM_TOTAL_MISMATCH":                   "amount",
	"INVALID_CURRENCY_CODE":                 "currency",
	"CURRENCY_MISMATCH":                     "currency",
	"AUTH_CAPTURE_CURRENCY_MISMATCH":        "currency",
	"REFUND_CAPTURE_CURRENCY_MISMATCH":      "currency",
	"CURRENCY_NOT_SUPPORTED_FOR_BANK":       "currency",
	"RETURN_URL_REQUIRED":                   "success_url",
	"CANCEL_URL_REQUIRED":                   "cancel_url",
	"PAYPAL_REQUEST_ID_REQUIRED":            "idempotency_key",
	"DUPLICATE_INVOICE_ID":                  "provider_metadata",
	"UNSUPPORTED_INTENT":                    "capture_method",
	"PAYMENT_TYPE_NOT_SUPPORTED_FOR_INTENT": "capture_method",
}

// fieldParams maps the last names of PayPal's field pointers to paykit's
// parameters.
var fieldParams = map[string]string{
	"value":         "amount",
	"amount":        "amount",
	"currency_code": "currency",
	"custom_id":     "metadata",
	"quantity":      "quantity",
	"sku":           "item_id",
	"items":         "item_id",
	"name":          "item_id",
	"return_url":    "success_url",
	"cancel_url":    "cancel_url",
	"intent":        "capture_method",
	"note_to_payer": "provider_metadata",
	"brand_name":    "provider_metadata",
}

// paramOf returns the paykit parameter a PayPal field pointer
// ("/purchase_units/@reference_id=='default'/amount/value") names, or
// the pointer in dotted form for one paykit has no name for.
func paramOf(field string) string {
	field = strings.Trim(field, "/")
	if field == "" {
		return ""
	}
	parts := strings.Split(field, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if p, ok := fieldParams[parts[i]]; ok {
			return p
		}
	}
	return strings.Join(parts, ".")
}

// mapError maps PayPal's error answers to *paykit.Error: the issue of
// the first detail decides the code where issueCodes lists it, then the
// error's name, then the status (providerkit.StatusError). A field or an
// issue names the parameter. debug_id (or the PayPal-Debug-Id header) is
// the RequestID. PayPal's answers carry no credentials; the message goes
// through paykit.Redact all the same.
func mapError(res *providerkit.Response) *paykit.Error {
	pe := providerkit.StatusError(res)
	pe.Provider = Name
	if id := res.Header.Get("Paypal-Debug-Id"); id != "" {
		pe.RequestID = id
	}
	var api APIError
	if json.Unmarshal(res.Body, &api) != nil || (api.Name == "" && len(api.Details) == 0) {
		return pe
	}
	if api.DebugID != "" {
		pe.RequestID = api.DebugID
	}
	pe.Err = &api
	pe.Message = paykit.Redact(api.Error())
	switch api.Name {
	case "RESOURCE_NOT_FOUND":
		pe.Code = paykit.CodeNotFound
	case "PERMISSION_DENIED", "NOT_AUTHORIZED":
		pe.Code = paykit.CodePermission
	case "RATE_LIMIT_REACHED":
		pe.Code, pe.Retryable = paykit.CodeRateLimited, true
	case "INVALID_REQUEST", "UNPROCESSABLE_ENTITY":
		pe.Code = paykit.CodeValidation
	}
	if len(api.Details) > 0 {
		d := api.Details[0]
		if code, ok := issueCodes[d.Issue]; ok {
			pe.Code = code
		}
		pe.Retryable = pe.Retryable || retryIssues[d.Issue]
		if pe.Code == paykit.CodeCardDeclined {
			pe.DeclineCode = d.Issue
		}
		if p, ok := issueParams[d.Issue]; ok {
			pe.Param = p
		} else if d.Field != "" && d.Location != "path" && d.Location != "header" {
			pe.Param = paramOf(d.Field)
		}
	}
	if res.StatusCode == http.StatusTooManyRequests {
		pe.Code, pe.Retryable = paykit.CodeRateLimited, true
	}
	if res.StatusCode >= 500 {
		pe.Code, pe.Retryable = paykit.CodeProviderUnavailable, res.StatusCode != http.StatusNotImplemented
	}
	return pe
}
