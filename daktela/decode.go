package daktela

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxErrorBody caps how much of an error answer is read: enough for any
// form message, small enough that a misbehaving proxy cannot exhaust memory.
const maxErrorBody = 1 << 20

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeAnswer is the one place that turns an HTTP answer into out or an
// *Error. Success bodies are decoded as they stream in; error bodies are
// read up to maxErrorBody.
func (c *Client) decodeAnswer(resp *http.Response, method, endpoint string, out any) error {
	e := &Error{Method: method, Endpoint: endpoint, Status: resp.StatusCode}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		apiErr, _ := decodeEnvelope(bytes.NewReader(body), nil)
		e.Messages, e.Fields = parseAPIError(apiErr)
		e.Kind = kindOf(resp.StatusCode)
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
		return c.redact(e)
	}

	apiErr, err := decodeEnvelope(resp.Body, out)
	if err != nil {
		return fmt.Errorf("daktela: %s %s: decode answer: %w",
			strings.ToLower(method), endpoint, c.scrub(err))
	}
	if !emptyError(apiErr) {
		e.Messages, e.Fields = parseAPIError(apiErr)
		e.Kind = kindOf(resp.StatusCode)
		return c.redact(e)
	}
	return nil
}

// redact removes the token from messages and field names, in case a server
// echoes it.
func (c *Client) redact(e *Error) *Error {
	for i, m := range e.Messages {
		e.Messages[i] = c.redactString(m)
	}
	if e.Fields == nil {
		return e
	}
	fields := make(map[string][]string, len(e.Fields))
	for k, msgs := range e.Fields {
		for i, m := range msgs {
			msgs[i] = c.redactString(m)
		}
		fields[c.redactString(k)] = msgs
	}
	e.Fields = fields
	return e
}

func (c *Client) redactString(s string) string {
	return strings.ReplaceAll(s, c.token, "[redacted]")
}

// decodeEnvelope walks {"error":..., "result":..., "_time":...} and decodes
// result into out (skipped when out is nil). It returns the raw error member
// and stops reading once that member reports a failure.
func decodeEnvelope(r io.Reader, out any) (json.RawMessage, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	dec := json.NewDecoder(br)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}

	var apiErr json.RawMessage
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return apiErr, err
		}
		err = decodeMember(dec, key, &apiErr, out)
		if err != nil {
			return apiErr, err
		}
		if !emptyError(apiErr) {
			return apiErr, nil
		}
	}
	return apiErr, nil
}

func decodeMember(dec *json.Decoder, key json.Token, apiErr *json.RawMessage, out any) error {
	switch {
	case key == "error":
		return dec.Decode(apiErr)
	case key == "result" && out != nil:
		if err := dec.Decode(out); err != nil {
			return fmt.Errorf("result: %w", err)
		}
		return nil
	default:
		var skip json.RawMessage
		return dec.Decode(&skip)
	}
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, got %v", want, tok)
	}
	return nil
}

// emptyError reports whether an error member means success: absent, null,
// false, "", [] or {}.
func emptyError(raw json.RawMessage) bool {
	switch string(bytes.TrimSpace(raw)) {
	case "", "null", "false", `""`, "[]", "{}":
		return true
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	switch v := v.(type) {
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// parseAPIError reads every known shape of the error member: a string, an
// array of strings, or {"primary": [...], "form": {field: msg | [msg] |
// {key: [msg]}}}. Messages are kept verbatim.
func parseAPIError(raw json.RawMessage) ([]string, map[string][]string) {
	if emptyError(raw) {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []string{string(bytes.TrimSpace(raw))}, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return flatten(v), nil
	}

	var msgs []string
	fields := map[string][]string{}
	for _, k := range sortedKeys(obj) {
		switch k {
		case "form":
			formFields(obj[k], "", fields)
		default:
			msgs = append(msgs, flatten(obj[k])...)
		}
	}
	if len(fields) == 0 {
		fields = nil
	}
	return msgs, fields
}

// formFields collects form messages; nested objects such as customFields
// become dotted keys ("customFields.email").
func formFields(v any, prefix string, into map[string][]string) {
	obj, ok := v.(map[string]any)
	if !ok {
		if msgs := flatten(v); len(msgs) > 0 {
			key := strings.TrimSuffix(prefix, ".")
			if key == "" {
				key = "form"
			}
			into[key] = append(into[key], msgs...)
		}
		return
	}
	for k, sub := range obj {
		formFields(sub, prefix+k+".", into)
	}
}

// flatten turns a message, or any nesting of arrays of them, into strings.
func flatten(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case []any:
		var out []string
		for _, item := range v {
			out = append(out, flatten(item)...)
		}
		return out
	default:
		b, _ := json.Marshal(v)
		return []string{string(b)}
	}
}

// refName reads a reference that writes send as a name and reads may return
// as the embedded object: null, "name" or {"name": ...}.
func refName(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '{' {
		var obj struct {
			Name json.RawMessage `json:"name"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return "", err
		}
		return scalarString(obj.Name)
	}
	return scalarString(raw)
}

// scalarString reads a string, number or null as text.
func scalarString(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		if s, ok := plainString(raw); ok {
			return s, nil
		}
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("want a string or number, got %.40s", raw)
	}
	return n.String(), nil
}

// plainString returns a quoted JSON string without escapes or non-ASCII
// bytes as is, sparing the reflective decoder on the hot path.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c < 0x20 || c == '\\' || c == '"' || c >= 0x80 {
			return "", false
		}
	}
	return string(body), true
}

// pragueTimeLayout is how Daktela writes every time, in Europe/Prague.
const pragueTimeLayout = "2006-01-02 15:04:05"

var errBadTime = errors.New("bad time")

// parsePragueTime reads a Daktela time; empty and all-zero values give the
// zero time.
func parsePragueTime(raw json.RawMessage) (time.Time, error) {
	s, err := scalarString(raw)
	if err != nil {
		return time.Time{}, err
	}
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(pragueTimeLayout, s, prague)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w %q", errBadTime, s)
	}
	return t, nil
}
