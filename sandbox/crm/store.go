package crm

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Contact is a CRM contact as the server stores it.
type Contact struct {
	Name         string              `json:"name"`
	Title        string              `json:"title"`
	FirstName    string              `json:"firstname"`
	LastName     string              `json:"lastname"`
	Database     string              `json:"database"`
	Account      string              `json:"account"`
	User         string              `json:"user"`
	Description  string              `json:"description"`
	CustomFields map[string][]string `json:"customFields"`
	Created      time.Time           `json:"created"`
	Edited       time.Time           `json:"edited"`
}

// CRMRecord is a CRM record (an order, in this product) as stored.
type CRMRecord struct {
	Name         string              `json:"name"`
	Type         string              `json:"type"`
	Title        string              `json:"title"`
	Stage        string              `json:"stage"`
	Contact      string              `json:"contact"`
	Account      string              `json:"account"`
	User         string              `json:"user"`
	Status       string              `json:"status"`
	Description  string              `json:"description"`
	CustomFields map[string][]string `json:"customFields"`
	Created      time.Time           `json:"created"`
	Edited       time.Time           `json:"edited"`
}

type contactRec struct {
	Contact
	hash int64
}

type recordRec struct {
	CRMRecord
	hash int64
}

// store holds the data; the Server's mutex guards it.
type store struct {
	seq      int64
	contacts map[string]*contactRec
	records  map[string]*recordRec

	// byValue maps an indexed custom field key to lowercased value to the
	// names of contacts holding it.
	byValue map[string]map[string]map[string]struct{}
	// byContact maps a lowercased contact name to its CRM records' names.
	byContact map[string]map[string]struct{}

	contactNames sortedNames
	recordNames  sortedNames
}

func newStore(indexed []string) *store {
	st := &store{
		contacts:  map[string]*contactRec{},
		records:   map[string]*recordRec{},
		byValue:   map[string]map[string]map[string]struct{}{},
		byContact: map[string]map[string]struct{}{},
	}
	for _, k := range indexed {
		st.byValue[k] = map[string]map[string]struct{}{}
	}
	return st
}

func (st *store) hasContact(name string) bool { return st.contacts[name] != nil }
func (st *store) hasRecord(name string) bool  { return st.records[name] != nil }

func (st *store) nextHash() int64 {
	st.seq++
	return st.seq
}

func (st *store) putContact(c *contactRec) {
	if old, ok := st.contacts[c.Name]; ok {
		st.unindexContact(old)
	} else {
		st.contactNames.add(c.Name)
	}
	c.hash = st.nextHash()
	st.contacts[c.Name] = c
	st.indexContact(c)
}

func (st *store) deleteContact(name string) {
	c, ok := st.contacts[name]
	if !ok {
		return
	}
	st.unindexContact(c)
	delete(st.contacts, name)
	st.contactNames.remove(name)
}

func (st *store) indexContact(c *contactRec) {
	for key, idx := range st.byValue {
		for _, v := range c.CustomFields[key] {
			addTo(idx, strings.ToLower(v), c.Name)
		}
	}
}

func (st *store) unindexContact(c *contactRec) {
	for key, idx := range st.byValue {
		for _, v := range c.CustomFields[key] {
			removeFrom(idx, strings.ToLower(v), c.Name)
		}
	}
}

func (st *store) putRecord(rec *recordRec) {
	if old, ok := st.records[rec.Name]; ok {
		removeFrom(st.byContact, strings.ToLower(old.Contact), old.Name)
	} else {
		st.recordNames.add(rec.Name)
	}
	rec.hash = st.nextHash()
	st.records[rec.Name] = rec
	addTo(st.byContact, strings.ToLower(rec.Contact), rec.Name)
}

func (st *store) deleteRecord(name string) {
	rec, ok := st.records[name]
	if !ok {
		return
	}
	removeFrom(st.byContact, strings.ToLower(rec.Contact), name)
	delete(st.records, name)
	st.recordNames.remove(name)
}

func addTo(idx map[string]map[string]struct{}, key, name string) {
	if key == "" {
		return
	}
	set := idx[key]
	if set == nil {
		set = map[string]struct{}{}
		idx[key] = set
	}
	set[name] = struct{}{}
}

func removeFrom(idx map[string]map[string]struct{}, key, name string) {
	set := idx[key]
	delete(set, name)
	if len(set) == 0 {
		delete(idx, key)
	}
}

// sortedNames keeps record names in order for paging without sorting the
// whole store on every page: inserts are queued and merged in on the next
// read, so a read after k inserts costs O(n + k log k).
type sortedNames struct {
	mu      sync.Mutex // readers under the Server's read lock rebuild here
	base    []string
	added   []string
	removed map[string]struct{} // deleted since the last rebuild
}

// add and remove run under the Server's write lock.
func (n *sortedNames) add(name string) { n.added = append(n.added, name) }

func (n *sortedNames) remove(name string) {
	if n.removed == nil {
		n.removed = map[string]struct{}{}
	}
	n.removed[name] = struct{}{}
}

// get returns the names in order. The slice is never modified afterwards,
// so callers may keep it after releasing the lock. Only queued and removed
// names are checked with exists: looking up all 200,000 would dominate.
func (n *sortedNames) get(exists func(string) bool) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.added) == 0 && len(n.removed) == 0 {
		return n.base
	}
	slices.Sort(n.added)
	merged := make([]string, 0, len(n.base)+len(n.added))
	i, j := 0, 0
	for i < len(n.base) || j < len(n.added) {
		var next string
		check := true
		if j >= len(n.added) || (i < len(n.base) && n.base[i] <= n.added[j]) {
			next, i = n.base[i], i+1
			_, check = n.removed[next]
		} else {
			next, j = n.added[j], j+1
		}
		last := len(merged) - 1
		if (last < 0 || merged[last] != next) && (!check || exists(next)) {
			merged = append(merged, next)
		}
	}
	n.base, n.added, n.removed = merged, nil, nil
	return merged
}

func cloneFields(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}
