package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/shopsync/shoptet-daktela/workflows"
)

func runReport(args []string) error {
	if len(args) == 0 || args[0] != "download" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Println("Usage: starter report download <workflow-id> [-o file] [--token T]")
			return nil
		}
		return usageError{"report needs: download <workflow-id>"}
	}
	fs := newFlags("report download", "report download [flags] <workflow-id>")
	var conn connFlags
	conn.register(fs)
	out := fs.String("o", "", "output file (default: the report's own name)")
	token := fs.String("token", os.Getenv("SHOPSYNC_REPORTS_TOKEN"), "report server token (SHOPSYNC_REPORTS_TOKEN)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"report download needs a workflow id"}
	}
	ctx := context.Background()
	c, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	var sum workflows.Summary
	if err := c.GetWorkflow(ctx, fs.Arg(0), "").Get(ctx, &sum); err != nil {
		return fmt.Errorf("workflow %s has no result: %w", fs.Arg(0), rootCause(err))
	}
	if sum.Report == "" {
		return fmt.Errorf("workflow %s has no report", fs.Arg(0))
	}
	return download(ctx, sum.Report, *token, *out)
}

func download(ctx context.Context, url, token, out string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("download report: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("download report: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	if out == "" {
		out = filenameFrom(resp.Header.Get("Content-Disposition"), "report.xlsx")
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Printf("%s (%d bytes)\n", out, n)
	return nil
}

func filenameFrom(disposition, def string) string {
	_, after, ok := strings.Cut(disposition, `filename="`)
	if !ok {
		return def
	}
	name, _, _ := strings.Cut(after, `"`)
	if name == "" || strings.ContainsAny(name, `/\`) {
		return def
	}
	return name
}
