package signer_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"os"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/signer"
)

// TestECDSA signs CMS and XML with P-256 and P-384 keys (certificates from
// a CA made here) and checks them with our verifier, openssl and xmlsec1.
func TestECDSA(t *testing.T) {
	mustTool(t, "openssl")
	mustTool(t, "xmlsec1")
	pki := newTestPKI(t)
	chain := writeChainPEM(t, []*x509.Certificate{pki.ca})
	for i, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384()} {
		name := curve.Params().Name
		t.Run(name, func(t *testing.T) {
			k, err := ecdsa.GenerateKey(curve, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			key := signer.KeyPair{Certificate: pki.issue(t, k, int64(100+i), x509.ExtKeyUsageEmailProtection), Signer: k}
			opts := signer.VerifyOptions{Chain: signer.ChainOptions{Roots: []*x509.Certificate{pki.ca}}}
			data := []byte("ECDSA " + name)

			cms, err := signer.SignCMS(ctx, data, key, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := signer.VerifyCMS(cms, opts); err != nil {
				t.Fatal(err)
			}
			if s := shapeOf(t, cms); !strings.HasPrefix(s.SignatureAlg, map[string]string{"P-256": "1.2.840.10045.4.3.2", "P-384": "1.2.840.10045.4.3.3"}[name]) {
				t.Errorf("signature algorithm %s", s.SignatureAlg)
			}
			if out, err := runTool(t, "openssl", "cms", "-verify", "-inform", "DER", "-in", writeFile(t, "e.cms", cms), "-CAfile", chain, "-purpose", "any", "-out", os.DevNull); err != nil {
				t.Errorf("openssl: %v\n%s", err, out)
			}

			doc, err := signer.SignXML([]byte(`<root><v>`+name+`</v></root>`), key, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := signer.VerifyXML(doc, opts); err != nil {
				t.Fatal(err)
			}
			if out, err := runTool(t, "xmlsec1", "--verify", "--trusted-pem", chain, writeFile(t, "e.xml", doc)); err != nil {
				t.Errorf("xmlsec1: %v\n%s\n%s", err, out, doc)
			}
		})
	}
}
