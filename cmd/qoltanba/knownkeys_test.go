package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/gostp11"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token/p11"
)

// TestKnownKeysCLI: keys --add remembers a key file in "my keys" (its
// password asked once, only the path and certificates kept), --known lists
// it, --forget removes it; the file is the one the agent reads.
func TestKnownKeysCLI(t *testing.T) {
	data := t.TempDir()
	env := append(withoutLocale(os.Environ()), "LANG=en_US.UTF-8", "XDG_DATA_HOME="+data)
	pw := passwordFile(t)
	file := filepath.Join(data, "qoltanba", "keys.txt")

	if r := qoltanbaEnv(t, env, "keys", "--known").mustOK(t); r.stdout != "" || !strings.Contains(r.stderr, `"my keys" is empty`) {
		t.Errorf("empty list: %+v", r)
	}
	if r := qoltanbaEnv(t, env, "keys", "--add", rsaKey, "--password-file", tempFile(t, "bad", []byte("nope\n"))); r.code != 1 || !strings.Contains(r.stderr, "wrong password") {
		t.Errorf("wrong password: %+v", r)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a key file remembered without its password")
	}
	r := qoltanbaEnv(t, env, "keys", "--add", rsaKey, "--password-file", pw).mustOK(t)
	if !strings.Contains(r.stdout, "remembered 1 key(s) of "+rsaKey) {
		t.Errorf("add: %+v", r)
	}
	qoltanbaEnv(t, env, "keys", "--add", gostKey, "--password-file", pw).mustOK(t)
	r = qoltanbaEnv(t, env, "keys", "--known").mustOK(t)
	if strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, `path="`+rsaKey+`"`) || !strings.Contains(r.stdout, "last-used=-") {
		t.Errorf("known:\n%s", r.stdout)
	}
	b, _ := os.ReadFile(file)
	if strings.Contains(string(b), "Qwerty12") || !strings.HasPrefix(string(b), "# qoltanba") {
		t.Errorf("keys.txt:\n%s", b)
	}
	r = qoltanbaEnv(t, env, "keys", "--forget", rsaKey).mustOK(t)
	if !strings.Contains(r.stdout, "removed 1 key(s)") {
		t.Errorf("forget: %+v", r)
	}
	if r := qoltanbaEnv(t, env, "keys", "--forget", rsaKey); r.code != 1 || !strings.Contains(r.stderr, "is not in \"my keys\"") {
		t.Errorf("forget again: %+v", r)
	}
	if r := qoltanbaEnv(t, env, "keys", "--known").mustOK(t); strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("after forget:\n%s", r.stdout)
	}
	for _, args := range [][]string{{"--add", rsaKey, "--known"}, {"--forget", rsaKey, "--p12", rsaKey}, {"--known", "--password-file", pw}} {
		if r := qoltanbaEnv(t, env, append([]string{"keys"}, args...)...); r.code != 2 || !strings.Contains(r.stderr, "give one of --add") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	// In Russian.
	ru := append(withoutLocale(os.Environ()), "LANG=ru_RU.UTF-8", "XDG_DATA_HOME="+data)
	if r := qoltanbaEnv(t, ru, "keys", "--forget", rsaKey); r.code != 1 || !strings.Contains(r.stderr, "нет в «Моих ключах»") {
		t.Errorf("Russian: %+v", r)
	}
}

// TestGOSTTokenCLI: a Russian GOST-2012 token (the GOST test module) through
// the command line: its keys listed, a CMS signed on it that OpenSSL's gost
// engine verifies.
func TestGOSTTokenCLI(t *testing.T) {
	tok := gostp11.New(t)
	tok.AddKey(t, "c1", "Петров 256", "gost2012_256", "B", "/CN=Петров Пётр/C=RU")
	lib := tok.Module(t) // sets GOSTP11_CONF for the child processes
	pin := tempFile(t, "pin", []byte(tok.PIN+"\n"))
	r := qoltanba(t, nil, "keys", "--pkcs11", lib, "--pin-file", pin).mustOK(t)
	if !strings.Contains(r.stdout, "algorithm=GOST3410-2012-256") || !strings.Contains(r.stdout, "id=c1") {
		t.Errorf("keys:\n%s", r.stdout)
	}
	doc := tempFile(t, "doc.txt", []byte("Заявление\n"))
	out := filepath.Join(t.TempDir(), "s.cms")
	qoltanba(t, nil, "sign", "--pkcs11", lib, "--pin-file", pin, "--format", "cms", "--in", doc, "--out", out).mustOK(t)
	gostp11.OpenSSL(t, "cms", "-verify", "-engine", "gost", "-inform", "DER", "-in", out, "-CAfile", tok.CAFile, "-purpose", "any", "-binary", "-out", os.DevNull)
	if r := qoltanba(t, nil, "verify", "--format", "cms", "--in", out, "--ca", tok.CAFile).mustOK(t); !strings.Contains(r.stdout, "VALID: 1 signer(s)") {
		t.Errorf("verify:\n%s", r.stdout)
	}
}

// tokenPrompter allows the site, opens the first token with its PIN and
// approves its first usable key; it counts the dialogs.
type tokenPrompter struct {
	pin     string
	chooses int
}

func (p *tokenPrompter) Consent(context.Context, agent.ConsentQuestion) (agent.Consent, error) {
	return agent.AllowOnce, nil
}

func (p *tokenPrompter) Choose(ctx context.Context, s *agent.Session) error {
	p.chooses++
	for _, st := range s.Stores(ctx) {
		if st.Storage == agent.StorePKCS12 {
			continue
		}
		opts, err := s.OpenToken(ctx, st, []byte(p.pin))
		if err != nil {
			return err
		}
		for _, o := range opts {
			if o.Selectable {
				return s.Approve(ctx, &o, nil)
			}
		}
	}
	return agent.ErrCanceled
}

func (p *tokenPrompter) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

// TestAgentGOSTToken: through the agent and the serve's PKCS#11 adapter, a
// Russian token that only hashes on the card (CKM_GOSTR3410_WITH_GOSTR3411_12_512):
// KnownKeys names its certificate before any PIN or dialog; a raw
// signature over the data is made on the token and verifies.
func TestAgentGOSTToken(t *testing.T) {
	tok := gostp11.New(t)
	k := tok.AddKey(t, "b2", "Сидоров 512", "gost2012_512", "A", "/CN=Сидоров/C=RU")
	tok.Mechanisms = "hash"
	lib := tok.Module(t)
	mgr := p11.NewManager([]p11.ModuleSpec{{Name: "rutoken", Storage: p11.StorageRutoken, Paths: []string{lib}}}, nil)
	defer mgr.Close()
	p := &tokenPrompter{pin: tok.PIN}
	cfg := agent.DefaultConfig()
	a, err := agent.New(agent.Options{Config: cfg, Prompter: p, KeyStores: tokenStores{mgr},
		KnownKeys: agent.OpenKnownKeys(filepath.Join(t.TempDir(), agent.KnownKeysFile))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	known := a.KnownKeys(ctx)
	if len(known) != 1 || known[0].Storage != p11.StorageRutoken || known[0].Alias != "Сидоров 512" ||
		string(known[0].ID) != "\xb2" || !known[0].Certificate.Equal(k.Cert) || p.chooses != 0 {
		t.Fatalf("known keys before any PIN: %+v (dialogs %d)", known, p.chooses)
	}
	// The IFCPlugin door lists the same, before any PIN or dialog.
	listed := knownKeyLister{a}.ListedKeys(ctx)
	if len(listed) != 1 || listed[0].Storage != p11.StorageRutoken || listed[0].Label != "Сидоров 512" ||
		!listed[0].Certificate.Equal(k.Cert) || p.chooses != 0 {
		t.Fatalf("the native door's list: %+v (dialogs %d)", listed, p.chooses)
	}
	origin, _ := agent.ParseOrigin("https://esia.gosuslugi.ru")
	doc := []byte("challenge-4f1c")
	res, err := a.Handle(ctx, &agent.Request{Origin: origin, Method: "test.raw", Format: agent.FormatRaw,
		Documents: [][]byte{doc}, Filter: agent.Filter{Chain: agent.ChainAny}})
	if err != nil || len(res.Signatures) != 1 {
		t.Fatalf("raw signature: %v", err)
	}
	gpub, err := signer.PublicKey(k.Cert)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := signer.SchemeFor(gpub)
	if !gpub.(*signer.GOSTPublicKey).Verify(s.Digest(doc), res.Signatures[0]) {
		t.Error("the token's raw signature does not verify")
	}
	if gpub.(*signer.GOSTPublicKey).Verify(s.Digest([]byte("other")), res.Signatures[0]) {
		t.Error("it verifies for other data too")
	}
}
