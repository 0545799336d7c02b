package verify

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer"
)

// TestLoginNeedsItsMark: a valid signature over the exact login content is
// still not a login without the login mark (issue 21: a page had the
// content signed as a document and logged in with it), and a site that
// requires the bound login refuses the NCALayer one.
func TestLoginNeedsItsMark(t *testing.T) {
	k := key(t, "official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/UL_first_head/valid/GOST512_0f923a405e7a60ef08debcf4715d7f818637b82b.p12")
	challenge := bytes.Repeat([]byte{3}, 32)
	content, doc := LoginContent(site, challenge, time2026), LoginXML(site, challenge, time2026)
	must := func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	opts := &signer.CMSOptions{Time: time2026}
	spaced := []byte(" " + string(content))
	// An XML login whose reference covers one element only: the login
	// fields around it would be unsigned.
	partial := must(signer.SignXML([]byte(`<login xmlns="urn:qoltanba:login:1"><origin>`+site+`</origin><challenge>`+
		string(bytes.TrimSuffix(bytes.SplitN(content, []byte(`"challenge":"`), 2)[1][:44], []byte(`"`)))+
		`</challenge><time>`+time2026.Format(time.RFC3339)+`</time><x Id="a">1</x></login>`), k, &signer.XMLOptions{TBSXPath: "//x", ParentXPath: "/login"}))
	for name, tc := range map[string]struct {
		protocol      Protocol
		allowNCALayer bool
		format        string
		sig           []byte
		want          error
	}{
		"CMS login":                         {Qoltanba, false, "cms", must(signer.SignLoginCMS(ctx, content, k, opts)), nil},
		"XML login":                         {Qoltanba, false, "xml", must(signer.SignLoginXML(doc, k, nil)), nil},
		"CMS document of the login content": {Qoltanba, false, "cms", must(signer.SignCMS(ctx, content, k, opts)), ErrNotALogin},
		"XML document of the login content": {Qoltanba, false, "xml", must(signer.SignXML(doc, k, nil)), ErrNotALogin},
		"XML login signing one element":     {Qoltanba, false, "xml", partial, ErrNotALogin},
		"CMS login, detached":               {Qoltanba, false, "cms", must(signer.SignCMS(ctx, content, k, &signer.CMSOptions{Detached: true, Attributes: []signer.Attribute{signer.LoginAttribute()}})), ErrNotALogin},
		"CMS login, content not canonical":  {Qoltanba, false, "cms", must(signer.SignLoginCMS(ctx, spaced, k, opts)), ErrMalformedLogin},
		"wrong purpose value": {Qoltanba, false, "cms", must(signer.SignCMS(ctx, content, k, &signer.CMSOptions{Time: time2026,
			Attributes: []signer.Attribute{{Type: signer.LoginAttribute().Type, Value: []byte{0x0c, 3, 'x', 'y', 'z'}}}})), ErrNotALogin},
		"NCALayer login, site requires the bound one": {NCALayer, false, "cms", must(signer.SignCMS(ctx, challenge, k, opts)), ErrNotALogin},
		"NCALayer login, allowed":                     {NCALayer, true, "cms", must(signer.SignCMS(ctx, challenge, k, opts)), nil},
	} {
		_, err := VerifyLogin(ctx, Login{Protocol: tc.protocol, AllowNCALayer: tc.allowNCALayer, Format: tc.format, Signature: tc.sig,
			Challenge: challenge, Origin: site, Roots: gostRoots(t), Time: time2026.Add(time.Minute)})
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
}

// TestLoginOrigins: the site's configured origins, and no other.
func TestLoginOrigins(t *testing.T) {
	k := key(t, "official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/UL_first_head/valid/GOST512_0f923a405e7a60ef08debcf4715d7f818637b82b.p12")
	challenge := bytes.Repeat([]byte{4}, 32)
	for _, tc := range []struct {
		signedFor string
		want      error
	}{{"https://www.login.example.kz", nil}, {site, nil}, {"https://phish.example", ErrWrongOrigin}, {"", ErrWrongOrigin}} {
		cms, err := signer.SignLoginCMS(ctx, LoginContent(tc.signedFor, challenge, time2026), k, &signer.CMSOptions{Time: time2026})
		if err != nil {
			t.Fatal(err)
		}
		_, err = VerifyLogin(ctx, Login{Protocol: Qoltanba, Format: "cms", Signature: cms, Challenge: challenge, Origin: site,
			Origins: []string{"https://www.login.example.kz"}, Roots: gostRoots(t), Time: time2026})
		if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("signed for %q: got %v, want %v", tc.signedFor, err, tc.want)
		}
	}
}

// TestLoginCMSWithOpenSSL: the login attribute is one more signed
// attribute to openssl, whose cms -verify passes (RSA key: openssl has no
// GOST here).
func TestLoginCMSWithOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	k := key(t, "rsa-gost2004-2020/personal/active/AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.p12")
	challenge := bytes.Repeat([]byte{6}, 32)
	cms, err := signer.SignLoginCMS(ctx, LoginContent(site, challenge, time2020), k, &signer.CMSOptions{Time: time2020})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, chain, out := filepath.Join(dir, "login.cms"), filepath.Join(dir, "chain.pem"), filepath.Join(dir, "content")
	os.WriteFile(in, cms, 0o600)
	os.WriteFile(chain, append(ncatest.Read(t, ncatest.RSARoot2018), ncatest.Read(t, ncatest.RSACA2018)...), 0o600)
	if b, err := exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-in", in, "-CAfile", chain, "-attime",
		fmt.Sprint(time2020.Unix()), "-purpose", "any", "-binary", "-out", out).CombinedOutput(); err != nil {
		t.Fatalf("openssl cms -verify: %v %s", err, b)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, LoginContent(site, challenge, time2020)) {
		t.Errorf("openssl's content %q", got)
	}
	b, err := exec.Command("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", in).CombinedOutput()
	if err != nil || !bytes.Contains(b, []byte("contentHint")) || !bytes.Contains(b, []byte(signer.LoginPurpose)) {
		t.Errorf("openssl does not show the login attribute: %v\n%s", err, b)
	}
	if _, err := VerifyLogin(ctx, Login{Protocol: Qoltanba, Format: "cms", Signature: cms, Challenge: challenge, Origin: site,
		Roots: certs(t, "ca-test-2018/root_rsa_test.crt", "ca-test-2018/nca_rsa_test.crt"), Time: time2020}); err != nil {
		t.Errorf("VerifyLogin: %v", err)
	}
}
