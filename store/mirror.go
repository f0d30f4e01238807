package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Order is one order as the shop last exported it, reduced to what the sync uses.
type Order struct {
	ID, Code          string
	Date              time.Time
	Email, Phone      string // normalised
	Name, Company     string
	Street, City, Zip string
	Country           string
	Total             float64
	Currency, Status  string
	Updated           time.Time // when the sync last saw the order change
}

// Customer is one customer account as the shop last exported it.
type Customer struct {
	GUID              string
	Emails            []string // normalised, login e-mail first
	Phone             string   // normalised
	Name, Company     string
	Street, City, Zip string
	Country           string
	Registered        time.Time
	Extra             map[string]string
	Updated           time.Time
}

const upsertOrder = `INSERT INTO shop_orders (shop, order_id, code, ordered, email, phone, name,
	company, street, city, zip, country, total, currency, status, updated)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (shop, order_id) DO UPDATE SET code = excluded.code, ordered = excluded.ordered,
	email = excluded.email, phone = excluded.phone, name = excluded.name,
	company = excluded.company, street = excluded.street, city = excluded.city,
	zip = excluded.zip, country = excluded.country, total = excluded.total,
	currency = excluded.currency, status = excluded.status, updated = excluded.updated`

// PutOrders inserts or replaces orders of a shop in one transaction. A later call with the
// same ORDER_ID replaces the earlier version, which is how the feed's duplicates collapse.
func (s *Store) PutOrders(ctx context.Context, shop string, orders []Order) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(upsertOrder))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, o := range orders {
			_, err := stmt.ExecContext(ctx, shop, o.ID, o.Code, millis(o.Date), o.Email, o.Phone,
				o.Name, o.Company, o.Street, o.City, o.Zip, o.Country, o.Total, o.Currency,
				o.Status, millis(o.Updated))
			if err != nil {
				return fmt.Errorf("store order %s: %w", o.ID, err)
			}
		}
		return nil
	})
}

const upsertCustomer = `INSERT INTO shop_customers (shop, guid, emails, phone, name, company,
	street, city, zip, country, registered, extra, updated)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (shop, guid) DO UPDATE SET emails = CASE
		WHEN shop_customers.updated = excluded.updated
		THEN shop_customers.emails || ' ' || excluded.emails ELSE excluded.emails END,
	phone = CASE WHEN excluded.phone = '' AND shop_customers.updated = excluded.updated
		THEN shop_customers.phone ELSE excluded.phone END,
	name = excluded.name, company = excluded.company, street = excluded.street,
	city = excluded.city, zip = excluded.zip, country = excluded.country,
	registered = excluded.registered, extra = excluded.extra, updated = excluded.updated`

// PutCustomers inserts or replaces customer accounts of a shop in one transaction. Rows of
// one customer within one fetch (same Updated time), as a CSV export has one per account,
// add up their e-mails; a later fetch replaces them.
func (s *Store) PutCustomers(ctx context.Context, shop string, customers []Customer) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(upsertCustomer))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range customers {
			extra, err := json.Marshal(c.Extra)
			if err != nil {
				return err
			}
			_, err = stmt.ExecContext(ctx, shop, c.GUID, strings.Join(c.Emails, " "), c.Phone,
				c.Name, c.Company, c.Street, c.City, c.Zip, c.Country, millis(c.Registered),
				string(extra), millis(c.Updated))
			if err != nil {
				return fmt.Errorf("store customer %s: %w", c.GUID, err)
			}
		}
		return nil
	})
}

// ScanOrders calls fn for every order of a shop, ordered by ORDER_ID.
func (s *Store) ScanOrders(ctx context.Context, shop string, fn func(*Order) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT order_id, code, ordered, email, phone, name,
		company, street, city, zip, country, total, currency, status, updated
		FROM shop_orders WHERE shop = ? ORDER BY order_id`), shop)
	if err != nil {
		return err
	}
	defer rows.Close()
	var o Order
	for rows.Next() {
		var date, updated int64
		err := rows.Scan(&o.ID, &o.Code, &date, &o.Email, &o.Phone, &o.Name, &o.Company,
			&o.Street, &o.City, &o.Zip, &o.Country, &o.Total, &o.Currency, &o.Status, &updated)
		if err != nil {
			return err
		}
		o.Date, o.Updated = fromMillis(date), fromMillis(updated)
		if err := fn(&o); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ScanCustomers calls fn for every customer of a shop, ordered by GUID.
func (s *Store) ScanCustomers(ctx context.Context, shop string, fn func(*Customer) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT guid, emails, phone, name, company, street,
		city, zip, country, registered, extra, updated
		FROM shop_customers WHERE shop = ? ORDER BY guid`), shop)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c Customer
		var emails, extra string
		var registered, updated int64
		err := rows.Scan(&c.GUID, &emails, &c.Phone, &c.Name, &c.Company, &c.Street, &c.City,
			&c.Zip, &c.Country, &registered, &extra, &updated)
		if err != nil {
			return err
		}
		c.Emails = strings.Fields(emails)
		c.Registered, c.Updated = fromMillis(registered), fromMillis(updated)
		if err := json.Unmarshal([]byte(extra), &c.Extra); err != nil {
			return fmt.Errorf("customer %s: extra columns: %w", c.GUID, err)
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountMirror returns how many customers and orders of a shop the mirror holds.
func (s *Store) CountMirror(ctx context.Context, shop string) (customers, orders int, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT
		(SELECT COUNT(*) FROM shop_customers WHERE shop = ?),
		(SELECT COUNT(*) FROM shop_orders WHERE shop = ?)`), shop, shop).Scan(&customers, &orders)
	return customers, orders, err
}
