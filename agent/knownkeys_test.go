package agent

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/token"
)

func p12Keys(t *testing.T, path string) []*token.Key {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.ParsePKCS12(data, []byte(ncatest.Password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { token.CloseAll(keys) })
	return keys
}

// TestKnownKeysFile: add, list, use, forget; two handles on one file see
// each other's changes (the CLI and the running agent); the file keeps
// public certificates and paths only.
func TestKnownKeysFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", KnownKeysFile)
	kk := OpenKnownKeys(path)
	if l, err := kk.List(); err != nil || len(l) != 0 {
		t.Fatalf("a missing file: %v %v", l, err)
	}
	gost := p12Keys(t, gostFL)
	if n, err := kk.Add(gostFL, gost); err != nil || n != len(gost) {
		t.Fatalf("add: %d %v", n, err)
	}
	if n, err := kk.Add(rsaSign, p12Keys(t, rsaSign)); err != nil || n != 1 {
		t.Fatalf("add: %d %v", n, err)
	}
	other := OpenKnownKeys(path) // the agent's handle
	list, err := other.List()
	if err != nil || len(list) != len(gost)+1 {
		t.Fatalf("list: %v %v", list, err)
	}
	for _, k := range list {
		if k.Storage != StorePKCS12 || !filepath.IsAbs(k.Path) || k.Certificate == nil || !k.LastUsed.IsZero() {
			t.Errorf("entry %+v", k)
		}
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(ncatest.Password)) || bytes.Contains(raw, []byte("PRIVATE")) {
		t.Error("the list holds a secret")
	}
	// Used puts the key first, with its time.
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	other.now = func() time.Time { return now }
	if err := other.Used(rsaSign, p12Keys(t, rsaSign)[0]); err != nil {
		t.Fatal(err)
	}
	list, _ = kk.List()
	if list[0].Path != rsaSign || !list[0].LastUsed.Equal(now) {
		t.Errorf("last used first: %+v", list[0])
	}
	// Adding the file again keeps its last use.
	kk.Add(rsaSign, p12Keys(t, rsaSign))
	if list, _ = kk.List(); list[0].Path != rsaSign || !list[0].LastUsed.Equal(now) {
		t.Errorf("re-added: %+v", list[0])
	}
	if n, err := kk.Forget(rsaSign); err != nil || n != 1 {
		t.Fatalf("forget: %d %v", n, err)
	}
	if n, err := kk.Forget(rsaSign); err != nil || n != 0 {
		t.Fatalf("forget again: %d %v", n, err)
	}
	if list, _ = other.List(); len(list) != len(gost) || list[0].Path != gostFL {
		t.Errorf("after forget: %+v", list)
	}
	// A damaged file is an error naming it, and nothing overwrites it.
	os.WriteFile(path, []byte("qoltanba-keys 1\nkey garbage\n"), 0o600)
	if _, err := kk.List(); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("damaged: %v", err)
	}
	if _, err := kk.Add(rsaSign, p12Keys(t, rsaSign)); err == nil {
		t.Error("added over a damaged file")
	}
	if b, _ := os.ReadFile(path); string(b) != "qoltanba-keys 1\nkey garbage\n" {
		t.Error("the damaged file was replaced")
	}
}

func TestParseKnownKeys(t *testing.T) {
	cert := p12Keys(t, rsaSign)[0].Certificate
	good := FormatKnownKeys([]KnownKey{{Path: "/home/u/key one.p12", Alias: "a \"b\"\tc", Certificate: cert, LastUsed: time.Unix(1700000000, 0)}})
	list, err := ParseKnownKeys(good)
	if err != nil || len(list) != 1 || list[0].Path != "/home/u/key one.p12" || list[0].Alias != "a \"b\"\tc" || !list[0].Certificate.Equal(cert) || list[0].LastUsed.Unix() != 1700000000 {
		t.Fatalf("round trip: %+v %v", list, err)
	}
	b64 := base64.StdEncoding.EncodeToString(cert.Raw)
	for name, in := range map[string]string{
		"no header":      `key "/a" "x" 0 ` + b64 + "\n",
		"other version":  "qoltanba-keys 2\n",
		"unknown line":   "qoltanba-keys 1\nkeys \"/a\" \"x\" 0 " + b64 + "\n",
		"relative path":  "qoltanba-keys 1\nkey \"a.p12\" \"x\" 0 " + b64 + "\n",
		"unquoted":       "qoltanba-keys 1\nkey /a.p12 x 0 " + b64 + "\n",
		"bad time":       "qoltanba-keys 1\nkey \"/a\" \"x\" -1 " + b64 + "\n",
		"leading zero":   "qoltanba-keys 1\nkey \"/a\" \"x\" 01 " + b64 + "\n",
		"bad base64":     "qoltanba-keys 1\nkey \"/a\" \"x\" 0 !!!\n",
		"not a cert":     "qoltanba-keys 1\nkey \"/a\" \"x\" 0 AAAA\n",
		"twice":          "qoltanba-keys 1\nkey \"/a\" \"x\" 0 " + b64 + "\nkey \"/a\" \"y\" 0 " + b64 + "\n",
		"trailing field": "qoltanba-keys 1\nkey \"/a\" \"x\" 0 " + b64 + " more\n",
		"too large":      "qoltanba-keys 1\n#" + strings.Repeat("x", MaxKnownKeysFileSize) + "\n",
	} {
		if _, err := ParseKnownKeys([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	var many strings.Builder
	many.WriteString("qoltanba-keys 1\n")
	for i := range MaxKnownKeys + 1 {
		many.WriteString("key \"/k" + strings.Repeat("x", i) + "\" \"x\" 0 " + b64 + "\n")
	}
	if _, err := ParseKnownKeys([]byte(many.String())); err == nil {
		t.Error("more than MaxKnownKeys accepted")
	}
	if _, err := ParseKnownKeys([]byte("# only a comment\n\n")); err == nil {
		t.Error("a file without its header accepted")
	}
	if l, err := ParseKnownKeys([]byte("\n")); err != nil || len(l) != 0 {
		t.Errorf("an empty file: %v %v", l, err)
	}
}

// FuzzParseKnownKeys: any file parses or is refused without a panic, and
// what parses writes back to the same list.
func FuzzParseKnownKeys(f *testing.F) {
	data, _ := os.ReadFile(rsaSign)
	keys, _ := token.ParsePKCS12(data, []byte(ncatest.Password))
	if len(keys) > 0 {
		f.Add(FormatKnownKeys([]KnownKey{{Path: "/k.p12", Alias: "x", Certificate: keys[0].Certificate, LastUsed: time.Unix(5, 0)}}))
	}
	f.Add([]byte("qoltanba-keys 1\nkey \"/a\" \"b\" 0 AAAA\n"))
	f.Add([]byte("# c\nqoltanba-keys 1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		list, err := ParseKnownKeys(in)
		if err != nil {
			return
		}
		again, err := ParseKnownKeys(FormatKnownKeys(list))
		if err != nil || len(again) != len(list) {
			t.Fatalf("round trip: %v (%d, %d)", err, len(again), len(list))
		}
	})
}

// TestKnownKeysAgent: a key file signed with from the dialog is
// remembered, listed by KnownKeys before any password (the one used last
// first) and by the next dialog; tokens' certificates come from the
// KeyStores; a policy without key files lists none.
func TestKnownKeysAgent(t *testing.T) {
	dir := t.TempDir()
	kk := OpenKnownKeys(filepath.Join(dir, KnownKeysFile))
	p := &fakePrompter{consent: AllowAlways, file: gostFL}
	cfg := DefaultConfig()
	cfg.PromptTimeout = Duration(5 * time.Second)
	rsaCert := p12Keys(t, rsaSign)[0].Certificate
	stores := &certStores{certs: []KnownKey{{Alias: "Иванов", ID: []byte{1}, Certificate: rsaCert}}}
	a, err := New(Options{Config: cfg, Prompter: p, KnownKeys: kk, KeyStores: stores, Now: func() time.Time { return time2026 }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if got := a.KnownKeys(ctx); len(got) != 1 || got[0].Storage != "RutokenStore" || got[0].Alias != "Иванов" || got[0].Token.Label != "RUTOKEN" {
		t.Fatalf("before any signature: %+v", got)
	}
	if _, err := a.Handle(ctx, cmsRequest("doc")); err != nil {
		t.Fatal(err)
	}
	got := a.KnownKeys(ctx)
	if len(got) < 2 || got[0].Path != gostFL || got[0].LastUsed.IsZero() || got[len(got)-1].Storage != "RutokenStore" {
		t.Fatalf("after a signature: %+v", got)
	}
	if s := p.seen[0]; len(s.KnownKeyFiles()) == 0 || s.KnownKeyFiles()[0].Path != gostFL {
		t.Errorf("the dialog's list: %+v", s.KnownKeyFiles())
	}
	a.cfg.DisableKeyFiles = true
	if got := a.KnownKeys(ctx); len(got) != 1 || got[0].Storage != "RutokenStore" {
		t.Errorf("key files off: %+v", got)
	}
}

// certStores is a KeyStores with one token whose certificates are listed
// without a PIN.
type certStores struct{ certs []KnownKey }

func (c *certStores) Tokens(context.Context) []StoreInfo {
	return []StoreInfo{{Storage: "RutokenStore", Label: "RUTOKEN"}}
}
func (c *certStores) ActiveStorages(context.Context) []string { return []string{"RutokenStore"} }
func (c *certStores) Open(context.Context, StoreInfo, []byte) ([]*token.Key, func(), error) {
	return nil, nil, ErrUnknownStore
}
func (c *certStores) Certificates(context.Context, StoreInfo) ([]KnownKey, error) {
	return c.certs, nil
}

// knownPrompter approves the first remembered key file's key, opened
// through Session.OpenKnown with the password it was given.
type knownPrompter struct {
	fakePrompter
	password string
	err      error
}

func (p *knownPrompter) Choose(ctx context.Context, s *Session) error {
	known := s.KnownKeyFiles()
	if len(known) == 0 {
		return ErrCanceled
	}
	o, err := s.OpenKnown(ctx, known[0], []byte(p.password))
	if p.err = err; err != nil {
		return err
	}
	return s.Approve(ctx, &o, nil)
}

// TestOpenKnown: a remembered key is opened with the password typed and
// signs; a wrong password is the key file's error; a file that no longer
// holds the key says so.
func TestOpenKnown(t *testing.T) {
	dir := t.TempDir()
	kk := OpenKnownKeys(filepath.Join(dir, KnownKeysFile))
	keyFile := filepath.Join(dir, "mine.p12")
	data, _ := os.ReadFile(gostFL)
	os.WriteFile(keyFile, data, 0o600)
	if _, err := kk.Add(keyFile, p12Keys(t, keyFile)); err != nil {
		t.Fatal(err)
	}
	p := &knownPrompter{fakePrompter: fakePrompter{consent: AllowAlways}, password: "Qwerty12"}
	cfg := DefaultConfig()
	cfg.PromptTimeout = Duration(5 * time.Second)
	a, err := New(Options{Config: cfg, Prompter: p, KnownKeys: kk, Now: func() time.Time { return time2026 }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := func() *Request {
		r := cmsRequest("doc")
		r.Filter.Chain = ChainAny
		return r
	}
	res, err := a.Handle(ctx, req())
	if err != nil || !res.Certificate.Equal(p12Keys(t, gostFL)[0].Certificate) {
		t.Fatalf("signed with the known key: %v", err)
	}
	p.password = "wrong"
	if _, err := a.Handle(ctx, req()); err == nil || !errors.Is(p.err, token.ErrWrongPassword) {
		t.Errorf("wrong password: %v / %v", err, p.err)
	}
	other, _ := os.ReadFile(rsaSign)
	os.WriteFile(keyFile, other, 0o600)
	p.password = "Qwerty12"
	if _, err := a.Handle(ctx, req()); err == nil || !errors.Is(p.err, ErrKnownKeyGone) {
		t.Errorf("a changed key file: %v / %v", err, p.err)
	}
}
