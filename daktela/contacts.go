package daktela

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

const (
	contactsEndpoint = "contacts"
	mergeEndpoint    = "mergeContacts"
)

// Contacts iterates over the contacts matching o, page by page. The
// iteration stops after the first error, which it yields.
func (c *Client) Contacts(ctx context.Context, o ListOptions) iter.Seq2[Contact, error] {
	return listAll[Contact](ctx, c, contactsEndpoint, o)
}

// CountContacts returns how many contacts match o's filters, reading one
// name only.
func (c *Client) CountContacts(ctx context.Context, o ListOptions) (int, error) {
	o.Fields, o.Sort, o.PageSize, o.Skip = []string{"name"}, nil, 1, 0
	if err := o.validate(); err != nil {
		return 0, err
	}
	p, err := listPage[Contact](ctx, c, contactsEndpoint, o.query(0, 1))
	return p.Total, err
}

// Contact reads the contact called name. A missing contact gives an *Error
// of KindNotFound (see IsNotFound).
func (c *Client) Contact(ctx context.Context, name string) (Contact, error) {
	var out Contact
	u, err := c.recordURL(contactsEndpoint, name)
	if err != nil {
		return out, err
	}
	err = c.call(ctx, http.MethodGet, u, nil, &out)
	return out, err
}

// CreateContact creates ct and returns the contact as stored. Setting
// ct.Name makes the create idempotent: a repeat is rejected instead of
// making a duplicate.
func (c *Client) CreateContact(ctx context.Context, ct Contact) (Contact, error) {
	var out Contact
	err := c.call(ctx, http.MethodPost, c.endpointURL(contactsEndpoint, nil), ct, &out)
	return out, err
}

// UpdateContact updates the contact called ct.Name and returns it as stored.
func (c *Client) UpdateContact(ctx context.Context, ct Contact) (Contact, error) {
	var out Contact
	u, err := c.recordURL(contactsEndpoint, ct.Name)
	if err != nil {
		return out, err
	}
	err = c.call(ctx, http.MethodPut, u, ct, &out)
	return out, err
}

// MergeContacts merges the named contacts into one and returns it. Which
// name survives is not documented, so callers must read the answer.
func (c *Client) MergeContacts(ctx context.Context, names []string) (Contact, error) {
	var out Contact
	if len(names) < 2 {
		return out, &OptionError{Option: "names", Reason: "needs at least two contacts"}
	}
	q := url.Values{}
	for i, n := range names {
		if n == "" {
			return out, &OptionError{Option: "names[" + strconv.Itoa(i) + "]", Reason: "is empty"}
		}
		q.Set("contacts["+strconv.Itoa(i)+"]", n)
	}
	err := c.call(ctx, http.MethodPost, c.endpointURL(mergeEndpoint, q), nil, &out)
	return out, err
}

// ContactFields returns the custom fields of the contact form of database, read from one
// sample contact's scheme: each CRM database has a form of its own. An empty database reads
// any contact. It returns ErrNoSampleContact when the database holds no contact yet.
func (c *Client) ContactFields(ctx context.Context, database string) (map[string]FieldInfo, error) {
	o := ListOptions{}
	if database != "" {
		o.Filters = []Filter{{Field: "database", Operator: "eq", Value: database}}
	}
	p, err := listPage[Contact](ctx, c, contactsEndpoint, o.query(0, 1))
	if err != nil {
		return nil, err
	}
	if len(p.Data) == 0 {
		return nil, ErrNoSampleContact
	}
	return p.Data[0].Scheme, nil
}
