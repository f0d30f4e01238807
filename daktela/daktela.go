// Package daktela is a client for the Daktela contact-centre REST API v6.
//
// A Client is built once from validated Options and is safe for concurrent
// use. Every call takes a context first, sends the API token only in the
// X-AUTH-TOKEN header and turns every answer into either a typed record or
// an *Error that callers match with AsError or IsNotFound.
package daktela

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// defaultUserAgent identifies the client when Options.UserAgent is empty.
const defaultUserAgent = "shoptet-daktela-sync"

// Options configures a Client. URL, Token and Timeout are required.
type Options struct {
	URL        string        // instance base, e.g. https://acme.daktela.com
	Token      string        // secret, sent only as the X-AUTH-TOKEN header
	Timeout    time.Duration // per request, > 0
	HTTPClient *http.Client  // optional; its CheckRedirect is replaced
	Logger     *slog.Logger  // optional; debug line per request, never the token
	UserAgent  string        // optional
}

// OptionError reports an invalid option, naming it.
type OptionError struct {
	Option string // e.g. "URL", "Timeout", "ListOptions.Filters[0].Operator"
	Reason string
}

// Error returns the option name and why it was rejected.
func (e *OptionError) Error() string {
	return "daktela: option " + e.Option + ": " + e.Reason
}

// Client talks to one Daktela instance.
type Client struct {
	base      *url.URL
	token     string
	timeout   time.Duration
	http      *http.Client
	log       *slog.Logger
	userAgent string
	now       func() time.Time
}

// New validates opts and returns a Client.
func New(opts Options) (*Client, error) {
	base, err := parseBaseURL(opts.URL)
	if err != nil {
		return nil, err
	}
	if err := checkToken(opts.Token); err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		return nil, &OptionError{Option: "Timeout", Reason: "must be greater than zero"}
	}

	c := &Client{
		base:      base,
		token:     opts.Token,
		timeout:   opts.Timeout,
		http:      httpClient(opts.HTTPClient, base.Host),
		log:       opts.Logger,
		userAgent: opts.UserAgent,
		now:       time.Now,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}
	return c, nil
}

// parseBaseURL accepts https, or plain http only for a loopback host, so the
// token never crosses a network in clear text.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, &OptionError{Option: "URL", Reason: "is required"}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, &OptionError{Option: "URL", Reason: "must be an absolute url"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, &OptionError{Option: "URL",
			Reason: "must not hold credentials, query or fragment"}
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return nil, &OptionError{Option: "URL", Reason: "must use https (http only for localhost)"}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkToken(token string) error {
	if token == "" {
		return &OptionError{Option: "Token", Reason: "is required"}
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return &OptionError{Option: "Token", Reason: "must not contain whitespace"}
	}
	return nil
}

// httpClient copies hc so the caller's client is left untouched, and refuses
// redirects to another host: net/http would forward the custom X-AUTH-TOKEN
// header there.
func httpClient(hc *http.Client, host string) *http.Client {
	c := &http.Client{}
	if hc != nil {
		*c = *hc
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != host {
			return errForeignRedirect
		}
		if len(via) >= 10 {
			return errTooManyRedirects
		}
		return nil
	}
	return c
}
