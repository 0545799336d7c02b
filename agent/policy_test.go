package agent

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParsePolicy(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		err        string // "" = valid
	}{
		{name: "empty", json: `{}`},
		{name: "all keys", json: `{"allowedOrigins":["https://egov.kz"],"deniedOrigins":["https://evil.example"],"onlyAllowedOrigins":true,
			"knownOrigins":[{"domain":"portal.corp.kz","names":{"kk":"Корпорация","ru":"Корпорация","en":"Corp"}}],"tsaURL":"http://tsa.corp.kz","pkcs11Modules":[{"name":"Kaztoken","storage":"AKKaztokenStore","path":"/usr/lib/libkaztoken.so"}],
			"disableKeyFiles":true,"disableUnattended":true,"locale":"kk","promptTimeout":"2m","auditDir":"/var/log/qoltanba"}`},
		{name: "unknown key", json: "{\"locale\":\"ru\",\n \"alowedOrigins\":[\"https://egov.kz\"]}", err: `line 2: key "alowedOrigins" is not a setting`},
		{name: "wrong case", json: "{\"disableUnattended\":true,\n\"DisableUnattended\":false}", err: `line 2: key "DisableUnattended" repeats "disableUnattended"`},
		{name: "wrong case alone", json: `{"DisableUnattended":false}`, err: `line 1: key "DisableUnattended" must be written "disableUnattended"`},
		{name: "duplicate key", json: "{\"disableKeyFiles\":true,\n\n\"disableKeyFiles\":false}", err: `line 3: key "disableKeyFiles" is given twice`},
		{name: "duplicate nested key", json: `{"pkcs11Modules":[{"name":"a","path":"/a.so","Path":"/tmp/evil.so"}]}`, err: `key "Path" repeats "path"`},
		{name: "null", json: `null`, err: "null, not a set of settings"},
		{name: "too deep", json: `{"knownOrigins":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, err: "nested more than"},
		{name: "trailing", json: `{} {"disableKeyFiles":false}`, err: "something follows"},
		{name: "not JSON", json: `locale = ru`, err: "invalid character"},
		{name: "not an object", json: `["https://egov.kz"]`, err: "want a JSON object"},
		{name: "wrong type", json: `{"disableKeyFiles":"yes"}`, err: "disableKeyFiles"},
		{name: "empty origin", json: `{"allowedOrigins":[""]}`, err: `origin ""`},
		{name: "bad origin", json: `{"allowedOrigins":["egov.kz"]}`, err: `origin "egov.kz"`},
		{name: "bad denied origin", json: `{"deniedOrigins":["ftp://x.kz"]}`, err: `origin "ftp://x.kz"`},
		{name: "bad locale", json: `{"locale":"de"}`, err: "locale"},
		{name: "Vietnamese", json: `{"locale":"vi"}`},
		{name: "vi-VN is not a locale value", json: `{"locale":"vi-VN"}`, err: `locale "vi-VN": want kk, ru, en or vi`},
		{name: "zero timeout", json: `{"promptTimeout":0}`, err: "promptTimeout"},
		{name: "1ns timeout", json: `{"promptTimeout":"1ns"}`, err: "promptTimeout 1ns is out of range"},
		{name: "day timeout", json: `{"promptTimeout":"24h"}`, err: "out of range"},
		{name: "shortest timeout", json: `{"promptTimeout":10}`},
		{name: "longest timeout", json: `{"promptTimeout":"1h"}`},
		{name: "bad timeout", json: `{"promptTimeout":"soon"}`, err: "invalid duration"},
		{name: "known origin without domain", json: `{"knownOrigins":[{"origin":"https://corp.kz"}]}`, err: "needs a \"domain\""},
		{name: "module without path", json: `{"pkcs11Modules":[{"name":"x"}]}`, err: "needs a name and a path"},
		{name: "too large", json: `{"auditDir":"` + strings.Repeat("a", MaxPolicySize) + `"}`, err: "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tc.json), "test.json")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "test.json") {
					t.Fatalf("err = %v, want one naming test.json and %q", err, tc.err)
				}
				return
			}
			if err != nil || p == nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPolicyApply(t *testing.T) {
	user := DefaultConfig()
	user.AllowedOrigins = []string{"https://user-site.kz", "https://evil.example"}
	user.TSAURL = "http://user-tsa.example"
	user.Locale = "en"
	user.PKCS11Modules = []ModuleConfig{{Name: "mine", Path: "/home/u/lib.so"}}

	p, err := ParsePolicy([]byte(`{"allowedOrigins":["https://egov.kz"],"deniedOrigins":["https://evil.example"],"tsaURL":"http://tsa.corp.kz",
		"pkcs11Modules":[{"name":"Kaztoken","storage":"AKKaztokenStore","path":"/usr/lib/libkaztoken.so"}],"disableKeyFiles":true,"auditDir":"/var/log/q"}`), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	c := p.Apply(user)
	if want := []string{"https://egov.kz", "https://user-site.kz"}; !slices.Equal(c.AllowedOrigins, want) {
		t.Errorf("allowed = %v, want %v (the policy's, the user's, minus what the policy denies)", c.AllowedOrigins, want)
	}
	if c.TSAURL != "http://tsa.corp.kz" || c.Locale != "en" || !c.DisableKeyFiles || c.AuditDir != "/var/log/q" || c.PolicySource != "p.json" {
		t.Errorf("applied: %+v", c)
	}
	if !c.PKCS11Only || len(c.PKCS11Modules) != 1 || c.PKCS11Modules[0].Name != "Kaztoken" {
		t.Errorf("modules: only the policy's, got %+v (only=%v)", c.PKCS11Modules, c.PKCS11Only)
	}
	for _, k := range []PolicyKey{PolicyAllowedOrigins, PolicyDeniedOrigins, PolicyTSAURL, PolicyPKCS11Modules, PolicyDisableKeyFiles, PolicyAuditDir} {
		if !c.Managed[k] {
			t.Errorf("%s not marked managed", k)
		}
	}
	if c.Managed[PolicyLocale] || c.Managed[PolicyPromptTimeout] {
		t.Errorf("managed too much: %v", c.Managed)
	}

	only, _ := ParsePolicy([]byte(`{"onlyAllowedOrigins":true,"allowedOrigins":["https://egov.kz"]}`), "p.json")
	c = only.Apply(user)
	if !slices.Equal(c.AllowedOrigins, []string{"https://egov.kz"}) {
		t.Errorf("onlyAllowedOrigins keeps the user's sites: %v", c.AllowedOrigins)
	}
	if (*Policy)(nil).Apply(user).PolicySource != "" {
		t.Error("no policy must change nothing")
	}
}

func TestPolicyOnlyAllowedAndKeyFiles(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"onlyAllowedOrigins":true,"allowedOrigins":["https://EGOV.kz:443/"],"disableKeyFiles":true}`), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := p.Apply(DefaultConfig())
	cfg.PromptTimeout = Duration(5 * time.Second)
	dir := t.TempDir()
	perms, _ := LoadPermissions(filepath.Join(dir, "perms.json"), cfg.AllowedOrigins, cfg.DeniedOrigins)
	fp := &fakePrompter{consent: AllowOnce, file: gostFL, cancel: true}
	a, err := New(Options{Config: cfg, Prompter: fp, Permissions: perms, Audit: NewAudit(filepath.Join(dir, "audit.jsonl"))})
	if err != nil {
		t.Fatal(err)
	}
	other := Origin{Scheme: "https", Host: "other.example", Port: 443}
	if !a.OriginRefused(other) || a.OriginRefused(site) {
		t.Errorf("refused: other=%v site=%v, want true false", a.OriginRefused(other), a.OriginRefused(site))
	}
	req := cmsRequest("x")
	req.Origin = other
	if _, err := a.Handle(context.Background(), req); !errors.Is(err, ErrOriginDenied) || fp.chooses != 0 {
		t.Errorf("a site outside the list got past the handshake: %v, %d dialogs", err, fp.chooses)
	}
	for _, st := range a.stores(context.Background(), cmsRequest("x")) {
		if st.Storage == StorePKCS12 {
			t.Error("key files offered though the policy turned them off")
		}
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"allowedOrigins":["https://egov.kz"],"locale":"ru","promptTimeout":"2m","x":1}`))
	f.Add([]byte(`{"pkcs11Modules":[{"name":"a","path":"/b"}],"knownOrigins":[{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePolicy(b, "fuzz")
		if err != nil {
			return
		}
		c := p.Apply(DefaultConfig())
		if p.Locale != nil && c.Locale != *p.Locale {
			t.Fatal("locale not applied")
		}
	})
}

func TestPolicyValue(t *testing.T) {
	for _, tc := range []struct {
		key, text string
		want      string // JSON of the value, "" = an error
	}{
		{"disableKeyFiles", "1", "true"},
		{"onlyAllowedOrigins", "No", "false"},
		{"disableUnattended", "maybe", ""},
		{"promptTimeout", "120", "120"},
		{"promptTimeout", "2m", `"2m0s"`},
		{"promptTimeout", "0", ""},
		{"promptTimeout", "soon", ""},
		{"allowedOrigins", "https://egov.kz, https://portal.corp.kz;https://x.kz", `["https://egov.kz","https://portal.corp.kz","https://x.kz"]`},
		{"deniedOrigins", "evil.example", ""},
		{"knownOrigins", `[{"domain":"corp.kz","names":{"en":"Corp"}}]`, `[{"domain":"corp.kz","names":{"en":"Corp"}}]`},
		{"knownOrigins", `[{"name":"Corp"}]`, ""},
		{"locale", "kk", `"kk"`},
		{"locale", "de", ""},
		{"locale", "vi", `"vi"`},
		{"tsaURL", "http://tsa.corp.kz", `"http://tsa.corp.kz"`},
		{"frobnicate", "1", ""},
	} {
		v, err := PolicyValue(tc.key, tc.text)
		got := ""
		if err == nil {
			b, _ := json.Marshal(v)
			got = string(b)
		}
		if got != tc.want {
			t.Errorf("%s=%q: %s (%v), want %s", tc.key, tc.text, got, err, tc.want)
		}
	}
}

func TestSetPolicyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "etc", "policy.json")
	loc, _ := PolicyValue("locale", "ru")
	only, _ := PolicyValue("onlyAllowedOrigins", "1")
	if err := SetPolicyFile(path, map[string]any{"locale": loc, "onlyAllowedOrigins": only}, nil); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPolicyFile(path)
	if err != nil || p.Locale == nil || *p.Locale != "ru" || p.OnlyAllowedOrigins == nil || !*p.OnlyAllowedOrigins {
		t.Fatalf("%+v %v", p, err)
	}
	if err := SetPolicyFile(path, nil, []string{"locale"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := LoadPolicyFile(path); p.Locale != nil || p.OnlyAllowedOrigins == nil {
		t.Errorf("unset: %+v", p)
	}
	// A value that would make the file invalid is not written.
	if err := SetPolicyFile(path, map[string]any{"promptTimeout": -5}, nil); err == nil {
		t.Error("an invalid policy was written")
	}
	if p, err := LoadPolicyFile(path); err != nil || p.PromptTimeout != nil {
		t.Errorf("the file changed: %+v %v", p, err)
	}
}

// TestLoadPolicyFileDangling: a policy link whose target is gone is an
// error (the agent refuses to start), not "no policy"; no file at all is
// no policy.
func TestLoadPolicyFileDangling(t *testing.T) {
	dir := t.TempDir()
	if p, err := LoadPolicyFile(filepath.Join(dir, "policy.json")); p != nil || err != nil {
		t.Errorf("no file: %v %v, want no policy", p, err)
	}
	link := filepath.Join(dir, "linked.json")
	if err := os.Symlink(filepath.Join(dir, "gone", "policy.json"), link); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPolicyFile(link)
	if p != nil || err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), link) {
		t.Errorf("dangling link: %v %v, want an error naming it", p, err)
	}
	// The policy's directory a link to a share that is not there.
	etc := filepath.Join(dir, "etc-qoltanba")
	if err := os.Symlink(filepath.Join(dir, "gpo-share", "qoltanba"), etc); err != nil {
		t.Fatal(err)
	}
	p, err = LoadPolicyFile(filepath.Join(etc, "policy.json"))
	if p != nil || err == nil || !strings.Contains(err.Error(), etc+" links to") {
		t.Errorf("dangling directory link: %v %v, want an error naming it", p, err)
	}
}
