package providerkit_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/paykit-go/paykit/providerkit"
)

// A PayPal-style token endpoint: client credentials in HTTP Basic,
// grant_type=client_credentials in the form body.
func ExampleNewClientCredentials() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if r.PostFormValue("grant_type") != "client_credentials" || id != "client-id" || secret != "client-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"example-token","token_type":"Bearer","expires_in":32400}`)
	}))
	defer srv.Close()

	tokens, err := providerkit.NewClientCredentials(providerkit.ClientCredentialsConfig{
		TokenURL:     srv.URL + "/v1/oauth2/token",
		ClientID:     "client-id",
		ClientSecret: providerkit.NewSecret("client-secret"),
	}, providerkit.TokenManagerConfig{Provider: "paypal"})
	if err != nil {
		fmt.Println(err)
		return
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api-m.sandbox.paypal.com/v2/checkout/orders/1", nil)
	if err := tokens.Authenticate(context.Background(), req); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Header.Get("Authorization"))
	// Output: Bearer example-token
}
