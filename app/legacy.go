package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/shoptet"
)

// LegacyCounts says what SeedLegacy stored.
type LegacyCounts struct {
	Customers int
	Orders    int
}

// SeedLegacy fills the sandbox CRM's database the way Daktela's built-in Shoptet integration
// leaves it: one contact per customer (named customer_<GUID>, titled with the customer's
// name) and one per order (named and titled with the order code), each with the e-mail and phone as the shop
// exported them. It reads the shop's own exports, so the contacts carry the same quirks
// (letter case, spacing, phone formats) the sync meets.
func SeedLegacy(s *shop.Shop, c *crm.Server, database string) (LegacyCounts, error) {
	var out LegacyCounts
	customers, err := legacyCustomers(s, database)
	if err != nil {
		return out, err
	}
	orders, err := legacyOrders(s, database)
	if err != nil {
		return out, err
	}
	if err := c.Seed(append(customers, orders...)); err != nil {
		return out, err
	}
	return LegacyCounts{Customers: len(customers), Orders: len(orders)}, nil
}

// SeedLegacyIfEmpty seeds the sandbox CRM with SeedLegacy unless it holds contacts already
// (a persisted CRM from an earlier start), and reports whether it did.
func (sb *Sandbox) SeedLegacyIfEmpty(database string) (LegacyCounts, bool, error) {
	if len(sb.CRM.Contacts()) > 0 {
		return LegacyCounts{}, false, nil
	}
	n, err := SeedLegacy(sb.Shop, sb.CRM, database)
	return n, err == nil, err
}

// LegacyPersons maps the name of every contact SeedLegacy makes from s to its person in the
// shop's ground truth, so that tests and drills can check a clean-up against it.
func LegacyPersons(s *shop.Shop) (map[string]int, error) {
	truth := s.Truth()
	out := map[string]int{}
	for _, guid := range truth.CustomerGUIDs() {
		out["customer_"+guid] = truth.PersonOfCustomer(guid)
	}
	var buf bytes.Buffer
	if err := s.WriteOrdersXML(&buf, shop.OrderFilter{}); err != nil {
		return nil, err
	}
	dec := shoptet.NewOrderDecoder(&buf)
	for {
		o, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("legacy persons: orders: %w", err)
		}
		out[o.Code] = truth.PersonOfOrder(o.ID)
	}
}

func legacyCustomers(s *shop.Shop, database string) ([]crm.Contact, error) {
	var buf bytes.Buffer
	if err := s.WriteCustomersCSV(&buf); err != nil {
		return nil, err
	}
	dec, err := shoptet.NewCustomerDecoder("csv", &buf)
	if err != nil {
		return nil, err
	}
	// The CSV has a row per account: a customer with several accounts is one contact with
	// every account's e-mail, as the integration keys customers by GUID.
	var out []crm.Contact
	at := map[string]int{}
	for {
		cu, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("legacy seed: customers: %w", err)
		}
		if i, ok := at[cu.GUID]; ok {
			cf := out[i].CustomFields
			cf["email"] = append(cf["email"], cu.Emails...)
			continue
		}
		at[cu.GUID] = len(out)
		out = append(out, crm.Contact{Name: "customer_" + cu.GUID, Title: cu.FullName,
			Database: database, CustomFields: fields(cu.Emails, cu.Phone),
			Created: cu.RegistrationDate, Edited: cu.RegistrationDate})
	}
}

func legacyOrders(s *shop.Shop, database string) ([]crm.Contact, error) {
	var buf bytes.Buffer
	if err := s.WriteOrdersXML(&buf, shop.OrderFilter{}); err != nil {
		return nil, err
	}
	dec := shoptet.NewOrderDecoder(&buf)
	var out []crm.Contact
	for {
		o, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("legacy seed: orders: %w", err)
		}
		var emails []string
		if o.Email != "" {
			emails = []string{o.Email}
		}
		out = append(out, crm.Contact{Name: o.Code, Title: o.Code, Database: database,
			CustomFields: fields(emails, o.Phone), Created: o.Date, Edited: o.Date})
	}
}

func fields(emails []string, phone string) map[string][]string {
	cf := map[string][]string{}
	if len(emails) > 0 {
		cf["email"] = emails
	}
	if phone != "" {
		cf["number"] = []string{phone}
	}
	return cf
}
