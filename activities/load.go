package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/store"
)

// Load writes a batch of staged persons into Daktela. A person whose rendered fields match
// what the sync last wrote costs no call at all; otherwise the contact is read by its
// deterministic name and created, or updated only where its content changed, keeping what
// agents added. Persons already handled by an earlier attempt of the batch are skipped, so a
// retry after a crash neither duplicates a contact nor reports it twice.
func (a *Activities) Load(ctx context.Context, b Batch) (Loaded, error) {
	ctx, stop := keepAlive(ctx)
	defer stop()
	c, err := a.conn(b.Run.Profile)
	if err != nil {
		return Loaded{}, err
	}
	l := &loader{a: a, c: c, run: b.Run, shop: c.Key(),
		lim: daktela.NewLimiter(c.Concurrency)}
	var persons []store.Person
	err = a.Store.ScanPersons(ctx, b.Run.ID, b.From, b.To, func(p *store.Person) error {
		persons = append(persons, *p)
		return nil
	})
	if err != nil {
		return Loaded{}, err
	}
	names := make([]string, len(persons))
	for i, p := range persons {
		names[i] = p.Contact
	}
	if l.written, err = a.Store.WrittenContacts(ctx, l.shop, names); err != nil {
		return Loaded{}, err
	}
	if l.records, err = a.existingRecords(ctx, c, l.shop, persons); err != nil {
		return Loaded{}, err
	}
	out, err := l.all(ctx, persons)
	a.log(ctx, b.Run).Info("batch loaded", "from", b.From, "to", b.To, "created", out.Created,
		"updated", out.Updated, "unchanged", out.Unchanged, "rejected", out.Rejected,
		"throttled", l.throttled, "deferred", l.deferred)
	if err == nil && l.deferred > 0 {
		// The retry policy owns retries: the batch fails, and its next attempt handles only
		// the persons that failed, since the others have their outcome recorded.
		err = fmt.Errorf("%d of %d persons met transient Daktela errors (last: %v); "+
			"the retry handles them", l.deferred, len(persons), l.lastTransient)
	}
	return out, classify(err)
}

type loader struct {
	a         *Activities
	c         *Conn
	run       Run
	shop      string
	lim       *daktela.Limiter
	written   map[string]store.Written
	mu        sync.Mutex
	out       Loaded
	throttled int
	done      int
	// deferred counts persons left for the next attempt after a transient error.
	deferred      int
	lastTransient error
	pending       []store.Outcome
	records       map[string]string // order id -> CRM record, when records are made
}

// existingRecords reads which orders of a batch have their CRM record already.
func (a *Activities) existingRecords(ctx context.Context, c *Conn, shop string, persons []store.Person) (map[string]string, error) {
	if c.Mapping.OrderRecords == nil {
		return nil, nil
	}
	var ids []string
	for _, p := range persons {
		var st staged
		if err := json.Unmarshal([]byte(p.Data), &st); err != nil {
			return nil, err
		}
		for _, o := range st.Orders {
			ids = append(ids, o.ID)
		}
	}
	return a.Store.OrderRecords(ctx, shop, ids)
}

// all runs the persons through Concurrency workers; the limiter bounds the requests in
// flight and shrinks them when Daktela throttles.
func (l *loader) all(ctx context.Context, persons []store.Person) (Loaded, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *store.Person)
	var wg sync.WaitGroup
	for range l.c.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if err := l.one(ctx, p); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for i := range persons {
		select {
		case work <- &persons[i]:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	// What finished is kept even when the batch failed, so that the retry skips it.
	ferr := l.record(context.WithoutCancel(ctx), nil, true)
	return l.out, errors.Join(context.Cause(ctx), ferr)
}

func (l *loader) one(ctx context.Context, p *store.Person) error {
	if p.Action != "" {
		l.count(ctx, p.Action)
		return nil
	}
	var st staged
	if err := json.Unmarshal([]byte(p.Data), &st); err != nil {
		return err
	}
	o, err := l.write(ctx, p, st.Fields, st.New)
	if err == nil {
		o.Idx, o.Contact = p.Idx, p.Contact
		err = l.orderRecords(ctx, p, st, o)
	}
	if transient(err) && ctx.Err() == nil {
		l.mu.Lock()
		l.deferred++
		l.lastTransient = err
		l.mu.Unlock()
		return nil
	}
	if err != nil {
		return err
	}
	l.count(ctx, o.Action)
	return l.record(ctx, o, false)
}

// record keeps an outcome and writes the kept ones to the store every outcomeBatch, in one
// transaction. An outcome lost to a crash before it was written only costs a read on the
// retry: the contact is found by its name and left as it is.
func (l *loader) record(ctx context.Context, o *store.Outcome, flush bool) error {
	l.mu.Lock()
	if o != nil {
		l.pending = append(l.pending, *o)
	}
	if !flush && len(l.pending) < outcomeBatch {
		l.mu.Unlock()
		return nil
	}
	batch := l.pending
	l.pending = nil
	l.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	return l.a.Store.RecordOutcomes(ctx, l.run.ID, l.shop, batch)
}

// outcomeBatch is how many outcomes are written to the store at once.
const outcomeBatch = 100

// write creates, updates or leaves the person's contact. A person new to the identity map
// is created straight away, one call instead of a read and a create; should the create be
// refused, the contact is read after all, since an earlier attempt of this run may have
// created it and crashed before recording so (Daktela refuses a name that exists).
func (l *loader) write(ctx context.Context, p *store.Person, next mapping.Fields,
	isNew bool) (*store.Outcome, error) {
	w, known := l.written[p.Contact]
	if known && w.Fingerprint == p.Fingerprint {
		return &store.Outcome{Action: ActionUnchanged}, nil
	}
	var refused *store.Outcome
	if isNew && !known {
		o, err := l.create(ctx, p, next)
		if err != nil || o.Action != ActionRejected {
			return o, err
		}
		refused = o
	}
	var existing daktela.Contact
	err := l.call(ctx, func() (err error) {
		existing, err = l.c.CRM.Contact(ctx, p.Contact)
		return err
	})
	switch {
	case daktela.IsNotFound(err) && refused != nil:
		return refused, nil
	case daktela.IsNotFound(err):
		return l.create(ctx, p, next)
	case err != nil:
		return nil, err
	}
	var prev mapping.Fields
	if known {
		_ = json.Unmarshal([]byte(w.Fields), &prev)
	}
	merged, changed := mapping.Merge(fieldsOf(existing), prev, next)
	if !changed {
		return l.remember(ActionUnchanged, p, next)
	}
	if l.run.DryRun {
		return &store.Outcome{Action: ActionWouldUpdate}, nil
	}
	return l.send(ctx, ActionUpdated, p, next, merged, fieldsOf(existing), func(f mapping.Fields) error {
		_, err := l.c.CRM.UpdateContact(ctx, contactOf(f, p.Contact, ""))
		return err
	})
}

func (l *loader) create(ctx context.Context, p *store.Person, next mapping.Fields) (*store.Outcome, error) {
	if l.run.DryRun {
		return &store.Outcome{Action: ActionWouldCreate}, nil
	}
	return l.send(ctx, ActionCreated, p, next, next, nil, func(f mapping.Fields) error {
		_, err := l.c.CRM.CreateContact(ctx, contactOf(f, p.Contact, l.c.Mapping.Database))
		return err
	})
}

// send writes fields with write and returns the outcome. When Daktela refuses values of
// custom fields and nothing else (a malformed e-mail, say), the contact is written once more
// without the values the sync brought, keeping those of existing, so that the person still
// reaches the agents; what was left out is recorded with Daktela's words. Any other refusal
// rejects the person.
func (l *loader) send(ctx context.Context, action string, p *store.Person, next, fields,
	existing mapping.Fields, write func(mapping.Fields) error) (*store.Outcome, error) {
	err := l.call(ctx, func() error { return write(fields) })
	msg, rejected := rejection(err)
	if !rejected {
		if err != nil {
			return nil, err
		}
		return l.remember(action, p, next)
	}
	kept, left := withoutRefused(fields, existing, refusedCustomFields(err))
	if left == "" {
		return &store.Outcome{Action: ActionRejected, Message: msg}, nil
	}
	err = l.call(ctx, func() error { return write(kept) })
	if msg2, rejected := rejection(err); rejected {
		return &store.Outcome{Action: ActionRejected, Message: msg + " | " + msg2}, nil
	}
	if err != nil {
		return nil, err
	}
	o, err := l.remember(action, p, next)
	if o != nil {
		o.Message = "written without " + left + ": " + msg
	}
	return o, err
}

// refusedCustomFields returns the custom fields a validation error names when it names
// nothing else; nil when it names any standard field or carries a message of its own.
func refusedCustomFields(err error) []string {
	de, ok := daktela.AsError(err)
	if !ok || de.Kind != daktela.KindValidation || len(de.Messages) > 0 || len(de.Fields) == 0 {
		return nil
	}
	keys := make([]string, 0, len(de.Fields))
	for k := range de.Fields {
		if !strings.HasPrefix(k, customPrefix) {
			return nil
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// withoutRefused drops from fields the values of the refused keys that existing does not
// hold, and says what it dropped ("customFields.email [a.@b.cz]"); "" when nothing was.
func withoutRefused(fields, existing mapping.Fields, refused []string) (mapping.Fields, string) {
	kept := make(mapping.Fields, len(fields))
	for k, v := range fields {
		kept[k] = v
	}
	var left []string
	for _, k := range refused {
		var stay, gone []string
		for _, v := range fields[k] {
			if slices.Contains(existing[k], v) {
				stay = append(stay, v)
			} else {
				gone = append(gone, v)
			}
		}
		if len(gone) == 0 {
			continue
		}
		kept[k] = stay
		left = append(left, fmt.Sprintf("%s %v", k, gone))
	}
	return kept, strings.Join(left, ", ")
}

// remember is an outcome that also records what the contact now holds, so that the next
// run can skip the person without a call.
func (l *loader) remember(action string, p *store.Person, fields mapping.Fields) (*store.Outcome, error) {
	o := &store.Outcome{Action: action}
	if l.run.DryRun {
		return o, nil
	}
	data, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	o.Written = &store.Written{Fingerprint: p.Fingerprint, Fields: string(data)}
	return o, nil
}

// call runs one request under the limiter. A throttled answer is not a failure: it slows
// the limiter's pace, waits the Retry-After out and sends the request again.
func (l *loader) call(ctx context.Context, fn func() error) error {
	for {
		if err := l.lim.Acquire(ctx); err != nil {
			return err
		}
		err := fn()
		l.lim.Release()
		if de, ok := daktela.AsError(err); ok && de.Kind == daktela.KindThrottled {
			l.lim.Throttled(de.RetryAfter)
			l.mu.Lock()
			l.throttled++
			l.mu.Unlock()
			if err := sleepCtx(ctx, daktela.Wait(de.RetryAfter)); err != nil {
				return err
			}
			continue
		}
		if err == nil {
			l.lim.Succeeded()
		}
		return err
	}
}

func (l *loader) count(ctx context.Context, action string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch action {
	case ActionCreated, ActionWouldCreate:
		l.out.Created++
	case ActionUpdated, ActionWouldUpdate:
		l.out.Updated++
	case ActionRejected:
		l.out.Rejected++
	default:
		l.out.Unchanged++
	}
	l.done++
	if l.done%200 == 0 {
		heartbeat(ctx, l.done)
	}
}

// transient reports whether err is a server error or a network failure, which a later
// attempt may not meet; authentication and decoding problems are not.
func transient(err error) bool {
	if err == nil {
		return false
	}
	if de, ok := daktela.AsError(err); ok {
		return de.Retryable()
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF)
}

// rejection reports whether Daktela refused the record itself, with its messages verbatim.
func rejection(err error) (string, bool) {
	de, ok := daktela.AsError(err)
	if !ok || de.Kind != daktela.KindValidation {
		return "", false
	}
	var parts []string
	parts = append(parts, de.Messages...)
	keys := make([]string, 0, len(de.Fields))
	for k := range de.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+": "+strings.Join(de.Fields[k], "; "))
	}
	if len(parts) == 0 {
		parts = append(parts, de.Error())
	}
	return strings.Join(parts, " | "), true
}

const customPrefix = "customFields."

// contactOf turns rendered fields into a Daktela contact.
func contactOf(f mapping.Fields, name, database string) daktela.Contact {
	ct := daktela.Contact{Name: name, Database: database, CustomFields: daktela.CustomFields{}}
	for k, v := range f {
		val := strings.Join(v, " ")
		switch {
		case k == "title":
			ct.Title = val
		case k == "firstname":
			ct.FirstName = val
		case k == "lastname":
			ct.LastName = val
		case k == "description":
			ct.Description = val
		case k == "account":
			ct.Account = val
		case strings.HasPrefix(k, customPrefix):
			ct.CustomFields[strings.TrimPrefix(k, customPrefix)] = v
		}
	}
	return ct
}

// fieldsOf turns a Daktela contact into fields comparable with rendered ones.
func fieldsOf(ct daktela.Contact) mapping.Fields {
	f := mapping.Fields{}
	set := func(k, v string) {
		if v != "" {
			f[k] = []string{v}
		}
	}
	set("title", ct.Title)
	set("firstname", ct.FirstName)
	set("lastname", ct.LastName)
	set("description", ct.Description)
	set("account", ct.Account)
	for k, v := range ct.CustomFields {
		if len(v) > 0 {
			f[customPrefix+k] = v
		}
	}
	return f
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
