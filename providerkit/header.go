package providerkit

import (
	"net/http"
	"strings"
)

// HeaderValue returns the first value of the header name in h, whatever
// the case of its key: h.Get finds only keys in Go's canonical form, and a
// WebhookRequest built by hand (from an AWS Lambda event, an API gateway
// or a proxy) may hold "webhook-id" or "STRIPE-SIGNATURE". The canonical
// key is tried first, so a header from net/http costs one lookup.
func HeaderValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, name) {
			return v[0]
		}
	}
	return ""
}
