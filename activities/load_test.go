package activities

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
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

// TestLoadRefusedEmailIsLeftOut checks that a create Daktela refuses for an e-mail alone
// makes the contact without it, saying what was left out in Daktela's words, and that a
// refusal of a standard field rejects the person with no contact made.
func TestLoadRefusedEmailIsLeftOut(t *testing.T) {
	ctx := context.Background()
	l, srv := newLoader(t)
	p := &store.Person{Contact: "shop_bad", Fingerprint: "f1"}
	o, err := l.write(ctx, p, personFields("email.@domain.fpp"), true)
	if err != nil {
		t.Fatal(err)
	}
	if o.Action != ActionCreated || srv.Counters()["POST contacts"] != 2 {
		t.Fatalf("action %q (%s), requests %v; want created on the second POST", o.Action,
			o.Message, srv.Counters())
	}
	want := "written without customFields.email [email.@domain.fpp]: customFields.email: "
	if !strings.HasPrefix(o.Message, want) || len(o.Message) == len(want) {
		t.Errorf("message %q, want %q and Daktela's words", o.Message, want)
	}
	ct := srv.Contacts()[0]
	if len(ct.CustomFields["email"]) != 0 || ct.LastName != "Nováková" {
		t.Errorf("contact %+v, want the person without the e-mail", ct)
	}
	if o.Written == nil || o.Written.Fingerprint != "f1" {
		t.Errorf("nothing remembered: an unchanged person would cost calls again")
	}

	bad := personFields("jana@example.cz")
	bad["lastname"] = []string{""}
	o, err = l.write(ctx, &store.Person{Contact: "shop_nameless", Fingerprint: "f2"}, bad, true)
	if err != nil {
		t.Fatal(err)
	}
	if o.Action != ActionRejected || o.Message == "" || srv.ContactCount() != 1 {
		t.Errorf("action %q message %q contacts %d; want a rejection and no new contact",
			o.Action, o.Message, srv.ContactCount())
	}
}

// TestLoadUpdateKeepsAgentsEmailWhenOneIsRefused checks that an update whose new e-mail
// Daktela refuses is written without that e-mail, keeping the one an agent added.
func TestLoadUpdateKeepsAgentsEmailWhenOneIsRefused(t *testing.T) {
	ctx := context.Background()
	l, srv := newLoader(t)
	p := &store.Person{Contact: "shop_agent", Fingerprint: "f1"}
	if _, err := l.write(ctx, p, personFields("jana@example.cz"), true); err != nil {
		t.Fatal(err)
	}
	ct := srv.Contacts()[0]
	ct.CustomFields["email"] = append(ct.CustomFields["email"], "agent@example.cz")
	if _, err := l.c.CRM.UpdateContact(ctx, daktela.Contact{Name: ct.Name, Title: ct.Title,
		LastName: ct.LastName, CustomFields: daktela.CustomFields{"email": ct.CustomFields["email"]}}); err != nil {
		t.Fatal(err)
	}

	next := personFields("jana@example.cz")
	next["customFields.email"] = append(next["customFields.email"], "jana..novakova@example.cz")
	o, err := l.write(ctx, &store.Person{Contact: "shop_agent", Fingerprint: "f2"}, next, false)
	if err != nil {
		t.Fatal(err)
	}
	if o.Action != ActionUpdated || !strings.Contains(o.Message, "[jana..novakova@example.cz]") {
		t.Fatalf("action %q message %q, want updated without the refused e-mail", o.Action, o.Message)
	}
	emails := srv.Contacts()[0].CustomFields["email"]
	if !slices.Contains(emails, "agent@example.cz") || !slices.Contains(emails, "jana@example.cz") ||
		slices.Contains(emails, "jana..novakova@example.cz") {
		t.Errorf("e-mails after the update = %v, want the agent's and the valid one", emails)
	}
}

// TestLoadRecordLeftByEarlierAttempt checks that an order's CRM record made by an attempt
// that crashed before recording it counts as made, while a record of that name that belongs
// to another contact is reported as a refusal.
func TestLoadRecordLeftByEarlierAttempt(t *testing.T) {
	ctx := context.Background()
	l, srv := newLoader(t)
	for _, c := range []string{"shop_a", "shop_b"} {
		if _, err := l.write(ctx, &store.Person{Contact: c, Fingerprint: c}, personFields(c+"@example.cz"), true); err != nil {
			t.Fatal(err)
		}
	}
	r := daktela.CRMRecord{Name: "shop_a_order_7", Type: "shoptet_order", Stage: "OPEN",
		Contact: "shop_a", Title: "Objednávka 7"}
	if name, err := l.createRecord(ctx, r); err != nil || name != r.Name {
		t.Fatalf("first create: %q, %v", name, err)
	}
	if name, err := l.createRecord(ctx, r); err != nil || name != r.Name {
		t.Fatalf("create of a record an earlier attempt made: %q, %v; want it counted as made",
			name, err)
	}
	r.Contact = "shop_b"
	_, err := l.createRecord(ctx, r)
	if _, rejected := rejection(err); !rejected {
		t.Fatalf("a name taken by another contact's record: %v, want a rejection", err)
	}
	if n := len(srv.CRMRecords()); n != 1 {
		t.Errorf("the CRM holds %d records, want 1", n)
	}
}
