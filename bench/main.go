// Command bench measures a full sync at shop scale, end to end: the embedded Temporal engine,
// the sandbox shop and CRM, and the production worker as a subprocess. It prints one table
// with the phases, memory, history size, CRM calls, the load rate against its bound, the
// order-XML decode speed, the built-in integration's behaviour on the same shop, a rerun
// with nothing changed, and the targets with PASS or MISS.
//
//	go run ./bench [--small] [--customers 200000] [--orders 1000000] [--latency 20ms]
//	               [--rate 0] [--concurrency 8] [--parallel 2] [--keep dir]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// options are the command's flags.
type options struct {
	customers   int
	orders      int
	latency     time.Duration
	rate        float64
	concurrency int
	parallel    int
	keep        string
	// progress receives a progress line now and then; nil discards them.
	progress io.Writer
}

// Sizes of --small.
const (
	smallCustomers = 5000
	smallOrders    = 25000
)

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	opts.progress = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if err := res.print(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, out io.Writer) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(out)
	var o options
	small := fs.Bool("small", false,
		fmt.Sprintf("quick run: %d customers, %d orders", smallCustomers, smallOrders))
	fs.IntVar(&o.customers, "customers", 200000, "registered customers of the sandbox shop")
	fs.IntVar(&o.orders, "orders", 1000000, "orders of the sandbox shop")
	fs.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the sandbox CRM adds")
	fs.Float64Var(&o.rate, "rate", 0, "sandbox CRM requests per second allowed (0: no limit)")
	fs.IntVar(&o.concurrency, "concurrency", 8, "DAKTELA_CONCURRENCY of the worker")
	fs.IntVar(&o.parallel, "parallel", 2, "load batches at once (FullSync input parallel)")
	fs.StringVar(&o.keep, "keep", "", "keep the data, logs and worker binary in this directory")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *small {
		o.customers, o.orders = smallCustomers, smallOrders
	}
	return o, o.check()
}

func (o options) check() error {
	switch {
	case o.customers < 1 || o.orders < 1:
		return errors.New("--customers and --orders must be at least 1")
	case o.concurrency < 1 || o.concurrency > 64:
		return errors.New("--concurrency must be 1 to 64")
	case o.parallel < 1:
		return errors.New("--parallel must be at least 1")
	case o.latency < 0 || o.rate < 0:
		return errors.New("--latency and --rate must not be negative")
	}
	return nil
}

// bound is the request rate the CRM allows at most: every load activity keeps concurrency
// requests in flight, parallel activities run at once, each request takes latency; a rate
// limit caps it further. Zero means unbounded (no latency, no limit).
func (o options) bound() float64 {
	b := 0.0
	if o.latency > 0 {
		b = float64(o.concurrency*o.parallel) / o.latency.Seconds()
	}
	if o.rate > 0 && (b == 0 || o.rate < b) {
		b = o.rate
	}
	return b
}
