package signer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"go.cypherpunks.ru/gogost/v5/gost3410"
	"go.cypherpunks.ru/gogost/v5/gost34112012512"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/tsahttp"
)

var ctx = context.Background()

func verifyOpts(t testing.TB, name string, data []byte) signer.VerifyOptions {
	o := signer.VerifyOptions{Chain: signer.ChainOptions{Roots: caFor(t, name), Time: validAt(name)}}
	if data != nil {
		o.Data = bytes.NewReader(data)
	}
	return o
}

func TestCMSSignVerifySharedKeys(t *testing.T) {
	data := []byte("asdasd")
	for name := range keyFiles {
		for _, detached := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/detached=%v", name, detached), func(t *testing.T) {
				key := loadKey(t, name)
				cms, err := signer.SignCMS(ctx, data, key, &signer.CMSOptions{Detached: detached, Time: validAt(name)})
				if err != nil {
					t.Fatal(err)
				}
				var given []byte
				if detached {
					given = data
				}
				res, err := signer.VerifyCMS(cms, verifyOpts(t, name, given))
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Signers) != 1 || res.Detached != detached {
					t.Fatalf("result %+v", res)
				}
				id := res.Signers[0].Identity
				if id.IIN != "123456789011" || !res.Signers[0].SigningTime.Equal(validAt(name)) {
					t.Errorf("identity %+v, signing time %v", id, res.Signers[0].SigningTime)
				}
				if !detached && !bytes.Equal(res.Content, data) {
					t.Errorf("content %q", res.Content)
				}
				if len(res.Signers[0].Chain) != 3 {
					t.Errorf("chain length %d, want leaf+intermediate+root", len(res.Signers[0].Chain))
				}
				// Detached without the data is a clear error; wrong data too.
				if detached {
					if _, err := signer.VerifyCMS(cms, verifyOpts(t, name, nil)); !errors.Is(err, signer.ErrContentMissing) {
						t.Errorf("no data: %v", err)
					}
					if _, err := signer.VerifyCMS(cms, verifyOpts(t, name, []byte("asdasD"))); !errors.Is(err, signer.ErrMessageDigest) {
						t.Errorf("wrong data: %v", err)
					}
				}
				// Outside the certificate's validity: expired.
				o := verifyOpts(t, name, given)
				o.Chain.Time = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
				if _, err := signer.VerifyCMS(cms, o); !errors.Is(err, signer.ErrExpired) {
					t.Errorf("2030: %v", err)
				}
				// Against another family's CA: untrusted.
				o = verifyOpts(t, name, given)
				o.Chain.Roots = caFor(t, map[bool]string{true: "RSA", false: "GOST2015"}[strings.HasPrefix(name, "GOST")])
				if _, err := signer.VerifyCMS(cms, o); !errors.Is(err, signer.ErrUntrusted) {
					t.Errorf("foreign CA: %v", err)
				}
			})
		}
	}
}

// TestCMSOpenSSL checks our RSA CMS with an independent implementation.
func TestCMSOpenSSL(t *testing.T) {
	mustTool(t, "openssl")
	data := []byte("asdasd\nqoltanba")
	for _, name := range []string{"RSA", "RSA-AUTH"} {
		key := loadKey(t, name)
		chain := writeChainPEM(t, caFor(t, name))
		for _, detached := range []bool{false, true} {
			cms, err := signer.SignCMS(ctx, data, key, &signer.CMSOptions{Detached: detached, Time: time2020})
			if err != nil {
				t.Fatal(err)
			}
			cosigned, err := signer.CoSignCMS(ctx, cms, data, loadKey(t, "RSA-AUTH"), &signer.CMSOptions{Time: time2020})
			if err != nil {
				t.Fatal(err)
			}
			for label, c := range map[string][]byte{"single": cms, "co-signed": cosigned} {
				args := []string{"cms", "-verify", "-inform", "DER", "-in", writeFile(t, "s.cms", c), "-CAfile", chain,
					"-attime", fmt.Sprint(time2020.Unix()), "-purpose", "any", "-out", os.DevNull}
				if detached {
					args = append(args, "-content", writeFile(t, "data", data), "-binary")
				}
				if out, err := runTool(t, "openssl", args...); err != nil || !strings.Contains(out, "Verification successful") {
					t.Errorf("%s detached=%v %s: openssl: %v\n%s", name, detached, label, err, out)
				}
			}
			// A flipped content byte must fail in openssl too (the check can fail).
			if !detached {
				bad := bytes.Clone(cms)
				i := bytes.Index(bad, data)
				bad[i] ^= 1
				if out, err := runTool(t, "openssl", "cms", "-verify", "-inform", "DER", "-in", writeFile(t, "bad.cms", bad),
					"-CAfile", chain, "-attime", fmt.Sprint(time2020.Unix()), "-purpose", "any", "-out", os.DevNull); err == nil {
					t.Errorf("openssl accepted a changed content: %s", out)
				}
			}
		}
	}
}

// cmsShape is the layout of a CMS that Kalkan compatibility depends on.
type cmsShape struct {
	Version          int
	DigestAlgorithms []string
	EContentType     string
	Attached         bool
	Certs            int
	SignerVersion    int
	SIDIsIssuerSer   bool
	DigestAlgorithm  string
	SignatureAlg     string
	Attrs            []string
}

func shapeOf(t *testing.T, der []byte) cmsShape {
	t.Helper()
	type alg struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	algStr := func(a alg) string {
		if bytes.Equal(a.Parameters.FullBytes, []byte{5, 0}) {
			return a.Algorithm.String() + "+NULL"
		}
		return a.Algorithm.String()
	}
	var ci struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue `asn1:"explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		t.Fatal(err)
	}
	var sd struct {
		Version int
		Digests []alg `asn1:"set"`
		Encap   struct {
			Type    asn1.ObjectIdentifier
			Content asn1.RawValue `asn1:"explicit,optional,tag:0"`
		}
		Certs   asn1.RawValue   `asn1:"optional,tag:0"`
		Signers []asn1.RawValue `asn1:"set"`
	}
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		t.Fatal(err)
	}
	var si struct {
		Version   int
		SID       asn1.RawValue
		Digest    alg
		Attrs     asn1.RawValue `asn1:"optional,tag:0"`
		SigAlg    alg
		Signature []byte
		Unsigned  asn1.RawValue `asn1:"optional,tag:1"`
	}
	if _, err := asn1.Unmarshal(sd.Signers[0].FullBytes, &si); err != nil {
		t.Fatal(err)
	}
	s := cmsShape{Version: sd.Version, EContentType: sd.Encap.Type.String(), Attached: len(sd.Encap.Content.Bytes) > 0,
		SignerVersion: si.Version, SIDIsIssuerSer: si.SID.Tag == asn1.TagSequence,
		DigestAlgorithm: algStr(si.Digest), SignatureAlg: algStr(si.SigAlg)}
	for _, d := range sd.Digests {
		s.DigestAlgorithms = append(s.DigestAlgorithms, algStr(d))
	}
	for rest := sd.Certs.Bytes; len(rest) > 0; s.Certs++ {
		var v asn1.RawValue
		rest, _ = asn1.Unmarshal(rest, &v)
	}
	for rest := si.Attrs.Bytes; len(rest) > 0; {
		var a struct {
			Type asn1.ObjectIdentifier
			V    asn1.RawValue `asn1:"set"`
		}
		var err error
		if rest, err = asn1.Unmarshal(rest, &a); err != nil {
			t.Fatal(err)
		}
		s.Attrs = append(s.Attrs, a.Type.String())
	}
	return s
}

const oidSigningCertV2 = "1.2.840.113549.1.9.16.2.47"

// TestCMSStructureMatchesKalkan compares our layout with Kalkan's samples:
// the KalkanCrypt C GOST-2015 CAdES (exactly) and the Java 2020 samples
// for GOST-2004 and RSA (which predate signingCertificateV2).
func TestCMSStructureMatchesKalkan(t *testing.T) {
	samples := map[string]string{
		"GOST2015": ncatest.Path("kalkan-cms/individual_attached.der"),
		"GOST2004": ncatest.Path("rsa-gost2004-2020/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.cms"),
		"RSA":      ncatest.Path("rsa-gost2004-2020/personal/active/RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.cms"),
	}
	for name, path := range samples {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Ext(path) == ".cms" {
				if raw, err = base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw))); err != nil {
					t.Fatal(err)
				}
			}
			want := shapeOf(t, raw)
			ours, err := signer.SignCMS(ctx, []byte("asdasd"), loadKey(t, name), &signer.CMSOptions{Time: validAt(name)})
			if err != nil {
				t.Fatal(err)
			}
			got := shapeOf(t, ours)
			if !slices.Contains(want.Attrs, oidSigningCertV2) {
				// NCALayer adds signingCertificateV2 (spec §3); the old Java
				// sample does not have it.
				got.Attrs = slices.DeleteFunc(got.Attrs, func(s string) bool { return s == oidSigningCertV2 })
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("layout differs from Kalkan's\n got: %+v\nwant: %+v", got, want)
			}
		})
	}
}

// TestCMSGOSTWithGogostDirectly re-checks our GOST-2015 signature without
// our verifier: the signed attributes and signature value are cut out with
// encoding/asn1 and checked with gogost on the certificate's raw key.
func TestCMSGOSTWithGogostDirectly(t *testing.T) {
	key := loadKey(t, "GOST2015")
	cms, err := signer.SignCMS(ctx, []byte("asdasd"), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	var si struct {
		V     int
		SID   asn1.RawValue
		D     asn1.RawValue
		Attrs asn1.RawValue `asn1:"tag:0"`
		S     asn1.RawValue
		Sig   []byte
	}
	if _, err := asn1.Unmarshal(signerInfoBytes(t, cms), &si); err != nil {
		t.Fatal(err)
	}
	set := append([]byte{0x31}, si.Attrs.FullBytes[1:]...) // [0] IMPLICIT -> SET
	h := gost34112012512.New()
	h.Write(set)
	digest := h.Sum(nil)
	var spki struct {
		Alg asn1.RawValue
		Key asn1.BitString
	}
	asn1.Unmarshal(key.Certificate.RawSubjectPublicKeyInfo, &spki)
	var raw []byte
	asn1.Unmarshal(spki.Key.Bytes, &raw)
	pub, err := gost3410.NewPublicKeyLE(gost3410.CurveIdtc26gost341012512paramSetA(), raw)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := gost3410.PublicKeyReverseDigestAndSignature{Pub: pub}.VerifyDigest(digest, si.Sig)
	if err != nil || !ok {
		t.Fatalf("gogost rejects our signature: %v", err)
	}
	digest[3] ^= 1
	if ok, _ := (gost3410.PublicKeyReverseDigestAndSignature{Pub: pub}).VerifyDigest(digest, si.Sig); ok {
		t.Fatal("gogost accepted a changed digest")
	}
}

func TestCMSDigestAndStream(t *testing.T) {
	for _, name := range []string{"RSA", "GOST2015", "GOST2004"} {
		key := loadKey(t, name)
		pub, _ := signer.PublicKey(key.Certificate)
		s, _ := signer.SchemeFor(pub)
		data := bytes.Repeat([]byte("документ "), 50000)
		fromDigest, err := signer.SignCMSDigest(ctx, s.Digest(data), key, &signer.CMSOptions{Time: validAt(name)})
		if err != nil {
			t.Fatal(err)
		}
		fromReader, err := signer.SignCMSReader(ctx, bytes.NewReader(data), key, &signer.CMSOptions{Time: validAt(name)})
		if err != nil {
			t.Fatal(err)
		}
		for label, c := range map[string][]byte{"digest": fromDigest, "reader": fromReader} {
			if _, err := signer.VerifyCMS(c, verifyOpts(t, name, data)); err != nil {
				t.Errorf("%s %s: %v", name, label, err)
			}
		}
		if _, err := signer.SignCMSDigest(ctx, []byte("short"), key, nil); err == nil {
			t.Errorf("%s: digest of the wrong size accepted", name)
		}
	}
}

func TestCMSCoSign(t *testing.T) {
	data := []byte("shared contract")
	first := loadKey(t, "GOST2015")
	second := loadKey(t, "GOST2015-UL")
	for _, detached := range []bool{false, true} {
		cms, err := signer.SignCMS(ctx, data, first, &signer.CMSOptions{Detached: detached, Time: time2026})
		if err != nil {
			t.Fatal(err)
		}
		var given []byte
		if detached {
			given = data
		}
		co, err := signer.CoSignCMS(ctx, cms, given, second, &signer.CMSOptions{Time: time2026})
		if err != nil {
			t.Fatal(err)
		}
		res, err := signer.VerifyCMS(co, verifyOpts(t, "GOST2015", given))
		if err != nil {
			t.Fatal(err)
		}
		// SignerInfos is a DER SET OF: sorted, so find the signers by BIN.
		bins := []string{res.Signers[0].Identity.BIN, res.Signers[1].Identity.BIN}
		slices.Sort(bins)
		if len(res.Signers) != 2 || !slices.Equal(bins, []string{"", "123456789021"}) {
			t.Fatalf("signers: %+v", res.Signers)
		}
		if s := shapeOf(t, co); s.Certs != 2 || len(s.DigestAlgorithms) != 1 {
			t.Errorf("co-signed layout %+v", s)
		}
		// The first signer's bytes are untouched.
		if !bytes.Contains(co, signerInfoBytes(t, cms)) {
			t.Error("co-signing changed the first SignerInfo")
		}
		// Co-signing with another algorithm extends digestAlgorithms.
		mixed, err := signer.CoSignCMS(ctx, co, given, loadKey(t, "RSA"), &signer.CMSOptions{Time: time2020})
		if err != nil {
			t.Fatal(err)
		}
		if s := shapeOf(t, mixed); len(s.DigestAlgorithms) != 2 || s.Certs != 3 {
			t.Errorf("mixed layout %+v", s)
		}
		if _, err := signer.VerifyCMS(mixed, signer.VerifyOptions{NoChain: true, Data: bytes.NewReader(data)}); err != nil {
			t.Errorf("mixed: %v", err)
		}
	}
	if _, err := signer.CoSignCMS(ctx, []byte("not cms"), nil, second, nil); !errors.Is(err, signer.ErrMalformed) {
		t.Errorf("co-sign junk: %v", err)
	}
}

// signerInfoBytes cuts the first SignerInfo out of a ContentInfo.
func signerInfoBytes(t *testing.T, cms []byte) []byte {
	t.Helper()
	var ci struct {
		T asn1.ObjectIdentifier
		C asn1.RawValue `asn1:"explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(cms, &ci); err != nil {
		t.Fatal(err)
	}
	var sd struct {
		V       int
		D       asn1.RawValue
		E       asn1.RawValue
		C       asn1.RawValue   `asn1:"optional,tag:0"`
		Signers []asn1.RawValue `asn1:"set"`
	}
	if _, err := asn1.Unmarshal(ci.C.Bytes, &sd); err != nil {
		t.Fatal(err)
	}
	if len(sd.Signers) == 0 {
		t.Fatal("no SignerInfo")
	}
	return sd.Signers[0].FullBytes
}

func TestCAdEST(t *testing.T) {
	tsa := newTestTSA(t)
	client := tsahttp.New(tsa.URL)
	data := []byte("asdasd")
	for _, name := range []string{"RSA", "GOST2015", "GOST2004"} {
		t.Run(name, func(t *testing.T) {
			key := loadKey(t, name)
			cms, err := signer.SignCMS(ctx, data, key, &signer.CMSOptions{TSA: client, Time: validAt(name)})
			if err != nil {
				t.Fatal(err)
			}
			o := verifyOpts(t, name, nil)
			o.TSARoots = []*x509.Certificate{tsa.CA}
			res, err := signer.VerifyCMS(cms, o)
			if err != nil {
				t.Fatal(err)
			}
			vs := res.Signers[0]
			if vs.Timestamp.IsZero() || !vs.TimestampTrusted || time.Since(vs.Timestamp) > time.Minute {
				t.Errorf("timestamp %v trusted=%v", vs.Timestamp, vs.TimestampTrusted)
			}
			// A TSA we do not trust is reported, not silently accepted.
			o.TSARoots = caFor(t, "RSA")
			if _, err := signer.VerifyCMS(cms, o); !errors.Is(err, signer.ErrTimestamp) {
				t.Errorf("untrusted TSA: %v", err)
			}
			// applyCAdEST on a plain CMS.
			plain, _ := signer.SignCMS(ctx, data, key, &signer.CMSOptions{Time: validAt(name)})
			stamped, err := signer.AddTimestamp(ctx, plain, client)
			if err != nil {
				t.Fatal(err)
			}
			o.TSARoots = []*x509.Certificate{tsa.CA}
			if res, err := signer.VerifyCMS(stamped, o); err != nil || res.Signers[0].Timestamp.IsZero() {
				t.Fatalf("AddTimestamp: %v", err)
			}
			if name == "RSA" {
				checkTokenWithOpenSSL(t, stamped, tsa)
			}
		})
	}
	tsa.Fail.Store(true)
	if _, err := signer.SignCMS(ctx, data, loadKey(t, "RSA"), &signer.CMSOptions{TSA: client}); !errors.Is(err, signer.ErrTimestamp) {
		t.Errorf("TSA refusal: %v", err)
	}
	if _, err := signer.SignCMS(ctx, data, loadKey(t, "RSA"), &signer.CMSOptions{TSA: tsahttp.New("http://127.0.0.1:1/")}); !errors.Is(err, signer.ErrTimestamp) {
		t.Errorf("TSA down: %v", err)
	}
}

// checkTokenWithOpenSSL verifies the timestamp token of the first signer
// with `openssl ts -verify` over the SHA-256 of its signature value.
func checkTokenWithOpenSSL(t *testing.T, cms []byte, tsa *testTSA) {
	t.Helper()
	mustTool(t, "openssl")
	sig, tok := signatureAndToken(t, cms)
	if tok == nil {
		t.Fatal("the first signer has no timestamp token")
	}
	sum := sha256.Sum256(sig)
	out, err := runTool(t, "openssl", "ts", "-verify", "-digest", hex.EncodeToString(sum[:]), "-in", writeFile(t, "tok.der", tok),
		"-token_in", "-CAfile", writeChainPEM(t, []*x509.Certificate{tsa.CA}), "-untrusted", writeChainPEM(t, []*x509.Certificate{tsa.Cert}))
	if err != nil || !strings.Contains(out, "Verification: OK") {
		t.Errorf("openssl ts -verify: %v\n%s", err, out)
	}
}

// TestVerifyKalkanSamples: every shared Kalkan CMS verifies at a time its
// certificates were valid, with the chain to NCA's test CAs.
func TestVerifyKalkanSamples(t *testing.T) {
	for _, s := range kalkanCMSSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			o := verifyOpts(t, s.family, s.data)
			if s.at.IsZero() {
				o.Chain.Time = validAt(s.family)
			} else {
				o.Chain.Time = s.at
			}
			res, err := signer.VerifyCMS(s.cms, o)
			if err != nil {
				t.Fatal(err)
			}
			id := res.Signers[0].Identity
			if id.IIN != "123456789011" || id.CommonName != "ТЕСТОВ ТЕСТ" {
				t.Errorf("identity %+v", id)
			}
			if s.family == "GOST2015" && res.Signers[0].Timestamp.IsZero() {
				t.Error("Kalkan CAdES-T timestamp not found")
			}
		})
	}
}

type cmsSample struct {
	name, family string
	cms, data    []byte
	at           time.Time
	content      []byte // a byte string inside the CMS content
}

func kalkanCMSSamples(t testing.TB) []cmsSample {
	var out []cmsSample
	files, _ := filepath.Glob(ncatest.Path("rsa-gost2004-2020/*/*/*.cms"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		fam := "RSA"
		if strings.HasPrefix(filepath.Base(f), "GOSTKNCA") {
			fam = "GOST2004"
		}
		out = append(out, cmsSample{name: filepath.Base(f), family: fam, cms: der, content: []byte("asdasd")})
	}
	for _, n := range []string{"individual", "legal_entity"} {
		doc, err := os.ReadFile(ncatest.Path("kalkan-cms/" + n + "_document.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"attached", "detached"} {
			der, err := os.ReadFile(ncatest.Path("kalkan-cms/" + n + "_" + k + ".der"))
			if err != nil {
				t.Fatal(err)
			}
			s := cmsSample{name: n + "_" + k, family: "GOST2015", cms: der, at: time.Date(2026, 7, 20, 12, 0, 0, 0, time.UTC)}
			if k == "detached" {
				s.data = doc
			} else {
				s.content = doc[:16]
			}
			out = append(out, s)
		}
	}
	if len(out) != 12 {
		t.Fatalf("found %d Kalkan CMS samples, want 12", len(out))
	}
	return out
}

// TestVerifyRejectsFlippedBytes changes one byte in the content, the
// signature value, the signed attributes and the certificate of every
// Kalkan sample: each copy must be rejected with the right reason.
func TestVerifyRejectsFlippedBytes(t *testing.T) {
	for _, s := range kalkanCMSSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			o := func() signer.VerifyOptions {
				v := verifyOpts(t, s.family, s.data)
				if !s.at.IsZero() {
					v.Chain.Time = s.at
				}
				return v
			}
			res, err := signer.VerifyCMS(s.cms, o())
			if err != nil {
				t.Fatal(err)
			}
			cert := res.Signers[0].Certificate
			si := signerInfoBytes(t, s.cms)
			var parsed struct {
				V     int
				SID   asn1.RawValue
				D     asn1.RawValue
				Attrs asn1.RawValue `asn1:"tag:0"`
				A     asn1.RawValue
				Sig   []byte
			}
			if _, err := asn1.Unmarshal(si, &parsed); err != nil {
				t.Fatal(err)
			}
			targets := map[string]struct {
				needle []byte
				off    int
				want   []error
			}{
				"signature":    {parsed.Sig, len(parsed.Sig) / 2, []error{signer.ErrBadSignature}},
				"signed attrs": {parsed.Attrs.FullBytes, len(parsed.Attrs.FullBytes) - 5, []error{signer.ErrBadSignature, signer.ErrMessageDigest}},
				"signing time": {parsed.Attrs.FullBytes, 30, []error{signer.ErrBadSignature, signer.ErrMalformed}},
				"certificate":  {cert.RawTBSCertificate, len(cert.RawTBSCertificate) - 40, []error{signer.ErrSigningCertificate, signer.ErrBadSignature, signer.ErrUntrusted, signer.ErrMalformed}},
				"cert key":     {cert.RawSubjectPublicKeyInfo, len(cert.RawSubjectPublicKeyInfo) / 2, []error{signer.ErrSigningCertificate, signer.ErrBadSignature, signer.ErrUntrusted, signer.ErrMalformed}},
			}
			if s.content != nil {
				targets["content"] = struct {
					needle []byte
					off    int
					want   []error
				}{s.content, 2, []error{signer.ErrMessageDigest}}
			}
			for what, tg := range targets {
				i := bytes.Index(s.cms, tg.needle)
				if i < 0 {
					t.Fatalf("%s not found in the sample", what)
				}
				bad := bytes.Clone(s.cms)
				bad[i+tg.off] ^= 0x01
				_, err := signer.VerifyCMS(bad, o())
				if err == nil {
					t.Errorf("%s: flipped byte accepted", what)
					continue
				}
				if !slices.ContainsFunc(tg.want, func(e error) bool { return errors.Is(err, e) }) {
					t.Errorf("%s: error %v, want one of %v", what, err, tg.want)
				}
			}
			// Detached data changed.
			if s.data != nil {
				v := o()
				changed := bytes.Clone(s.data)
				changed[0] ^= 1
				v.Data = bytes.NewReader(changed)
				if _, err := signer.VerifyCMS(s.cms, v); !errors.Is(err, signer.ErrMessageDigest) {
					t.Errorf("changed document: %v", err)
				}
			}
		})
	}
}

func TestRevocation(t *testing.T) {
	pki := newTestPKI(t)
	good, revoked := ecKey(t), ecKey(t)
	goodCert := pki.issue(t, good, 10, 4)
	revCert := pki.issue(t, revoked, 11)
	crl := pki.crl(t, revCert)
	opts := func(data []byte) signer.VerifyOptions {
		return signer.VerifyOptions{Chain: signer.ChainOptions{Roots: []*x509.Certificate{pki.ca}, CRLs: []*x509.RevocationList{crl}}}
	}
	for _, tc := range []struct {
		cert *x509.Certificate
		key  *ecdsaKey
		want error
	}{{goodCert, good, nil}, {revCert, revoked, signer.ErrRevoked}} {
		cms, err := signer.SignCMS(ctx, []byte("x"), signer.KeyPair{Certificate: tc.cert, Signer: tc.key}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = signer.VerifyCMS(cms, opts(nil))
		if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("serial %v: got %v, want %v", tc.cert.SerialNumber, err, tc.want)
		}
	}
	// A CRL not signed by the issuer is refused rather than trusted.
	other := newTestPKI(t)
	forged := other.crl(t)
	forged.RawIssuer = pki.ca.RawSubject
	cms, _ := signer.SignCMS(ctx, []byte("x"), signer.KeyPair{Certificate: goodCert, Signer: good}, nil)
	o := opts(nil)
	o.Chain.CRLs = []*x509.RevocationList{forged}
	if _, err := signer.VerifyCMS(cms, o); err == nil {
		t.Error("a CRL with a foreign signature was used")
	}
}

// TestSharedGOSTCRL: the official bundle's CRL is GOST-signed by the test
// intermediate; its signature verifies with our GOST code and it is parsed.
func TestSharedGOSTCRL(t *testing.T) {
	data, err := os.ReadFile(ncatest.Path("official-gost2015-bundle/crl/nca_gost2022_test.crl"))
	if err != nil {
		t.Fatal(err)
	}
	cas := caFor(t, "GOST2015")
	crl, err := signer.ParseCRL(data, cas[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 54 {
		t.Errorf("%d entries", len(crl.RevokedCertificateEntries))
	}
	if _, err := signer.ParseCRL(data, cas[0]); !errors.Is(err, signer.ErrBadSignature) {
		t.Errorf("CRL verified with the wrong issuer: %v", err)
	}
	// The CRL (thisUpdate 2025-04-29, nextUpdate 2025-10-26) is out of
	// date at the bundle's time (2026-01-15): it is not relied on, and the
	// refusal names it.
	o := verifyOpts(t, "GOST2015", nil)
	o.Chain.CRLs = []*x509.RevocationList{crl}
	cms, _ := signer.SignCMS(ctx, []byte("x"), loadKey(t, "GOST2015"), &signer.CMSOptions{Time: time2026})
	if _, err := signer.VerifyCMS(cms, o); !errors.Is(err, signer.ErrStaleRevocation) || !strings.Contains(err.Error(), "no. 14") {
		t.Errorf("a stale CRL: %v", err)
	}
}

// FuzzParseCMS feeds mutated Kalkan samples to the CMS parser.
func FuzzParseCMS(f *testing.F) {
	for _, s := range kalkanCMSSamples(f) {
		f.Add(s.cms)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		info, err := signer.ParseCMS(in)
		if err == nil && len(info.Signers) == 0 {
			t.Fatal("parsed a CMS without signers")
		}
	})
}

// FuzzVerifyCMS runs the whole verifier on mutated RSA samples (GOST
// arithmetic is too slow under the fuzzer's instrumentation to explore).
func FuzzVerifyCMS(f *testing.F) {
	for _, s := range kalkanCMSSamples(f) {
		if s.family == "RSA" {
			f.Add(s.cms)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := signer.VerifyCMS(in, signer.VerifyOptions{NoChain: true, Data: bytes.NewReader([]byte("asdasd"))})
		if err == nil && len(res.Signers) == 0 {
			t.Fatal("verified without signers")
		}
	})
}

func TestParseCMS(t *testing.T) {
	for _, s := range kalkanCMSSamples(t) {
		info, err := signer.ParseCMS(s.cms)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if len(info.Signers) != 1 || info.Signers[0].Certificate == nil || info.Detached != (s.data != nil) || info.Signers[0].SigningTime.IsZero() {
			t.Errorf("%s: %+v", s.name, info)
		}
		if info.Signers[0].HasTimestamp != (s.family == "GOST2015") {
			t.Errorf("%s: timestamp %v", s.name, info.Signers[0].HasTimestamp)
		}
	}
	if _, err := signer.ParseCMS([]byte{0x30, 0x80}); !errors.Is(err, signer.ErrMalformed) {
		t.Errorf("truncated: %v", err)
	}
}

var _ = rand.Reader
