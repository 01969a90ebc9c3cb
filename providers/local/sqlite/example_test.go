package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/sqlite"
)

// The local provider keeps its state in a SQLite file: a simulator
// opened on it later finds what an earlier one made.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "paykit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "paykit-dev.db")

	store, err := sqlite.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	sim := local.Provider(local.WithStore(store))
	cus, err := paykit.New(sim).Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jane@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	sim.Close()
	store.Close()

	// A restart.
	store, err = sqlite.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	sim = local.Provider(local.WithStore(store))
	defer sim.Close()
	again, err := paykit.New(sim).Customers.Retrieve(ctx, cus.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(again.Email)
	// Output: jane@example.com
}
