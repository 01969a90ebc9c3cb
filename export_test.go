package paykit

// OpMethod returns the Provider method that serves op, from the table of
// operations; "" for an Op that is not an operation of the API. It is
// exported for the tests only: users have no need of it.
func OpMethod(op Op) string { return opRows[op].method }
