// Package stripemock builds and runs stripe-mock, Stripe's API mock, at the
// version pinned in the repository's tools/stripe-mock module, for tests.
//
// Start builds it once per version (cached under the user cache directory,
// keyed by the tools module's go.sum) and runs it on 127.0.0.1 only, with
// both its HTTP and HTTPS listeners on ports the system chooses.
package stripemock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// toolsModule is the module pinning stripe-mock, relative to the
// repository's root.
const toolsModule = "tools/stripe-mock"

// startTimeout bounds building and starting stripe-mock.
const startTimeout = 5 * time.Minute

// Server is a running stripe-mock.
type Server struct {
	// URL is the base URL of its plain HTTP listener, e.g.
	// "http://127.0.0.1:41234".
	URL string

	cmd    *exec.Cmd
	log    string // the file of its standard output
	exited chan struct{}
}

// Start builds (or reuses) stripe-mock and starts it. The caller must Close
// it.
func Start() (*Server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	bin, err := build(ctx)
	if err != nil {
		return nil, err
	}
	return run(ctx, bin)
}

// Close stops stripe-mock and waits for it to exit.
func (s *Server) Close() error {
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-s.exited
	os.Remove(s.log)
	return nil
}

// build returns the path of a stripe-mock binary built from the tools
// module, building it unless the cache has it.
func build(ctx context.Context) (string, error) {
	dir, err := findTools()
	if err != nil {
		return "", err
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		return "", fmt.Errorf("stripemock: %w", err)
	}
	h := sha256.Sum256(sum)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "paykit", "stripe-mock-"+runtime.GOOS+"-"+runtime.GOARCH+"-"+hex.EncodeToString(h[:8]))
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	if fi, err := os.Stat(out); err == nil && fi.Mode().IsRegular() {
		return out, nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("stripemock: %w", err)
	}
	// Build next to the target and rename, so that concurrent test
	// binaries never run a half-written file.
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid())
	cmd := exec.CommandContext(ctx, goCommand(), "build", "-o", tmp, "github.com/stripe/stripe-mock")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("stripemock: building stripe-mock in %s: %w\n%s", dir, err, b)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", fmt.Errorf("stripemock: %w", err)
	}
	return out, nil
}

// findTools walks up from the working directory to the tools module.
func findTools() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("stripemock: %w", err)
	}
	for {
		candidate := filepath.Join(dir, filepath.FromSlash(toolsModule))
		if _, err := os.Stat(filepath.Join(candidate, "go.mod")); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("stripemock: no " + toolsModule + "/go.mod above the working directory")
		}
		dir = parent
	}
}

// goCommand is the go command on PATH, or the one of GOROOT.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// listenPrefix starts the line stripe-mock prints for its HTTP listener.
const listenPrefix = "Listening for HTTP at address: "

func run(ctx context.Context, bin string) (*Server, error) {
	// stripe-mock prints three lines per request. They go to a file, not
	// a pipe: reading a pipe would wake this process three times per
	// request, CPU that benchmarks would count as the client's.
	log, err := os.CreateTemp("", "stripe-mock-*.log")
	if err != nil {
		return nil, fmt.Errorf("stripemock: %w", err)
	}
	// Both listeners on loopback: without -https-addr stripe-mock would
	// open its HTTPS port on every interface.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	cmd.Stdout = log
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Start()
	log.Close() // stripe-mock has its own descriptor
	if err != nil {
		os.Remove(log.Name())
		return nil, fmt.Errorf("stripemock: starting %s: %w", bin, err)
	}
	s := &Server{cmd: cmd, log: log.Name(), exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for s.URL == "" {
		select {
		case <-s.exited:
			os.Remove(s.log)
			return nil, fmt.Errorf("stripemock: stripe-mock exited before listening: %s", stderr.String())
		case <-ctx.Done():
			_ = s.Close()
			return nil, errors.New("stripemock: stripe-mock did not report its address in time")
		case <-tick.C:
			s.URL = listenURL(s.log)
		}
	}
	if err := s.waitReady(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// listenURL returns the URL of the HTTP listener that stripe-mock's log
// reports, or "" before it does.
func listenURL(log string) string {
	b, err := os.ReadFile(log)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if addr, ok := strings.CutPrefix(line, listenPrefix); ok && strings.HasSuffix(addr, "\n") {
			return "http://" + strings.TrimSpace(addr)
		}
	}
	return ""
}

// waitReady polls stripe-mock until it answers, for at most 100 tries.
func (s *Server) waitReady(ctx context.Context) error {
	host := strings.TrimPrefix(s.URL, "http://")
	if _, _, err := net.SplitHostPort(host); err != nil {
		return fmt.Errorf("stripemock: bad address %q: %w", host, err)
	}
	for range 100 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/v1/customers/cus_123", nil)
		req.Header.Set("Authorization", "Bearer sk_test_123")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return errors.New("stripemock: stripe-mock never became ready")
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("stripemock: stripe-mock never became ready")
}
