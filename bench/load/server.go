package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildBinary builds ./cmd/fanclub of the module the driver runs in into
// a temporary directory, and returns its path and a function removing it.
func buildBinary() (string, func(), error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", nil, fmt.Errorf("go env GOMOD: not inside the module (%v)", err)
	}
	tmp, err := os.MkdirTemp("", "fanclub-load-bin-")
	if err != nil {
		return "", nil, err
	}
	bin := filepath.Join(tmp, "fanclub")
	t := time.Now()
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/fanclub")
	cmd.Dir = filepath.Dir(gomod)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("go build ./cmd/fanclub: %w", err)
	}
	fmt.Printf("built %s in %s\n", bin, time.Since(t).Round(time.Millisecond))
	return bin, func() { os.RemoveAll(tmp) }, nil
}

// server is the fanclub binary running as a subprocess on the data
// directory, on a free loopback port.
type server struct {
	cmd      *exec.Cmd
	base     string
	logPath  string
	started  time.Time
	done     chan struct{} // closed when the process has exited
	mu       sync.Mutex
	exitedAt time.Time
	exitErr  error
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startServer execs bin serving dir; its log goes to dir/server.log.
func startServer(bin, dir string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	logPath := filepath.Join(dir, "server.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logf, "\n=== load driver: starting %s at %s on %s ===\n", bin, time.Now().Format(time.RFC3339), addr)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(environWithout("MONGODB_URI", "FANCLUB_"),
		"FANCLUB_DATA_DIR="+dir, "FANCLUB_ADDR="+addr, "FANCLUB_BASE_URL=http://"+addr,
		// The voters vote flat out, far past a person's limit: measured is what a vote costs.
		"FANCLUB_VOTES_PER_MINUTE=1000000", "FANCLUB_VOTES_PER_DAY=1000000")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the driver
	s := &server{cmd: cmd, base: "http://" + addr, logPath: logPath, done: make(chan struct{})}
	s.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() {
		err := cmd.Wait()
		s.mu.Lock()
		s.exitedAt, s.exitErr = time.Now(), err
		s.mu.Unlock()
		logf.Close()
		close(s.done)
	}()
	return s, nil
}

// environWithout is the driver's environment minus the variables that
// would point the server elsewhere.
func environWithout(prefixes ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		keep := true
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// waitReady polls /readyz until it answers 200 and returns the time since
// the exec.
func (s *server) waitReady(timeout time.Duration) (time.Duration, error) {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return 0, fmt.Errorf("the server exited before it was ready (%v); see %s", s.exitErr, s.logPath)
		default:
		}
		res, err := c.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(s.started), nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("the server was not ready after %s; see %s", timeout, s.logPath)
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// exit returns when and how the process ended.
func (s *server) exit() (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exitedAt, s.exitErr
}

// terminate sends SIGTERM and returns at once.
func (s *server) terminate() {
	if !s.exited() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
	}
}

// waitExit waits up to timeout for the process to end, then kills it.
// It reports whether the process ended by itself.
func (s *server) waitExit(timeout time.Duration) bool {
	select {
	case <-s.done:
		return true
	case <-time.After(timeout):
		_ = s.cmd.Process.Kill()
		<-s.done
		return false
	}
}

// stop terminates the server and waits for it, returning how long it took
// and a note on how it ended.
func (s *server) stop(timeout time.Duration) (time.Duration, string) {
	if s.exited() {
		return 0, "already stopped"
	}
	t := time.Now()
	s.terminate()
	clean := s.waitExit(timeout)
	_, err := s.exit()
	took := time.Since(t)
	switch {
	case !clean:
		return took, fmt.Sprintf("killed after %s without exiting", timeout)
	case err != nil:
		return took, "exited with " + err.Error()
	}
	return took, "exited cleanly"
}

// kill ends the process at once, for the driver's own error paths.
func (s *server) kill() {
	if s != nil && !s.exited() {
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// firstStart starts and stops the server once after seeding, so that the
// indexes it builds at start-up are in place before anything is timed.
func firstStart(ctx context.Context, bin, dir string) (time.Duration, error) {
	srv, err := startServer(bin, dir)
	if err != nil {
		return 0, err
	}
	defer srv.kill()
	took, err := srv.waitReady(30 * time.Minute)
	if err != nil {
		return 0, err
	}
	if _, how := srv.stop(2 * time.Minute); how != "exited cleanly" {
		fmt.Printf("  first start: the server %s\n", how)
	}
	return took, ctx.Err()
}
