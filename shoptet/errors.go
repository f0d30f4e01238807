package shoptet

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Error is a failed export download. Export and URL say what was fetched
// (the URL with its hash redacted); Reason says what happened and what the
// user should check, and never contains a hash.
type Error struct {
	Export     string
	URL        string // redacted
	Status     int    // HTTP status; 0 when no answer arrived
	Retryable  bool
	Reason     string
	RetryAfter time.Duration // from a 429 or 503 Retry-After header; 0 when absent
	Err        error
}

// Error prints the export, the status, the reason and the redacted URL.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "shoptet %s export", e.Export)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": status %d", e.Status)
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.URL != "" {
		b.WriteString(" (" + e.URL + ")")
	}
	return b.String()
}

// Unwrap returns the transport or read error behind e, if any.
func (e *Error) Unwrap() error { return e.Err }

// IsRetryable reports whether err is, or wraps, an *Error that a later
// attempt may not hit again (a 5xx, a 429, a timeout, a cut connection).
// Every other error, including a configuration error, is not retryable.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// secretParam matches a query parameter that carries a credential, wherever
// it sits in the string, so that even a URL that does not parse is redacted.
var secretParam = regexp.MustCompile(`(?i)([?&;](?:hash|token|password|accesstoken)=)[^&#\s"']*`)

// RedactURL returns u with every hash (and token or password) replaced by
// REDACTED. It works on strings that are not valid URLs too.
func RedactURL(u string) string {
	out := secretParam.ReplaceAllString(u, "${1}REDACTED")
	if !strings.Contains(out, "@") {
		return out
	}
	if p, err := url.Parse(out); err == nil && p.User != nil {
		p.User = url.User("REDACTED")
		return p.String()
	}
	return out
}

// redactError replaces an error whose text may carry the request URL, such as
// *url.Error, with one that prints the redacted URL.
func redactError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: RedactURL(ue.URL), Err: ue.Err}
	}
	return err
}
