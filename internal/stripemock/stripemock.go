// Package stripemock starts Stripe's own stripe-mock (pinned in go.mod as
// a tool) on a free port, once per test binary, so tests call a real
// implementation of Stripe's API rather than one of ours. stripe-mock is
// stateless: it checks that a request is well formed and answers with a
// fixture, so tests assert on what was sent and that it was accepted.
package stripemock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
)

var (
	once   sync.Once
	base   string
	proc   *exec.Cmd
	tmp    string
	failed error
)

// URL returns the base URL of a running stripe-mock, starting it on first
// use. Main stops it.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { base, failed = start() })
	if failed != nil {
		t.Fatalf("stripe-mock: %v", failed)
	}
	return base
}

// Stop stops stripe-mock if it was started. Call it from TestMain once
// the tests have run.
func Stop() {
	if proc != nil && proc.Process != nil {
		_ = proc.Process.Kill()
		_ = proc.Wait()
	}
	if tmp != "" {
		_ = os.RemoveAll(tmp)
	}
}

func start() (string, error) {
	var err error
	tmp, err = os.MkdirTemp("", "stripe-mock")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(tmp, "stripe-mock")
	// go build reuses the build cache, and the version is the one go.mod pins.
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/stripe/stripe-mock").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	_ = l.Close()
	var logs bytes.Buffer
	// HTTPS goes to a socket nobody uses, so it never claims a port.
	proc = exec.Command(bin, "-http-addr", addr, "-https-unix", filepath.Join(tmp, "https.sock"))
	proc.Stdout, proc.Stderr = &logs, &logs
	if err := proc.Start(); err != nil {
		return "", err
	}
	u := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, u+"/v1/prices/price_ping", nil)
		req.SetBasicAuth("sk_test_123", "")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return u, nil
		}
	}
	return "", fmt.Errorf("did not answer on %s within 20s:\n%s", addr, logs.String())
}

// Request is one call the code under test made to Stripe.
type Request struct {
	Method, Path   string
	Form           url.Values
	IdempotencyKey string
	Status         int
}

// Recorder is an http.RoundTripper that passes every request on to
// stripe-mock and keeps what was sent and the status it got.
type Recorder struct {
	mu   sync.Mutex
	reqs []Request
}

// Client returns an HTTP client that records through r.
func (r *Recorder) Client() *http.Client {
	return &http.Client{Transport: r, Timeout: 30 * time.Second}
}

// RoundTrip implements http.RoundTripper.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	if req.Method == http.MethodGet {
		form = req.URL.Query()
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	rec := Request{Method: req.Method, Path: req.URL.Path, Form: form, IdempotencyKey: req.Header.Get("Idempotency-Key")}
	if err == nil {
		rec.Status = resp.StatusCode
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return resp, err
}

// Requests returns the calls so far to paths with the given prefix.
func (r *Recorder) Requests(method, path string) []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Request
	for _, q := range r.reqs {
		if q.Method == method && len(q.Path) >= len(path) && q.Path[:len(path)] == path {
			out = append(out, q)
		}
	}
	return out
}

// APIVersion is the Stripe API version stripe-go v76 reads, and so the
// version of every event Event builds.
const APIVersion = "2023-10-16"

// Event builds a Stripe event of type typ around object (a map or
// struct that marshals to the Stripe object's JSON), created at created,
// and signs it with secret as Stripe would, with stripe-go's
// webhook.GenerateTestSignedPayload. It returns the body and the
// Stripe-Signature header.
func Event(t testing.TB, secret, id, typ string, created time.Time, object any) (body []byte, signature string) {
	t.Helper()
	return EventVersion(t, secret, id, typ, created, object, APIVersion)
}

// EventVersion is Event in another API version.
func EventVersion(t testing.TB, secret, id, typ string, created time.Time, object any, version string) ([]byte, string) {
	t.Helper()
	body, sig, err := Signed(secret, id, typ, created, object, version)
	if err != nil {
		t.Fatal(err)
	}
	return body, sig
}

// Signed builds and signs an event outside a test: the demo seed replays
// a club's billing history through the webhook handler with it.
func Signed(secret, id, typ string, created time.Time, object any, version string) (body []byte, signature string, err error) {
	raw, err := json.Marshal(object)
	if err != nil {
		return nil, "", err
	}
	body, err = json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "api_version": version, "created": created.Unix(),
		"livemode": false, "pending_webhooks": 1, "data": map[string]any{"object": json.RawMessage(raw)},
	})
	if err != nil {
		return nil, "", err
	}
	body, signature = Sign(secret, body)
	return body, signature, nil
}

// RawEvent signs an event whose data member is data exactly as given
// (nil: no data member at all), for tests of events that are signed but
// do not read as Stripe's should.
func RawEvent(secret, id, typ string, created time.Time, data json.RawMessage) (body []byte, signature string) {
	ev := map[string]any{"id": id, "object": "event", "type": typ, "api_version": APIVersion, "created": created.Unix()}
	if data != nil {
		ev["data"] = data
	}
	body, _ = json.Marshal(ev) // a map of strings, numbers and valid raw JSON
	return Sign(secret, body)
}

// Sign signs body, whatever it holds, as Stripe would.
func Sign(secret string, body []byte) (payload []byte, signature string) {
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: time.Now()})
	return signed.Payload, signed.Header
}
