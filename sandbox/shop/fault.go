package shop

import (
	"encoding/json"
	"fmt"
	"time"
)

// FaultKind names a way the shop misbehaves.
type FaultKind int

// The fault kinds. FaultNone is the zero value and clears a fault.
const (
	FaultNone      FaultKind = iota
	Fault5xx                 // 503 with an HTML error page
	FaultSlow                // the answer starts only after Delay
	FaultTruncate            // Content-Length set, connection cut halfway through the body
	FaultLoginPage           // 200 with the administration login page instead of the export
	FaultForbidden           // 403 as for a caller outside the allowed IP address
	FaultEmpty               // 200 with an empty body
	// FaultCutAfterMarker is FaultTruncate on the feed after the feed's marker has
	// moved past the orders of the cut body, as when Shoptet counts a download delivered
	// that never fully arrived. On the other exports it is FaultTruncate.
	FaultCutAfterMarker
)

var faultNames = [...]string{"none", "5xx", "slow", "truncate", "login", "forbidden", "empty",
	"cutAfterMarker"}

// String returns the name used in the admin API.
func (k FaultKind) String() string {
	if k < 0 || int(k) >= len(faultNames) {
		return fmt.Sprintf("FaultKind(%d)", int(k))
	}
	return faultNames[k]
}

// MarshalText encodes the kind by name.
func (k FaultKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind from its name.
func (k *FaultKind) UnmarshalText(b []byte) error {
	for i, n := range faultNames {
		if n == string(b) {
			*k = FaultKind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown fault kind %q", b)
}

// Fault is a misbehaviour injected into the export endpoints.
type Fault struct {
	Kind   FaultKind
	Export string        // "customers", "orders", "feed" or "" for all
	Times  int           // how many requests it hits; 0 = until cleared
	Delay  time.Duration // for FaultSlow
}

// faultJSON is the admin API form: {"kind":"slow","export":"feed","times":1,"delay":"2s"}.
type faultJSON struct {
	Kind   FaultKind `json:"kind"`
	Export string    `json:"export,omitempty"`
	Times  int       `json:"times,omitempty"`
	Delay  string    `json:"delay,omitempty"`
}

// MarshalJSON writes the admin API form.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{Kind: f.Kind, Export: f.Export, Times: f.Times}
	if f.Delay > 0 {
		j.Delay = f.Delay.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the admin API form; delay is a Go duration string.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Fault{Kind: j.Kind, Export: j.Export, Times: j.Times}
	if j.Delay != "" {
		d, err := time.ParseDuration(j.Delay)
		if err != nil {
			return fmt.Errorf("fault delay: %w", err)
		}
		f.Delay = d
	}
	switch f.Export {
	case "", exportCustomers, exportOrders, exportFeed:
		return nil
	}
	return fmt.Errorf("unknown export %q", f.Export)
}

// hits reports whether the fault applies to a request for export.
func (f Fault) hits(export string) bool {
	return f.Kind != FaultNone && (f.Export == "" || f.Export == export)
}
