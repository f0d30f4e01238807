package report

import "strings"

// secretKeys name the parameters whose values are credentials: a Shoptet
// export hash, or a Daktela token quoted in an error message.
var secretKeys = []string{
	"hash", "token", "accesstoken", "access_token", "apikey", "api_key", "password", "secret",
}

// redact hides the value of every name=value pair whose name is a secret
// key; everything else in s is kept verbatim. It is a hand-written scan
// rather than a regexp because it runs on every order link.
func redact(s string) string {
	var out strings.Builder
	last := 0 // end of the part of s already copied to out
	for i := strings.IndexByte(s, '='); i >= 0; {
		end := i + 1
		if isSecretKey(s[wordStart(s, i):i]) {
			end = valueEnd(s, i+1)
			if end > i+1 {
				out.WriteString(s[last : i+1])
				out.WriteString("REDACTED")
				last = end
			}
		}
		next := strings.IndexByte(s[end:], '=')
		if next < 0 {
			break
		}
		i = end + next
	}
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

// wordStart finds where the parameter name ending at i begins.
func wordStart(s string, i int) int {
	for i > 0 && isWordByte(s[i-1]) {
		i--
	}
	return i
}

// valueEnd finds where the value starting at i ends.
func valueEnd(s string, i int) int {
	for i < len(s) && !strings.ContainsRune("&# \t\r\n\"'<>:;,", rune(s[i])) {
		i++
	}
	return i
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
}

func isSecretKey(name string) bool {
	for _, k := range secretKeys {
		if strings.EqualFold(name, k) {
			return true
		}
	}
	return false
}
