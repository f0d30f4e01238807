package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/mapping"
)

func runFields(args []string) error {
	fs := newFlags("fields", "fields [flags]")
	profile := fs.String("profile", "default", "connection profile (from the worker's configuration)")
	mappingFile := fs.String("mapping", "", "mapping file to check (default: the profile's DAKTELA_MAPPING or the default mapping)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	p, err := cfg.Profile(*profile)
	if err != nil {
		return err
	}
	if p.CRMSandboxed() {
		return errors.New("no Daktela configured for this profile (set DAKTELA_URL and DAKTELA_TOKEN)")
	}
	path := p.Daktela.Mapping
	if *mappingFile != "" {
		path = *mappingFile
	}
	m := mapping.Default()
	if path != "" {
		if m, err = mapping.Load(path); err != nil {
			return err
		}
	}
	crm, err := daktela.New(daktela.Options{URL: p.Daktela.URL, Token: p.Daktela.Token,
		Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	ctx := context.Background()
	user, err := crm.WhoAmI(ctx)
	if err != nil {
		return fmt.Errorf("check the connection to %s: %w", p.Daktela.URL, err)
	}
	fmt.Printf("connected to %s as %s\n", p.Daktela.URL, user.Name)
	scheme, err := crm.ContactFields(ctx, m.Database)
	if errors.Is(err, daktela.ErrNoSampleContact) {
		return fmt.Errorf("database %q holds no contact to read its form from: check the "+
			"mapping's database, or create one contact in it first", m.Database)
	}
	if err != nil {
		return fmt.Errorf("read the contact form of database %q: %w", m.Database, err)
	}
	form := make(map[string]mapping.FieldInfo, len(scheme))
	for k, f := range scheme {
		form[k] = mapping.FieldInfo{Type: f.Type, Title: f.Title, Hidden: f.Hidden, ReadOnly: f.ReadOnly}
	}
	return printFields(form, m.Check(form))
}

func printFields(scheme map[string]mapping.FieldInfo, mismatches []mapping.Mismatch) error {
	keys := make([]string, 0, len(scheme))
	for k := range scheme {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println("contact form custom fields:")
	for _, k := range keys {
		f := scheme[k]
		fmt.Printf("  customFields.%-24s %-9s %s\n", k, f.Type, f.Title)
	}
	if len(mismatches) == 0 {
		fmt.Println("mapping: ok")
		return nil
	}
	fmt.Println("mapping problems:")
	for _, m := range mismatches {
		fmt.Printf("  %s: %s\n", m.Field, m.Problem)
	}
	return fmt.Errorf("the mapping has %d problem(s)", len(mismatches))
}
