package shoptet

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/internal/proctest"
)

const (
	custHash  = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	orderHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	feedHash  = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
)

func testConfig(base string) Config {
	return Config{BaseURL: base + "/", CustomersHash: custHash, OrdersHash: orderHash,
		OrdersFeedHash: feedHash, PartnerID: "42"}
}

// newTestClient starts srv's handler and returns a client for it that logs
// at debug level into the returned buffer.
func newTestClient(t *testing.T, cfg func(*Config), h http.HandlerFunc,
	opts ...ClientOption) (*Client, *proctest.Buffer) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := testConfig(srv.URL)
	if cfg != nil {
		cfg(&c)
	}
	logs := &proctest.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts = append([]ClientOption{WithLogger(logger), WithUserAgent("test-agent/1")}, opts...)
	client, err := NewClient(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return client, logs
}

// assertNoSecrets fails if any hash shows up in s.
func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, h := range []string{custHash, orderHash, feedHash} {
		if strings.Contains(s, h) || strings.Contains(s, h[:16]) {
			t.Errorf("%s leaks a hash: %s", what, s)
		}
	}
}

func TestClientRequests(t *testing.T) {
	updated := time.Date(2026, 1, 5, 7, 9, 10, 0, time.UTC) // 08:09:10 in Prague
	tests := []struct {
		name  string
		cfg   func(*Config)
		call  func(*Client) (*Download, error)
		path  string
		query map[string]string
		raw   string // substring of the raw query
	}{
		{name: "customers csv", call: func(c *Client) (*Download, error) {
			return c.Customers(context.Background())
		}, path: "/export/customers.csv", query: map[string]string{"hash": custHash,
			"partnerId": "42"}},
		{name: "customers xml", cfg: func(c *Config) { c.CustomersFormat = "XML" },
			call: func(c *Client) (*Download, error) { return c.Customers(context.Background()) },
			path: "/export/customers.xml", query: map[string]string{"hash": custHash,
				"partnerId": "42"}},
		{name: "orders with range", call: func(c *Client) (*Download, error) {
			return c.Orders(context.Background(), OrdersQuery{
				DateFrom:       time.Date(2026, 1, 5, 0, 0, 0, 0, Prague),
				DateUntil:      time.Date(2026, 11, 30, 0, 0, 0, 0, Prague),
				UpdateTimeFrom: updated})
		}, path: "/export/orders.xml", query: map[string]string{"patternId": "-11",
			"hash": orderHash, "partnerId": "42", "dateFrom": "2026-1-5",
			"dateUntil": "2026-11-30", "updateTimeFrom": "2026-01-05 08:09:10"},
			raw: "patternId=-11&hash=" + orderHash + "&partnerId=42&dateFrom=2026-1-5" +
				"&dateUntil=2026-11-30&updateTimeFrom=2026-01-05%2008%3A09%3A10"},
		{name: "feed at custom path", cfg: func(c *Config) {
			c.FeedPath, c.OrdersPattern, c.PartnerID = "/export/ordersFeed.xml", 7, ""
		}, call: func(c *Client) (*Download, error) { return c.Feed(context.Background()) },
			path: "/export/ordersFeed.xml", query: map[string]string{"patternId": "7",
				"hash": feedHash, "partnerId": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *http.Request
			c, logs := newTestClient(t, tt.cfg, func(w http.ResponseWriter, r *http.Request) {
				got = r
				io.WriteString(w, "<ORDERS></ORDERS>")
			})
			if strings.Contains(tt.path, ".csv") {
				c, logs = newTestClient(t, tt.cfg, func(w http.ResponseWriter, r *http.Request) {
					got = r
					io.WriteString(w, "email;guid\n")
				})
			}
			dl, err := tt.call(c)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(dl)
			if err != nil || len(body) == 0 || dl.Close() != nil {
				t.Fatalf("read %q, %v", body, err)
			}
			if got.URL.Path != tt.path || got.Method != http.MethodGet {
				t.Errorf("request %s %s, want GET %s", got.Method, got.URL.Path, tt.path)
			}
			for k, v := range tt.query {
				if got.URL.Query().Get(k) != v {
					t.Errorf("query %s = %q, want %q", k, got.URL.Query().Get(k), v)
				}
			}
			if !strings.Contains(got.URL.RawQuery, tt.raw) {
				t.Errorf("raw query %q lacks %q", got.URL.RawQuery, tt.raw)
			}
			if ua := got.Header.Get("User-Agent"); ua != "test-agent/1" {
				t.Errorf("User-Agent %q", ua)
			}
			if !strings.Contains(dl.URL, "hash=REDACTED") || dl.Size != int64(len(body)) {
				t.Errorf("download URL %q size %d", dl.URL, dl.Size)
			}
			if !strings.Contains(logs.String(), "status=200") {
				t.Errorf("no debug line with the status: %s", logs)
			}
			assertNoSecrets(t, "download URL", dl.URL)
			assertNoSecrets(t, "logs", logs.String())
		})
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		opts      []ClientOption
		retryable bool
		status    int
		reason    string // substring of Error()
		onRead    bool   // the error comes from reading the body
	}{
		{name: "401", handler: status(401), status: 401, reason: "orders hash"},
		{name: "403", handler: status(403), status: 403, reason: "concrete IP address"},
		{name: "404", handler: status(404), status: 404, reason: "pattern -11"},
		{name: "400", handler: status(400), status: 400, reason: "unexpected status"},
		{name: "500", handler: status(500), status: 500, retryable: true, reason: "retry later"},
		{name: "503", handler: status(503), status: 503, retryable: true},
		{name: "429", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
		}, status: 429, retryable: true, reason: "too many requests"},
		{name: "login page", handler: serve("\uFEFF \n<!DOCTYPE html><html><form>login</form>"),
			status: 200, reason: "HTML page"},
		{name: "xhtml page", handler: serve(`<?xml version="1.0"?><!-- x --><html xmlns="x">`),
			status: 200, reason: "HTML page"},
		{name: "empty body", handler: serve(""), status: 200, reason: "empty answer"},
		{name: "blank body", handler: serve("\uFEFF  \r\n"), status: 200, reason: "empty answer"},
		{name: "plain text", handler: serve("Export denied"), status: 200, reason: "text instead"},
		{name: "size cap by length", handler: serve("<ORDERS>" + strings.Repeat(" ", 100)),
			opts: []ClientOption{WithMaxBytes(50)}, status: 200, reason: "50 byte cap"},
		{name: "size cap while streaming", handler: func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 10; i++ {
				io.WriteString(w, "<ORDERS>"+strings.Repeat(" ", 2000))
				w.(http.Flusher).Flush()
			}
		}, opts: []ClientOption{WithMaxBytes(5000)}, status: 200, reason: "5000 byte cap",
			onRead: true},
		{name: "truncated body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000")
			io.WriteString(w, "<ORDERS>"+strings.Repeat(" ", 3000))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}, status: 200, retryable: true, reason: "cut short", onRead: true},
		{name: "connection reset", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, retryable: true, reason: "connection failed"},
		{name: "timeout", handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		}, opts: []ClientOption{WithTimeout(50 * time.Millisecond)}, retryable: true,
			reason: "timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, logs := newTestClient(t, nil, tt.handler, tt.opts...)
			dl, err := c.Orders(context.Background(), OrdersQuery{})
			if err == nil {
				_, err = io.ReadAll(dl)
				dl.Close()
				if !tt.onRead {
					t.Fatalf("error %v only on read", err)
				}
			} else if tt.onRead {
				t.Fatalf("error before read: %v", err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if e.Retryable != tt.retryable || IsRetryable(err) != tt.retryable {
				t.Errorf("retryable %v, want %v: %v", e.Retryable, tt.retryable, err)
			}
			if e.Status != tt.status || e.Export != ExportOrders {
				t.Errorf("status %d export %q, want %d", e.Status, e.Export, tt.status)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q lacks %q", err, tt.reason)
			}
			if tt.status == 429 && e.RetryAfter != 7*time.Second {
				t.Errorf("retry after %v", e.RetryAfter)
			}
			assertNoSecrets(t, "error", err.Error())
			assertNoSecrets(t, "logs", logs.String())
		})
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", code) }
}

func serve(s string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, s) }
}

func TestClientCSVRejectsXML(t *testing.T) {
	c, _ := newTestClient(t, nil, serve(`<?xml version="1.0"?><CUSTOMERS/>`))
	_, err := c.Customers(context.Background())
	if err == nil || IsRetryable(err) || !strings.Contains(err.Error(), "XML instead of CSV") {
		t.Fatalf("got %v", err)
	}
}

func TestClientCancelAndFeedOff(t *testing.T) {
	c, _ := newTestClient(t, func(c *Config) { c.OrdersFeedHash = "" }, serve("<ORDERS/>"))
	if _, err := c.Feed(context.Background()); err == nil {
		t.Error("feed without a hash did not fail")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Orders(ctx, OrdersQuery{})
	if err == nil || IsRetryable(err) || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancelled download: %v", err)
	}
}

func TestDownloadFeedsDecoder(t *testing.T) {
	c, _ := newTestClient(t, nil, serve("\uFEFF"+orders(fullOrder)))
	dl, err := c.Orders(context.Background(), OrdersQuery{})
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()
	res := decodeOrders(t, NewOrderDecoder(dl))
	if res.fatal != nil || len(res.orders) != 1 || res.orders[0].Code != "2026000123" {
		t.Fatalf("decoded %+v", res)
	}
}

func TestDecoderPassesDownloadErrors(t *testing.T) {
	c, _ := newTestClient(t, nil, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write(genOrders(5)[:3000])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	dl, err := c.Orders(context.Background(), OrdersQuery{})
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()
	res := decodeOrders(t, NewOrderDecoder(dl))
	if !IsRetryable(res.fatal) {
		t.Fatalf("decoder error %v is not the retryable download error", res.fatal)
	}
}
