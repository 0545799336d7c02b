package ui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
)

// TestCatalogComplete walks every message: each has a non-empty text in
// kk, ru and en with the same format verbs.
func TestCatalogComplete(t *testing.T) {
	// verbs lists each argument's verb by its index ("1d 2s"), so
	// translations may reorder arguments with %[n]d.
	verbs := func(s string) string {
		byArg := map[int]string{}
		next := 1
		for i := 0; i < len(s)-1; i++ {
			if s[i] != '%' {
				continue
			}
			i++
			if s[i] == '[' {
				end := strings.IndexByte(s[i:], ']')
				next, _ = strconv.Atoi(s[i+1 : i+end])
				i += end + 1
			}
			byArg[next] = string(s[i])
			next++
		}
		var v []string
		for n := 1; n <= len(byArg); n++ {
			v = append(v, strconv.Itoa(n)+byArg[n])
		}
		return strings.Join(v, " ")
	}
	for key, m := range catalog {
		for _, l := range Locales {
			if strings.TrimSpace(m[l]) == "" {
				t.Errorf("%s: no %s text", key, l)
			}
			if verbs(m[l]) != verbs(m["en"]) {
				t.Errorf("%s: %s has verbs %q, en has %q", key, l, verbs(m[l]), verbs(m["en"]))
			}
		}
		if len(m) != len(Locales) {
			t.Errorf("%s: %d locales", key, len(m))
		}
	}
}

// TestEveryLookalikeReasonWorded: each reason the classifier can give has
// words in every language (a missing one would show the key).
func TestEveryLookalikeReasonWorded(t *testing.T) {
	for _, why := range agent.LookalikeWhys {
		m, ok := catalog["why-"+string(why)]
		if !ok {
			t.Errorf("%s: no words", why)
			continue
		}
		for _, l := range Locales {
			if !strings.Contains(m[l], "%") {
				t.Errorf("%s: %s does not name the site", why, l)
			}
		}
	}
}

func TestLocale(t *testing.T) {
	for in, want := range map[string]string{"kz": "kk", "kk_KZ.UTF-8": "kk", "ru_RU.UTF-8": "ru", "en": "en", "vi": "vi", "vi_VN.UTF-8": "vi", "vi-VN": "vi", "VN": "vi", "de_DE": "", "": ""} {
		if got := NormalizeLocale(in); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
	if T("ru", "sign") != "Подписать" || T("xx", "sign") != "Қол қою" || T("en", "waiting", 2) != "2 more requests waiting" {
		t.Error("T")
	}
}

func TestSystemLocale(t *testing.T) {
	for _, c := range []struct{ lcAll, lang, want string }{
		{"", "ru_RU.UTF-8", "ru"}, {"C.UTF-8", "ru_RU.UTF-8", "en"}, {"", "C", "en"}, {"", "POSIX", "en"},
		{"", "C.UTF-8", "en"}, {"", "de_DE.UTF-8", "kk"}, {"", "", "kk"}, {"kk_KZ.UTF-8", "C", "kk"},
		{"", "vi_VN.UTF-8", "vi"}, {"vi_VN.UTF-8", "ru_RU.UTF-8", "vi"},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		if got := SystemLocale(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q: %q, want %q", c.lcAll, c.lang, got, c.want)
		}
	}
}
