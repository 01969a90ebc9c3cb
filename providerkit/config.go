// Configuration errors: a provider constructor never panics and never
// returns an error; an option or credential that is wrong makes every
// call fail with a CONFIGURATION_ERROR instead.

package providerkit

import (
	"strings"

	"github.com/paykit-go/paykit"
)

// ConfigError returns the CONFIGURATION_ERROR of provider about the
// setting param (empty when it names none).
func ConfigError(provider, param, msg string) *paykit.Error {
	return &paykit.Error{Code: paykit.CodeConfiguration, Provider: provider, Param: param, Message: msg}
}

// ConfigErrors collects what a provider's options found wrong, for the
// provider to fail every call with. The zero value, with Provider set, is
// ready to use:
//
//	type settings struct{ errs providerkit.ConfigErrors }
//	func WithBaseURL(u string) Option {
//		return func(s *settings) {
//			if !valid(u) {
//				s.errs.Fail("base_url", "WithBaseURL needs an absolute http or https URL")
//			}
//		}
//	}
type ConfigErrors struct {
	// Provider names the provider in the error.
	Provider string
	// Prefix starts the error's message, e.g. "invalid local provider
	// option: ".
	Prefix string

	param string
	msgs  []string
}

// Fail records that the setting param (empty when it names none) is
// wrong, msg saying how.
func (c *ConfigErrors) Fail(param, msg string) {
	if len(c.msgs) == 0 {
		c.param = param
	}
	c.msgs = append(c.msgs, msg)
}

// Err returns nil when nothing failed, and otherwise the
// CONFIGURATION_ERROR every call fails with: its Param is the first
// failure's, its message Prefix and every failure's message, in order,
// separated by "; ".
func (c *ConfigErrors) Err() error {
	if len(c.msgs) == 0 {
		return nil
	}
	return ConfigError(c.Provider, c.param, c.Prefix+strings.Join(c.msgs, "; "))
}
