// Typed provider options: a provider documents a struct of its own
// settings per call (CheckoutOptions, ...) that callers pass as the
// params' ProviderMetadata.

package providerkit

import (
	"fmt"

	"github.com/paykit-go/paykit"
)

// OptionsOf returns the ProviderMetadata v as *T: v may be nil (the zero
// T), a T (a copy) or a *T (that pointer, or the zero T when nil).
// Anything else is a VALIDATION_ERROR naming provider_metadata that names
// the type expected, e.g. "provider_metadata must be a
// stripe.CheckoutOptions, not string".
func OptionsOf[T any](v any) (*T, error) {
	switch o := v.(type) {
	case nil:
		return new(T), nil
	case T:
		return &o, nil
	case *T:
		if o == nil {
			return new(T), nil
		}
		return o, nil
	}
	return nil, paykit.ValidationError("provider_metadata", fmt.Sprintf("provider_metadata must be a %T, not %T", *new(T), v))
}
