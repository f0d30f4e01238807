// Package activities holds the work of the sync: fetching Shoptet exports into the store,
// resolving persons, loading them into Daktela and writing the merge report. Activities
// receive references (a run, a batch range), read and write the store, and return counts.
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/shoptet"
	"github.com/shopsync/shoptet-daktela/store"
)

// Conn is a profile's live connections, built by the worker from its configuration.
type Conn struct {
	Profile   string
	ShopURL   string // Instance URI, no secret
	Sandboxed bool   // the shop is the built-in sandbox
	Shop      *shoptet.Client
	Customers string // customers export format
	HasFeed   bool
	CRM       *daktela.Client
	CRMURL    string
	Mapping   *mapping.Mapping
	// Concurrency is how many Daktela requests one load activity keeps in flight at most.
	Concurrency int
}

// Connector gives the connections of a profile by name.
type Connector interface {
	Conn(profile string) (*Conn, error)
}

// Activities holds what the activities share. Its methods are the activities.
type Activities struct {
	Store     *store.Store
	Connector Connector
	// ReportsURL is the base of report download links.
	ReportsURL string
	// TempDir holds report files while they are written.
	TempDir string
	// MinFullInterval is the least time between two full order exports of one shop.
	MinFullInterval time.Duration
	Logger          *slog.Logger
}

func (a *Activities) conn(profile string) (*Conn, error) {
	c, err := a.Connector.Conn(profile)
	if err != nil {
		return nil, configError(err)
	}
	return c, nil
}

func (a *Activities) log(ctx context.Context, run Run) *slog.Logger {
	l := a.Logger
	if l == nil {
		l = slog.Default()
	}
	attempt := int32(0)
	if activity.IsActivity(ctx) {
		attempt = activity.GetInfo(ctx).Attempt
	}
	return l.With("workflowId", run.Workflow, "runId", run.ID, "profile", run.Profile,
		"attempt", attempt)
}

// configError marks an error as non-retryable: retrying a wrong hash or token only
// repeats the failure, so the workflow fails at once with the reason.
func configError(err error) error {
	return temporal.NewNonRetryableApplicationError(err.Error(), ErrConfig, nil)
}

// classify maps a source or sink error onto Temporal's retry semantics.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *shoptet.Error
	if errors.As(err, &se) && !se.Retryable {
		return configError(err)
	}
	if de, ok := daktela.AsError(err); ok && de.Kind == daktela.KindAuth {
		return configError(fmt.Errorf("daktela rejected the token (check DAKTELA_TOKEN): %w", err))
	}
	return err
}

// ShopKey derives the namespace of a shop's contact names and store rows from its URL:
// "https://www.muj-obchod.cz" -> "muj-obchod-cz".
func ShopKey(shopURL string) string {
	host := shopURL
	if u, err := url.Parse(shopURL); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	var b strings.Builder
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "shop"
	}
	return b.String()
}

// Begin checks the profile's connections and records the start of a run.
func (a *Activities) Begin(ctx context.Context, run Run) (Shop, error) {
	c, err := a.conn(run.Profile)
	if err != nil {
		return Shop{}, err
	}
	shop := Shop{Key: c.Key(), URL: c.ShopURL, Sandboxed: c.Sandboxed,
		CRM: c.CRMURL, HasFeed: c.HasFeed}
	_, done, err := a.Store.Watermark(ctx, shop.Key, watermarkFullSync)
	if err != nil {
		return Shop{}, err
	}
	shop.FullSyncs = done
	err = a.Store.PutRun(ctx, store.Run{ID: run.ID, Workflow: run.Workflow, Kind: run.Kind,
		Shop: shop.Key, Started: time.Now(), Status: "running", Summary: "{}"})
	if err != nil {
		return Shop{}, err
	}
	a.log(ctx, run).Info("sync started", "kind", run.Kind, "shop", shop.URL,
		"sandbox", shop.Sandboxed, "dryRun", run.DryRun)
	return shop, nil
}

// Finish records the end of a run and, after a full sync that wrote, its watermark.
func (a *Activities) Finish(ctx context.Context, f Finish) error {
	c, err := a.conn(f.Run.Profile)
	if err != nil {
		return err
	}
	key := c.Key()
	run, err := a.Store.GetRun(ctx, f.Run.ID)
	if err != nil {
		return err
	}
	summary, err := json.Marshal(f.Summary)
	if err != nil {
		return err
	}
	run.Finished, run.Status, run.Summary = time.Now(), f.Status, string(summary)
	if err := a.Store.PutRun(ctx, run); err != nil {
		return err
	}
	if f.Status == "completed" && !f.Run.DryRun {
		now := time.Now().UTC().Format(time.RFC3339)
		if err := a.Store.SetWatermark(ctx, key, watermarkFullSync, now); err != nil {
			return err
		}
	}
	return nil
}

const (
	watermarkFullSync   = "fullSync"
	watermarkFullOrders = "fullOrdersFetched"
	watermarkFeed       = "feedFetched"
	// The starts of downloads that may not have finished: a complete order export Shoptet
	// began to send, and a feed download that may have moved Shoptet's marker.
	watermarkFullOrdersBegun = "fullOrdersBegun"
	watermarkFeedBegun       = "feedBegun"
)

// Key is the shop's namespace in contact names and store rows.
func (c *Conn) Key() string {
	if c.Sandboxed {
		return "sandbox"
	}
	return ShopKey(c.ShopURL)
}
