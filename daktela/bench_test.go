package daktela

import (
	"bytes"
	"strconv"
	"testing"
)

// benchPage is a full page of contacts shaped like real reads, with the
// custom field scheme on every record.
func benchPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"error":[],"result":{"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"c` + strconv.Itoa(i) + `","title":"Jan Novák","firstname":"Jan",` +
			`"lastname":"Novák","account":null,"user":{"name":"admin","title":"Admin"},` +
			`"description":"","edited":"2022-03-02 16:01:27","created":"2022-03-02 15:51:17",` +
			`"customFields":{"number":["00420777111222"],"email":["jan@example.cz"],` +
			`"address":[null],"note":[]},"_sys":{"cfScheme":{` +
			`"number":{"type":"PHONE","title":"Telefon","hidden":false,"readonly":false},` +
			`"email":{"type":"EMAIL","title":"Email","hidden":false,"readonly":false}}}}`)
	}
	b.WriteString(`],"total":` + strconv.Itoa(n) + `},"_time":"2022-03-04 14:59:05"}`)
	return b.Bytes()
}

func BenchmarkDecodeContactsPage(b *testing.B) {
	body := benchPage(MaxPageSize)
	c := newOfflineClient(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var p page[Contact]
		if err := c.decodeAnswer(fakeResponse(200, body), "GET", "/x", &p); err != nil {
			b.Fatal(err)
		}
		if len(p.Data) != MaxPageSize {
			b.Fatalf("decoded %d", len(p.Data))
		}
	}
}
