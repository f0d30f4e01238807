package shoptet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// sniffLen is how much of a body is inspected to tell an export from an HTML
// or error page; a login page shows itself within its first few hundred bytes.
const sniffLen = 1024

// errBodyLimit caps how much of a non-200 answer is drained so that the
// connection can be reused without reading a large error page.
const errBodyLimit = 4 << 10

// Download is an export being downloaded. Read errors are *Error too, and a
// body cut short of its Content-Length is a retryable one. Close it.
type Download struct {
	io.ReadCloser
	Export string // "customers" | "orders" | "feed"
	URL    string // redacted (hash=REDACTED)
	Size   int64  // Content-Length or -1
}

// request is one download in flight: what is fetched and how it went so far.
type request struct {
	c      *Client
	export string
	url    string // redacted
	format string // "xml" or "csv"
	start  time.Time
	cancel context.CancelFunc
}

func (c *Client) get(ctx context.Context, export, rawURL, format string) (*Download, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	r := &request{c: c, export: export, url: RedactURL(rawURL), format: format,
		start: time.Now(), cancel: cancel}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		cancel()
		return nil, r.fail(0, false, "cannot build the request; check BaseURL", redactError(err))
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", acceptFor(format))

	resp, err := c.http.Do(req)
	if err != nil {
		e := r.transportError(ctx, err) // before cancel, which would mask the cause
		cancel()
		return nil, e
	}
	c.log.DebugContext(ctx, "shoptet export answered", "export", export, "url", r.url,
		"status", resp.StatusCode, "contentLength", resp.ContentLength,
		"elapsed", time.Since(r.start))

	if err := r.checkStatus(resp); err != nil {
		drain(resp.Body)
		cancel()
		return nil, err
	}
	return r.open(resp)
}

func acceptFor(format string) string {
	if format == "csv" {
		return "text/csv, */*;q=0.1"
	}
	return "application/xml, text/xml, */*;q=0.1"
}

func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, errBodyLimit))
	_ = body.Close()
}

func (r *request) fail(status int, retryable bool, reason string, err error) *Error {
	return &Error{Export: r.export, URL: r.url, Status: status, Retryable: retryable,
		Reason: reason, Err: err}
}

// configReason is the advice for every answer that means the link is wrong.
func (r *request) configReason(what string) string {
	return fmt.Sprintf("%s; the %s export refused the link: check the %s hash, "+
		"that \"allow only for concrete IP address\" is unchecked in the Shoptet admin%s",
		what, r.export, r.hashName(), r.patternHint())
}

func (r *request) hashName() string {
	switch r.export {
	case ExportCustomers:
		return "customers"
	case ExportFeed:
		return "orders feed"
	}
	return "orders"
}

func (r *request) patternHint() string {
	if r.export == ExportCustomers {
		return ""
	}
	return fmt.Sprintf(" and that orders pattern %d exists", r.c.cfg.OrdersPattern)
}

func (r *request) checkStatus(resp *http.Response) error {
	s := resp.StatusCode
	switch {
	case s == http.StatusOK:
		return nil
	case s == http.StatusUnauthorized || s == http.StatusForbidden || s == http.StatusNotFound:
		return r.fail(s, false, r.configReason(http.StatusText(s)), nil)
	case s == http.StatusTooManyRequests:
		e := r.fail(s, true, "too many requests; Shoptet runs one export per section "+
			"at a time and throttles frequent downloads", nil)
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"))
		return e
	case s >= 500:
		e := r.fail(s, true, "shop is overloaded or failing; retry later", nil)
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"))
		return e
	}
	return r.fail(s, false, r.configReason("unexpected status"), nil)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// transportError classifies a failure before any answer arrived.
func (r *request) transportError(ctx context.Context, err error) *Error {
	err = redactError(err)
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return r.fail(0, false, "shop host not found; check BaseURL", err)
	case ctx.Err() == context.DeadlineExceeded || isTimeout(err):
		return r.fail(0, true, "timed out after "+r.c.timeout.String(), err)
	case ctx.Err() == context.Canceled:
		return r.fail(0, false, "download cancelled", err)
	}
	return r.fail(0, true, "connection failed", err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// open sniffs the start of a 200 answer and wraps the body.
func (r *request) open(resp *http.Response) (*Download, error) {
	if resp.ContentLength > r.c.maxBytes {
		drain(resp.Body)
		r.cancel()
		return nil, r.fail(resp.StatusCode, false, r.tooLarge(), nil)
	}
	b := &body{r: r, raw: resp.Body, want: resp.ContentLength}
	b.buf = bufio.NewReaderSize(countingReader{b}, 64<<10)
	if err := r.sniff(b.buf); err != nil {
		_ = b.Close()
		return nil, err
	}
	return &Download{ReadCloser: b, Export: r.export, URL: r.url, Size: resp.ContentLength}, nil
}

func (r *request) tooLarge() string {
	return fmt.Sprintf("export is larger than the %d byte cap; raise the cap (WithMaxBytes) "+
		"or narrow the order export by date", r.c.maxBytes)
}

// sniff rejects an answer that is empty or is a web page instead of an export.
func (r *request) sniff(br *bufio.Reader) error {
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return err // already an *Error from body.Read
	}
	switch sniffKind(head) {
	case sniffEmpty:
		return r.fail(http.StatusOK, false, r.configReason("empty answer"), nil)
	case sniffHTML:
		return r.fail(http.StatusOK, false,
			r.configReason("got an HTML page (a login or error page), not an export"), nil)
	case sniffMarkup:
		if r.format == "csv" {
			return r.fail(http.StatusOK, false, r.configReason("got XML instead of CSV"), nil)
		}
	case sniffText:
		if r.format == "xml" {
			return r.fail(http.StatusOK, false, r.configReason("got text instead of XML"), nil)
		}
	}
	return nil
}

// body counts what is read, enforces the size cap and turns every read
// failure into an *Error.
type body struct {
	r    *request
	raw  io.ReadCloser
	buf  *bufio.Reader
	n    int64
	want int64 // Content-Length, -1 when unknown
	err  error
	done bool
}

// countingReader feeds the sniffing buffer from the raw body with the checks
// applied, so bytes peeked while sniffing are counted too.
type countingReader struct{ b *body }

func (c countingReader) Read(p []byte) (int, error) { return c.b.readRaw(p) }

// Read reads the export.
func (b *body) Read(p []byte) (int, error) { return b.buf.Read(p) }

func (b *body) readRaw(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if room := b.r.c.maxBytes - b.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.raw.Read(p)
	b.n += int64(n)
	switch {
	case b.n > b.r.c.maxBytes:
		b.err = b.r.fail(http.StatusOK, false, b.r.tooLarge(), nil)
		return n, b.err
	case err == io.EOF && b.want >= 0 && b.n < b.want:
		err = io.ErrUnexpectedEOF
	case err == io.EOF:
		b.err = io.EOF
		return n, err
	}
	if err != nil {
		b.err = b.readError(err)
	}
	return n, b.err
}

func (b *body) readError(err error) *Error {
	r := b.r
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return r.fail(http.StatusOK, true, fmt.Sprintf(
			"body cut short after %d of %d bytes", b.n, b.want), err)
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return r.fail(http.StatusOK, true, "timed out after "+r.c.timeout.String(), err)
	}
	if errors.Is(err, context.Canceled) {
		return r.fail(http.StatusOK, false, "download cancelled", err)
	}
	return r.fail(http.StatusOK, true, "connection broken while reading", redactError(err))
}

// Close ends the download and logs how much was read.
func (b *body) Close() error {
	if b.done {
		return nil
	}
	b.done = true
	err := b.raw.Close()
	b.r.cancel()
	b.r.c.log.Debug("shoptet export closed", "export", b.r.export, "url", b.r.url,
		"bytes", b.n, "elapsed", time.Since(b.r.start), "complete", b.err == io.EOF)
	return err
}
