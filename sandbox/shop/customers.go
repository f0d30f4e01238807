package shop

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// csvHeader is the customer CSV header; consumers must map by name.
var csvHeader = []string{
	"email", "billingFullName", "guid", "registrationDate", "phone", "billingCompany",
	"billingStreet", "billingHouseNumber", "billingCity", "billingZip",
	"billingCountryCode", "companyId", "vatId", "customerGroup",
}

// customer is the derived view of one registered customer.
type customer struct {
	guid, registered, name, phone, group string
	emails                               []string
	accountGUIDs                         []string
	company, ico, dic                    string
	addr                                 address
}

func (s *Shop) customer(c int) customer {
	p := int32(c)
	pr := s.persons[p]
	r := newRNG(s.seed, saltFormat, uint64(c))
	cu := customer{guid: s.customerGUID(c), name: s.fullName(p), addr: s.address(p, 0)}
	reg := s.start - 365*day + uint32(r.intn(int(s.end-s.start)+365*day))
	cu.registered = string(appendTime(nil, reg))
	if e := s.e164(p); e != "" {
		cu.phone = formatPhone(e, &r)
	}
	accounts := 1
	if pr.flags&pTwoAccounts != 0 {
		accounts = 2
	}
	for k := 0; k < accounts; k++ {
		cu.emails = append(cu.emails, decorateEmail(s.email(p, k), &r))
		cu.accountGUIDs = append(cu.accountGUIDs, s.accountGUID(c, k))
	}
	cu.company, cu.ico, cu.dic = s.company(p)
	cu.group = "Registrovaní zákazníci"
	if cu.company != "" {
		cu.group = "Velkoobchod"
	}
	return cu
}

// customerGUID is unique per customer: its first 64 bits are a bijection
// of the index.
func (s *Shop) customerGUID(c int) string {
	return guid(mix64(uint64(c)^hash3(s.seed, saltCustomerGUID, 0)),
		hash3(s.seed, saltCustomerGUID, uint64(c)+1))
}

func (s *Shop) accountGUID(c, k int) string {
	i := uint64(c)*2 + uint64(k)
	return guid(mix64(i^hash3(s.seed, saltAccountGUID, 0)), hash3(s.seed, saltAccountGUID, i+1))
}

func guid(hi, lo uint64) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for k := 0; k < 32; k++ {
		if k == 8 || k == 12 || k == 16 || k == 20 {
			b = append(b, '-')
		}
		v := hi
		if k >= 16 {
			v = lo
		}
		b = append(b, hexdigits[v>>(60-4*(k%16))&0xf])
	}
	return string(b)
}

// WriteCustomersCSV writes the customer export as a shop does by default:
// ';'-delimited, Windows-1250, one row per account (the e-mail is the login).
func (s *Shop) WriteCustomersCSV(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()

	bw := bufio.NewWriterSize(w, 64<<10)
	enc := transform.NewWriter(bw, encoding.ReplaceUnsupported(charmap.Windows1250.NewEncoder()))
	cw := csv.NewWriter(enc)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for c := 0; c < s.customers; c++ {
		cu := s.customer(c)
		for _, email := range cu.emails {
			if err := cw.Write(cu.csvRow(email)); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

func (cu customer) csvRow(email string) []string {
	return []string{
		email, cu.name, cu.guid, cu.registered, cu.phone, cu.company,
		cu.addr.street, cu.addr.house, cu.addr.city, cu.addr.zip,
		cu.addr.countryCode, cu.ico, cu.dic, cu.group,
	}
}

// WriteCustomersXML writes the customer export as CUSTOMERS/CUSTOMER, UTF-8.
func (s *Shop) WriteCustomersXML(w io.Writer) error {
	s.mu.RLock()
	defer s.mu.RUnlock()

	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CUSTOMERS>\n")
	buf := make([]byte, 0, 4<<10)
	for c := 0; c < s.customers; c++ {
		buf = s.customer(c).appendXML(buf[:0])
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString("</CUSTOMERS>\n")
	return bw.Flush()
}

func (cu customer) appendXML(b []byte) []byte {
	b = append(b, "<CUSTOMER>\n"...)
	b = elem(b, "GUID", cu.guid)
	b = elem(b, "CREATION_TIME", cu.registered)
	b = elem(b, "PHONE", cu.phone)
	b = elem(b, "CUSTOMER_GROUP", cu.group)
	b = append(b, "<BILLING_ADDRESS>\n"...)
	b = elem(b, "FULL_NAME", cu.name)
	b = elem(b, "COMPANY", cu.company)
	b = elem(b, "STREET", cu.addr.street)
	b = elem(b, "HOUSENUMBER", cu.addr.house)
	b = elem(b, "CITY", cu.addr.city)
	b = elem(b, "ZIP", cu.addr.zip)
	b = elem(b, "COUNTRY_CODE", cu.addr.countryCode)
	b = elem(b, "COMPANY_ID", cu.ico)
	b = elem(b, "VAT_ID", cu.dic)
	b = append(b, "</BILLING_ADDRESS>\n<ACCOUNTS>\n"...)
	for k, email := range cu.emails {
		b = append(b, "<ACCOUNT>\n"...)
		b = elem(b, "GUID", cu.accountGUIDs[k])
		b = elem(b, "EMAIL", email)
		b = elem(b, "MAIN_ACCOUNT", strconv.Itoa(1-min(k, 1)))
		b = append(b, "</ACCOUNT>\n"...)
	}
	return append(b, "</ACCOUNTS>\n</CUSTOMER>\n"...)
}
