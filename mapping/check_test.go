package mapping

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fixtureScheme reads the custom field scheme of a recorded Daktela contact.
func fixtureScheme(t *testing.T) map[string]FieldInfo {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "fixtures", "daktela-api", "simple-contact.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("fixture not available: %v", err)
	}
	var doc struct {
		Result struct {
			Sys struct {
				CfScheme map[string]struct {
					Type     string `json:"type"`
					Title    string `json:"title"`
					Hidden   bool   `json:"hidden"`
					ReadOnly bool   `json:"readonly"`
				} `json:"cfScheme"`
			} `json:"_sys"`
		} `json:"result"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	scheme := map[string]FieldInfo{}
	for k, v := range doc.Result.Sys.CfScheme {
		scheme[k] = FieldInfo{Type: v.Type, Title: v.Title, Hidden: v.Hidden, ReadOnly: v.ReadOnly}
	}
	return scheme
}

func TestCheckAgainstRecordedForm(t *testing.T) {
	scheme := fixtureScheme(t)
	scheme["shoptet_orders"] = FieldInfo{Type: "URL", Title: "Objednávky"}
	scheme["shoptet_summary"] = FieldInfo{Type: "TEXT", Title: "Souhrn"}
	if got := Default().Check(scheme); len(got) != 0 {
		t.Errorf("default mapping on a prepared form: %v", got)
	}

	// The recorded form lacks the two Shoptet fields.
	got := Default().Check(fixtureScheme(t))
	want := []Mismatch{
		{"customFields.shoptet_orders", "no such custom field in the contact form"},
		{"customFields.shoptet_summary", "no such custom field in the contact form"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Check = %v, want %v", got, want)
	}
}

func TestCheck(t *testing.T) {
	scheme := map[string]FieldInfo{
		"shoptet_orders": {Type: "URL"},
		"email":          {Type: "TEXT"},
		"number":         {Type: "PHONE", ReadOnly: true},
		"note":           {Type: "TEXTAREA", Hidden: true},
	}
	m := Default()
	m.OrderLinks = "shopet_orders"
	m.Fields = map[string]string{
		"title":                      "{fullName}",
		"lastname":                   "{lastName}",
		"customFields.email":         "{emails}",
		"customFields.number":        "{phones}",
		"customFields.note":          "{orderSummary}",
		"customFields.links":         "{orderLinks}",
		"customFields.shopet_orders": "{orderLinks}",
	}
	scheme["links"] = FieldInfo{Type: "TEXT"}
	want := []Mismatch{
		{"customFields.email", "is a TEXT field, e-mails need a field of type EMAIL"},
		{"customFields.links", "is a TEXT field, order links need a field of type URL"},
		{"customFields.note", "hidden in the contact form, agents will not see it"},
		{"customFields.number", "read-only in the contact form, the sync cannot write it"},
		{"customFields.shopet_orders",
			"no such custom field in the contact form (did you mean shoptet_orders?)"},
	}
	if got := m.Check(scheme); !reflect.DeepEqual(got, want) {
		t.Errorf("Check =\n%v\nwant\n%v", got, want)
	}
}
