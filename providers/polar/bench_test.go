package polar

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/paykit-go/paykit"
)

// BenchmarkParseWebhook verifies and maps an order.paid delivery (two
// unified events) of the fixture's size.
func BenchmarkParseWebhook(b *testing.B) {
	p := Provider(testToken)
	body := fixture(b, "order.paid")
	req := signed(body, "msg_bench", time.Now(), testSecret)
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ParseWebhook(ctx, req, testSecret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRetrievePayment measures the provider's own cost of one call
// (request building, transport, decoding and mapping of an Order of the
// fixture's size) over a mocked network.
func BenchmarkRetrievePayment(b *testing.B) {
	mt := httpmock.NewMockTransport()
	order := fixtureData(b, "order.paid")
	mt.RegisterResponder(http.MethodGet, mockURL+"/v1/orders/"+fxOrder, httpmock.NewBytesResponder(200, order))
	c := paykit.New(Provider(testToken, WithBaseURL(mockURL), WithHTTPClient(&http.Client{Transport: mt})))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Payments.Retrieve(ctx, fxOrder); err != nil {
			b.Fatal(err)
		}
	}
}

// fixtureData returns the data object of a webhook fixture.
func fixtureData(b *testing.B, event string) []byte {
	var payload struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(fixture(b, event), &payload); err != nil {
		b.Fatal(err)
	}
	return payload.Data
}
