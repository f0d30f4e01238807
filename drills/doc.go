// Package drills holds the fault drills of the sync: end-to-end tests that break something
// on purpose (a killed worker, a restarted engine, a throttling CRM, a cut feed download, a
// misconfigured shop, records Daktela refuses) and check the end state against the sandbox
// shop's ground truth. Each drill prints one line "PASS drill <name>: <what was checked>",
// so that `go test ./drills -v` is the drill report. The package has no code of its own.
package drills
