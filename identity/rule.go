package identity

// Rule says why a record belongs to its person.
type Rule uint8

// The rules, in the words the merge report uses.
const (
	// CustomerAccount is the customer account that anchors the person.
	CustomerAccount Rule = iota
	// SeveralAccounts is a further customer account with the anchor's e-mails.
	SeveralAccounts
	// SameEmail is a record with the same e-mail as the person's anchor.
	SameEmail
	// UniquePhone is a record without e-mail whose phone only this person uses.
	UniquePhone
	// SameNameAndPhone is an e-mail group merged in because it has the same
	// billing name and phone: one person who changed e-mail.
	SameNameAndPhone
	// SharedPhoneAlone is a record without e-mail whose phone several people
	// use, so it stays a person of its own.
	SharedPhoneAlone
	// NoContactDetails is a record with neither e-mail nor phone.
	NoContactDetails
	// OwnPerson is the first record of a person without a customer account.
	OwnPerson
)

var ruleText = [...]string{
	CustomerAccount:  "customer account",
	SeveralAccounts:  "another customer account with the same e-mail",
	SameEmail:        "same e-mail as the person's first record",
	UniquePhone:      "no e-mail, phone used only by this person",
	SameNameAndPhone: "different e-mail, same billing name and phone",
	SharedPhoneAlone: "no e-mail, phone shared by several people, kept apart",
	NoContactDetails: "no e-mail or phone, kept apart",
	OwnPerson:        "first record of a person without customer account",
}

// String returns the rule as a phrase for the merge report.
func (r Rule) String() string {
	if int(r) < len(ruleText) {
		return ruleText[r]
	}
	return "unknown rule"
}
