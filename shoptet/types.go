package shoptet

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Export names, as used in Download.Export, Error.Export and RecordError.Export.
const (
	ExportCustomers = "customers"
	ExportOrders    = "orders"
	ExportFeed      = "feed"
)

// Address is a billing or shipping address as the export carries it.
type Address struct {
	Name, Company, Street, HouseNumber, City, Zip, Country, CountryCode string
	CompanyID, VatID                                                    string
}

// Item is one order line. Shipping, payment and discounts appear as items too,
// told apart by Type ("product", "shipping", "billing", "discount", ...).
type Item struct {
	Type, Name, Code string
	Amount           float64
	UnitPriceWithVAT float64
	TotalWithVAT     float64
}

// Order is one ORDER of the system XML order template.
type Order struct {
	ID           string    // ORDER_ID, the internal id used by admin links
	Code         string    // CODE, the order number the customer sees
	Date         time.Time // DATE, shop local time read in Europe/Prague
	Status       string
	Currency     string
	Email, Phone string // as exported, not normalised
	Billing      Address
	Shipping     Address
	Remark       string
	TotalWithVAT float64 // TOTAL_PRICE/WITH_VAT
	Items        []Item
}

// Customer is one customer of the customer export.
type Customer struct {
	GUID             string
	Emails           []string // login e-mail first; more when the customer has several accounts
	FullName         string
	Phone            string
	Company          string
	Billing          Address
	RegistrationDate time.Time
	Extra            map[string]string // CSV columns not mapped to a field, by header name
}

// RecordError is a malformed record. The decoder that returns it has already
// skipped the record, so the caller reports it and calls Next again.
type RecordError struct {
	Export string // "orders", "customers", "feed"
	Line   int    // 1-based line where the record starts
	Record string // order code or id, or customer e-mail, when known
	Err    error
}

// Error describes the record by position and, when known, by code or e-mail.
func (e *RecordError) Error() string {
	if e.Record == "" {
		return fmt.Sprintf("shoptet %s export: line %d: %v", e.Export, e.Line, e.Err)
	}
	return fmt.Sprintf("shoptet %s export: line %d: record %q: %v",
		e.Export, e.Line, e.Record, e.Err)
}

// Unwrap returns the reason the record was rejected.
func (e *RecordError) Unwrap() error { return e.Err }

// ParseError is a fault that stops a decoder: broken XML syntax, a missing
// CSV header, an export of the wrong kind. Next keeps returning it.
type ParseError struct {
	Export string
	Line   int // 1-based; 0 when the fault has no position
	Err    error
}

// Error describes the fault with its line when it has one.
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("shoptet %s export: %v", e.Export, e.Err)
	}
	return fmt.Sprintf("shoptet %s export: line %d: %v", e.Export, e.Line, e.Err)
}

// Unwrap returns the underlying syntax or read error.
func (e *ParseError) Unwrap() error { return e.Err }

// CutShort reports whether the export ended before its document did: a transfer that
// stopped early without a read error, which a new download may mend. Any other parse fault
// is in the content and repeats on every download.
func (e *ParseError) CutShort() bool { return errors.Is(e.Err, io.ErrUnexpectedEOF) }
