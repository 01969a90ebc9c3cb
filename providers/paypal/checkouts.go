package paypal

import "github.com/paykit-go/paykit"

// checkoutOps are the checkouts operations PayPal supports.
var checkoutOps = []paykit.Op{}
