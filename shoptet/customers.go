package shoptet

import (
	"fmt"
	"io"
	"strings"
)

// CustomerDecoder reads customers one at a time. Next returns io.EOF after
// the last one, a *RecordError for a malformed customer that it skipped
// (call Next again), and any other error for a fault that ends the export.
type CustomerDecoder interface {
	Next() (*Customer, error)
}

// NewCustomerDecoder returns a decoder for a customer export in format
// "csv" or "xml".
func NewCustomerDecoder(format string, r io.Reader) (CustomerDecoder, error) {
	switch strings.ToLower(format) {
	case "csv", "":
		return newCustomerCSV(r), nil
	case "xml":
		return newCustomerXML(r), nil
	}
	return nil, &ConfigError{Setting: "CustomersFormat",
		Problem: fmt.Sprintf("must be csv or xml, not %q", format)}
}

// addEmail appends e unless it is empty or already there, compared without
// case because Shoptet logins are case-insensitive.
func addEmail(list []string, e string) []string {
	e = strings.TrimSpace(e)
	if e == "" {
		return list
	}
	for _, have := range list {
		if strings.EqualFold(have, e) {
			return list
		}
	}
	return append(list, e)
}

// checkCustomer is the rule both formats share: a customer must be
// identifiable, by GUID or by e-mail.
func checkCustomer(c *Customer) error {
	if c.GUID == "" && len(c.Emails) == 0 {
		return errNoIdentity
	}
	return nil
}

var errNoIdentity = fmt.Errorf("customer has neither a GUID nor an e-mail")
