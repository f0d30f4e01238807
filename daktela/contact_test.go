package daktela

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestCustomFieldsUnmarshal(t *testing.T) {
	tests := []struct {
		in      string
		want    CustomFields
		wantErr bool
	}{
		{in: `[]`, want: nil},
		{in: `null`, want: nil},
		{in: `{}`, want: CustomFields{}},
		{in: `{"a":["x",null,"y"],"b":[null],"c":[]}`,
			want: CustomFields{"a": {"x", "y"}, "b": {}, "c": {}}},
		{in: `{"a":"bare","n":42,"z":null}`, want: CustomFields{"a": {"bare"}, "n": {"42"}, "z": {}}},
		{in: `{"a":[1.5]}`, want: CustomFields{"a": {"1.5"}}},
		{in: `["x"]`, wantErr: true},
		{in: `{"a":[{"x":1}]}`, wantErr: true},
	}
	for _, tt := range tests {
		var got CustomFields
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%s: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCustomFieldsMarshal(t *testing.T) {
	b, err := json.Marshal(CustomFields{"a": nil, "b": {"x"}})
	if err != nil || string(b) != `{"a":[],"b":["x"]}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	b, _ = json.Marshal(Contact{Name: "n"})
	if string(b) != `{"name":"n"}` {
		t.Fatalf("empty custom fields marshalled: %s", b)
	}
}

func TestCustomFieldsEqual(t *testing.T) {
	tests := []struct {
		a, b CustomFields
		want bool
	}{
		{nil, nil, true},
		{CustomFields{"a": {}}, nil, true},
		{nil, CustomFields{"a": nil}, true},
		{CustomFields{"a": {"x"}}, CustomFields{"a": {"x"}, "b": {}}, true},
		{CustomFields{"a": {"x"}}, CustomFields{"a": {"y"}}, false},
		{CustomFields{"a": {"x"}}, nil, false},
		{nil, CustomFields{"a": {"x"}}, false},
		{CustomFields{"a": {"x", "y"}}, CustomFields{"a": {"y", "x"}}, false},
	}
	for _, tt := range tests {
		if got := tt.a.Equal(tt.b); got != tt.want {
			t.Errorf("%q.Equal(%q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestContactUnmarshalTimes(t *testing.T) {
	var ct Contact
	zero := `{"created":"0000-00-00 00:00:00","edited":null}`
	if err := json.Unmarshal([]byte(zero), &ct); err != nil {
		t.Fatal(err)
	}
	if !ct.Created.IsZero() || !ct.Edited.IsZero() {
		t.Fatalf("zero times decoded as %v %v", ct.Created, ct.Edited)
	}
	if err := json.Unmarshal([]byte(`{"created":"yesterday"}`), &ct); err == nil {
		t.Fatal("bad time accepted")
	}
	if err := json.Unmarshal([]byte(`{"created":"2024-07-01 10:00:00"}`), &ct); err != nil {
		t.Fatal(err)
	}
	if _, off := ct.Created.Zone(); off != 2*3600 {
		t.Fatalf("summer offset = %d, want CEST", off)
	}
}
