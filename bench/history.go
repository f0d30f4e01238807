package main

import (
	"context"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// span is the wall time of one activity type: from its first scheduling to its last close.
type span struct {
	start, end time.Time
}

func (s span) dur() time.Duration {
	if s.start.IsZero() || s.end.Before(s.start) {
		return 0
	}
	return s.end.Sub(s.start)
}

// cover widens s to include o.
func (s span) cover(o span) span {
	if s.start.IsZero() || (!o.start.IsZero() && o.start.Before(s.start)) {
		s.start = o.start
	}
	if o.end.After(s.end) {
		s.end = o.end
	}
	return s
}

// historyStats is what the bench reads from a workflow's history.
type historyStats struct {
	events     int
	maxPayload int             // largest sum of payload sizes of one event, in bytes
	phases     map[string]span // by activity type
}

// readHistory fetches a run's whole history and measures it.
func readHistory(ctx context.Context, tc client.Client, id, runID string) (historyStats, error) {
	it := tc.GetWorkflowHistory(ctx, id, runID, false,
		enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return historyStats{}, fmt.Errorf("read the history: %w", err)
		}
		events = append(events, ev)
	}
	return measureHistory(events), nil
}

// measureHistory counts the events, finds the largest payload and the span of every
// activity type, matching each close event to its scheduled event.
func measureHistory(events []*historypb.HistoryEvent) historyStats {
	st := historyStats{events: len(events), phases: map[string]span{}}
	scheduled := map[int64]string{}
	for _, ev := range events {
		st.maxPayload = max(st.maxPayload, payloadBytes(ev))
		at := ev.GetEventTime().AsTime()
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			name := a.GetActivityType().GetName()
			scheduled[ev.GetEventId()] = name
			st.phases[name] = st.phases[name].cover(span{start: at, end: at})
			continue
		}
		if id, ok := closedActivity(ev); ok {
			name := scheduled[id]
			st.phases[name] = st.phases[name].cover(span{end: at})
		}
	}
	return st
}

// closedActivity returns the scheduled event id of an activity's closing event.
func closedActivity(ev *historypb.HistoryEvent) (int64, bool) {
	switch {
	case ev.GetActivityTaskCompletedEventAttributes() != nil:
		return ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId(), true
	case ev.GetActivityTaskFailedEventAttributes() != nil:
		return ev.GetActivityTaskFailedEventAttributes().GetScheduledEventId(), true
	case ev.GetActivityTaskTimedOutEventAttributes() != nil:
		return ev.GetActivityTaskTimedOutEventAttributes().GetScheduledEventId(), true
	case ev.GetActivityTaskCanceledEventAttributes() != nil:
		return ev.GetActivityTaskCanceledEventAttributes().GetScheduledEventId(), true
	}
	return 0, false
}

var payloadName = (&commonpb.Payload{}).ProtoReflect().Descriptor().FullName()

// payloadBytes sums the encoded size of every Payload anywhere in m.
func payloadBytes(m proto.Message) int {
	return walkPayloads(m.ProtoReflect())
}

func walkPayloads(m protoreflect.Message) int {
	if m.Descriptor().FullName() == payloadName {
		return proto.Size(m.Interface())
	}
	n := 0
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				n += walkPayloads(mv.Message())
				return true
			})
		case fd.IsList() && fd.Message() != nil:
			for i := range v.List().Len() {
				n += walkPayloads(v.List().Get(i).Message())
			}
		case !fd.IsMap() && !fd.IsList() && fd.Message() != nil:
			n += walkPayloads(v.Message())
		}
		return true
	})
	return n
}
