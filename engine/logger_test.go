package engine

import (
	"bytes"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"go.temporal.io/server/common/log/tag"
)

// TestServerLoggerQuietWhileStarting checks what reaches the log: errors at info level once
// the engine serves; nothing while it starts or stops, unless debug is on, and then at debug.
func TestServerLoggerQuietWhileStarting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		level slog.Level
		quiet bool
		want  string // the record's level, or "" for none
	}{
		{"serving", slog.LevelInfo, false, "ERROR"},
		{"starting", slog.LevelInfo, true, ""},
		{"starting, debug", slog.LevelDebug, true, "DEBUG"},
		{"serving, debug", slog.LevelDebug, false, "ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			quiet := new(atomic.Bool)
			quiet.Store(tc.quiet)
			l := newServerLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tc.level})), quiet)
			l.Info("membership changed")
			l.Error("service failures", tag.NewStringTag("error", "Frontend is not healthy yet"))
			out := buf.String()
			if strings.Contains(out, "membership changed") {
				t.Errorf("an info record passed: %s", out)
			}
			switch {
			case tc.want == "" && out != "":
				t.Errorf("logged %q, want nothing", out)
			case tc.want != "" && !strings.Contains(out, "level="+tc.want+` msg="service failures"`):
				t.Errorf("logged %q, want the error at %s", out, tc.want)
			}
		})
	}
}
