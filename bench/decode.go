package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/shoptet"
)

// speed is how fast a reader got through the order export.
type speed struct {
	bytes int64
	took  time.Duration
	count int // orders decoded, or tokens scanned
}

// mbps is decimal megabytes per second.
func (s speed) mbps() float64 {
	if s.took <= 0 {
		return 0
	}
	return float64(s.bytes) / 1e6 / s.took.Seconds()
}

// countingWriter counts what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// streamOrders runs read over the shop's full order export as it is generated, through a
// pipe, so that the export never sits in memory; the time includes the generation, which
// both readers share.
func streamOrders(sh *shop.Shop, read func(io.Reader) (int, error)) (speed, error) {
	pr, pw := io.Pipe()
	cw := &countingWriter{w: pw}
	go func() { pw.CloseWithError(sh.WriteOrdersXML(cw, shop.OrderFilter{})) }()
	start := time.Now()
	n, err := read(pr)
	took := time.Since(start)
	pr.CloseWithError(io.ErrClosedPipe)
	return speed{bytes: cw.n, took: took, count: n}, err
}

// decodeOrders reads every order with the product's decoder.
func decodeOrders(r io.Reader) (int, error) {
	dec := shoptet.NewOrderDecoder(r)
	n := 0
	for {
		_, err := dec.Next()
		var rec *shoptet.RecordError
		switch {
		case errors.Is(err, io.EOF):
			return n, nil
		case errors.As(err, &rec):
		case err != nil:
			return n, fmt.Errorf("decode the order export: %w", err)
		}
		n++
	}
}

// scanTokens is the floor: encoding/xml's Token loop with nothing done per token.
func scanTokens(r io.Reader) (int, error) {
	xd := xml.NewDecoder(r)
	n := 0
	for {
		_, err := xd.Token()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("scan the order export: %w", err)
		}
		n++
	}
}
