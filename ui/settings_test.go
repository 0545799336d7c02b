package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
)

// settingsOf is the settings window over a config.json holding file (none
// when ""), with policy applied when given.
func settingsOf(t *testing.T, file, policy string) (s *Settings, path string, lang *Language) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "config.json")
	if file != "" {
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := agent.LoadConfig(path)
	if err != nil && file != "{" {
		t.Fatal(err)
	}
	if policy != "" {
		pol, err := agent.ParsePolicy([]byte(policy), "policy.json")
		if err != nil {
			t.Fatal(err)
		}
		cfg = pol.Apply(cfg)
	}
	lang = &Language{Prefs: &FilePrefs{Path: filepath.Join(dir, "ui.json")}, Config: cfg}
	lang.Set("en")
	return NewSettings(cfg, path, lang), path, lang
}

// TestSettingsSave: what is right is written and read back as the agent
// reads it; what is wrong is named on its field and nothing is written;
// what the policy fixes is refused and never copied into config.json.
func TestSettingsSave(t *testing.T) {
	const tsa = "http://test.pki.gov.kz/tsp/"
	tests := []struct {
		name   string
		file   string // config.json before
		policy string
		edits  map[SettingKey]string
		// refused: edits Set must refuse (the policy fixes them)
		refused []SettingKey
		// bad: the fields Save must mark; none: it saves
		bad []SettingKey
		// after a save: what config.json holds, and the language kept
		wantTSA, wantTimeout, wantLang string
	}{
		{name: "all valid", file: `{"allowedOrigins":["https://egov.kz"]}`,
			edits:   map[SettingKey]string{SettingTSA: " " + tsa + " ", SettingTimeout: "2m", SettingLanguage: "ru"},
			wantTSA: tsa, wantTimeout: "2m0s", wantLang: "ru"},
		{name: "automatic language", edits: map[SettingKey]string{SettingLanguage: ""},
			wantTSA: agent.DefaultConfig().TSAURL, wantTimeout: "5m0s", wantLang: ""},
		{name: "no file yet", edits: map[SettingKey]string{SettingTimeout: "10s"},
			wantTSA: agent.DefaultConfig().TSAURL, wantTimeout: "10s", wantLang: "en"},
		{name: "longest timeout", edits: map[SettingKey]string{SettingTimeout: "1h"},
			wantTSA: agent.DefaultConfig().TSAURL, wantTimeout: "1h0m0s", wantLang: "en"},
		{name: "ftp TSA", edits: map[SettingKey]string{SettingTSA: "ftp://tsa.kz/"}, bad: []SettingKey{SettingTSA}},
		{name: "TSA without a host", edits: map[SettingKey]string{SettingTSA: "https://"}, bad: []SettingKey{SettingTSA}},
		{name: "TSA not a URL", edits: map[SettingKey]string{SettingTSA: "tsa.kz"}, bad: []SettingKey{SettingTSA}},
		{name: "TSA with a password", edits: map[SettingKey]string{SettingTSA: "https://u:p@tsa.kz/"}, bad: []SettingKey{SettingTSA}},
		{name: "timeout without a unit", edits: map[SettingKey]string{SettingTimeout: "5"}, bad: []SettingKey{SettingTimeout}},
		{name: "timeout too short", edits: map[SettingKey]string{SettingTimeout: "9s"}, bad: []SettingKey{SettingTimeout}},
		{name: "timeout too long", edits: map[SettingKey]string{SettingTimeout: "61m"}, bad: []SettingKey{SettingTimeout}},
		{name: "two wrong", edits: map[SettingKey]string{SettingTimeout: "", SettingTSA: ""}, bad: []SettingKey{SettingTSA, SettingTimeout}},
		{name: "unknown language", edits: map[SettingKey]string{SettingLanguage: "de"}, bad: []SettingKey{SettingLanguage}},
		{name: "policy fixes the TSA", policy: `{"tsaURL":"http://tsa.corp.kz"}`,
			edits: map[SettingKey]string{SettingTSA: tsa, SettingTimeout: "3m"}, refused: []SettingKey{SettingTSA},
			wantTSA: agent.DefaultConfig().TSAURL, wantTimeout: "3m0s", wantLang: "en"},
		{name: "policy fixes the timeout and the language", policy: `{"promptTimeout":"2m","locale":"kk"}`,
			edits:   map[SettingKey]string{SettingTimeout: "1s", SettingLanguage: "ru", SettingTSA: tsa},
			refused: []SettingKey{SettingTimeout, SettingLanguage},
			wantTSA: tsa, wantTimeout: "5m0s", wantLang: ""},
		{name: "modules only in config.json", edits: map[SettingKey]string{SettingModules: "x"}, refused: []SettingKey{SettingModules},
			wantTSA: agent.DefaultConfig().TSAURL, wantTimeout: "5m0s", wantLang: "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, path, lang := settingsOf(t, tc.file, tc.policy)
			before, _ := os.ReadFile(path)
			for k, v := range tc.edits {
				refused := false
				for _, r := range tc.refused {
					refused = refused || r == k
				}
				if s.Set(k, v) == refused {
					t.Errorf("Set(%s, %q) = %v, want %v", k, v, !refused, !refused)
				}
			}
			saved := s.Save()
			v := s.View()
			if saved != (len(tc.bad) == 0) || v.StatusIsError == saved || v.Status == "" {
				t.Fatalf("Save = %v, status %q (error %v)", saved, v.Status, v.StatusIsError)
			}
			for _, f := range v.Fields {
				wantBad := false
				for _, b := range tc.bad {
					wantBad = wantBad || b == f.Key
				}
				if (f.Error != "") != wantBad {
					t.Errorf("%s: error %q, want one: %v", f.Key, f.Error, wantBad)
				}
			}
			if !saved {
				if after, _ := os.ReadFile(path); string(after) != string(before) || lang.Chosen() != "en" {
					t.Errorf("a refused save wrote config.json %q or the language %q", after, lang.Chosen())
				}
				return
			}
			c, err := agent.LoadConfig(path)
			if err != nil || c.TSAURL != tc.wantTSA || c.PromptTimeout.String() != tc.wantTimeout {
				t.Errorf("config.json read again: tsa %q timeout %s %v", c.TSAURL, c.PromptTimeout, err)
			}
			if tc.file != "" && len(c.AllowedOrigins) != 1 {
				t.Errorf("a setting not shown was lost: %+v", c)
			}
			if c.Locale != "" {
				t.Errorf("the language went to config.json: %q", c.Locale)
			}
			if lang.Chosen() != tc.wantLang {
				t.Errorf("language kept %q, want %q", lang.Chosen(), tc.wantLang)
			}
		})
	}
}

// TestSettingsView: every field in every language; what the policy fixes
// shows its value, read only, with the reason; the modules are listed,
// read only.
func TestSettingsView(t *testing.T) {
	s, _, _ := settingsOf(t, `{"pkcs11Modules":[{"name":"Rutoken","storage":"PKCS11","path":"/usr/lib/librtpkcs11ecp.so"}]}`,
		`{"tsaURL":"http://tsa.corp.kz","locale":"ru"}`)
	v := s.View()
	if v.Title != "Настройки…" || v.Managed != "Управляется вашей организацией" {
		t.Errorf("title %q, managed line %q (want the policy's language, ru)", v.Title, v.Managed)
	}
	keys := []SettingKey{SettingLanguage, SettingTSA, SettingTimeout, SettingModules}
	for i, f := range v.Fields {
		if f.Key != keys[i] || f.Label == "" || strings.Contains(f.Label, "-") {
			t.Errorf("field %d: %+v", i, f)
		}
		fixed := f.Key == SettingLanguage || f.Key == SettingTSA
		if fixed && (!f.ReadOnly || f.Note != "задано вашей организацией") {
			t.Errorf("%s is the policy's: %+v", f.Key, f)
		}
		if f.Key == SettingTimeout && (f.ReadOnly || f.Note != "от 10s до 1h, например 5m") {
			t.Errorf("timeout: %+v", f)
		}
	}
	if f := v.Fields[0]; f.Value != "ru" || len(f.Choices) != len(Locales)+1 || f.Choices[0].Value != "" || f.Choices[2].Label != "Русский" {
		t.Errorf("language: %+v", f)
	}
	if f := v.Fields[1]; f.Value != "http://tsa.corp.kz" {
		t.Errorf("the policy's TSA is not shown: %q", f.Value)
	}
	if f := v.Fields[3]; !f.ReadOnly || !f.Lines || f.Value != "Rutoken (PKCS11): /usr/lib/librtpkcs11ecp.so" {
		t.Errorf("modules: %+v", f)
	}
	for _, l := range Locales {
		s, _, lang := settingsOf(t, "", "")
		lang.Set(l)
		s = NewSettings(lang.Config, s.path, lang)
		s.Set(SettingTimeout, "x")
		s.Save()
		v := s.View()
		texts := []string{v.Title, v.Save, v.Close, v.Status}
		for _, f := range v.Fields {
			texts = append(texts, f.Label, f.Note)
		}
		texts = append(texts, v.Fields[2].Error, v.Fields[0].Choices[0].Label)
		for _, text := range texts {
			if text == "" || strings.Contains(text, "set-") || strings.Contains(text, "%!") {
				t.Errorf("%s: %q in %q", l, text, texts)
			}
		}
	}
}

// TestSettingsUnreadableConfig: a config.json that cannot be read is not
// overwritten; the window says what to do.
func TestSettingsUnreadableConfig(t *testing.T) {
	s, path, _ := settingsOf(t, "{", "")
	s.Set(SettingTimeout, "2m")
	if s.Save() {
		t.Fatal("saved over a config.json it could not read")
	}
	if b, _ := os.ReadFile(path); string(b) != "{" {
		t.Errorf("config.json now %q", b)
	}
	if v := s.View(); !v.StatusIsError || !strings.Contains(v.Status, path) {
		t.Errorf("status %q", v.Status)
	}
}

func TestLanguage(t *testing.T) {
	dir := t.TempDir()
	prefs := &FilePrefs{Path: filepath.Join(dir, "ui.json")}
	l := &Language{Prefs: prefs, Config: agent.Config{Locale: "kk"}}
	if l.Chosen() != "" || l.Get() != "kk" {
		t.Errorf("nothing chosen: %q %q, want config.json's kk", l.Chosen(), l.Get())
	}
	if !l.Set("ru") || l.Get() != "ru" || l.Set("de") || l.Get() != "ru" {
		t.Errorf("a choice: %q", l.Get())
	}
	if !l.Set("") || l.Get() != "kk" {
		t.Errorf("automatic again: %q", l.Get())
	}
	fixed := &Language{Prefs: prefs, Config: agent.Config{Locale: "en", Managed: map[agent.PolicyKey]bool{agent.PolicyLocale: true}}}
	if fixed.Set("ru") || fixed.Get() != "en" || prefs.String(prefLocale) != "" {
		t.Errorf("the policy's language changed: %q", fixed.Get())
	}
	if got := shortDuration(90 * time.Second); got != "1m30s" {
		t.Errorf("shortDuration %q", got)
	}
}
