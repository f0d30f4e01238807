package shoptet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gocarina/gocsv"
)

// csvField stores one mapped CSV column into a customer.
type csvField func(c *Customer, v string) error

// csvColumns maps the lower-cased header names of Shoptet's customer export
// onto fields. Columns not listed land in Customer.Extra.
var csvColumns = map[string]csvField{
	"email":           func(c *Customer, v string) error { c.Emails = addEmail(c.Emails, v); return nil },
	"guid":            func(c *Customer, v string) error { c.GUID = v; return nil },
	"billingfullname": func(c *Customer, v string) error { c.FullName, c.Billing.Name = v, v; return nil },
	"phone":           func(c *Customer, v string) error { c.Phone = v; return nil },
	"billingcompany": func(c *Customer, v string) error {
		c.Company, c.Billing.Company = v, v
		return nil
	},
	"billingstreet":      func(c *Customer, v string) error { c.Billing.Street = v; return nil },
	"billinghousenumber": func(c *Customer, v string) error { c.Billing.HouseNumber = v; return nil },
	"billingcity":        func(c *Customer, v string) error { c.Billing.City = v; return nil },
	"billingzip":         func(c *Customer, v string) error { c.Billing.Zip = v; return nil },
	"billingcountrycode": func(c *Customer, v string) error { c.Billing.CountryCode = v; return nil },
	"companyid":          func(c *Customer, v string) error { c.Billing.CompanyID = v; return nil },
	"vatid":              func(c *Customer, v string) error { c.Billing.VatID = v; return nil },
	"registrationdate": func(c *Customer, v string) error {
		t, err := ParseShopTime(v)
		c.RegistrationDate = t
		return err
	},
}

// customerCSV reads the CSV customer export row by row through gocsv's
// streaming decoder; the header is mapped here by name because gocsv's
// struct tags cannot keep unknown columns or match names without case.
type customerCSV struct {
	csv    *csv.Reader
	rows   gocsv.SimpleDecoder
	header []string   // names as the export spells them
	fields []csvField // per column; nil for a column kept in Extra
	err    error
}

func newCustomerCSV(r io.Reader) *customerCSV {
	cr := csv.NewReader(newTextReader(r))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1 // a short row is a record error, not a fatal one
	cr.LazyQuotes = true    // a stray quote in a name must not end the export
	return &customerCSV{csv: cr, rows: gocsv.NewSimpleDecoderFromCSVReader(cr)}
}

// Next implements CustomerDecoder.
func (d *customerCSV) Next() (*Customer, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.header == nil {
		if d.err = d.readHeader(); d.err != nil {
			return nil, d.err
		}
	}
	row, err := d.rows.GetCSVRow()
	if err != nil {
		return nil, d.rowError(err)
	}
	line, _ := d.csv.FieldPos(0)
	return d.customer(line, row)
}

func (d *customerCSV) readHeader() error {
	row, err := d.rows.GetCSVRow()
	if err == io.EOF {
		return &ParseError{Export: ExportCustomers, Err: errors.New("export is empty, no header row")}
	}
	if err != nil {
		return d.rowError(err)
	}
	d.header = make([]string, len(row))
	d.fields = make([]csvField, len(row))
	seen := map[string]bool{}
	for i, name := range row {
		name = strings.Trim(name, " \t\ufeff\u200b")
		d.header[i] = name
		key := strings.ToLower(name)
		if f, ok := csvColumns[key]; ok && !seen[key] {
			d.fields[i] = f
			seen[key] = true
		}
	}
	if !seen["email"] && !seen["guid"] {
		return &ParseError{Export: ExportCustomers, Line: 1, Err: fmt.Errorf(
			"header has no email or guid column (%d columns); "+
				"is this Shoptet's customer export with ';' separators?", len(row))}
	}
	return nil
}

// rowError keeps a broken row from ending the export: encoding/csv has
// already moved past it. Read errors end it.
func (d *customerCSV) rowError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RecordError{Export: ExportCustomers, Line: pe.StartLine, Err: pe.Err}
	}
	if err != io.EOF {
		d.err = err
	}
	return err
}

func (d *customerCSV) customer(line int, row []string) (*Customer, error) {
	c := &Customer{}
	bad := func(err error) (*Customer, error) {
		rec := ""
		if len(c.Emails) > 0 {
			rec = c.Emails[0]
		}
		return nil, &RecordError{Export: ExportCustomers, Line: line, Record: rec, Err: err}
	}
	var first error
	for i, v := range row {
		// The encoding was chosen from the start of the export; a later
		// stray byte must not put invalid UTF-8 into the CRM.
		v = strings.ToValidUTF8(strings.TrimSpace(v), "\uFFFD")
		switch {
		case i >= len(d.fields):
		case d.fields[i] != nil:
			if err := d.fields[i](c, v); err != nil && first == nil {
				first = fmt.Errorf("%s: %w", d.header[i], err)
			}
		default:
			if c.Extra == nil {
				c.Extra = make(map[string]string, len(row))
			}
			c.Extra[d.header[i]] = v
		}
	}
	if len(row) != len(d.header) {
		return bad(fmt.Errorf("row has %d fields, header has %d", len(row), len(d.header)))
	}
	if first != nil {
		return bad(first)
	}
	if err := checkCustomer(c); err != nil {
		return bad(err)
	}
	return c, nil
}
