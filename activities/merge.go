package activities

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/store"
)

// Keep rules of a clean-up: which contact of a group survives the merge.
const (
	KeepEdited  = "edited"  // the most recently edited contact, the one a person last touched
	KeepCreated = "created" // the oldest contact
)

// Outcomes of a plan group after applying.
const (
	MergeMerged  = "merged"
	MergeSkipped = "skipped"
	MergeFailed  = "failed"
)

// readPage is how many contacts one list request of the clean-up reads; each page is staged
// and heartbeated, so a retry resumes at the page where the last attempt stopped.
const readPage = 500

// MergeRun names one duplicate clean-up run, the CRM database it cleans and its keep rule.
type MergeRun struct {
	Run      Run    `json:"run"`
	Database string `json:"database,omitempty"` // default: the mapping's database
	Keep     string `json:"keep,omitempty"`     // KeepEdited (default) or KeepCreated
}

// ContactsRead counts what ReadContacts staged.
type ContactsRead struct {
	Contacts int    `json:"contacts"`
	Database string `json:"database"`
}

// crmContact is what a clean-up keeps of a CRM contact: identity details, normalised.
type crmContact struct {
	Name    string    `json:"name"`
	Title   string    `json:"title,omitempty"`
	Emails  []string  `json:"emails,omitempty"`
	Phones  []string  `json:"phones,omitempty"`
	Created time.Time `json:"created"`
	Edited  time.Time `json:"edited"`
}

// ReadContacts reads every contact of the run's database into the store, page by page. It
// heartbeats the number of contacts staged and a retry continues from there, so a lost
// worker costs at most one page.
func (a *Activities) ReadContacts(ctx context.Context, mr MergeRun) (ContactsRead, error) {
	c, err := a.conn(mr.Run.Profile)
	if err != nil {
		return ContactsRead{}, err
	}
	db := mr.Database
	if db == "" {
		db = c.Mapping.Database
	}
	skip := 0
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &skip); err != nil {
			skip = 0
		}
	}
	if err := a.Store.ClearMergeContacts(ctx, mr.Run.ID, skip); err != nil {
		return ContactsRead{}, err
	}
	resumed := skip
	r := contactReader{a: a, c: c, run: mr.Run.ID, db: db}
	total, err := r.readFrom(ctx, skip)
	if err != nil {
		return ContactsRead{}, classify(err)
	}
	a.log(ctx, mr.Run).Info("contacts read", "database", db, "contacts", total,
		"resumedAt", resumed)
	return ContactsRead{Contacts: total, Database: db}, nil
}

type contactReader struct {
	a   *Activities
	c   *Conn
	run string
	db  string
	buf []store.MergeContact
}

// readFrom reads from the skip-th contact on and returns how many the run holds in all. A
// throttled page is read again after Daktela's pause instead of failing the attempt.
func (r *contactReader) readFrom(ctx context.Context, skip int) (int, error) {
	emails, phones := identityFields(r.c.Mapping)
	for {
		opts := daktela.ListOptions{
			Filters:  []daktela.Filter{{Field: "database", Operator: "eq", Value: r.db}},
			Sort:     []daktela.Sort{{Field: "name", Dir: "asc"}},
			PageSize: readPage, Skip: skip,
		}
		var err error
		for ct, lerr := range r.c.CRM.Contacts(ctx, opts) {
			if err = lerr; err != nil {
				break
			}
			data, _ := json.Marshal(contactInfo(ct, emails, phones, r.c.Mapping.CountryCode))
			r.buf = append(r.buf, store.MergeContact{Idx: skip + len(r.buf), Name: ct.Name,
				Data: string(data)})
			if len(r.buf) == readPage {
				if skip, err = r.flush(ctx, skip); err != nil {
					return 0, err
				}
			}
		}
		if de, ok := daktela.AsError(err); ok && de.Kind == daktela.KindThrottled {
			r.buf = r.buf[:0] // the page is read again from skip
			if werr := sleepCtx(ctx, max(de.RetryAfter, time.Second)); werr != nil {
				return 0, werr
			}
			continue
		}
		if err != nil {
			return 0, err
		}
		return r.flush(ctx, skip)
	}
}

func (r *contactReader) flush(ctx context.Context, skip int) (int, error) {
	if err := r.a.Store.PutMergeContacts(ctx, r.run, r.buf); err != nil {
		return skip, err
	}
	skip += len(r.buf)
	r.buf = r.buf[:0]
	heartbeat(ctx, skip)
	return skip, nil
}

// identityFields names the custom fields that hold e-mails and phones: those the mapping
// fills with {emails} and {phones}, else Daktela's standard email and number.
func identityFields(m *mapping.Mapping) (emails, phones []string) {
	for field, tmpl := range m.Fields {
		key, ok := strings.CutPrefix(field, customPrefix)
		switch {
		case !ok:
		case strings.Contains(tmpl, "{emails}"):
			emails = append(emails, key)
		case strings.Contains(tmpl, "{phones}"):
			phones = append(phones, key)
		}
	}
	if len(emails) == 0 {
		emails = []string{"email"}
	}
	if len(phones) == 0 {
		phones = []string{"number"}
	}
	return emails, phones
}

func contactInfo(ct daktela.Contact, emailKeys, phoneKeys []string, cc string) crmContact {
	out := crmContact{Name: ct.Name, Title: ct.Title, Created: ct.Created, Edited: ct.Edited}
	for _, k := range emailKeys {
		for _, v := range ct.CustomFields[k] {
			if e := mapping.NormalizeEmail(v); e != "" && !slices.Contains(out.Emails, e) {
				out.Emails = append(out.Emails, e)
			}
		}
	}
	for _, k := range phoneKeys {
		for _, v := range ct.CustomFields[k] {
			if p, ok := mapping.NormalizePhone(v, cc); ok && !slices.Contains(out.Phones, p) {
				out.Phones = append(out.Phones, p)
			}
		}
	}
	return out
}
