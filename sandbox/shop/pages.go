package shop

import (
	"html"
	"net/http"
	"strconv"
)

// page writes a small HTML page, the way a shop answers where the client
// expected an export.
func page(w http.ResponseWriter, status int, title, text string) {
	body := "<!DOCTYPE html>\n<html lang=\"cs\"><head><meta charset=\"utf-8\"><title>" +
		html.EscapeString(title) + "</title></head>\n<body><h1>" + html.EscapeString(title) +
		"</h1><p>" + html.EscapeString(text) + "</p></body></html>\n"
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// loginPage is what a shop serves when an export link lands on the
// administration instead (a stale link, a session redirect).
const loginPage = `<!DOCTYPE html>
<html lang="cs"><head><meta charset="utf-8"><title>Přihlášení do administrace</title></head>
<body><form method="post" action="/admin/login/">
<label>E-mail <input type="email" name="email"></label>
<label>Heslo <input type="password" name="password"></label>
<button type="submit">Přihlásit se</button>
</form></body></html>
`

func deny(w http.ResponseWriter) {
	page(w, http.StatusForbidden, "Přístup odepřen", "Neplatný odkaz pro export.")
}
