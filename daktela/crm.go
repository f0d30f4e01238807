package daktela

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// crmRecordsEndpoint holds CRM records, the home for orders linked to a
// contact.
const crmRecordsEndpoint = "crmRecords"

// CRMRecord is a Daktela CRM record, e.g. one order. Created and Edited are
// filled on reads only and never sent.
type CRMRecord struct {
	Name         string       `json:"name,omitempty"`
	Type         string       `json:"type,omitempty"` // record type name
	Title        string       `json:"title,omitempty"`
	Stage        string       `json:"stage,omitempty"` // OPEN or CLOSE
	Contact      string       `json:"contact,omitempty"`
	Account      string       `json:"account,omitempty"`
	Status       string       `json:"status,omitempty"`
	Description  string       `json:"description,omitempty"`
	CustomFields CustomFields `json:"customFields,omitempty"`

	Created time.Time `json:"-"` // Europe/Prague
	Edited  time.Time `json:"-"` // Europe/Prague
}

type crmRecordWire struct {
	Name         json.RawMessage `json:"name"`
	Type         json.RawMessage `json:"type"`
	Title        json.RawMessage `json:"title"`
	Stage        json.RawMessage `json:"stage"`
	Contact      json.RawMessage `json:"contact"`
	Account      json.RawMessage `json:"account"`
	Status       json.RawMessage `json:"status"`
	Description  json.RawMessage `json:"description"`
	CustomFields CustomFields    `json:"customFields"`
	Created      json.RawMessage `json:"created"`
	Edited       json.RawMessage `json:"edited"`
}

// UnmarshalJSON reads a record as Daktela returns it: nulls as empty and
// embedded type, contact, account and status objects as their names.
func (r *CRMRecord) UnmarshalJSON(b []byte) error {
	var w crmRecordWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var rec CRMRecord
	err := decodeStrings(map[*string]json.RawMessage{
		&rec.Name: w.Name, &rec.Type: w.Type, &rec.Title: w.Title,
		&rec.Stage: w.Stage, &rec.Contact: w.Contact, &rec.Account: w.Account,
		&rec.Status: w.Status, &rec.Description: w.Description,
	})
	if err != nil {
		return fmt.Errorf("crm record: %w", err)
	}
	if rec.Created, err = parsePragueTime(w.Created); err != nil {
		return fmt.Errorf("crm record created: %w", err)
	}
	if rec.Edited, err = parsePragueTime(w.Edited); err != nil {
		return fmt.Errorf("crm record edited: %w", err)
	}
	rec.CustomFields = w.CustomFields
	*r = rec
	return nil
}

func (r *CRMRecord) setDefaultName(name string) {
	if r.Name == "" {
		r.Name = name
	}
}

// CRMRecords iterates over the CRM records matching o, page by page.
func (c *Client) CRMRecords(ctx context.Context, o ListOptions) iter.Seq2[CRMRecord, error] {
	return listAll[CRMRecord](ctx, c, crmRecordsEndpoint, o)
}

// CRMRecord reads the CRM record called name. A missing record gives an *Error
// of KindNotFound (see IsNotFound).
func (c *Client) CRMRecord(ctx context.Context, name string) (CRMRecord, error) {
	var out CRMRecord
	u, err := c.recordURL(crmRecordsEndpoint, name)
	if err != nil {
		return out, err
	}
	err = c.call(ctx, http.MethodGet, u, nil, &out)
	return out, err
}

// CreateCRMRecord creates r and returns the record as stored.
func (c *Client) CreateCRMRecord(ctx context.Context, r CRMRecord) (CRMRecord, error) {
	var out CRMRecord
	u := c.endpointURL(crmRecordsEndpoint, nil)
	err := c.call(ctx, http.MethodPost, u, r, &out)
	return out, err
}

// UpdateCRMRecord updates the record named r.Name and returns it as stored.
func (c *Client) UpdateCRMRecord(ctx context.Context, r CRMRecord) (CRMRecord, error) {
	var out CRMRecord
	u, err := c.recordURL(crmRecordsEndpoint, r.Name)
	if err != nil {
		return out, err
	}
	err = c.call(ctx, http.MethodPut, u, r, &out)
	return out, err
}
