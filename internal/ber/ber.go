// Package ber converts BER-encoded ASN.1 (indefinite lengths, constructed
// strings, non-minimal lengths) into DER so that encoding/asn1 and
// cryptobyte can read it.
//
// Written by hand because no reachable library does this: Go's encoding/asn1
// and cryptobyte accept DER only, and real NCA key files and some CMS
// producers (Java, Kalkan) write BER with indefinite lengths and
// constructed OCTET STRINGs (see docs/spec/kalkan-formats.md §1).
//
// The conversion is structural: lengths become definite and minimal,
// constructed primitive-typed strings (OCTET STRING, BIT STRING and the
// character strings) are flattened into one primitive. SET OF elements are
// not re-sorted: callers that verify signatures over DER SETs (signed
// attributes) must use the original bytes, never a converted copy.
package ber

import (
	"errors"
	"fmt"
)

// MaxDepth bounds nesting so that hostile input cannot exhaust the stack.
const MaxDepth = 64

// ErrTrailingData is returned when bytes follow the outermost element.
var ErrTrailingData = errors.New("ber: trailing data after top-level element")

// ToDER converts one BER element (exactly, no trailing bytes) to DER.
func ToDER(in []byte) ([]byte, error) {
	out, rest, err := ToDERPrefix(in)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, ErrTrailingData
	}
	return out, nil
}

// ToDERPrefix converts the first BER element of in to DER and returns the
// bytes after it.
func ToDERPrefix(in []byte) (der, rest []byte, err error) {
	var n node
	rest, err = parse(in, &n, 0)
	if err != nil {
		return nil, nil, err
	}
	out := make([]byte, 0, n.derLen())
	out = n.appendDER(out)
	return out, rest, nil
}

// IsDER reports whether in is one element already in definite-length form
// (a cheap check that lets callers skip the copy).
func IsDER(in []byte) bool {
	out, err := ToDER(in)
	if err != nil {
		return false
	}
	return string(out) == string(in)
}

type node struct {
	class, tag  int
	constructed bool
	idBytes     []byte // the identifier octets as they appeared (tag number kept)
	content     []byte // primitive content (or flattened string)
	children    []node
}

// stringTags are universal types that BER allows to be sent constructed
// (in segments) but DER requires primitive.
var stringTags = map[int]bool{
	3: true, 4: true, 12: true, 18: true, 19: true, 20: true, 21: true,
	22: true, 25: true, 26: true, 27: true, 28: true, 30: true,
}

func parse(in []byte, n *node, depth int) (rest []byte, err error) {
	if depth > MaxDepth {
		return nil, errors.New("ber: nesting too deep")
	}
	if len(in) < 2 {
		return nil, errors.New("ber: truncated element")
	}
	b := in[0]
	n.class = int(b >> 6)
	n.constructed = b&0x20 != 0
	tag := int(b & 0x1f)
	i := 1
	if tag == 0x1f {
		tag = 0
		for {
			if i >= len(in) {
				return nil, errors.New("ber: truncated tag")
			}
			c := in[i]
			i++
			if tag > 1<<22 {
				return nil, errors.New("ber: tag number too large")
			}
			tag = tag<<7 | int(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	n.tag = tag
	n.idBytes = in[:i]
	if i >= len(in) {
		return nil, errors.New("ber: truncated length")
	}
	l := in[i]
	i++
	body := in[i:]
	if l == 0x80 {
		if !n.constructed {
			return nil, errors.New("ber: indefinite length on primitive element")
		}
		// children until end-of-contents 00 00
		for {
			if len(body) < 2 {
				return nil, errors.New("ber: missing end-of-contents")
			}
			if body[0] == 0 && body[1] == 0 {
				body = body[2:]
				break
			}
			var c node
			body, err = parse(body, &c, depth+1)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
		}
		rest = body
	} else {
		length := 0
		if l < 0x80 {
			length = int(l)
		} else {
			nb := int(l & 0x7f)
			if nb > 4 || nb == 0x7f {
				return nil, fmt.Errorf("ber: length of %d octets not supported", nb)
			}
			if len(body) < nb {
				return nil, errors.New("ber: truncated length")
			}
			for _, c := range body[:nb] {
				length = length<<8 | int(c)
			}
			body = body[nb:]
			if length < 0 || length > len(body) {
				return nil, errors.New("ber: length exceeds input")
			}
		}
		if length > len(body) {
			return nil, errors.New("ber: length exceeds input")
		}
		content := body[:length]
		rest = body[length:]
		if n.constructed {
			for len(content) > 0 {
				var c node
				content, err = parse(content, &c, depth+1)
				if err != nil {
					return nil, err
				}
				n.children = append(n.children, c)
			}
		} else {
			n.content = content
		}
	}
	if n.constructed && n.class == 0 && stringTags[n.tag] {
		flat, err := flatten(n, n.tag)
		if err != nil {
			return nil, err
		}
		n.constructed = false
		n.content = flat
		n.children = nil
		n.idBytes = []byte{byte(n.tag)}
	}
	return rest, nil
}

// flatten concatenates the segments of a constructed string.
func flatten(n *node, tag int) ([]byte, error) {
	var out []byte
	for i := range n.children {
		c := &n.children[i]
		if c.class != 0 || c.tag != tag {
			return nil, fmt.Errorf("ber: segment of constructed string has tag %d, want %d", c.tag, tag)
		}
		if tag == 3 && i < len(n.children)-1 && len(c.content) > 0 && c.content[0] != 0 {
			return nil, errors.New("ber: inner BIT STRING segment has unused bits")
		}
		if tag == 3 && i > 0 {
			if len(c.content) == 0 {
				return nil, errors.New("ber: empty BIT STRING segment")
			}
			out = append(out, c.content[1:]...)
			continue
		}
		out = append(out, c.content...)
	}
	return out, nil
}

func (n *node) contentLen() int {
	if !n.constructed {
		return len(n.content)
	}
	t := 0
	for i := range n.children {
		t += n.children[i].derLen()
	}
	return t
}

func lenLen(l int) int {
	if l < 0x80 {
		return 1
	}
	k := 1
	for v := l; v > 0xff; v >>= 8 {
		k++
	}
	return 1 + k
}

func (n *node) derLen() int {
	cl := n.contentLen()
	return len(n.idBytes) + lenLen(cl) + cl
}

func (n *node) appendDER(out []byte) []byte {
	out = append(out, n.idBytes...)
	cl := n.contentLen()
	if cl < 0x80 {
		out = append(out, byte(cl))
	} else {
		k := lenLen(cl) - 1
		out = append(out, 0x80|byte(k))
		for s := (k - 1) * 8; s >= 0; s -= 8 {
			out = append(out, byte(cl>>s))
		}
	}
	if !n.constructed {
		return append(out, n.content...)
	}
	for i := range n.children {
		out = n.children[i].appendDER(out)
	}
	return out
}
