package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"golang.org/x/crypto/ocsp"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

var (
	time2026 = ncatest.Time2026
	time2020 = ncatest.Time2020
	site     = "https://login.example.kz"
	ctx      = context.Background()
)

func key(t testing.TB, path string) signer.KeyPair {
	t.Helper()
	data, err := os.ReadFile(ncatest.Path(path))
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

// certs reads certificates of the NCA test material by their paths in it.
func certs(t testing.TB, files ...string) []*x509.Certificate {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = ncatest.Path(f)
	}
	return ncatest.Certs(t, paths...)
}

func gostRoots(t *testing.T) []*x509.Certificate {
	return certs(t, "official-gost2015-bundle/ca/root_test_gost_2022.cer", "official-gost2015-bundle/ca/nca_gost2022_test.cer")
}

type store struct {
	mu   sync.Mutex
	used map[string]bool
}

func (s *store) Consume(_ context.Context, c []byte) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used[string(c)] {
		return false, nil
	}
	s.used[string(c)] = true
	return true, nil
}

func TestQoltanbaLogin(t *testing.T) {
	k := key(t, "official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/UL_first_head/valid/GOST512_0f923a405e7a60ef08debcf4715d7f818637b82b.p12")
	challenge := bytes.Repeat([]byte{9}, 32)
	cms, err := signer.SignLoginCMS(ctx, LoginContent(site, challenge, time2026), k, &signer.CMSOptions{Time: time2026})
	if err != nil {
		t.Fatal(err)
	}
	xml, err := signer.SignLoginXML(LoginXML(site, challenge, time2026), k, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := Login{Protocol: Qoltanba, Challenge: challenge, Origin: site, Roots: gostRoots(t), Time: time2026.Add(time.Minute)}
	for _, f := range []struct {
		format string
		sig    []byte
	}{{"cms", cms}, {"xml", xml}} {
		l := base
		l.Format, l.Signature = f.format, f.sig
		l.Challenges = &store{used: map[string]bool{}}
		id, err := VerifyLogin(ctx, l)
		if err != nil {
			t.Fatalf("%s: %v", f.format, err)
		}
		if id.IIN != "123456789011" || id.BIN != "123456789021" || id.Organization == "" || len(id.Roles) == 0 {
			t.Errorf("%s identity %+v", f.format, id.Identity)
		}
		for name, tc := range map[string]struct {
			change func(*Login)
			want   error
		}{
			"replayed":        {func(*Login) {}, ErrReplayed}, // the same challenge again
			"wrong challenge": {func(l *Login) { l.Challenge = bytes.Repeat([]byte{8}, 32); l.Challenges = nil }, ErrWrongChallenge},
			"wrong origin":    {func(l *Login) { l.Origin = "https://phish.example"; l.Challenges = nil }, ErrWrongOrigin},
			"stale":           {func(l *Login) { l.Time = time2026.Add(time.Hour); l.Challenges = nil }, ErrStale},
			"expired":         {func(l *Login) { l.Time = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); l.Challenges = nil }, ErrExpired},
			"untrusted":       {func(l *Login) { l.Roots = certs(t, "ca-test-2018/root_rsa_test.crt"); l.Challenges = nil }, ErrUntrusted},
		} {
			c := l
			tc.change(&c)
			if _, err := VerifyLogin(ctx, c); !errors.Is(err, tc.want) {
				t.Errorf("%s %s: got %v, want %v", f.format, name, err, tc.want)
			}
		}
	}
	// A flipped byte in the signature.
	bad := bytes.Clone(cms)
	bad[len(bad)-10] ^= 1
	l := base
	l.Format, l.Signature = "cms", bad
	if _, err := VerifyLogin(ctx, l); !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrMalformedLogin) {
		t.Errorf("flipped: %v", err)
	}
}

func TestNCALayerLogin(t *testing.T) {
	challenge := bytes.Repeat([]byte{3}, 32)
	b64 := []byte(base64.StdEncoding.EncodeToString(challenge))
	auth := key(t, "rsa-gost2004-2020/personal/active/AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.p12")
	sign := key(t, "rsa-gost2004-2020/personal/active/RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.p12")
	roots := certs(t, "ca-test-2018/root_rsa_test.crt", "ca-test-2018/nca_rsa_test.crt")
	mk := func(k signer.KeyPair, data []byte, detached bool) []byte {
		c, err := signer.SignCMS(ctx, data, k, &signer.CMSOptions{Detached: detached, Time: time2020})
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: c}) // as basics.sign returns it
	}
	for name, tc := range map[string]struct {
		sig  []byte
		want error
	}{
		"raw challenge":            {mk(auth, challenge, false), nil},
		"base64 text (decode off)": {mk(auth, b64, false), nil},
		"detached":                 {mk(auth, challenge, true), nil},
		"other data":               {mk(auth, []byte("something else"), false), ErrWrongChallenge},
		"signing-only key":         {mk(sign, challenge, false), ErrNotAuthKey},
	} {
		_, err := VerifyLogin(ctx, Login{Protocol: NCALayer, AllowNCALayer: true, Format: "cms", Signature: tc.sig, Challenge: challenge, Roots: roots, Time: time2020})
		if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
}

// TestRevokedLogin: a CRL listing the login certificate refuses it.
func TestRevokedLogin(t *testing.T) {
	now := time.Now()
	pki := ncatest.NewLoginPKI(t, "rp test CA", now)
	ca, caKey, leaf, userKey := pki.CA, pki.CAKey, pki.Leaf, pki.UserKey
	crlDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Minute),
		NextUpdate: now.Add(time.Hour), RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: big.NewInt(42), RevocationTime: now.Add(-time.Minute)}}}, ca, caKey)
	if err != nil {
		t.Fatal(err)
	}
	crl, _ := x509.ParseRevocationList(crlDER)
	challenge := bytes.Repeat([]byte{1}, 32)
	cms, err := signer.SignLoginCMS(ctx, LoginContent(site, challenge, now), signer.KeyPair{Certificate: leaf, Signer: userKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := Login{Protocol: Qoltanba, Format: "cms", Signature: cms, Challenge: challenge, Origin: site, Roots: []*x509.Certificate{ca}}
	if _, err := VerifyLogin(ctx, l); err != nil {
		t.Fatalf("without the CRL: %v", err)
	}
	l.CRLs = []*x509.RevocationList{crl}
	if _, err := VerifyLogin(ctx, l); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked: %v", err)
	}
	// A CRL past its next update is not relied on, and named.
	staleDER, _ := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(7), ThisUpdate: now.Add(-2 * time.Hour),
		NextUpdate: now.Add(-time.Minute)}, ca, caKey)
	stale, _ := x509.ParseRevocationList(staleDER)
	l.CRLs = []*x509.RevocationList{stale}
	if _, err := VerifyLogin(ctx, l); !errors.Is(err, ErrRevocationCheck) || !strings.Contains(err.Error(), "CRL no. 7") || !strings.Contains(err.Error(), "rp test CA") {
		t.Fatalf("stale CRL: %v", err)
	}
}

// TestOCSP: the responder named in the certificate answers good or
// revoked (responses made by x/crypto/ocsp, an independent encoder); an
// unreachable or slow responder refuses the login unless FailOpen.
func TestOCSP(t *testing.T) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ocsp test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	ca, _ := x509.ParseCertificate(caDER)
	status := ocsp.Good
	delay := time.Duration(0)
	next := now.Add(time.Hour)
	responder := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		resp, _ := ocsp.CreateResponse(ca, ca, ocsp.Response{Status: status, SerialNumber: req.SerialNumber,
			ThisUpdate: now.Add(-time.Minute), NextUpdate: next, RevokedAt: now.Add(-time.Minute)}, caKey)
		w.Write(resp)
	}))
	defer responder.Close()
	userKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mkCert := func(ocspURL string) *x509.Certificate {
		der, _ := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()),
			Subject: pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011"}, OCSPServer: []string{ocspURL},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca, userKey.Public(), caKey)
		c, _ := x509.ParseCertificate(der)
		return c
	}
	login := func(c *x509.Certificate, o *OCSPOptions) error {
		ch := bytes.Repeat([]byte{5}, 32)
		cms, err := signer.SignLoginCMS(ctx, LoginContent(site, ch, now), signer.KeyPair{Certificate: c, Signer: userKey}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = VerifyLogin(ctx, Login{Protocol: Qoltanba, Format: "cms", Signature: cms, Challenge: ch, Origin: site,
			Roots: []*x509.Certificate{ca}, OCSP: o})
		return err
	}
	good := mkCert(responder.URL)
	if err := login(good, &OCSPOptions{}); err != nil {
		t.Fatalf("good: %v", err)
	}
	status = ocsp.Revoked
	if err := login(good, &OCSPOptions{}); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked: %v", err)
	}
	if err := login(good, &OCSPOptions{FailOpen: true}); !errors.Is(err, ErrRevoked) {
		t.Fatalf("fail-open must not accept a revoked certificate: %v", err)
	}
	down := mkCert("http://127.0.0.1:1/ocsp")
	if err := login(down, &OCSPOptions{}); !errors.Is(err, ErrRevocationCheck) {
		t.Errorf("unreachable, fail closed: %v", err)
	}
	if err := login(down, &OCSPOptions{FailOpen: true}); err != nil {
		t.Errorf("unreachable, fail open: %v", err)
	}
	status, delay = ocsp.Good, 2*time.Second
	start := time.Now()
	if err := login(good, &OCSPOptions{Timeout: 200 * time.Millisecond}); !errors.Is(err, ErrRevocationCheck) || time.Since(start) > 1500*time.Millisecond {
		t.Errorf("slow responder: %v after %v", err, time.Since(start))
	}
	// Only current answers count, and a stale one is named: past its
	// nextUpdate...
	delay, next = 0, now.Add(-time.Minute)
	if err := login(good, &OCSPOptions{}); !errors.Is(err, ErrRevocationCheck) || !errors.Is(err, signer.ErrStaleRevocation) || !strings.Contains(err.Error(), responder.URL) {
		t.Errorf("past nextUpdate: %v", err)
	}
	// ...or produced too long before the check (checked two days later,
	// certificates taken as valid now; the NCALayer content has no time).
	next = now.Add(72 * time.Hour)
	ch := bytes.Repeat([]byte{6}, 32)
	cms, _ := signer.SignCMS(ctx, ch, signer.KeyPair{Certificate: good, Signer: userKey}, nil)
	l := Login{Protocol: NCALayer, AllowNCALayer: true, Format: "cms", Signature: cms, Challenge: ch, Roots: []*x509.Certificate{ca},
		Time: now.Add(48 * time.Hour), CertTime: now, OCSP: &OCSPOptions{}}
	if _, err := VerifyLogin(ctx, l); !errors.Is(err, signer.ErrStaleRevocation) || !strings.Contains(err.Error(), "was produced at") {
		t.Errorf("old response: %v", err)
	}
	l.OCSP.MaxAge = 72 * time.Hour
	if _, err := VerifyLogin(ctx, l); err != nil {
		t.Errorf("old response within MaxAge: %v", err)
	}
	// A revoked answer is refused however old it is.
	status, next = ocsp.Revoked, now.Add(-time.Minute)
	if err := login(good, &OCSPOptions{FailOpen: true}); !errors.Is(err, ErrRevoked) {
		t.Errorf("stale but revoked: %v", err)
	}
}

// TestNCACRLLogin: NCA's own CRL (2026-08) with the official bundle. At the
// bundle's time the valid/ keys log in and every revoked/ one is refused as
// revoked; after NCA withdrew the bundle (2026-05-06) all are.
func TestNCACRLLogin(t *testing.T) {
	ca := certs(t, "official-gost2015-bundle/ca/nca_gost2022_test.cer")[0]
	crl, err := signer.ParseCRL(ncatest.Read(t, ncatest.CRL2026), ca)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(ncatest.Path("official-gost2015-bundle/Gost2015_*/*/*/*.p12"))
	if len(files) != 12 {
		t.Fatalf("%d bundle keys", len(files))
	}
	login := func(k signer.KeyPair, certAt time.Time) error {
		ch := bytes.Repeat([]byte{3}, 32)
		cms, err := signer.SignLoginCMS(ctx, LoginContent(site, ch, time2026), k, &signer.CMSOptions{Time: time2026})
		if err != nil {
			t.Fatal(err)
		}
		_, err = VerifyLogin(ctx, Login{Protocol: Qoltanba, Format: "cms", Signature: cms, Challenge: ch, Origin: site,
			Roots: gostRoots(t), CRLs: []*x509.RevocationList{crl}, Time: time2026, CertTime: certAt})
		return err
	}
	for _, f := range files {
		rel, _ := filepath.Rel(ncatest.Dir, f)
		k := key(t, rel)
		err := login(k, time2026)
		var want error // the information system's key signs, it does not log in
		switch {
		case strings.Contains(f, "/revoked/"):
			want = ErrRevoked
		case strings.Contains(f, "/UL_infosystem/"):
			want = ErrNotAuthKey
		}
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Errorf("%s at the bundle's time: %v, want %v", rel, err, want)
		}
		if err := login(k, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrRevoked) {
			t.Errorf("%s after the withdrawal: %v", rel, err)
		}
	}
}

// TestOtherCAsCRL: a revoked login certificate is not let in by a CRL of
// another trusted CA, even one fetched from the certificate's own CRL URL
// (plain http, anyone on the path can swap it): the login is refused as
// revoked when its issuer's CRL is there too, and as unchecked when not.
func TestOtherCAsCRL(t *testing.T) {
	now := time.Now()
	const crlURL = "http://crl.example.kz/a.crl"
	a := ncatest.NewLoginPKI(t, "rp CA A", now).NamingCRL(t, crlURL)
	b := ncatest.NewLoginPKI(t, "rp CA B", now)
	challenge := bytes.Repeat([]byte{2}, 32)
	cms, err := signer.SignLoginCMS(ctx, LoginContent(site, challenge, now), signer.KeyPair{Certificate: a.Leaf, Signer: a.UserKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := Login{Protocol: Qoltanba, Format: "cms", Signature: cms, Challenge: challenge, Origin: site,
		Roots: []*x509.Certificate{a.CA, b.CA}, CRLURLs: []string{crlURL}}
	for _, tc := range []struct {
		name string
		crls []*x509.RevocationList
		want error
	}{
		{"B's CRL only", []*x509.RevocationList{b.CRL(t, 1, now.Add(-time.Minute), now.Add(time.Hour))}, ErrRevocationCheck},
		{"B's stale CRL", []*x509.RevocationList{b.CRL(t, 1, now.Add(-2*time.Hour), now.Add(-time.Hour))}, ErrRevocationCheck},
		{"B's and A's", []*x509.RevocationList{b.CRL(t, 1, now.Add(-time.Minute), now.Add(time.Hour)),
			a.CRL(t, 1, now.Add(-time.Minute), now.Add(time.Hour), 42)}, ErrRevoked},
		{"A's, not listing it", []*x509.RevocationList{a.CRL(t, 2, now.Add(-time.Minute), now.Add(time.Hour))}, nil},
	} {
		l.CRLs = tc.crls
		_, err := VerifyLogin(ctx, l)
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
