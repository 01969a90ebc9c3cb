package paypal

import (
	"crypto/rand"
	"errors"
)

var errUnknownToken = errors.New("the bearer token is not one the fake issued")

// randomID is a PayPal-looking id.
func randomID() string { return rand.Text()[:17] }
