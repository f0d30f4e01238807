package daktela_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
)

const sandboxToken = "sandbox-token-7f3c9e21d4"

// sandbox is a sandbox CRM served over HTTP with a client pointed at it.
type sandbox struct {
	srv  *crm.Server
	url  string
	c    *daktela.Client
	logs *bytes.Buffer
}

func newSandbox(t testing.TB, opts crm.Options) *sandbox {
	t.Helper()
	if opts.Token == "" {
		opts.Token = sandboxToken
	}
	srv, err := crm.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	sb := &sandbox{srv: srv, url: ts.URL, logs: &bytes.Buffer{}}
	sb.c = sb.client(t, opts.Token)
	return sb
}

// client returns a client of the sandbox with token; it logs at debug level
// into sb.logs so tests can look for the token there.
func (sb *sandbox) client(t testing.TB, token string) *daktela.Client {
	t.Helper()
	log := slog.New(slog.NewTextHandler(sb.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := daktela.New(daktela.Options{URL: sb.url, Token: token, Timeout: 5 * time.Second,
		Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func validContact(name string) daktela.Contact {
	return daktela.Contact{
		Name: name, Title: "Jiří Dvořák", FirstName: "Jiří", LastName: "Dvořák",
		Database:     "shoptet",
		CustomFields: daktela.CustomFields{"email": {"jiri@example.cz"}, "number": {"+420777123456"}},
	}
}

// TestSandboxErrorClasses drives every error class the sandbox answers with
// through the client and checks the typed error it becomes.
func TestSandboxErrorClasses(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, crm.Options{})
	if _, err := sb.c.CreateContact(ctx, validContact("existing")); err != nil {
		t.Fatal(err)
	}
	wrongToken := "wrong-token-0c1d2e3f"
	tests := []struct {
		name       string
		call       func(c *daktela.Client) error
		client     *daktela.Client
		setup      func()
		kind       daktela.Kind
		status     int
		retryable  bool
		retryAfter time.Duration
		messages   []string
		fields     map[string][]string
	}{
		{
			name:     "401 wrong token",
			client:   sb.client(t, wrongToken),
			call:     func(c *daktela.Client) error { _, err := c.WhoAmI(ctx); return err },
			kind:     daktela.KindAuth,
			status:   401,
			messages: []string{"Uživatel není přihlášen"},
		},
		{
			name:     "404 missing contact",
			call:     func(c *daktela.Client) error { _, err := c.Contact(ctx, "nobody"); return err },
			kind:     daktela.KindNotFound,
			status:   404,
			messages: []string{"Object not exist"},
		},
		{
			name: "400 validation",
			call: func(c *daktela.Client) error {
				ct := validContact("")
				ct.Title, ct.LastName = "", ""
				ct.CustomFields = daktela.CustomFields{"email": {"jan..novak@example.cz"}}
				_, err := c.CreateContact(ctx, ct)
				return err
			},
			kind:   daktela.KindValidation,
			status: 400,
			fields: map[string][]string{
				"title":              {"Vstup je povinný"},
				"lastname":           {"Vstup je povinný"},
				"customFields.email": {"E-mail není ve správném formátu"},
			},
		},
		{
			name: "400 duplicate name and foreign database",
			call: func(c *daktela.Client) error {
				ct := validContact("existing")
				ct.Database = "other"
				_, err := c.CreateContact(ctx, ct)
				return err
			},
			kind:   daktela.KindValidation,
			status: 400,
			fields: map[string][]string{
				"name":     {"Tato hodnota již existuje"},
				"database": {"Chyba cizího klíče"},
			},
		},
		{
			name:       "429 with retry-after",
			setup:      func() { sb.srv.SetFaults(0, 1) },
			call:       func(c *daktela.Client) error { _, err := c.WhoAmI(ctx); return err },
			kind:       daktela.KindThrottled,
			status:     429,
			retryable:  true,
			retryAfter: time.Second,
			messages:   []string{"Too many requests"},
		},
		{
			name:      "500 injected",
			setup:     func() { sb.srv.SetFaults(1, 0) },
			call:      func(c *daktela.Client) error { _, err := c.Contact(ctx, "existing"); return err },
			kind:      daktela.KindServer,
			status:    500,
			retryable: true,
			messages:  []string{"Internal server error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
				t.Cleanup(func() { sb.srv.SetFaults(0, 0) })
			}
			c := tt.client
			if c == nil {
				c = sb.c
			}
			err := tt.call(c)
			de, ok := daktela.AsError(err)
			if !ok {
				t.Fatalf("error %v (%T) is not a *daktela.Error", err, err)
			}
			if de.Kind != tt.kind || de.Status != tt.status || de.Retryable() != tt.retryable {
				t.Errorf("kind %v status %d retryable %v, want %v %d %v",
					de.Kind, de.Status, de.Retryable(), tt.kind, tt.status, tt.retryable)
			}
			if de.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", de.RetryAfter, tt.retryAfter)
			}
			if tt.messages != nil && !slices.Equal(de.Messages, tt.messages) {
				t.Errorf("Messages = %q, want %q", de.Messages, tt.messages)
			}
			if tt.fields != nil && fmt.Sprint(de.Fields) != fmt.Sprint(tt.fields) {
				t.Errorf("Fields = %q, want %q", de.Fields, tt.fields)
			}
			for _, secret := range []string{sandboxToken, wrongToken} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q carries the token", err)
				}
			}
		})
	}
	if strings.Contains(sb.logs.String(), sandboxToken) || strings.Contains(sb.logs.String(),
		wrongToken) {
		t.Error("a log line carries the token")
	}
	if !strings.Contains(sb.logs.String(), "daktela request") {
		t.Error("the client logged nothing; the token check above proves nothing")
	}
}

// TestSandboxBadEmailShapes checks which e-mail shapes the sandbox form
// rejects, each with the verbatim Czech message under its custom field.
func TestSandboxBadEmailShapes(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, crm.Options{})
	for i, tt := range []struct {
		email string
		ok    bool
	}{
		{"jan.novak@example.cz", true},
		{"Jan+shop@sub.example.sk", true},
		{"jan..novak@example.cz", false},
		{".jan@example.cz", false},
		{"jan.@example.cz", false},
		{"jan@localhost", false},
		{"jan@example.c", false},
		{"jan novak@example.cz", false},
		{"jiří@example.cz", false},
		{"@example.cz", false},
		{"jan@-example.cz", false},
	} {
		ct := validContact(fmt.Sprintf("shape_%d", i))
		ct.CustomFields = daktela.CustomFields{"email": {tt.email}}
		_, err := sb.c.CreateContact(ctx, ct)
		if tt.ok {
			if err != nil {
				t.Errorf("%q rejected: %v", tt.email, err)
			}
			continue
		}
		de, isAPI := daktela.AsError(err)
		if !isAPI || de.Kind != daktela.KindValidation {
			t.Errorf("%q: error %v, want a validation error", tt.email, err)
			continue
		}
		want := []string{"E-mail není ve správném formátu"}
		if got := de.Fields["customFields.email"]; !slices.Equal(got, want) {
			t.Errorf("%q: customFields.email messages %q, want %q", tt.email, got, want)
		}
	}
}

// TestSandboxNamesWithDots round-trips names whose dots the real router
// would cut at if they were not escaped.
func TestSandboxNamesWithDots(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, crm.Options{})
	for _, name := range []string{"jan.novak", "a.b.c", "shoptet.cz.123", "end."} {
		if _, err := sb.c.CreateContact(ctx, validContact(name)); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
		got, err := sb.c.Contact(ctx, name)
		if err != nil || got.Name != name {
			t.Fatalf("get %q = %q, %v", name, got.Name, err)
		}
		upd := daktela.Contact{Name: name, Description: "poznámka " + name}
		if _, err := sb.c.UpdateContact(ctx, upd); err != nil {
			t.Fatalf("update %q: %v", name, err)
		}
	}
	// The prefix before the first dot must not exist: a request cut at the
	// dot would have hit it.
	if _, err := sb.c.Contact(ctx, "jan"); !daktela.IsNotFound(err) {
		t.Errorf("get jan: %v, want not found", err)
	}
	for _, c := range sb.srv.Contacts() {
		if c.Description != "poznámka "+c.Name {
			t.Errorf("contact %q description %q", c.Name, c.Description)
		}
	}
	if got := sb.srv.Counters()["PUT contacts"]; got != 4 {
		t.Errorf("PUT contacts = %d, want 4", got)
	}
}

// TestSandboxPaging pages through 2,500 seeded contacts and sees each once.
func TestSandboxPaging(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, crm.Options{})
	const n = 2500
	seed := make([]crm.Contact, n)
	for i := range seed {
		seed[i] = crm.Contact{Name: fmt.Sprintf("c%05d", i), Title: "Kontakt", LastName: "X",
			Database: "shoptet", CustomFields: map[string][]string{
				"email": {fmt.Sprintf("k%d@example.cz", i)}}}
	}
	if err := sb.srv.Seed(seed); err != nil {
		t.Fatal(err)
	}
	for _, pageSize := range []int{0, 700} {
		sb.srv.ResetCounters()
		seen := map[string]bool{}
		var prev string
		o := daktela.ListOptions{PageSize: pageSize,
			Sort: []daktela.Sort{{Field: "name", Dir: "asc"}}}
		for c, err := range sb.c.Contacts(ctx, o) {
			if err != nil {
				t.Fatal(err)
			}
			if seen[c.Name] || c.Name <= prev {
				t.Fatalf("page size %d: %q out of order or repeated after %q", pageSize, c.Name, prev)
			}
			seen[c.Name], prev = true, c.Name
		}
		if len(seen) != n {
			t.Errorf("page size %d: saw %d contacts, want %d", pageSize, len(seen), n)
		}
		size := cmpOr(pageSize, daktela.MaxPageSize)
		if got, min := sb.srv.Counters()["GET contacts"], int64((n+size-1)/size); got < min ||
			got > min+1 {
			t.Errorf("page size %d: %d list requests, want %d or one more", pageSize, got, min)
		}
	}
	count, err := sb.c.CountContacts(ctx, daktela.ListOptions{Filters: []daktela.Filter{
		{Field: "customFields.email", Operator: "eq", Value: "k42@example.cz"}}})
	if err != nil || count != 1 {
		t.Errorf("count by e-mail = %d, %v, want 1", count, err)
	}
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// TestSandboxMerge merges three contacts and checks the survivor holds the
// union of their custom field values while the others are gone.
func TestSandboxMerge(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, crm.Options{})
	emails := []string{"a@example.cz", "b@example.cz", "c@example.cz"}
	var names []string
	for i, e := range emails {
		ct := validContact(fmt.Sprintf("m.%d", i))
		ct.CustomFields = daktela.CustomFields{"email": {e}}
		got, err := sb.c.CreateContact(ctx, ct)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, got.Name)
	}
	merged, err := sb.c.MergeContacts(ctx, names)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, merged.Name) {
		t.Fatalf("survivor %q is none of %q", merged.Name, names)
	}
	got := slices.Sorted(slices.Values(merged.CustomFields["email"]))
	if !slices.Equal(got, emails) {
		t.Errorf("survivor e-mails %q, want %q", got, emails)
	}
	if left := sb.srv.Contacts(); len(left) != 1 || left[0].Name != merged.Name {
		t.Errorf("after merge the sandbox holds %d contacts", len(left))
	}
	for _, n := range names {
		if n == merged.Name {
			continue
		}
		if _, err := sb.c.Contact(ctx, n); !daktela.IsNotFound(err) {
			t.Errorf("merged-away %q: %v, want not found", n, err)
		}
	}
	// One name is refused before any request is sent.
	before := sb.srv.Counters()["POST mergeContacts"]
	_, err = sb.c.MergeContacts(ctx, []string{merged.Name})
	var oe *daktela.OptionError
	if !errors.As(err, &oe) {
		t.Errorf("merge of one contact: %v, want an *OptionError", err)
	}
	if after := sb.srv.Counters()["POST mergeContacts"]; after != before {
		t.Errorf("merge of one contact reached the server")
	}
}

// TestSandboxMappingCheck reads the contact form from the sandbox and checks
// the default mapping against it, then a mapping with a misspelled key.
func TestSandboxMappingCheck(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t, crm.Options{})
	if _, err := sb.c.ContactFields(ctx, "shoptet"); err != daktela.ErrNoSampleContact {
		t.Fatalf("empty CRM: %v, want ErrNoSampleContact", err)
	}
	if _, err := sb.c.CreateContact(ctx, validContact("sample")); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.c.ContactFields(ctx, "other"); err != daktela.ErrNoSampleContact {
		t.Fatalf("a database without contacts: %v, want ErrNoSampleContact", err)
	}
	fields, err := sb.c.ContactFields(ctx, "shoptet")
	if err != nil {
		t.Fatal(err)
	}
	scheme := make(map[string]mapping.FieldInfo, len(fields))
	for k, f := range fields {
		scheme[k] = mapping.FieldInfo{Type: f.Type, Title: f.Title, Hidden: f.Hidden,
			ReadOnly: f.ReadOnly}
	}
	if len(scheme) != len(crm.DefaultFields()) {
		t.Fatalf("scheme has %d fields, want %d: %v", len(scheme), len(crm.DefaultFields()), scheme)
	}
	if got := mapping.Default().Check(scheme); len(got) != 0 {
		t.Errorf("default mapping against the sandbox form: %v, want none", got)
	}

	m := mapping.Default()
	delete(m.Fields, "customFields.shoptet_orders")
	m.Fields["customFields.shopet_orders"] = "{orderLinks}"
	m.OrderLinks = "shopet_orders"
	got := m.Check(scheme)
	if len(got) != 1 || got[0].Field != "customFields.shopet_orders" ||
		!strings.Contains(got[0].Problem, "shoptet_orders") {
		t.Errorf("misspelled mapping: %v, want one mismatch naming customFields.shopet_orders "+
			"and suggesting shoptet_orders", got)
	}
}
