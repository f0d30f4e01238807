package crm

import (
	"encoding/json"
	"net/http"
	"time"
	_ "time/tzdata" // Daktela speaks Prague time; do not depend on the host's zoneinfo
)

// timeLayout is how Daktela writes every time: Prague local, no zone.
const timeLayout = "2006-01-02 15:04:05"

var prague = mustLoad("Europe/Prague")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // unreachable: time/tzdata embeds the zone
	}
	return loc
}

func formatTime(t time.Time) string {
	return t.In(prague).Format(timeLayout)
}

// envelope is the wrapper of every answer.
type envelope struct {
	Error  any    `json:"error"`
	Result any    `json:"result"`
	Time   string `json:"_time"`
}

// Messages the real service answers with, most of them in Czech.
const (
	msgNotExist     = "Object not exist"
	msgRequired     = "Vstup je povinný"
	msgForeignKey   = "Chyba cizího klíče"
	msgBadEmail     = "E-mail není ve správném formátu"
	msgNotArray     = "Hodnota musí být pole textových řetězců"
	msgUnknownField = "Neznámé pole formuláře"
	msgBadChars     = "Vstup obsahuje nepovolené znaky"
	msgNotUnique    = "Tato hodnota již existuje"
	msgBadValue     = "Neplatná hodnota"
	msgInternal     = "Internal server error"
	msgUnauthorized = "Uživatel není přihlášen"
	msgNoEndpoint   = "Endpoint not exist"
)

func writeJSON(w http.ResponseWriter, status int, env envelope) {
	env.Time = formatTime(time.Now())
	body, err := json.Marshal(env)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error":["Internal server error"],"result":null}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeResult answers a success: error is an empty array.
func writeResult(w http.ResponseWriter, status int, result any) {
	writeJSON(w, status, envelope{Error: []string{}, Result: result})
}

// writeError answers a failure; result is null unless a record is echoed.
func writeError(w http.ResponseWriter, status int, errVal any, result any) {
	writeJSON(w, status, envelope{Error: errVal, Result: result})
}

func writeNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, msgNotExist, nil)
}

// formError is the shape of a validation failure: field -> message, and
// customFields -> key -> messages.
type formError struct {
	fields map[string]string
	custom map[string][]string
}

func (f *formError) add(field, msg string) {
	if f.fields == nil {
		f.fields = map[string]string{}
	}
	if _, ok := f.fields[field]; !ok {
		f.fields[field] = msg
	}
}

func (f *formError) addCustom(key, msg string) {
	if f.custom == nil {
		f.custom = map[string][]string{}
	}
	f.custom[key] = append(f.custom[key], msg)
}

func (f *formError) empty() bool {
	return len(f.fields) == 0 && len(f.custom) == 0
}

func (f *formError) body() map[string]any {
	form := map[string]any{}
	for k, v := range f.fields {
		form[k] = v
	}
	if len(f.custom) > 0 {
		form["customFields"] = f.custom
	}
	return map[string]any{"form": form}
}
