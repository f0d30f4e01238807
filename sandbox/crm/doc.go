// Package crm is a sandbox Daktela REST API v6 server: the subset of
// endpoints the sync uses (whoim, contacts, mergeContacts, crmRecords),
// answering with the envelope, status codes and localised error shapes of
// the real service.
//
// The embedded default runs against it when no real Daktela is configured,
// and tests and benchmarks use it to count calls, inject faults and rate
// limits, and inspect what was written.
//
// String comparisons in list filters ignore case, as the MySQL collation
// behind the real service does. A "like" value containing % is an SQL
// LIKE pattern; without % it matches as a substring. Reads do not carry
// the contact's database, because the recorded real answers do not either;
// a list can still filter on it.
//
// Known gaps against the real service: there is no accounts endpoint, so
// a contact accepts any account name; the only user is "administrator";
// a merge keeps the survivor's own scalar fields and only unions custom
// field values, since how the real merge resolves scalars is undocumented.
package crm
