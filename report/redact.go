package report

import (
	"regexp"
	"strings"
)

// secretParam matches a credential passed as name=value, as in a Shoptet
// export URL (hash=...) or an API URL quoted in an error (accessToken=...).
var secretParam = regexp.MustCompile(
	`(?i)\b(hash|access_?token|token|api_?key|password|secret)=([^&\s"'<>:;,]+)`)

// redact hides credential values in free text before it reaches a report;
// messages are otherwise kept verbatim.
func redact(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	return secretParam.ReplaceAllString(s, "${1}=REDACTED")
}
