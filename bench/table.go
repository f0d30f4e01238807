package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of issue 7.
const (
	targetStage     = 90 * time.Second // decode, resolve and stage 1,000,000 orders
	targetRSS       = 500e6            // bytes
	targetRateShare = 0.85             // of the bound
	targetCallRatio = 4.0              // built-in calls / sync calls
	targetEvents    = 2000
)

// Row labels; the test checks that the table has every one.
const (
	rowFetchCustomers = "phase fetch customers (download, decode, stage)"
	rowFetchOrders    = "phase fetch orders (download, decode, stage)"
	rowFetch          = "phase fetch, both in parallel"
	rowResolve        = "phase resolve"
	rowStage          = "fetch + decode + resolve + stage"
	rowLoad           = "phase load"
	rowReport         = "phase report"
	rowSyncWall       = "sync wall time (shopsync | built-in)"
	rowRSS            = "worker peak RSS (VmHWM)"
	rowEvents         = "history events"
	rowPayload        = "largest event payload"
	rowCalls          = "CRM calls"
	rowCallsTotal     = "CRM calls total (shopsync | built-in)"
	rowCallRatio      = "calls: built-in / shopsync"
	rowCallFloor      = "calls per person (shopsync)"
	rowRatioBound     = "ratio this shop allows at one call per person"
	rowContacts       = "contacts created (shopsync | built-in)"
	rowPersons        = "persons (ground truth)"
	rowPerPerson      = "contacts per person (shopsync | built-in)"
	rowRate           = "load requests/s (bound: concurrency*parallel/latency)"
	rowWrites         = "load writes/s"
	rowRerunReuse     = "rerun, nothing changed, mirror reused"
	rowRerunFull      = "rerun, nothing changed, full download"
	rowRerunRSS       = "worker peak RSS, full-download rerun"
	rowDecode         = "order XML decode (shoptet.OrderDecoder)"
	rowScan           = "order XML bare token scan (encoding/xml)"
	rowGenerate       = "order XML generation alone (in both above)"
	rowTotal          = "bench wall time"
)

// allRows are the labels every table carries.
var allRows = []string{rowFetchCustomers, rowFetchOrders, rowFetch, rowResolve, rowStage,
	rowLoad, rowReport, rowSyncWall, rowRSS, rowEvents, rowPayload, rowCalls, rowCallsTotal,
	rowCallRatio, rowCallFloor, rowRatioBound, rowContacts, rowPersons, rowPerPerson, rowRate, rowWrites, rowRerunReuse,
	rowRerunFull, rowRerunRSS, rowDecode, rowScan, rowGenerate, rowTotal}

// table collects rows of metric, value, comparison and verdict.
type table struct {
	rows [][4]string
}

func (t *table) add(metric, value, compare, verdict string) {
	t.rows = append(t.rows, [4]string{metric, value, compare, verdict})
}

// check adds a row measured against a target.
func (t *table) check(metric, value, target string, pass bool) {
	verdict := "MISS"
	if pass {
		verdict = "PASS"
	}
	t.add(metric, value, target, verdict)
}

func (t *table) write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METRIC\tVALUE\tCOMPARE / TARGET\tVERDICT")
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r[:], "\t"))
	}
	return tw.Flush()
}

// print writes the heading and the table.
func (res *result) print(w io.Writer) error {
	o := res.opts
	rate := "no rate limit"
	if o.rate > 0 {
		rate = fmt.Sprintf("rate limit %g/s", o.rate)
	}
	fmt.Fprintf(w, "shopsync benchmark: %d customers, %d orders; CRM latency %s, %s; "+
		"concurrency %d x parallel %d\n\n", o.customers, o.orders, o.latency, rate,
		o.concurrency, o.parallel)
	return res.table().write(w)
}

func (res *result) table() *table {
	t := &table{}
	res.phaseRows(t)
	res.resourceRows(t)
	res.callRows(t)
	res.rerunRows(t)
	res.decodeRows(t)
	t.add(rowTotal, fmtDur(res.totalWall), "", "")
	return t
}

func (res *result) phaseRows(t *table) {
	ph := res.first.history.phases
	fetch := ph["FetchCustomers"].cover(ph["FetchOrders"])
	t.add(rowFetchCustomers, fmtDur(ph["FetchCustomers"].dur()), "", "")
	t.add(rowFetchOrders, fmtDur(ph["FetchOrders"].dur()), "", "")
	t.add(rowFetch, fmtDur(fetch.dur()), "", "")
	t.add(rowResolve, fmtDur(ph["Resolve"].dur()), "", "")
	stage := fetch.cover(ph["Resolve"]).dur()
	t.check(rowStage, fmtDur(stage), "< 90s for 1M orders", stage < targetStage)
	t.add(rowLoad, fmtDur(ph["Load"].dur()), "", "")
	t.add(rowReport, fmtDur(ph["WriteReport"].dur()), "", "")
	t.add(rowSyncWall, fmtDur(res.first.wall), fmtDur(res.builtin.wall), "")
}

func (res *result) resourceRows(t *table) {
	t.check(rowRSS, fmtMB(res.peakRSS), "< 500 MB", res.peakRSS < targetRSS)
	h := res.first.history
	t.check(rowEvents, fmt.Sprint(h.events), fmt.Sprintf("< %d", targetEvents),
		h.events < targetEvents)
	t.add(rowPayload, fmt.Sprintf("%d B", h.maxPayload), "", "")
}

func (res *result) callRows(t *table) {
	for _, k := range sortedCalls(res.first.calls) {
		t.add(rowCalls+" "+k, fmt.Sprint(res.first.calls[k]), "", "")
	}
	for _, k := range sortedCalls(res.builtin.calls) {
		t.add(rowCalls+" "+k+" (built-in)", "", fmt.Sprint(res.builtin.calls[k]), "")
	}
	r, wr := callStats(res.first.calls)
	br, bw := callStats(res.builtin.calls)
	t.add(rowCallsTotal, fmt.Sprint(r+wr), fmt.Sprint(br+bw), "")
	saving := ratio(float64(br+bw), float64(r+wr))
	t.check(rowCallRatio, fmt.Sprintf("%.2fx", saving), ">= 4x", saving >= targetCallRatio)
	// Without a batch endpoint a new person costs one create at the least, so the ratio
	// cannot pass (customer rows + orders) / persons, a property of the shop.
	t.add(rowCallFloor, fmt.Sprintf("%.3f", ratio(float64(r+wr), float64(res.persons))),
		"floor 1.000 on a fresh CRM (no batch endpoint)", "")
	records := res.builtin.records[0] + res.builtin.records[1]
	t.add(rowRatioBound, fmt.Sprintf("%.2fx", ratio0(records, res.persons)),
		fmt.Sprintf("(%d customer rows + %d orders) / %d persons", res.builtin.records[0],
			res.builtin.records[1], res.persons), "")
	t.add(rowContacts, fmt.Sprint(res.contacts), fmt.Sprintf("%d (%d rejected)",
		res.builtin.contacts, res.builtin.rejected), "")
	t.add(rowPersons, fmt.Sprint(res.persons), "", "")
	t.add(rowPerPerson, fmt.Sprintf("%.3f", ratio0(res.contacts, res.persons)),
		fmt.Sprintf("%.3f", ratio0(res.builtin.contacts, res.persons)), "")
	res.rateRows(t, r+wr, wr)
}

// rateRows compares the load phase's request rate with the bound. Every request, read or
// write, takes one of the slots in flight, so the bound is on requests.
func (res *result) rateRows(t *table, calls, writes int64) {
	load := res.first.history.phases["Load"].dur().Seconds()
	rps, wps := ratio(float64(calls), load), ratio(float64(writes), load)
	bound := res.opts.bound()
	if bound == 0 {
		t.add(rowRate, fmt.Sprintf("%.0f", rps), "no bound (no latency, no limit)", "")
	} else {
		share := rps / bound
		t.check(rowRate, fmt.Sprintf("%.0f", rps), fmt.Sprintf("bound %.0f: %.0f%% (>= 85%%)",
			bound, share*100), share >= targetRateShare)
	}
	t.add(rowWrites, fmt.Sprintf("%.0f", wps), "", "")
}

func (res *result) rerunRows(t *table) {
	for _, rr := range []struct {
		label string
		run   syncRun
	}{{rowRerunReuse, res.reuse}, {rowRerunFull, res.full}} {
		r, w := callStats(rr.run.calls)
		t.check(rr.label, fmt.Sprintf("%d reads, %d writes", r, w),
			"0 reads, 0 writes; took "+fmtDur(rr.run.wall), r == 0 && w == 0)
	}
	t.add(rowRerunRSS, fmtMB(res.fullRSS), "", "")
}

func (res *result) decodeRows(t *table) {
	t.add(rowDecode, fmt.Sprintf("%.1f MB/s", res.decode.mbps()),
		fmt.Sprintf("%d orders, %s in %s", res.decode.count, fmtMB(res.decode.bytes),
			fmtDur(res.decode.took)), "")
	t.add(rowScan, fmt.Sprintf("%.1f MB/s", res.scan.mbps()),
		fmt.Sprintf("%d tokens in %s", res.scan.count, fmtDur(res.scan.took)), "")
	t.add(rowGenerate, fmt.Sprintf("%.1f MB/s", res.generate.mbps()),
		"in "+fmtDur(res.generate.took), "")
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func ratio0(a, b int) float64 { return ratio(float64(a), float64(b)) }

func fmtDur(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func fmtMB(b int64) string {
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}
