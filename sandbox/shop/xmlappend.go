package shop

import (
	"strconv"
	"time"
)

// The export writers build each record with append-style helpers into one
// reused buffer; encoding/xml would be an order of magnitude slower.

const dateLayout = "2006-01-02 15:04:05"

func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&quot;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

func openTag(b []byte, name string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	return append(b, '>')
}

func closeTag(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, ">\n"...)
}

func elem(b []byte, name, val string) []byte {
	b = openTag(b, name)
	b = appendEscaped(b, val)
	return closeTag(b, name)
}

func elemInt(b []byte, name string, v int64) []byte {
	b = openTag(b, name)
	b = strconv.AppendInt(b, v, 10)
	return closeTag(b, name)
}

// elemCents writes an amount in hundredths with a decimal dot.
func elemCents(b []byte, name string, c int64) []byte {
	b = openTag(b, name)
	b = appendCents(b, c)
	return closeTag(b, name)
}

func appendCents(b []byte, c int64) []byte {
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = strconv.AppendInt(b, c/100, 10)
	b = append(b, '.', byte('0'+c%100/10), byte('0'+c%10))
	return b
}

func elemTime(b []byte, name string, unix uint32) []byte {
	b = openTag(b, name)
	b = appendTime(b, unix)
	return closeTag(b, name)
}

func appendTime(b []byte, unix uint32) []byte {
	return time.Unix(int64(unix), 0).In(prague).AppendFormat(b, dateLayout)
}

func cdata(b []byte, name, val string) []byte {
	b = openTag(b, name)
	b = append(b, "<![CDATA["...)
	b = append(b, val...)
	b = append(b, "]]>"...)
	return closeTag(b, name)
}
