package shoptet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gocarina/gocsv"
)

// csvColumns are the lower-cased header names of Shoptet's customer export
// that map onto Customer fields. Other columns land in Customer.Extra.
var csvColumns = map[string]bool{
	"email": true, "guid": true, "billingfullname": true, "phone": true,
	"billingcompany": true, "billingstreet": true, "billinghousenumber": true,
	"billingcity": true, "billingzip": true, "billingcountrycode": true,
	"companyid": true, "vatid": true, "registrationdate": true,
}

// setCSVField stores the value of the mapped column key.
func setCSVField(c *Customer, key, v string) error {
	a := &c.Billing
	switch key {
	case "email":
		c.Emails = addEmail(c.Emails, v)
	case "guid":
		c.GUID = v
	case "billingfullname":
		c.FullName, a.Name = v, v
	case "phone":
		c.Phone = v
	case "billingcompany":
		c.Company, a.Company = v, v
	case "billingstreet":
		a.Street = v
	case "billinghousenumber":
		a.HouseNumber = v
	case "billingcity":
		a.City = v
	case "billingzip":
		a.Zip = v
	case "billingcountrycode":
		a.CountryCode = v
	case "companyid":
		a.CompanyID = v
	case "vatid":
		a.VatID = v
	case "registrationdate":
		t, err := ParseShopTime(v)
		c.RegistrationDate = t
		return err
	}
	return nil
}

// customerCSV reads the CSV customer export row by row through gocsv's
// streaming decoder; the header is mapped here by name because gocsv's
// struct tags cannot keep unknown columns or match names without case.
type customerCSV struct {
	csv    *csv.Reader
	rows   gocsv.SimpleDecoder
	header []string // names as the export spells them
	keys   []string // per column, the mapped key; "" for a column kept in Extra
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
		return &ParseError{Export: ExportCustomers, Err: errors.New("export is empty, no header")}
	}
	if err != nil {
		return d.rowError(err)
	}
	d.header = make([]string, len(row))
	d.keys = make([]string, len(row))
	seen := map[string]bool{}
	for i, name := range row {
		name = strings.Trim(name, " \t\ufeff\u200b")
		d.header[i] = name
		key := strings.ToLower(name)
		if csvColumns[key] && !seen[key] {
			d.keys[i] = key
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
		case i >= len(d.keys):
		case d.keys[i] != "":
			if err := setCSVField(c, d.keys[i], v); err != nil && first == nil {
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
