package paykit

import "slices"

// access says whether an operation changes state at the provider.
type access bool

const (
	read  access = false // the operation only reads
	write access = true  // the operation changes state; it carries an idempotency key
)

// opRow is one row of the table of operations.
type opRow struct {
	op     Op
	access access
	// method is the Provider method that serves op.
	method string
}

// opTable is the one list of the API's operations: for each Op, whether
// it is a write and the Provider method that serves it. AllOps and
// Op.IsWrite are derived from it. The rows are positional literals, so
// the compiler refuses a row that leaves out read or write.
//
// The other lists of operations — the Op constants, the Provider
// interface, UnimplementedProvider, the Client's services, paykittest's
// mock, counting wrapper and call log, the local provider's wire routes
// and server handlers — are written by hand and tied to this table by
// tests (ops_test.go, paykittest/ops_test.go,
// providers/local/server/ops_test.go), which fail naming the list that
// drifted. They are not generated: each has its own signatures and
// bodies, so a generator would have to template most of each file to
// save one line per operation, and every build would depend on running
// it; a test is smaller and reads as plain Go.
//
// Op.Method gives the method names to code that drives a Provider by
// reflection, such as paykittest's zero-argument step.
var opTable = [...]opRow{
	{OpCustomersCreate, write, "CreateCustomer"},
	{OpCustomersRetrieve, read, "RetrieveCustomer"},
	{OpCustomersUpdate, write, "UpdateCustomer"},
	{OpCustomersDelete, write, "DeleteCustomer"},
	{OpCustomersList, read, "ListCustomers"},

	{OpCheckoutsCreate, write, "CreateCheckout"},
	{OpCheckoutsRetrieve, read, "RetrieveCheckout"},
	{OpCheckoutsUpdate, write, "UpdateCheckout"},
	{OpCheckoutsDelete, write, "DeleteCheckout"},
	{OpCheckoutsList, read, "ListCheckouts"},

	{OpSubscriptionsCreate, write, "CreateSubscription"},
	{OpSubscriptionsRetrieve, read, "RetrieveSubscription"},
	{OpSubscriptionsUpdate, write, "UpdateSubscription"},
	{OpSubscriptionsCancel, write, "CancelSubscription"},
	{OpSubscriptionsDelete, write, "DeleteSubscription"},
	{OpSubscriptionsList, read, "ListSubscriptions"},

	{OpPaymentsCreate, write, "CreatePayment"},
	{OpPaymentsRetrieve, read, "RetrievePayment"},
	{OpPaymentsUpdate, write, "UpdatePayment"},
	{OpPaymentsCapture, write, "CapturePayment"},
	{OpPaymentsCancel, write, "CancelPayment"},
	{OpPaymentsDelete, write, "DeletePayment"},
	{OpPaymentsList, read, "ListPayments"},

	{OpRefundsCreate, write, "CreateRefund"},
	{OpRefundsRetrieve, read, "RetrieveRefund"},
	{OpRefundsList, read, "ListRefunds"},

	{OpInvoicesRetrieve, read, "RetrieveInvoice"},
	{OpInvoicesList, read, "ListInvoices"},

	// Verifying a delivery changes nothing at the provider.
	{OpWebhooksHandle, read, "ParseWebhook"},
}

var (
	allOps = func() []Op {
		ops := make([]Op, len(opTable))
		for i, r := range opTable {
			ops[i] = r.op
		}
		return ops
	}()
	opRows = func() map[Op]opRow {
		m := make(map[Op]opRow, len(opTable))
		for _, r := range opTable {
			m[r.op] = r
		}
		return m
	}()
)

// AllOps returns every operation of the API, in a stable order: the
// order of the table of operations. An Op missing from it is not an
// operation of the API. The slice is the caller's to change.
func AllOps() []Op { return slices.Clone(allOps) }

// IsWrite reports whether op changes state at the provider. Writes carry an
// idempotency key. An Op that is not an operation of the API (not in
// AllOps) is not a write.
func (op Op) IsWrite() bool { return opRows[op].access == write }

// Method returns the name of the Provider method that serves op
// ("CreateCustomer" for OpCustomersCreate, "ParseWebhook" for
// OpWebhooksHandle), from the table of operations; "" for an Op that is
// not an operation of the API. Code that drives a Provider by reflection,
// such as a conformance kit, uses it instead of deriving names.
func (op Op) Method() string { return opRows[op].method }
