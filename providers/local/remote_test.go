package local_test

import (
	"context"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
	"github.com/paykit-go/paykit/providers/local/server"
)

// startServer runs a local payments server selling the catalogue, with
// opts, stopped at the end of the test.
func startServer(t testing.TB, opts ...local.Option) *server.Server {
	t.Helper()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: append(catalogue(), opts...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// remoteSim returns a simulator in remote mode, a client of srv.
func remoteSim(t testing.TB, srv *server.Server) *local.Simulator {
	t.Helper()
	sim := local.Provider(local.WithServerURL(srv.URL()), local.WithWebhookSecret(srv.Simulator().WebhookSecret()))
	if err := sim.Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}

// newRemoteEnv is newEnv over a local server: env.sim is the client.
func newRemoteEnv(t testing.TB, opts ...local.Option) *env {
	t.Helper()
	sim := remoteSim(t, startServer(t, opts...))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return &env{sim: sim, client: paykit.New(sim), ctx: ctx}
}

func TestConformanceRemote(t *testing.T) {
	paykittest.RunConformance(t, harness(
		func(t *testing.T) paykit.Provider { return remoteSim(t, startServer(t)) },
		func(t *testing.T, _ paykit.Provider) (*paykit.WebhookRequest, string) {
			rec := &recorder{}
			e := newRemoteEnv(t, local.WithWebhookHandler(rec), local.WithWebhookSecret(testSecret))
			co := e.checkout(t, paykit.CustomerID(e.customer(t).ID), "price_usd", paykit.SessionOneTime, 1)
			if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.sim.Flush(e.ctx); err != nil {
				t.Fatal(err)
			}
			return rec.all()[0], e.sim.WebhookSecret()
		}))
}

// The simulation operations have one name in package local and on the
// wire.
func TestOpNamesMatchTheWire(t *testing.T) {
	for l, w := range map[paykit.Op]paykit.Op{
		local.OpCompleteCheckout: wire.OpPayCheckout, local.OpConfirmPayment: wire.OpConfirmPayment,
		local.OpFailPayment: wire.OpFailPayment, local.OpSetCardDeclined: wire.OpSetCardDeclined,
		local.OpAdvanceClock: wire.OpAdvanceClock,
	} {
		if l != w {
			t.Errorf("local op %q is %q on the wire", l, w)
		}
	}
}
