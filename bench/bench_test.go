package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestBenchTiny runs the whole bench at a tiny size: the engine, the sandbox, the worker
// subprocess, the first sync, both reruns, the decode speeds and the built-in integration.
func TestBenchTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end bench; skipped under -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opts := options{customers: 200, orders: 800, latency: time.Millisecond, concurrency: 8,
		parallel: 2}
	res, err := run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := res.print(&out); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	t.Log("\n" + table)
	for _, row := range allRows {
		if !strings.Contains(table, row) {
			t.Errorf("the table has no row %q", row)
		}
	}
	for name, rr := range map[string]syncRun{"mirror reused": res.reuse, "full": res.full} {
		if r, w := callStats(rr.calls); r != 0 || w != 0 {
			t.Errorf("rerun (%s) made %d reads and %d writes, want none", name, r, w)
		}
	}
	if res.contacts != res.persons || res.persons == 0 {
		t.Errorf("the sync left %d contacts for %d persons", res.contacts, res.persons)
	}
	b := res.builtin
	if b.records[0] < 200 || b.records[1] != 800 {
		t.Errorf("built-in read %d customer rows and %d orders, want >= 200 and 800",
			b.records[0], b.records[1])
	}
	if got := b.contacts + int(b.rejected); got != b.records[0]+b.records[1] {
		t.Errorf("built-in: %d contacts + %d rejected, want one per record read (%d)",
			b.contacts, b.rejected, b.records[0]+b.records[1])
	}
	if reads, _ := callStats(res.builtin.calls); reads != 0 {
		t.Errorf("built-in made %d reads, want none", reads)
	}
	if res.peakRSS <= 0 || res.first.history.events == 0 || res.decode.count != 800 {
		t.Errorf("missing measurements: rss %d, events %d, decoded %d", res.peakRSS,
			res.first.history.events, res.decode.count)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args            []string
		customers, ords int
		wantErr         bool
	}{
		{nil, 200000, 1000000, false},
		{[]string{"--small"}, smallCustomers, smallOrders, false},
		{[]string{"--customers", "10", "--orders", "20"}, 10, 20, false},
		{[]string{"--concurrency", "0"}, 0, 0, true},
		{[]string{"--parallel", "0"}, 0, 0, true},
		{[]string{"extra"}, 0, 0, true},
	}
	for _, tt := range tests {
		o, err := parseFlags(tt.args, &bytes.Buffer{})
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: error %v, want error %v", tt.args, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && (o.customers != tt.customers || o.orders != tt.ords) {
			t.Errorf("%v: %d customers, %d orders", tt.args, o.customers, o.orders)
		}
	}
}

func TestBound(t *testing.T) {
	tests := []struct {
		o    options
		want float64
	}{
		{options{concurrency: 8, parallel: 2, latency: 20 * time.Millisecond}, 800},
		{options{concurrency: 8, parallel: 2, latency: 20 * time.Millisecond, rate: 100}, 100},
		{options{concurrency: 8, parallel: 2, rate: 50}, 50},
		{options{concurrency: 8, parallel: 2}, 0},
	}
	for _, tt := range tests {
		if got := tt.o.bound(); got != tt.want {
			t.Errorf("%+v: bound %g, want %g", tt.o, got, tt.want)
		}
	}
}

func TestParseHWM(t *testing.T) {
	status := "Name:\tworker\nVmPeak:\t  999 kB\nVmHWM:\t   2048 kB\nVmRSS:\t 1000 kB\n"
	got, err := parseHWM(strings.NewReader(status))
	if err != nil || got != 2048<<10 {
		t.Errorf("parseHWM = %d, %v; want %d", got, err, 2048<<10)
	}
	if _, err := parseHWM(strings.NewReader("Name:\tx\n")); err == nil {
		t.Error("parseHWM without VmHWM: no error")
	}
}

func TestCallStats(t *testing.T) {
	calls := map[string]int64{"GET contacts/one": 5, "GET contacts": 2, "POST contacts": 3,
		"PUT contacts": 4, "429": 7, "500": 1}
	r, w := callStats(calls)
	if r != 7 || w != 7 {
		t.Errorf("callStats = %d reads, %d writes; want 7, 7", r, w)
	}
	keys := sortedCalls(calls)
	if strings.Join(keys, ",") != "GET contacts,GET contacts/one,POST contacts,PUT contacts" {
		t.Errorf("sortedCalls = %v", keys)
	}
}

func TestMeasureHistory(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) *timestamppb.Timestamp {
		return timestamppb.New(t0.Add(time.Duration(s) * time.Second))
	}
	big := &commonpb.Payloads{Payloads: []*commonpb.Payload{{Data: make([]byte, 300)},
		{Data: make([]byte, 200)}}}
	events := []*historypb.HistoryEvent{
		scheduled(1, 0, "Load", nil), scheduled(2, 1, "Load", big),
		completed(3, 5, 1), completed(4, 9, 2),
		scheduled(5, 10, "Resolve", nil), completed(6, 12, 5),
	}
	for _, ev := range events {
		ev.EventTime = at(int(ev.EventTime.GetSeconds()))
	}
	st := measureHistory(events)
	if st.events != 6 {
		t.Errorf("events = %d, want 6", st.events)
	}
	if d := st.phases["Load"].dur(); d != 9*time.Second {
		t.Errorf("Load span = %s, want 9s", d)
	}
	if d := st.phases["Resolve"].dur(); d != 2*time.Second {
		t.Errorf("Resolve span = %s, want 2s", d)
	}
	if st.maxPayload < 500 || st.maxPayload > 520 {
		t.Errorf("largest payload = %d, want 500 plus framing", st.maxPayload)
	}
}

func scheduled(id, sec int64, name string, in *commonpb.Payloads) *historypb.HistoryEvent {
	return &historypb.HistoryEvent{EventId: id, EventTime: &timestamppb.Timestamp{Seconds: sec},
		Attributes: &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{
			ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{
				ActivityType: &commonpb.ActivityType{Name: name}, Input: in}}}
}

func completed(id, sec, sched int64) *historypb.HistoryEvent {
	return &historypb.HistoryEvent{EventId: id, EventTime: &timestamppb.Timestamp{Seconds: sec},
		Attributes: &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{
			ActivityTaskCompletedEventAttributes: &historypb.ActivityTaskCompletedEventAttributes{
				ScheduledEventId: sched}}}
}
