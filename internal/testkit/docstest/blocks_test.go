package docstest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// repoRoot is the repository this package is in.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot tell where the repository is")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// blockKind says whether a fenced block holds commands, and for which system.
type blockKind int

const (
	notCommands blockKind = iota
	shellCommands
	windowsCommands
)

func kindOf(lang string) blockKind {
	switch lang {
	case "sh", "bash", "shell", "console", "zsh":
		return shellCommands
	case "bat", "cmd", "powershell", "pwsh", "ps1":
		return windowsCommands
	}
	return notCommands
}

// mode is how a command block is checked, from the marker before it.
type mode int

const (
	modeScript  mode = iota // no marker: one bash -e script that exits 0
	modeExits               // run: exits N…
	modeDaemons             // run: daemons until "TEXT"
	modeNotRun              // not run: REASON
)

// block is a fenced code block of a markdown file.
type block struct {
	file  string // relative to the repository: README.md, docs/admin.md
	line  int    // the opening fence's line, from 1
	lang  string
	body  string
	mode  mode
	exits []int  // modeExits
	ready string // modeDaemons
	why   string // modeNotRun
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

var (
	fenceRE   = regexp.MustCompile("^( {0,3})(```+|~~~+)[ \t]*([^ \t`]*)")
	markerRE  = regexp.MustCompile(`^\s*<!--\s*(not run|run):\s*(.*?)\s*-->\s*$`)
	exitsRE   = regexp.MustCompile(`^exits((?:\s+\d+)+)(?:\s|$)`)
	daemonsRE = regexp.MustCompile(`^daemons? until "([^"]+)"`)
)

// parseBlocks returns the fenced blocks of a markdown file with their
// markers, or an error for a marker it cannot read, an untagged fence or
// an unclosed one.
func parseBlocks(file, text string) ([]block, error) {
	var out []block
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := fenceRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		indent, fence, lang := len(m[1]), m[2], strings.ToLower(m[3])
		b := block{file: file, line: i + 1, lang: lang}
		if lang == "" {
			return nil, fmt.Errorf("%s: a fence without a language (write text for a program's output)", b)
		}
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			l := lines[i]
			if t := strings.TrimLeft(l, " "); len(l)-len(t) <= 3 && strings.HasPrefix(t, fence[:1]) &&
				strings.TrimRight(t, " \t") == strings.Repeat(fence[:1], len(strings.TrimRight(t, " \t"))) &&
				len(strings.TrimRight(t, " \t")) >= len(fence) {
				closed = true
				break
			}
			for k := 0; k < indent && strings.HasPrefix(l, " "); k++ {
				l = l[1:]
			}
			body = append(body, l)
		}
		if !closed {
			return nil, fmt.Errorf("%s: the fence is never closed", b)
		}
		b.body = strings.Join(body, "\n") + "\n"
		if kindOf(lang) == notCommands {
			out = append(out, b)
			continue
		}
		if b.line >= 2 {
			if mm := markerRE.FindStringSubmatch(lines[b.line-2]); mm != nil {
				if err := b.setMarker(mm[1], mm[2]); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, b)
	}
	return out, nil
}

func (b *block) setMarker(kind, text string) error {
	if kind == "not run" {
		if text == "" {
			return fmt.Errorf("%s: <!-- not run: --> needs its reason", b)
		}
		b.mode, b.why = modeNotRun, text
		return nil
	}
	if m := exitsRE.FindStringSubmatch(text); m != nil {
		for _, f := range strings.Fields(m[1]) {
			n, _ := strconv.Atoi(f)
			b.exits = append(b.exits, n)
		}
		b.mode = modeExits
		return nil
	}
	if m := daemonsRE.FindStringSubmatch(text); m != nil {
		b.mode, b.ready = modeDaemons, m[1]
		return nil
	}
	return fmt.Errorf(`%s: unknown marker "run: %s" (run: exits N…, run: daemons until "TEXT", or not run: REASON)`, b, text)
}

// commands splits a shell block into its commands: a line continued with
// a trailing backslash is one command; blank lines and whole-line
// comments are none.
func commands(body string) []string {
	var out []string
	cur := ""
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		l := sc.Text()
		if cur == "" && (strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "#")) {
			continue
		}
		if s, ok := strings.CutSuffix(strings.TrimRight(l, " \t"), `\`); ok {
			cur += s + " "
			continue
		}
		out = append(out, strings.TrimSpace(cur+l))
		cur = ""
	}
	if cur != "" {
		out = append(out, strings.TrimSpace(cur))
	}
	return out
}

// docBlocks reads README.md and docs/*.md of root.
func docBlocks(t testing.TB, root string) []block {
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	var all []block
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		bs, err := parseBlocks(filepath.ToSlash(rel), string(data))
		if err != nil {
			t.Error(err)
			continue
		}
		all = append(all, bs...)
	}
	return all
}

// systemWide finds what must not run here: as root, installing packages
// or services into this machine, or make test (which runs this check).
var systemWide = regexp.MustCompile(`(?m)(^|[\s;&|(])(sudo|su|apt|apt-get|dpkg|rpm|dnf|yum|msiexec|systemctl|update-ca-certificates)\s|--all-users|service install|make\s+(test|test-deb)\b`)

// withoutComments drops shell comments (a # at a line's start or after a
// blank) so that what a comment mentions is not taken for a command.
func withoutComments(body string) string {
	return regexp.MustCompile(`(?m)(^|[ \t])#.*$`).ReplaceAllString(body, "")
}

// checkable says why a command block cannot be run as it is marked, or "".
func checkable(b block) string {
	if b.mode == modeNotRun {
		return ""
	}
	if kindOf(b.lang) == windowsCommands {
		return "a Windows block: mark it <!-- not run: Windows -->"
	}
	if m := systemWide.FindString(withoutComments(b.body)); m != "" {
		return fmt.Sprintf("it runs %q, which would change this machine (or run make test inside make test): mark it <!-- not run: REASON -->", strings.TrimSpace(m))
	}
	if b.mode == modeExits && len(b.exits) != len(commands(b.body)) {
		return fmt.Sprintf("the marker gives %d exit codes for %d commands", len(b.exits), len(commands(b.body)))
	}
	return ""
}

func TestParseBlocks(t *testing.T) {
	md := "# t\n\n```sh\necho a \\\n  b\n# a comment\n\necho c  # trailing\n```\n\n" +
		"<!-- not run: needs root -->\n```sh\nsudo x\n```\n" +
		"<!-- run: exits 0 1 (why) -->\n```bash\ntrue\nfalse\n```\n" +
		"<!-- run: daemons until \"listening\" -->\n```sh\nserve\n```\n" +
		"```json\n{}\n```\n" +
		"<!-- not run: Windows -->\n```bat\nreg add X\n```\n" +
		"- item:\n\n  ```sh\n  echo indented\n  ```\n"
	bs, err := parseBlocks("x.md", md)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 7 {
		t.Fatalf("%d blocks: %+v", len(bs), bs)
	}
	if got := commands(bs[0].body); len(got) != 2 || got[0] != "echo a    b" || got[1] != "echo c  # trailing" {
		t.Errorf("commands %q", got)
	}
	if bs[0].mode != modeScript || bs[1].mode != modeNotRun || bs[1].why != "needs root" ||
		bs[2].mode != modeExits || fmt.Sprint(bs[2].exits) != "[0 1]" || bs[3].mode != modeDaemons || bs[3].ready != "listening" ||
		kindOf(bs[4].lang) != notCommands || bs[5].mode != modeNotRun || bs[6].body != "echo indented\n" || bs[6].line != 33 {
		t.Errorf("blocks %+v", bs)
	}
	if ok, _ := parseBlocks("x.md", "```sh\nqoltanba install   # --all-users: as root\n```\n"); checkable(ok[0]) != "" {
		t.Errorf("a comment taken for a command: %s", checkable(ok[0]))
	}
	if checkable(bs[1]) != "" || checkable(bs[2]) != "" {
		t.Error("marked blocks refused")
	}
	for _, bad := range []string{
		"```sh\nsudo apt install x\n```\n",
		"```sh\nmake run\nmake test   # all\n```\n",
		"```sh\nqoltanba install # not --all-users\nsudo qoltanba install\n```\n",
		"```sh\nqoltanba install --all-users\n```\n",
		"```sh\nqoltanba service install --unattended\n```\n",
		"```bat\nreg add X\n```\n",
		"<!-- run: exits 0 -->\n```sh\ntrue\ntrue\n```\n",
	} {
		bs, err := parseBlocks("x.md", bad)
		if err != nil || len(bs) != 1 || checkable(bs[0]) == "" {
			t.Errorf("%q accepted: %v %+v", bad, err, bs)
		}
	}
	for _, bad := range []string{
		"```\nqoltanba status\n```\n",
		"<!-- not run: -->\n```sh\nx\n```\n",
		"<!-- run: sometimes -->\n```sh\nx\n```\n",
		"```sh\nx\n",
	} {
		if _, err := parseBlocks("x.md", bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
