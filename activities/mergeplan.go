package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/shopsync/shoptet-daktela/identity"
	"github.com/shopsync/shoptet-daktela/report"
	"github.com/shopsync/shoptet-daktela/store"
)

// ruleOrderContact names the link an old integration's order contact gets to its customer.
const ruleOrderContact = "order contact, tied by the shop's order export"

// MergePlanned counts the plan GroupContacts staged. Groups are numbered g1..gGroups and
// ambiguous ones a1..aAmbiguous.
type MergePlanned struct {
	Contacts      int `json:"contacts"`
	Groups        int `json:"groups"`
	Ambiguous     int `json:"ambiguous"`
	Merges        int `json:"merges"` // contacts that merging removes
	OrderContacts int `json:"orderContacts"`
}

// planGroup is a plan group as staged: the contacts with their details, the kept one and
// the identity keys the sync will find the kept contact by.
type planGroup struct {
	ID        string       `json:"id"`
	Rule      string       `json:"rule"`
	Keep      string       `json:"keep,omitempty"`
	Contacts  []crmContact `json:"contacts"`
	Ambiguous bool         `json:"ambiguous,omitempty"`
	Reason    string       `json:"reason,omitempty"`
	Keys      []string     `json:"keys,omitempty"`
}

func (g *planGroup) names() []string {
	out := make([]string, len(g.Contacts))
	for i, c := range g.Contacts {
		out[i] = c.Name
	}
	return out
}

// GroupContacts groups the staged contacts that belong to one person with the identity
// rules: the same e-mail, a phone only when it points to one person. A contact named or
// titled by an order code of the shop is an old integration's order contact: it takes the
// order's e-mail, phone and billing name, which ties it to its customer. Phones several
// persons use make ambiguous groups, listed for review and never merged.
func (a *Activities) GroupContacts(ctx context.Context, mr MergeRun) (MergePlanned, error) {
	c, err := a.conn(mr.Run.Profile)
	if err != nil {
		return MergePlanned{}, err
	}
	var contacts []crmContact
	err = a.Store.ScanMergeContacts(ctx, mr.Run.ID, func(mc *store.MergeContact) error {
		var ct crmContact
		if err := json.Unmarshal([]byte(mc.Data), &ct); err != nil {
			return fmt.Errorf("staged contact %d: %w", mc.Idx, err)
		}
		contacts = append(contacts, ct)
		return nil
	})
	if err != nil {
		return MergePlanned{}, err
	}
	orders, err := a.ordersByCode(ctx, mr.Run, c, contacts)
	if err != nil {
		return MergePlanned{}, err
	}
	heartbeat(ctx, "orders")
	groups, out := buildPlan(contacts, orders, mr.Keep)
	rows := make([]store.MergeGroup, len(groups))
	for i := range groups {
		data, err := json.Marshal(groups[i])
		if err != nil {
			return MergePlanned{}, err
		}
		rows[i] = store.MergeGroup{Seq: i, ID: groups[i].ID, Data: string(data)}
	}
	if err := a.Store.PutMergeGroups(ctx, mr.Run.ID, rows); err != nil {
		return MergePlanned{}, err
	}
	a.log(ctx, mr.Run).Info("contacts grouped", "contacts", out.Contacts, "groups", out.Groups,
		"ambiguous", out.Ambiguous, "merges", out.Merges, "orderContacts", out.OrderContacts)
	return out, nil
}

// ordersByCode returns the shop's orders whose code names or titles a contact. The mirror
// answers when a sync filled it; otherwise the complete order export is fetched into it.
func (a *Activities) ordersByCode(ctx context.Context, run Run, c *Conn, contacts []crmContact) (map[string]store.Order, error) {
	want := map[string]bool{}
	for _, ct := range contacts {
		want[ct.Name], want[ct.Title] = true, true
	}
	shop := c.Key()
	_, n, err := a.Store.CountMirror(ctx, shop)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		if _, err := a.FetchOrders(ctx, run); err != nil {
			return nil, err
		}
	}
	out := map[string]store.Order{}
	err = a.Store.ScanOrders(ctx, shop, func(o *store.Order) error {
		if want[o.Code] {
			out[o.Code] = *o
		}
		return nil
	})
	return out, err
}

// buildPlan resolves the contacts into groups: persons of two or more contacts first, in
// anchor order, then one ambiguous group per phone that several persons use. Each contact
// counts with its first phone only, as the identity rules take one phone per record; a
// contact's further phones neither link nor split it.
func buildPlan(contacts []crmContact, orders map[string]store.Order, keep string) ([]planGroup, MergePlanned) {
	r := identity.NewResolver()
	isOrder := make([]bool, len(contacts))
	phoneOf := make([]string, len(contacts))
	out := MergePlanned{Contacts: len(contacts)}
	for i, ct := range contacts {
		emails, phone, name := ct.Emails, first(ct.Phones), ct.Title
		o, ok := orders[ct.Name]
		if !ok {
			o, ok = orders[ct.Title]
		}
		if ok {
			isOrder[i] = true
			out.OrderContacts++
			if o.Email != "" && !slices.Contains(emails, o.Email) {
				emails = append(slices.Clone(emails), o.Email)
			}
			if o.Phone != "" {
				phone = o.Phone
			}
			name = o.Name
		}
		phoneOf[i] = phone
		r.Add(identity.Customer, ct.Name, emails, phone, name)
	}
	res := r.Resolve()
	var groups []planGroup
	for p := range res.Persons() {
		person := res.Person(p)
		if len(person.Records) < 2 {
			continue
		}
		g := planGroup{ID: fmt.Sprintf("g%d", out.Groups+1), Keys: identityKeys(person.Keys)}
		rules := map[string]bool{}
		for _, rec := range person.Records {
			g.Contacts = append(g.Contacts, contacts[rec])
			rules[res.Rule(rec).String()] = true
			if isOrder[rec] {
				rules[ruleOrderContact] = true
			}
		}
		g.Rule = strings.Join(sortedKeys(rules), "; ")
		g.Keep = keeper(g.Contacts, keep)
		groups = append(groups, g)
		out.Groups++
		out.Merges += len(g.Contacts) - 1
	}
	for _, cf := range res.Conflicts() {
		out.Ambiguous++
		g := planGroup{ID: fmt.Sprintf("a%d", out.Ambiguous), Rule: "shared phone",
			Ambiguous: true, Reason: cf.Phone + ": " + cf.Reason}
		for i, ph := range phoneOf {
			if ph == cf.Phone {
				g.Contacts = append(g.Contacts, contacts[i])
			}
		}
		groups = append(groups, g)
	}
	return groups, out
}

// identityKeys keeps the e-mail and phone keys: the contact names the resolver used as
// record keys mean nothing to the sync.
func identityKeys(keys []string) []string {
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, "email:") || strings.HasPrefix(k, "phone:") {
			out = append(out, k)
		}
	}
	return out
}

// keeper picks the contact that survives: by default the one edited last, which is the one
// an agent most likely worked on; ties go to the lowest name so that a plan is repeatable.
func keeper(cs []crmContact, rule string) string {
	best := cs[0]
	for _, c := range cs[1:] {
		if better(c, best, rule) {
			best = c
		}
	}
	return best.Name
}

func better(c, best crmContact, rule string) bool {
	a, b := c.Edited, best.Edited
	if rule == KeepCreated {
		a, b = best.Created, c.Created // older wins
	}
	if !a.Equal(b) {
		return a.After(b)
	}
	return c.Name < best.Name
}

// WritePlan writes the staged plan as an XLSX workbook, stores it and returns its link.
func (a *Activities) WritePlan(ctx context.Context, mr MergeRun) (ReportRef, error) {
	c, err := a.conn(mr.Run.Profile)
	if err != nil {
		return ReportRef{}, err
	}
	started := time.Now()
	path := filepath.Join(a.tempDir(), "plan-"+mr.Run.ID+".xlsx")
	w, err := report.CreatePlan(path)
	if err != nil {
		return ReportRef{}, err
	}
	defer os.Remove(path)
	var groups, ambiguous, contacts int64
	err = a.scanPlan(ctx, mr.Run.ID, func(_ *store.MergeGroup, g *planGroup) error {
		if g.Ambiguous {
			ambiguous++
		} else {
			groups++
			contacts += int64(len(g.Contacts))
		}
		return w.AddGroup(reportGroup(g))
	})
	if err != nil {
		w.Abort()
		return ReportRef{}, err
	}
	err = w.Close(report.Summary{Shop: c.ShopURL, Run: mr.Run.ID, Kind: "merge plan",
		Started: started, Finished: time.Now(), Counts: []report.Count{
			{Name: "Groups", Value: groups}, {Name: "Contacts in groups", Value: contacts},
			{Name: "Ambiguous groups (not merged)", Value: ambiguous}}})
	if err != nil {
		return ReportRef{}, err
	}
	ref, _, err := a.storeReport(ctx, mr.Run.ID+"-plan", fmt.Sprintf("merge-plan-%s-%s.xlsx",
		c.Key(), started.Format("20060102-150405")), path)
	return ref, err
}

func reportGroup(g *planGroup) report.PlanGroup {
	out := report.PlanGroup{ID: g.ID, Rule: g.Rule, Keep: g.Keep, Ambiguous: g.Ambiguous,
		Reason: g.Reason}
	for _, c := range g.Contacts {
		out.Contacts = append(out.Contacts, report.PlanContact{Name: c.Name, Title: c.Title,
			Emails: c.Emails, Phones: c.Phones, Created: c.Created, Edited: c.Edited})
	}
	return out
}

func (a *Activities) scanPlan(ctx context.Context, run string, fn func(*store.MergeGroup, *planGroup) error) error {
	return a.scanPlanRange(ctx, run, 0, 1<<31-1, fn)
}

func (a *Activities) scanPlanRange(ctx context.Context, run string, from, to int,
	fn func(*store.MergeGroup, *planGroup) error) error {
	return a.Store.ScanMergeGroups(ctx, run, from, to, func(row *store.MergeGroup) error {
		var g planGroup
		if err := json.Unmarshal([]byte(row.Data), &g); err != nil {
			return fmt.Errorf("plan group %s: %w", row.ID, err)
		}
		return fn(row, &g)
	})
}

func (a *Activities) tempDir() string {
	if a.TempDir != "" {
		return a.TempDir
	}
	return os.TempDir()
}

// storeReport copies a written workbook into the store, so that any worker can serve it,
// and returns its link and size.
func (a *Activities) storeReport(ctx context.Context, id, name, path string) (ReportRef, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return ReportRef{}, 0, err
	}
	defer f.Close()
	size, err := a.Store.PutReport(ctx, id, name, f)
	if err != nil {
		return ReportRef{}, 0, err
	}
	return ReportRef{ID: id, URL: a.ReportsURL + "/reports/" + id + ".xlsx"}, size, nil
}
