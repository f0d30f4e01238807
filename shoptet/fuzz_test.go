package shoptet

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzOrderDecoder(f *testing.F) {
	f.Add([]byte(orders(fullOrder)))
	f.Add(genOrders(2))
	f.Add([]byte("\uFEFF<ORDERS><ORDER><CODE><![CDATA[x]]></CODE><DATE>bad</DATE>" +
		"</ORDER></ORDERS>"))
	f.Add([]byte("<ORDERS><ORDER a='1'><CODE>1&amp;&#x41;</CODE></ORDER><!-- c --></ORDERS>"))
	f.Add([]byte("<!DOCTYPE x [<!ENTITY a 'b'>]><ORDERS><ORDER><ORDER_ID>1</ORDER_ID>" +
		"</ORDER></ORDERS>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast := decodeOrders(t, NewOrderDecoder(bytes.NewReader(data)))
		checkOrdersWellFormed(t, fast)

		// encoding/xml is the reference: what it reads to the end, the
		// scanner must read the same way.
		ref := decodeOrders(t, orderDecoderOn(newXMLReader(ExportOrders, bytes.NewReader(data))))
		if ref.fatal != nil {
			return
		}
		if fast.fatal != nil {
			t.Fatalf("scanner failed where encoding/xml did not: %v", fast.fatal)
		}
		if !reflect.DeepEqual(fast.orders, ref.orders) {
			t.Fatalf("orders differ\nscanner %+v\nencoding/xml %+v", fast.orders, ref.orders)
		}
		if recordNames(fast.records) != recordNames(ref.records) {
			t.Fatalf("record errors differ: %q vs %q",
				recordNames(fast.records), recordNames(ref.records))
		}
	})
}

func recordNames(rs []*RecordError) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Record + "|")
	}
	return b.String()
}

func checkOrdersWellFormed(t *testing.T, res orderResult) {
	t.Helper()
	for _, o := range res.orders {
		if o.ID == "" && o.Code == "" {
			t.Fatalf("order without id or code: %+v", o)
		}
		nums := []float64{o.TotalWithVAT}
		for _, it := range o.Items {
			nums = append(nums, it.Amount, it.UnitPriceWithVAT, it.TotalWithVAT)
		}
		for _, n := range nums {
			if math.IsNaN(n) || math.IsInf(n, 0) {
				t.Fatalf("order %q has number %v", o.Code, n)
			}
		}
		for _, s := range []string{o.ID, o.Code, o.Email, o.Phone, o.Status, o.Remark} {
			if !utf8.ValidString(s) {
				t.Fatalf("order has invalid UTF-8 %q", s)
			}
		}
	}
	checkRecordErrors(t, res.records)
	var pe *ParseError
	if res.fatal != nil && !errors.As(res.fatal, &pe) {
		t.Fatalf("fatal error on in-memory input is not a *ParseError: %v", res.fatal)
	}
}

func checkRecordErrors(t *testing.T, rs []*RecordError) {
	t.Helper()
	for _, r := range rs {
		if r.Line < 1 || r.Err == nil || r.Export == "" {
			t.Fatalf("malformed record error %+v", r)
		}
	}
}

func FuzzCustomerCSV(f *testing.F) {
	f.Add([]byte("email;guid;registrationDate\na@b.cz;g1;2024-01-02 03:04:05\n"))
	f.Add([]byte("\uFEFFEMAIL;billingFullName;note\n\"x;y\"@b.cz;P\xf8\xedli\x9a;\"a\"\"b\"\n"))
	f.Add([]byte("guid;email\n;\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := NewCustomerDecoder("csv", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		checkCustomers(t, d)
	})
}

func FuzzCustomerXML(f *testing.F) {
	f.Add([]byte(customersXML(fullCustomerXML)))
	f.Add([]byte("<CUSTOMERS><CUSTOMER><GUID>g</GUID><REGISTRATION_DATE>x</REGISTRATION_DATE>" +
		"</CUSTOMER></CUSTOMERS>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := NewCustomerDecoder("xml", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		checkCustomers(t, d)
	})
}

func checkCustomers(t *testing.T, d CustomerDecoder) {
	t.Helper()
	res := decodeCustomers(t, d)
	for _, c := range res.customers {
		if c.GUID == "" && len(c.Emails) == 0 {
			t.Fatalf("customer without guid or e-mail: %+v", c)
		}
		for _, s := range append([]string{c.GUID, c.FullName, c.Phone}, c.Emails...) {
			if !utf8.ValidString(s) {
				t.Fatalf("customer has invalid UTF-8 %q", s)
			}
		}
	}
	checkRecordErrors(t, res.records)
}
