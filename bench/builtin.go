package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/shoptet"
)

// builtinRun is what the built-in integration's behaviour cost on a fresh CRM.
type builtinRun struct {
	calls    map[string]int64
	wall     time.Duration
	contacts int
	rejected int64
	// records are the customer rows and orders read from the exports, one contact each.
	records [2]int
}

// builtinContact is the contact the built-in integration creates for a customer or an order.
type builtinContact struct {
	Name         string              `json:"name"`
	Title        string              `json:"title"`
	LastName     string              `json:"lastname"`
	Database     string              `json:"database"`
	CustomFields map[string][]string `json:"customFields,omitempty"`
}

// runBuiltin replays what Daktela's built-in Shoptet integration does with the same shop:
// one contact per customer (named by GUID) and one per order (named by the order code), each
// created with a POST, nothing read and nothing merged, through as many requests in flight as
// the sync may keep (concurrency × parallel), against a fresh CRM with the same latency and
// rate limit.
func runBuiltin(ctx context.Context, sh *shop.Shop, opts options) (builtinRun, error) {
	const token = "bench-builtin-token"
	srv, err := crm.New(crm.Options{Token: token, Latency: opts.latency,
		RateLimit: opts.rate, Logger: quiet})
	if err != nil {
		return builtinRun{}, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return builtinRun{}, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(l)
	defer hs.Close()

	inFlight := opts.concurrency * opts.parallel
	p := &poster{url: "http://" + l.Addr().String() + "/api/v6/contacts.json", token: token,
		hc: &http.Client{Timeout: time.Minute, Transport: &http.Transport{
			MaxIdleConnsPerHost: inFlight, MaxConnsPerHost: inFlight}}}
	start := time.Now()
	var res builtinRun
	err = p.run(ctx, inFlight, func(out chan<- builtinContact) error {
		var errC, errO error
		res.records[0], errC = customerContacts(sh, out)
		res.records[1], errO = orderContacts(sh, out)
		return errors.Join(errC, errO)
	})
	res.calls, res.wall = srv.Counters(), time.Since(start)
	res.contacts, res.rejected = len(srv.Contacts()), p.rejected.Load()
	return res, err
}

func customerContacts(sh *shop.Shop, out chan<- builtinContact) (int, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(sh.WriteCustomersCSV(pw)) }()
	defer pr.Close()
	dec, err := shoptet.NewCustomerDecoder("csv", pr)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		c, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		var rec *shoptet.RecordError
		if errors.As(err, &rec) {
			continue
		}
		if err != nil {
			return n, err
		}
		title := firstNonEmpty(c.FullName, c.Company, c.GUID)
		out <- builtinContact{Name: c.GUID, Title: title, LastName: lastWord(title),
			Database: "shoptet", CustomFields: fields(firstOf(c.Emails), c.Phone)}
		n++
	}
}

func orderContacts(sh *shop.Shop, out chan<- builtinContact) (int, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(sh.WriteOrdersXML(pw, shop.OrderFilter{})) }()
	defer pr.Close()
	dec := shoptet.NewOrderDecoder(pr)
	n := 0
	for {
		o, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		var rec *shoptet.RecordError
		if errors.As(err, &rec) {
			continue
		}
		if err != nil {
			return n, err
		}
		title := firstNonEmpty(o.Billing.Name, o.Billing.Company, o.Email, o.Code)
		out <- builtinContact{Name: o.Code, Title: title, LastName: lastWord(title),
			Database: "shoptet", CustomFields: fields(o.Email, o.Phone)}
		n++
	}
}

func fields(email, phone string) map[string][]string {
	f := map[string][]string{}
	if email != "" {
		f["email"] = []string{email}
	}
	if phone != "" {
		f["number"] = []string{phone}
	}
	return f
}

func firstOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return s
	}
	return f[len(f)-1]
}

// poster creates contacts with a fixed number of requests in flight. A 429 waits its
// Retry-After and a 5xx retries, as a well-behaved client does; a 400 is counted and
// dropped, as the built-in integration drops what Daktela refuses.
type poster struct {
	url, token string
	hc         *http.Client
	rejected   atomic.Int64
}

func (p *poster) run(ctx context.Context, inFlight int,
	produce func(chan<- builtinContact) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan builtinContact, inFlight*4)
	var wg sync.WaitGroup
	for range inFlight {
		wg.Go(func() {
			for c := range work {
				if err := p.post(ctx, c); err != nil {
					cancel(err)
				}
			}
		})
	}
	err := produce(work)
	close(work)
	wg.Wait()
	return errors.Join(err, context.Cause(ctx))
}

// maxPostAttempts bounds the retries of one contact.
const maxPostAttempts = 20

func (p *poster) post(ctx context.Context, c builtinContact) error {
	if ctx.Err() != nil {
		return nil
	}
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	for range maxPostAttempts {
		wait, done, err := p.try(ctx, body)
		if done || err != nil {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil
		}
	}
	return fmt.Errorf("built-in: contact %q not created after %d attempts", c.Name,
		maxPostAttempts)
}

// try sends one POST; it reports how long to wait before another attempt, or done.
func (p *poster) try(ctx context.Context, body []byte) (time.Duration, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return 0, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-AUTH-TOKEN", p.token)
	resp, err := p.hc.Do(req)
	if err != nil {
		return time.Second, false, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case resp.StatusCode < 300:
		return 0, true, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return time.Duration(max(secs, 1)) * time.Second, false, nil
	case resp.StatusCode >= 500:
		return 200 * time.Millisecond, false, nil
	case resp.StatusCode == http.StatusBadRequest:
		p.rejected.Add(1)
		return 0, true, nil
	}
	return 0, false, fmt.Errorf("built-in: the CRM answered %s", resp.Status)
}
