package signer

// CMS SignedData is built and parsed here with encoding/asn1 rather than a
// CMS library: the Go CMS/PKCS#7 packages (digitorus/pkcs7, mozilla pkcs7)
// know neither the Kazakh GOST OIDs nor Kalkan's byte order, and cannot
// co-sign or keep signed attributes byte-exact.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/qoltanba/qoltanba/internal/ber"
)

// KeyPair is what signing needs: a certificate and its private key.
type KeyPair struct {
	Certificate *x509.Certificate
	Signer      crypto.Signer
}

var (
	oidData               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidTSTInfo            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidAttrContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCertV2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidAttrSigningCertV1  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidAttrTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
)

var asn1Null = asn1.RawValue{FullBytes: []byte{5, 0}}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms []asn1.RawValue `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue   `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue   `asn1:"optional,tag:1"`
	SignerInfos      []asn1.RawValue `asn1:"set"`
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    algorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm algorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

// CMSOptions controls CMS creation.
type CMSOptions struct {
	// Detached leaves the content out of the CMS (the verifier needs it
	// separately). Signing a precomputed digest is always detached.
	Detached bool
	// Time is the signingTime attribute; zero means now.
	Time time.Time
	// TSA, when set, adds an RFC 3161 timestamp (CAdES-T).
	TSA *TSAClient
	// Rand is the randomness for the signature; nil means crypto/rand.
	Rand io.Reader
	// Attributes are extra signed attributes (the login's mark, see
	// LoginAttribute); ordinary signatures have none, as Kalkan's.
	Attributes []Attribute
}

func (o *CMSOptions) rand() io.Reader {
	if o == nil || o.Rand == nil {
		return rand.Reader
	}
	return o.Rand
}

func (o *CMSOptions) time() time.Time {
	if o == nil || o.Time.IsZero() {
		return time.Now()
	}
	return o.Time
}

// SignCMS signs data and returns a DER CMS ContentInfo. It takes the context
// for the optional timestamp request.
func SignCMS(ctx context.Context, data []byte, key KeyPair, opts *CMSOptions) ([]byte, error) {
	s, err := schemeOf(key)
	if err != nil {
		return nil, err
	}
	digest := s.Digest(data)
	var content []byte
	if opts == nil || !opts.Detached {
		content = data
	}
	return signCMS(ctx, oidData, digest, content, key, s, opts)
}

// SignCMSReader signs everything read from r as a detached CMS, streaming:
// memory stays flat whatever the size of the input.
func SignCMSReader(ctx context.Context, r io.Reader, key KeyPair, opts *CMSOptions) ([]byte, error) {
	s, err := schemeOf(key)
	if err != nil {
		return nil, err
	}
	h := s.NewHash()
	if _, err := io.CopyBuffer(h, r, make([]byte, 256<<10)); err != nil {
		return nil, fmt.Errorf("cms: read content: %w", err)
	}
	return signCMS(ctx, oidData, h.Sum(nil), nil, key, s, opts)
}

// SignCMSDigest makes a detached CMS whose messageDigest is the given
// digest (computed by the caller with the key's digest algorithm).
func SignCMSDigest(ctx context.Context, digest []byte, key KeyPair, opts *CMSOptions) ([]byte, error) {
	s, err := schemeOf(key)
	if err != nil {
		return nil, err
	}
	if len(digest) != s.DigestSize() {
		return nil, fmt.Errorf("cms: digest is %d bytes, %s needs %d", len(digest), s.Key, s.DigestSize())
	}
	return signCMS(ctx, oidData, digest, nil, key, s, opts)
}

func schemeOf(key KeyPair) (Scheme, error) {
	if key.Certificate == nil || key.Signer == nil {
		return Scheme{}, errors.New("cms: key pair without certificate or signer")
	}
	pub, err := PublicKey(key.Certificate)
	if err != nil {
		return Scheme{}, err
	}
	return SchemeFor(pub)
}

func signCMS(ctx context.Context, contentType asn1.ObjectIdentifier, digest, content []byte, key KeyPair, s Scheme, opts *CMSOptions) ([]byte, error) {
	si, err := makeSignerInfo(ctx, contentType, digest, key, s, opts)
	if err != nil {
		return nil, err
	}
	// One pass into a buffer sized for the result: the content (possibly
	// tens of MB) is copied once, not once per nesting level.
	digestAlg := mustMarshal(algorithmIdentifier{s.DigestOID, asn1Null})
	b := cryptobyte.NewBuilder(make([]byte, 0, len(content)+len(key.Certificate.Raw)+len(si)+len(digestAlg)+128))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(digestAlg) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo
					b.AddASN1ObjectIdentifier(contentType)
					if content != nil {
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1OctetString(content)
						})
					}
				})
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(key.Certificate.Raw) })
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(si) })
			})
		})
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("cms: encode: %w", err)
	}
	return out, nil
}

func marshalContentInfo(sd *signedData) ([]byte, error) {
	inner, err := asn1.Marshal(*sd)
	if err != nil {
		return nil, fmt.Errorf("cms: encode SignedData: %w", err)
	}
	return asn1.Marshal(contentInfo{ContentType: oidSignedData, Content: asn1.RawValue{FullBytes: explicit0(inner)}})
}

func explicit0(inner []byte) []byte {
	b, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner})
	return b
}

// makeSignerInfo builds one DER SignerInfo with Kalkan's signed attributes.
func makeSignerInfo(ctx context.Context, contentType asn1.ObjectIdentifier, digest []byte, key KeyPair, s Scheme, opts *CMSOptions) ([]byte, error) {
	certHash := sha256.Sum256(key.Certificate.Raw)
	// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
	// ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING } (SHA-256 default, no issuerSerial)
	essCert := mustMarshal(struct{ Certs []struct{ Hash []byte } }{Certs: []struct{ Hash []byte }{{certHash[:]}}})
	signingTime, err := asn1.MarshalWithParams(opts.time().UTC(), "utc")
	if err != nil {
		return nil, fmt.Errorf("cms: signing time: %w", err)
	}
	attrs := [][]byte{
		makeAttr(oidAttrContentType, mustMarshal(contentType)),
		makeAttr(oidAttrSigningTime, signingTime),
		makeAttr(oidAttrSigningCertV2, essCert),
		makeAttr(oidAttrMessageDigest, mustMarshal(digest)),
	}
	if opts != nil {
		for _, a := range opts.Attributes {
			attrs = append(attrs, makeRawAttr(a.Type, a.Value))
		}
	}
	slices.SortFunc(attrs, bytes.Compare) // DER SET OF order
	attrSet := bytes.Join(attrs, nil)
	toSign, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: attrSet})
	sig, err := SignData(key.Signer, opts.rand(), toSign, s)
	if err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}
	sid, err := asn1.Marshal(issuerAndSerial{asn1.RawValue{FullBytes: key.Certificate.RawIssuer}, key.Certificate.SerialNumber})
	if err != nil {
		return nil, err
	}
	si := signerInfo{
		Version:            1,
		SID:                asn1.RawValue{FullBytes: sid},
		DigestAlgorithm:    algorithmIdentifier{s.DigestOID, asn1Null},
		SignedAttrs:        asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: attrSet},
		SignatureAlgorithm: algorithmIdentifier{s.SigOID, asn1Null},
		Signature:          sig,
	}
	if opts != nil && opts.TSA != nil {
		tok, err := opts.TSA.Timestamp(ctx, s, sig)
		if err != nil {
			return nil, err
		}
		si.UnsignedAttrs = timestampAttr(tok)
	}
	return asn1.Marshal(si)
}

func timestampAttr(token []byte) asn1.RawValue {
	a := makeAttr(oidAttrTimeStampToken, token)
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: a}
}

// CoSignCMS adds a signer to an existing CMS SignedData (attached or
// detached; for detached, data is the signed content). Existing signers are
// kept byte for byte.
func CoSignCMS(ctx context.Context, cms, data []byte, key KeyPair, opts *CMSOptions) ([]byte, error) {
	s, err := schemeOf(key)
	if err != nil {
		return nil, err
	}
	sd, err := parseSignedData(cms)
	if err != nil {
		return nil, err
	}
	if sd.attached {
		if data != nil && !bytes.Equal(data, sd.content) {
			return nil, errors.New("cms: co-sign: given data differs from the attached content")
		}
		data = sd.content
	} else if data == nil {
		return nil, errors.New("cms: co-sign: detached CMS needs the signed data")
	}
	si, err := makeSignerInfo(ctx, sd.EncapContentInfo.EContentType, s.Digest(data), key, s, opts)
	if err != nil {
		return nil, err
	}
	dig := mustMarshal(algorithmIdentifier{s.DigestOID, asn1Null})
	if !slices.ContainsFunc(sd.DigestAlgorithms, func(v asn1.RawValue) bool { return sameAlg(v.FullBytes, s.DigestOID) }) {
		sd.DigestAlgorithms = append(sd.DigestAlgorithms, asn1.RawValue{FullBytes: dig})
	}
	if !bytes.Contains(sd.Certificates.Bytes, key.Certificate.Raw) {
		sd.Certificates = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true,
			Bytes: append(bytes.Clone(sd.Certificates.Bytes), key.Certificate.Raw...)}
	}
	sd.SignerInfos = append(sd.SignerInfos, asn1.RawValue{FullBytes: si})
	return marshalContentInfo(&sd.signedData)
}

func sameAlg(der []byte, oid asn1.ObjectIdentifier) bool {
	var a algorithmIdentifier
	_, err := asn1.Unmarshal(der, &a)
	return err == nil && a.Algorithm.Equal(oid)
}

// AddTimestamp adds an RFC 3161 timestamp to every signer of a CMS that does
// not have one yet (NCALayer's applyCAdEST).
func AddTimestamp(ctx context.Context, cms []byte, tsa *TSAClient) ([]byte, error) {
	sd, err := parseSignedData(cms)
	if err != nil {
		return nil, err
	}
	for i, raw := range sd.SignerInfos {
		var si signerInfo
		if _, err := asn1.Unmarshal(raw.FullBytes, &si); err != nil {
			return nil, fmt.Errorf("cms: signer %d: %w", i, err)
		}
		if findAttr(si.UnsignedAttrs.Bytes, oidAttrTimeStampToken) != nil {
			continue
		}
		s, err := schemeForDigestOID(si.DigestAlgorithm.Algorithm)
		if err != nil {
			return nil, fmt.Errorf("cms: signer %d: %w", i, err)
		}
		tok, err := tsa.Timestamp(ctx, s, si.Signature)
		if err != nil {
			return nil, err
		}
		ta := timestampAttr(tok)
		si.UnsignedAttrs = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true,
			Bytes: append(bytes.Clone(si.UnsignedAttrs.Bytes), ta.Bytes...)}
		b, err := asn1.Marshal(si)
		if err != nil {
			return nil, err
		}
		sd.SignerInfos[i] = asn1.RawValue{FullBytes: b}
	}
	return marshalContentInfo(&sd.signedData)
}

// schemeForDigestOID picks a scheme with the given digest, for hashing only.
func schemeForDigestOID(oid asn1.ObjectIdentifier) (Scheme, error) {
	for _, s := range []Scheme{schemeRSA, schemeP384, schemeGOST2004, schemeGOST2015} {
		if s.DigestOID.Equal(oid) {
			return s, nil
		}
	}
	return Scheme{}, fmt.Errorf("cms: unsupported digest algorithm %v", oid)
}

// MaxCMSSize bounds the CMS a parser accepts (documents of tens of MB fit).
const MaxCMSSize = 256 << 20

type parsedSignedData struct {
	signedData
	raw      []byte // DER of the ContentInfo
	content  []byte // the encapsulated content, nil when detached
	attached bool
}

// parseSignedData reads a CMS ContentInfo (BER or DER) holding SignedData.
func parseSignedData(in []byte) (*parsedSignedData, error) {
	if len(in) > MaxCMSSize {
		return nil, fmt.Errorf("%w: CMS larger than %d bytes", ErrMalformed, MaxCMSSize)
	}
	der, err := ber.ToDER(in)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var ci contentInfo
	if rest, err := asn1.Unmarshal(der, &ci); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: ContentInfo: %v", ErrMalformed, errOr(err, "trailing data"))
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("%w: content type %v is not signedData", ErrMalformed, ci.ContentType)
	}
	var sd signedData
	if rest, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: SignedData: %v", ErrMalformed, errOr(err, "trailing data"))
	}
	if len(sd.SignerInfos) == 0 {
		return nil, fmt.Errorf("%w: no signers", ErrMalformed)
	}
	p := &parsedSignedData{signedData: sd, raw: der}
	if ec := sd.EncapContentInfo.EContent; len(ec.Bytes) > 0 || ec.IsCompound {
		if _, err := asn1.Unmarshal(ec.Bytes, &p.content); err != nil {
			return nil, fmt.Errorf("%w: eContent: %v", ErrMalformed, err)
		}
		p.attached = true
	}
	return p, nil
}

// parseWithCertificates parses a CMS and the certificates it carries.
func parseWithCertificates(in []byte) (*parsedSignedData, []*x509.Certificate, error) {
	sd, err := parseSignedData(in)
	if err != nil {
		return nil, nil, err
	}
	certs, err := sd.certificates()
	if err != nil {
		return nil, nil, err
	}
	return sd, certs, nil
}

func (sd *parsedSignedData) certificates() ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := sd.Certificates.Bytes
	for len(rest) > 0 {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			return nil, fmt.Errorf("%w: certificates: %v", ErrMalformed, err)
		}
		if v.Class != asn1.ClassUniversal || v.Tag != asn1.TagSequence {
			continue // attribute certificates and other choices
		}
		c, err := x509.ParseCertificate(v.FullBytes)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate: %v", ErrMalformed, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// makeRawAttr encodes an Attribute whose type is given as DER.
func makeRawAttr(oidDER, value []byte) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(oidDER)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(value) })
	})
	return b.BytesOrPanic()
}

// makeAttr encodes an Attribute with one value (DER).
func makeAttr(oid asn1.ObjectIdentifier, value []byte) []byte {
	return mustMarshal(attribute{oid, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: value}})
}

// findAttr returns the first value of attribute oid in a concatenation of
// DER Attributes, or nil. Attribute types are compared as DER, so an
// attribute whose OID encoding/asn1 cannot hold (qoltanba's 2.25 arc) is
// skipped, not an end to the search.
func findAttr(attrs []byte, oid asn1.ObjectIdentifier) []byte {
	if v := attrValues(attrs, mustMarshal(oid)); len(v) > 0 {
		return v[0]
	}
	return nil
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
