// Package shoptet reads a Shoptet e-shop's exports: the customer export (CSV or
// XML), the order export in the system XML template, and the "only new or
// updated" order feed.
//
// A Client downloads an export as a stream and turns every failure into an
// *Error that says whether a retry can help. The decoders read that stream one
// record at a time, so a history of hundreds of megabytes never sits in
// memory, and report a malformed record as a *RecordError without stopping.
//
// Export hashes are credentials: they never reach a log line or an error
// string, and every URL the package prints passes through RedactURL first.
package shoptet
