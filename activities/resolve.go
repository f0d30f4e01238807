package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/shopsync/shoptet-daktela/identity"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/store"
)

// maxListedRecords caps the Shoptet records listed per contact in the report.
const maxListedRecords = 30

// staged is what the resolve step keeps of a person for the load and report steps.
type staged struct {
	Title   string         `json:"title"`
	Emails  []string       `json:"emails,omitempty"`
	Phones  []string       `json:"phones,omitempty"`
	Records []string       `json:"records"`
	More    int            `json:"more,omitempty"` // records not listed
	Rules   []string       `json:"rules"`
	Orders  []orderRef     `json:"orders,omitempty"`
	Fields  mapping.Fields `json:"fields"`
	// New says that no key of the person was in the identity map before this run, so no
	// contact of it can exist unless an earlier attempt of this run created it.
	New bool `json:"new,omitempty"`
}

type orderRef struct {
	ID       string  `json:"id"`
	Code     string  `json:"code"`
	Date     int64   `json:"date"`
	Total    float64 `json:"total"`
	Currency string  `json:"currency,omitempty"`
	Status   string  `json:"status,omitempty"`
}

// Conflict is a note for the report's Conflicts sheet.
type Conflict struct {
	Kind    string   `json:"kind"`
	Key     string   `json:"key"`
	Records []string `json:"records"`
	Reason  string   `json:"reason"`
}

// Resolve groups the shop mirror's customers and orders into persons, names each person's
// Daktela contact (keeping the name the identity map already gave it) and stages the
// persons of the run with the fields the mapping renders for them.
func (a *Activities) Resolve(ctx context.Context, run Run) (Resolved, error) {
	c, err := a.conn(run.Profile)
	if err != nil {
		return Resolved{}, err
	}
	log := a.log(ctx, run)
	shop := c.Key()
	started := time.Now()

	res, counts, err := a.resolveMirror(ctx, shop)
	if err != nil {
		return Resolved{}, err
	}
	heartbeat(ctx, "resolved")
	aggs, err := a.aggregate(ctx, shop, res)
	if err != nil {
		return Resolved{}, err
	}
	known, err := a.Store.Identity(ctx, shop)
	if err != nil {
		return Resolved{}, err
	}
	n, conflicts, err := a.stagePersons(ctx, run, c, res, aggs, known)
	if err != nil {
		return Resolved{}, err
	}
	counts.Persons, counts.Conflicts = n, conflicts
	log.Info("persons resolved", "customers", counts.Customers, "orders", counts.Orders,
		"persons", counts.Persons, "conflicts", counts.Conflicts,
		"took", time.Since(started).Round(time.Millisecond))
	return counts, nil
}

func (a *Activities) resolveMirror(ctx context.Context, shop string) (*identity.Result, Resolved, error) {
	r := identity.NewResolver()
	var counts Resolved
	err := a.Store.ScanCustomers(ctx, shop, func(cu *store.Customer) error {
		r.Add(identity.Customer, cu.GUID, cu.Emails, cu.Phone, cu.Name)
		counts.Customers++
		return nil
	})
	if err != nil {
		return nil, counts, err
	}
	email := make([]string, 1)
	err = a.Store.ScanOrders(ctx, shop, func(o *store.Order) error {
		email[0] = o.Email
		r.Add(identity.Order, o.ID, email, o.Phone, o.Name)
		counts.Orders++
		return nil
	})
	if err != nil {
		return nil, counts, err
	}
	return r.Resolve(), counts, nil
}

// agg collects what the mapping needs of a person while the mirror streams past.
type agg struct {
	person   mapping.Person
	named    bool // the name came from a customer account, which wins over orders
	newest   time.Time
	orders   []orderRef
	records  []string
	more     int
	currency map[string]int
}

// aggregate streams the mirror a second time, in the same order as resolveMirror, and
// builds per-person details. The second pass costs a read but keeps memory to what a
// person needs instead of every order's every field.
func (a *Activities) aggregate(ctx context.Context, shop string, res *identity.Result) ([]agg, error) {
	aggs := make([]agg, res.Persons())
	var idx int32
	err := a.Store.ScanCustomers(ctx, shop, func(cu *store.Customer) error {
		if res.Key(idx) != cu.GUID {
			return fmt.Errorf("the shop mirror changed during resolve (customer %s); retrying", cu.GUID)
		}
		g := &aggs[res.PersonOf(idx)]
		idx++
		g.addRecord("customer " + cu.GUID)
		if !g.named {
			g.named = true
			g.person.FullName, g.person.Company = cu.Name, cu.Company
			g.person.Billing = mapping.Address{Street: cu.Street, City: cu.City, Zip: cu.Zip,
				Country: cu.Country}
			g.person.Extra = cu.Extra
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = a.Store.ScanOrders(ctx, shop, func(o *store.Order) error {
		if res.Key(idx) != o.ID {
			return fmt.Errorf("the shop mirror changed during resolve (order %s); retrying", o.ID)
		}
		g := &aggs[res.PersonOf(idx)]
		idx++
		g.addOrder(o)
		if idx%100000 == 0 {
			heartbeat(ctx, idx)
		}
		return nil
	})
	return aggs, err
}

func (g *agg) addRecord(r string) {
	if len(g.records) < maxListedRecords {
		g.records = append(g.records, r)
		return
	}
	g.more++
}

func (g *agg) addOrder(o *store.Order) {
	g.addRecord("order " + o.Code)
	g.orders = append(g.orders, orderRef{ID: o.ID, Code: o.Code, Date: o.Date.Unix(),
		Total: o.Total, Currency: o.Currency, Status: o.Status})
	p := &g.person
	p.OrderCount++
	p.TotalSpent += o.Total
	if p.FirstOrder.IsZero() || o.Date.Before(p.FirstOrder) {
		p.FirstOrder = o.Date
	}
	if o.Date.After(p.LastOrder) {
		p.LastOrder = o.Date
	}
	if g.currency == nil {
		g.currency = map[string]int{}
	}
	g.currency[o.Currency]++
	// Without a customer account the newest order's billing details describe the person.
	if !g.named && !o.Date.Before(g.newest) {
		g.newest = o.Date
		p.FullName, p.Company = o.Name, o.Company
		p.Billing = mapping.Address{Street: o.Street, City: o.City, Zip: o.Zip, Country: o.Country}
	}
}

func (g *agg) mainCurrency() string {
	best, n := "", 0
	for c, k := range g.currency {
		if k > n || (k == n && c < best) {
			best, n = c, k
		}
	}
	return best
}

func (a *Activities) stagePersons(ctx context.Context, run Run, c *Conn, res *identity.Result,
	aggs []agg, known map[string]string) (persons, conflicts int, err error) {
	shop := c.Key()
	namer := contactNamer{shop: shop, known: known, taken: map[string]int{}}
	var notes []any
	updates := map[string]string{}
	batch := make([]store.Person, 0, stageBatch)
	for i := range aggs {
		p := res.Person(i)
		name, isNew, clash := namer.name(p, i)
		if clash != nil {
			notes = append(notes, *clash)
		}
		for _, k := range p.Keys {
			if known[k] != name {
				updates[k] = name
			}
		}
		row, err := a.stagedPerson(c, res, p, &aggs[i], i, name, isNew)
		if err != nil {
			return 0, 0, err
		}
		batch = append(batch, row)
		if len(batch) == cap(batch) {
			if err := a.Store.PutPersons(ctx, run.ID, batch); err != nil {
				return 0, 0, err
			}
			batch = batch[:0]
			heartbeat(ctx, i)
		}
	}
	if err := a.Store.PutPersons(ctx, run.ID, batch); err != nil {
		return 0, 0, err
	}
	for _, cf := range res.Conflicts() {
		notes = append(notes, Conflict{Kind: "shared phone", Key: cf.Phone,
			Records: cf.Anchors, Reason: cf.Reason})
	}
	if err := a.Store.ClearNotes(ctx, run.ID, store.NoteConflict); err != nil {
		return 0, 0, err
	}
	if err := a.Store.AddNotes(ctx, run.ID, store.NoteConflict, notes); err != nil {
		return 0, 0, err
	}
	if !run.DryRun {
		if err := a.Store.PutIdentity(ctx, shop, updates); err != nil {
			return 0, 0, err
		}
	}
	return len(aggs), len(notes), nil
}

func (a *Activities) stagedPerson(c *Conn, res *identity.Result, p identity.Person, g *agg,
	idx int, name string, isNew bool) (store.Person, error) {
	mp := g.person
	mp.Emails = p.Emails
	mp.Phones = p.Phones
	mp.Currency = g.mainCurrency()
	sort.Slice(g.orders, func(i, j int) bool { return g.orders[i].Date > g.orders[j].Date })
	for i, o := range g.orders {
		if i == c.Mapping.MaxOrderLinks {
			break
		}
		mp.OrderLinks = append(mp.OrderLinks, OrderLink(c.ShopURL, o.ID))
	}
	fields := c.Mapping.Render(mp)
	rules := map[string]bool{}
	for _, r := range p.Records {
		rules[res.Rule(r).String()] = true
	}
	st := staged{
		Title: first(fields["title"]), Emails: p.Emails, Phones: p.Phones,
		Records: g.records, More: g.more, Rules: sortedKeys(rules), Orders: g.orders,
		Fields: fields, New: isNew,
	}
	data, err := json.Marshal(st)
	if err != nil {
		return store.Person{}, err
	}
	fp := fields.Fingerprint()
	if rc := c.Mapping.OrderRecords; rc != nil {
		// Turning order records on must revisit every person, so the setting is part of what
		// the fingerprint covers.
		fp += "+records:" + rc.Type + ":" + rc.Stage
	}
	return store.Person{Idx: idx, Contact: name, Fingerprint: fp, Data: string(data)}, nil
}

// OrderLink is the shop admin's page of an order.
func OrderLink(shopURL, orderID string) string {
	return shopURL + "/admin/objednavky-detail/?id=" + orderID
}

// contactNamer gives each person its Daktela contact name: the one the identity map already
// holds for any of its keys, else a new one derived from its anchor, so that a person keeps
// its contact when an e-mail changes and a rerun derives the same names.
type contactNamer struct {
	shop  string
	known map[string]string
	taken map[string]int // contact -> person index that took it in this run
}

// name also reports whether the person is new: none of its keys had a contact before.
func (n *contactNamer) name(p identity.Person, idx int) (string, bool, *Conflict) {
	var found []string
	if c, ok := n.known[p.Anchor]; ok {
		found = append(found, c)
	}
	for _, k := range p.Keys {
		if c, ok := n.known[k]; ok && !slices.Contains(found, c) {
			found = append(found, c)
		}
	}
	var free []string
	for _, c := range found {
		if _, used := n.taken[c]; !used {
			free = append(free, c)
		}
	}
	name := ContactName(n.shop, p.Anchor)
	if len(free) > 0 {
		name = free[0]
	}
	n.taken[name] = idx
	if len(found) > 1 {
		return name, false, &Conflict{Kind: "contacts now one person", Key: p.Anchor,
			Records: found,
			Reason: "records that earlier runs kept in separate contacts now belong to one " +
				"person; the sync updates " + name + " and leaves the others for a merge"}
	}
	return name, len(found) == 0, nil
}

// ContactName derives a contact name from a shop key and a person's anchor. It holds no
// personal data and no dot (Daktela's router cuts names at dots).
func ContactName(shop, anchor string) string {
	sum := sha256.Sum256([]byte(shop + "\x00" + anchor))
	return "shoptet_" + shop + "_" + hex.EncodeToString(sum[:8])
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
