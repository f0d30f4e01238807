package shoptet

import "bytes"

type sniffResult int

const (
	sniffEmpty  sniffResult = iota // nothing but a BOM and white space
	sniffHTML                      // a web page
	sniffMarkup                    // XML that is not a web page
	sniffText                      // anything else, e.g. CSV
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// sniffKind tells what the first bytes of an answer are. It skips a UTF-8
// byte-order mark and white space, and looks past an XML declaration and
// comments because XHTML pages start with them too.
func sniffKind(head []byte) sniffResult {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	if len(head) == 0 {
		return sniffEmpty
	}
	if head[0] != '<' {
		return sniffText
	}
	for {
		switch {
		case hasPrefixFold(head, "<?"):
			head = skipPast(head, "?>")
		case hasPrefixFold(head, "<!--"):
			head = skipPast(head, "-->")
		case hasPrefixFold(head, "<!doctype html"), hasPrefixFold(head, "<html"),
			hasPrefixFold(head, "<head"), hasPrefixFold(head, "<body"):
			return sniffHTML
		default:
			return sniffMarkup
		}
		if len(head) == 0 {
			return sniffMarkup
		}
	}
}

func skipPast(b []byte, end string) []byte {
	i := bytes.Index(b, []byte(end))
	if i < 0 {
		return nil
	}
	return bytes.TrimLeft(b[i+len(end):], " \t\r\n")
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}
