//go:build linux

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// inTerminal runs the binary under script(1): its standard streams are a
// pseudo-terminal; input is typed into it.
func inTerminal(t *testing.T, input string, args ...string) string {
	t.Helper()
	cmd := exec.Command("script", "-qec", binary+" "+strings.Join(args, " "), "/dev/null")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if input != "" {
		time.Sleep(500 * time.Millisecond)
		io.WriteString(stdin, input)
	}
	out, _ := io.ReadAll(stdout)
	cmd.Wait()
	return string(out)
}

// TestSignOnATerminal: sign does not pour binary DER onto a terminal, says
// when it reads standard input, and refuses a file too large for an
// attached signature before reading it, pointing to --detached.
func TestSignOnATerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("script (bsdutils) is required")
	}
	pw := passwordFile(t)
	doc := tempFile(t, "doc.txt", []byte("hello"))
	out := inTerminal(t, "", "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--in", doc)
	if !strings.Contains(out, "--out FILE") || strings.Contains(out, "\x06\x09\x2a\x86") {
		t.Errorf("DER on a terminal: %q", out)
	}
	out = inTerminal(t, "hello\n\x04", "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--pem")
	if !strings.Contains(out, "reading what to sign from standard input") || !strings.Contains(out, "BEGIN CMS") {
		t.Errorf("standard input on a terminal: %q", out)
	}

	big := filepath.Join(t.TempDir(), "big.bin")
	f, _ := os.Create(big)
	f.Truncate(maxInMemoryInput + 1) // sparse: no disk used
	f.Close()
	r := qoltanba(t, nil, "sign", "--p12", rsaKey, "--password-file", pw, "--format", "cms", "--in", big, "--out", filepath.Join(t.TempDir(), "s"))
	if r.code != 1 || !strings.Contains(r.stderr, "--detached") {
		t.Errorf("a file over the limit: %+v", r)
	}
}
