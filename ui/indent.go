package ui

import "strings"

// indentXML re-indents an XML preview for reading; on any doubt it returns
// the text as it is (this is a view, never what is signed).
func indentXML(s string) string {
	var b strings.Builder
	depth := 0
	rest := strings.TrimSpace(s)
	for rest != "" {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		if txt := strings.TrimSpace(rest[:i]); txt != "" {
			b.WriteString(strings.Repeat("  ", depth) + txt + "\n")
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			return s
		}
		tag := rest[i : i+j+1]
		rest = rest[i+j+1:]
		switch {
		case strings.HasPrefix(tag, "</"):
			depth = max(depth-1, 0)
			b.WriteString(strings.Repeat("  ", depth) + tag + "\n")
		case strings.HasSuffix(tag, "/>") || strings.HasPrefix(tag, "<?") || strings.HasPrefix(tag, "<!"):
			b.WriteString(strings.Repeat("  ", depth) + tag + "\n")
		default:
			// <a>text</a> on one line
			if k := strings.Index(rest, "</"); k >= 0 && !strings.Contains(rest[:k], "<") {
				end := strings.IndexByte(rest[k:], '>')
				if end >= 0 {
					b.WriteString(strings.Repeat("  ", depth) + tag + strings.TrimSpace(rest[:k]) + rest[k:k+end+1] + "\n")
					rest = rest[k+end+1:]
					continue
				}
			}
			b.WriteString(strings.Repeat("  ", depth) + tag + "\n")
			depth++
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
