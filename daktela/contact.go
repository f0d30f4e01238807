package daktela

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
	_ "time/tzdata" // Daktela times are Prague local; hosts may lack zoneinfo
)

// prague is the zone of every time Daktela writes.
var prague = mustLoadPrague()

func mustLoadPrague() *time.Location {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		panic("daktela: load Europe/Prague: " + err.Error())
	}
	return loc
}

// Contact is a Daktela CRM contact. Created, Edited and Scheme are filled on
// reads only and never sent. Empty fields are omitted from writes, so a
// write cannot clear a field.
type Contact struct {
	Name         string       `json:"name,omitempty"`
	Title        string       `json:"title,omitempty"`
	FirstName    string       `json:"firstname,omitempty"`
	LastName     string       `json:"lastname,omitempty"`
	Database     string       `json:"database,omitempty"`
	Account      string       `json:"account,omitempty"` // reads: the embedded account's name
	User         string       `json:"user,omitempty"`    // reads: the embedded user's name
	Description  string       `json:"description,omitempty"`
	CustomFields CustomFields `json:"customFields,omitempty"`

	Created time.Time            `json:"-"` // Europe/Prague
	Edited  time.Time            `json:"-"` // Europe/Prague
	Scheme  map[string]FieldInfo `json:"-"` // from _sys.cfScheme
}

// FieldInfo describes one custom field of a contact form.
type FieldInfo struct {
	Type     string // PHONE, EMAIL, URL, ADDRESS, TEXT, TEXTAREA, ...
	Title    string
	Hidden   bool
	ReadOnly bool
}

// contactWire is a contact as reads return it.
type contactWire struct {
	Name         json.RawMessage `json:"name"`
	Title        json.RawMessage `json:"title"`
	FirstName    json.RawMessage `json:"firstname"`
	LastName     json.RawMessage `json:"lastname"`
	Database     json.RawMessage `json:"database"`
	Account      json.RawMessage `json:"account"`
	User         json.RawMessage `json:"user"`
	Description  json.RawMessage `json:"description"`
	CustomFields CustomFields    `json:"customFields"`
	Created      json.RawMessage `json:"created"`
	Edited       json.RawMessage `json:"edited"`
	Sys          struct {
		CFScheme map[string]fieldInfoWire `json:"cfScheme"`
	} `json:"_sys"`
}

// UnmarshalJSON reads a contact as Daktela returns it: nulls as empty,
// embedded account and user objects as their names, Prague times.
func (c *Contact) UnmarshalJSON(b []byte) error {
	var w contactWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var ct Contact
	err := decodeStrings(map[*string]json.RawMessage{
		&ct.Name: w.Name, &ct.Title: w.Title, &ct.FirstName: w.FirstName,
		&ct.LastName: w.LastName, &ct.Description: w.Description,
		&ct.Database: w.Database, &ct.Account: w.Account, &ct.User: w.User,
	})
	if err != nil {
		return fmt.Errorf("contact: %w", err)
	}
	if ct.Created, err = parsePragueTime(w.Created); err != nil {
		return fmt.Errorf("contact created: %w", err)
	}
	if ct.Edited, err = parsePragueTime(w.Edited); err != nil {
		return fmt.Errorf("contact edited: %w", err)
	}
	ct.CustomFields = w.CustomFields
	ct.Scheme = schemeFromWire(w.Sys.CFScheme)
	*c = ct
	return nil
}

// decodeStrings reads each raw value as a name: a string, a number, null or
// an embedded object's name.
func decodeStrings(fields map[*string]json.RawMessage) error {
	for dst, raw := range fields {
		s, err := refName(raw)
		if err != nil {
			return err
		}
		*dst = s
	}
	return nil
}

func (c *Contact) setDefaultName(name string) {
	if c.Name == "" {
		c.Name = name
	}
}

type fieldInfoWire struct {
	Type     string   `json:"type"`
	Title    string   `json:"title"`
	Hidden   flexBool `json:"hidden"`
	ReadOnly flexBool `json:"readonly"`
}

func schemeFromWire(w map[string]fieldInfoWire) map[string]FieldInfo {
	if len(w) == 0 {
		return nil
	}
	out := make(map[string]FieldInfo, len(w))
	for k, f := range w {
		out[k] = FieldInfo{Type: f.Type, Title: f.Title,
			Hidden: bool(f.Hidden), ReadOnly: bool(f.ReadOnly)}
	}
	return out
}

// flexBool reads true/false, 1/0 and "1"/"0".
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch string(bytes.Trim(b, `"`)) {
	case "true", "1":
		*f = true
	case "false", "0", "", "null":
		*f = false
	default:
		return fmt.Errorf("want a boolean, got %.20s", b)
	}
	return nil
}

// CustomFields maps a custom field key to its values; Daktela stores every
// custom field as an array of strings, even for one value.
type CustomFields map[string][]string

// UnmarshalJSON tolerates [] for an empty object, a bare value instead of an
// array, and nulls inside arrays (dropped).
func (cf *CustomFields) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		var list []any
		if err := json.Unmarshal(b, &list); err != nil || len(list) > 0 {
			return fmt.Errorf("custom fields: want an object, got %.40s", b)
		}
		*cf = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(CustomFields, len(raw))
	for k, v := range raw {
		vals, err := customValues(v)
		if err != nil {
			return fmt.Errorf("custom field %s: %w", k, err)
		}
		out[k] = vals
	}
	*cf = out
	return nil
}

func customValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] != '[' {
		s, err := scalarString(raw)
		if err != nil || s == "" {
			return []string{}, err
		}
		return []string{s}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	vals := make([]string, 0, len(items))
	for _, it := range items {
		if string(bytes.TrimSpace(it)) == "null" {
			continue
		}
		s, err := scalarString(it)
		if err != nil {
			return nil, err
		}
		vals = append(vals, s)
	}
	return vals, nil
}

// MarshalJSON writes every key as an array, a nil slice as [], because the
// API defines every custom field as an array and null is not one.
func (cf CustomFields) MarshalJSON() ([]byte, error) {
	out := make(map[string][]string, len(cf))
	for k, v := range cf {
		if v == nil {
			v = []string{}
		}
		out[k] = v
	}
	return json.Marshal(out)
}

// Equal reports whether cf and other hold the same values, treating a
// missing key and an empty array alike since Daktela returns both for an
// unset field.
func (cf CustomFields) Equal(other CustomFields) bool {
	for k, v := range cf {
		if !slices.Equal(v, other[k]) && (len(v) > 0 || len(other[k]) > 0) {
			return false
		}
	}
	for k, v := range other {
		if _, ok := cf[k]; !ok && len(v) > 0 {
			return false
		}
	}
	return true
}
