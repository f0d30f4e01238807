// Package shop is a sandbox Shoptet e-shop: it generates a deterministic
// population of customers and orders and serves it through the same export
// URLs a real shop offers (customers CSV and XML, the order XML, the "only new
// or updated" order feed), with injectable faults and a small admin API.
//
// Nothing is materialised per order beyond a compact record; names, items,
// addresses and prices are derived from a hash of the seed and the record
// index whenever an export is written. The generator keeps the ground truth
// of who is who (see Truth), built so that the product's identity rules
// recover exactly the real persons.
package shop
