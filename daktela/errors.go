package daktela

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

var (
	errForeignRedirect  = errors.New("redirect to another host refused")
	errTooManyRedirects = errors.New("too many redirects")
)

// ErrNoSampleContact is returned by ContactFields when the CRM holds no
// contact whose field scheme could be read.
var ErrNoSampleContact = errors.New("daktela: no contact to read the field scheme from")

// Kind classifies an API error by what a caller should do about it.
type Kind int

// The kinds of API errors.
const (
	KindOther      Kind = iota // anything else; not retried
	KindThrottled              // 429: retry after RetryAfter
	KindServer                 // 5xx: retry with backoff
	KindValidation             // 400, 422 or an error in a 2xx answer: the record is rejected
	KindAuth                   // 401, 403: the token or its rights are wrong
	KindNotFound               // 404
)

// String returns the kind in lowercase words.
func (k Kind) String() string {
	switch k {
	case KindThrottled:
		return "throttled"
	case KindServer:
		return "server error"
	case KindValidation:
		return "validation"
	case KindAuth:
		return "auth"
	case KindNotFound:
		return "not found"
	default:
		return "other"
	}
}

// kindOf classifies an HTTP status. A 2xx status reaches here only when the
// envelope carried an error: whatever its shape, Daktela did not do what was
// asked, and repeating the same request would meet the same answer, so the
// record is rejected with the messages rather than retried.
func kindOf(status int) Kind {
	switch {
	case status == http.StatusTooManyRequests:
		return KindThrottled
	case status >= 500:
		return KindServer
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return KindValidation
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return KindAuth
	case status == http.StatusNotFound:
		return KindNotFound
	case status >= 200 && status < 300:
		return KindValidation
	default:
		return KindOther
	}
}

// Error is an error answer of the Daktela API.
type Error struct {
	Method   string // HTTP method
	Endpoint string // escaped path without host or query; never holds the token
	Status   int
	Kind     Kind
	// Messages holds primary, string and array messages verbatim.
	Messages []string
	// Fields maps a form field ("lastname", "customFields.email") to its
	// messages verbatim.
	Fields     map[string][]string
	RetryAfter time.Duration // from the Retry-After header; zero when absent
}

// Error returns a lowercase summary followed by the API's messages verbatim.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("daktela: ")
	b.WriteString(strings.ToLower(e.Method))
	b.WriteString(" ")
	b.WriteString(e.Endpoint)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.Status))
	b.WriteString(" ")
	b.WriteString(e.Kind.String())

	parts := append([]string(nil), e.Messages...)
	for _, f := range sortedKeys(e.Fields) {
		parts = append(parts, f+": "+strings.Join(e.Fields[f], ", "))
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, "; "))
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	return b.String()
}

// Retryable reports whether repeating the same call may succeed: the API was
// throttled or failed on its side.
func (e *Error) Retryable() bool {
	return e.Kind == KindThrottled || e.Kind == KindServer
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsNotFound reports whether err is an API answer saying the record does not
// exist.
func IsNotFound(err error) bool {
	e, ok := AsError(err)
	return ok && e.Kind == KindNotFound
}

// parseRetryAfter reads a Retry-After value given as seconds or as an HTTP
// date. Unparseable or past values give zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return max(t.Sub(now), 0)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
