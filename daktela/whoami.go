package daktela

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
)

// User is the Daktela user a token belongs to.
type User struct {
	Name  string // login
	Title string // display name
	Email string
}

// WhoAmI returns the token's user; it is the cheapest check that the URL and
// token work.
func (c *Client) WhoAmI(ctx context.Context) (User, error) {
	var raw json.RawMessage
	err := c.call(ctx, http.MethodGet, c.endpointURL("whoim", nil), nil, &raw)
	if err != nil {
		return User{}, err
	}
	return decodeWhoAmI(raw)
}

// decodeWhoAmI accepts the user either as the result itself or embedded
// under result.user.
func decodeWhoAmI(raw json.RawMessage) (User, error) {
	var w struct {
		User json.RawMessage `json:"user"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return User{}, err
	}
	if u := bytes.TrimSpace(w.User); len(u) > 0 && u[0] == '{' {
		raw = u
	}
	var uw struct {
		Name  json.RawMessage `json:"name"`
		Title json.RawMessage `json:"title"`
		Email json.RawMessage `json:"email"`
	}
	if err := json.Unmarshal(raw, &uw); err != nil {
		return User{}, err
	}
	var u User
	err := decodeStrings(map[*string]json.RawMessage{
		&u.Name: uw.Name, &u.Title: uw.Title, &u.Email: uw.Email,
	})
	return u, err
}
