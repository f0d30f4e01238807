package mapping

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Person is what the sync knows of one person, gathered from the records the
// identity step put together.
type Person struct {
	FullName, FirstName, LastName, Company string
	Emails                                 []string // normalised
	Phones                                 []string // E.164
	Billing                                Address
	OrderCount                             int
	FirstOrder, LastOrder                  time.Time
	TotalSpent                             float64
	Currency                               string
	OrderLinks                             []string // admin links, newest first
	CustomerGroup                          string
	Extra                                  map[string]string // customer CSV columns
}

// Address is a postal address as Shoptet exports it.
type Address struct{ Street, HouseNumber, City, Zip, Country string }

// fallbackName is the last resort for the fields Daktela requires.
const fallbackName = "Shoptet customer"

// values computes placeholder values of one person for one mapping.
type values struct {
	p Person
	m *Mapping
}

func (v *values) list(name string) []string {
	switch name {
	case "emails":
		return nonEmpty(v.p.Emails)
	case "phones":
		out := make([]string, 0, len(v.p.Phones))
		for _, ph := range nonEmpty(v.p.Phones) {
			out = append(out, FormatPhone(ph, v.m.PhoneFormat))
		}
		return out
	case "orderLinks":
		links := nonEmpty(v.p.OrderLinks)
		if v.m.MaxOrderLinks > 0 && len(links) > v.m.MaxOrderLinks {
			links = links[:v.m.MaxOrderLinks]
		}
		return links
	}
	return nil
}

func (v *values) single(name string) string {
	if col, ok := strings.CutPrefix(name, extraPrefix); ok {
		return v.p.Extra[col]
	}
	p := &v.p
	switch name {
	case "fullName":
		return v.fullName()
	case "firstName", "lastName":
		first, last := v.splitName()
		if name == "firstName" {
			return first
		}
		return last
	case "company":
		return p.Company
	case "email":
		return first(v.list("emails"))
	case "phone":
		return first(v.list("phones"))
	case "street":
		return joinNonEmpty(" ", p.Billing.Street, p.Billing.HouseNumber)
	case "city":
		return p.Billing.City
	case "zip":
		return p.Billing.Zip
	case "country":
		return p.Billing.Country
	case "address":
		return v.address()
	case "orderCount":
		return strconv.Itoa(p.OrderCount)
	case "lastOrderDate":
		return formatDate(p.LastOrder)
	case "firstOrderDate":
		return formatDate(p.FirstOrder)
	case "totalSpent":
		return formatMoney(p.TotalSpent)
	case "currency":
		return p.Currency
	case "orderSummary":
		return v.orderSummary()
	case "customerGroup":
		return p.CustomerGroup
	default: // list placeholders inside text
		return strings.Join(v.list(name), ", ")
	}
}

func (v *values) fullName() string {
	if full := collapseSpaces(v.p.FullName); full != "" {
		return full
	}
	return joinNonEmpty(" ", collapseSpaces(v.p.FirstName), collapseSpaces(v.p.LastName))
}

// splitName returns first and last name; a full name is split at its last
// space, and a single word is taken as the last name.
func (v *values) splitName() (first, last string) {
	first, last = collapseSpaces(v.p.FirstName), collapseSpaces(v.p.LastName)
	if first != "" || last != "" {
		return first, last
	}
	full := collapseSpaces(v.p.FullName)
	if i := strings.LastIndexByte(full, ' '); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

// address writes the billing address on one line: "Street 1, 110 00 Praha, CZ".
func (v *values) address() string {
	a := v.p.Billing
	return joinNonEmpty(", ",
		joinNonEmpty(" ", a.Street, a.HouseNumber),
		joinNonEmpty(" ", a.Zip, a.City),
		a.Country)
}

// orderSummary reads "3 orders, last 2026-11-02, total 4 520,00 CZK".
func (v *values) orderSummary() string {
	p := &v.p
	if p.OrderCount == 0 {
		return "no orders"
	}
	s := strconv.Itoa(p.OrderCount) + " orders"
	if p.OrderCount == 1 {
		s = "1 order"
	}
	if !p.LastOrder.IsZero() {
		s += ", last " + formatDate(p.LastOrder)
	}
	return s + ", total " + joinNonEmpty(" ", formatMoney(p.TotalSpent), p.Currency)
}

// displayFallback is the first non-empty of the values that can name a
// contact whose name is unknown.
func (v *values) displayFallback(candidates ...string) string {
	for _, c := range candidates {
		if c = collapseSpaces(c); c != "" {
			return c
		}
	}
	return fallbackName
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// formatMoney writes an amount the Czech way: "4 520,00".
func formatMoney(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if x < 0 && s != "0.00" {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String() + "," + frac
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

func nonEmpty(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(nonEmpty(parts), sep)
}

func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
