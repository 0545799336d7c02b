package verify

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/internal/keycachectl"
)

// BenchmarkVerifyLogin: a site's cost of one login, on one core: the
// signature, the challenge, the chain, and (…/OCSP) a query to a local
// OCSP responder. CMS and XML with NCA's RSA and GOST-2015 test keys;
// OCSP with an RSA-2048 test CA of our own (NCA's CA keys are not ours to
// sign responses with). Reported as logins/s; …/uncached verifies every
// chain link again (no LinkCache) and parses every GOST key again (signer's
// key cache off), the cost before either cache.
func BenchmarkVerifyLogin(b *testing.B) {
	type keyCase struct {
		name  string
		key   signer.KeyPair
		roots []*x509.Certificate
		at    time.Time
	}
	rel := func(p string) string { r, _ := filepath.Rel(ncatest.Dir, p); return r }
	cases := []keyCase{
		{"RSA", key(b, rel(ncatest.RSAAuth)), certs(b, rel(ncatest.RSARoot2018), rel(ncatest.RSACA2018)), time2020},
		{"GOST2015", key(b, rel(ncatest.GOST2015FL)), certs(b, rel(ncatest.GOSTRoot2022), rel(ncatest.GOSTCA2022)), time2026},
	}
	ocspCase, responder := ocspPKI(b)
	defer responder.Close()
	ocspCase.name = "RSA/OCSP"
	cases = append(cases, keyCase{ocspCase.name, ocspCase.key, ocspCase.roots, ocspCase.at})
	challenge := bytes.Repeat([]byte{7}, 32)
	for _, kc := range cases {
		for _, format := range []string{"cms", "xml"} {
			var sig []byte
			var err error
			if format == "cms" {
				sig, err = signer.SignLoginCMS(ctx, LoginContent(site, challenge, kc.at), kc.key, &signer.CMSOptions{Time: kc.at})
			} else {
				sig, err = signer.SignLoginXML(LoginXML(site, challenge, kc.at), kc.key, nil)
			}
			if err != nil {
				b.Fatal(err)
			}
			l := Login{Protocol: Qoltanba, Format: format, Signature: sig, Challenge: challenge, Origin: site, Roots: kc.roots, Time: kc.at}
			if kc.name == "RSA/OCSP" {
				l.OCSP = &OCSPOptions{}
			}
			b.Run(format+"/"+kc.name, func(b *testing.B) {
				if _, err := VerifyLogin(ctx, l); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := VerifyLogin(ctx, l); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
			})
			// …/uncached: every chain link verified again and every GOST
			// key parsed with its table built again, as each login did
			// before LinkCache and signer's key cache (a new, empty link
			// cache per login, the key cache off).
			b.Run(format+"/"+kc.name+"/uncached", func(b *testing.B) {
				keycachectl.Off.Store(true)
				defer keycachectl.Off.Store(false)
				b.ReportAllocs()
				for range b.N {
					l := l
					l.LinkCache = NewLinkCache(1)
					if _, err := VerifyLogin(ctx, l); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
			})
		}
	}
}

type ocspKey struct {
	name  string
	key   signer.KeyPair
	roots []*x509.Certificate
	at    time.Time
}

// ocspPKI makes an RSA CA, a login key whose certificate names a local
// OCSP responder, and the responder (answering "good", signed by the CA).
func ocspPKI(b *testing.B) (ocspKey, *httptest.Server) {
	now := time.Now()
	caKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	ca, _ := x509.ParseCertificate(caDER)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		resp, _ := ocsp.CreateResponse(ca, ca, ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber,
			ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}, caKey)
		w.Write(resp)
	}))
	userKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject: pkix.Name{CommonName: "ТЕСТОВ ТЕСТ", SerialNumber: "IIN123456789011"}, OCSPServer: []string{srv.URL},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca, userKey.Public(), caKey)
	if err != nil {
		b.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return ocspKey{key: signer.KeyPair{Certificate: leaf, Signer: userKey}, roots: []*x509.Certificate{ca}, at: now}, srv
}
