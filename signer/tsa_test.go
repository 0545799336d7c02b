package signer_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"github.com/qoltanba/qoltanba/signer"
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
