package activities

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"
	"strings"
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
	ctx, stop := keepAlive(ctx)
	defer stop()
	c, err := a.conn(run.Profile)
	if err != nil {
		return Resolved{}, err
	}
	log := a.log(ctx, run)
	shop := c.Key()
	started := time.Now()

	sp, err := newSpill(a.TempDir)
	if err != nil {
		return Resolved{}, err
	}
	defer sp.close()
	res, counts, err := a.resolveMirror(ctx, shop, sp)
	if err != nil {
		return Resolved{}, err
	}
	heartbeat(ctx, "resolved")
	n, conflicts, err := a.stagePersons(ctx, run, c, res, sp)
	if err != nil {
		return Resolved{}, err
	}
	counts.Persons, counts.Conflicts = n, conflicts
	log.Info("persons resolved", "customers", counts.Customers, "orders", counts.Orders,
		"persons", counts.Persons, "conflicts", counts.Conflicts, "scratchBytes", sp.size,
		"took", time.Since(started).Round(time.Millisecond))
	return counts, nil
}

// resolveMirror reads the mirror once: the resolver gets the identifying details of every
// record and the spill the rest, under the same record numbers.
func (a *Activities) resolveMirror(ctx context.Context, shop string, sp *spill) (*identity.Result, Resolved, error) {
	r := identity.NewResolver()
	var counts Resolved
	err := a.Store.ScanCustomers(ctx, shop, func(cu *store.Customer) error {
		r.Add(identity.Customer, cu.GUID, cu.Emails, cu.Phone, cu.Name)
		counts.Customers++
		return sp.addCustomer(cu)
	})
	if err != nil {
		return nil, counts, err
	}
	email := make([]string, 1)
	err = a.Store.ScanOrders(ctx, shop, func(o *store.Order) error {
		email[0] = o.Email
		r.Add(identity.Order, o.ID, email, o.Phone, o.Name)
		counts.Orders++
		if counts.Orders%100000 == 0 {
			heartbeat(ctx, counts.Orders)
		}
		return sp.addOrder(o)
	})
	if err != nil {
		return nil, counts, err
	}
	if err := sp.finish(); err != nil {
		return nil, counts, err
	}
	return r.Resolve(), counts, nil
}

// agg collects what the mapping needs of a person from its records.
type agg struct {
	person   mapping.Person
	named    bool // the name came from a customer account, which wins over orders
	newest   time.Time
	orders   []orderRef
	records  []string
	more     int
	currency map[string]int
}

// collect reads a person's records back from the spill, customers before orders and each
// in mirror order, as the resolver numbered them.
func collect(sp *spill, p identity.Person) (*agg, error) {
	g := &agg{}
	var cu store.Customer
	var o store.Order
	for _, rec := range p.Records {
		isOrder, err := sp.read(rec, &cu, &o)
		if err != nil {
			return nil, err
		}
		if isOrder {
			g.addOrder(&o)
		} else {
			g.addCustomer(&cu)
		}
	}
	return g, nil
}

func (g *agg) addCustomer(cu *store.Customer) {
	g.addRecord("customer " + cu.GUID)
	if g.named {
		return
	}
	g.named = true
	g.person.FullName, g.person.Company = cu.Name, cu.Company
	g.person.Billing = mapping.Address{Street: cu.Street, City: cu.City, Zip: cu.Zip,
		Country: cu.Country}
	g.person.Extra = cu.Extra
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

// stagePersons names and stages the persons stageBatch at a time. The identity map is read
// for the keys of one batch at a time and its updates written per batch, so its size does
// not bound the memory a resolve needs.
func (a *Activities) stagePersons(ctx context.Context, run Run, c *Conn, res *identity.Result,
	sp *spill) (persons, conflicts int, err error) {
	namer := newContactNamer(c.Key())
	var notes []any
	for from := 0; from < res.Persons(); from += stageBatch {
		to := min(from+stageBatch, res.Persons())
		clashes, err := a.stageRange(ctx, run, c, res, sp, namer, from, to)
		if err != nil {
			return 0, 0, err
		}
		notes = append(notes, clashes...)
		heartbeat(ctx, to)
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
	return res.Persons(), len(notes), nil
}

// stageRange stages persons from up to to and returns the clashes it met. A retried
// resolve finds the identity updates of the batches an earlier attempt finished; they name
// the same contacts, so the retry stages the same persons.
func (a *Activities) stageRange(ctx context.Context, run Run, c *Conn, res *identity.Result,
	sp *spill, namer *contactNamer, from, to int) ([]any, error) {
	shop := c.Key()
	ps := make([]identity.Person, 0, to-from)
	var keys []string
	for i := from; i < to; i++ {
		p := res.Person(i)
		ps = append(ps, p)
		keys = append(keys, p.Keys...)
	}
	known, err := a.Store.IdentityOf(ctx, shop, keys)
	if err != nil {
		return nil, err
	}
	var clashes []any
	updates := map[string]string{}
	rows := make([]store.Person, 0, len(ps))
	for j, p := range ps {
		name, isNew, clash := namer.name(p, known)
		if clash != nil {
			clashes = append(clashes, *clash)
		}
		for _, k := range p.Keys {
			if known[k] != name {
				updates[k] = name
			}
		}
		g, err := collect(sp, p)
		if err != nil {
			return nil, err
		}
		row, err := a.stagedPerson(c, res, p, g, from+j, name, isNew)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if err := a.Store.PutPersons(ctx, run.ID, rows); err != nil {
		return nil, err
	}
	if run.DryRun {
		return clashes, nil
	}
	return clashes, a.Store.PutIdentity(ctx, shop, updates)
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
// its contact when an e-mail changes and a rerun derives the same names. It remembers the
// names given in this run so that no two persons get one contact; names of the derived
// form are kept as their 8-byte hash, so a million persons cost a few megabytes.
type contactNamer struct {
	shop    string
	prefix  string
	derived map[uint64]struct{}
	other   map[string]struct{}
}

func newContactNamer(shop string) *contactNamer {
	return &contactNamer{shop: shop, prefix: contactPrefix(shop),
		derived: map[uint64]struct{}{}, other: map[string]struct{}{}}
}

func (n *contactNamer) taken(name string) bool {
	if h, ok := n.hashOf(name); ok {
		_, used := n.derived[h]
		return used
	}
	_, used := n.other[name]
	return used
}

func (n *contactNamer) take(name string) {
	if h, ok := n.hashOf(name); ok {
		n.derived[h] = struct{}{}
		return
	}
	n.other[name] = struct{}{}
}

// hashOf returns the hash part of a name of the derived form.
func (n *contactNamer) hashOf(name string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, n.prefix)
	if !ok || len(rest) != 16 {
		return 0, false
	}
	var b [8]byte
	if _, err := hex.Decode(b[:], []byte(rest)); err != nil || hex.EncodeToString(b[:]) != rest {
		return 0, false
	}
	return binary.BigEndian.Uint64(b[:]), true
}

// name gives person p its contact, looking its keys up in known, and also reports whether
// the person is new: none of its keys had a contact before.
func (n *contactNamer) name(p identity.Person, known map[string]string) (string, bool, *Conflict) {
	var found []string
	if c, ok := known[p.Anchor]; ok {
		found = append(found, c)
	}
	for _, k := range p.Keys {
		if c, ok := known[k]; ok && !slices.Contains(found, c) {
			found = append(found, c)
		}
	}
	var free []string
	for _, c := range found {
		if !n.taken(c) {
			free = append(free, c)
		}
	}
	name := ContactName(n.shop, p.Anchor)
	if len(free) > 0 {
		name = free[0]
	}
	n.take(name)
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
	return contactPrefix(shop) + hex.EncodeToString(sum[:8])
}

func contactPrefix(shop string) string { return "shoptet_" + shop + "_" }

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
