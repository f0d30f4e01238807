// Command starter is the command line of the product: it runs the embedded default
// (`starter dev`), starts syncs and waits for them with a live progress line, manages the
// incremental-sync schedule, downloads merge reports and checks the field mapping.
// Exit codes: 0 success; 1 a command failed (one line on stderr says why); 2 usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type command struct {
	name, usage, help string
	run               func(args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"dev", "dev [flags]", "run the embedded engine with its Web UI, a worker and the sandbox", runDev},
		{"sync", "sync full|incremental [flags]", "start a sync and wait for it with a progress line", runSync},
		{"status", "status <workflow-id>", "show the progress of a running workflow", runStatus},
		{"schedule", "schedule create|pause|unpause|trigger|delete|describe [flags]",
			"manage the incremental-sync schedule", runSchedule},
		{"report", "report download <workflow-id> [-o file]", "download a merge report", runReport},
		{"merge", "merge start|plan|approve|reject [<workflow-id>] [flags]",
			"clean up duplicate contacts an old integration left, after review", runMerge},
		{"fields", "fields [flags]", "list the CRM's contact fields and check the mapping against them", runFields},
	}
}

// usageError is a wrong command line; it exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		printUsage()
		return
	}
	name, args := os.Args[1], os.Args[2:]
	for _, c := range commands {
		if c.name == name {
			exit(c.run(args))
			return
		}
	}
	exit(usageError{fmt.Sprintf("unknown command %q (see starter --help)", name)})
}

func exit(err error) {
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, new(usageError)):
		fmt.Fprintln(os.Stderr, "starter:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "starter:", strings.ReplaceAll(err.Error(), "\n", "; "))
		os.Exit(1)
	}
}

func printUsage() {
	fmt.Println("Usage: starter <command> [flags]\n\nCommands:")
	sorted := append([]command(nil), commands...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Printf("  %-62s %s\n", c.usage, c.help)
	}
	fmt.Println("\nEvery command takes --help. Commands other than dev reach Temporal through " +
		"TEMPORAL_ADDRESS\n(default localhost:7233) and TEMPORAL_NAMESPACE (default \"default\").")
}

// newFlags makes a flag set whose errors come back instead of exiting.
func newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: starter %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags placed before, after or between the positional arguments (`status
// <id> --address h:p` as well as `status --address h:p <id>`), leaves the positional ones
// to fs.Args, and turns a flag error into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}
