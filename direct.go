package paykit

// RequireParams returns the VALIDATION_ERROR on "params" that the Client
// returns for nil params, or nil when params is set. Providers call it
// first in every method whose params are required, for callers that skip
// the Client.
func RequireParams[T any](params *T) error {
	if params == nil {
		return ValidationError("params", "params are required")
	}
	return nil
}

// RequireID returns the VALIDATION_ERROR on "id" that the Client returns
// for an empty id or one longer than 255 characters, or nil. Providers
// call it first in every method that takes an id, for callers that skip
// the Client.
func RequireID(id string) error { return validateID("id", id) }
