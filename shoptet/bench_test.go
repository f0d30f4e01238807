package shoptet

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"runtime"
	"testing"
)

const benchOrders = 10000

// genOrders builds an order export of n orders in the system template, with
// the elements, CDATA and carrier extras a real export carries.
func genOrders(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ORDERS>\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  <ORDER>
    <ORDER_ID>%d</ORDER_ID>
    <CODE>2026%06d</CODE>
    <DATE>2026-03-%02d 14:%02d:05</DATE>
    <STATUS>Vyřizuje se</STATUS>
    <CURRENCY><CODE>CZK</CODE><EXCHANGE_RATE>1</EXCHANGE_RATE></CURRENCY>
    <CUSTOMER>
      <EMAIL>zakaznik%d@example.cz</EMAIL>
      <PHONE>+420 777 %06d</PHONE>
      <BILLING_ADDRESS>
        <NAME>Jan Novák %d</NAME><COMPANY></COMPANY><STREET>Dlouhá</STREET>
        <HOUSENUMBER>%d</HOUSENUMBER><CITY>Praha</CITY><ZIP>110 00</ZIP>
        <COUNTRY>Česká republika</COUNTRY><COUNTRY_CODE>CZ</COUNTRY_CODE>
        <COMPANY_ID/><VAT_ID/>
      </BILLING_ADDRESS>
      <SHIPPING_ADDRESS>
        <NAME>Jan Novák %d</NAME><STREET>Krátká</STREET><HOUSENUMBER>1</HOUSENUMBER>
        <CITY>Brno</CITY><ZIP>602 00</ZIP><COUNTRY>Česká republika</COUNTRY>
        <COUNTRY_CODE>CZ</COUNTRY_CODE>
      </SHIPPING_ADDRESS>
      <IP_ADDRESS>192.0.2.%d</IP_ADDRESS>
    </CUSTOMER>
    <REMARK><![CDATA[Prosím zvonit 2x & nechat u dveří]]></REMARK>
    <REFERER><![CDATA[https://www.google.com/?q=x&y=<z>]]></REFERER>
    <SHIPPING_CODE>ZASILKOVNA</SHIPPING_CODE><PACKETA_BRANCH_ID>1234</PACKETA_BRANCH_ID>
    <TOTAL_PRICE>
      <WITH_VAT>%d.50</WITH_VAT><WITHOUT_VAT>100.00</WITHOUT_VAT><VAT>21.00</VAT>
      <ROUNDING>0.00</ROUNDING><PRICE_TO_PAY>121.50</PRICE_TO_PAY><PAID>false</PAID>
    </TOTAL_PRICE>
    <ORDER_ITEMS>
      <ITEM>
        <TYPE>product</TYPE><NAME>Hrnek modrý</NAME><CODE>HR-%d</CODE>
        <EAN>8590000000000</EAN><AMOUNT>2</AMOUNT><UNIT>ks</UNIT>
        <UNIT_PRICE><WITH_VAT>50.25</WITH_VAT><WITHOUT_VAT>41.53</WITHOUT_VAT>
        <VAT>8.72</VAT><VAT_RATE>21</VAT_RATE></UNIT_PRICE>
        <TOTAL_PRICE><WITH_VAT>100.50</WITH_VAT><WITHOUT_VAT>83.06</WITHOUT_VAT>
        <VAT>17.44</VAT></TOTAL_PRICE>
      </ITEM>
      <ITEM>
        <TYPE>shipping</TYPE><NAME>Zásilkovna</NAME><AMOUNT>1</AMOUNT>
        <UNIT_PRICE><WITH_VAT>21.00</WITH_VAT></UNIT_PRICE>
        <TOTAL_PRICE><WITH_VAT>21.00</WITH_VAT></TOTAL_PRICE>
      </ITEM>
    </ORDER_ITEMS>
  </ORDER>
`, 1000+i, i, i%28+1, i%60, i, i, i, i%300, i, i%256, 100+i%900, i%50)
	}
	b.WriteString("</ORDERS>\n")
	return b.Bytes()
}

func BenchmarkOrderDecoder(b *testing.B) {
	data := genOrders(benchOrders)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	allocs := startAllocs()
	for b.Loop() {
		allocs.runs++
		d := NewOrderDecoder(bytes.NewReader(data))
		n := 0
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchOrders {
			b.Fatalf("decoded %d orders, want %d", n, benchOrders)
		}
	}
	allocs.report(b)
}

// BenchmarkXMLTokenScan is the floor: encoding/xml reading the same input
// with nothing done per token.
func BenchmarkXMLTokenScan(b *testing.B) {
	data := genOrders(benchOrders)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	allocs := startAllocs()
	for b.Loop() {
		allocs.runs++
		xd := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
		for {
			_, err := xd.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	allocs.report(b)
}

// BenchmarkXMLRawTokenScan is encoding/xml's faster RawToken on the same input.
func BenchmarkXMLRawTokenScan(b *testing.B) {
	data := genOrders(benchOrders)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		xd := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
		for {
			_, err := xd.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// allocCounter reports allocations per order over a benchmark's loop.
type allocCounter struct {
	before runtime.MemStats
	runs   int
}

func startAllocs() *allocCounter {
	c := &allocCounter{}
	runtime.ReadMemStats(&c.before)
	return c
}

func (c *allocCounter) report(b *testing.B) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	perOrder := float64(after.Mallocs-c.before.Mallocs) / float64(c.runs*benchOrders)
	b.ReportMetric(perOrder, "allocs/order")
}
