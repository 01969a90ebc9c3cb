package paypal

import (
	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// mapError maps PayPal's error answers to *paykit.Error.
func mapError(res *providerkit.Response) *paykit.Error { return providerkit.StatusError(res) }
