package paypal

import "github.com/paykit-go/paykit"

// refundOps are the refunds operations PayPal supports.
var refundOps = []paykit.Op{}
