package crm

import (
	"net/http"
	"strings"
	"time"
)

// recordStrings are the string fields a CRM record body may set.
var recordStrings = []string{
	"name", "type", "title", "stage", "contact", "account", "user", "status", "description",
}

// maxRecordTitle is the real limit of a CRM record's title.
const maxRecordTitle = 128

func (s *Server) recordLister() lister {
	st := s.data
	return lister{
		all: func() []string {
			return st.recordNames.get(st.hasRecord)
		},
		candidates: s.recordCandidates,
		get:        func(name string) getter { return recordGetter(st.records[name]) },
	}
}

func (s *Server) recordCandidates(lq listQuery) ([]string, bool) {
	st := s.data
	if name, ok := lq.filter.requiredEq("name"); ok {
		if st.records[name] == nil {
			return nil, true
		}
		return []string{name}, true
	}
	if contact, ok := lq.filter.requiredEq("contact"); ok {
		return setNames(st.byContact[strings.ToLower(contact)]), true
	}
	return nil, false
}

func recordKind(field string) (fieldKind, bool) {
	switch field {
	case "name", "type", "title", "stage", "contact", "account", "user",
		"status", "description":
		return kindString, true
	case "created", "edited":
		return kindTime, true
	}
	return kindString, strings.HasPrefix(field, "customFields.")
}

func recordGetter(rec *recordRec) getter {
	return func(field string) []string {
		if key, ok := strings.CutPrefix(field, "customFields."); ok {
			return rec.CustomFields[key]
		}
		return one(recordScalar(rec, field))
	}
}

func recordScalar(rec *recordRec, field string) string {
	switch field {
	case "created":
		return formatTime(rec.Created)
	case "edited":
		return formatTime(rec.Edited)
	}
	if p := recordTargets(&rec.CRMRecord)[field]; p != nil {
		return *p
	}
	return ""
}

func recordTargets(rec *CRMRecord) map[string]*string {
	return map[string]*string{
		"name": &rec.Name, "type": &rec.Type, "title": &rec.Title,
		"stage": &rec.Stage, "contact": &rec.Contact, "account": &rec.Account,
		"user": &rec.User, "status": &rec.Status, "description": &rec.Description,
	}
}

// recordView is a CRM record as reads return it, foreign keys embedded.
func (s *Server) recordView(rec *recordRec) map[string]any {
	var contact any
	if c := s.data.contacts[rec.Contact]; c != nil {
		contact = s.contactView(c, false)
	}
	custom := make(map[string][]string, len(rec.CustomFields))
	for k, v := range rec.CustomFields {
		custom[k] = nonNil(v)
	}
	return map[string]any{
		"name":         rec.Name,
		"title":        rec.Title,
		"type":         namedView(rec.Type, "crmRecordTypes"),
		"stage":        rec.Stage,
		"contact":      contact,
		"account":      accountView(rec.Account),
		"user":         userView(rec.User),
		"status":       namedView(rec.Status, "statuses"),
		"description":  rec.Description,
		"customFields": custom,
		"created":      formatTime(rec.Created),
		"edited":       formatTime(rec.Edited),
		"_sys":         map[string]any{"hash": hashString(rec.hash), "model": "crmRecords"},
	}
}

func namedView(name, model string) any {
	if name == "" {
		return nil
	}
	return map[string]any{
		"name": name, "title": name,
		"_sys": map[string]any{"hash": nil, "model": model},
	}
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, recordKind, s.recordLister, func(name string) any {
		return s.recordView(s.data.records[name])
	})
}

func (s *Server) getRecord(w http.ResponseWriter, name string) {
	s.serveOne(w, func() (any, bool) {
		rec := s.data.records[name]
		if rec == nil {
			return nil, false
		}
		return s.recordView(rec), true
	})
}

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request) {
	raw, err := decodeBody(r)
	if err != nil {
		writeBadBody(w, err)
		return
	}
	var form formError
	in := decodeInput(raw, recordStrings, nil, &form)
	now := time.Now()
	rec := &recordRec{CRMRecord: CRMRecord{Stage: "OPEN", Created: now, Edited: now}}
	applyRecord(&rec.CRMRecord, in)

	s.mu.Lock()
	s.checkRecordName(&form, &rec.CRMRecord, in.has("name"))
	s.validateRecord(&form, &rec.CRMRecord)
	if !form.empty() {
		echo := s.recordView(rec)
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, form.body(), echo)
		return
	}
	s.data.putRecord(rec)
	view := s.recordView(rec)
	s.mu.Unlock()

	s.written()
	writeResult(w, http.StatusCreated, view)
}

func (s *Server) checkRecordName(form *formError, rec *CRMRecord, given bool) {
	if !given || rec.Name == "" {
		rec.Name = s.freeName("crmrecord_", s.data.hasRecord)
		return
	}
	checkText(form, "name", rec.Name, true, maxTitle, true)
	if s.data.records[rec.Name] != nil {
		form.add("name", msgNotUnique)
	}
}

func applyRecord(rec *CRMRecord, in input) {
	in.apply(recordTargets(rec), &rec.CustomFields)
}

// validateRecord applies the CRM record form's rules.
func (s *Server) validateRecord(form *formError, rec *CRMRecord) {
	switch {
	case rec.Type == "":
		form.add("type", msgRequired)
	case !s.types[rec.Type]:
		form.add("type", msgForeignKey)
	}
	checkText(form, "title", rec.Title, true, maxRecordTitle, true)
	checkText(form, "description", rec.Description, false, maxDescription, false)
	if rec.Stage != "OPEN" && rec.Stage != "CLOSE" {
		form.add("stage", msgBadValue)
	}
	if rec.Contact != "" && s.data.contacts[rec.Contact] == nil {
		form.add("contact", msgForeignKey)
	}
	if rec.User != "" && rec.User != sandboxUser {
		form.add("user", msgForeignKey)
	}
}

func (s *Server) updateRecord(w http.ResponseWriter, r *http.Request, name string) {
	raw, err := decodeBody(r)
	if err != nil {
		writeBadBody(w, err)
		return
	}
	var form formError
	in := decodeInput(raw, recordStrings, nil, &form)
	delete(in.strs, "name") // a name never changes after create

	s.mu.Lock()
	old := s.data.records[name]
	if old == nil {
		s.mu.Unlock()
		writeNotFound(w)
		return
	}
	rec := &recordRec{CRMRecord: old.CRMRecord, hash: old.hash}
	rec.CustomFields = cloneFields(old.CustomFields)
	applyRecord(&rec.CRMRecord, in)
	s.validateRecord(&form, &rec.CRMRecord)
	if !form.empty() {
		echo := s.recordView(rec)
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, form.body(), echo)
		return
	}
	rec.Edited = time.Now()
	s.data.putRecord(rec)
	view := s.recordView(rec)
	s.mu.Unlock()

	s.written()
	writeResult(w, http.StatusOK, view)
}

func (s *Server) deleteRecord(w http.ResponseWriter, name string) {
	s.serveDelete(w, func() bool {
		found := s.data.records[name] != nil
		s.data.deleteRecord(name)
		return found
	})
}
