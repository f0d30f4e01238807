package shoptet

import (
	"time"
	_ "time/tzdata" // the shop's zone must resolve on hosts without a zoneinfo database
)

// Prague is the shop's local time zone: Shoptet exports dates without a
// zone, and the shops this integration serves run on Czech time.
var Prague = mustLoad("Europe/Prague")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("shoptet: load time zone " + name + ": " + err.Error())
	}
	return loc
}
