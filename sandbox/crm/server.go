package crm

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Server.
type Options struct {
	// Token is the API token every request must carry in X-AUTH-TOKEN or
	// in the legacy accessToken query parameter. Required.
	Token string
	// Databases are the CRM database names; default ["shoptet"].
	Databases []string
	// Fields are the contact form's custom fields; default DefaultFields.
	Fields []Field
	// RecordTypes are the CRM record type names; default ["shoptet_order"].
	RecordTypes []string
	// Latency is added to every request.
	Latency time.Duration
	// RateLimit is the allowed requests per second (a token bucket with a
	// burst of max(1, RateLimit/10)); 0 means no limit.
	RateLimit float64
	// FailRate is the probability of an injected 500.
	FailRate float64
	// ThrottleRate is the probability of an injected 429.
	ThrottleRate float64
	// Seed seeds the fault injection.
	Seed int64
	// PersistPath, when set, is a JSON file loaded at start and saved after
	// writes (debounced) and on Close.
	PersistPath string
	// Logger receives one debug line per request; default discards.
	Logger *slog.Logger
}

// Field is a custom field of the contact form.
type Field struct {
	Key   string // the key in customFields
	Type  string // PHONE, EMAIL, URL, ADDRESS, TEXT or TEXTAREA
	Title string // the label shown in the CRM
}

// DefaultFields returns the contact form used when Options.Fields is empty.
func DefaultFields() []Field {
	return []Field{
		{Key: "number", Type: "PHONE", Title: "Telefon"},
		{Key: "email", Type: "EMAIL", Title: "Email"},
		{Key: "address", Type: "ADDRESS", Title: "Adresa"},
		{Key: "note", Type: "TEXTAREA", Title: "Poznámka"},
		{Key: "shoptet_orders", Type: "URL", Title: "Objednávky"},
		{Key: "shoptet_summary", Type: "TEXT", Title: "Shoptet"},
	}
}

// ErrNoToken is returned by New when Options.Token is empty.
var ErrNoToken = errors.New("crm: token is required")

var fieldTypes = map[string]bool{
	"PHONE": true, "EMAIL": true, "URL": true,
	"ADDRESS": true, "TEXT": true, "TEXTAREA": true,
}

// Server is the sandbox Daktela API. It is an http.Handler and safe for
// concurrent use.
type Server struct {
	opts   Options
	log    *slog.Logger
	fields map[string]Field
	scheme json.RawMessage // cfScheme, encoded once: every read carries it
	dbs    map[string]bool
	types  map[string]bool

	mu   sync.RWMutex // guards the data below
	data *store

	traffic
	persist *persister
}

// traffic holds the request-level knobs and measurements.
type traffic struct {
	knobMu  sync.Mutex
	latency time.Duration
	limiter *bucket
	faults  *faults

	countMu  sync.Mutex
	counters map[string]int64

	inFlight    atomic.Int64
	maxInFlight atomic.Int64
	merged      atomic.Int64 // merges applied
}

// New validates opts, applies defaults and loads PersistPath when set.
func New(opts Options) (*Server, error) {
	opts, err := withDefaults(opts)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:   opts,
		log:    opts.Logger,
		fields: make(map[string]Field, len(opts.Fields)),
		dbs:    setOf(opts.Databases),
		types:  setOf(opts.RecordTypes),
	}
	for _, f := range opts.Fields {
		s.fields[f.Key] = f
	}
	s.scheme = buildScheme(opts.Fields)
	s.data = newStore(s.indexedKeys())
	s.latency = opts.Latency
	s.limiter = newBucket(opts.RateLimit, time.Now())
	s.faults = newFaults(opts.Seed, opts.FailRate, opts.ThrottleRate)
	s.counters = map[string]int64{}
	if opts.PersistPath != "" {
		if err := s.load(opts.PersistPath); err != nil {
			return nil, err
		}
		s.persist = newPersister(opts.PersistPath, s.snapshotJSON, s.log)
	}
	return s, nil
}

func withDefaults(opts Options) (Options, error) {
	if opts.Token == "" {
		return opts, ErrNoToken
	}
	if len(opts.Databases) == 0 {
		opts.Databases = []string{"shoptet"}
	}
	if len(opts.Fields) == 0 {
		opts.Fields = DefaultFields()
	}
	if len(opts.RecordTypes) == 0 {
		opts.RecordTypes = []string{"shoptet_order"}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	for _, f := range opts.Fields {
		if f.Key == "" || !fieldTypes[f.Type] {
			return opts, fmt.Errorf("crm: invalid field %q of type %q", f.Key, f.Type)
		}
	}
	return opts, nil
}

func setOf(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func buildScheme(fields []Field) json.RawMessage {
	scheme := make(map[string]any, len(fields))
	for _, f := range fields {
		scheme[f.Key] = map[string]any{
			"type": f.Type, "title": f.Title, "hidden": false, "readonly": false,
		}
	}
	data, err := json.Marshal(scheme)
	if err != nil {
		panic(err) // unreachable: strings and booleans always encode
	}
	return data
}

// indexedKeys are the custom fields looked up by value: the sync finds
// people by e-mail and phone, so those must not scan 200,000 contacts.
func (s *Server) indexedKeys() []string {
	var keys []string
	for _, f := range s.opts.Fields {
		if f.Type == "EMAIL" || f.Type == "PHONE" {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// Close saves the store when PersistPath is set. It is safe to call twice.
func (s *Server) Close() error {
	if s.persist == nil {
		return nil
	}
	return s.persist.close()
}

// written marks the store changed so that it is saved soon.
func (s *Server) written() {
	if s.persist != nil {
		s.persist.touch()
	}
}

// SetFaults changes the probabilities of injected 500s and 429s.
func (s *Server) SetFaults(failRate, throttleRate float64) {
	s.faults.set(failRate, throttleRate)
}

// SetRateLimit changes the allowed requests per second; 0 disables it.
func (s *Server) SetRateLimit(rps float64) {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	s.limiter = newBucket(rps, time.Now())
}

// SetLatency changes the delay added to every request.
func (s *Server) SetLatency(d time.Duration) {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	s.latency = d
}

func (s *Server) knobs() (time.Duration, *bucket) {
	s.knobMu.Lock()
	defer s.knobMu.Unlock()
	return s.latency, s.limiter
}

// Counters returns how many requests each endpoint received, keyed like
// "GET contacts", "GET contacts/one", "POST mergeContacts", and how many
// answers had each error status, keyed like "429". Every request received
// counts, including those answered with an injected fault; a request whose
// client went away during the latency, unanswered and without effect, counts
// under "499".
func (s *Server) Counters() map[string]int64 {
	s.countMu.Lock()
	defer s.countMu.Unlock()
	out := make(map[string]int64, len(s.counters))
	for k, v := range s.counters {
		out[k] = v
	}
	return out
}

// ResetCounters zeroes all counters.
func (s *Server) ResetCounters() {
	s.countMu.Lock()
	defer s.countMu.Unlock()
	s.counters = map[string]int64{}
}

func (s *Server) count(key string) {
	s.countMu.Lock()
	s.counters[key]++
	s.countMu.Unlock()
}

// MaxInFlight returns the highest number of concurrent requests seen.
func (s *Server) MaxInFlight() int {
	return int(s.maxInFlight.Load())
}

// ResetMaxInFlight forgets the highest concurrency seen so far.
func (s *Server) ResetMaxInFlight() {
	s.maxInFlight.Store(s.inFlight.Load())
}

func (s *Server) enter() {
	n := s.inFlight.Add(1)
	for {
		old := s.maxInFlight.Load()
		if n <= old || s.maxInFlight.CompareAndSwap(old, n) {
			return
		}
	}
}

func (s *Server) leave() {
	s.inFlight.Add(-1)
}
