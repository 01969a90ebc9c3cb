package paypal

import "github.com/paykit-go/paykit"

// customerOps are the customers operations PayPal supports.
var customerOps = []paykit.Op{}
