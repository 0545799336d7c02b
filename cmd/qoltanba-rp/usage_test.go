package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestHelpNamesTheProgram: `go run ./cmd/qoltanba-rp --help`, as the README
// says it, names the program qoltanba-rp, not the temporary folder go run
// builds it in, and lists the flags.
func TestHelpNamesTheProgram(t *testing.T) {
	out, err := exec.Command("go", "run", ".", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("--help: %v\n%s", err, out)
	}
	s := string(out)
	if !strings.HasPrefix(s, "usage: qoltanba-rp [flags]\n") {
		t.Errorf("--help does not start with the program's usage line:\n%s", s)
	}
	if strings.Contains(s, "go-build") || strings.Contains(s, "/exe/") {
		t.Errorf("--help shows go run's temporary path:\n%s", s)
	}
	for _, f := range []string{"-listen", "-trust", "-verify-time", "-origin", "-allow-ncalayer-login", "-redis"} {
		if !strings.Contains(s, "\n  "+f+" ") && !strings.Contains(s, "\n  "+f+"\n") {
			t.Errorf("--help lacks %s:\n%s", f, s)
		}
	}
}
