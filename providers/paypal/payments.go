package paypal

import "github.com/paykit-go/paykit"

// paymentOps are the payments operations PayPal supports.
var paymentOps = []paykit.Op{}
