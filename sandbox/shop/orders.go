package shop

import (
	"bufio"
	"io"
	"slices"
	"sort"
	"strconv"
	"time"
)

// OrderFilter narrows an order export; a zero field is unset.
type OrderFilter struct {
	DateFrom     time.Time // first day included (Europe/Prague calendar day)
	DateUntil    time.Time // last day included (Europe/Prague calendar day)
	UpdatedSince time.Time // orders created or changed at or after this instant
	IDs          []int     // ORDER_ID values
}

// WriteOrdersXML writes the orders matching f in the "Shoptet - XML format"
// system template, oldest first.
func (s *Shop) WriteOrdersXML(w io.Writer, f OrderFilter) error {
	_, err := s.writeOrders(w, f, 0)
	return err
}

// writeOrders writes the orders matching f whose change sequence number is
// above afterSeq and returns the highest sequence number of the shop, which
// becomes the feed marker once the body has been delivered.
func (s *Shop) writeOrders(w io.Writer, f OrderFilter, afterSeq uint32) (uint32, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()

	bw := bufio.NewWriterSize(w, 64<<10)
	if s.bom {
		bw.WriteString("\uFEFF")
	}
	bw.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ORDERS>\n")
	buf := make([]byte, 0, 8<<10)
	err := s.eachOrder(f, func(i int) error {
		if s.orders[i].seq <= afterSeq {
			return nil
		}
		buf = s.appendOrder(buf[:0], i)
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return 0, err
	}
	bw.WriteString("</ORDERS>\n")
	return s.seq, bw.Flush()
}

// eachOrder calls fn with the index of every order that passes f, in order.
// Orders are appended in time order, so the date range is a binary search.
func (s *Shop) eachOrder(f OrderFilter, fn func(i int) error) error {
	lo, hi := s.dateRange(f)
	since := uint32(0)
	if !f.UpdatedSince.IsZero() {
		since = clampUnix(f.UpdatedSince.Unix())
	}
	pass := func(i int) bool {
		return i >= lo && i < hi && s.orders[i].updated >= since
	}
	if f.IDs != nil {
		return s.eachID(f.IDs, pass, fn)
	}
	for i := lo; i < hi; i++ {
		if !pass(i) {
			continue
		}
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

func (s *Shop) eachID(ids []int, pass func(int) bool, fn func(int) error) error {
	idx := make([]int, 0, len(ids))
	for _, id := range ids {
		if i := id - orderIDBase; i >= 0 && i < len(s.orders) && pass(i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	for _, i := range slices.Compact(idx) {
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

func (s *Shop) dateRange(f OrderFilter) (lo, hi int) {
	hi = len(s.orders)
	if !f.DateFrom.IsZero() {
		from := clampUnix(startOfDay(f.DateFrom).Unix())
		lo = sort.Search(hi, func(i int) bool { return s.orders[i].created >= from })
	}
	if !f.DateUntil.IsZero() {
		until := clampUnix(startOfDay(f.DateUntil).AddDate(0, 0, 1).Unix())
		hi = sort.Search(hi, func(i int) bool { return s.orders[i].created >= until })
	}
	return lo, max(lo, hi)
}

func startOfDay(t time.Time) time.Time {
	t = t.In(prague)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, prague)
}

func clampUnix(u int64) uint32 {
	return uint32(min(max(u, 0), 1<<32-1))
}

// code is the order number shown to the customer: the year followed by a
// six-digit sequence within that year.
func (s *Shop) code(i int) int64 {
	k := sort.Search(len(s.years), func(k int) bool { return int(s.years[k].first) > i }) - 1
	y := s.years[k]
	return int64(y.year)*1000000 + int64(i-int(y.first)) + 1
}

func (s *Shop) appendOrder(b []byte, i int) []byte {
	o := &s.orders[i]
	r := newRNG(s.seed, saltOrder, uint64(i))
	b = append(b, "<ORDER>\n"...)
	b = elemInt(b, "ORDER_ID", int64(orderIDBase+i))
	b = elemInt(b, "CODE", s.code(i))
	b = elemTime(b, "DATE", o.created)
	b = elem(b, "STATUS", statuses[o.status])
	b = s.appendCurrency(b, o.person)
	b = s.appendCustomer(b, o, &r)
	b = s.appendRemarks(b, &r)
	b = s.appendItems(b, o.person, &r)
	return append(b, "</ORDER>\n"...)
}

func (s *Shop) appendCurrency(b []byte, p int32) []byte {
	b = append(b, "<CURRENCY>\n"...)
	if s.persons[p].flags&pSlovak != 0 {
		b = elem(b, "CODE", "EUR")
		b = elem(b, "EXCHANGE_RATE", "24.950")
	} else {
		b = elem(b, "CODE", "CZK")
		b = elem(b, "EXCHANGE_RATE", "1")
	}
	return append(b, "</CURRENCY>\n"...)
}

func (s *Shop) appendCustomer(b []byte, o *order, r *rng) []byte {
	p := o.person
	b = append(b, "<CUSTOMER>\n"...)
	email, phone := "", ""
	if o.flags&oNoEmail == 0 {
		email = decorateEmail(s.emailOfOrder(o, r), r)
	}
	if e := s.e164(p); e != "" && o.flags&oNoPhone == 0 {
		phone = formatPhone(e, r)
	}
	b = elem(b, "EMAIL", email)
	b = elem(b, "PHONE", phone)
	name := decorateName(s.fullName(p), r)
	bill := s.address(p, 0)
	b = s.appendAddress(b, "BILLING_ADDRESS", p, name, bill, true)
	ship := bill
	if r.chance(0.25) {
		ship = s.address(p, 1+uint64(r.intn(3)))
	}
	b = s.appendAddress(b, "SHIPPING_ADDRESS", p, name, ship, false)
	b = openTag(b, "IP_ADDRESS")
	for k := 0; k < 4; k++ {
		if k > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendInt(b, int64(1+r.intn(254)), 10)
	}
	b = closeTag(b, "IP_ADDRESS")
	return append(b, "</CUSTOMER>\n"...)
}

func (s *Shop) appendAddress(b []byte, tag string, p int32, name string, a address,
	billing bool) []byte {
	company, ico, dic := s.company(p)
	b = append(b, '<')
	b = append(b, tag...)
	b = append(b, ">\n"...)
	b = elem(b, "NAME", name)
	b = elem(b, "COMPANY", company)
	b = elem(b, "STREET", a.street)
	b = elem(b, "HOUSENUMBER", a.house)
	b = elem(b, "CITY", a.city)
	b = elem(b, "ZIP", a.zip)
	b = elem(b, "COUNTRY", a.country)
	b = elem(b, "COUNTRY_CODE", a.countryCode)
	if billing {
		b = elem(b, "COMPANY_ID", ico)
		b = elem(b, "VAT_ID", dic)
		b = elem(b, "CUSTOMER_IDENTIFICATION_NUMBER", "")
	}
	return closeTag(b, tag)
}

func (s *Shop) appendRemarks(b []byte, r *rng) []byte {
	remark := ""
	if r.chance(0.15) {
		remark = remarks[r.intn(len(remarks))]
	}
	b = elem(b, "REMARK", remark)
	b = elem(b, "SHOP_REMARK", "")
	b = cdata(b, "REFERER", referers[r.intn(len(referers))])
	return elem(b, "PACKAGE_NUMBER", "")
}
