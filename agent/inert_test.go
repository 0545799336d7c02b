package agent

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestInert(t *testing.T) {
	for _, c := range []struct {
		name, in, line, text string
	}{
		{"plain", "Договор № 5, 100 ₸", "Договор № 5, 100 ₸", "Договор № 5, 100 ₸"},
		{"screen clear", "I transfer my flat to evil LLC.\x1b[2J\x1b[H==== HTTPS://EGOV.KZ ====\n",
			"I transfer my flat to evil LLC.␛[2J␛[H==== HTTPS://EGOV.KZ ====␊",
			"I transfer my flat to evil LLC.␛[2J␛[H==== HTTPS://EGOV.KZ ====\n"},
		{"OSC title", "\x1b]0;egov.kz\x07", "␛]0;egov.kz␇", "␛]0;egov.kz␇"},
		{"8-bit CSI", "a\u009b2Jb", "a<U+009B>2Jb", "a<U+009B>2Jb"},
		{"NEL", "a\u0085b", "a<U+0085>b", "a<U+0085>b"},
		{"carriage return overwrite", "pay 1000\r   0", "pay 1000␍   0", "pay 1000␍   0"},
		{"CRLF", "a\r\nb", "a␍␊b", "a\nb"},
		{"tab", "a\tb", "a␉b", "a\tb"},
		{"backspace", "egov\b\b\b\bevil", "egov␈␈␈␈evil", "egov␈␈␈␈evil"},
		{"NUL and DEL", "a\x00b\x7f", "a␀b␡", "a␀b␡"},
		{"RLO", "invoice\u202Egpj.exe", "invoice<U+202E>gpj.exe", "invoice<U+202E>gpj.exe"},
		{"LRE PDF", "\u202Aa\u202C", "<U+202A>a<U+202C>", "<U+202A>a<U+202C>"},
		{"isolates", "\u2066x\u2067y\u2068z\u2069", "<U+2066>x<U+2067>y<U+2068>z<U+2069>", "<U+2066>x<U+2067>y<U+2068>z<U+2069>"},
		{"marks", "\u200E\u200F\u061C", "<U+200E><U+200F><U+061C>", "<U+200E><U+200F><U+061C>"},
		{"zero width", "e\u200Bgov\u200C.\u200Dkz\u2060\uFEFF", "e<U+200B>gov<U+200C>.<U+200D>kz<U+2060><U+FEFF>", "e<U+200B>gov<U+200C>.<U+200D>kz<U+2060><U+FEFF>"},
		{"soft hyphen", "e\u00ADgov", "e<U+00AD>gov", "e<U+00AD>gov"},
		{"line separators", "a\u2028b\u2029c", "a<U+2028>b<U+2029>c", "a<U+2028>b<U+2029>c"},
		{"tag characters", "x\U000E0041", "x<U+E0041>", "x<U+E0041>"},
		{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD", "a\uFFFDb\uFFFD"},
		{"Kazakh letters stay", "Қолтаңба ӘҒҚҢӨҰҮҺІ", "Қолтаңба ӘҒҚҢӨҰҮҺІ", "Қолтаңба ӘҒҚҢӨҰҮҺІ"},
	} {
		if got := Inert(c.in); got != c.line {
			t.Errorf("%s: Inert = %q, want %q", c.name, got, c.line)
		}
		if got := InertText(c.in); got != c.text {
			t.Errorf("%s: InertText = %q, want %q", c.name, got, c.text)
		}
	}
}

// FuzzInert: whatever goes in, nothing that acts on a terminal or on text
// direction comes out, and the output is valid UTF-8.
func FuzzInert(f *testing.F) {
	f.Add("\x1b[2J\u202e\u200b\r\n\u0085\xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Inert(s), InertText(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q", s)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || hidden(r) {
					t.Fatalf("%q kept %U", s, r)
				}
			}
		}
		if strings.ContainsAny(Inert(s), "\n\t") {
			t.Fatalf("Inert kept a line break of %q", s)
		}
	})
}

// chooserRecorder records what ChooseFile was given.
type chooserRecorder struct {
	fakePrompter
	ext, dir string
}

func (c *chooserRecorder) ChooseFile(_ context.Context, _ Origin, ext, dir string) (string, error) {
	c.ext, c.dir = ext, dir
	return "", ErrCanceled
}

// TestPromptersGetInertText: what the agent hands a Prompter of a page's
// words is already inert, whatever the renderer.
func TestPromptersGetInertText(t *testing.T) {
	p := &chooserRecorder{fakePrompter: fakePrompter{consent: AllowOnce, file: gostFL, cancel: true}}
	a, _ := newAgent(t, p)
	req := cmsRequest("line one\x1b[2J\nline two\u202e")
	a.Handle(context.Background(), req)
	s := p.seen[0]
	if got := s.Docs[0].Preview; got != "line one␛[2J\nline two<U+202E>" {
		t.Errorf("preview %q", got)
	}
	file := &Request{Origin: site, Method: "test.file", Format: FormatCMS, FilePath: "/tmp/a\x1b]0;x\x07.pdf", Filter: Filter{Chain: ChainAny}}
	a.Handle(context.Background(), file)
	if got := p.seen[1].File; got != "/tmp/a␛]0;x␇.pdf" {
		t.Errorf("file %q", got)
	}
	a.ChooseFile(context.Background(), site, "p12\x1b[2J", "\u202eC:\\")
	if p.ext != "p12␛[2J" || p.dir != "<U+202E>C:\\" {
		t.Errorf("chooser %q %q", p.ext, p.dir)
	}
}
