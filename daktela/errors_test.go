package daktela

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestErrorClasses(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		reply     reply
		kind      Kind
		retryable bool
		retry     time.Duration
		messages  []string
		fields    map[string][]string
	}{
		{"429 seconds", reply{status: 429, header: map[string]string{"Retry-After": "7"}},
			KindThrottled, true, 7 * time.Second, nil, nil},
		{"429 http date", reply{status: 429, header: map[string]string{
			"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}},
			KindThrottled, true, 90 * time.Second, nil, nil},
		{"429 without header", reply{status: 429}, KindThrottled, true, 0, nil, nil},
		{"500 html", reply{status: 500, body: "<html>oops</html>"}, KindServer, true, 0, nil, nil},
		{"503 retry", reply{status: 503, header: map[string]string{"Retry-After": "2"},
			body: `{"error":["maintenance"]}`}, KindServer, true, 2 * time.Second,
			[]string{"maintenance"}, nil},
		{"400 form", reply{status: 400, body: `{"error":{"form":{"lastname":"Item is mandatory",` +
			`"customFields":{"email":["E-mail není ve správném formátu"]}}},"result":{"name":"x"}}`},
			KindValidation, false, 0, nil, map[string][]string{
				"lastname":           {"Item is mandatory"},
				"customFields.email": {"E-mail není ve správném formátu"}}},
		{"422 array", reply{status: 422, body: `{"error":["a","b"]}`},
			KindValidation, false, 0, []string{"a", "b"}, nil},
		{"401", reply{status: 401, body: `{"error":"Invalid token"}`},
			KindAuth, false, 0, []string{"Invalid token"}, nil},
		{"403", reply{status: 403, body: `{"error":{"primary":["Forbidden"]}}`},
			KindAuth, false, 0, []string{"Forbidden"}, nil},
		{"404", reply{status: 404, body: "\uFEFF" + `{"error":"Object not exist"}`},
			KindNotFound, false, 0, []string{"Object not exist"}, nil},
		{"200 with string error", reply{status: 200, body: `{"error":"Object not exist","result":null}`},
			KindValidation, false, 0, []string{"Object not exist"}, nil},
		{"201 with primary error", reply{status: 201, body: `{"error":{"primary":["Nelze uložit"]}}`},
			KindValidation, false, 0, []string{"Nelze uložit"}, nil},
		{"200 with form error", reply{status: 200, body: `{"error":{"form":{"title":["Required"]}}}`},
			KindValidation, false, 0, nil, map[string][]string{"title": {"Required"}}},
		{"409 other", reply{status: 409, body: `{"error":"Conflict"}`},
			KindOther, false, 0, []string{"Conflict"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, tt.reply)
			c.now = func() time.Time { return now }
			_, err := c.Contact(context.Background(), "x")
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Kind != tt.kind || e.Retryable() != tt.retryable || e.RetryAfter != tt.retry {
				t.Fatalf("kind %v retryable %v retry %v, want %v %v %v",
					e.Kind, e.Retryable(), e.RetryAfter, tt.kind, tt.retryable, tt.retry)
			}
			if !reflect.DeepEqual(e.Messages, tt.messages) || !reflect.DeepEqual(e.Fields, tt.fields) {
				t.Fatalf("messages %q fields %q", e.Messages, e.Fields)
			}
			if e.Method != "GET" || e.Endpoint != "/api/v6/contacts/x.json" ||
				e.Status != tt.reply.status {
				t.Fatalf("error = %+v", e)
			}
			if IsNotFound(err) != (tt.kind == KindNotFound) {
				t.Fatalf("IsNotFound = %v", IsNotFound(err))
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Method: "POST", Endpoint: "/api/v6/contacts.json", Status: 400,
		Kind: KindValidation, Messages: []string{"Chyba"},
		Fields: map[string][]string{"lastname": {"Vstup je povinný"},
			"customFields.email": {"E-mail není ve správném formátu", "x"}}}
	want := "daktela: post /api/v6/contacts.json: 400 validation: Chyba; " +
		"customFields.email: E-mail není ve správném formátu, x; lastname: Vstup je povinný"
	if got := e.Error(); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	e = &Error{Method: "GET", Endpoint: "/api/v6/x.json", Status: 429, Kind: KindThrottled,
		RetryAfter: 3 * time.Second}
	want = "daktela: get /api/v6/x.json: 429 throttled (retry after 3s)"
	if got := e.Error(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestAsErrorWrapped(t *testing.T) {
	inner := &Error{Kind: KindNotFound}
	err := errors.Join(errors.New("context"), inner)
	if e, ok := AsError(err); !ok || e != inner || !IsNotFound(err) {
		t.Fatal("wrapped *Error not found")
	}
	if _, ok := AsError(errors.New("plain")); ok || IsNotFound(nil) {
		t.Fatal("plain error matched")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"Fri, 01 Mar 2024 12:00:30 GMT", 30 * time.Second},
		{"Friday, 01-Mar-24 12:01:00 GMT", time.Minute},
		{"Fri, 01 Mar 2024 11:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseAPIErrorShapes(t *testing.T) {
	tests := []struct {
		raw      string
		messages []string
		fields   map[string][]string
		empty    bool
	}{
		{raw: `[]`, empty: true},
		{raw: `null`, empty: true},
		{raw: `{}`, empty: true},
		{raw: `""`, empty: true},
		{raw: `"Object not exist"`, messages: []string{"Object not exist"}},
		{raw: `["a",["b"],null,3]`, messages: []string{"a", "b", "3"}},
		{raw: `{"primary":"one"}`, messages: []string{"one"}},
		{raw: `{"form":{"a":["x","y"],"customFields":{"k":["z"]}}}`,
			fields: map[string][]string{"a": {"x", "y"}, "customFields.k": {"z"}}},
		{raw: `{"form":"whole form bad"}`, fields: map[string][]string{"form": {"whole form bad"}}},
	}
	for _, tt := range tests {
		if got := emptyError([]byte(tt.raw)); got != tt.empty {
			t.Errorf("emptyError(%s) = %v", tt.raw, got)
		}
		msgs, fields := parseAPIError([]byte(tt.raw))
		if !reflect.DeepEqual(msgs, tt.messages) || !reflect.DeepEqual(fields, tt.fields) {
			t.Errorf("parseAPIError(%s) = %q %q", tt.raw, msgs, fields)
		}
	}
}
