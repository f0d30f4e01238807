package activities

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/store"
)

// newLoader is a loader writing into a fresh sandbox CRM.
func newLoader(t *testing.T) (*loader, *crm.Server) {
	t.Helper()
	srv, err := crm.New(crm.Options{Token: "load-test-token"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c, err := daktela.New(daktela.Options{URL: ts.URL, Token: "load-test-token",
		Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	conn := &Conn{CRM: c, Mapping: mapping.Default(), Concurrency: 2}
	return &loader{c: conn, lim: daktela.NewLimiter(2), written: map[string]store.Written{}},
		srv
}

func personFields(email string) mapping.Fields {
	return mapping.Fields{"title": {"Jana Nováková"}, "firstname": {"Jana"},
		"lastname": {"Nováková"}, "customFields.email": {email}}
}

// TestLoadNewPersonCostsOneCall checks that a person new to the identity map is created
// with a single request, and that a new person whose contact an earlier, crashed attempt
// already created is updated rather than reported as refused.
func TestLoadNewPersonCostsOneCall(t *testing.T) {
	ctx := context.Background()
	l, srv := newLoader(t)

	p := &store.Person{Contact: "shop_new", Fingerprint: "f1"}
	o, err := l.write(ctx, p, personFields("jana@example.cz"), true)
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Counters()
	if o.Action != ActionCreated || got["POST contacts"] != 1 || len(got) != 1 {
		t.Fatalf("new person: action %q, requests %v; want created with one POST",
			o.Action, got)
	}

	srv.ResetCounters()
	p2 := &store.Person{Contact: "shop_new", Fingerprint: "f2"}
	o, err = l.write(ctx, p2, personFields("jana.novakova@example.cz"), true)
	if err != nil {
		t.Fatal(err)
	}
	got = srv.Counters()
	if o.Action != ActionUpdated || got["PUT contacts"] != 1 || got["400"] != 1 {
		t.Fatalf("contact left by an earlier attempt: action %q (%s), requests %v; "+
			"want updated", o.Action, o.Message, got)
	}
	emails := srv.Contacts()[0].CustomFields["email"]
	if len(emails) != 2 {
		t.Errorf("e-mails after the update = %v, want the old one kept beside the new", emails)
	}
}

// TestLoadNewPersonRefusedIsRejected checks that a create Daktela refuses for the record's
// content, with no contact of that name, ends as a rejection with Daktela's message.
func TestLoadNewPersonRefusedIsRejected(t *testing.T) {
	l, srv := newLoader(t)
	p := &store.Person{Contact: "shop_bad", Fingerprint: "f1"}
	o, err := l.write(context.Background(), p, personFields("not an e-mail"), true)
	if err != nil {
		t.Fatal(err)
	}
	if o.Action != ActionRejected || o.Message == "" || srv.ContactCount() != 0 {
		t.Errorf("action %q message %q contacts %d; want a rejection with a message and no "+
			"contact", o.Action, o.Message, srv.ContactCount())
	}
}
