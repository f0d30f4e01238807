package shop

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// respond streams an export through write, unless a fault hits the request.
// It reports whether the whole body was written. delivered, when not nil, is
// called where the cut-after-marker fault counts the body as delivered.
func (srv *Server) respond(w http.ResponseWriter, r *http.Request, export, ctype string,
	write func(io.Writer) error, delivered func()) bool {
	f, hit := srv.takeFault(export)
	if hit {
		switch f.Kind {
		case FaultSlow:
			if !sleep(r, f.Delay) {
				return false
			}
		case Fault5xx:
			page(w, http.StatusServiceUnavailable, "Služba je dočasně nedostupná",
				"Zkuste to prosím později.")
			return false
		case FaultLoginPage:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, loginPage)
			return false
		case FaultForbidden:
			page(w, http.StatusForbidden, "Přístup odepřen",
				"Export není povolen z této IP adresy.")
			return false
		case FaultEmpty:
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusOK)
			return false
		case FaultTruncate:
			srv.truncate(w, ctype, write, nil)
			return false
		case FaultCutAfterMarker:
			srv.truncate(w, ctype, write, delivered)
			return false
		}
	}
	w.Header().Set("Content-Type", ctype)
	if err := write(w); err != nil {
		srv.log.Debug("sandbox shop export interrupted", "export", export, "error", err)
		return false
	}
	return true
}

// takeFault returns the fault hitting a request for export and uses up one
// of its times.
func (srv *Server) takeFault(export string) (Fault, bool) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	f := srv.fault
	if !f.hits(export) {
		return Fault{}, false
	}
	if f.Times > 0 {
		srv.fault.Times--
		if srv.fault.Times == 0 {
			srv.fault = Fault{}
		}
	}
	return f, true
}

func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// truncate announces the full length, sends half of the body and cuts the
// connection. The body is produced twice, first only to count it, so that
// nothing large is buffered. delivered, when not nil, runs after the count,
// before anything is sent.
func (srv *Server) truncate(w http.ResponseWriter, ctype string, write func(io.Writer) error,
	delivered func()) {
	var c counter
	if err := write(&c); err != nil {
		return
	}
	if delivered != nil {
		delivered()
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.FormatInt(c.n, 10))
	w.WriteHeader(http.StatusOK)
	write(&limited{w: w, left: c.n / 2})
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

type counter struct{ n int64 }

func (c *counter) Write(b []byte) (int, error) {
	c.n += int64(len(b))
	return len(b), nil
}

var errCut = errors.New("body cut by the truncation fault")

// limited passes on at most left bytes, then fails every write.
type limited struct {
	w    io.Writer
	left int64
}

func (l *limited) Write(b []byte) (int, error) {
	if l.left <= 0 {
		return 0, errCut
	}
	if int64(len(b)) > l.left {
		n, _ := l.w.Write(b[:l.left])
		l.left = 0
		return n, errCut
	}
	n, err := l.w.Write(b)
	l.left -= int64(n)
	return n, err
}
