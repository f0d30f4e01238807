package mapping

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	tests := []struct {
		name                     string
		existing, previous, next Fields
		want                     Fields
		changed                  bool
	}{
		{
			name:     "new contact takes the rendering",
			existing: Fields{},
			next:     Fields{"title": {"Jan"}, "customFields.email": {"a@x.cz"}},
			want:     Fields{"title": {"Jan"}, "customFields.email": {"a@x.cz"}},
			changed:  true,
		},
		{
			name:     "keys outside the mapping are untouched",
			existing: Fields{"title": {"Jan"}, "customFields.note": {"VIP, call after 5"}},
			previous: Fields{"title": {"Jan"}},
			next:     Fields{"title": {"Jan Novák"}},
			want:     Fields{"title": {"Jan Novák"}, "customFields.note": {"VIP, call after 5"}},
			changed:  true,
		},
		{
			name:     "agent-added values are kept, values the sync removed are dropped",
			existing: Fields{"customFields.number": {"+420777000001", "+420602999999", "+420777000002"}},
			previous: Fields{"customFields.number": {"+420777000001", "+420777000002"}},
			next:     Fields{"customFields.number": {"+420777000001", "+420777000003"}},
			want: Fields{"customFields.number": {
				"+420777000001", "+420777000003", "+420602999999",
			}},
			changed: true,
		},
		{
			name:     "without a previous rendering every existing value is kept",
			existing: Fields{"customFields.email": {"agent@x.cz", ""}},
			next:     Fields{"customFields.email": {"jan@x.cz"}},
			want:     Fields{"customFields.email": {"jan@x.cz", "agent@x.cz"}},
			changed:  true,
		},
		{
			name: "same values in another order and spelling are no change",
			existing: Fields{
				"customFields.number": {"00420 777 000 002", "+420777000001"},
				"customFields.email":  {"Jan@X.cz"},
			},
			previous: Fields{"customFields.number": {"+420777000001", "+420777000002"}},
			next: Fields{
				"customFields.number": {"+420777000001", "+420777000002"},
				"customFields.email":  {"jan@x.cz"},
			},
			want: Fields{
				"customFields.number": {"00420 777 000 002", "+420777000001"},
				"customFields.email":  {"Jan@X.cz"},
			},
			changed: false,
		},
		{
			name:     "agent's edit of a standard field survives while the sync value is unchanged",
			existing: Fields{"title": {"Jan Novák (VIP)"}, "lastname": {"Novák"}},
			previous: Fields{"title": {"Jan Novák"}, "lastname": {"Novák"}},
			next:     Fields{"title": {"Jan Novák"}, "lastname": {"Novák"}},
			want:     Fields{"title": {"Jan Novák (VIP)"}, "lastname": {"Novák"}},
			changed:  false,
		},
		{
			name:     "a changed sync value overwrites the agent's edit",
			existing: Fields{"title": {"Jan Novák (VIP)"}},
			previous: Fields{"title": {"Jan Novák"}},
			next:     Fields{"title": {"Jan Nový"}},
			want:     Fields{"title": {"Jan Nový"}},
			changed:  true,
		},
		{
			name:     "an emptied required field is filled again",
			existing: Fields{"lastname": {""}},
			previous: Fields{"lastname": {"Novák"}},
			next:     Fields{"lastname": {"Novák"}},
			want:     Fields{"lastname": {"Novák"}},
			changed:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := clone(tt.existing)
			got, changed := Merge(tt.existing, tt.previous, tt.next)
			if !reflect.DeepEqual(got, tt.want) || changed != tt.changed {
				t.Errorf("Merge = %v, %v\nwant %v, %v", got, changed, tt.want, tt.changed)
			}
			if !reflect.DeepEqual(tt.existing, before) {
				t.Errorf("Merge modified existing: %v", tt.existing)
			}
			// Merging the result again changes nothing: the sync converges.
			if _, again := Merge(got, tt.next, tt.next); again {
				t.Errorf("second merge reports a change")
			}
		})
	}
}

func clone(f Fields) Fields {
	out := Fields{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}
