package main

import (
	"os"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// TestRolesByName: after a login with NCA's test key of an organisation's
// first head, the page of who logged in names the NCA roles the
// certificate carries ("legal entity", "first head of the organisation"),
// with the OID only in the hover title, never as the text a person reads.
func TestRolesByName(t *testing.T) {
	_, srv, c := newSite(t, false)
	data, err := os.ReadFile(ncatest.GOST2015Head)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := token.ParsePKCS12(data, []byte(ncatest.Password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { token.CloseAll(ks) })
	k := signer.KeyPair{Certificate: ks[0].Certificate, Signer: ks[0].Signer}
	roles := signer.IdentityOf(k.Certificate).Roles
	if !strings.Contains(strings.Join(roles, " "), "1.2.398.3.3.4.1.2.1") {
		t.Fatalf("the first head's test key has roles %v", roles)
	}
	if code, body := postLogin(t, c, srv.URL, boundLogin(t, k, srv.URL, getChallenge(t, c, srv.URL))); code != 200 {
		t.Fatalf("login: %d %s", code, body)
	}
	code, body := me(t, c, srv.URL)
	if code != 200 {
		t.Fatalf("/me: %d %s", code, body)
	}
	for _, want := range []string{
		`<li title="1.2.398.3.3.4.1.2">legal entity</li>`,
		`<li title="1.2.398.3.3.4.1.2.1">first head of the organisation</li>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/me lacks %s:\n%s", want, body)
		}
	}
	for _, oid := range roles {
		if strings.Contains(body, ">"+oid) || strings.Contains(body, oid+" ") || strings.Contains(body, oid+"<") {
			t.Errorf("/me shows the OID %s as text:\n%s", oid, body)
		}
	}
}
