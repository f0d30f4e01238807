package shop

import (
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The exports the server counts and faults apply to.
const (
	exportCustomers = "customers"
	exportOrders    = "orders"
	exportFeed      = "feed"
)

const (
	xmlType = "application/xml; charset=utf-8"
	csvType = "text/csv; charset=windows-1250"
)

// Hashes are the export credentials and the order template the server
// accepts. PartnerID, when set, must accompany every export request.
type Hashes struct {
	Customers, Orders, Feed string
	PatternID               int
	PartnerID               string
}

// Server serves a Shop through the shop's export URLs and a JSON admin API
// under /_sandbox/. It is an http.Handler.
//
// Real status codes for refused exports are not documented; the server
// answers a missing or wrong hash or partnerId with 403 and an HTML page, an
// unknown patternId with 404 and an HTML page, and an unreadable date
// parameter with 400. The admin API is unauthenticated: it is a sandbox.
type Server struct {
	shop *Shop
	h    Hashes
	log  *slog.Logger
	mux  *http.ServeMux
	now  func() time.Time

	mu      sync.Mutex
	fault   Fault
	markers map[string]uint32 // feed hash -> highest change delivered
	counts  map[string]int
	denied  int
}

// NewServer returns a server for s; a nil logger discards the logs.
func NewServer(s *Shop, h Hashes, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &Server{
		shop: s, h: h, log: logger, now: time.Now,
		markers: map[string]uint32{}, counts: map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /export/customers.csv", srv.customersCSV)
	mux.HandleFunc("GET /export/customers.xml", srv.customersXML)
	mux.HandleFunc("GET /export/orders.xml", srv.orders)
	mux.HandleFunc("GET /export/ordersFeed.xml", srv.ordersFeed)
	mux.HandleFunc("POST /_sandbox/orders", srv.adminOrders)
	mux.HandleFunc("POST /_sandbox/fault", srv.adminFault)
	mux.HandleFunc("GET /_sandbox/stats", srv.adminStats)
	srv.mux = mux
	return srv
}

// ServeHTTP logs every request at debug level, without its query: the
// query carries the hash.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	began := time.Now()
	defer func() {
		srv.log.Debug("sandbox shop request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "bytes", rec.bytes,
			"durationMs", time.Since(began).Milliseconds())
	}()
	srv.mux.ServeHTTP(rec, r)
}

// SetFault injects f into the export endpoints; Fault{} clears it.
func (srv *Server) SetFault(f Fault) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.fault = f
}

// SetClock replaces the clock the admin API places and changes orders by.
func (srv *Server) SetClock(now func() time.Time) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.now = now
}

// FeedMarker returns the change sequence number up to which the feed with
// that hash has been delivered (0 before the first download).
func (srv *Server) FeedMarker(hash string) uint32 {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.markers[hash]
}

// Requests returns how many requests reached an export ("customers",
// "orders", "feed"), refused ones included.
func (srv *Server) Requests(export string) int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.counts[export]
}

func (srv *Server) customersCSV(w http.ResponseWriter, r *http.Request) {
	srv.customers(w, r, csvType, srv.shop.WriteCustomersCSV)
}

func (srv *Server) customersXML(w http.ResponseWriter, r *http.Request) {
	srv.customers(w, r, xmlType, srv.shop.WriteCustomersXML)
}

func (srv *Server) customers(w http.ResponseWriter, r *http.Request, ctype string,
	write func(io.Writer) error) {
	srv.count(exportCustomers)
	if !srv.authorised(w, r, srv.h.Customers) {
		return
	}
	srv.respond(w, r, exportCustomers, ctype, write, nil)
}

// orders serves the full order export, or the feed when the hash is the
// feed hash, as on shops that expose the feed on the orders path.
func (srv *Server) orders(w http.ResponseWriter, r *http.Request) {
	if srv.h.Feed != "" && same(r.URL.Query().Get("hash"), srv.h.Feed) {
		srv.ordersFeed(w, r)
		return
	}
	srv.count(exportOrders)
	if !srv.authorised(w, r, srv.h.Orders) || !srv.patternOK(w, r) {
		return
	}
	f, err := parseFilter(r)
	if err != nil {
		page(w, http.StatusBadRequest, "Chybný požadavek", err.Error())
		return
	}
	srv.respond(w, r, exportOrders, xmlType, func(w io.Writer) error {
		return srv.shop.WriteOrdersXML(w, f)
	}, nil)
}

// ordersFeed serves "only new or updated": every order created or changed
// since this hash's marker. The marker moves only once the whole body has
// been written, so a truncated or faulted answer is served again; the date
// parameters do not apply to the feed.
func (srv *Server) ordersFeed(w http.ResponseWriter, r *http.Request) {
	srv.count(exportFeed)
	if !srv.authorised(w, r, srv.h.Feed) || !srv.patternOK(w, r) {
		return
	}
	hash := r.URL.Query().Get("hash")
	after := srv.FeedMarker(hash)
	var upTo uint32
	move := func() {
		srv.mu.Lock()
		srv.markers[hash] = max(srv.markers[hash], upTo)
		srv.mu.Unlock()
	}
	ok := srv.respond(w, r, exportFeed, xmlType, func(w io.Writer) error {
		var err error
		upTo, err = srv.shop.writeOrders(w, OrderFilter{}, after)
		return err
	}, move)
	if ok {
		move()
	}
}

func (srv *Server) count(export string) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.counts[export]++
}

func (srv *Server) authorised(w http.ResponseWriter, r *http.Request, want string) bool {
	q := r.URL.Query()
	ok := want != "" && same(q.Get("hash"), want)
	if srv.h.PartnerID != "" && q.Get("partnerId") != srv.h.PartnerID {
		ok = false
	}
	if !ok {
		srv.mu.Lock()
		srv.denied++
		srv.mu.Unlock()
		deny(w)
	}
	return ok
}

func (srv *Server) patternOK(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Query().Get("patternId") == strconv.Itoa(srv.h.PatternID) {
		return true
	}
	page(w, http.StatusNotFound, "Šablona nenalezena", "Požadovaná šablona exportu neexistuje.")
	return false
}

func same(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// parseFilter reads dateFrom and dateUntil (YYYY-M-D) and updateTimeFrom
// (YYYY-MM-DD HH:MM:SS), all Europe/Prague local time.
func parseFilter(r *http.Request) (OrderFilter, error) {
	q := r.URL.Query()
	var f OrderFilter
	var err error
	for _, p := range []struct {
		name, layout string
		dst          *time.Time
	}{
		{"dateFrom", "2006-1-2", &f.DateFrom},
		{"dateUntil", "2006-1-2", &f.DateUntil},
		{"updateTimeFrom", dateLayout, &f.UpdatedSince},
	} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		if *p.dst, err = time.ParseInLocation(p.layout, v, prague); err != nil {
			return OrderFilter{}, errors.New("neplatný parametr " + p.name)
		}
	}
	return f, nil
}

// recorder remembers the status and size of an answer for the log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush lets the truncation fault push the partial body out before it
// cuts the connection.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
