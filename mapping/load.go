package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	topKeys = []string{
		"database", "fields", "orderLinks", "orderRecords", "phoneFormat",
		"countryCode", "maxOrderLinks",
	}
	recordKeys = []string{"type", "stage"}
)

// Load reads a mapping from a .yaml, .yml or .json file, fills the settings
// it leaves out with the defaults and validates it. Errors name the file and
// the wrong key or entry.
func Load(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mapping: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	m, err := parse(data, strings.ToLower(filepath.Ext(path)))
	if err != nil {
		return nil, fmt.Errorf("mapping %s: %w", path, err)
	}
	m.applyDefaults()
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("mapping %s: %w", path, err)
	}
	return m, nil
}

// parse decodes a mapping, first checking its keys by hand so that an
// unknown key is reported the same way, with a suggestion, in both formats.
func parse(data []byte, ext string) (*Mapping, error) {
	var raw map[string]any
	var m Mapping
	switch ext {
	case ".yaml", ".yml":
		if err := yaml.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("decode yaml: %w", err)
		}
		if err := checkKeys(raw); err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("decode yaml: %w", err)
		}
	case ".json":
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("decode json: %w", err)
		}
		if err := checkKeys(raw); err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("decode json: %w", err)
		}
	default:
		return nil, fmt.Errorf("unsupported file type %q: use .yaml, .yml or .json", ext)
	}
	return &m, nil
}

// checkKeys rejects keys a mapping does not have.
func checkKeys(raw map[string]any) error {
	if err := unknownKeys("", raw, topKeys); err != nil {
		return err
	}
	if rc, ok := raw["orderRecords"].(map[string]any); ok {
		return unknownKeys("orderRecords.", rc, recordKeys)
	}
	return nil
}

func unknownKeys(prefix string, raw map[string]any, known []string) error {
	for _, key := range sortedKeys(raw) {
		if slices.Contains(known, key) {
			continue
		}
		problem := "unknown key"
		if s := suggest(key, known); s != "" {
			problem += " (did you mean " + prefix + s + "?)"
		}
		return &FieldError{Field: prefix + key, Problem: problem}
	}
	return nil
}
