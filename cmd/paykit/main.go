// Command paykit is paykit's command line. Its dev command runs the local
// payments server: the local provider with a JSON API, hosted checkout
// pages, a dashboard and signed webhooks, so that an app can build its
// whole payment flow with no provider account and no network.
//
//	go run github.com/paykit-go/paykit/cmd/paykit dev [flags]
//
// The app points its provider at the server:
//
//	provider := local.Provider(local.WithServerURL("http://127.0.0.1:4242"), local.WithWebhookSecret(secret))
//
// Run "paykit dev -h" for the flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `paykit: the paykit command line

Usage:
  paykit dev [flags]   run the local payments server (paykit dev -h for flags)
  paykit help          show this help
`

// run runs the command line args and returns the exit status: 0, 1 when
// the command failed, 2 for a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "dev":
		return dev(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "paykit: unknown command %q\n\n%s", args[0], usage)
	return 2
}
