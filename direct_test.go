package paykit_test

import (
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
)

// The checks providers run for direct calls give the Client's errors.
func TestDirectCallChecks(t *testing.T) {
	for _, tc := range []struct {
		err   error
		param string // "" for no error
	}{
		{paykit.RequireParams[paykit.CreateCustomerParams](nil), "params"},
		{paykit.RequireParams(&paykit.CreateCustomerParams{}), ""},
		{paykit.RequireID(""), "id"},
		{paykit.RequireID(strings.Repeat("x", 256)), "id"},
		{paykit.RequireID("cus_1"), ""},
	} {
		if tc.param == "" {
			if tc.err != nil {
				t.Errorf("got %v, want no error", tc.err)
			}
			continue
		}
		pe, ok := paykit.AsError(tc.err)
		if !ok || pe.Code != paykit.CodeValidation || pe.Param != tc.param {
			t.Errorf("got %v, want a VALIDATION_ERROR on %q", tc.err, tc.param)
		}
	}
	// The same error as through the Client.
	_, err := paykit.New(&nilParamsProvider{}).Customers.Create(t.Context(), nil)
	want := paykit.RequireParams[paykit.CreateCustomerParams](nil).(*paykit.Error)
	if pe, ok := paykit.AsError(err); !ok || pe.Param != want.Param || pe.Message != want.Message {
		t.Errorf("Client: %v; RequireParams: %v", err, want)
	}
}

type nilParamsProvider struct{ paykit.UnimplementedProvider }

func (nilParamsProvider) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{Ops: []paykit.Op{paykit.OpCustomersCreate}}
}
