package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/shopsync/shoptet-daktela/activities"
	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/store"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// Register registers every workflow and activity of the product on a worker.
func Register(r worker.Registry, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.FullSync, workflow.RegisterOptions{Name: "FullSync"})
	r.RegisterWorkflowWithOptions(workflows.IncrementalSync,
		workflow.RegisterOptions{Name: "IncrementalSync"})
	r.RegisterWorkflowWithOptions(workflows.MergeDuplicates,
		workflow.RegisterOptions{Name: "MergeDuplicates"})
	r.RegisterActivity(acts)
}

// Worker is a configured worker with its store and report server.
type Worker struct {
	cfg     *config.Config
	logger  *slog.Logger
	store   *store.Store
	acts    *activities.Activities
	w       worker.Worker
	reports *http.Server
}

// NewWorker opens the store, builds the activities over conn and prepares a Temporal
// worker on the configured task queue.
func NewWorker(ctx context.Context, c client.Client, cfg *config.Config, conn activities.Connector,
	logger *slog.Logger) (*Worker, error) {
	st, err := store.Open(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	tmp := cfg.DataDir + "/tmp"
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		tmp = os.TempDir()
	}
	acts := &activities.Activities{Store: st, Connector: conn, ReportsURL: cfg.ReportsURL,
		TempDir: tmp, MinFullInterval: cfg.MinFullInterval, Logger: logger}
	w := worker.New(c, cfg.TaskQueue, worker.Options{
		// Load activities keep many requests in flight each; a handful at once is plenty.
		MaxConcurrentActivityExecutionSize: 8,
		// Eager dispatch hands the activities a workflow task schedules to the worker that
		// ran it, so every load batch of a sync would stay on one worker however many run.
		DisableEagerActivities: true,
		WorkerStopTimeout:      30 * time.Second,
	})
	Register(w, acts)
	return &Worker{cfg: cfg, logger: logger, store: st, acts: acts, w: w}, nil
}

// Store is the worker's state store.
func (w *Worker) Store() *store.Store { return w.store }

// Start starts polling and the report server.
func (w *Worker) Start() error {
	l, err := net.Listen("tcp", w.cfg.ReportsAddr)
	if err != nil {
		return fmt.Errorf("report server: %w (set SHOPSYNC_REPORTS_ADDR)", err)
	}
	w.reports = &http.Server{Handler: ReportHandler(w.store, w.cfg.ReportsToken, w.logger),
		ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := w.reports.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			w.logger.Error("report server stopped", "error", err)
		}
	}()
	if err := w.w.Start(); err != nil {
		w.reports.Close()
		return fmt.Errorf("worker: %w", err)
	}
	w.logger.Info("worker polling", "taskQueue", w.cfg.TaskQueue, "reports", w.cfg.ReportsURL)
	return nil
}

// Stop stops polling (letting running activities finish within the stop timeout), the
// report server and the store.
func (w *Worker) Stop() {
	w.w.Stop()
	if w.reports != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		w.reports.Shutdown(ctx)
	}
	w.store.Close()
}
