package crm

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const apiPrefix = "/api/v6/"

// route is a parsed request path.
type route struct {
	endpoint string // "contacts", "mergeContacts", ...
	name     string // the record name for one-record paths
	one      bool   // a one-record path
}

// parseRoute reads the escaped path so that %2E stays part of a name while
// an unescaped dot ends it, as the real router does.
func parseRoute(r *http.Request) (route, bool) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), apiPrefix)
	if !ok {
		return route{}, false
	}
	endpoint, tail, one := strings.Cut(rest, "/")
	if !one {
		endpoint = strings.TrimSuffix(endpoint, ".json")
		return route{endpoint: endpoint}, endpoint != ""
	}
	escaped, _, _ := strings.Cut(tail, ".")
	name, err := url.PathUnescape(escaped)
	if err != nil || name == "" {
		return route{}, false
	}
	return route{endpoint: endpoint, name: name, one: true}, true
}

// counterKey names the endpoint in Counters.
func (rt route) counterKey(method string) string {
	if rt.one && method == http.MethodGet {
		return method + " " + rt.endpoint + "/one"
	}
	return method + " " + rt.endpoint
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status before passing it on.
func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// statusClientGone counts requests whose client went away before an answer, as nginx logs
// them; such a request changed nothing.
const statusClientGone = 499

// ServeHTTP answers one API request: it counts it, waits the latency,
// applies the rate limit, authentication and injected faults, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s.enter()
	defer s.leave()

	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	rt, ok := parseRoute(r)
	if ok {
		s.count(rt.counterKey(r.Method))
	}
	if !s.serve(sw, r, rt, ok) {
		sw.status = statusClientGone
	}
	if sw.status >= 400 {
		s.count(strconv.Itoa(sw.status))
	}
	s.log.Debug("crm request", slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()), slog.Int("status", sw.status),
		slog.Duration("took", time.Since(start)))
}

// serve reports false when the client went away before an answer.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt route, ok bool) bool {
	latency, limiter := s.knobs()
	if !sleep(r.Context(), latency) {
		return false
	}
	if allowed, retry := limiter.take(time.Now()); !allowed {
		writeTooMany(w, retry)
		return true
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, msgUnauthorized, nil)
		return true
	}
	switch s.faults.draw() {
	case http.StatusInternalServerError:
		writeError(w, http.StatusInternalServerError, []string{msgInternal}, nil)
		return true
	case http.StatusTooManyRequests:
		writeTooMany(w, 1)
		return true
	}
	if !ok {
		writeError(w, http.StatusNotFound, msgNoEndpoint, nil)
		return true
	}
	s.dispatch(w, r, rt)
	return true
}

func writeTooMany(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	writeError(w, http.StatusTooManyRequests, []string{"Too many requests"}, nil)
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) authorized(r *http.Request) bool {
	token := r.Header.Get("X-AUTH-TOKEN")
	if token == "" {
		token = r.URL.Query().Get("accessToken")
	}
	return token == s.opts.Token
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, rt route) {
	switch {
	case rt.endpoint == "whoim" && !rt.one && r.Method == http.MethodGet:
		writeResult(w, http.StatusOK, userView(sandboxUser))
	case rt.endpoint == "contacts":
		s.contactResource().serve(w, r, rt)
	case rt.endpoint == "mergeContacts" && !rt.one && r.Method == http.MethodPost:
		s.mergeContacts(w, r)
	case rt.endpoint == "crmRecords":
		s.recordResource().serve(w, r, rt)
	default:
		writeError(w, http.StatusNotFound, msgNoEndpoint, nil)
	}
}

// resource holds the handlers of one endpoint: the collection and its records by name.
type resource struct {
	list   func(w http.ResponseWriter, r *http.Request)
	create func(w http.ResponseWriter, r *http.Request)
	get    func(w http.ResponseWriter, name string)
	update func(w http.ResponseWriter, r *http.Request, name string)
	remove func(w http.ResponseWriter, name string)
}

func (s *Server) contactResource() resource {
	return resource{list: s.listContacts, create: s.createContact, get: s.getContact,
		update: s.updateContact, remove: s.deleteContact}
}

func (s *Server) recordResource() resource {
	return resource{list: s.listRecords, create: s.createRecord, get: s.getRecord,
		update: s.updateRecord, remove: s.deleteRecord}
}

// serve routes a request by method; a method the endpoint lacks is answered as Daktela
// answers an unknown endpoint.
func (res resource) serve(w http.ResponseWriter, r *http.Request, rt route) {
	switch {
	case !rt.one && r.Method == http.MethodGet:
		res.list(w, r)
	case !rt.one && r.Method == http.MethodPost:
		res.create(w, r)
	case rt.one && r.Method == http.MethodGet:
		res.get(w, rt.name)
	case rt.one && r.Method == http.MethodPut:
		res.update(w, r, rt.name)
	case rt.one && r.Method == http.MethodDelete:
		res.remove(w, rt.name)
	default:
		writeError(w, http.StatusNotFound, msgNoEndpoint, nil)
	}
}

// serveList answers a list request: the query is parsed with kind, the page taken from
// the lister and each record viewed under the read lock.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request,
	kind func(string) (fieldKind, bool), l func() lister, view func(name string) any) {
	lq, err := parseList(r.URL.Query(), kind)
	if err != nil {
		writeError(w, http.StatusBadRequest, []string{err.Error()}, nil)
		return
	}
	s.mu.RLock()
	names, total := l().page(lq)
	data := make([]any, len(names))
	for i, name := range names {
		data[i] = pick(view(name), lq.fields)
	}
	s.mu.RUnlock()
	writeResult(w, http.StatusOK, map[string]any{"data": data, "total": total})
}

// serveOne answers a read by name; view reports false when no record has the name.
func (s *Server) serveOne(w http.ResponseWriter, view func() (any, bool)) {
	s.mu.RLock()
	v, ok := view()
	s.mu.RUnlock()
	if !ok {
		writeNotFound(w)
		return
	}
	writeResult(w, http.StatusOK, v)
}

// serveDelete answers a delete; remove reports false when no record had the name.
func (s *Server) serveDelete(w http.ResponseWriter, remove func() bool) {
	s.mu.Lock()
	found := remove()
	s.mu.Unlock()
	if !found {
		writeNotFound(w)
		return
	}
	s.written()
	w.WriteHeader(http.StatusNoContent)
}
