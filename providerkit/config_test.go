package providerkit

import (
	"errors"
	"testing"

	"github.com/paykit-go/paykit"
)

func TestConfigErrors(t *testing.T) {
	c := ConfigErrors{Provider: "acme"}
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v with nothing failed", err)
	}
	c.Fail("base_url", "base URL must be absolute")
	pe, _ := paykit.AsError(c.Err())
	if !errors.Is(c.Err(), paykit.ErrConfiguration) || pe.Provider != "acme" || pe.Param != "base_url" || pe.Message != "base URL must be absolute" {
		t.Fatalf("Err() = %#v", pe)
	}
	c.Prefix = "invalid acme option: "
	c.Fail("timeout", "timeout must be positive")
	pe, _ = paykit.AsError(c.Err())
	if pe.Param != "base_url" || pe.Message != "invalid acme option: base URL must be absolute; timeout must be positive" {
		t.Fatalf("Err() = %#v", pe)
	}
	if e := ConfigError("acme", "key", "the key is empty"); e.Code != paykit.CodeConfiguration || e.Param != "key" || e.Provider != "acme" {
		t.Fatalf("ConfigError = %#v", e)
	}
}
