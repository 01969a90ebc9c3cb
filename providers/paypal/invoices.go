package paypal

import "github.com/paykit-go/paykit"

// invoiceOps are the invoices operations PayPal supports.
var invoiceOps = []paykit.Op{}
