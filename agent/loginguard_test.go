package agent

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// TestLoginLookalikeFileRefused: createCAdESFromFile of a file holding a
// login's content is refused after the user picked the key, before any
// signature; an ordinary file is signed.
func TestLoginLookalikeFileRefused(t *testing.T) {
	a, _ := newAgent(t, &fakePrompter{consent: AllowOnce, file: gostFL})
	dir := t.TempDir()
	login := filepath.Join(dir, "login.json")
	os.WriteFile(login, []byte(`{ "origin" : "https://site.example.kz", "challenge":"AAAA", "time":"2026-01-15T12:00:00Z"}`), 0o600)
	plain := filepath.Join(dir, "contract.txt")
	os.WriteFile(plain, []byte("contract"), 0o600)
	req := func(f string) *Request {
		return &Request{Origin: site, Method: "commonUtils.createCAdESFromFile", Format: FormatCMS, FilePath: f, Filter: Filter{Chain: ChainAny}}
	}
	if _, err := a.Handle(context.Background(), req(login)); !errors.Is(err, ErrBadRequest) {
		t.Errorf("login file: %v", err)
	}
	if _, err := a.Handle(context.Background(), req(plain)); err != nil {
		t.Errorf("ordinary file: %v", err)
	}
}

// TestLoginRequestShape: only a whole-document CMS or XML login carries the
// mark; the mark is on logins only.
func TestLoginRequestShape(t *testing.T) {
	a, _ := newAgent(t, &fakePrompter{consent: AllowOnce, file: gostFL})
	content := []byte(`{"challenge":"AAAA","origin":"https://egov.kz","time":"2026-01-15T12:00:00Z"}`)
	for name, change := range map[string]func(*Request){
		"detached": func(r *Request) { r.Detached = true },
		"digest":   func(r *Request) { r.Digested = true },
		"raw":      func(r *Request) { r.Format = FormatRaw },
		"two":      func(r *Request) { r.Documents = append(r.Documents, content) },
		"xpath":    func(r *Request) { r.Format, r.TBSXPath, r.Parent = FormatXML, "//a", "/" },
	} {
		r := &Request{Origin: site, Method: "native.login", Action: ActionLogin, Format: FormatCMS, Documents: [][]byte{content}, Filter: Filter{Chain: ChainAny}}
		change(r)
		if _, err := a.Handle(context.Background(), r); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	r := &Request{Origin: site, Method: "native.login", Action: ActionLogin, Format: FormatCMS, Documents: [][]byte{content}, Filter: Filter{Chain: ChainAny}}
	res, err := a.Handle(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	v, err := signer.VerifyCMS(res.Signatures[0], signer.VerifyOptions{NoChain: true})
	if err != nil || !v.Signers[0].IsLogin() {
		t.Errorf("login without its mark: %v", err)
	}
	res, err = a.Handle(context.Background(), cmsRequest("a document"))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := signer.VerifyCMS(res.Signatures[0], signer.VerifyOptions{NoChain: true}); err != nil || v.Signers[0].IsLogin() {
		t.Errorf("a document signature carries the login mark: %v", err)
	}
}

// FuzzLooksLikeLogin: any page document is classified without a panic,
// and the login's own forms always count as logins.
func FuzzLooksLikeLogin(f *testing.F) {
	for _, s := range []string{`{"challenge":"AA","origin":"https://a","time":"t"}`, ` {"Challenge":1}`, `<login/>`,
		`<?xml version="1.0"?><!-- c --><x:LOGIN xmlns:x="u"/>`, `<a><login/></a>`, "\xef\xbb\xbf{\"challenge\":0}", signer.LoginPurpose, `{"a":[{"challenge":1}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		looksLikeLogin(b, false)
		if !looksLikeLogin(append(b, signer.LoginPurpose...), false) {
			t.Fatal("the purpose string not seen")
		}
	})
}

func TestLooksLikeLogin(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"challenge":"AA","origin":"https://a","time":"t"}`:                                true,
		" \n{\"ORIGIN\":1,\"Challenge\":\"x\"}":                                             true,
		"\xef\xbb\xbf{\"challenge\":0,\"origin\":\"\"}":                                     true,
		`<?xml version="1.0"?><!-- c --><x:LOGIN xmlns:x="urn:qoltanba:login:1"></x:LOGIN>`: true,
		`<login xmlns="urn:qoltanba:login:1"/>`:                                             true,
		// Pages' own logins through NCALayer stay signable: egov.kz's
		// XML, a bare challenge object, a login element of another namespace.
		`<?xml version="1.0" encoding="UTF-8" standalone="no"?><login><timeTicket>1765000000000</timeTicket></login>`: false,
		`<x:login xmlns:x="urn:other"/>`:          false,
		`{"challenge":"AAAA"}`:                    false,
		"some text with " + signer.LoginPurpose:   true,
		"some text with " + signer.LoginNamespace: true,
		`{"origin":"https://egov.kz","sum":10}`:   false, // origin alone is common in documents
		`{"a":[{"challenge":1}]}`:                 false,
		`<doc><login>x</login></doc>`:             false,
		`contract`:                                false,
		`{"challenge":`:                           false, // not JSON: no verifier reads it
		// A login followed by other text, or behind a long prolog.
		`{"challenge":"AA","origin":"https://a","time":"t"} trailing`:                                      true,
		`{"challenge":"AA","origin":"https://a"}{}`:                                                        true,
		strings.Repeat("<!---->", 1001) + `<login xmlns="urn:qoltanba:login:1"><origin>o</origin></login>`: true,
		strings.Repeat("<?p?>\n", 5000) + `<login><timeTicket>1</timeTicket></login>`:                      false,
	} {
		if got := looksLikeLogin([]byte(doc), false); got != want {
			t.Errorf("%q: %v, want %v", doc, got, want)
		}
	}
	if looksLikeLogin([]byte(`{"challenge":1}`), true) {
		t.Error("a digest is not read as a document")
	}
}

// BenchmarkLoginCheck60MB: what the login-lookalike check costs a 60 MB
// document (three substring scans; a JSON object is read only up to 1 MiB).
func BenchmarkLoginCheck60MB(b *testing.B) {
	doc := bytes.Repeat([]byte("<item>contract text 0123456789</item>\n"), 60<<20/38)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if looksLikeLogin(doc, false) {
			b.Fatal("not a login")
		}
	}
}

// TestRawDigestNeedsASigningKey: a bare digest is a signature over
// anything, a login's signed attributes included, so a key that can log
// in is offered greyed out for it, and signing refuses it even so; a
// signing-only key signs it.
func TestRawDigestNeedsASigningKey(t *testing.T) {
	a, _ := newAgent(t, &fakePrompter{consent: AllowOnce, file: rsaAuth})
	keys := loadKeys(t, map[string]string{"auth": rsaAuth, "both": gostFL, "sign": rsaSign})
	req := &Request{Origin: site, Method: "basics.sign", Format: FormatRaw, Digested: true,
		Documents: [][]byte{bytes.Repeat([]byte{1}, 32)}, Filter: Filter{Chain: ChainAny, AllowExpired: true}}
	s := a.newSession(req, nil)
	defer s.close()
	for i, o := range s.Offer([]*token.Key{keys["auth"], keys["both"], keys["sign"]}, nil) {
		if want := i == 2; o.Selectable != want || (!want && o.Reason != ReasonLoginKeyDigest) {
			t.Errorf("key %d: selectable %v, reason %q", i, o.Selectable, o.Reason)
		}
	}
	for name, k := range keys {
		_, err := a.sign(context.Background(), req, k, nil)
		if login := name != "sign"; login != errors.Is(err, ErrBadRequest) {
			t.Errorf("%s key: %v", name, err)
		}
	}
}
