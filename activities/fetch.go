package activities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

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
		return Fetched{}, classify(err)
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
		return Fetched{}, err
	}
	log.Info("customers fetched", "customers", st.records, "rejected", st.rejected)
	return Fetched{Records: st.records, Rejected: st.rejected}, nil
}

// FetchOrders downloads the complete order export into the shop mirror, unless the last
// complete export is younger than MinFullInterval: Shoptet allows one per 15 minutes, and
// the mirror already holds it.
func (a *Activities) FetchOrders(ctx context.Context, run Run) (Fetched, error) {
	c, err := a.conn(run.Profile)
	if err != nil {
		return Fetched{}, err
	}
	key := c.Key()
	if last, ok := a.lastFetch(ctx, key, watermarkFullOrders); ok && time.Since(last) < a.MinFullInterval {
		note := fmt.Sprintf("orders: the complete export fetched %s ago was reused "+
			"(Shoptet allows one complete export per %s)", time.Since(last).Round(time.Second),
			a.MinFullInterval)
		a.log(ctx, run).Info("orders export reused", "age", time.Since(last).Round(time.Second))
		return Fetched{Note: note}, nil
	}
	started := time.Now()
	dl, err := c.Shop.Orders(ctx, shoptet.OrdersQuery{})
	if err != nil {
		return Fetched{}, classify(err)
	}
	defer dl.Close()
	f, err := a.stageOrders(ctx, run, c, dl, "shoptet orders")
	if err != nil {
		return Fetched{}, err
	}
	if err := a.Store.SetWatermark(ctx, key, watermarkFullOrders, started.UTC().Format(time.RFC3339)); err != nil {
		return Fetched{}, err
	}
	a.log(ctx, run).Info("orders fetched", "orders", f.Records, "rejected", f.Rejected)
	return f, nil
}

// FetchFeed reads the orders created or changed since the last fetch. With a feed hash it
// downloads the "only new or updated" feed, whose download moves Shoptet's marker: the raw
// bytes are stored before they are parsed, and a retry parses the stored copy instead of
// downloading again. Without one it asks the order export for updateTimeFrom with an overlap.
func (a *Activities) FetchFeed(ctx context.Context, run Run) (Fetched, error) {
	c, err := a.conn(run.Profile)
	if err != nil {
		return Fetched{}, err
	}
	key := c.Key()
	started := time.Now()
	var body io.Reader
	var note string
	var reconciled Fetched
	if c.HasFeed {
		raw, fresh, err := a.feedBytes(ctx, run, c)
		if err != nil {
			return Fetched{}, err
		}
		body = bytes.NewReader(raw)
		if fresh && retried(ctx) {
			// An earlier attempt may have moved Shoptet's feed marker and lost the download
			// before it was stored: read what changed since the last good fetch as well.
			if reconciled, err = a.updatedSince(ctx, run, c, key); err != nil {
				return Fetched{}, err
			}
			note = fmt.Sprintf("orders: a feed download was lost, %d orders re-read with "+
				"updateTimeFrom", reconciled.Records)
		}
	} else {
		f, err := a.updatedSince(ctx, run, c, key)
		if err != nil {
			return Fetched{}, err
		}
		f.Note = "orders: no feed hash configured, read the orders updated since the last fetch"
		return a.fetchedFeed(ctx, run, key, started, f)
	}
	f, err := a.stageOrders(ctx, run, c, body, "shoptet feed")
	if err != nil {
		return Fetched{}, err
	}
	f.Records += reconciled.Records
	f.Rejected += reconciled.Rejected
	f.Note = note
	return a.fetchedFeed(ctx, run, key, started, f)
}

// fetchedFeed moves the feed watermark after a successful fetch.
func (a *Activities) fetchedFeed(ctx context.Context, run Run, key string, started time.Time, f Fetched) (Fetched, error) {
	if err := a.Store.SetWatermark(ctx, key, watermarkFeed, started.UTC().Format(time.RFC3339)); err != nil {
		return Fetched{}, err
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

func retried(ctx context.Context) bool {
	return activity.IsActivity(ctx) && activity.GetInfo(ctx).Attempt > 1
}

// feedBytes returns the run's feed download: the stored copy when an earlier attempt kept
// one, else a new download, stored before anything parses it. fresh tells which.
func (a *Activities) feedBytes(ctx context.Context, run Run, c *Conn) (raw []byte, fresh bool, err error) {
	blobKey := "feed/" + run.ID
	raw, err = a.Store.Blob(ctx, blobKey)
	if err == nil {
		a.log(ctx, run).Info("feed re-read from the stored download", "bytes", len(raw))
		return raw, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	dl, err := c.Shop.Feed(ctx)
	if err != nil {
		return nil, false, classify(err)
	}
	defer dl.Close()
	raw, err = io.ReadAll(io.LimitReader(dl, maxFeedBytes))
	if err != nil {
		return nil, false, classify(err)
	}
	if err := a.Store.PutBlob(ctx, blobKey, raw); err != nil {
		return nil, false, fmt.Errorf("keep the feed download: %w", err)
	}
	// Read back what was stored: if an earlier attempt stored a copy first, that one wins.
	raw, err = a.Store.Blob(ctx, blobKey)
	return raw, true, err
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
