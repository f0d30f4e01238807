package crm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// saveDelay debounces saves: a sync writes thousands of records a second
// and one file write per burst is enough. A save encodes the whole store, so
// with a large store the delay grows to keep saving under ~5% of the time.
const saveDelay = 200 * time.Millisecond

// saveCostFactor is how many times the last save's duration a save waits.
const saveCostFactor = 20

// snapshot is the persisted file's content.
type snapshot struct {
	Contacts   []Contact   `json:"contacts"`
	CRMRecords []CRMRecord `json:"crmRecords"`
}

// persister saves the store to a file at most once per saveDelay.
type persister struct {
	path   string
	encode func() ([]byte, error)
	log    *slog.Logger

	mu      sync.Mutex
	timer   *time.Timer
	pending bool
	closed  bool
	last    time.Duration // how long the last save took
	saveMu  sync.Mutex    // one file write at a time
}

func newPersister(path string, encode func() ([]byte, error), log *slog.Logger) *persister {
	return &persister{path: path, encode: encode, log: log}
}

// touch schedules a save unless one is already scheduled.
func (p *persister) touch() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.pending {
		return
	}
	p.pending = true
	p.timer = time.AfterFunc(max(saveDelay, saveCostFactor*p.last), p.flush)
}

func (p *persister) flush() {
	p.mu.Lock()
	p.pending = false
	p.mu.Unlock()
	if err := p.save(); err != nil {
		p.log.Error("crm save failed", slog.String("path", p.path), slog.Any("err", err))
	}
}

// close cancels a scheduled save and saves now.
func (p *persister) close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Unlock()
	return p.save()
}

// save writes a temporary file beside the target and renames it over, so
// that a crash never leaves a half-written store.
func (p *persister) save() error {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	start := time.Now()
	defer func() {
		p.mu.Lock()
		p.last = time.Since(start)
		p.mu.Unlock()
	}()
	data, err := p.encode()
	if err != nil {
		return fmt.Errorf("encode store: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p.path), filepath.Base(p.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("create temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	if err := os.Rename(tmp.Name(), p.path); err != nil {
		return fmt.Errorf("replace store: %w", err)
	}
	return nil
}

// snapshotJSON encodes the whole store.
func (s *Server) snapshotJSON() ([]byte, error) {
	snap := snapshot{Contacts: s.Contacts(), CRMRecords: s.CRMRecords()}
	return json.Marshal(snap)
}

// load reads a saved store; a missing file is an empty store.
func (s *Server) load(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("crm: read store: %w", err)
	}
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return fmt.Errorf("crm: decode store %s: %w", filepath.Base(path), err)
	}
	if err := s.Seed(snap.Contacts); err != nil {
		return err
	}
	return s.SeedRecords(snap.CRMRecords)
}
