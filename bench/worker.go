package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// workerProc is the production worker running as a subprocess.
type workerProc struct {
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error // the exit status, once done is closed
}

// startWorker starts the worker with env, its output appended to a log in the bench dir.
func (s *stack) startWorker(env []string) (*workerProc, error) {
	if err := os.MkdirAll(filepath.Join(s.dir, "worker"), 0o755); err != nil {
		return nil, err
	}
	log, err := os.OpenFile(filepath.Join(s.dir, "worker.log"),
		os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.workerBin)
	cmd.Env, cmd.Stdout, cmd.Stderr, cmd.Dir = env, log, log, s.dir
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start the worker: %w", err)
	}
	w := &workerProc{cmd: cmd, log: log, done: make(chan struct{})}
	go func() {
		w.err = cmd.Wait()
		close(w.done)
	}()
	return w, nil
}

// exited reports why the worker ended, if it has.
func (w *workerProc) exited() error {
	select {
	case <-w.done:
		return fmt.Errorf("the worker exited (%v); see worker.log (--keep keeps it)", w.err)
	default:
		return nil
	}
}

// peakRSS reads the worker's peak resident set (VmHWM), in bytes.
func (w *workerProc) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", w.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	defer f.Close()
	return parseHWM(f)
}

var errNoHWM = errors.New("peak RSS: no VmHWM line in /proc status")

func parseHWM(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(
			strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("peak RSS: %w", err)
		}
		return kb << 10, nil
	}
	return 0, errNoHWM
}

// stop asks the worker to stop (SIGTERM) and kills it when it has not within a minute.
func (w *workerProc) stop() {
	defer w.log.Close()
	if w.exited() != nil {
		return
	}
	w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(time.Minute):
		w.cmd.Process.Kill()
		<-w.done
	}
}
