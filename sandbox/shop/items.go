package shop

// item is one order line in the order's currency, prices in hundredths.
type item struct {
	typ, name, code, variant string
	amount                   int64
	unit                     int64 // unit price with VAT
	rate                     int64 // VAT rate in percent
}

func (it item) total() int64 { return it.amount * it.unit }

// withoutVAT splits a price with VAT, rounding half away from zero.
func withoutVAT(with, rate int64) int64 {
	n, d := with*100, 100+rate
	if n < 0 {
		return -((-n + d/2) / d)
	}
	return (n + d/2) / d
}

// maxItems bounds the lines of one order: four products, shipping, billing
// and a discount.
const maxItems = 7

// orderItems derives the lines of an order: products, a shipping and a
// billing pseudo-item, and sometimes a discount, so that every item type
// occurs across an export.
func (s *Shop) orderItems(dst *[maxItems]item, p int32, r *rng) []item {
	slovak := s.persons[p].flags&pSlovak != 0
	price := func(czk int64) int64 {
		if slovak {
			return (czk/25 + 5) / 10 * 10 // euro cents, rounded to ten
		}
		return czk
	}
	rate := func(czRate int64) int64 {
		if !slovak {
			return czRate
		}
		if czRate == 21 {
			return 23
		}
		return 19
	}
	items := dst[:0]
	var goods int64
	for n := 1 + r.intn(4); n > 0; n-- {
		pr := catalogue[r.intn(len(catalogue))]
		it := item{"product", pr.name, pr.code, pr.variant, int64(1 + r.intn(3)),
			price(pr.priceCZK), rate(pr.vatRate)}
		goods += it.total()
		items = append(items, it)
	}
	sh, bi := shippings[r.intn(len(shippings))], billings[r.intn(len(billings))]
	items = append(items,
		item{"shipping", sh.name, sh.code, "", 1, price(sh.priceCZK), rate(21)},
		item{"billing", bi.name, bi.code, "", 1, price(bi.priceCZK), rate(21)})
	if r.chance(0.1) {
		it := item{"discount", "Sleva 10 %", "SLEVA10", "", 1, -goods / 10, rate(21)}
		if r.chance(0.5) {
			it.name, it.code, it.unit = "Slevový kupón JARO", "JARO", -price(10000)
		}
		items = append(items, it)
	}
	return items
}

func (s *Shop) appendItems(b []byte, p int32, r *rng) []byte {
	var arr [maxItems]item
	items := s.orderItems(&arr, p, r)
	var with, without int64
	for _, it := range items {
		with += it.total()
		without += withoutVAT(it.total(), it.rate)
	}
	toPay, rounding := with, int64(0)
	if s.persons[p].flags&pSlovak == 0 {
		toPay = (with + 50) / 100 * 100 // koruna orders are paid in whole crowns
		rounding = toPay - with
	}
	b = append(b, "<TOTAL_PRICE>\n"...)
	b = elemCents(b, "WITH_VAT", with)
	b = elemCents(b, "WITHOUT_VAT", without)
	b = elemCents(b, "VAT", with-without)
	b = elemCents(b, "ROUNDING", rounding)
	b = elemCents(b, "PRICE_TO_PAY", toPay)
	b = append(b, "</TOTAL_PRICE>\n<ORDER_ITEMS>\n"...)
	for _, it := range items {
		b = appendItem(b, it)
	}
	return append(b, "</ORDER_ITEMS>\n"...)
}

func appendItem(b []byte, it item) []byte {
	b = append(b, "<ITEM>\n"...)
	b = elem(b, "TYPE", it.typ)
	b = elem(b, "NAME", it.name)
	b = elem(b, "CODE", it.code)
	b = elem(b, "VARIANT_NAME", it.variant)
	b = elemInt(b, "AMOUNT", it.amount)
	b = elem(b, "UNIT", "ks")
	unitWithout := withoutVAT(it.unit, it.rate)
	b = append(b, "<UNIT_PRICE>\n"...)
	b = elemCents(b, "WITH_VAT", it.unit)
	b = elemCents(b, "WITHOUT_VAT", unitWithout)
	b = elemCents(b, "VAT", it.unit-unitWithout)
	b = elemInt(b, "VAT_RATE", it.rate)
	b = append(b, "</UNIT_PRICE>\n<TOTAL_PRICE>\n"...)
	total := it.total()
	totalWithout := withoutVAT(total, it.rate)
	b = elemCents(b, "WITH_VAT", total)
	b = elemCents(b, "WITHOUT_VAT", totalWithout)
	b = elemCents(b, "VAT", total-totalWithout)
	b = append(b, "</TOTAL_PRICE>\n"...)
	return append(b, "</ITEM>\n"...)
}
