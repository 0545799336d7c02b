package signer_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/tsahttp"
)

// testTSA is an RFC 3161 server on loopback. SHA-256 requests are answered
// by digitorus/timestamp (an implementation independent of ours); GOST
// imprints, which that library cannot parse, by a TSTInfo built here and
// signed with our CMS code.
type testTSA struct {
	URL      string
	Cert     *x509.Certificate
	CA       *x509.Certificate
	Requests atomic.Int32
	Fail     atomic.Bool // answer with status "rejection"
}

var oidTSTInfo = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}

func newTestTSA(t *testing.T) *testTSA {
	t.Helper()
	pki := newTestPKI(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(77), Subject: pkix.Name{CommonName: "TIME-STAMPING AUTHORITY (test)", Country: []string{"KZ"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
		// RFC 3161 wants extKeyUsage timeStamping, critical (OpenSSL checks).
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true,
			Value: mustMarshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, pki.ca, key.Public(), pki.caKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	tsa := &testTSA{Cert: cert, CA: pki.ca}
	var serial atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tsa.Requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		if tsa.Fail.Load() {
			resp, _ := timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadAlgorithm)
			w.Write(resp)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		if req, err := timestamp.ParseRequest(body); err == nil {
			ts := timestamp.Timestamp{
				HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage, Time: time.Now(),
				Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 2, 398, 3, 3, 2, 6, 2},
				SerialNumber: big.NewInt(serial.Add(1)), AddTSACertificate: req.Certificates,
			}
			resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Write(resp)
			return
		}
		resp, err := gostTSAResponse(r.Context(), body, signer.KeyPair{Certificate: cert, Signer: key}, serial.Add(1))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	tsa.URL = srv.URL
	return tsa
}

type tsReq struct {
	Version        int
	MessageImprint struct {
		Alg struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		Hash []byte
	}
	ReqPolicy asn1.ObjectIdentifier `asn1:"optional"`
	Nonce     *big.Int              `asn1:"optional"`
	CertReq   bool                  `asn1:"optional"`
}

func gostTSAResponse(ctx context.Context, body []byte, key signer.KeyPair, serial int64) ([]byte, error) {
	var req tsReq
	if _, err := asn1.Unmarshal(body, &req); err != nil {
		return nil, err
	}
	info, err := asn1.Marshal(struct {
		Version        int
		Policy         asn1.ObjectIdentifier
		MessageImprint asn1.RawValue
		Serial         *big.Int
		GenTime        time.Time `asn1:"generalized"`
		Nonce          *big.Int  `asn1:"optional"`
	}{1, asn1.ObjectIdentifier{1, 2, 398, 3, 3, 2, 6, 4}, asn1.RawValue{FullBytes: mustMarshal(req.MessageImprint)}, big.NewInt(serial), time.Now().UTC().Truncate(time.Second), req.Nonce})
	if err != nil {
		return nil, err
	}
	tok, err := signer.SignEncapsulatedForTest(ctx, oidTSTInfo, info, key)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		Status struct{ Status int }
		Token  asn1.RawValue
	}{Token: asn1.RawValue{FullBytes: tok}})
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// TestGOST34311Imprint: a GOST-2015 signature stamped the way NCA's TSA
// stamps Kalkan's (the imprint made with GOST 34.311-95, the token signed
// with a GOST 34.310-2004 key) verifies: the imprint is checked with the
// algorithm the token names. The imprint is compared with gostsum -t (the
// C reference; it prints the digest in reversed byte order).
func TestGOST34311Imprint(t *testing.T) {
	mustTool(t, "gostsum")
	tsaKey := loadKey(t, "GOST2004")
	var serial atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		resp, err := gostTSAResponse(r.Context(), body, tsaKey, serial.Add(1))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		w.Write(resp)
	}))
	defer srv.Close()
	client := &signer.TSAClient{URL: srv.URL, Digest: signer.OIDGOST34311, Post: tsahttp.Client{}}
	key := loadKey(t, "GOST2015")
	cms, err := signer.SignCMS(ctx, []byte("asdasd"), key, &signer.CMSOptions{TSA: client, Time: validAt("GOST2015")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := signer.VerifyCMS(cms, verifyOpts(t, "GOST2015", nil))
	if err != nil {
		t.Fatal(err)
	}
	if res.Signers[0].Timestamp.IsZero() {
		t.Error("no timestamp")
	}
	sig, tok := signatureAndToken(t, cms)
	alg, imprint := tokenImprint(t, tok)
	if !alg.Equal(signer.OIDGOST34311) {
		t.Fatalf("imprint algorithm %v", alg)
	}
	out, err := runTool(t, "gostsum", "-t", writeFile(t, "sig.bin", sig))
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := hex.DecodeString(strings.Fields(out)[0])
	slices.Reverse(ref)
	if !bytes.Equal(ref, imprint) {
		t.Errorf("imprint %x, gostsum -t %x (reversed)", imprint, ref)
	}
	// The same token on another (valid) signature over the same attributes
	// is refused.
	other, err := signer.SignCMS(ctx, []byte("asdasd"), key, &signer.CMSOptions{Time: validAt("GOST2015")})
	if err != nil {
		t.Fatal(err)
	}
	swapped := bytes.Replace(cms, sig, signatureOf(t, other), 1)
	if _, err := signer.VerifyCMS(swapped, verifyOpts(t, "GOST2015", nil)); !errors.Is(err, signer.ErrTimestamp) || !strings.Contains(err.Error(), "another signature") {
		t.Errorf("a token over another signature: %v", err)
	}
	// An imprint algorithm that is not accepted (SHA-1) is refused by the client.
	if _, err := signer.SignCMS(ctx, []byte("x"), key, &signer.CMSOptions{TSA: &signer.TSAClient{URL: srv.URL, Digest: signer.OIDSHA1, Post: tsahttp.Client{}}}); !errors.Is(err, signer.ErrTimestamp) {
		t.Errorf("SHA-1 imprint: %v", err)
	}
}

// signatureAndToken returns the first signer's signature value and its
// timestamp token.
func signatureAndToken(t *testing.T, cms []byte) (sig, tok []byte) {
	t.Helper()
	var si struct {
		V        int
		SID      asn1.RawValue
		D        asn1.RawValue
		Attrs    asn1.RawValue `asn1:"optional,tag:0"`
		S        asn1.RawValue
		Sig      []byte
		Unsigned asn1.RawValue `asn1:"optional,tag:1"`
	}
	if _, err := asn1.Unmarshal(signerInfoBytes(t, cms), &si); err != nil {
		t.Fatal(err)
	}
	var attr struct {
		T asn1.ObjectIdentifier
		V []asn1.RawValue `asn1:"set"`
	}
	if len(si.Unsigned.Bytes) > 0 {
		if _, err := asn1.Unmarshal(si.Unsigned.Bytes, &attr); err != nil {
			t.Fatal(err)
		}
		tok = attr.V[0].FullBytes
	}
	return si.Sig, tok
}

func signatureOf(t *testing.T, cms []byte) []byte {
	sig, _ := signatureAndToken(t, cms)
	return sig
}

// tokenImprint reads a timestamp token's message imprint.
func tokenImprint(t *testing.T, tok []byte) (asn1.ObjectIdentifier, []byte) {
	t.Helper()
	var ci struct {
		T asn1.ObjectIdentifier
		C asn1.RawValue `asn1:"explicit,tag:0"`
	}
	var sd struct {
		V     int
		D     asn1.RawValue
		Encap struct {
			T asn1.ObjectIdentifier
			C asn1.RawValue `asn1:"explicit,tag:0"`
		}
		Rest asn1.RawValue `asn1:"optional"`
	}
	var info struct {
		V       int
		Policy  asn1.ObjectIdentifier
		Imprint struct {
			Alg struct {
				Algorithm asn1.ObjectIdentifier
				Params    asn1.RawValue `asn1:"optional"`
			}
			Hash []byte
		}
		Rest asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(tok, &ci); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(ci.C.Bytes, &sd); err != nil {
		t.Fatal(err)
	}
	var eContent []byte
	if _, err := asn1.Unmarshal(sd.Encap.C.Bytes, &eContent); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(eContent, &info); err != nil {
		t.Fatal(err)
	}
	return info.Imprint.Alg.Algorithm, info.Imprint.Hash
}
