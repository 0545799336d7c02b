package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify"
	"github.com/qoltanba/qoltanba/signer/verify/trust"
	"github.com/qoltanba/qoltanba/token"
)

// newSite runs the demo site with NCA's test CAs (carried in qoltanba, no
// files) in this process's memory, and a client with a cookie jar.
func newSite(t *testing.T, otp bool) (*site, *httptest.Server, *http.Client) {
	roots, err := trust.Load(trust.Test, "")
	if err != nil || len(roots) != 6 {
		t.Fatalf("CAs: %d %v", len(roots), err)
	}
	return startSite(t, &site{roots: roots, verifyTime: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), otp: otp,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), agentPort: 13579, store: &memStore{}})
}

func startSite(t *testing.T, s *site) (*site, *httptest.Server, *http.Client) {
	srv := httptest.NewServer(s.routes())
	t.Cleanup(srv.Close)
	if s.origins == nil {
		s.origins = []string{srv.URL} // the site's configured origin (--origin)
	}
	return s, srv, newClient()
}

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func gostKey(t *testing.T) signer.KeyPair {
	data, err := os.ReadFile(ncatest.GOST2015FL)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := token.ParsePKCS12(data, []byte("Qwerty12"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { token.CloseAll(ks) })
	return signer.KeyPair{Certificate: ks[0].Certificate, Signer: ks[0].Signer}
}

func getChallenge(t *testing.T, c *http.Client, base string) []byte {
	r, err := c.Post(base+"/challenge", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var j struct{ Challenge string }
	json.NewDecoder(r.Body).Decode(&j)
	ch, err := base64.StdEncoding.DecodeString(j.Challenge)
	if err != nil || len(ch) != 32 {
		t.Fatalf("challenge %q", j.Challenge)
	}
	return ch
}

func postLogin(t *testing.T, c *http.Client, base string, body map[string]string) (int, string) {
	b, _ := json.Marshal(body)
	r, err := c.Post(base+"/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	out, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(out)
}

func me(t *testing.T, c *http.Client, base string) (int, string) {
	r, err := c.Get(base + "/me")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

// boundLogin is the form a page posts for a qoltanba login: challenge ch
// signed with k for origin, as the agent's login door signs it.
func boundLogin(t *testing.T, k signer.KeyPair, origin string, ch []byte) map[string]string {
	t.Helper()
	cms, err := signer.SignLoginCMS(context.Background(), verify.LoginContent(origin, ch, time.Now()), k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"protocol": "qoltanba", "format": "cms",
		"signature": base64.StdEncoding.EncodeToString(cms), "challenge": base64.StdEncoding.EncodeToString(ch)}
}

func TestLoginFlows(t *testing.T) {
	s, srv, c := newSite(t, false)
	k := gostKey(t)
	if code, _ := me(t, c, srv.URL); code != http.StatusSeeOther {
		t.Errorf("/me before login: %d", code)
	}
	// qoltanba protocol: the signed content binds this site's origin.
	login := boundLogin(t, k, srv.URL, getChallenge(t, c, srv.URL))
	if code, body := postLogin(t, c, srv.URL, login); code != 200 {
		t.Fatalf("qoltanba login: %d %s", code, body)
	}
	if code, body := me(t, c, srv.URL); code != 200 || !strings.Contains(body, `<span id="iin">123456789011</span>`) {
		t.Errorf("/me: %d %s", code, body)
	}
	// The same signature again: the challenge is single use.
	if code, body := postLogin(t, c, srv.URL, login); code != 403 || !strings.Contains(body, "already used") {
		t.Errorf("replay: %d %s", code, body)
	}
	// Signed for another origin (a phishing site relaying our challenge).
	login = boundLogin(t, k, "https://phish.example", getChallenge(t, c, srv.URL))
	if code, body := postLogin(t, c, srv.URL, login); code != 403 || !strings.Contains(body, "another site") {
		t.Errorf("wrong origin: %d %s", code, body)
	}
	// NCALayer protocol: basics.sign's PEM CMS over the challenge.
	ch := getChallenge(t, c, srv.URL)
	cms, _ := signer.SignCMS(context.Background(), ch, k, nil)
	login = map[string]string{"protocol": "ncalayer", "format": "cms", "signature": string(pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: cms})), "challenge": base64.StdEncoding.EncodeToString(ch)}
	if code, body := postLogin(t, c, srv.URL, login); code != 403 || !strings.Contains(body, "only the qoltanba login") {
		t.Errorf("NCALayer login by default (it binds no origin): %d %s", code, body)
	}
	s.allowNCALayer = true // --allow-ncalayer-login
	if code, body := postLogin(t, c, srv.URL, login); code != 200 {
		t.Errorf("NCALayer login: %d %s", code, body)
	}
	// A challenge this browser session was never given.
	login["challenge"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	if code, _ := postLogin(t, c, srv.URL, login); code != 403 {
		t.Errorf("foreign challenge: %d", code)
	}
	// The login page serves the client and both buttons.
	r, _ := c.Get(srv.URL + "/")
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !bytes.Contains(page, []byte("Log in with qoltanba")) || !bytes.Contains(page, []byte("Log in with NCALayer")) {
		t.Errorf("login page: %s", page)
	}
	if r.Cookies() != nil {
		for _, ck := range r.Cookies() {
			if ck.Name == "rp_session" && (!ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode) {
				t.Errorf("session cookie %+v", ck)
			}
		}
	}
	r, _ = c.Get(srv.URL + "/qoltanba.js")
	js, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !bytes.Contains(js, []byte("export class Qoltanba")) {
		t.Error("client not served")
	}
}

func TestSecondFactor(t *testing.T) {
	s, srv, c := newSite(t, true)
	k := gostKey(t)
	code, body := postLogin(t, c, srv.URL, boundLogin(t, k, srv.URL, getChallenge(t, c, srv.URL)))
	if code != 200 || !strings.Contains(body, `"otp":true`) {
		t.Fatalf("login: %d %s", code, body)
	}
	if code, _ := me(t, c, srv.URL); code != http.StatusSeeOther {
		t.Error("logged in before the one-time code")
	}
	var otp string
	m := s.store.(*memStore)
	m.mu.Lock()
	for _, v := range m.vals {
		var ss session
		if json.Unmarshal(v.b, &ss) == nil && ss.OTP != "" {
			otp = ss.OTP
		}
	}
	m.mu.Unlock()
	if r, _ := c.PostForm(srv.URL+"/otp", url.Values{"code": {"000000x"}}); r.StatusCode != 403 {
		t.Error("wrong code accepted")
	}
	if r, _ := c.PostForm(srv.URL+"/otp", url.Values{"code": {otp}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("code: %d", r.StatusCode)
	}
	if code, body := me(t, c, srv.URL); code != 200 || !strings.Contains(body, "123456789011") {
		t.Errorf("/me after the code: %d", code)
	}
}

// TestExpiredChallenge: a challenge older than five minutes is refused.
func TestExpiredChallenge(t *testing.T) {
	s, srv, c := newSite(t, false)
	k := gostKey(t)
	ch := getChallenge(t, c, srv.URL)
	s.store.(*memStore).Now = func() time.Time { return time.Now().Add(6 * time.Minute) }
	code, body := postLogin(t, c, srv.URL, boundLogin(t, k, srv.URL, ch))
	if code != 403 || !strings.Contains(body, "expired") {
		t.Errorf("expired challenge: %d %s", code, body)
	}
}

func TestLoadCRLs(t *testing.T) {
	roots, _ := trust.Load(trust.Test, "")
	crls, err := loadCRLs(ncatest.Path("official-gost2015-bundle/crl"), roots, nil)
	if err != nil || len(crls) != 2 {
		t.Fatalf("%d CRLs, %v", len(crls), err)
	}
	// NCA's 2026-08 CRL (TBS algorithm without parameters, outer with NULL).
	crls, err = loadCRLs(ncatest.Path("crl-2026-08"), roots, nil)
	if err != nil || len(crls) != 1 || len(crls[0].RevokedCertificateEntries) != 195 {
		t.Fatalf("--crl-dir crl-2026-08: %d CRLs, %v", len(crls), err)
	}
	// A CRL whose issuer is not trusted (here only the RSA CAs are) stops the start.
	rsa := []*x509.Certificate{}
	for _, r := range roots {
		if r.PublicKeyAlgorithm == x509.RSA {
			rsa = append(rsa, r)
		}
	}
	if _, err := loadCRLs(ncatest.Path("crl-2026-08"), rsa, nil); err == nil || !strings.Contains(err.Error(), "not a trusted CA") {
		t.Errorf("a GOST CA's CRL with only RSA CAs trusted: %v", err)
	}
}
