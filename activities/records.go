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
		made, err := l.createRecord(ctx, r)
		if msg, rejected := rejection(err); rejected {
			o.Message = strings.TrimPrefix(o.Message+" | order "+ord.Code+": "+msg, " | ")
			continue
		}
		if err != nil {
			return err
		}
		if o.Records == nil {
			o.Records = map[string]string{}
		}
		o.Records[ord.ID] = made
	}
	return nil
}

// createRecord creates r and returns the name it is stored under. A refused create is read
// back by name: a record that exists under it was made by an earlier attempt that did not
// live to record so, and counts as made; otherwise the refusal stands.
func (l *loader) createRecord(ctx context.Context, r daktela.CRMRecord) (string, error) {
	var out daktela.CRMRecord
	err := l.call(ctx, func() (err error) {
		out, err = l.c.CRM.CreateCRMRecord(ctx, r)
		return err
	})
	if _, rejected := rejection(err); rejected {
		var existing daktela.CRMRecord
		rerr := l.call(ctx, func() (err error) {
			existing, err = l.c.CRM.CRMRecord(ctx, r.Name)
			return err
		})
		switch {
		case rerr == nil && existing.Contact == r.Contact:
			return r.Name, nil
		case rerr != nil && !daktela.IsNotFound(rerr):
			return "", rerr
		}
		return "", err
	}
	if err != nil {
		return "", err
	}
	if out.Name != "" {
		return out.Name, nil
	}
	return r.Name, nil
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
