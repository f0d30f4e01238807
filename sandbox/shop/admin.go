package shop

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// maxAdminBody bounds an admin request body; a fault is a few dozen bytes.
const maxAdminBody = 1 << 16

// adminOrders handles POST /_sandbox/orders?add=N&change=M at the server's
// current time and answers {"added":[ORDER_ID...],"changed":[...]}.
func (srv *Server) adminOrders(w http.ResponseWriter, r *http.Request) {
	add, err1 := queryInt(r, "add")
	change, err2 := queryInt(r, "change")
	if err1 != nil || err2 != nil || add < 0 || change < 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error": "add and change must be non-negative integers"})
		return
	}
	srv.mu.Lock()
	now := srv.now()
	srv.mu.Unlock()
	out := struct {
		Added   []string `json:"added"`
		Changed []string `json:"changed"`
	}{srv.shop.AddOrders(add, now), srv.shop.ChangeOrders(change, now)}
	srv.log.Info("sandbox shop orders changed", "added", len(out.Added),
		"changed", len(out.Changed))
	writeJSON(w, http.StatusOK, out)
}

// adminFault handles POST /_sandbox/fault with a JSON Fault body.
func (srv *Server) adminFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody))
	if err == nil {
		err = json.Unmarshal(body, &f)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	srv.SetFault(f)
	srv.log.Info("sandbox shop fault set", "kind", f.Kind.String(), "export", f.Export,
		"times", f.Times)
	writeJSON(w, http.StatusOK, f)
}

// Stats is the answer of GET /_sandbox/stats.
type Stats struct {
	Requests  map[string]int `json:"requests"` // per export, refused ones included
	Denied    int            `json:"denied"`   // refused for a hash or partnerId
	Fault     Fault          `json:"fault"`
	Customers int            `json:"customers"`
	Orders    int            `json:"orders"`
	Persons   int            `json:"persons"`
}

// Stats returns the request counters and the shop's size.
func (srv *Server) Stats() Stats {
	t := srv.shop.Truth()
	st := Stats{Customers: srv.shop.customers, Orders: t.Orders(), Persons: t.Persons()}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	st.Requests = map[string]int{}
	for k, v := range srv.counts {
		st.Requests[k] = v
	}
	st.Denied, st.Fault = srv.denied, srv.fault
	return st
}

func (srv *Server) adminStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, srv.Stats())
}

func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	return strconv.Atoi(v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
