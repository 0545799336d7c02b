package transport

// Two small JSON readers written by hand, because encoding/json can do
// neither without holding or copying the whole input:
//   - fieldScanner reads a few top-level fields of a message as it streams
//     past, keeping only those (a refused 70 MB message still gets a busy
//     answer that carries its uuid or id, without being buffered);
//   - stringArray walks a JSON array of strings as views into the message,
//     stopping at a count limit (a 3 MB array of a million empty strings
//     is refused before a million slices are made).

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// fieldScanner captures the raw JSON values of wanted top-level keys of a
// JSON object fed to it in pieces. Values longer than maxField are dropped.
type fieldScanner struct {
	want  []string
	found map[string][]byte

	state   scanState
	depth   int  // nesting depth; the top-level object is 1
	inStr   bool // inside a string (key or value)
	esc     bool // after a backslash in a string
	key     []byte
	keyOver bool
	cur     string // key whose value is being captured ("" = none)
	val     []byte
	valOver bool
}

type scanState byte

const (
	scanStart    scanState = iota // before the top-level '{'
	scanKey                       // expecting a key (or '}')
	scanColon                     // after a key
	scanValue                     // expecting or inside a value
	scanAfterVal                  // after a value: ',' or '}'
	scanDone                      // the object ended, or the input is not an object
)

const maxField = 256

func newFieldScanner(keys ...string) *fieldScanner {
	return &fieldScanner{want: keys, found: map[string][]byte{}}
}

// Write feeds the next piece of the message.
func (s *fieldScanner) Write(p []byte) (int, error) {
	for _, c := range p {
		if s.state == scanDone {
			break
		}
		s.step(c)
	}
	return len(p), nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *fieldScanner) step(c byte) {
	switch s.state {
	case scanStart:
		if c == '{' {
			s.state, s.depth = scanKey, 1
		} else if !isSpace(c) {
			s.state = scanDone
		}
	case scanKey:
		switch {
		case s.inStr:
			if s.esc {
				s.esc = false
			} else if c == '\\' {
				s.esc = true
			} else if c == '"' {
				s.inStr = false
				s.state = scanColon
				return
			}
			if len(s.key) < maxField {
				s.key = append(s.key, c)
			} else {
				s.keyOver = true
			}
		case c == '"':
			s.inStr, s.key, s.keyOver = true, s.key[:0], false
		case c == '}':
			s.state = scanDone
		case !isSpace(c) && c != ',':
			s.state = scanDone
		}
	case scanColon:
		if c == ':' {
			s.state, s.cur, s.val, s.valOver = scanValue, "", s.val[:0], false
			if !s.keyOver {
				for _, k := range s.want {
					if string(s.key) == k {
						s.cur = k
					}
				}
			}
		} else if !isSpace(c) {
			s.state = scanDone
		}
	case scanValue:
		if s.depth == 1 && !s.inStr && len(s.val) == 0 && isSpace(c) {
			return // before the value
		}
		if s.depth == 1 && !s.inStr && (c == ',' || c == '}') {
			s.endValue()
			if c == '}' {
				s.state = scanDone
			} else {
				s.state = scanKey
			}
			return
		}
		s.capture(c)
		switch {
		case s.inStr:
			if s.esc {
				s.esc = false
			} else if c == '\\' {
				s.esc = true
			} else if c == '"' {
				s.inStr = false
			}
		case c == '"':
			s.inStr = true
		case c == '{' || c == '[':
			s.depth++
		case c == '}' || c == ']':
			s.depth--
		}
	}
}

func (s *fieldScanner) capture(c byte) {
	if s.cur == "" || s.valOver {
		return
	}
	if len(s.val) >= maxField {
		s.valOver = true
		return
	}
	s.val = append(s.val, c)
}

func (s *fieldScanner) endValue() {
	if s.cur != "" && !s.valOver {
		v := s.val
		for len(v) > 0 && isSpace(v[len(v)-1]) {
			v = v[:len(v)-1]
		}
		s.found[s.cur] = append([]byte(nil), v...)
	}
	s.cur = ""
}

// field returns the raw JSON value of key, if it was seen whole and short.
func (s *fieldScanner) field(key string) ([]byte, bool) {
	v, ok := s.found[key]
	return v, ok
}

var errTooMany = errors.New("too many items")

// stringArray calls fn with the raw JSON string tokens (quotes included)
// of a JSON array of strings, as views into raw, and stops with errTooMany
// after max items. raw must be valid JSON (encoding/json has checked the
// message); anything but an array of strings is an error.
func stringArray(raw []byte, max int, fn func(tok []byte) error) error {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return errors.New("not an array")
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		return nil
	}
	for n := 0; ; n++ {
		if n == max {
			return errTooMany
		}
		if i >= len(raw) || raw[i] != '"' {
			return errors.New("not a string")
		}
		j := i + 1
		for ; j < len(raw) && raw[j] != '"'; j++ {
			if raw[j] == '\\' {
				j++
			}
		}
		if j >= len(raw) {
			return errors.New("unterminated string")
		}
		if err := fn(raw[i : j+1]); err != nil {
			return err
		}
		i = skipSpace(raw, j+1)
		if i < len(raw) && raw[i] == ']' {
			return nil
		}
		if i >= len(raw) || raw[i] != ',' {
			return errors.New("not an array of strings")
		}
		i = skipSpace(raw, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// utf8Stream checks that text arriving in pieces is UTF-8, carrying an
// incomplete character from one piece to the next.
type utf8Stream struct {
	carry [utf8.UTFMax]byte
	n     int
	bad   bool
}

func (u *utf8Stream) Write(p []byte) (int, error) {
	total := len(p)
	if u.bad {
		return total, nil
	}
	if u.n > 0 {
		// Complete the carried character with up to 3 bytes of p.
		k := min(utf8.UTFMax-u.n, len(p))
		var buf [2 * utf8.UTFMax]byte
		m := copy(buf[:], u.carry[:u.n])
		m += copy(buf[m:], p[:k])
		r, size := utf8.DecodeRune(buf[:m])
		switch {
		case r == utf8.RuneError && size <= 1 && !utf8.FullRune(buf[:m]):
			copy(u.carry[:], buf[:m])
			u.n = m
			return total, nil
		case r == utf8.RuneError && size <= 1:
			u.bad = true
			return total, nil
		}
		p = p[size-u.n:]
		u.n = 0
	}
	// Keep an incomplete character at the end for the next piece.
	tail := 0
	for k := 1; k < utf8.UTFMax && k <= len(p); k++ {
		if utf8.RuneStart(p[len(p)-k]) {
			if !utf8.FullRune(p[len(p)-k:]) {
				tail = k
			}
			break
		}
	}
	if !utf8.Valid(p[:len(p)-tail]) {
		u.bad = true
		return total, nil
	}
	u.n = copy(u.carry[:], p[len(p)-tail:])
	return total, nil
}

// valid reports whether everything written was UTF-8 (call at the end).
func (u *utf8Stream) valid() bool { return !u.bad && u.n == 0 }

// moreItemsThan reports whether the JSON array raw has more than max
// items (max >= 1), counting without decoding: a short list field is
// checked before encoding/json makes a slice of 20 million empty strings.
func moreItemsThan(raw []byte, max int) bool {
	depth, commas := 0, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			e := stringEnd(raw, i)
			if e < 0 {
				return false
			}
			i = e
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 1 {
				if commas++; commas >= max {
					return true
				}
			}
		}
	}
	return false
}

// maxListItems bounds the short string lists of a request (storages,
// extended key usages, CA certificates).
const maxListItems = 64

// shortList is a JSON array of at most maxListItems strings.
type shortList []string

// UnmarshalJSON counts the items before decoding them.
func (l *shortList) UnmarshalJSON(b []byte) error {
	if moreItemsThan(b, maxListItems) {
		return errTooMany
	}
	return json.Unmarshal(b, (*[]string)(l))
}
