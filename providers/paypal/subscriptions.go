package paypal

import "github.com/paykit-go/paykit"

// subscriptionOps are the subscriptions operations PayPal supports.
var subscriptionOps = []paykit.Op{}
