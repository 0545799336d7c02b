package agent

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/qoltanba/qoltanba/signer"
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
