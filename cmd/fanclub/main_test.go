package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log written by the server and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeStartsAndStops runs the command a newcomer runs, on a fresh
// data directory: it serves pages, says where it is, refuses a second
// process on the same directory, and shuts down cleanly.
func TestServeStartsAndStops(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	env := map[string]string{"FANCLUB_ADDR": addr, "FANCLUB_BASE_URL": "http://" + addr, "FANCLUB_DATA_DIR": dir}
	getenv := func(k string) string { return env[k] }
	log := &syncBuffer{}
	stop := startServe(t, addr, getenv, log)

	res, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "fanclub") {
		t.Fatalf("home: %d", res.StatusCode)
	}
	for _, want := range []string{"url=http://" + addr, "embedded FerretDB", "sign-in=\"email link\""} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}

	second := run(context.Background(), []string{"-addr", freeAddr(t)}, getenv, io.Discard)
	if second == nil || !strings.Contains(second.Error(), "in use") {
		t.Errorf("second process on the same data directory: %v, want a refusal", second)
	}
	stop()

	// A restart on the same data directory finds its indexes and data.
	startServe(t, addr, getenv, io.Discard)()
}

// startServe runs the serve command until it answers /readyz, and returns
// a function that stops it and checks it shut down cleanly.
func startServe(t *testing.T, addr string, getenv func(string) string, log io.Writer) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, getenv, log) }()
	for deadline := time.Now().Add(60 * time.Second); ; {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 60s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("shutdown: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("did not shut down within 30s")
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("got %v", err)
	}
}

// TestServeWithoutBaseURL starts the site with only a listen address, as
// a newcomer would: the log's first line says which address the site
// took and how to set another, a form sent from that address works, and
// the sign-in link it mails can be copied whole from the log.
func TestServeWithoutBaseURL(t *testing.T) {
	addr := freeAddr(t)
	env := map[string]string{"FANCLUB_ADDR": addr, "FANCLUB_DATA_DIR": t.TempDir()}
	log := &syncBuffer{}
	defer startServe(t, addr, func(k string) string { return env[k] }, log)()

	first, _, _ := strings.Cut(log.String(), "\n")
	for _, want := range []string{"FANCLUB_BASE_URL is not set", "url=http://" + addr, "set FANCLUB_BASE_URL"} {
		if !strings.Contains(first, want) {
			t.Errorf("first log line lacks %q: %s", want, first)
		}
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get("http://" + addr + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if token == nil {
		t.Fatalf("no form on /signin: %s", page)
	}
	form := url.Values{"_csrf": {string(token[1])}, "email": {"mina@example.com"}}
	req, _ := http.NewRequest("POST", "http://"+addr+"/signin/email", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+addr)
	if res, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("sign-in form sent from http://%s: status %d, want 200 (check your mail)", addr, res.StatusCode)
	}
	// No SMTP server: the sign-in link is in the log, on a line of its own.
	linkLine := regexp.MustCompile(`(?m)^http://` + regexp.QuoteMeta(addr) + `/signin/link\?token=[A-Za-z0-9_-]+$`)
	if !linkLine.MatchString(log.String()) {
		t.Errorf("no line of the log is just the sign-in link:\n%s", log)
	}
}
