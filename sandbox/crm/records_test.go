package crm

import (
	"reflect"
	"strings"
	"testing"
)

func TestCRMRecords(t *testing.T) {
	h := newHarness(t, Options{})
	h.do("POST", "/api/v6/contacts.json", contactBody("jan", "jan@example.cz")).mustStatus(t, 201)
	order := map[string]any{
		"name": "order.1", "type": "shoptet_order", "title": "Objednávka 1",
		"contact": "jan", "customFields": map[string]any{"total": []string{"100 CZK"}},
	}
	created := h.do("POST", "/api/v6/crmRecords.json", order).mustStatus(t, 201).result()
	if created["stage"] != "OPEN" {
		t.Errorf("default stage %v", created["stage"])
	}
	if c, _ := created["contact"].(map[string]any); c["name"] != "jan" {
		t.Errorf("embedded contact %v", created["contact"])
	}
	if ty, _ := created["type"].(map[string]any); ty["name"] != "shoptet_order" {
		t.Errorf("embedded type %v", created["type"])
	}

	got := h.do("GET", "/api/v6/crmRecords/order%2E1.json", nil).mustStatus(t, 200).result()
	if got["title"] != "Objednávka 1" {
		t.Errorf("get %v", got)
	}
	upd := h.do("PUT", "/api/v6/crmRecords/order%2E1.json", map[string]any{"stage": "CLOSE"})
	r := upd.mustStatus(t, 200).result()
	if r["stage"] != "CLOSE" || r["title"] != "Objednávka 1" {
		t.Errorf("put %v", r)
	}
	bad := map[string]any{"stage": "DONE"}
	h.do("PUT", "/api/v6/crmRecords/order%2E1.json", bad).mustStatus(t, 400)
	h.do("GET", "/api/v6/crmRecords/nope.json", nil).mustStatus(t, 404)
	h.do("PUT", "/api/v6/crmRecords/nope.json", map[string]any{}).mustStatus(t, 404)

	gen := h.do("POST", "/api/v6/crmRecords.json", map[string]any{
		"type": "shoptet_order", "title": "Second", "contact": "jan",
	}).mustStatus(t, 201)
	if name, _ := gen.result()["name"].(string); !strings.HasPrefix(name, "crmrecord_") {
		t.Errorf("generated name %q", name)
	}
	list := h.do("GET", "/api/v6/crmRecords.json?"+filterQuery("contact", "eq", "jan")+
		"&sort[0][field]=title", nil).mustStatus(t, 200)
	if got := names(list); len(got) != 2 || got[0] != "order.1" {
		t.Errorf("records of jan %v", got)
	}
	if list.result()["total"] != 2.0 {
		t.Errorf("total %v", list.result()["total"])
	}
}

func TestCRMRecordValidation(t *testing.T) {
	h := newHarness(t, Options{})
	h.do("POST", "/api/v6/contacts.json", contactBody("jan", "jan@example.cz")).mustStatus(t, 201)
	tests := []struct {
		name  string
		patch map[string]any
		field string
	}{
		{"missing type", map[string]any{"type": nil}, "type"},
		{"unknown type", map[string]any{"type": "ticket"}, "type"},
		{"missing title", map[string]any{"title": ""}, "title"},
		{"long title", map[string]any{"title": strings.Repeat("t", 129)}, "title"},
		{"bad stage", map[string]any{"stage": "WON"}, "stage"},
		{"unknown contact", map[string]any{"contact": "ghost"}, "contact"},
		{"duplicate name", map[string]any{"name": "dup"}, "name"},
	}
	base := map[string]any{"type": "shoptet_order", "title": "T", "contact": "jan"}
	dup := map[string]any{"name": "dup", "type": "shoptet_order", "title": "T"}
	h.do("POST", "/api/v6/crmRecords.json", dup).mustStatus(t, 201)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{}
			for k, v := range base {
				body[k] = v
			}
			for k, v := range tt.patch {
				body[k] = v
			}
			a := h.do("POST", "/api/v6/crmRecords.json", body).mustStatus(t, 400)
			form := a.env["error"].(map[string]any)["form"].(map[string]any)
			if _, ok := form[tt.field]; !ok {
				t.Fatalf("form %v lacks %s", form, tt.field)
			}
		})
	}
	if got := h.srv.CRMRecords(); len(got) != 1 || !reflect.DeepEqual(got[0].Name, "dup") {
		t.Fatalf("rejected records stored: %v", got)
	}
}
