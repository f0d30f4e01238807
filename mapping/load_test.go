package mapping

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	yamlOK := `
database: eshop
fields:
  title: "{fullName}"
  lastname: "{lastName}"
  customFields.email: "{emails}"
phoneFormat: "00"
orderRecords:
  type: order
`
	jsonOK := `{"database": "eshop", "fields": {"title": "{fullName}", "lastname": "{lastName}",
		"customFields.email": "{emails}"}, "phoneFormat": "00", "orderRecords": {"type": "order"}}`
	for _, tt := range []struct{ name, content string }{
		{"m.yaml", yamlOK}, {"m.yml", yamlOK}, {"m.json", jsonOK}, {"m.JSON", "\uFEFF" + jsonOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Load(writeFile(t, tt.name, tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if m.Database != "eshop" || m.PhoneFormat != PhoneZeroZero || len(m.Fields) != 3 {
				t.Errorf("loaded %+v", m)
			}
			// Left-out settings get defaults.
			if m.CountryCode != "420" || m.MaxOrderLinks != 50 || m.OrderLinks != "shoptet_orders" {
				t.Errorf("defaults not applied: %+v", m)
			}
			if m.OrderRecords == nil || m.OrderRecords.Type != "order" || m.OrderRecords.Stage != "OPEN" {
				t.Errorf("orderRecords = %+v", m.OrderRecords)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, content string
		field, contains     string
	}{
		{"unknown yaml key", "m.yaml", "databse: x\n", "databse", "did you mean database?"},
		{"unknown json key", "m.json", `{"phoneFormt": "00"}`, "phoneFormt", "did you mean phoneFormat?"},
		{"unknown nested key", "m.yaml", "orderRecords:\n  type: o\n  stag: OPEN\n",
			"orderRecords.stag", "did you mean orderRecords.stage?"},
		{"unknown contact field", "m.yaml", "fields:\n  title: x\n  lastname: y\n  titel: z\n",
			"fields.titel", "did you mean title?"},
		{"unknown placeholder", "m.json",
			`{"fields": {"title": "{fulName}", "lastname": "{lastName}"}}`,
			"fields.title", "did you mean {fullName}?"},
		{"unbalanced braces", "m.yaml", "fields:\n  title: '{fullName'\n  lastname: x\n",
			"fields.title", "unbalanced"},
		{"lastname required", "m.yaml", "fields:\n  title: '{fullName}'\n",
			"fields.lastname", "required"},
		{"bad phone format", "m.yaml", "phoneFormat: intl\n", "phoneFormat", "e164"},
		{"bad stage", "m.yaml", "orderRecords: {type: o, stage: DONE}\n", "orderRecords.stage", "OPEN"},
		{"bad custom key", "m.yaml", "fields: {title: x, lastname: y, customFields.a-b: z}\n",
			"fields.customFields.a-b", "custom field key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			_, err := Load(path)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Load error = %v, want a FieldError", err)
			}
			if fe.Field != tt.field || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("Load error = %v (field %q), want field %q containing %q",
					err, fe.Field, tt.field, tt.contains)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestLoadOtherErrors(t *testing.T) {
	if _, err := Load(writeFile(t, "m.toml", "x = 1")); err == nil ||
		!strings.Contains(err.Error(), "unsupported file type") {
		t.Errorf("toml: %v", err)
	}
	if _, err := Load(writeFile(t, "m.json", "{")); err == nil {
		t.Error("broken json accepted")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}
