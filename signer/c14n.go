package signer

// A copy-free serializer for inclusive Canonical XML 1.0 without comments,
// the transform every enveloped NCALayer/Kalkan signature digests. It is
// hand-written for speed only: goxmldsig's canonicalizer (used for every
// other C14N variant here, and as the reference in c14n_test.go) copies the
// subtree once per nesting level, which made signing a 1 MB document slower
// than xmlsec1. Output must stay byte-identical to goxmldsig's; the
// differential test and fuzz target enforce that.

import (
	"bytes"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

const nsXML = "http://www.w3.org/XML/1998/namespace"

// canonicalizeInclusive returns the inclusive C14N 1.0 (no comments) of
// el's subtree, with the namespace declarations and xml:* attributes it
// inherits from its ancestors rendered on el.
func canonicalizeInclusive(el *etree.Element) []byte {
	scope := map[string]string{}
	xmlAttrs := map[string]string{}
	var ancestors []*etree.Element
	for p := el.Parent(); p != nil; p = p.Parent() {
		ancestors = append(ancestors, p)
	}
	for _, a := range slices.Backward(ancestors) {
		for _, at := range a.Attr {
			switch {
			case at.Space == "xmlns":
				scope[at.Key] = at.Value
			case at.Space == "" && at.Key == "xmlns":
				scope[""] = at.Value
			case at.Space == "xml":
				xmlAttrs[at.Key] = at.Value
			}
		}
	}
	var w c14nWriter
	w.buf.Grow(1 << 12)
	w.element(el, scope, map[string]string{}, xmlAttrs)
	return w.buf.Bytes()
}

type c14nWriter struct {
	buf   bytes.Buffer
	ns    []nsDecl // scratch
	attrs []c14nAttr
}

type nsDecl struct{ prefix, uri string }

type c14nAttr struct {
	uri, local, qname, value string
}

// element writes el. scope: namespaces in scope for el's parent; rendered:
// what the nearest output ancestor rendered; inheritXML: xml:* attributes
// to add on the apex element.
func (w *c14nWriter) element(el *etree.Element, scope, rendered map[string]string, inheritXML map[string]string) {
	// Own declarations update the scope (copy only when there are any).
	own := false
	for _, at := range el.Attr {
		if at.Space == "xmlns" || (at.Space == "" && at.Key == "xmlns") {
			own = true
			break
		}
	}
	if own {
		scope = maps(scope)
		for _, at := range el.Attr {
			if at.Space == "xmlns" {
				scope[at.Key] = at.Value
			} else if at.Space == "" && at.Key == "xmlns" {
				scope[""] = at.Value
			}
		}
	}
	// Namespaces to render: those whose in-scope value differs from what
	// the output ancestor rendered.
	w.ns = w.ns[:0]
	for p, uri := range scope {
		if p == "xml" {
			continue
		}
		prev, ok := rendered[p]
		if p == "" {
			if (!ok && uri == "") || (ok && prev == uri) {
				continue
			}
		} else if ok && prev == uri {
			continue
		}
		w.ns = append(w.ns, nsDecl{p, uri})
	}
	childRendered := rendered
	if len(w.ns) > 0 {
		childRendered = maps(rendered)
		for _, d := range w.ns {
			childRendered[d.prefix] = d.uri
		}
		slices.SortFunc(w.ns, func(a, b nsDecl) int { return strings.Compare(a.prefix, b.prefix) })
	}
	// Attributes, sorted by namespace URI then local name.
	w.attrs = w.attrs[:0]
	for _, at := range el.Attr {
		switch {
		case at.Space == "xmlns" || (at.Space == "" && at.Key == "xmlns"):
			continue
		case at.Space == "":
			w.attrs = append(w.attrs, c14nAttr{"", at.Key, at.Key, at.Value})
		case at.Space == "xml":
			w.attrs = append(w.attrs, c14nAttr{nsXML, at.Key, "xml:" + at.Key, at.Value})
		default:
			w.attrs = append(w.attrs, c14nAttr{scope[at.Space], at.Key, at.Space + ":" + at.Key, at.Value})
		}
	}
	for k, v := range inheritXML {
		if !slices.ContainsFunc(w.attrs, func(a c14nAttr) bool { return a.uri == nsXML && a.local == k }) {
			w.attrs = append(w.attrs, c14nAttr{nsXML, k, "xml:" + k, v})
		}
	}
	if len(w.attrs) > 1 {
		slices.SortFunc(w.attrs, func(a, b c14nAttr) int {
			if c := strings.Compare(a.uri, b.uri); c != 0 {
				return c
			}
			return strings.Compare(a.local, b.local)
		})
	}

	name := el.Tag
	if el.Space != "" {
		name = el.Space + ":" + el.Tag
	}
	b := &w.buf
	b.WriteByte('<')
	b.WriteString(name)
	for _, d := range w.ns {
		if d.prefix == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(` xmlns:`)
			b.WriteString(d.prefix)
			b.WriteString(`="`)
		}
		escapeAttr(b, d.uri)
		b.WriteByte('"')
	}
	for _, a := range w.attrs {
		b.WriteByte(' ')
		b.WriteString(a.qname)
		b.WriteString(`="`)
		escapeAttr(b, a.value)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	for _, t := range el.Child {
		switch c := t.(type) {
		case *etree.Element:
			w.element(c, scope, childRendered, nil)
		case *etree.CharData:
			escapeText(b, c.Data)
		case *etree.ProcInst:
			b.WriteString("<?")
			b.WriteString(c.Target)
			if c.Inst != "" {
				b.WriteByte(' ')
				b.WriteString(c.Inst)
			}
			b.WriteString("?>")
		}
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

func maps(m map[string]string) map[string]string {
	c := make(map[string]string, len(m)+2)
	for k, v := range m {
		c[k] = v
	}
	return c
}

func escapeText(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

func escapeAttr(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '"':
			esc = "&quot;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
