package server_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
)

// An app talks to a local payments server: its checkouts' payment_url is
// the server's hosted page, where the payer pays.
func Example() {
	ctx := context.Background()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: []local.Option{
		local.WithItem("price_basic", 1500, "USD"),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// The app's side: the local provider in remote mode.
	sim := local.Provider(local.WithServerURL(srv.URL()), local.WithWebhookSecret(srv.Simulator().WebhookSecret()))
	defer sim.Close()
	client := paykit.New(sim)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: paykit.CustomerEmail("jane@example.com"), ItemID: "price_basic",
		SessionType: paykit.SessionOneTime, Quantity: 2, SuccessURL: "https://example.com/thanks?session={CHECKOUT_ID}",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pay at the server:", strings.HasPrefix(co.PaymentURL, srv.URL()+"/checkout/"))

	// What the page's Pay button does.
	pay, err := sim.PayCheckout(ctx, co.ID, local.CardSucceeds)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pay.Status, paykit.FormatAmount(pay.AmountCaptured, pay.Currency))
	// Output:
	// pay at the server: true
	// succeeded USD 30.00
}
