package transport

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
)

// TestNativeCodesAsDocumented: the codes the native door sends are the
// table of docs/protocol.md, name and number, both ways; every outcome it
// maps goes to a named code.
func TestNativeCodesAsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]int{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (-\\d+) \\|").FindAllSubmatch(doc, -1) {
		n, _ := strconv.Atoi(string(m[2]))
		documented[string(m[1])] = n
	}
	if len(documented) == 0 {
		t.Fatal("no error table in docs/protocol.md")
	}
	for code, name := range nativeCodeNames {
		if documented[name] != int(code) {
			t.Errorf("%s is %d here, %d in docs/protocol.md", name, code, documented[name])
		}
	}
	for name, n := range documented {
		if nativeCode(n).String() != name {
			t.Errorf("docs/protocol.md documents %s (%d), which the door does not send", name, n)
		}
	}
	for o, c := range outcomeCodes {
		if c.String() == "" {
			t.Errorf("outcome %s maps to the unnamed code %d", o, c)
		}
	}
}

// localePrompter records the language each consent question was asked in,
// and dismisses it.
type localePrompter struct {
	mu      sync.Mutex
	locales []string
}

func (p *localePrompter) Consent(_ context.Context, q agent.ConsentQuestion) (agent.Consent, error) {
	p.mu.Lock()
	p.locales = append(p.locales, q.Locale)
	p.mu.Unlock()
	return agent.Dismiss, nil
}
func (p *localePrompter) Choose(context.Context, *agent.Session) error { return agent.ErrCanceled }
func (p *localePrompter) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

// TestChangeLocaleNormalized: NCALayer's changeLocale understands what the
// dialogs understand ("KZ", "ru_RU"), by the one rule
// (agent.NormalizeLocale); an unknown language keeps the current one.
func TestChangeLocaleNormalized(t *testing.T) {
	p := &localePrompter{}
	h := start(t, opts{prompter: p})
	ws := h.nca(t)
	for _, l := range []string{"KZ", "ru_RU", "de"} {
		call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"changeLocale","args":["`+l+`"]}`)
		call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"createCMSSignatureFromBase64","args":["PKCS12","SIGNATURE","YQ==",true]}`)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if want := []string{"kk", "ru", "ru"}; !slices.Equal(p.locales, want) {
		t.Errorf("consent asked in %q, want %q", p.locales, want)
	}
}

func TestNormalizeLocale(t *testing.T) {
	for in, want := range map[string]agent.Locale{"kk": "kk", "KZ": "kk", "kk_KZ.UTF-8": "kk", "ru_RU.UTF-8": "ru", "RU": "ru",
		"en-GB": "en", "en": "en", "": "", "de": "", "C": ""} {
		if got := agent.NormalizeLocale(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
