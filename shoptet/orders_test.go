package shoptet

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// orderResult is everything a decoder returned for one input.
type orderResult struct {
	orders  []*Order
	records []*RecordError
	fatal   error // nil when the input ended with io.EOF
}

func decodeOrders(t testing.TB, d *OrderDecoder) orderResult {
	t.Helper()
	var res orderResult
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatal("decoder does not terminate")
		}
		o, err := d.Next()
		var re *RecordError
		switch {
		case err == nil:
			res.orders = append(res.orders, o)
		case errors.As(err, &re):
			res.records = append(res.records, re)
		case err == io.EOF:
			return res
		default:
			res.fatal = err
			if _, again := d.Next(); again != err {
				t.Fatalf("fatal error is not sticky: %v then %v", err, again)
			}
			return res
		}
	}
}

const fullOrder = `<ORDER>
    <ORDER_ID>1501</ORDER_ID>
    <CODE>2026000123</CODE>
    <DATE>2026-03-29 14:05:09</DATE>
    <STATUS>Vyřízena</STATUS>
    <CURRENCY><CODE>CZK</CODE><EXCHANGE_RATE>1</EXCHANGE_RATE></CURRENCY>
    <CUSTOMER>
      <EMAIL> Jana.Dvorakova@Example.cz </EMAIL>
      <PHONE>+420 777 123 456</PHONE>
      <BILLING_ADDRESS>
        <NAME>Jana Dvořáková</NAME><COMPANY>Hrnky s.r.o.</COMPANY>
        <STREET>Dlouhá</STREET><HOUSENUMBER>12a</HOUSENUMBER><CITY>Praha</CITY>
        <ZIP>110 00</ZIP><COUNTRY>Česká republika</COUNTRY><COUNTRY_CODE>CZ</COUNTRY_CODE>
        <COMPANY_ID>12345678</COMPANY_ID><VAT_ID>CZ12345678</VAT_ID>
      </BILLING_ADDRESS>
      <SHIPPING_ADDRESS>
        <NAME>Petr</NAME><CITY>Brno</CITY><COUNTRY_CODE>CZ</COUNTRY_CODE>
      </SHIPPING_ADDRESS>
    </CUSTOMER>
    <REMARK><![CDATA[Zvonit <2x> & čekat]]></REMARK>
    <TOTAL_PRICE><WITH_VAT>1210.50</WITH_VAT><WITHOUT_VAT>1000.41</WITHOUT_VAT></TOTAL_PRICE>
    <ORDER_ITEMS>
      <ITEM><TYPE>product</TYPE><NAME>Hrnek</NAME><CODE>HR-1</CODE><AMOUNT>2</AMOUNT>
        <UNIT_PRICE><WITH_VAT>600.25</WITH_VAT></UNIT_PRICE>
        <TOTAL_PRICE><WITH_VAT>1200.50</WITH_VAT></TOTAL_PRICE></ITEM>
      <ITEM><TYPE>shipping</TYPE><NAME>PPL</NAME><AMOUNT>1</AMOUNT>
        <TOTAL_PRICE><WITH_VAT>10</WITH_VAT></TOTAL_PRICE></ITEM>
    </ORDER_ITEMS>
  </ORDER>`

func orders(body ...string) string {
	return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ORDERS>\n" +
		strings.Join(body, "\n") + "\n</ORDERS>\n"
}

func TestOrderDecoderFullOrder(t *testing.T) {
	res := decodeOrders(t, NewOrderDecoder(strings.NewReader(orders(fullOrder))))
	if res.fatal != nil || len(res.records) != 0 || len(res.orders) != 1 {
		t.Fatalf("got %d orders, %d record errors, fatal %v", len(res.orders),
			len(res.records), res.fatal)
	}
	o := res.orders[0]
	want := Order{
		ID: "1501", Code: "2026000123",
		Date:   time.Date(2026, 3, 29, 14, 5, 9, 0, Prague),
		Status: "Vyřízena", Currency: "CZK",
		Email: "Jana.Dvorakova@Example.cz", Phone: "+420 777 123 456",
		Billing: Address{Name: "Jana Dvořáková", Company: "Hrnky s.r.o.", Street: "Dlouhá",
			HouseNumber: "12a", City: "Praha", Zip: "110 00", Country: "Česká republika",
			CountryCode: "CZ", CompanyID: "12345678", VatID: "CZ12345678"},
		Shipping:     Address{Name: "Petr", City: "Brno", CountryCode: "CZ"},
		Remark:       "Zvonit <2x> & čekat",
		TotalWithVAT: 1210.50,
	}
	items := []Item{
		{Type: "product", Name: "Hrnek", Code: "HR-1", Amount: 2, UnitPriceWithVAT: 600.25,
			TotalWithVAT: 1200.50},
		{Type: "shipping", Name: "PPL", Amount: 1, TotalWithVAT: 10},
	}
	got := *o
	got.Items = nil
	if !got.Date.Equal(want.Date) {
		t.Errorf("date %v, want %v", got.Date, want.Date)
	}
	got.Date, want.Date = time.Time{}, time.Time{}
	if got.Billing != want.Billing || got.Shipping != want.Shipping {
		t.Errorf("addresses\n got %+v %+v\nwant %+v %+v", got.Billing, got.Shipping,
			want.Billing, want.Shipping)
	}
	if got.ID != want.ID || got.Code != want.Code || got.Status != want.Status ||
		got.Currency != want.Currency || got.Email != want.Email || got.Phone != want.Phone ||
		got.Remark != want.Remark || got.TotalWithVAT != want.TotalWithVAT {
		t.Errorf("order\n got %+v\nwant %+v", got, want)
	}
	if len(o.Items) != len(items) {
		t.Fatalf("items %+v", o.Items)
	}
	for i := range items {
		if o.Items[i] != items[i] {
			t.Errorf("item %d = %+v, want %+v", i, o.Items[i], items[i])
		}
	}
	if _, off := o.Date.Zone(); off != 2*3600 {
		t.Errorf("DATE in March after DST change has offset %d, want CEST", off)
	}
}

func TestOrderDecoderEdgeCases(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		codes   []string // codes of the orders returned, in order
		records []string // "line:record" of record errors
		fatal   string   // substring of the fatal error; "" for io.EOF
	}{
		{name: "utf-8 BOM", in: "\uFEFF" + orders(`<ORDER><CODE>1</CODE></ORDER>`),
			codes: []string{"1"}},
		{name: "no declaration, CRLF", in: "<ORDERS>\r\n<ORDER>\r\n<CODE>2</CODE></ORDER></ORDERS>",
			codes: []string{"2"}},
		{name: "empty export", in: orders(), codes: nil},
		{name: "self-closing root", in: `<ORDERS/>`, codes: nil},
		{name: "missing and empty elements",
			in: orders(`<ORDER><ORDER_ID>7</ORDER_ID><DATE/><STATUS></STATUS>` +
				`<TOTAL_PRICE/></ORDER>`),
			codes: []string{""}},
		{name: "unknown elements and attributes",
			in: orders(`<ORDER x="1"><SOURCE_NAME a='>'>eshop</SOURCE_NAME><CODE>3</CODE>` +
				`<CUSTOMER_GROUP><NAME>VIP</NAME></CUSTOMER_GROUP><!-- note --><?pi x?></ORDER>`),
			codes: []string{"3"}},
		{name: "CDATA code", in: orders(`<ORDER><CODE><![CDATA[ 4 ]]></CODE></ORDER>`),
			codes: []string{"4"}},
		{name: "bad date skips one order",
			in: orders(`<ORDER><CODE>5</CODE></ORDER>`,
				`<ORDER><DATE>2026-02-30 10:00:00</DATE><CODE>6</CODE></ORDER>`,
				`<ORDER><CODE>7</CODE></ORDER>`),
			codes: []string{"5", "7"}, records: []string{"4:6"}},
		{name: "bad number", in: orders(`<ORDER><ORDER_ID>8</ORDER_ID>`,
			`<TOTAL_PRICE><WITH_VAT>12,3x</WITH_VAT></TOTAL_PRICE></ORDER>`),
			records: []string{"3:8"}},
		{name: "bad item amount", in: orders(`<ORDER><CODE>9</CODE><ORDER_ITEMS><ITEM>` +
			`<AMOUNT>NaN</AMOUNT></ITEM></ORDER_ITEMS></ORDER>`),
			records: []string{"3:9"}},
		{name: "order without id or code", in: orders(`<ORDER><STATUS>x</STATUS></ORDER>`),
			records: []string{"3:"}},
		{name: "html entity", in: orders(`<ORDER><CODE>1&nbsp;0&#x41;&#66;&amp;</CODE></ORDER>`),
			codes: []string{"1\u00a00AB&"}},
		{name: "wrong root", in: `<html><body>login</body></html>`, fatal: "not <ORDERS>"},
		{name: "not xml", in: "Access denied", fatal: "no XML element"},
		{name: "empty input", in: "", fatal: "no XML element"},
		{name: "cut short", in: "<ORDERS>\n<ORDER><CODE>1</CODE></ORDER>\n<ORDER><CO",
			codes: []string{"1"}, fatal: "line 3"},
		{name: "mismatched tag", in: "<ORDERS>\n<ORDER><CODE>1</DATE></ORDER></ORDERS>",
			fatal: "line 2: unexpected </DATE>"},
		{name: "unknown entity", in: orders(`<ORDER><CODE>&bogus;</CODE></ORDER>`),
			fatal: "entity"},
		{name: "windows-1250 declaration",
			in: "<?xml version=\"1.0\" encoding=\"windows-1250\"?>" +
				"<ORDERS><ORDER><CODE>\xe8\x9a</CODE></ORDER></ORDERS>",
			codes: []string{"čš"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, src := range []struct {
				name string
				d    *OrderDecoder
			}{
				{"scanner", NewOrderDecoder(iotest.HalfReader(strings.NewReader(tt.in)))},
				{"encoding/xml", orderDecoderOn(
					newXMLReader(ExportOrders, strings.NewReader(tt.in)))},
			} {
				res := decodeOrders(t, src.d)
				checkOrderResult(t, src.name, res, tt.codes, tt.records, tt.fatal)
			}
		})
	}
}

func checkOrderResult(t *testing.T, src string, res orderResult, codes, records []string,
	fatal string) {
	t.Helper()
	var gotCodes, gotRecords []string
	for _, o := range res.orders {
		gotCodes = append(gotCodes, o.Code)
	}
	for _, r := range res.records {
		gotRecords = append(gotRecords, strconv.Itoa(r.Line)+":"+r.Record)
		if r.Export != ExportOrders {
			t.Errorf("%s: record error export %q", src, r.Export)
		}
	}
	if strings.Join(gotCodes, ",") != strings.Join(codes, ",") {
		t.Errorf("%s: codes %q, want %q", src, gotCodes, codes)
	}
	if strings.Join(gotRecords, ",") != strings.Join(records, ",") {
		t.Errorf("%s: record errors %q, want %q", src, gotRecords, records)
	}
	switch {
	case fatal == "" && res.fatal != nil:
		t.Errorf("%s: unexpected fatal error %v", src, res.fatal)
	case fatal != "" && (res.fatal == nil || !strings.Contains(res.fatal.Error(), fatal)):
		t.Errorf("%s: fatal error %v, want one containing %q", src, res.fatal, fatal)
	}
}
