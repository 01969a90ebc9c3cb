//go:build unix

package main

import (
	"strings"
	"syscall"
	"testing"
)

func TestDevStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		d := startDev(t, "-data", ":memory:", "-webhook-secret", "whsec_dGVzdA==")
		if !strings.Contains(d.stdout.String(), "in memory") || d.secret != "whsec_dGVzdA==" {
			t.Errorf("banner: %s", d.stdout.String())
		}
		// The command has registered for the signal before its banner, so
		// the signal reaches it rather than the test process.
		if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
		if code := d.wait(t); code != 0 || !strings.Contains(d.stdout.String(), "stopped") {
			t.Errorf("after %v: exit %d, %s", sig, code, d.stdout.String())
		}
		d.cancel()
	}
}
