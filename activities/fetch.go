package activities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/shoptet"
	"github.com/shopsync/shoptet-daktela/store"
)

// stageBatch is how many records go into the store per transaction.
const stageBatch = 2000

// feedOverlap is how far back an updateTimeFrom query reaches before the last fetch, since
// the time zone of Shoptet's filter is undocumented; duplicates collapse by ORDER_ID.
const feedOverlap = 2 * time.Hour

// maxFeedBytes caps a feed download kept in the store.
const maxFeedBytes = 1 << 30

// Rejected is a record that could not be read or written, kept for the report.
type Rejected struct {
	Source   string `json:"source"`
	Record   string `json:"record"`
	Position string `json:"position"`
	Reason   string `json:"reason"`
}

// FetchCustomers downloads the customer export into the shop mirror.
func (a *Activities) FetchCustomers(ctx context.Context, run Run) (Fetched, error) {
	ctx, stop := keepAlive(ctx)
	defer stop()
	c, err := a.conn(run.Profile)
	if err != nil {
		return Fetched{}, err
	}
	log := a.log(ctx, run)
	dl, err := c.Shop.Customers(ctx)
	if err != nil {
		return Fetched{}, classify(err)
	}
	defer dl.Close()
	dec, err := shoptet.NewCustomerDecoder(c.Customers, dl)
	if err != nil {
		return Fetched{}, contentError(classify(err))
	}
	st := newStager(a.Store, c.Key(), run, "shoptet customers")
	cc, now := c.Mapping.CountryCode, time.Now()
	err = st.drain(ctx, func() error {
		cu, err := dec.Next()
		if err == nil {
			st.customers = append(st.customers, customerRow(cu, cc, now))
		}
		return err
	})
	if err != nil {
		return Fetched{}, contentError(err)
	}
	log.Info("customers fetched", "customers", st.records, "rejected", st.rejected)
	return Fetched{Records: st.records, Rejected: st.rejected}, nil
}

// FetchOrders downloads the complete order export into the shop mirror, unless the last
// complete export is younger than MinFullInterval: Shoptet allows one per 15 minutes, and
// the mirror already holds it. An export that Shoptet began to send counts against the
// interval even when its transfer failed, so the retry of a failed download waits for the
// interval to pass instead of asking again at once.
func (a *Activities) FetchOrders(ctx context.Context, run Run) (Fetched, error) {
	ctx, stop := keepAlive(ctx)
	defer stop()
	c, err := a.conn(run.Profile)
	if err != nil {
		return Fetched{}, err
	}
	key := c.Key()
	done, _ := a.lastFetch(ctx, key, watermarkFullOrders)
	if age := time.Since(done); age < a.MinFullInterval {
		note := fmt.Sprintf("orders: the complete export fetched %s ago was reused "+
			"(Shoptet allows one complete export per %s)", age.Round(time.Second), a.MinFullInterval)
		a.log(ctx, run).Info("orders export reused", "age", age.Round(time.Second))
		return Fetched{Note: note}, nil
	}
	if err := a.fullExportAllowed(ctx, run, key, done); err != nil {
		return Fetched{}, err
	}
	started := time.Now()
	dl, err := c.Shop.Orders(ctx, shoptet.OrdersQuery{})
	if err != nil {
		return Fetched{}, classify(err)
	}
	defer dl.Close()
	if err := a.setFetch(ctx, key, watermarkFullOrdersBegun, started); err != nil {
		return Fetched{}, err
	}
	f, err := a.stageOrders(ctx, run, c, dl, "shoptet orders")
	if err != nil {
		return Fetched{}, contentError(err)
	}
	if err := a.setFetch(ctx, key, watermarkFullOrders, started); err != nil {
		return Fetched{}, err
	}
	a.log(ctx, run).Info("orders fetched", "orders", f.Records, "rejected", f.Rejected)
	return f, nil
}

// contentError makes a parse fault of a complete export final: the same export fails the
// same way on every download, and each retry of the orders would first wait out Shoptet's
// interval. An export that was cut short is a broken transfer and stays retryable.
func contentError(err error) error {
	var pe *shoptet.ParseError
	if !errors.As(err, &pe) || pe.CutShort() {
		return err
	}
	return configError(fmt.Errorf("%w: check that the link is the %s export and, for "+
		"orders, that its template is Shoptet's XML format", err, pe.Export))
}

// fullExportAllowed returns a retryable error that sets the next attempt at the end of the
// interval when a complete export began less than MinFullInterval ago and did not finish.
func (a *Activities) fullExportAllowed(ctx context.Context, run Run, key string, done time.Time) error {
	begun, ok := a.lastFetch(ctx, key, watermarkFullOrdersBegun)
	if !ok || !begun.After(done) {
		return nil
	}
	wait := a.MinFullInterval - time.Since(begun)
	if wait <= 0 {
		return nil
	}
	wait = wait.Round(time.Second) + time.Second
	a.log(ctx, run).Info("orders export waits for shoptet's interval", "wait", wait)
	msg := fmt.Sprintf("orders: a complete export began %s ago and did not finish; Shoptet "+
		"allows one per %s, so the next attempt waits %s", time.Since(begun).Round(time.Second),
		a.MinFullInterval, wait)
	return temporal.NewApplicationErrorWithOptions(msg, ErrTooSoon,
		temporal.ApplicationErrorOptions{NextRetryDelay: wait})
}

// FetchFeed reads the orders created or changed since the last fetch. With a feed hash it
// downloads the "only new or updated" feed, whose download moves Shoptet's marker: the raw
// bytes are stored before they are parsed, and a retry parses the stored copy instead of
// downloading again. When an earlier feed download (of this run or of one that failed) began
// and its fetch never finished, the marker may have moved past orders that were never read,
// so the orders changed since the last finished fetch are read as well, through the order
// export's updateTimeFrom form. Without a feed hash only that form is used.
func (a *Activities) FetchFeed(ctx context.Context, run Run) (Fetched, error) {
	ctx, stop := keepAlive(ctx)
	defer stop()
	c, err := a.conn(run.Profile)
	if err != nil {
		return Fetched{}, err
	}
	key := c.Key()
	started := time.Now()
	if !c.HasFeed {
		f, err := a.updatedSince(ctx, run, c, key)
		if err != nil {
			return Fetched{}, err
		}
		f.Note = "orders: no feed hash configured, read the orders updated since the last fetch"
		return a.fetchedFeed(ctx, run, key, started, f)
	}
	done, _ := a.lastFetch(ctx, key, watermarkFeed)
	begun, _ := a.lastFetch(ctx, key, watermarkFeedBegun)
	lost := begun.After(done)
	raw, err := a.feedBytes(ctx, run, c, key, started)
	if err != nil {
		return Fetched{}, err
	}
	f, err := a.stageOrders(ctx, run, c, bytes.NewReader(raw), "shoptet feed")
	if err != nil {
		var pe *shoptet.ParseError
		if errors.As(err, &pe) {
			// A copy that is not well-formed XML (a transfer that ended early without an
			// error) would fail every retry the same way: the next attempt downloads anew and,
			// since this fetch did not finish, also reads what changed since the last one.
			if derr := a.Store.DeleteBlob(ctx, feedBlob(run)); derr != nil {
				return Fetched{}, derr
			}
		}
		return Fetched{}, err
	}
	if lost {
		// After the feed, so that these newer copies of an order are the ones kept.
		caught, err := a.updatedSince(ctx, run, c, key)
		if err != nil {
			return Fetched{}, err
		}
		f.Records += caught.Records
		f.Rejected += caught.Rejected
		f.Note = fmt.Sprintf("orders: an earlier feed download did not finish, %d orders "+
			"changed since the last finished fetch were re-read with updateTimeFrom", caught.Records)
	}
	return a.fetchedFeed(ctx, run, key, started, f)
}

// feedKeep is how long raw feed downloads stay in the store after a finished fetch, for
// looking into what Shoptet sent.
const feedKeep = 7 * 24 * time.Hour

// fetchedFeed moves the feed watermark after a successful fetch and drops old raw copies.
func (a *Activities) fetchedFeed(ctx context.Context, run Run, key string, started time.Time, f Fetched) (Fetched, error) {
	if err := a.setFetch(ctx, key, watermarkFeed, started); err != nil {
		return Fetched{}, err
	}
	if _, err := a.Store.DeleteBlobsBefore(ctx, feedBlobPrefix, started.Add(-feedKeep)); err != nil {
		a.log(ctx, run).Warn("old feed downloads not removed", "error", err)
	}
	a.log(ctx, run).Info("feed fetched", "orders", f.Records, "rejected", f.Rejected)
	return f, nil
}

// updatedSince reads the orders created or changed since the last feed or full fetch, with an
// overlap, through the order export's updateTimeFrom form, which Shoptet allows at any rate.
func (a *Activities) updatedSince(ctx context.Context, run Run, c *Conn, key string) (Fetched, error) {
	since, _ := a.lastFetch(ctx, key, watermarkFeed)
	if full, ok := a.lastFetch(ctx, key, watermarkFullOrders); ok && full.After(since) {
		since = full
	}
	dl, err := c.Shop.Orders(ctx, shoptet.OrdersQuery{UpdateTimeFrom: since.Add(-feedOverlap)})
	if err != nil {
		return Fetched{}, classify(err)
	}
	defer dl.Close()
	return a.stageOrders(ctx, run, c, dl, "shoptet orders updated")
}

const feedBlobPrefix = "feed/"

func feedBlob(run Run) string { return feedBlobPrefix + run.ID }

// feedBytes returns the run's feed download: the stored copy when an earlier attempt kept
// one, else a new download, stored before anything parses it.
func (a *Activities) feedBytes(ctx context.Context, run Run, c *Conn, key string, started time.Time) ([]byte, error) {
	raw, err := a.Store.Blob(ctx, feedBlob(run))
	if err == nil {
		a.log(ctx, run).Info("feed re-read from the stored download", "bytes", len(raw))
		return raw, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// Recorded before the request: whether a failed download moves Shoptet's marker is not
	// known, so any download that began counts as one that may have. It is the fetch's start,
	// the value the finished fetch records, so that only an unfinished one stands out.
	if err := a.setFetch(ctx, key, watermarkFeedBegun, started); err != nil {
		return nil, err
	}
	dl, err := c.Shop.Feed(ctx)
	if err != nil {
		return nil, classify(err)
	}
	defer dl.Close()
	raw, err = io.ReadAll(io.LimitReader(dl, maxFeedBytes+1))
	if err != nil {
		return nil, classify(err)
	}
	if len(raw) > maxFeedBytes {
		return nil, configError(fmt.Errorf("orders feed: the download is larger than %d MiB; "+
			"run a full sync, which reads the order export as a stream", maxFeedBytes>>20))
	}
	if err := a.Store.PutBlob(ctx, feedBlob(run), raw); err != nil {
		return nil, fmt.Errorf("keep the feed download: %w", err)
	}
	// Read back what was stored: if an earlier attempt stored a copy first, that one wins.
	return a.Store.Blob(ctx, feedBlob(run))
}

func (a *Activities) setFetch(ctx context.Context, key, name string, t time.Time) error {
	return a.Store.SetWatermark(ctx, key, name, t.UTC().Format(time.RFC3339Nano))
}

func (a *Activities) lastFetch(ctx context.Context, shop, name string) (time.Time, bool) {
	v, ok, err := a.Store.Watermark(ctx, shop, name)
	if err != nil || !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

func (a *Activities) stageOrders(ctx context.Context, run Run, c *Conn, r io.Reader, source string) (Fetched, error) {
	dec := shoptet.NewOrderDecoder(r)
	st := newStager(a.Store, c.Key(), run, source)
	cc, now := c.Mapping.CountryCode, time.Now()
	err := st.drain(ctx, func() error {
		o, err := dec.Next()
		if err == nil {
			st.orders = append(st.orders, orderRow(o, cc, now))
		}
		return err
	})
	if err != nil {
		return Fetched{}, err
	}
	return Fetched{Records: st.records, Rejected: st.rejected}, nil
}

// stager batches decoded records into the store and keeps rejected ones for the report.
type stager struct {
	store     *store.Store
	shop      string
	run       Run
	source    string
	orders    []store.Order
	customers []store.Customer
	rejects   []any
	records   int
	rejected  int
}

func newStager(s *store.Store, shop string, run Run, source string) *stager {
	return &stager{store: s, shop: shop, run: run, source: source}
}

// rejectedKind is the note kind of a source's rejected records; each source has its own so
// that a retried fetch replaces its list instead of adding to it.
func rejectedKind(source string) string { return store.NoteRejected + "/" + source }

// drain drives a decoder to its end: next decodes one record and appends it to the stager.
// Malformed records are kept for the report and skipped; any other error ends the run.
func (s *stager) drain(ctx context.Context, next func() error) error {
	if err := s.store.ClearNotes(ctx, s.run.ID, rejectedKind(s.source)); err != nil {
		return err
	}
	for {
		err := next()
		switch {
		case errors.Is(err, io.EOF):
			return s.flush(ctx)
		case err != nil && s.reject(err):
			continue
		case err != nil:
			return classify(err)
		}
		if err := s.flushIfFull(ctx); err != nil {
			return err
		}
	}
}

// reject keeps a malformed record for the report and reports whether err was one.
func (s *stager) reject(err error) bool {
	var re *shoptet.RecordError
	if !errors.As(err, &re) {
		return false
	}
	s.rejected++
	s.rejects = append(s.rejects, Rejected{Source: s.source, Record: re.Record,
		Position: fmt.Sprintf("line %d", re.Line), Reason: re.Err.Error()})
	return true
}

func (s *stager) flushIfFull(ctx context.Context) error {
	if len(s.orders)+len(s.customers) < stageBatch {
		return nil
	}
	return s.flush(ctx)
}

func (s *stager) flush(ctx context.Context) error {
	if len(s.orders) > 0 {
		if err := s.store.PutOrders(ctx, s.shop, s.orders); err != nil {
			return err
		}
	}
	if len(s.customers) > 0 {
		if err := s.store.PutCustomers(ctx, s.shop, s.customers); err != nil {
			return err
		}
	}
	if err := s.store.AddNotes(ctx, s.run.ID, rejectedKind(s.source), s.rejects); err != nil {
		return err
	}
	s.records += len(s.orders) + len(s.customers)
	heartbeat(ctx, s.records)
	s.orders, s.customers, s.rejects = s.orders[:0], s.customers[:0], s.rejects[:0]
	return nil
}

func orderRow(o *shoptet.Order, countryCode string, now time.Time) store.Order {
	phone, _ := mapping.NormalizePhone(o.Phone, countryCode)
	b := o.Billing
	return store.Order{
		ID: o.ID, Code: o.Code, Date: o.Date,
		Email: mapping.NormalizeEmail(o.Email), Phone: phone,
		Name: strings.TrimSpace(b.Name), Company: strings.TrimSpace(b.Company),
		Street: strings.TrimSpace(b.Street + " " + b.HouseNumber), City: b.City, Zip: b.Zip,
		Country: firstNonEmpty(b.CountryCode, b.Country),
		Total:   o.TotalWithVAT, Currency: o.Currency, Status: o.Status, Updated: now,
	}
}

func customerRow(c *shoptet.Customer, countryCode string, now time.Time) store.Customer {
	phone, _ := mapping.NormalizePhone(c.Phone, countryCode)
	var emails []string
	for _, e := range c.Emails {
		if n := mapping.NormalizeEmail(e); n != "" {
			emails = append(emails, n)
		}
	}
	b := c.Billing
	return store.Customer{
		GUID: c.GUID, Emails: emails, Phone: phone,
		Name: strings.TrimSpace(firstNonEmpty(c.FullName, b.Name)), Company: c.Company,
		Street: strings.TrimSpace(b.Street + " " + b.HouseNumber), City: b.City, Zip: b.Zip,
		Country: firstNonEmpty(b.CountryCode, b.Country), Registered: c.RegistrationDate,
		Extra: c.Extra, Updated: now,
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
