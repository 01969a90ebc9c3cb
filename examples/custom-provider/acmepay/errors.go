package acmepay

import (
	"encoding/json"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// APIError is Acme Pay's own error, as it answered it. Every error of
// this package is a *paykit.Error; reach the APIError beneath with
// errors.As.
type APIError struct {
	// Code is Acme's error code, such as "card_declined".
	Code string `json:"code"`
	// Message is Acme's explanation.
	Message string `json:"message"`
	// Param names the request field Acme blames, in Acme's terms.
	Param string `json:"param,omitempty"`
	// DeclineCode is the issuer's reason of a card_declined error.
	DeclineCode string `json:"decline_code,omitempty"`
}

// Error returns Acme's code and message.
func (e *APIError) Error() string { return "acmepay: " + e.Code + ": " + e.Message }

// errorCodes maps Acme's error codes to paykit's. A code not listed keeps
// the one its HTTP status gives (providerkit.StatusError).
var errorCodes = map[string]paykit.ErrorCode{
	"invalid_request":        paykit.CodeValidation,
	"amount_too_large":       paykit.CodeValidation,
	"authentication_failed":  paykit.CodeAuthentication,
	"forbidden":              paykit.CodePermission,
	"not_found":              paykit.CodeNotFound,
	"idempotency_key_reused": paykit.CodeIdempotencyConflict,
	"card_declined":          paykit.CodeCardDeclined,
	"rate_limited":           paykit.CodeRateLimited,
	"internal_error":         paykit.CodeProviderUnavailable,
}

// paramNames maps Acme's names of request fields to paykit's, for
// Error.Param; a name not listed is the same in both.
var paramNames = map[string]string{
	"payment": "payment_id",
}

// mapError is the RESTClient's MapError: it turns a non-2xx answer into a
// *paykit.Error. The status gives the code, Retryable and the message
// (StatusError); Acme's error body, when there is one, refines them.
func mapError(res *providerkit.Response) *paykit.Error {
	pe := providerkit.StatusError(res)
	pe.Provider = Name
	var body struct {
		Error *APIError `json:"error"`
	}
	if json.Unmarshal(res.Body, &body) != nil || body.Error == nil || body.Error.Code == "" {
		return pe
	}
	ae := body.Error
	if code, ok := errorCodes[ae.Code]; ok {
		pe.Code = code
	}
	pe.Param = ae.Param
	if name, ok := paramNames[ae.Param]; ok {
		pe.Param = name
	}
	pe.Message = ae.Code + ": " + ae.Message
	pe.DeclineCode = ae.DeclineCode
	pe.Err = ae
	return pe
}
