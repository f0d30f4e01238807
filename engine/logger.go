package engine

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// serverLogger routes the Temporal server's logs to slog. The server is chatty, and its
// services complain about each other while they start and stop (a client refused with
// "Frontend is not healthy yet"), so only errors pass, and while quiet is set (from start
// until the frontend serves, and from the start of shutdown) they pass at debug level only.
// At debug level everything from warnings up passes.
type serverLogger struct {
	l     *slog.Logger
	quiet *atomic.Bool
}

func newServerLogger(l *slog.Logger, quiet *atomic.Bool) log.Logger {
	return serverLogger{l: l.With("component", "temporal"), quiet: quiet}
}

func (s serverLogger) emit(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	debug := s.l.Enabled(ctx, slog.LevelDebug)
	floor := slog.LevelError
	if debug {
		floor = slog.LevelWarn
	}
	if level < floor {
		return
	}
	if s.quiet.Load() {
		level = slog.LevelDebug
	}
	if !s.l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, len(tags))
	for _, t := range tags {
		attrs = append(attrs, slog.Any(t.Key(), t.Value()))
	}
	s.l.LogAttrs(ctx, level, msg, attrs...)
}

func (s serverLogger) Debug(msg string, tags ...tag.Tag) { s.emit(slog.LevelDebug, msg, tags) }
func (s serverLogger) Info(msg string, tags ...tag.Tag)  { s.emit(slog.LevelInfo, msg, tags) }
func (s serverLogger) Warn(msg string, tags ...tag.Tag)  { s.emit(slog.LevelWarn, msg, tags) }
func (s serverLogger) Error(msg string, tags ...tag.Tag) { s.emit(slog.LevelError, msg, tags) }
func (s serverLogger) DPanic(msg string, tags ...tag.Tag) {
	s.emit(slog.LevelError, msg, tags)
}
func (s serverLogger) Panic(msg string, tags ...tag.Tag) {
	s.emit(slog.LevelError, msg, tags)
	panic(msg)
}
func (s serverLogger) Fatal(msg string, tags ...tag.Tag) {
	s.emit(slog.LevelError, msg, tags)
	os.Exit(1)
}
