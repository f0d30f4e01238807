package report

// Sheet names of the sync report, in workbook order after Summary.
const (
	ContactsSheet  = "Contacts"
	OrdersSheet    = "Orders"
	ConflictsSheet = "Conflicts"
	RejectedSheet  = "Rejected"
)

var (
	contactColumns = []column{
		{"Contact", 28}, {"Title", 12}, {"E-mails", 36}, {"Phones", 22}, {"Orders", 8},
		{"Records", 44}, {"Rules", 28}, {"Action", 14}, {"Message", 60},
	}
	orderColumns = []column{
		{"Code", 14}, {"ID", 14}, {"Date", 20}, {"Total", 12}, {"Currency", 9},
		{"Status", 20}, {"Contact", 28}, {"Link", 50},
	}
	conflictColumns = []column{
		{"Kind", 16}, {"Key", 24}, {"Records", 60}, {"Reason", 60},
	}
	rejectedColumns = []column{
		{"Source", 18}, {"Record", 30}, {"Position", 12}, {"Reason", 80},
	}
)

// Writer streams the merge report of one sync run into an XLSX workbook.
type Writer struct {
	b         *book
	contacts  *table
	orders    *table
	conflicts *table
	rejected  *table
}

// Create starts a sync report that Close writes to path. Until then the
// rows go to a hidden temporary file in the same directory.
func Create(path string) (*Writer, error) {
	b, err := openBook(path, "Merge report")
	if err != nil {
		return nil, err
	}
	w := &Writer{b: b}
	if err := w.start(); err != nil {
		b.abort()
		return nil, err
	}
	return w, nil
}

func (w *Writer) start() error {
	var err error
	if w.contacts, err = w.b.newTable(ContactsSheet, contactColumns); err != nil {
		return err
	}
	if w.orders, err = w.b.newTable(OrdersSheet, orderColumns); err != nil {
		return err
	}
	if w.conflicts, err = w.b.newTable(ConflictsSheet, conflictColumns); err != nil {
		return err
	}
	w.rejected, err = w.b.newTable(RejectedSheet, rejectedColumns)
	return err
}

// AddContact appends a row to the Contacts sheet.
func (w *Writer) AddContact(r ContactRow) error {
	return w.contacts.add(r.Contact, r.Title, r.Emails, r.Phones, r.Orders,
		r.Records, r.Rules, r.Action, redact(r.Message))
}

// AddOrder appends a row to the Orders sheet.
func (w *Writer) AddOrder(r OrderRow) error {
	return w.orders.add(r.Code, r.ID, r.Date, money(r.Total), r.Currency,
		r.Status, r.Contact, link(redact(r.Link)))
}

// AddConflict appends a row to the Conflicts sheet.
func (w *Writer) AddConflict(r ConflictRow) error {
	return w.conflicts.add(r.Kind, r.Key, r.Records, redact(r.Reason))
}

// AddRejected appends a row to the Rejected sheet.
func (w *Writer) AddRejected(r RejectedRow) error {
	return w.rejected.add(r.Source, r.Record, r.Position, redact(r.Reason))
}

// Close writes the Summary, finishes every sheet and moves the workbook to
// its path. After a failed Close nothing is left behind.
func (w *Writer) Close(s Summary) error {
	return w.b.close(s)
}

// Abort discards the report and its temporary files. It does nothing after
// Close, so it can be deferred.
func (w *Writer) Abort() {
	w.b.abort()
}
