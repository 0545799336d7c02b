package transport

// checkKeys is the third reader written by hand (see jsonscan.go for the
// other two): encoding/json takes the last of repeated keys, and calls a
// field's UnmarshalJSON once per repetition, so a message that repeats
// "documents" a million times made a million decodes of one field. Its
// v2 (encoding/json/v2) refuses duplicate names, but is still behind
// GOEXPERIMENT in Go 1.26; this walk does the same check over the message
// already held, before anything is decoded, allocating only for the keys
// of the objects open at once.

import (
	"bytes"
	"encoding/json"
	"unicode"
	"unicode/utf8"
)

// Object shape bounds: no message of either protocol comes near them (an
// envelope has 5 keys, nested 4 deep), and they bound what checkKeys keeps.
const (
	maxObjectKeys = 256
	maxJSONDepth  = 64
)

// keysError says why checkKeys refused a message; top is true when the
// fault is in the outermost object itself.
type keysError struct {
	top  bool
	what string
}

func (e *keysError) Error() string { return e.what }

// keyFrame is one open object or array.
type keyFrame struct {
	object  bool
	wantKey bool
	keys    []string            // folded keys, while few
	set     map[string]struct{} // folded keys, once many
}

// checkKeys refuses a JSON text in which an object repeats a key as
// encoding/json matches keys to fields (after unescaping, without regard
// to case), has more than maxObjectKeys keys or a key longer than
// maxField, or that nests deeper than maxJSONDepth. Text that is not
// JSON is left to the decoder to refuse (nil).
func checkKeys(data []byte) error {
	var stack []keyFrame
	var fold []byte
	for i := 0; i < len(data); {
		c := data[i]
		switch c {
		case '{', '[':
			if len(stack) == maxJSONDepth {
				return &keysError{top: len(stack) == 0, what: "nested too deep"}
			}
			if len(stack) < cap(stack) {
				stack = stack[:len(stack)+1]
				f := &stack[len(stack)-1]
				f.keys = f.keys[:0]
				clear(f.set)
				f.object, f.wantKey = c == '{', c == '{'
			} else {
				stack = append(stack, keyFrame{object: c == '{', wantKey: c == '{'})
			}
			i++
		case '}', ']':
			if len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
			i++
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
			i++
		case '"':
			end := stringEnd(data, i)
			if end < 0 {
				return nil // unterminated: not JSON
			}
			n := len(stack)
			if n > 0 && stack[n-1].object && stack[n-1].wantKey {
				f := &stack[n-1]
				f.wantKey = false
				top := n == 1
				raw := data[i+1 : end]
				if len(raw) > maxField {
					return &keysError{top: top, what: "a key is too long"}
				}
				if bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw) {
					var s string
					if json.Unmarshal(data[i:end+1], &s) != nil {
						return nil // not JSON
					}
					raw = []byte(s)
				}
				fold = appendFolded(fold[:0], raw)
				if f.has(fold) {
					return &keysError{top: top, what: "an object repeats a key"}
				}
				if len(f.keys)+len(f.set) >= maxObjectKeys {
					return &keysError{top: top, what: "an object has too many keys"}
				}
				f.add(string(fold))
			}
			i = end + 1
		default:
			i++
		}
	}
	return nil
}

// stringEnd returns the index of the quote that closes the string opened
// at data[i], or -1.
func stringEnd(data []byte, i int) int {
	for j := i + 1; ; {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return -1
		}
		q := j + k
		bs := 0
		for p := q - 1; p > i && data[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			return q
		}
		j = q + 1
	}
}

func (f *keyFrame) has(k []byte) bool {
	if f.set != nil && len(f.set) > 0 {
		_, ok := f.set[string(k)]
		return ok
	}
	for _, x := range f.keys {
		if x == string(k) {
			return true
		}
	}
	return false
}

func (f *keyFrame) add(k string) {
	if len(f.set) == 0 && len(f.keys) < 16 {
		f.keys = append(f.keys, k)
		return
	}
	if f.set == nil {
		f.set = make(map[string]struct{}, 2*len(f.keys))
	}
	for _, x := range f.keys {
		f.set[x] = struct{}{}
	}
	f.keys = f.keys[:0]
	f.set[k] = struct{}{}
}

// appendFolded folds a key as encoding/json compares keys with field
// names (bytes.EqualFold: ASCII case, then Unicode simple folding), so
// that two keys that reach the same field fold the same.
func appendFolded(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}
