package signer

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// Verification errors; a *SignerError wraps them with the signer's index.
var (
	ErrMalformed          = errors.New("malformed signature")
	ErrMessageDigest      = errors.New("content does not match the signed digest")
	ErrSigningCertificate = errors.New("signingCertificate attribute does not match the signer certificate")
	ErrSignerNotFound     = errors.New("signer certificate not in the signature")
	ErrContentMissing     = errors.New("detached signature: the signed content is needed")
)

// SignerError says which signer failed and why.
type SignerError struct {
	Index   int
	Subject string
	Err     error
}

func (e *SignerError) Error() string {
	if e.Subject != "" {
		return fmt.Sprintf("signer %d (%s): %v", e.Index+1, e.Subject, e.Err)
	}
	return fmt.Sprintf("signer %d: %v", e.Index+1, e.Err)
}

func (e *SignerError) Unwrap() error { return e.Err }

// VerifyOptions controls verification.
type VerifyOptions struct {
	// Data is the content of a detached CMS (ignored for attached).
	Data io.Reader
	// Chain says what to trust; see ChainOptions. Its Time is also the
	// time at which certificates must be valid.
	Chain ChainOptions
	// TSARoots are the CAs trusted for timestamp tokens. NCA's test
	// signatures carry tokens from the production TSA, so these are kept
	// apart from Chain.Roots. Without them a token's signature and imprint
	// are checked but not its chain (VerifiedSigner.TimestampTrusted false).
	TSARoots []*x509.Certificate
	// NoChain skips the certificate chain (signatures and attributes are
	// still checked); the result then proves integrity, not identity.
	NoChain bool
}

// VerifiedSigner is one signer that passed verification.
type VerifiedSigner struct {
	Certificate *x509.Certificate
	Chain       []*x509.Certificate // leaf first; nil with NoChain
	Identity    Identity
	SigningTime time.Time // from the signingTime attribute (zero if absent)
	Timestamp   time.Time // genTime of the RFC 3161 token (zero if absent)
	// TimestampTrusted is true when the token's TSA certificate chained to
	// VerifyOptions.TSARoots.
	TimestampTrusted bool

	signedAttrs []byte         // CMS: the signed attributes (DER, concatenated)
	references  []xmlReference // XML: SignedInfo's references
}

// xmlReference is what IsLogin needs of a verified ds:Reference.
type xmlReference struct {
	uri, typ  string
	enveloped bool
}

// CMSResult is a verified CMS.
type CMSResult struct {
	Signers  []VerifiedSigner
	Content  []byte // the attached content (nil when detached)
	Detached bool
}

// VerifyCMS verifies every signer of a CMS SignedData (DER or BER): the
// messageDigest against the content, the signature over the signed
// attributes, signingCertificate(V2), the timestamp token when present, the
// certificate chain and revocation. All signers must verify.
func VerifyCMS(cms []byte, opts VerifyOptions) (*CMSResult, error) {
	sd, certs, err := parseWithCertificates(cms)
	if err != nil {
		return nil, err
	}
	res := &CMSResult{Detached: !sd.attached, Content: sd.content}
	// Hash the content once per digest algorithm used.
	sis := make([]signerInfo, len(sd.SignerInfos))
	oids := map[string]asn1.ObjectIdentifier{}
	for i, raw := range sd.SignerInfos {
		if rest, err := asn1.Unmarshal(raw.FullBytes, &sis[i]); err != nil || len(rest) != 0 {
			return nil, &SignerError{Index: i, Err: fmt.Errorf("%w: SignerInfo: %v", ErrMalformed, errOr(err, "trailing data"))}
		}
		oids[sis[i].DigestAlgorithm.Algorithm.String()] = sis[i].DigestAlgorithm.Algorithm
	}
	digests, err := hashContent(oids, sd.content, sd.attached, opts.Data)
	if err != nil {
		return nil, err
	}
	for i := range sis {
		vs, err := verifySignerInfo(&sis[i], certs, digests[sis[i].DigestAlgorithm.Algorithm.String()], oidData, opts, true)
		if err != nil {
			se := &SignerError{Index: i, Err: err}
			if vs != nil {
				se.Subject = vs.Certificate.Subject.CommonName
			}
			return nil, se
		}
		res.Signers = append(res.Signers, *vs)
	}
	return res, nil
}

// hashContent hashes the content once with every digest algorithm in
// oids (keyed by their string form).
func hashContent(oids map[string]asn1.ObjectIdentifier, content []byte, attached bool, data io.Reader) (map[string][]byte, error) {
	if !attached && data == nil {
		return nil, ErrContentMissing
	}
	hs := map[string]hash.Hash{}
	var ws []io.Writer
	for k, oid := range oids {
		nh, err := hashForDigestOID(oid)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		hs[k] = nh()
		ws = append(ws, hs[k])
	}
	w := io.MultiWriter(ws...)
	if attached {
		w.Write(content)
	} else if _, err := io.CopyBuffer(w, data, make([]byte, 256<<10)); err != nil {
		return nil, fmt.Errorf("read content: %w", err)
	}
	out := map[string][]byte{}
	for k, h := range hs {
		out[k] = h.Sum(nil)
	}
	return out, nil
}

// verifySignerInfo checks one signer. wantType is the eContentType the
// contentType attribute must name; withTimestamp allows a timestamp token.
func verifySignerInfo(si *signerInfo, certs []*x509.Certificate, contentDigest []byte, wantType asn1.ObjectIdentifier, opts VerifyOptions, withTimestamp bool) (*VerifiedSigner, error) {
	cert, err := findSigner(si, certs)
	if err != nil {
		return nil, err
	}
	vs := &VerifiedSigner{Certificate: cert, Identity: IdentityOf(cert)}
	pub, err := verificationKey(cert)
	if err != nil {
		return vs, err
	}
	digestOID := si.DigestAlgorithm.Algorithm
	nh, err := hashForDigestOID(digestOID)
	if err != nil {
		return vs, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var signedDigest []byte
	if len(si.SignedAttrs.Bytes) > 0 {
		attrs := si.SignedAttrs.Bytes
		md := findAttr(attrs, oidAttrMessageDigest)
		var mdv []byte
		if md == nil {
			return vs, fmt.Errorf("%w: no messageDigest attribute", ErrMalformed)
		}
		if _, err := asn1.Unmarshal(md, &mdv); err != nil {
			return vs, fmt.Errorf("%w: messageDigest: %v", ErrMalformed, err)
		}
		if !bytes.Equal(mdv, contentDigest) {
			return vs, ErrMessageDigest
		}
		if ct := findAttr(attrs, oidAttrContentType); ct != nil {
			var oid asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(ct, &oid); err != nil || !oid.Equal(wantType) {
				return vs, fmt.Errorf("%w: contentType attribute %v, want %v", ErrMalformed, oid, wantType)
			}
		}
		if st := findAttr(attrs, oidAttrSigningTime); st != nil {
			var t time.Time
			if _, err := asn1.Unmarshal(st, &t); err == nil {
				vs.SigningTime = t
			}
		}
		if err := checkSigningCertificate(attrs, cert); err != nil {
			return vs, err
		}
		vs.signedAttrs = attrs
		set, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: attrs})
		h := nh()
		h.Write(set)
		signedDigest = h.Sum(nil)
	} else {
		signedDigest = contentDigest
	}
	if err := verifyWithDigestOID(pub, digestOID, signedDigest, si.Signature); err != nil {
		return vs, err
	}
	if tok := findAttr(si.UnsignedAttrs.Bytes, oidAttrTimeStampToken); tok != nil {
		if !withTimestamp {
			return vs, fmt.Errorf("%w: nested timestamp", ErrMalformed)
		}
		info, err := verifyTimestampToken(tok, opts)
		if err != nil {
			return vs, err
		}
		if err := info.covers(si.Signature); err != nil {
			return vs, err
		}
		vs.Timestamp = info.GenTime
		vs.TimestampTrusted = !opts.NoChain && len(opts.TSARoots) > 0
	}
	if !opts.NoChain {
		chain, err := VerifyChain(cert, withIntermediates(opts.Chain, certs))
		if err != nil {
			return vs, err
		}
		vs.Chain = chain
	}
	return vs, nil
}

func withIntermediates(o ChainOptions, certs []*x509.Certificate) ChainOptions {
	o.Intermediates = append(append([]*x509.Certificate{}, o.Intermediates...), certs...)
	return o
}

func findSigner(si *signerInfo, certs []*x509.Certificate) (*x509.Certificate, error) {
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(si.SID.FullBytes, &ias); err == nil && si.SID.Tag == asn1.TagSequence {
		for _, c := range certs {
			if c.SerialNumber.Cmp(ias.Serial) == 0 && bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) {
				return c, nil
			}
		}
		return nil, ErrSignerNotFound
	}
	if si.SID.Class == asn1.ClassContextSpecific && si.SID.Tag == 0 {
		for _, c := range certs {
			if bytes.Equal(c.SubjectKeyId, si.SID.Bytes) {
				return c, nil
			}
		}
		return nil, ErrSignerNotFound
	}
	return nil, fmt.Errorf("%w: unknown signer identifier", ErrMalformed)
}

// checkSigningCertificate compares the ESS signingCertificate(V2) hash, when
// present, with the signer certificate (OpenSSL does not check this).
func checkSigningCertificate(attrs []byte, cert *x509.Certificate) error {
	if v2 := findAttr(attrs, oidAttrSigningCertV2); v2 != nil {
		var sc struct {
			Certs []asn1.RawValue
		}
		if _, err := asn1.Unmarshal(v2, &sc); err != nil || len(sc.Certs) == 0 {
			return fmt.Errorf("%w: signingCertificateV2", ErrMalformed)
		}
		// ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }
		rest := sc.Certs[0].Bytes
		alg := OIDSHA256
		var first asn1.RawValue
		r2, err := asn1.Unmarshal(rest, &first)
		if err != nil {
			return fmt.Errorf("%w: ESSCertIDv2", ErrMalformed)
		}
		var certHash []byte
		if first.Tag == asn1.TagSequence {
			var ai algorithmIdentifier
			if _, err := asn1.Unmarshal(first.FullBytes, &ai); err != nil {
				return fmt.Errorf("%w: ESSCertIDv2 algorithm", ErrMalformed)
			}
			alg = ai.Algorithm
			if _, err := asn1.Unmarshal(r2, &certHash); err != nil {
				return fmt.Errorf("%w: ESSCertIDv2 hash", ErrMalformed)
			}
		} else if _, err := asn1.Unmarshal(first.FullBytes, &certHash); err != nil {
			return fmt.Errorf("%w: ESSCertIDv2 hash", ErrMalformed)
		}
		nh, err := hashForDigestOID(alg)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		h := nh()
		h.Write(cert.Raw)
		if !bytes.Equal(h.Sum(nil), certHash) {
			return ErrSigningCertificate
		}
		return nil
	}
	if v1 := findAttr(attrs, oidAttrSigningCertV1); v1 != nil {
		var sc struct {
			Certs []struct {
				Hash []byte
				Rest asn1.RawValue `asn1:"optional"`
			}
		}
		if _, err := asn1.Unmarshal(v1, &sc); err != nil || len(sc.Certs) == 0 {
			return fmt.Errorf("%w: signingCertificate", ErrMalformed)
		}
		sum := sha1.Sum(cert.Raw)
		if !bytes.Equal(sum[:], sc.Certs[0].Hash) {
			return ErrSigningCertificate
		}
	}
	return nil
}

// verifyWithDigestOID checks a signature over a digest made with digestOID.
func verifyWithDigestOID(pub crypto.PublicKey, digestOID asn1.ObjectIdentifier, digest, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		h := cryptoHashOf(digestOID)
		if h == 0 {
			return fmt.Errorf("%w: RSA with digest %v", ErrUnsupportedKey, digestOID)
		}
		if rsa.VerifyPKCS1v15(k, h, digest, sig) != nil {
			return ErrBadSignature
		}
		return nil
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return ErrBadSignature
		}
		return nil
	case *GOSTPublicKey:
		if !k.Verify(digest, sig) {
			return ErrBadSignature
		}
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUnsupportedKey, keyTypeName(pub))
}

func cryptoHashOf(oid asn1.ObjectIdentifier) crypto.Hash {
	switch {
	case oid.Equal(OIDSHA256):
		return crypto.SHA256
	case oid.Equal(OIDSHA384):
		return crypto.SHA384
	case oid.Equal(OIDSHA512):
		return crypto.SHA512
	case oid.Equal(OIDSHA1):
		return crypto.SHA1
	}
	return 0
}

// verifyTimestampToken checks an RFC 3161 token: its CMS signature and the
// TSA chain unless NoChain. What it stamps is the caller's to check
// (tstInfo.covers, or the exact imprint a client asked for).
func verifyTimestampToken(token []byte, opts VerifyOptions) (*tstInfo, error) {
	sd, err := parseSignedData(token)
	if err != nil {
		return nil, fmt.Errorf("%w: token: %v", ErrTimestamp, err)
	}
	if !sd.EncapContentInfo.EContentType.Equal(oidTSTInfo) {
		return nil, fmt.Errorf("%w: token content is not TSTInfo", ErrTimestamp)
	}
	content := sd.content
	if !sd.attached {
		return nil, fmt.Errorf("%w: token without TSTInfo", ErrTimestamp)
	}
	var info tstInfo
	if _, err := asn1.Unmarshal(content, &info); err != nil {
		return nil, fmt.Errorf("%w: TSTInfo: %v", ErrTimestamp, err)
	}
	certs, err := sd.certificates()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTimestamp, err)
	}
	var si signerInfo
	if _, err := asn1.Unmarshal(sd.SignerInfos[0].FullBytes, &si); err != nil {
		return nil, fmt.Errorf("%w: token signer: %v", ErrTimestamp, err)
	}
	nh, err := hashForDigestOID(si.DigestAlgorithm.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTimestamp, err)
	}
	h := nh()
	h.Write(content)
	topts := VerifyOptions{
		NoChain: opts.NoChain || len(opts.TSARoots) == 0,
		// the TSA certificate must be valid when it stamped
		Chain: ChainOptions{Roots: opts.TSARoots, CRLs: opts.Chain.CRLs, CRLURLs: opts.Chain.CRLURLs, Time: info.GenTime},
	}
	if _, err := verifySignerInfo(&si, certs, h.Sum(nil), oidTSTInfo, topts, false); err != nil {
		return nil, fmt.Errorf("%w: token: %w", ErrTimestamp, err)
	}
	return &info, nil
}

// covers reports whether the token stamps this signature value: its imprint
// is the signature hashed with the algorithm the token names, whichever of
// the allowed ones (Kalkan has NCA's TSA stamp a GOST-2015 signature with
// a GOST 34.311-95 imprint; others use the signer's own digest).
func (info *tstInfo) covers(signature []byte) error {
	oid := info.MessageImprint.HashAlgorithm.Algorithm
	if !imprintAlgorithm(oid) {
		return fmt.Errorf("%w: imprint algorithm %v is not accepted", ErrTimestamp, oid)
	}
	nh, err := hashForDigestOID(oid)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTimestamp, err)
	}
	h := nh()
	h.Write(signature)
	if !bytes.Equal(info.MessageImprint.HashedMessage, h.Sum(nil)) {
		return fmt.Errorf("%w: token is over another signature", ErrTimestamp)
	}
	return nil
}

// imprintAlgorithm: the digests a timestamp imprint may use (not SHA-1).
func imprintAlgorithm(oid asn1.ObjectIdentifier) bool {
	for _, ok := range []asn1.ObjectIdentifier{OIDSHA256, OIDSHA384, OIDSHA512, OIDGOST34311, OIDGOST34112015_512, OIDStreebog256, OIDStreebog512} {
		if oid.Equal(ok) {
			return true
		}
	}
	return false
}

// pemOrDER returns the DER inside a PEM block of the given type, or data.
func pemOrDER(data []byte, typ string) []byte {
	if b, _ := pem.Decode(data); b != nil && (typ == "" || b.Type == typ) {
		return b.Bytes
	}
	return data
}

// CMSInfo is what a CMS says about itself, unverified.
type CMSInfo struct {
	Content      []byte // attached content, nil when detached
	Detached     bool
	Certificates []*x509.Certificate
	Signers      []CMSSignerInfo
}

// CMSSignerInfo describes one signer, unverified.
type CMSSignerInfo struct {
	Certificate  *x509.Certificate // nil when not in the CMS
	DigestOID    asn1.ObjectIdentifier
	SigningTime  time.Time
	HasTimestamp bool
}

// ParseCMS reads a CMS SignedData without verifying anything: for display
// and for deciding how to verify. Use VerifyCMS before trusting any field.
func ParseCMS(cms []byte) (*CMSInfo, error) {
	sd, certs, err := parseWithCertificates(cms)
	if err != nil {
		return nil, err
	}
	info := &CMSInfo{Detached: !sd.attached, Certificates: certs, Content: sd.content}
	for i, raw := range sd.SignerInfos {
		var si signerInfo
		if rest, err := asn1.Unmarshal(raw.FullBytes, &si); err != nil || len(rest) != 0 {
			return nil, &SignerError{Index: i, Err: fmt.Errorf("%w: SignerInfo: %v", ErrMalformed, errOr(err, "trailing data"))}
		}
		s := CMSSignerInfo{DigestOID: si.DigestAlgorithm.Algorithm,
			HasTimestamp: findAttr(si.UnsignedAttrs.Bytes, oidAttrTimeStampToken) != nil}
		s.Certificate, _ = findSigner(&si, certs)
		if st := findAttr(si.SignedAttrs.Bytes, oidAttrSigningTime); st != nil {
			asn1.Unmarshal(st, &s.SigningTime)
		}
		info.Signers = append(info.Signers, s)
	}
	return info, nil
}

// DecodeCMSText accepts a CMS as it arrives from pages and files: DER, PEM
// (any label, e.g. NCALayer's "CMS") or bare base64. It returns the DER
// bytes (or the input unchanged when it is none of the text forms).
func DecodeCMSText(b []byte) []byte {
	if p, _ := pem.Decode(b); p != nil {
		return p.Bytes
	}
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] != 0x30 {
		if d, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(t), nil))); err == nil {
			return d
		}
	}
	return b
}
