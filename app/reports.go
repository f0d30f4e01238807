package app

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopsync/shoptet-daktela/store"
)

// ReportHandler serves stored reports at /reports/<id>.xlsx. When token is set, a request
// must carry it as "Authorization: Bearer <token>" or ?token=.
func ReportHandler(st *store.Store, token string, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /reports/{file}", func(w http.ResponseWriter, r *http.Request) {
		if token != "" && !authorized(r, token) {
			http.Error(w, "a valid report token is required", http.StatusUnauthorized)
			return
		}
		id, ok := strings.CutSuffix(r.PathValue("file"), ".xlsx")
		if !ok {
			http.NotFound(w, r)
			return
		}
		name, size, err := st.ReportInfo(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			http.Error(w, "no report with this id", http.StatusNotFound)
			return
		}
		if err != nil {
			logger.Error("report read failed", "report", id, "error", err)
			http.Error(w, "report could not be read", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		if err := st.CopyReport(r.Context(), id, w); err != nil {
			// The status line has gone out; the short body tells the client.
			logger.Warn("report sending failed", "report", id, "error", err)
			return
		}
		logger.Debug("report served", "report", id, "bytes", size)
	})
	return mux
}

func authorized(r *http.Request, token string) bool {
	got := r.URL.Query().Get("token")
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		got = strings.TrimPrefix(h, "Bearer ")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
