package shoptet

import (
	"errors"
	"fmt"
	"io"
)

// OrderDecoder reads orders one at a time from the system XML order template
// (root ORDERS, one ORDER each). Missing, empty and unknown elements are
// tolerated; CDATA and a UTF-8 byte-order mark are fine.
type OrderDecoder struct {
	src    tokenSource
	x      *tagStack
	in     interner
	err    error // sticky fatal error
	order  *Order
	bad    error // first fault in the current order
	inItem bool
}

// NewOrderDecoder returns a decoder for an order export.
func NewOrderDecoder(r io.Reader) *OrderDecoder { return newOrderDecoder(ExportOrders, r) }

// NewFeedDecoder returns a decoder for the "only new or updated" order feed,
// which has the order export's format; its errors name the feed.
func NewFeedDecoder(r io.Reader) *OrderDecoder { return newOrderDecoder(ExportFeed, r) }

func newOrderDecoder(export string, r io.Reader) *OrderDecoder {
	sc, err := newScanner(export, r)
	if err != nil {
		return &OrderDecoder{err: err}
	}
	return orderDecoderOn(sc)
}

func orderDecoderOn(src tokenSource) *OrderDecoder {
	return &OrderDecoder{src: src, x: src.tags(), in: newInterner()}
}

// Next returns the next order. It returns io.EOF after the last one, a
// *RecordError for a malformed order that it skipped (call Next again), and
// any other error, such as a *ParseError or a download's *Error, for a
// fault that ends the export.
func (d *OrderDecoder) Next() (*Order, error) {
	if d.err != nil {
		return nil, d.err
	}
	line, err := d.seekOrder()
	if err == nil {
		return d.readOrder(line)
	}
	d.err = err
	return nil, err
}

// seekOrder advances to the next ORDER start tag and returns its line.
func (d *OrderDecoder) seekOrder() (int, error) {
	x := d.x
	for {
		ev, err := d.src.next()
		if err != nil {
			return 0, err
		}
		switch {
		case ev == evEnd:
			x.pop()
		case x.depth() == 1 && x.stack[0] != "ORDERS":
			return 0, &ParseError{Export: x.export, Line: d.src.line(), Err: fmt.Errorf(
				"root element is <%s>, not <ORDERS>; is this an order export "+
					"in Shoptet's XML template?", x.stack[0])}
		case x.depth() == 2 && x.stack[1] == "ORDER":
			return d.src.line(), nil
		}
	}
}

// readOrder reads the fields of the ORDER just opened, up to its end tag.
func (d *OrderDecoder) readOrder(line int) (*Order, error) {
	x := d.x
	d.order, d.bad, d.inItem = &Order{}, nil, false
	for {
		ev, err := d.src.next()
		if err != nil {
			d.err = err
			return nil, err
		}
		if ev == evStart {
			d.startElement(x.stack[2:])
			continue
		}
		if x.depth() == 2 {
			x.pop()
			return d.finish(line)
		}
		d.endElement(x.stack[2:])
		x.pop()
	}
}

func (d *OrderDecoder) startElement(rel []string) {
	if len(rel) == 2 && rel[0] == "ORDER_ITEMS" && rel[1] == "ITEM" {
		d.order.Items = append(d.order.Items, Item{})
		d.inItem = true
	}
}

func (d *OrderDecoder) finish(line int) (*Order, error) {
	o := d.order
	d.order = nil
	if d.bad == nil && o.ID == "" && o.Code == "" {
		d.bad = errors.New("order has neither CODE nor ORDER_ID")
	}
	if d.bad != nil {
		rec := o.Code
		if rec == "" {
			rec = o.ID
		}
		return nil, &RecordError{Export: d.x.export, Line: line, Record: rec, Err: d.bad}
	}
	return o, nil
}

// fail keeps the first fault of the order; the rest of the order is still
// read so that the error can name the order by its code.
func (d *OrderDecoder) fail(field string, err error) {
	if d.bad == nil {
		d.bad = fmt.Errorf("%s: %w", field, err)
	}
}

// endElement stores the text of a closed element found at path rel below ORDER.
func (d *OrderDecoder) endElement(rel []string) {
	o, name := d.order, rel[len(rel)-1]
	switch len(rel) {
	case 1:
		d.orderField(name)
	case 2:
		switch rel[0] {
		case "CURRENCY":
			if name == "CODE" {
				o.Currency = d.in.bytes(d.x.trimmed())
			}
		case "CUSTOMER":
			d.customerField(name)
		case "TOTAL_PRICE":
			if name == "WITH_VAT" {
				o.TotalWithVAT = d.number("TOTAL_PRICE/WITH_VAT")
			}
		case "ORDER_ITEMS":
			if name == "ITEM" {
				d.inItem = false
			}
		}
	case 3:
		d.nestedField(rel)
	case 4:
		d.itemPrice(rel)
	}
}

func (d *OrderDecoder) orderField(name string) {
	o, x := d.order, d.x
	switch name {
	case "ORDER_ID":
		o.ID = string(x.trimmed())
	case "CODE":
		o.Code = string(x.trimmed())
	case "DATE":
		t, err := parseShopTime(x.trimmed())
		if err != nil {
			d.fail("DATE", err)
		}
		o.Date = t
	case "STATUS":
		o.Status = d.in.bytes(x.trimmed())
	case "CURRENCY":
		// Some templates carry the code as the element's own text.
		if v := x.trimmed(); len(v) > 0 {
			o.Currency = d.in.bytes(v)
		}
	case "REMARK":
		o.Remark = string(x.trimmed())
	case "EMAIL", "PHONE":
		d.customerField(name)
	}
}

func (d *OrderDecoder) customerField(name string) {
	switch name {
	case "EMAIL":
		d.order.Email = string(d.x.trimmed())
	case "PHONE":
		d.order.Phone = string(d.x.trimmed())
	}
}

// nestedField handles CUSTOMER/<ADDRESS>/<field> and ORDER_ITEMS/ITEM/<field>.
func (d *OrderDecoder) nestedField(rel []string) {
	switch {
	case rel[0] == "CUSTOMER" && rel[1] == "BILLING_ADDRESS":
		d.addressField(&d.order.Billing, rel[2])
	case rel[0] == "CUSTOMER" && rel[1] == "SHIPPING_ADDRESS":
		d.addressField(&d.order.Shipping, rel[2])
	case rel[0] == "ORDER_ITEMS" && rel[1] == "ITEM" && d.inItem:
		d.itemField(rel[2])
	}
}

func (d *OrderDecoder) addressField(a *Address, name string) {
	v := d.x.trimmed()
	switch name {
	case "NAME":
		a.Name = string(v)
	case "COMPANY":
		a.Company = string(v)
	case "STREET":
		a.Street = string(v)
	case "HOUSENUMBER", "HOUSE_NUMBER":
		a.HouseNumber = string(v)
	case "CITY":
		a.City = d.in.bytes(v)
	case "ZIP":
		a.Zip = d.in.bytes(v)
	case "COUNTRY":
		a.Country = d.in.bytes(v)
	case "COUNTRY_CODE":
		a.CountryCode = d.in.bytes(v)
	case "COMPANY_ID":
		a.CompanyID = string(v)
	case "VAT_ID":
		a.VatID = string(v)
	}
}

func (d *OrderDecoder) itemField(name string) {
	it := &d.order.Items[len(d.order.Items)-1]
	switch name {
	case "TYPE":
		it.Type = d.in.bytes(d.x.trimmed())
	case "NAME":
		it.Name = d.in.bytes(d.x.trimmed())
	case "CODE":
		it.Code = d.in.bytes(d.x.trimmed())
	case "AMOUNT":
		it.Amount = d.number("ITEM/AMOUNT")
	}
}

// itemPrice handles ORDER_ITEMS/ITEM/{UNIT_PRICE,TOTAL_PRICE}/WITH_VAT.
func (d *OrderDecoder) itemPrice(rel []string) {
	if rel[0] != "ORDER_ITEMS" || rel[1] != "ITEM" || rel[3] != "WITH_VAT" || !d.inItem {
		return
	}
	it := &d.order.Items[len(d.order.Items)-1]
	switch rel[2] {
	case "UNIT_PRICE":
		it.UnitPriceWithVAT = d.number("ITEM/UNIT_PRICE/WITH_VAT")
	case "TOTAL_PRICE":
		it.TotalWithVAT = d.number("ITEM/TOTAL_PRICE/WITH_VAT")
	}
}

func (d *OrderDecoder) number(field string) float64 {
	f, err := parseDecimal(d.x.trimmed())
	if err != nil {
		d.fail(field, err)
	}
	return f
}
