package daktela

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// MaxPageSize is the largest page Daktela serves; it is also the default.
const MaxPageSize = 1000

// ListOptions selects, orders and pages a list read.
type ListOptions struct {
	Filters  []Filter // combined with logic "and"
	Sort     []Sort
	Fields   []string // only these fields are returned; all when empty
	PageSize int      // records per request (take); 0 means MaxPageSize
	Skip     int      // records to skip before the first one returned
}

// Filter is one condition, e.g. {"customFields.email", "eq", "a@b.cz"}.
// Value is sent as one string: how Daktela wants several values for in and
// notin is not confirmed, so those operators get whatever Value holds.
type Filter struct {
	Field    string
	Operator string // eq neq lt lte gt gte like in notin isnull isnotnull
	Value    string
}

// Sort orders a list by Field, Dir "asc" or "desc".
type Sort struct {
	Field string
	Dir   string
}

var operators = map[string]bool{
	"eq": true, "neq": true, "lt": true, "lte": true, "gt": true, "gte": true,
	"like": true, "in": true, "notin": true, "isnull": true, "isnotnull": true,
}

// validate names the first wrong option.
func (o ListOptions) validate() error {
	for i, f := range o.Filters {
		name := fmt.Sprintf("ListOptions.Filters[%d]", i)
		if f.Field == "" {
			return &OptionError{Option: name + ".Field", Reason: "is required"}
		}
		if !operators[f.Operator] {
			return &OptionError{Option: name + ".Operator",
				Reason: "unknown operator " + strconv.Quote(f.Operator)}
		}
	}
	for i, s := range o.Sort {
		name := fmt.Sprintf("ListOptions.Sort[%d]", i)
		if s.Field == "" {
			return &OptionError{Option: name + ".Field", Reason: "is required"}
		}
		if s.Dir != "asc" && s.Dir != "desc" {
			return &OptionError{Option: name + ".Dir", Reason: `must be "asc" or "desc"`}
		}
	}
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		return &OptionError{Option: "ListOptions.PageSize", Reason: "must be between 0 and 1000"}
	}
	if o.Skip < 0 {
		return &OptionError{Option: "ListOptions.Skip", Reason: "must not be negative"}
	}
	return nil
}

func (o ListOptions) pageSize() int {
	if o.PageSize == 0 {
		return MaxPageSize
	}
	return o.PageSize
}

// query encodes o the way Daktela's PHP router reads nested parameters.
func (o ListOptions) query(skip, take int) url.Values {
	q := url.Values{}
	if len(o.Filters) > 0 {
		q.Set("filter[logic]", "and")
	}
	for i, f := range o.Filters {
		p := "filter[filters][" + strconv.Itoa(i) + "]"
		q.Set(p+"[field]", f.Field)
		q.Set(p+"[operator]", f.Operator)
		if f.Value != "" || (f.Operator != "isnull" && f.Operator != "isnotnull") {
			q.Set(p+"[value]", f.Value)
		}
	}
	for i, s := range o.Sort {
		p := "sort[" + strconv.Itoa(i) + "]"
		q.Set(p+"[field]", s.Field)
		q.Set(p+"[dir]", s.Dir)
	}
	for i, f := range o.Fields {
		q.Set("fields["+strconv.Itoa(i)+"]", f)
	}
	q.Set("skip", strconv.Itoa(skip))
	q.Set("take", strconv.Itoa(take))
	return q
}

// page is a list result: {"data": [...] | {name: {...}}, "total": N}.
type page[T any] struct {
	Data  []T
	Total int
}

type nameSetter interface{ setDefaultName(string) }

// UnmarshalJSON accepts data as an array or as an object keyed by record
// name, keeping the order of the answer.
func (p *page[T]) UnmarshalJSON(b []byte) error {
	var w struct {
		Data  json.RawMessage `json:"data"`
		Total json.RawMessage `json:"total"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	total, err := scalarString(w.Total)
	if err != nil {
		return fmt.Errorf("total: %w", err)
	}
	if total != "" {
		if p.Total, err = strconv.Atoi(total); err != nil {
			return fmt.Errorf("total: %w", err)
		}
	}
	data := bytes.TrimSpace(w.Data)
	if len(data) > 0 && data[0] == '{' {
		p.Data, err = decodeKeyed[T](data)
		return err
	}
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	return json.Unmarshal(data, &p.Data)
}

func decodeKeyed[T any](data []byte) ([]T, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var out []T
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if ns, ok := any(&v).(nameSetter); ok {
			ns.setDefaultName(fmt.Sprint(key))
		}
		out = append(out, v)
	}
	return out, nil
}

// listAll pages through endpoint with skip and take until the reported total,
// or, where the answer gives none, until a short page: a server may answer
// fewer records than asked while more remain. Records changed during the
// walk may shift between pages; sort on a stable field (e.g. created) when
// that matters.
func listAll[T any](
	ctx context.Context, c *Client, endpoint string, o ListOptions,
) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := o.validate(); err != nil {
			yield(zero, err)
			return
		}
		skip, take := o.Skip, o.pageSize()
		for {
			p, err := listPage[T](ctx, c, endpoint, o.query(skip, take))
			if err != nil {
				yield(zero, err)
				return
			}
			for _, v := range p.Data {
				if !yield(v, nil) {
					return
				}
			}
			skip += len(p.Data)
			switch {
			case len(p.Data) == 0:
				return
			case p.Total > 0 && skip >= p.Total:
				return
			case p.Total == 0 && len(p.Data) < take:
				return
			}
		}
	}
}

func listPage[T any](
	ctx context.Context, c *Client, endpoint string, q url.Values,
) (page[T], error) {
	var p page[T]
	err := c.call(ctx, http.MethodGet, c.endpointURL(endpoint, q), nil, &p)
	return p, err
}
