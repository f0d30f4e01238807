package identity

import "testing"

func TestFoldName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Novák Jan", "jan novak"},
		{"  jan   NOVAK ", "jan novak"},
		{"Řehoř Łukasz", "lukasz rehor"},
		{"Nováková-Malá, Eva", "eva mala novakova"},
		{"Ödön Gärtner", "gartner odon"},
		{"", ""},
		{" ,. ", ""},
	}
	var f nameFolder
	for _, tt := range tests {
		if got := string(f.fold(tt.in)); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAddRepeatedEmails(t *testing.T) {
	r := NewResolver()
	r.Add(Customer, "g1", []string{"a@x.cz", "", "b@x.cz", "a@x.cz", "b@x.cz"}, "", "")
	res := r.Resolve()
	p := res.Person(0)
	if len(p.Emails) != 2 || p.Emails[0] != "a@x.cz" || p.Emails[1] != "b@x.cz" {
		t.Errorf("emails = %v", p.Emails)
	}
	if len(r.extra) != 1 {
		t.Errorf("extra e-mails stored = %d, want 1", len(r.extra))
	}
}
