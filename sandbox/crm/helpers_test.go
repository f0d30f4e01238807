package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

const testToken = "test-token"

// harness is a server behind a real HTTP listener.
type harness struct {
	t   *testing.T
	srv *Server
	url string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	return &harness{t: t, srv: srv, url: ts.URL}
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	env    map[string]any
	raw    []byte
}

func (a answer) result() map[string]any {
	m, _ := a.env["result"].(map[string]any)
	return m
}

func (a answer) data() []any {
	d, _ := a.result()["data"].([]any)
	return d
}

func (h *harness) do(method, path string, body any) answer {
	h.t.Helper()
	return h.doToken(method, path, body, testToken)
}

func (h *harness) doToken(method, path string, body any, token string) answer {
	h.t.Helper()
	a, err := h.try(method, path, body, token)
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// try is doToken for goroutines other than the test's, which must not
// call Fatal.
func (h *harness) try(method, path string, body any, token string) (answer, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.url+path, rd)
	if err != nil {
		return answer{}, err
	}
	if token != "" {
		req.Header.Set("X-AUTH-TOKEN", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &a.env); err != nil {
			return a, fmt.Errorf("%s %s: body is not json: %q", method, path, raw)
		}
	}
	return a, nil
}

// mustStatus fails unless the answer has the status.
func (a answer) mustStatus(t *testing.T, want int) answer {
	t.Helper()
	if a.status != want {
		t.Fatalf("status %d, want %d; body %s", a.status, want, a.raw)
	}
	return a
}

func contactBody(name, email string) map[string]any {
	body := map[string]any{
		"title": "Jan Novák", "firstname": "Jan", "lastname": "Novák",
		"database": "shoptet",
		"customFields": map[string]any{
			"email": []string{email}, "number": []string{"00420777000111"},
		},
	}
	if name != "" {
		body["name"] = name
	}
	return body
}

// fixture reads a recorded real answer, skipping when they are absent.
func fixture(t *testing.T, name string) map[string]any {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "fixtures", "daktela-api", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("fixture %s not available: %v", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return v
}

// shape reduces JSON to its structure: objects keep their keys, arrays
// the shape of their first element, scalars and null become "scalar".
func shape(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range t {
			out[k] = shape(val)
		}
		return out
	case []any:
		if len(t) == 0 {
			return []any{}
		}
		return []any{shape(t[0])}
	}
	return "scalar"
}

// fixtureFields is the contact form of the recorded instance.
var fixtureFields = []Field{
	{Key: "number", Type: "PHONE", Title: "Telefon"},
	{Key: "address", Type: "ADDRESS", Title: "Adresa"},
	{Key: "email", Type: "EMAIL", Title: "Email"},
	{Key: "note", Type: "TEXTAREA", Title: "Poznámka"},
}
