// Package report writes the XLSX workbooks that explain a sync run: the merge
// report (Summary, Contacts, Orders, Conflicts, Rejected), the merge plan for
// cleaning up duplicates in an existing CRM, and the outcome of applying such
// a plan.
//
// Rows are streamed with excelize's StreamWriter, which spills each sheet to a
// temporary file once its buffer passes 16 MiB, so a report of a million rows
// is written in bounded memory. The finished workbook is zipped straight into
// a temporary file beside the destination and renamed into place on Close, so
// a reader never sees a half-written report.
//
// A workbook has no time zones: a time is written as the wall clock of its
// own location, so callers pass times in the zone people should read them in.
//
// Writers are not safe for concurrent use.
package report
