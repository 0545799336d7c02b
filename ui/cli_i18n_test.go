package ui

import (
	"fmt"
	"strings"
	"testing"
)

// marker prints as ⟨i⟩ under any verb, so that a message's arguments can
// be counted and found whatever verbs it uses.
type marker int

func (m marker) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "⟨%d⟩", int(m)) }

// argCount is how many arguments s takes: the one count that leaves no
// %!(MISSING) or %!(EXTRA); -1 when none does.
func argCount(s string) int {
	for n := 0; n <= 8; n++ {
		args := make([]any, n)
		for i := range args {
			args[i] = marker(i)
		}
		if !strings.Contains(fmt.Sprintf(s, args...), "%!") {
			return n
		}
	}
	return -1
}

// TestCLICatalogComplete: every message of the command line is written in
// Kazakh, Russian and English, and every translation takes the English
// one's arguments, each of them (a Russian sentence that dropped the file
// name, or swapped two numbers' verbs, fails here).
func TestCLICatalogComplete(t *testing.T) {
	keys := CLIKeys()
	if len(keys) < 100 {
		t.Fatalf("%d CLI messages: the catalog is not loaded", len(keys))
	}
	for _, k := range keys {
		en := catalog[k]["en"]
		want := argCount(en)
		if en == "" || want < 0 {
			t.Errorf("%s: English %q is missing or malformed", k, en)
			continue
		}
		args := make([]any, want)
		for i := range args {
			args[i] = marker(i)
		}
		for _, l := range Locales {
			s := catalog[k][l]
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: no %s text", k, l)
				continue
			}
			if n := argCount(s); n != want {
				t.Errorf("%s %s: takes %d arguments, English takes %d: %q", k, l, n, want, s)
				continue
			}
			out := fmt.Sprintf(s, args...)
			for i := range args {
				if !strings.Contains(out, fmt.Sprintf("⟨%d⟩", i)) {
					t.Errorf("%s %s: argument %d is not shown: %q", k, l, i+1, s)
				}
			}
			if l != "en" && s == en && argCount(s) == 0 {
				t.Errorf("%s %s: the English text, untranslated: %q", k, l, s)
			}
		}
	}
}

// TestCLILocale: the environment's language when it is ours, C/POSIX is
// English, else the configured one, else English (not Kazakh as for the
// dialogs: a CI's or a server's shell names no language).
func TestCLILocale(t *testing.T) {
	for _, c := range []struct {
		lcAll, lang, configured, want string
	}{
		{"", "ru_RU.UTF-8", "", "ru"},
		{"", "kk_KZ.UTF-8", "ru", "kk"},
		{"kk_KZ.UTF-8", "ru_RU.UTF-8", "", "kk"},
		{"", "C", "ru", "en"},
		{"", "C.UTF-8", "", "en"},
		{"", "POSIX", "", "en"},
		{"", "", "", "en"},
		{"", "", "ru", "ru"},
		{"", "de_DE.UTF-8", "", "en"},
		{"", "de_DE.UTF-8", "kk", "kk"},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		if got := CLILocale(c.configured); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q config %q: %s, want %s", c.lcAll, c.lang, c.configured, got, c.want)
		}
	}
}
