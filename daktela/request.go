package daktela

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiPrefix is the path of API v6 below the instance URL.
const apiPrefix = "/api/v6/"

// maxDrain bounds how much of an unread body is discarded so the
// connection can be reused.
const maxDrain = 64 << 10

// endpointURL returns <URL>/api/v6/<endpoint>.json with query q.
func (c *Client) endpointURL(endpoint string, q url.Values) *url.URL {
	u := *c.base
	u.Path = c.base.Path + apiPrefix + endpoint + ".json"
	u.RawQuery = q.Encode()
	return &u
}

// recordURL returns <URL>/api/v6/<endpoint>/<name>.json with name escaped
// for a path, and every dot escaped too: Daktela's router would otherwise
// cut the name at the first dot.
func (c *Client) recordURL(endpoint, name string) (*url.URL, error) {
	if name == "" {
		return nil, &OptionError{Option: "Name", Reason: "is required to address a record"}
	}
	u := *c.base
	dir := apiPrefix + endpoint + "/"
	u.Path = c.base.Path + dir + name + ".json"
	u.RawPath = c.base.EscapedPath() + dir + escapeName(name) + ".json"
	return &u, nil
}

func escapeName(name string) string {
	return strings.ReplaceAll(url.PathEscape(name), ".", "%2E")
}

// call sends one request and decodes its answer into out. The per-request
// timeout covers reading the body too, since success bodies are streamed.
func (c *Client) call(ctx context.Context, method string, u *url.URL, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	endpoint := u.EscapedPath()
	req, err := c.newRequest(ctx, method, u, in)
	if err != nil {
		return fmt.Errorf("daktela: %s %s: %w", strings.ToLower(method), endpoint, err)
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.log.DebugContext(ctx, "daktela request failed", "method", method,
			"endpoint", endpoint, "elapsed", time.Since(start), "error", c.scrub(err))
		return fmt.Errorf("daktela: %s %s: %w", strings.ToLower(method), endpoint, c.scrub(err))
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		_ = resp.Body.Close()
	}()

	err = c.decodeAnswer(resp, method, endpoint, out)
	c.log.DebugContext(ctx, "daktela request", "method", method, "endpoint", endpoint,
		"status", resp.StatusCode, "elapsed", time.Since(start))
	return err
}

func (c *Client) newRequest(
	ctx context.Context, method string, u *url.URL, in any,
) (*http.Request, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode body: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-AUTH-TOKEN", c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// scrub drops the *url.Error wrapper, whose text repeats the full URL with
// its query (filter values may be personal data), and redacts the token in
// case a transport echoes it.
func (c *Client) scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if msg := err.Error(); strings.Contains(msg, c.token) {
		return errors.New(c.redactString(msg))
	}
	return err
}
