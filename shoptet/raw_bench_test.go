package shoptet

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

func BenchmarkXMLRawTokenScan(b *testing.B) {
	data := genOrders(benchOrders)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		xd := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
		for {
			_, err := xd.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
