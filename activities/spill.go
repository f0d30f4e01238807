package activities

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/shopsync/shoptet-daktela/store"
)

// spill keeps what the stage step needs of every mirror record in a temporary file, in
// the order the resolver numbered the records, so that the records of one person can be
// read back together. The file sits in the page cache rather than the heap, which keeps a
// million-order resolve within a few hundred megabytes however the orders are spread over
// persons. The file is unlinked as soon as it is made, so a crash leaves nothing behind.
type spill struct {
	f    *os.File
	name string // set while the file still has a name to remove
	w    *bufio.Writer
	off  []int64 // start of each record; after finish, also the end of the last
	size int64
	enc  []byte
	buf  []byte
}

const (
	spillCustomer byte = 'c'
	spillOrder    byte = 'o'
)

func newSpill(dir string) (*spill, error) {
	f, err := os.CreateTemp(dir, "shopsync-resolve-*")
	if err != nil {
		return nil, fmt.Errorf("resolve scratch file: %w", err)
	}
	s := &spill{f: f, w: bufio.NewWriterSize(f, 1<<16)}
	if os.Remove(f.Name()) != nil {
		s.name = f.Name() // a system that keeps open files named: remove on close
	}
	return s, nil
}

func (s *spill) close() {
	s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
}

func (s *spill) addCustomer(cu *store.Customer) error {
	b := append(s.enc[:0], spillCustomer)
	for _, v := range []string{cu.GUID, cu.Name, cu.Company, cu.Street, cu.City, cu.Zip,
		cu.Country} {
		b = appendString(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(cu.Extra)))
	for k, v := range cu.Extra {
		b = appendString(appendString(b, k), v)
	}
	return s.add(b)
}

func (s *spill) addOrder(o *store.Order) error {
	b := append(s.enc[:0], spillOrder)
	for _, v := range []string{o.ID, o.Code, o.Name, o.Company, o.Street, o.City, o.Zip,
		o.Country, o.Currency, o.Status} {
		b = appendString(b, v)
	}
	var date int64
	if !o.Date.IsZero() {
		date = o.Date.UnixMilli()
	}
	b = binary.AppendVarint(b, date)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(o.Total))
	return s.add(b)
}

func (s *spill) add(b []byte) error {
	s.enc = b
	s.off = append(s.off, s.size)
	s.size += int64(len(b))
	_, err := s.w.Write(b)
	return err
}

// finish writes out what is buffered; records can be read from then on.
func (s *spill) finish() error {
	s.off = append(s.off, s.size)
	return s.w.Flush()
}

// read decodes record rec into cu or o, whichever its kind is, and reports which.
func (s *spill) read(rec int32, cu *store.Customer, o *store.Order) (isOrder bool, err error) {
	if int(rec)+1 >= len(s.off) {
		return false, fmt.Errorf("resolve scratch file: no record %d", rec)
	}
	start, end := s.off[rec], s.off[rec+1]
	if int64(cap(s.buf)) < end-start {
		s.buf = make([]byte, end-start)
	}
	b := s.buf[:end-start]
	if _, err := s.f.ReadAt(b, start); err != nil {
		return false, fmt.Errorf("resolve scratch file: %w", err)
	}
	d := spillDecoder{b: b[1:]}
	switch b[0] {
	case spillCustomer:
		*cu = store.Customer{}
		for _, p := range []*string{&cu.GUID, &cu.Name, &cu.Company, &cu.Street, &cu.City,
			&cu.Zip, &cu.Country} {
			*p = d.str()
		}
		if n := d.uvarint(); n > 0 {
			cu.Extra = make(map[string]string, n)
			for range n {
				k := d.str()
				cu.Extra[k] = d.str()
			}
		}
		return false, d.err
	case spillOrder:
		*o = store.Order{}
		for _, p := range []*string{&o.ID, &o.Code, &o.Name, &o.Company, &o.Street, &o.City,
			&o.Zip, &o.Country, &o.Currency, &o.Status} {
			*p = d.str()
		}
		if ms := d.varint(); ms != 0 {
			o.Date = time.UnixMilli(ms)
		}
		o.Total = d.float()
		return true, d.err
	}
	return false, fmt.Errorf("resolve scratch file: record %d has kind %q", rec, b[0])
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

var errSpillShort = errors.New("resolve scratch file: record cut short")

// spillDecoder reads back what spill wrote; the first problem sticks in err.
type spillDecoder struct {
	b   []byte
	err error
}

func (d *spillDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// varint undoes the zig-zag encoding binary.AppendVarint writes on top of a uvarint.
func (d *spillDecoder) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *spillDecoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *spillDecoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *spillDecoder) fail() {
	if d.err == nil {
		d.err = errSpillShort
	}
	d.b = nil
}
