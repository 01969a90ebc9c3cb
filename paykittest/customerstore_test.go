package paykittest_test

import (
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
)

func TestMemoryCustomerStoreConforms(t *testing.T) {
	paykittest.RunCustomerStore(t, func(*testing.T) paykit.CustomerStore { return paykit.NewMemoryCustomerStore() })
}
