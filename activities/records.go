package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/store"
)

// orderRecords makes the CRM records of a person's orders that do not have one yet, when the
// mapping asks for one record per order. Record names derive from the contact and the order,
// so a retry finds the record it made before instead of making another.
func (l *loader) orderRecords(ctx context.Context, p *store.Person, st staged, o *store.Outcome) error {
	cfg := l.c.Mapping.OrderRecords
	if cfg == nil || l.run.DryRun || o.Action == ActionRejected {
		return nil
	}
	for _, ord := range st.Orders {
		if _, done := l.records[ord.ID]; done {
			continue
		}
		name := p.Contact + "_order_" + ord.ID
		r := daktela.CRMRecord{Name: name, Type: cfg.Type, Stage: cfg.Stage, Contact: p.Contact,
			Title: truncate("Objednávka "+ord.Code, 128), Description: orderDescription(ord, l.c.ShopURL)}
		err := l.call(ctx, func() error {
			_, err := l.c.CRM.CreateCRMRecord(ctx, r)
			return err
		})
		if msg, rejected := rejection(err); rejected && !strings.Contains(msg, "name") {
			o.Message = strings.TrimPrefix(o.Message+" | order "+ord.Code+": "+msg, " | ")
			continue
		} else if err != nil && !rejected {
			return err
		}
		// A record that exists already under its name was made by an earlier attempt.
		if o.Records == nil {
			o.Records = map[string]string{}
		}
		o.Records[ord.ID] = name
	}
	return nil
}

func orderDescription(o orderRef, shopURL string) string {
	date := time.Unix(o.Date, 0).In(prague).Format("2006-01-02 15:04")
	return fmt.Sprintf("%s, %.2f %s, %s\n%s", date, o.Total, o.Currency, o.Status,
		OrderLink(shopURL, o.ID))
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

var prague = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		return time.UTC
	}
	return loc
}()
