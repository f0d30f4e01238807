// Package mapping holds the "Map your CRM fields" step: which Daktela contact
// field receives which Shoptet data, rendering a person into those fields,
// merging them into a contact without losing what agents typed, and checking
// a mapping against the CRM's contact form. It also normalises the e-mails
// and phone numbers that identify people.
package mapping

import (
	"errors"
	"regexp"
	"slices"
	"strings"
)

// Defaults of a mapping.
const (
	DefaultDatabase      = "shoptet"
	DefaultOrderLinks    = "shoptet_orders"
	DefaultCountryCode   = "420"
	DefaultMaxOrderLinks = 50
)

// customPrefix starts the keys of a contact's custom fields.
const customPrefix = "customFields."

// Mapping says how a person is written into a Daktela contact.
type Mapping struct {
	// Database is the Daktela CRM database that receives the contacts.
	Database string `yaml:"database" json:"database"`
	// Fields maps a Daktela contact field to a template; it replaces the
	// default fields as a whole.
	Fields map[string]string `yaml:"fields" json:"fields"`
	// OrderLinks is the custom field (URL type) receiving the admin links of
	// the person's orders; empty means no links.
	OrderLinks string `yaml:"orderLinks" json:"orderLinks"`
	// OrderRecords, when set, makes one CRM record per order.
	OrderRecords *RecordConfig `yaml:"orderRecords" json:"orderRecords"`
	// PhoneFormat is how phones are written; E.164 by default.
	PhoneFormat PhoneFormat `yaml:"phoneFormat" json:"phoneFormat"`
	// CountryCode is given to national phone numbers, e.g. "420".
	CountryCode string `yaml:"countryCode" json:"countryCode"`
	// MaxOrderLinks caps the links kept, newest first.
	MaxOrderLinks int `yaml:"maxOrderLinks" json:"maxOrderLinks"`
}

// RecordConfig describes the CRM record made for each order.
type RecordConfig struct {
	Type  string `yaml:"type" json:"type"`   // the CRM record type name
	Stage string `yaml:"stage" json:"stage"` // OPEN or CLOSE; OPEN by default
}

// Default returns the mapping for Daktela's standard contact form plus the
// custom fields shoptet_orders (URL) and shoptet_summary (text).
func Default() *Mapping {
	return &Mapping{
		Database: DefaultDatabase,
		Fields: map[string]string{
			"title":                        "{fullName}",
			"firstname":                    "{firstName}",
			"lastname":                     "{lastName}",
			"customFields.email":           "{emails}",
			"customFields.number":          "{phones}",
			"customFields.address":         "{address}",
			"customFields.shoptet_orders":  "{orderLinks}",
			"customFields.shoptet_summary": "{orderSummary}",
		},
		OrderLinks:    DefaultOrderLinks,
		PhoneFormat:   PhoneE164,
		CountryCode:   DefaultCountryCode,
		MaxOrderLinks: DefaultMaxOrderLinks,
	}
}

// applyDefaults fills the settings a mapping file left out.
func (m *Mapping) applyDefaults() {
	d := Default()
	if m.Database == "" {
		m.Database = d.Database
	}
	if m.Fields == nil {
		m.Fields = d.Fields
	}
	if m.OrderLinks == "" {
		m.OrderLinks = d.OrderLinks
	}
	if m.PhoneFormat == "" {
		m.PhoneFormat = d.PhoneFormat
	}
	if m.CountryCode == "" {
		m.CountryCode = d.CountryCode
	}
	if m.MaxOrderLinks == 0 {
		m.MaxOrderLinks = d.MaxOrderLinks
	}
	if m.OrderRecords != nil && m.OrderRecords.Stage == "" {
		m.OrderRecords.Stage = "OPEN"
	}
}

// FieldError names the entry of a mapping that is wrong and why.
type FieldError struct {
	Field   string
	Problem string
}

// Error returns "field: problem".
func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

var (
	nameRe        = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	countryCodeRe = regexp.MustCompile(`^[1-9][0-9]{0,2}$`)
)

// standardFields are the contact fields a mapping may write besides custom
// fields; title and lastname are required by Daktela.
var standardFields = []string{"title", "firstname", "lastname", "description", "account"}

// Validate checks every entry and returns all problems as FieldErrors.
func (m *Mapping) Validate() error {
	var errs []error
	bad := func(field, problem string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem})
	}
	if !nameRe.MatchString(m.Database) {
		bad("database", "must be a CRM database name (letters, digits, underscore)")
	}
	for _, req := range []string{"title", "lastname"} {
		if _, ok := m.Fields[req]; !ok {
			bad("fields."+req, "is required by Daktela and must be mapped")
		}
	}
	for _, key := range sortedKeys(m.Fields) {
		if problem := checkFieldKey(key); problem != "" {
			bad("fields."+key, problem)
			continue
		}
		if _, err := parseTemplate(m.Fields[key]); err != nil {
			bad("fields."+key, err.Error())
		}
	}
	if m.OrderLinks != "" && !nameRe.MatchString(m.OrderLinks) {
		bad("orderLinks", "must be a custom field key (letters, digits, underscore)")
	}
	if !slices.Contains([]PhoneFormat{"", PhoneE164, PhoneZeroZero, PhoneNational}, m.PhoneFormat) {
		bad("phoneFormat", `must be "e164", "00" or "national"`)
	}
	if !countryCodeRe.MatchString(strings.TrimPrefix(m.CountryCode, "+")) {
		bad("countryCode", "must be a calling code such as 420")
	}
	if m.MaxOrderLinks < 0 {
		bad("maxOrderLinks", "must not be negative")
	}
	if rc := m.OrderRecords; rc != nil {
		if strings.TrimSpace(rc.Type) == "" {
			bad("orderRecords.type", "must name a CRM record type")
		}
		if rc.Stage != "" && rc.Stage != "OPEN" && rc.Stage != "CLOSE" {
			bad("orderRecords.stage", "must be OPEN or CLOSE")
		}
	}
	return errors.Join(errs...)
}

// checkFieldKey returns what is wrong with a Daktela field name, or "".
func checkFieldKey(key string) string {
	if custom, ok := strings.CutPrefix(key, customPrefix); ok {
		if !nameRe.MatchString(custom) {
			return "custom field key must be letters, digits or underscore"
		}
		return ""
	}
	if slices.Contains(standardFields, key) {
		return ""
	}
	if s := suggest(key, standardFields); s != "" {
		return "unknown contact field (did you mean " + s + "?)"
	}
	return "unknown contact field; use title, firstname, lastname, description, " +
		"account or customFields.<key>"
}

// orderLinksKey returns the Fields key of the order links field, or "".
func (m *Mapping) orderLinksKey() string {
	if m.OrderLinks == "" {
		return ""
	}
	return customPrefix + m.OrderLinks
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
