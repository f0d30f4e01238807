package shoptet

import (
	"fmt"
	"io"
	"strings"
)

// customerXML reads CUSTOMERS/CUSTOMER elements over encoding/xml: customer
// exports are small next to order histories, so the fast scanner is not
// needed here.
type customerXML struct {
	src   *xmlReader
	err   error
	cust  *Customer
	bad   error
	phone string // an account phone, used when the customer has none
}

func newCustomerXML(r io.Reader) *customerXML {
	return &customerXML{src: newXMLReader(ExportCustomers, r)}
}

// Next implements CustomerDecoder.
func (d *customerXML) Next() (*Customer, error) {
	if d.err != nil {
		return nil, d.err
	}
	line, err := d.seek()
	if err == nil {
		return d.read(line)
	}
	d.err = err
	return nil, err
}

func (d *customerXML) seek() (int, error) {
	x := d.src
	for {
		ev, err := x.next()
		if err != nil {
			return 0, err
		}
		switch {
		case ev == evEnd:
			x.pop()
		case x.depth() == 1 && x.stack[0] != "CUSTOMERS":
			return 0, &ParseError{Export: ExportCustomers, Line: x.line(), Err: fmt.Errorf(
				"root element is <%s>, not <CUSTOMERS>", x.stack[0])}
		case x.depth() == 2 && x.stack[1] == "CUSTOMER":
			return x.line(), nil
		}
	}
}

func (d *customerXML) read(line int) (*Customer, error) {
	x := d.src
	d.cust, d.bad, d.phone = &Customer{}, nil, ""
	for {
		ev, err := x.next()
		if err != nil {
			d.err = err
			return nil, err
		}
		if ev == evStart {
			continue
		}
		if x.depth() == 2 {
			x.pop()
			return d.finish(line)
		}
		d.field(x.stack[2:], string(x.trimmed()))
		x.pop()
	}
}

func (d *customerXML) finish(line int) (*Customer, error) {
	c := d.cust
	if c.Phone == "" {
		c.Phone = d.phone
	}
	if d.bad == nil {
		d.bad = checkCustomer(c)
	}
	if d.bad != nil {
		rec := c.GUID
		if len(c.Emails) > 0 {
			rec = c.Emails[0]
		}
		return nil, &RecordError{Export: ExportCustomers, Line: line, Record: rec, Err: d.bad}
	}
	return c, nil
}

// field stores the text of a closed element at path rel below CUSTOMER.
// Leaves that map to no field are kept in Extra by their path.
func (d *customerXML) field(rel []string, v string) {
	c := d.cust
	path := strings.Join(rel, "/")
	switch {
	case path == "GUID":
		c.GUID = v
	case path == "PHONE", path == "BILLING_ADDRESS/PHONE" && c.Phone == "":
		c.Phone = v
	case path == "EMAIL" || path == "ACCOUNTS/ACCOUNT/EMAIL":
		c.Emails = addEmail(c.Emails, v)
	case path == "ACCOUNTS/ACCOUNT/PHONE" && d.phone == "":
		d.phone = v
	case path == "REGISTRATION_DATE" || path == "CREATION_TIME":
		d.date(path, v)
	case len(rel) == 2 && rel[0] == "BILLING_ADDRESS":
		d.billing(rel[1], v)
	case v != "" && !strings.HasPrefix(path, "ACCOUNTS/"):
		// Containers have only white space, so this keeps leaves alone.
		if c.Extra == nil {
			c.Extra = map[string]string{}
		}
		c.Extra[path] = v
	}
}

func (d *customerXML) date(field, v string) {
	t, err := ParseShopTime(v)
	if err != nil && d.bad == nil {
		d.bad = fmt.Errorf("%s: %w", field, err)
	}
	if d.cust.RegistrationDate.IsZero() {
		d.cust.RegistrationDate = t
	}
}

func (d *customerXML) billing(name, v string) {
	c := d.cust
	a := &c.Billing
	switch name {
	case "FULL_NAME", "NAME":
		c.FullName, a.Name = v, v
	case "COMPANY":
		c.Company, a.Company = v, v
	case "STREET":
		a.Street = v
	case "HOUSE_NUMBER", "HOUSENUMBER":
		a.HouseNumber = v
	case "CITY":
		a.City = v
	case "ZIP":
		a.Zip = v
	case "COUNTRY":
		a.Country = v
	case "COUNTRY_CODE":
		a.CountryCode = v
	case "COMPANY_ID":
		a.CompanyID = v
	case "VAT_ID":
		a.VatID = v
	}
}
