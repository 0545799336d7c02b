package signer

import (
	"crypto"
	"crypto/dsa"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/qoltanba/qoltanba/internal/gost"
)

// KeyAlgorithm is the kind of a signing key.
type KeyAlgorithm int

// Key algorithms. The String forms are NCALayer's names (getKeyInfo).
const (
	UnknownAlgorithm KeyAlgorithm = iota
	RSA
	ECDSA
	GOST2004 // GOST 34.310-2004 (GOST R 34.10-2001, CryptoPro-A curve, GOST 34.311-95 hash)
	GOST2015 // GOST 34.10-2015 512-bit (tc26 paramSetA, Streebog-512)
	// Russian keys (RFC 7091 OIDs, RFC 4490 CMS byte order): GOST R
	// 34.10-2012 with Streebog, any of the standard parameter sets.
	GOSTR2012_256
	GOSTR2012_512
)

func (a KeyAlgorithm) String() string {
	switch a {
	case RSA:
		return "RSA"
	case ECDSA:
		return "ECDSA"
	case GOST2004:
		return "ECGOST34310"
	case GOST2015:
		return "ECGOST3410-2015-512"
	case GOSTR2012_256:
		return "GOST3410-2012-256"
	case GOSTR2012_512:
		return "GOST3410-2012-512"
	}
	return "unknown"
}

// IsGOST reports whether a is a GOST algorithm (Kazakh or Russian).
func (a KeyAlgorithm) IsGOST() bool {
	return a == GOST2004 || a == GOST2015 || a == GOSTR2012_256 || a == GOSTR2012_512
}

// Profile is the byte order of a GOST key's signatures: Kalkan's for NCA's
// keys, RFC 4490/7091's for the Russian ones.
func (a KeyAlgorithm) Profile() GOSTProfile {
	if a == GOSTR2012_256 || a == GOSTR2012_512 {
		return ProfileRU
	}
	return ProfileKZ
}

// Object identifiers used by NCA, Kalkan and the standards.
var (
	OIDRSAEncryption    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	OIDSHA256WithRSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	OIDSHA384WithRSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	OIDSHA512WithRSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	OIDECPublicKey      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	OIDECDSAWithSHA256  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	OIDECDSAWithSHA384  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	OIDSHA1             = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	OIDSHA256           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDSHA384           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDSHA512           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	OIDGOST2004Key      = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 1, 1}
	OIDGOST2004Params   = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 1, 1, 1}
	OIDGOST2004Sig      = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 1, 2}
	OIDGOST34311        = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 3, 1}
	OIDGOST2015Key      = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 2, 2}
	OIDGOST2015Params   = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 2, 2, 1}
	OIDGOST2015Sig      = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 2, 3, 2}
	OIDGOST34112015_512 = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 3, 3}
	// Streebog under the Russian (TC 26) identifiers.
	OIDStreebog256 = asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 2, 2}
	OIDStreebog512 = asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 2, 3}
	// Russian GOST R 34.10-2012 keys and signatures (RFC 7091, RFC 9215).
	OIDGOSTR2012_256Key = asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 1, 1}
	OIDGOSTR2012_512Key = asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 1, 2}
	OIDGOSTR2012_256Sig = asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 3, 2}
	OIDGOSTR2012_512Sig = asn1.ObjectIdentifier{1, 2, 643, 7, 1, 1, 3, 3}
)

// NCA's curves.
var (
	curve2015 = gost.Tc26512A
	curve2004 = gost.CryptoProA
)

// Scheme describes how one key signs: its digest, the OIDs written into
// CMS, and the XMLDSig URIs.
type Scheme struct {
	Key       KeyAlgorithm
	Hash      crypto.Hash // 0 for GOST digests, which crypto.Hash does not know
	DigestOID asn1.ObjectIdentifier
	SigOID    asn1.ObjectIdentifier
	DigestURI string
	SigURI    string
}

// NewHash returns a fresh hash of the scheme's digest.
func (s Scheme) NewHash() hash.Hash {
	switch s.Key {
	case GOST2015, GOSTR2012_512:
		return gost.NewStreebog512()
	case GOSTR2012_256:
		return gost.NewStreebog256()
	case GOST2004:
		return gost.NewGOST94(&gost.SboxTest)
	}
	return s.Hash.New()
}

// HashFunc lets a Scheme serve as crypto.SignerOpts.
func (s Scheme) HashFunc() crypto.Hash { return s.Hash }

// Digest hashes data with the scheme's digest.
func (s Scheme) Digest(data []byte) []byte {
	h := s.NewHash()
	h.Write(data)
	return h.Sum(nil)
}

// DigestSize is the length of the scheme's digest in bytes.
func (s Scheme) DigestSize() int {
	switch s.Key {
	case GOST2015, GOSTR2012_512:
		return 64
	case GOST2004, GOSTR2012_256:
		return 32
	}
	return s.Hash.Size()
}

const (
	uriRSASHA256     = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	uriSHA256        = "http://www.w3.org/2001/04/xmlenc#sha256"
	uriECDSASHA256   = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	uriECDSASHA384   = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
	uriSHA384        = "http://www.w3.org/2001/04/xmldsig-more#sha384"
	uriGOST2004Sig   = "http://www.w3.org/2001/04/xmldsig-more#gost34310-gost34311"
	uriGOST2004Dig   = "http://www.w3.org/2001/04/xmldsig-more#gost34311"
	uriGOST2015Sig   = "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512"
	uriGOST2015Dig   = "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512"
	uriRU256Sig      = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256"
	uriRU256Dig      = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256"
	uriRU512Sig      = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-512"
	uriRU512Dig      = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-512"
	uriRSASHA512     = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	uriSHA512        = "http://www.w3.org/2001/04/xmlenc#sha512"
	uriRSASHA1       = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	uriSHA1          = "http://www.w3.org/2000/09/xmldsig#sha1"
	uriECDSASHA256v1 = uriECDSASHA256
)

var (
	schemeRSA      = Scheme{RSA, crypto.SHA256, OIDSHA256, OIDSHA256WithRSA, uriSHA256, uriRSASHA256}
	schemeP256     = Scheme{ECDSA, crypto.SHA256, OIDSHA256, OIDECDSAWithSHA256, uriSHA256, uriECDSASHA256}
	schemeP384     = Scheme{ECDSA, crypto.SHA384, OIDSHA384, OIDECDSAWithSHA384, uriSHA384, uriECDSASHA384}
	schemeGOST2004 = Scheme{GOST2004, 0, OIDGOST34311, OIDGOST2004Sig, uriGOST2004Dig, uriGOST2004Sig}
	schemeGOST2015 = Scheme{GOST2015, 0, OIDGOST34112015_512, OIDGOST2015Sig, uriGOST2015Dig, uriGOST2015Sig}
	schemeRU256    = Scheme{GOSTR2012_256, 0, OIDStreebog256, OIDGOSTR2012_256Sig, uriRU256Dig, uriRU256Sig}
	schemeRU512    = Scheme{GOSTR2012_512, 0, OIDStreebog512, OIDGOSTR2012_512Sig, uriRU512Dig, uriRU512Sig}
)

// gostScheme is the scheme of a GOST key algorithm.
func gostScheme(a KeyAlgorithm) Scheme {
	switch a {
	case GOST2004:
		return schemeGOST2004
	case GOSTR2012_256:
		return schemeRU256
	case GOSTR2012_512:
		return schemeRU512
	}
	return schemeGOST2015
}

// SchemeFor returns the signing scheme for a public key (as returned by
// [PublicKey]).
func SchemeFor(pub crypto.PublicKey) (Scheme, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return schemeRSA, nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P384() {
			return schemeP384, nil
		}
		if k.Curve == elliptic.P256() {
			return schemeP256, nil
		}
		return Scheme{}, fmt.Errorf("signer: unsupported ECDSA curve %s", k.Curve.Params().Name)
	case *GOSTPublicKey:
		return gostScheme(k.Alg), nil
	}
	return Scheme{}, fmt.Errorf("signer: %w: %s", ErrUnsupportedKey, keyTypeName(pub))
}

// keyTypeName names a key's algorithm in a person's words, never as a Go
// type: "Ed25519", "DSA", "an unknown kind".
func keyTypeName(k any) string {
	switch k.(type) {
	case ed25519.PublicKey, ed25519.PrivateKey, *ed25519.PrivateKey:
		return "Ed25519 (qoltanba signs with RSA, ECDSA P-256/P-384 and GOST keys)"
	case *dsa.PublicKey, *dsa.PrivateKey:
		return "DSA (qoltanba signs with RSA, ECDSA P-256/P-384 and GOST keys)"
	case *ecdh.PublicKey, *ecdh.PrivateKey:
		return "X25519/ECDH, a key for key agreement, not for signatures"
	}
	return "a kind qoltanba does not know (it signs with RSA, ECDSA P-256/P-384 and GOST keys)"
}

// GOSTPublicKey is a GOST public key with the algorithm it belongs to
// (which fixes its digest and its signatures' byte order).
type GOSTPublicKey struct {
	Alg KeyAlgorithm
	Key *gost.PublicKey
}

// Equal implements crypto.PublicKey's informal interface.
func (k *GOSTPublicKey) Equal(x crypto.PublicKey) bool {
	o, ok := x.(*GOSTPublicKey)
	return ok && o.Alg == k.Alg && k.Key.Equal(o.Key)
}

// Verify checks a signature in the key's byte order (Kalkan's for NCA's
// keys, RFC 4490's for Russian ones) over a digest as the hash outputs it.
func (k *GOSTPublicKey) Verify(digest, sig []byte) bool {
	return k.Key.VerifyDigest(curveDigest(digest), k.Alg.Profile().ToStandard(sig))
}

// ErrUnsupportedKey is returned for keys of an algorithm we do not handle.
var ErrUnsupportedKey = errors.New("unsupported key algorithm")

type spki struct {
	Algorithm struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	PublicKey asn1.BitString
}

// PublicKey returns the certificate's public key: *rsa.PublicKey,
// *ecdsa.PublicKey or *GOSTPublicKey.
func PublicKey(cert *x509.Certificate) (crypto.PublicKey, error) {
	switch cert.PublicKeyAlgorithm {
	case x509.RSA, x509.ECDSA:
		return cert.PublicKey, nil
	}
	k, err := parseGOSTPublicKey(cert.RawSubjectPublicKeyInfo)
	if err != nil {
		return nil, err // an untyped nil, not a nil *GOSTPublicKey
	}
	return k, nil
}

// parseGOSTPublicKey reads a GOST SubjectPublicKeyInfo and checks that
// its point is on the curve.
func parseGOSTPublicKey(rawSPKI []byte) (*GOSTPublicKey, error) {
	var info spki
	if rest, err := asn1.Unmarshal(rawSPKI, &info); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("signer: parse public key info: %w", errOr(err, "trailing data"))
	}
	alg, curve := gostCurve(info.Algorithm.Algorithm, info.Algorithm.Parameters.FullBytes)
	if curve == nil {
		return nil, fmt.Errorf("signer: public key %v: %w", info.Algorithm.Algorithm, ErrUnsupportedKey)
	}
	var raw []byte
	if _, err := asn1.Unmarshal(info.PublicKey.RightAlign(), &raw); err != nil {
		return nil, fmt.Errorf("signer: GOST public key octets: %w", err)
	}
	if len(raw) != 2*curve.PointSize {
		return nil, fmt.Errorf("%w: GOST public key is %d bytes, want %d", ErrMalformed, len(raw), 2*curve.PointSize)
	}
	pub, err := gost.NewPublicKeyLE(curve, raw) // refuses a point off the curve
	if err != nil {
		return nil, fmt.Errorf("%w: GOST public key: %v", ErrMalformed, err)
	}
	return &GOSTPublicKey{Alg: alg, Key: pub}, nil
}

// gostCurve returns the algorithm and curve of a GOST key OID: NCA's keys
// have one curve each; a Russian key names its parameter set in params
// (SEQUENCE { publicKeyParamSet OID, [digestParamSet OID] }).
func gostCurve(oid asn1.ObjectIdentifier, params []byte) (KeyAlgorithm, *gost.Curve) {
	switch {
	case oid.Equal(OIDGOST2015Key):
		return GOST2015, curve2015
	case oid.Equal(OIDGOST2004Key):
		return GOST2004, curve2004
	case oid.Equal(OIDGOSTR2012_256Key), oid.Equal(OIDGOSTR2012_512Key):
		var p struct {
			ParamSet asn1.ObjectIdentifier
			Rest     asn1.RawValue `asn1:"optional"`
		}
		if _, err := asn1.Unmarshal(params, &p); err != nil {
			return UnknownAlgorithm, nil
		}
		c := gost.CurveByOID(p.ParamSet)
		alg, size := GOSTR2012_256, 32
		if oid.Equal(OIDGOSTR2012_512Key) {
			alg, size = GOSTR2012_512, 64
		}
		if c == nil || c.PointSize != size {
			return UnknownAlgorithm, nil
		}
		return alg, c
	}
	return UnknownAlgorithm, nil
}

// AlgorithmOf returns the key algorithm of a certificate.
func AlgorithmOf(cert *x509.Certificate) KeyAlgorithm {
	pub, err := verificationKey(cert) // read only, never handed out
	if err != nil {
		return UnknownAlgorithm
	}
	s, err := SchemeFor(pub)
	if err != nil {
		return UnknownAlgorithm
	}
	return s.Key
}

// GOSTSigner is a crypto.Signer for a GOST private key that takes digests as
// the hash outputs them and returns signatures in the key's byte order
// (Kalkan's, or RFC 4490's for a Russian key).
type GOSTSigner struct {
	alg KeyAlgorithm
	key *gost.PrivateKey
	pub *GOSTPublicKey
}

// NewGOSTSigner wraps a GOST private key of the given algorithm.
func NewGOSTSigner(alg KeyAlgorithm, key *gost.PrivateKey) (*GOSTSigner, error) {
	return &GOSTSigner{alg: alg, key: key, pub: &GOSTPublicKey{Alg: alg, Key: key.PublicKey()}}, nil
}

// Public returns the *GOSTPublicKey.
func (s *GOSTSigner) Public() crypto.PublicKey { return s.pub }

// Sign signs a digest; opts is ignored.
func (s *GOSTSigner) Sign(rand io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	sig, err := s.key.SignDigest(curveDigest(digest), rand)
	if err != nil {
		return nil, err
	}
	return s.alg.Profile().FromStandard(sig), nil
}

type pkcs8 struct {
	Version   int
	Algorithm struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	PrivateKey []byte
	Attributes asn1.RawValue `asn1:"optional,tag:0"`
}

// ParsePKCS8PrivateKey parses an unencrypted PKCS#8 private key: RSA, ECDSA
// or GOST (NCA's OIDs). The returned Signer follows this package's GOST
// conventions. The caller should wipe der after the call.
func ParsePKCS8PrivateKey(der []byte) (crypto.Signer, error) {
	var p pkcs8
	if _, err := asn1.Unmarshal(der, &p); err != nil {
		return nil, fmt.Errorf("signer: parse PKCS#8: %w", err)
	}
	alg, curve := gostCurve(p.Algorithm.Algorithm, p.Algorithm.Parameters.FullBytes)
	if curve == nil {
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("signer: private key %v: %w", p.Algorithm.Algorithm, err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("signer: %w: %s", ErrUnsupportedKey, keyTypeName(k))
		}
		if _, err := SchemeFor(s.Public()); err != nil {
			return nil, err
		}
		return s, nil
	}
	var raw []byte
	var bigEndian bool
	var err error
	if alg.Profile() == ProfileRU && len(p.PrivateKey) == curve.PointSize {
		raw = append([]byte(nil), p.PrivateKey...) // OpenSSL's gost engine: the bare little-endian scalar
	} else if raw, bigEndian, err = gostPrivateScalar(p.PrivateKey); err != nil {
		return nil, err
	}
	defer clear(raw)
	var key *gost.PrivateKey
	if bigEndian {
		if len(raw) > curve.PointSize {
			return nil, errors.New("signer: GOST private key too long")
		}
		padded := make([]byte, curve.PointSize)
		copy(padded[len(padded)-len(raw):], raw)
		key, err = gost.NewPrivateKeyBE(curve, padded)
		clear(padded)
	} else {
		key, err = gost.NewPrivateKeyLE(curve, raw)
	}
	if err != nil {
		return nil, fmt.Errorf("signer: GOST private key: %w", err)
	}
	return NewGOSTSigner(alg, key)
}

// gostPrivateScalar unwraps the private key field: an OCTET STRING holding
// the little-endian scalar (2015), an INTEGER (big-endian, 2004), or the
// bare little-endian bytes.
func gostPrivateScalar(field []byte) (raw []byte, bigEndian bool, err error) {
	var v asn1.RawValue
	if rest, err := asn1.Unmarshal(field, &v); err == nil && len(rest) == 0 && v.Class == asn1.ClassUniversal {
		switch v.Tag {
		case asn1.TagOctetString:
			return append([]byte(nil), v.Bytes...), false, nil
		case asn1.TagInteger:
			b := v.Bytes
			for len(b) > 0 && b[0] == 0 {
				b = b[1:]
			}
			return append([]byte(nil), b...), true, nil
		}
	}
	if len(field) == 32 || len(field) == 64 {
		return append([]byte(nil), field...), false, nil
	}
	return nil, false, errors.New("signer: GOST private key has an unknown encoding")
}

// digestOIDHash maps a CMS digest algorithm OID to a hash constructor.
func hashForDigestOID(oid asn1.ObjectIdentifier) (func() hash.Hash, error) {
	switch {
	case oid.Equal(OIDSHA256):
		return sha256.New, nil
	case oid.Equal(OIDSHA384):
		return sha512.New384, nil
	case oid.Equal(OIDSHA512):
		return sha512.New, nil
	case oid.Equal(OIDGOST34112015_512), oid.Equal(OIDStreebog512):
		return func() hash.Hash { return gost.NewStreebog512() }, nil
	case oid.Equal(OIDStreebog256):
		return func() hash.Hash { return gost.NewStreebog256() }, nil
	case oid.Equal(OIDGOST34311):
		return func() hash.Hash { return gost.NewGOST94(&gost.SboxTest) }, nil
	}
	return nil, fmt.Errorf("signer: unsupported digest algorithm %v", oid)
}

func errOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}

// Wipe zeroes the private scalar. The signer must not be used afterwards.
func (s *GOSTSigner) Wipe() {
	if s.key != nil {
		s.key.Wipe()
	}
}

// Wiped reports whether Wipe has zeroed the key (for tests).
func (s *GOSTSigner) Wiped() bool { return s.key.Wiped() }

// ErrBadSignature is returned when a signature value does not verify.
var ErrBadSignature = errors.New("signature does not verify")

// VerifyDigest checks sig over digest with pub under scheme s.
func VerifyDigest(pub crypto.PublicKey, s Scheme, digest, sig []byte) error {
	return verifyWithDigestOID(pub, s.DigestOID, digest, sig)
}
