package shop

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// The test decoders below are written independently of the generator, the
// way a consumer of the exports would read them.

type xmlOrders struct {
	Orders []xmlOrder `xml:"ORDER"`
}

type xmlOrder struct {
	ID       string `xml:"ORDER_ID"`
	Code     string `xml:"CODE"`
	Date     string `xml:"DATE"`
	Status   string `xml:"STATUS"`
	Currency string `xml:"CURRENCY>CODE"`
	Email    string `xml:"CUSTOMER>EMAIL"`
	Phone    string `xml:"CUSTOMER>PHONE"`
	Name     string `xml:"CUSTOMER>BILLING_ADDRESS>NAME"`
	Company  string `xml:"CUSTOMER>BILLING_ADDRESS>COMPANY"`
	ICO      string `xml:"CUSTOMER>BILLING_ADDRESS>COMPANY_ID"`
	Referer  string `xml:"REFERER"`
	Remark   string `xml:"REMARK"`
	Total    struct {
		WithVAT    string `xml:"WITH_VAT"`
		WithoutVAT string `xml:"WITHOUT_VAT"`
		VAT        string `xml:"VAT"`
		ToPay      string `xml:"PRICE_TO_PAY"`
	} `xml:"TOTAL_PRICE"`
	Items []struct {
		Type  string `xml:"TYPE"`
		Name  string `xml:"NAME"`
		Total string `xml:"TOTAL_PRICE>WITH_VAT"`
	} `xml:"ORDER_ITEMS>ITEM"`
}

type xmlCustomers struct {
	Customers []xmlCustomer `xml:"CUSTOMER"`
}

type xmlCustomer struct {
	GUID     string `xml:"GUID"`
	Phone    string `xml:"PHONE"`
	Name     string `xml:"BILLING_ADDRESS>FULL_NAME"`
	Accounts []struct {
		GUID  string `xml:"GUID"`
		Email string `xml:"EMAIL"`
	} `xml:"ACCOUNTS>ACCOUNT"`
}

func parseOrders(t testing.TB, data []byte) []xmlOrder {
	t.Helper()
	var doc xmlOrders
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("orders xml does not parse: %v", err)
	}
	return doc.Orders
}

func parseCustomers(t testing.TB, data []byte) []xmlCustomer {
	t.Helper()
	var doc xmlCustomers
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("customers xml does not parse: %v", err)
	}
	return doc.Customers
}

func ordersXML(t testing.TB, s *Shop, f OrderFilter) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.WriteOrdersXML(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func customersXML(t testing.TB, s *Shop) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.WriteCustomersXML(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// normPhone turns the written forms into E.164, assuming Czech numbers when
// no country code is given.
func normPhone(p string) string {
	p = strings.Join(strings.Fields(p), "")
	switch {
	case p == "":
		return ""
	case strings.HasPrefix(p, "00"):
		return "+" + p[2:]
	case strings.HasPrefix(p, "+"):
		return p
	default:
		return "+420" + p
	}
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }
