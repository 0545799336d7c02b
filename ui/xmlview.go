package ui

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// ReadableXML shows an XML document as a person reads it: one line per
// element, indented by depth, "name: value" for elements that hold text,
// attributes after the name, no markup, no namespace prefixes. A document
// cut short (previews stop at 64 KB) or malformed ends with "…"; one that
// is not XML at all comes back as it is. It is a view, never what is
// signed.
func ReadableXML(src string) string {
	d := xml.NewDecoder(strings.NewReader(src))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	type frame struct {
		line    string
		text    strings.Builder
		printed bool
	}
	var stack []*frame
	var b strings.Builder
	indent := func(n int) string { return strings.Repeat("  ", n) }
	flushParent := func() {
		if n := len(stack); n > 0 && !stack[n-1].printed {
			f := stack[n-1]
			b.WriteString(indent(n-1) + f.line)
			if t := strings.TrimSpace(f.text.String()); t != "" {
				b.WriteString(": " + t)
			}
			b.WriteByte('\n')
			f.printed = true
		}
	}
	elements := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) || len(stack) > 0 {
				if elements == 0 {
					return src
				}
				flushParent()
				b.WriteString("…")
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			flushParent()
			elements++
			line := t.Name.Local
			var attrs []string
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				attrs = append(attrs, a.Name.Local+"="+a.Value)
			}
			if len(attrs) > 0 {
				line += " (" + strings.Join(attrs, ", ") + ")"
			}
			stack = append(stack, &frame{line: line})
		case xml.CharData:
			if n := len(stack); n > 0 {
				stack[n-1].text.Write(t)
			}
		case xml.EndElement:
			if n := len(stack); n > 0 {
				f := stack[n-1]
				if !f.printed {
					b.WriteString(indent(n-1) + f.line)
					if t := strings.Join(strings.Fields(f.text.String()), " "); t != "" {
						b.WriteString(": " + t)
					}
					b.WriteByte('\n')
				}
				stack = stack[:n-1]
			}
		}
	}
	if elements == 0 {
		return src
	}
	return strings.TrimRight(b.String(), "\n")
}
