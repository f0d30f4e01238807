// Package proctest serves tests that run the product's commands as processes or read what
// concurrent code logs: it builds a command once per test binary and collects output written
// from several goroutines.
package proctest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Buffer collects output written from several goroutines, such as a logger shared by the
// workers of a test or the stdout and stderr of a process.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var (
	mu    sync.Mutex
	dir   string
	built = map[string]*binary{}
)

type binary struct {
	once sync.Once
	path string
	err  error
}

// Build builds the command in package pkg (an import path) into a directory of the test
// binary's own, once per test binary run, and returns the executable's path. A build that
// failed fails every test that asks for it.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	mu.Lock()
	b, ok := built[pkg]
	if !ok {
		b = &binary{}
		built[pkg] = b
	}
	mu.Unlock()
	b.once.Do(func() { b.path, b.err = build(pkg) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func build(pkg string) (string, error) {
	mu.Lock()
	if dir == "" {
		d, err := os.MkdirTemp("", "proctest-")
		if err != nil {
			mu.Unlock()
			return "", err
		}
		dir = d
	}
	path := filepath.Join(dir, fmt.Sprintf("cmd%d-%s", len(built), filepath.Base(pkg)))
	mu.Unlock()
	out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return path, nil
}

// Main runs the tests of a package that uses Build and removes what Build built; a package's
// TestMain calls it.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if dir != "" {
		os.RemoveAll(dir)
	}
	mu.Unlock()
	os.Exit(code)
}
