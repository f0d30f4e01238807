package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/shopsync/shoptet-daktela/report"
	"github.com/shopsync/shoptet-daktela/store"
)

// reportChunk is how many persons the report step reads from the store at a time.
const reportChunk = 5000

// WriteReport writes the run's XLSX merge report from the staged persons and notes, keeps it
// in the store (so any worker can serve it) and returns its download link.
func (a *Activities) WriteReport(ctx context.Context, req ReportRequest) (ReportRef, error) {
	ctx, stop := keepAlive(ctx)
	defer stop()
	c, err := a.conn(req.Run.Profile)
	if err != nil {
		return ReportRef{}, err
	}
	path := filepath.Join(a.tempDir(), "report-"+req.Run.ID+".xlsx")
	w, err := report.Create(path)
	if err != nil {
		return ReportRef{}, err
	}
	defer os.Remove(path)
	counts, err := a.fillReport(ctx, w, req.Run, c.ShopURL)
	if err != nil {
		w.Abort()
		return ReportRef{}, err
	}
	err = w.Close(report.Summary{Shop: c.ShopURL, Run: req.Run.ID, Kind: req.Run.Kind,
		DryRun: req.Run.DryRun, Started: req.Started, Finished: time.Now(), Counts: counts})
	if err != nil {
		return ReportRef{}, err
	}
	name := fmt.Sprintf("shopsync-%s-%s.xlsx", c.Key(), req.Started.Format("20060102-150405"))
	ref, size, err := a.storeReport(ctx, req.Run.ID, name, path)
	if err != nil {
		return ReportRef{}, err
	}
	a.log(ctx, req.Run).Info("report written", "bytes", size)
	return ref, nil
}

func (a *Activities) fillReport(ctx context.Context, w *report.Writer, run Run, shopURL string) ([]report.Count, error) {
	var persons, orders, partial int64
	actions := map[string]int64{}
	for from := 0; ; from += reportChunk {
		n := 0
		err := a.Store.ScanPersons(ctx, run.ID, from, from+reportChunk, func(p *store.Person) error {
			n++
			persons++
			actions[p.Action]++
			if p.Message != "" && p.Action != ActionRejected {
				partial++
			}
			k, err := writePerson(w, p, shopURL)
			orders += int64(k)
			return err
		})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		heartbeat(ctx, from)
	}
	conflicts, err := a.writeConflicts(ctx, w, run)
	if err != nil {
		return nil, err
	}
	rejected, err := a.writeRejected(ctx, w, run)
	if err != nil {
		return nil, err
	}
	counts := []report.Count{{Name: "Persons", Value: persons}, {Name: "Orders attached", Value: orders}}
	for _, act := range []string{ActionCreated, ActionUpdated, ActionUnchanged, ActionRejected,
		ActionWouldCreate, ActionWouldUpdate} {
		if actions[act] > 0 || !run.DryRun && act != ActionWouldCreate && act != ActionWouldUpdate {
			counts = append(counts, report.Count{Name: "Contacts " + act, Value: actions[act]})
		}
	}
	counts = append(counts, report.Count{Name: "Contacts written without values Daktela refused",
		Value: partial})
	counts = append(counts, report.Count{Name: "Conflicts", Value: conflicts},
		report.Count{Name: "Shoptet records not read", Value: rejected})
	return counts, nil
}

func writePerson(w *report.Writer, p *store.Person, shopURL string) (int, error) {
	var st staged
	if err := json.Unmarshal([]byte(p.Data), &st); err != nil {
		return 0, fmt.Errorf("person %d: %w", p.Idx, err)
	}
	records := st.Records
	if st.More > 0 {
		records = append(records, fmt.Sprintf("… and %d more", st.More))
	}
	err := w.AddContact(report.ContactRow{Contact: p.Contact, Title: st.Title, Emails: st.Emails,
		Phones: st.Phones, Orders: len(st.Orders), Records: records, Rules: st.Rules,
		Action: p.Action, Message: p.Message})
	if err != nil {
		return 0, err
	}
	for _, o := range st.Orders {
		err := w.AddOrder(report.OrderRow{Code: o.Code, ID: o.ID, Date: time.Unix(o.Date, 0),
			Total: o.Total, Currency: o.Currency, Status: o.Status, Contact: p.Contact,
			Link: OrderLink(shopURL, o.ID)})
		if err != nil {
			return 0, err
		}
	}
	return len(st.Orders), nil
}

func (a *Activities) writeConflicts(ctx context.Context, w *report.Writer, run Run) (int64, error) {
	var n int64
	err := a.Store.ScanNotes(ctx, run.ID, store.NoteConflict, func(data []byte) error {
		var c Conflict
		if err := json.Unmarshal(data, &c); err != nil {
			return err
		}
		n++
		return w.AddConflict(report.ConflictRow{Kind: c.Kind, Key: c.Key, Records: c.Records,
			Reason: c.Reason})
	})
	return n, err
}

func (a *Activities) writeRejected(ctx context.Context, w *report.Writer, run Run) (int64, error) {
	var n int64
	for _, source := range []string{"shoptet customers", "shoptet orders", "shoptet feed",
		"shoptet orders updated"} {
		err := a.Store.ScanNotes(ctx, run.ID, rejectedKind(source), func(data []byte) error {
			var r Rejected
			if err := json.Unmarshal(data, &r); err != nil {
				return err
			}
			n++
			return w.AddRejected(report.RejectedRow{Source: r.Source, Record: r.Record,
				Position: r.Position, Reason: r.Reason})
		})
		if err != nil {
			return n, err
		}
	}
	// Daktela's rejections are listed with the persons they concern.
	err := a.Store.ScanRejectedPersons(ctx, run.ID, func(contact, message string) error {
		return w.AddRejected(report.RejectedRow{Source: "daktela", Record: contact,
			Reason: message})
	})
	return n, err
}
