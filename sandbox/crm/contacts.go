package crm

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// contactStrings are the string fields a contact body may set.
var contactStrings = []string{
	"name", "title", "firstname", "lastname", "database", "account", "user", "description",
}

// Limits of the real contact form.
const (
	maxTitle       = 255
	maxName        = 128
	maxDescription = 512
)

func (s *Server) contactLister() lister {
	st := s.data
	return lister{
		all: func() []string {
			return st.contactNames.get(st.hasContact)
		},
		candidates: s.contactCandidates,
		get:        func(name string) getter { return contactGetter(st.contacts[name]) },
	}
}

// contactCandidates narrows a filter through the name or value indexes.
func (s *Server) contactCandidates(lq listQuery) ([]string, bool) {
	st := s.data
	if name, ok := lq.filter.requiredEq("name"); ok {
		if st.contacts[name] == nil {
			return nil, true
		}
		return []string{name}, true
	}
	for key, idx := range st.byValue {
		if v, ok := lq.filter.requiredEq("customFields." + key); ok {
			return setNames(idx[strings.ToLower(v)]), true
		}
	}
	return nil, false
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, s.contactKind, s.contactLister, func(name string) any {
		return s.contactView(s.data.contacts[name], true)
	})
}

func (s *Server) getContact(w http.ResponseWriter, name string) {
	s.serveOne(w, func() (any, bool) {
		c := s.data.contacts[name]
		if c == nil {
			return nil, false
		}
		return s.contactView(c, true), true
	})
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) {
	raw, err := decodeBody(r)
	if err != nil {
		writeBadBody(w, err)
		return
	}
	var form formError
	in := decodeInput(raw, contactStrings, s.knownField, &form)
	now := time.Now()
	c := &contactRec{Contact: Contact{Created: now, Edited: now}}
	applyContact(&c.Contact, in)

	s.mu.Lock()
	s.checkNewName(&form, &c.Contact, in.has("name"))
	s.validateContact(&form, &c.Contact, true)
	if !form.empty() {
		echo := s.echoContact(c, false)
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, form.body(), echo)
		return
	}
	s.data.putContact(c)
	view := s.contactView(c, true)
	s.mu.Unlock()

	s.written()
	writeResult(w, http.StatusCreated, view)
}

// checkNewName validates a client-chosen name or generates one.
func (s *Server) checkNewName(form *formError, c *Contact, given bool) {
	if !given || c.Name == "" {
		c.Name = s.freeName("contact_", s.data.hasContact)
		return
	}
	checkText(form, "name", c.Name, true, maxTitle, true)
	if s.data.contacts[c.Name] != nil {
		form.add("name", msgNotUnique)
	}
}

// freeName generates a name the way Daktela does: a prefix and hex.
func (s *Server) freeName(prefix string, taken func(string) bool) string {
	for {
		name := fmt.Sprintf("%s%016x", prefix, rand.Uint64())
		if !taken(name) {
			return name
		}
	}
}

func (s *Server) knownField(key string) bool {
	_, ok := s.fields[key]
	return ok
}

// applyContact copies the given fields; customFields keys given replace
// those keys' arrays and leave the others.
func applyContact(c *Contact, in input) {
	in.apply(map[string]*string{
		"name": &c.Name, "title": &c.Title, "firstname": &c.FirstName,
		"lastname": &c.LastName, "database": &c.Database, "account": &c.Account,
		"user": &c.User, "description": &c.Description,
	}, &c.CustomFields)
}

// validateContact applies the contact form's rules.
func (s *Server) validateContact(form *formError, c *Contact, create bool) {
	checkText(form, "title", c.Title, true, maxTitle, true)
	checkText(form, "lastname", c.LastName, true, maxName, false)
	checkText(form, "firstname", c.FirstName, false, maxName, false)
	checkText(form, "description", c.Description, false, maxDescription, false)
	switch {
	case create && c.Database == "":
		form.add("database", msgRequired)
	case c.Database != "" && !s.dbs[c.Database]:
		form.add("database", msgForeignKey)
	}
	if c.User != "" && c.User != sandboxUser {
		form.add("user", msgForeignKey)
	}
	for key, vals := range c.CustomFields {
		if s.fields[key].Type != "EMAIL" {
			continue
		}
		for _, v := range vals {
			if v != "" && !validEmail(v) {
				form.addCustom(key, msgBadEmail)
				break
			}
		}
	}
}

// echoContact is the record a 400 answer carries: what would have been
// stored, with unset values as null the way the real service echoes them.
func (s *Server) echoContact(c *contactRec, stored bool) *contactJSON {
	view := s.contactView(c, stored)
	for _, p := range []**string{&view.Title, &view.FirstName, &view.LastName, &view.Description} {
		if **p == "" {
			*p = nil
		}
	}
	if stored {
		return view
	}
	view.NPSScore = nil
	view.Sys.Hash = nil
	custom := view.CustomFields.(map[string][]string)
	echoed := make(map[string][]*string, len(custom))
	for key, vals := range custom {
		echoed[key] = echoValues(vals)
	}
	view.CustomFields = echoed
	return view
}

// echoValues writes an empty array as [null], as a failed create does.
func echoValues(vals []string) []*string {
	if len(vals) == 0 {
		return []*string{nil}
	}
	out := make([]*string, len(vals))
	for i := range vals {
		out[i] = &vals[i]
	}
	return out
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request, name string) {
	raw, err := decodeBody(r)
	if err != nil {
		writeBadBody(w, err)
		return
	}
	var form formError
	in := decodeInput(raw, contactStrings, s.knownField, &form)
	delete(in.strs, "name") // a name never changes after create

	s.mu.Lock()
	old := s.data.contacts[name]
	if old == nil {
		s.mu.Unlock()
		writeNotFound(w)
		return
	}
	c := &contactRec{Contact: old.Contact, hash: old.hash}
	c.CustomFields = cloneFields(old.CustomFields)
	applyContact(&c.Contact, in)
	s.validateContact(&form, &c.Contact, false)
	if !form.empty() {
		echo := s.echoContact(c, true)
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, form.body(), echo)
		return
	}
	c.Edited = time.Now()
	s.data.putContact(c)
	view := s.contactView(c, true)
	s.mu.Unlock()

	s.written()
	writeResult(w, http.StatusOK, view)
}

func (s *Server) deleteContact(w http.ResponseWriter, name string) {
	s.serveDelete(w, func() bool {
		found := s.data.contacts[name] != nil
		s.data.deleteContact(name)
		return found
	})
}
