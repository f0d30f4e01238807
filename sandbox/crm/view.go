package crm

import (
	"encoding/json"
	"strconv"
	"strings"
)

// sandboxUser is the login behind the token, the only known user.
const sandboxUser = "administrator"

// userView embeds a user the way reads do; nil for none.
func userView(name string) any {
	if name == "" {
		return nil
	}
	title := name
	if name == sandboxUser {
		title = "Administrator"
	}
	return map[string]any{
		"name": name, "title": title, "alias": "", "email": "",
		"extension": "500", "deleted": false, "deactivated": false,
		"_sys": map[string]any{"hash": nil, "model": "users"},
	}
}

// accountView embeds an account; the sandbox keeps no account records, so
// the title is the name.
func accountView(name string) any {
	if name == "" {
		return nil
	}
	return map[string]any{
		"name": name, "title": name,
		"_sys": map[string]any{"hash": nil, "model": "accounts"},
	}
}

func hashString(h int64) any {
	if h == 0 {
		return nil
	}
	return strconv.FormatInt(h, 10)
}

// customView lists every form field, with [] for none, plus any extra
// keys a seeded contact carries.
func (s *Server) customView(cf map[string][]string) map[string][]string {
	out := make(map[string][]string, len(s.opts.Fields))
	for _, f := range s.opts.Fields {
		out[f.Key] = nonNil(cf[f.Key])
	}
	for k, v := range cf {
		if _, ok := out[k]; !ok {
			out[k] = nonNil(v)
		}
	}
	return out
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// contactJSON is a contact as reads return it. Pointers are the values
// a failed write echoes as null.
type contactJSON struct {
	Name         string  `json:"name"`
	Title        *string `json:"title"`
	FirstName    *string `json:"firstname"`
	LastName     *string `json:"lastname"`
	Account      any     `json:"account"`
	User         any     `json:"user"`
	Description  *string `json:"description"`
	NPSScore     *int    `json:"nps_score"`
	Created      string  `json:"created"`
	Edited       string  `json:"edited"`
	CustomFields any     `json:"customFields"`
	Duplicates   any     `json:"duplicateContacts"`
	NotDuplicate any     `json:"notDuplicateContacts"`
	Sys          sysJSON `json:"_sys"`
}

// sysJSON is the _sys block of a read.
type sysJSON struct {
	Hash     any             `json:"hash"`
	Model    string          `json:"model"`
	CFScheme json.RawMessage `json:"cfScheme,omitempty"`
}

var zero = 0

// contactView is a contact as reads return it; the cfScheme is added for
// reads of contacts themselves, not for contacts embedded elsewhere.
func (s *Server) contactView(c *contactRec, withScheme bool) *contactJSON {
	v := &contactJSON{
		Name:         c.Name,
		Title:        &c.Title,
		FirstName:    &c.FirstName,
		LastName:     &c.LastName,
		Account:      accountView(c.Account),
		User:         userView(c.User),
		Description:  &c.Description,
		NPSScore:     &zero,
		Created:      formatTime(c.Created),
		Edited:       formatTime(c.Edited),
		CustomFields: s.customView(c.CustomFields),
		Sys:          sysJSON{Hash: hashString(c.hash), Model: "contacts"},
	}
	if withScheme {
		v.Sys.CFScheme = s.scheme
	}
	return v
}

// contactKind knows the filterable contact fields.
func (s *Server) contactKind(field string) (fieldKind, bool) {
	switch field {
	case "name", "title", "firstname", "lastname", "database", "account",
		"user", "description":
		return kindString, true
	case "created", "edited":
		return kindTime, true
	case "nps_score":
		return kindNumber, true
	}
	key, ok := strings.CutPrefix(field, "customFields.")
	if !ok {
		return 0, false
	}
	_, known := s.fields[key]
	return kindString, known
}

// contactGetter reads fields for filtering and sorting.
func contactGetter(c *contactRec) getter {
	return func(field string) []string {
		if key, ok := strings.CutPrefix(field, "customFields."); ok {
			return c.CustomFields[key]
		}
		return one(contactScalar(c, field))
	}
}

func contactScalar(c *contactRec, field string) string {
	switch field {
	case "name":
		return c.Name
	case "title":
		return c.Title
	case "firstname":
		return c.FirstName
	case "lastname":
		return c.LastName
	case "database":
		return c.Database
	case "account":
		return c.Account
	case "user":
		return c.User
	case "description":
		return c.Description
	case "created":
		return formatTime(c.Created)
	case "edited":
		return formatTime(c.Edited)
	case "nps_score":
		return "0"
	}
	return ""
}

func one(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}
