package agent

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Inert returns s made safe to show in a prompt on one line: every
// character that could drive a terminal or reorder or hide text is shown as
// a visible stand-in instead of acting.
//
//   - C0 controls (ESC, BEL, CR, LF, TAB, ...) become their Control Pictures
//     (␛ ␇ ␍ ␊ ␉), DEL becomes ␡;
//   - C1 controls (U+0080–U+009F, among them the 8-bit CSI), bidirectional
//     overrides, embeddings, isolates and marks (U+202A–U+202E,
//     U+2066–U+2069, U+200E/F, U+061C), zero-width and other invisible
//     format characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+00AD, …)
//     and the line and paragraph separators (U+2028, U+2029) become
//     "<U+XXXX>";
//   - bytes that are not UTF-8 become U+FFFD.
//
// Every string a page controls (document previews, file names, chooser
// arguments, key filters, error details) and every string read from a key
// store passes through Inert or InertText before a Prompter sees it: the
// agent does it, not each UI, so a new renderer cannot forget it.
func Inert(s string) string { return inert(s, false) }

// InertText is Inert for multi-line text (document previews): it keeps
// line feeds and tabs, turns CRLF into a line feed, and treats everything
// else as Inert does.
func InertText(s string) string { return inert(s, true) }

func inert(s string, multiline bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case multiline && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case multiline && r == '\r' && i < len(s) && s[i] == '\n':
			// CRLF: the LF that follows is written on the next turn.
		case r < 0x20:
			b.WriteRune(0x2400 + r) // Control Pictures: ␀ … ␟ (␛ for ESC)
		case r == 0x7f:
			b.WriteRune('␡')
		case hidden(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII (the common case: nothing
// to rewrite, no allocation).
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// hidden reports whether r acts on the text around it or is invisible:
// C1 controls, bidi controls, zero-width and other format characters, and
// the Unicode line and paragraph separators.
func hidden(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case unicode.Is(unicode.Cf, r):
		// Format characters: U+00AD, U+061C, U+200B–U+200F, U+202A–U+202E,
		// U+2060–U+2064, U+2066–U+2069, U+FEFF, the tag characters, …
		return true
	}
	return false
}
