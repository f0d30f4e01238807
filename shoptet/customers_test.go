package shoptet

import (
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

type customerResult struct {
	customers []*Customer
	records   []*RecordError
	fatal     error
}

func decodeCustomers(t testing.TB, d CustomerDecoder) customerResult {
	t.Helper()
	var res customerResult
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatal("decoder does not terminate")
		}
		c, err := d.Next()
		var re *RecordError
		switch {
		case err == nil:
			res.customers = append(res.customers, c)
		case errors.As(err, &re):
			res.records = append(res.records, re)
		case err == io.EOF:
			return res
		default:
			res.fatal = err
			return res
		}
	}
}

func win1250(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1250.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const czech = "Příliš žluťoučký kůň"

func TestCustomerCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Customer
		records []string // "line:record"
		fatal   string
	}{
		{name: "windows-1250 by default",
			in: win1250(t, "email;billingFullName;guid\nkun@example.cz;"+czech+";g-1\n"),
			want: []Customer{{GUID: "g-1", Emails: []string{"kun@example.cz"}, FullName: czech,
				Billing: Address{Name: czech}}}},
		{name: "utf-8 with BOM",
			in: "\uFEFFemail;billingFullName\nkun@example.cz;" + czech + "\n",
			want: []Customer{{Emails: []string{"kun@example.cz"}, FullName: czech,
				Billing: Address{Name: czech}}}},
		{name: "shuffled case-insensitive columns, extra columns, quoted ;",
			in: "Phone;NOTE;GUID;BillingCity;EMAIL;registrationDate;groupName;" +
				"billingStreet;billingHouseNumber;billingZip;billingCountryCode;companyId;vatId;" +
				"billingCompany\r\n" +
				"+420 777 1;\"a;b \"\"c\"\"\";g2;Brno;x@y.cz;2024-05-06 07:08:09;VIP;" +
				"Dlouhá;3;602 00;CZ;123;CZ123;Firma\r\n",
			want: []Customer{{GUID: "g2", Emails: []string{"x@y.cz"}, Phone: "+420 777 1",
				Company: "Firma",
				Billing: Address{Company: "Firma", Street: "Dlouhá", HouseNumber: "3",
					City: "Brno", Zip: "602 00", CountryCode: "CZ", CompanyID: "123",
					VatID: "CZ123"},
				RegistrationDate: time.Date(2024, 5, 6, 7, 8, 9, 0, Prague),
				Extra:            map[string]string{"NOTE": `a;b "c"`, "groupName": "VIP"}}}},
		{name: "bad date and short row are record errors",
			in: "email;registrationDate\na@b.cz;yesterday\nb@b.cz\nc@b.cz;1.2.2024\n",
			want: []Customer{{Emails: []string{"c@b.cz"},
				RegistrationDate: time.Date(2024, 2, 1, 0, 0, 0, 0, Prague)}},
			records: []string{"2:a@b.cz", "3:b@b.cz"}},
		{name: "row without guid or email", in: "email;guid;phone\n;;123\n",
			records: []string{"2:"}},
		{name: "empty", in: "", fatal: "empty"},
		{name: "comma separated", in: "email,guid\na@b.cz,1\n", fatal: "no email or guid column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewCustomerDecoder("csv", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			res := decodeCustomers(t, d)
			checkCustomerResult(t, res, tt.want, tt.records, tt.fatal)
		})
	}
}

func TestCustomerCSVUTF8AfterASCII(t *testing.T) {
	// The first non-ASCII byte comes long after the first read buffer.
	in := "email;billingFullName\n" + strings.Repeat("a@b.cz;Ann\n", 9000) +
		"c@d.cz;" + czech + "\n"
	d, _ := NewCustomerDecoder("csv", strings.NewReader(in))
	res := decodeCustomers(t, d)
	if len(res.customers) != 9001 || res.customers[9000].FullName != czech {
		t.Fatalf("got %d customers, fatal %v", len(res.customers), res.fatal)
	}
}

func checkCustomerResult(t *testing.T, res customerResult, want []Customer, records []string,
	fatal string) {
	t.Helper()
	if want != nil {
		if len(res.customers) != len(want) {
			t.Fatalf("got %d customers, want %d: %+v", len(res.customers), len(want), res.customers)
		}
		for i := range want {
			got := *res.customers[i]
			if !got.RegistrationDate.Equal(want[i].RegistrationDate) {
				t.Errorf("registration %v, want %v", got.RegistrationDate, want[i].RegistrationDate)
			}
			got.RegistrationDate = want[i].RegistrationDate
			if !reflect.DeepEqual(got, want[i]) {
				t.Errorf("customer %d\n got %#v\nwant %#v", i, got, want[i])
			}
		}
	}
	var got []string
	for _, r := range res.records {
		got = append(got, itoa(r.Line)+":"+r.Record)
	}
	if strings.Join(got, ",") != strings.Join(records, ",") {
		t.Errorf("record errors %q, want %q (%v)", got, records, res.records)
	}
	switch {
	case fatal == "" && res.fatal != nil:
		t.Errorf("unexpected fatal error %v", res.fatal)
	case fatal != "" && (res.fatal == nil || !strings.Contains(res.fatal.Error(), fatal)):
		t.Errorf("fatal error %v, want one containing %q", res.fatal, fatal)
	}
}

const fullCustomerXML = `<CUSTOMER>
    <GUID>0f1e-22</GUID>
    <PHONE>+420 603 000 111</PHONE>
    <REGISTRATION_DATE>2023-11-05 10:20:30</REGISTRATION_DATE>
    <CUSTOMER_GROUP>VIP</CUSTOMER_GROUP>
    <BILLING_ADDRESS>
      <FULL_NAME><![CDATA[Kůň Žluťoučký]]></FULL_NAME><COMPANY>Koně a.s.</COMPANY>
      <STREET>Polní</STREET><HOUSE_NUMBER>5</HOUSE_NUMBER><CITY>Tábor</CITY><ZIP>390 01</ZIP>
      <COUNTRY_CODE>CZ</COUNTRY_CODE><COMPANY_ID>999</COMPANY_ID><VAT_ID/>
    </BILLING_ADDRESS>
    <ACCOUNTS>
      <ACCOUNT><GUID>a1</GUID><EMAIL>kun@example.cz</EMAIL></ACCOUNT>
      <ACCOUNT><GUID>a2</GUID><EMAIL>objednavky@example.cz</EMAIL></ACCOUNT>
      <ACCOUNT><GUID>a3</GUID><EMAIL>KUN@example.cz</EMAIL></ACCOUNT>
    </ACCOUNTS>
  </CUSTOMER>`

func customersXML(body ...string) string {
	return "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CUSTOMERS>\n" +
		strings.Join(body, "\n") + "\n</CUSTOMERS>"
}

func TestCustomerXML(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Customer
		records []string
		fatal   string
	}{
		{name: "several accounts", in: customersXML(fullCustomerXML),
			want: []Customer{{GUID: "0f1e-22", Phone: "+420 603 000 111",
				Emails:   []string{"kun@example.cz", "objednavky@example.cz"},
				FullName: "Kůň Žluťoučký", Company: "Koně a.s.",
				Billing: Address{Name: "Kůň Žluťoučký", Company: "Koně a.s.",
					Street:      "Polní",
					HouseNumber: "5", City: "Tábor", Zip: "390 01", CountryCode: "CZ",
					CompanyID: "999"},
				RegistrationDate: time.Date(2023, 11, 5, 10, 20, 30, 0, Prague),
				Extra:            map[string]string{"CUSTOMER_GROUP": "VIP"}}}},
		{name: "no accounts, account phone", in: customersXML(
			`<CUSTOMER><GUID>g</GUID><ACCOUNTS><ACCOUNT><PHONE>1</PHONE></ACCOUNT>` +
				`</ACCOUNTS></CUSTOMER>`),
			want: []Customer{{GUID: "g", Phone: "1"}}},
		{name: "bad date", in: customersXML(
			`<CUSTOMER><GUID>g</GUID><REGISTRATION_DATE>soon</REGISTRATION_DATE></CUSTOMER>`,
			`<CUSTOMER><GUID>h</GUID></CUSTOMER>`),
			want: []Customer{{GUID: "h"}}, records: []string{"3:g"}},
		{name: "wrong root", in: "<ORDERS/>", fatal: "not <CUSTOMERS>"},
		{name: "broken", in: "<CUSTOMERS><CUSTOMER><GUID>g</CUSTOMER>", fatal: "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewCustomerDecoder("XML", strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			checkCustomerResult(t, decodeCustomers(t, d), tt.want, tt.records, tt.fatal)
		})
	}
	if _, err := NewCustomerDecoder("json", strings.NewReader("")); err == nil {
		t.Error("json format accepted")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
