package signer

// Certificate chains are checked here rather than with x509.Verify because
// crypto/x509 cannot verify GOST signatures, and NCA's chains are GOST.

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"
)

var (
	// ErrUntrusted means no chain leads to a given CA certificate.
	ErrUntrusted = errors.New("certificate does not chain to a trusted CA")
	// ErrExpired means a certificate was not valid at the validation time.
	ErrExpired = errors.New("certificate not valid at the validation time")
	// ErrRevoked means a given CRL lists the certificate.
	ErrRevoked = errors.New("certificate revoked")
)

type rawSigned struct {
	TBS       asn1.RawValue
	Algorithm algorithmIdentifier
	Signature asn1.BitString
	Rest      asn1.RawValue `asn1:"optional,explicit,tag:0"` // OCSP responses carry certificates here
}

// CheckSigned verifies a signed structure SEQUENCE { tbs, algorithm,
// signature BIT STRING, ... } (a certificate, a CRL, an OCSP
// BasicOCSPResponse) with the signer's certificate: RSA, ECDSA or GOST.
func CheckSigned(raw []byte, by *x509.Certificate) error { return checkSignedBy(raw, by) }

// checkSignedBy verifies a certificate's or CRL's signature (raw is the
// whole signed structure) with the issuer's public key.
func checkSignedBy(raw []byte, issuer *x509.Certificate) error {
	var rs rawSigned
	if _, err := asn1.Unmarshal(raw, &rs); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	pub, err := verificationKey(issuer)
	if err != nil {
		return err
	}
	if gk, ok := pub.(*GOSTPublicKey); ok {
		s := gostScheme(gk.Alg)
		if !gk.Verify(s.Digest(rs.TBS.FullBytes), rs.Signature.RightAlign()) {
			return ErrBadSignature
		}
		return nil
	}
	// RSA/ECDSA: let crypto/x509 map the algorithm and verify.
	alg := sigAlgFromOID(rs.Algorithm.Algorithm)
	if alg == x509.UnknownSignatureAlgorithm {
		return fmt.Errorf("signature algorithm %v: %w", rs.Algorithm.Algorithm, ErrUnsupportedKey)
	}
	if err := issuer.CheckSignature(alg, rs.TBS.FullBytes, rs.Signature.RightAlign()); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}

func sigAlgFromOID(oid asn1.ObjectIdentifier) x509.SignatureAlgorithm {
	switch {
	case oid.Equal(OIDSHA256WithRSA):
		return x509.SHA256WithRSA
	case oid.Equal(OIDSHA384WithRSA):
		return x509.SHA384WithRSA
	case oid.Equal(OIDSHA512WithRSA):
		return x509.SHA512WithRSA
	case oid.Equal(OIDECDSAWithSHA256):
		return x509.ECDSAWithSHA256
	case oid.Equal(OIDECDSAWithSHA384):
		return x509.ECDSAWithSHA384
	}
	return x509.UnknownSignatureAlgorithm
}

// ChainOptions says what to trust and when.
type ChainOptions struct {
	// Roots are the trusted CA certificates. A chain ends at a
	// self-signed one; a trusted intermediate ends it only when its own
	// issuer is not at hand (otherwise that link is checked too).
	Roots []*x509.Certificate
	// Intermediates are further certificates to build the chain from.
	Intermediates []*x509.Certificate
	// CRLs are revocation lists to check every certificate of the chain
	// against. A CRL counts only for the certificates of its own issuer
	// (same issuer name, the issuer's key identifier when both name one,
	// the issuer's signature) and only until its nextUpdate. A certificate
	// whose issuer is named by a CRL that does not count (signed by
	// another key, stale) is refused with ErrStaleRevocation unless a
	// complete CRL of that issuer which counts is given too.
	CRLs []*x509.RevocationList
	// CRLURLs are the CRL distribution points whose CRLs the caller keeps
	// (fetched into CRLs). A certificate that names one of them (exactly
	// as written in its CRL distribution points) must be covered by a
	// current complete CRL of its issuer, or it is refused with
	// ErrStaleRevocation: whatever was fetched from that URL, another
	// CA's CRL or none, cannot make a revoked certificate pass.
	CRLURLs []string
	// Time is the validation time; zero means now.
	Time time.Time
	// CheckLink, when set, verifies a certificate's signature by a
	// candidate issuer in place of CheckSigned(cert.Raw, issuer) (a
	// caller's cache of verified links, signer/verify). It must give
	// CheckSigned's answer; validity, CA flags and CRLs are checked here
	// whatever it says.
	CheckLink func(cert, issuer *x509.Certificate) error
}

func (o *ChainOptions) at() time.Time {
	if o.Time.IsZero() {
		return time.Now()
	}
	return o.Time
}

// VerifyChain builds a chain from leaf to one of opts.Roots, verifying
// every signature (RSA, ECDSA, GOST), validity at opts.Time, CA flags and
// the given CRLs. It returns the chain, leaf first.
func VerifyChain(leaf *x509.Certificate, opts ChainOptions) ([]*x509.Certificate, error) {
	at := opts.at()
	if len(opts.Roots) == 0 {
		return nil, fmt.Errorf("%w: no trusted CA certificates given", ErrUntrusted)
	}
	chain := []*x509.Certificate{leaf}
	cur := leaf
	for depth := 0; ; depth++ {
		if at.Before(cur.NotBefore) || at.After(cur.NotAfter) {
			return nil, fmt.Errorf("%w: %q valid %s to %s, checked at %s", ErrExpired, cur.Subject.CommonName,
				cur.NotBefore.Format(time.RFC3339), cur.NotAfter.Format(time.RFC3339), at.Format(time.RFC3339))
		}
		anchor := isIn(cur, opts.Roots)
		if anchor && bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			return chain, nil
		}
		if depth > 8 {
			return nil, fmt.Errorf("%w: chain too long", ErrUntrusted)
		}
		var next *x509.Certificate
		var lastErr error
		for _, cand := range append(append([]*x509.Certificate{}, opts.Roots...), opts.Intermediates...) {
			if !bytes.Equal(cand.RawSubject, cur.RawIssuer) || cand.Equal(cur) {
				continue
			}
			if len(cur.AuthorityKeyId) > 0 && len(cand.SubjectKeyId) > 0 && !bytes.Equal(cur.AuthorityKeyId, cand.SubjectKeyId) {
				continue
			}
			if cand.BasicConstraintsValid && !cand.IsCA {
				continue
			}
			check := opts.CheckLink
			if check == nil {
				check = func(c, by *x509.Certificate) error { return checkSignedBy(c.Raw, by) }
			}
			if err := check(cur, cand); err != nil {
				lastErr = err
				continue
			}
			next = cand
			break
		}
		if next == nil && anchor && lastErr == nil {
			// A trusted intermediate whose issuer was not given.
			return chain, nil
		}
		if next == nil {
			if lastErr != nil {
				return nil, fmt.Errorf("%w: %q: issuer signature: %v", ErrUntrusted, cur.Subject.CommonName, lastErr)
			}
			return nil, fmt.Errorf("%w: issuer of %q not found", ErrUntrusted, cur.Subject.CommonName)
		}
		if err := checkRevoked(cur, next, &opts, at); err != nil {
			return nil, err
		}
		chain = append(chain, next)
		cur = next
	}
}

func isIn(c *x509.Certificate, set []*x509.Certificate) bool {
	for _, s := range set {
		if s.Equal(c) {
			return true
		}
	}
	return false
}

// checkRevoked looks c up in the CRLs of its issuer. A CRL counts for c
// only when it is issuer's own (CRLIssuedBy: c's issuer name, issuer's key
// identifier, issuer's signature) and current at at (CRLCurrent). A CRL
// that names c's issuer but does not count (another key, a bad signature,
// past its nextUpdate, a narrower scope: CRLScope) fails closed unless a complete CRL of the issuer
// that counts is also given; so does a certificate that names one of
// opts.CRLURLs as its CRL distribution point when no such CRL is given. A
// delta CRL's entries are looked up, but it alone does not cover c.
func checkRevoked(c, issuer *x509.Certificate, opts *ChainOptions, at time.Time) error {
	covered := false
	var unusable error // why a CRL naming this issuer did not count
	for _, crl := range opts.CRLs {
		if !bytes.Equal(crl.RawIssuer, c.RawIssuer) {
			continue
		}
		if err := CRLIssuedBy(crl, issuer); err != nil {
			unusable = err
			continue
		}
		if err := CRLCurrent(crl, at); err != nil {
			unusable = err
			continue
		}
		if err := CRLScope(crl); err != nil {
			unusable = err
			continue
		}
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(c.SerialNumber) == 0 && !e.RevocationTime.After(at) {
				return fmt.Errorf("%w: %q serial %x on %s", ErrRevoked, c.Subject.CommonName, c.SerialNumber, e.RevocationTime.Format(time.RFC3339))
			}
		}
		if !IsDeltaCRL(crl) {
			covered = true
		}
	}
	switch {
	case covered:
		return nil
	case errors.Is(unusable, ErrStaleRevocation):
		return fmt.Errorf("CRL of %q: %w", issuer.Subject.CommonName, unusable)
	case unusable != nil:
		return fmt.Errorf("%w: no usable CRL of %q: %v", ErrStaleRevocation, issuer.Subject.CommonName, unusable)
	}
	for _, dp := range c.CRLDistributionPoints {
		for _, u := range opts.CRLURLs {
			if dp == u {
				return fmt.Errorf("%w: %q names the CRL at %s, and no current CRL of its issuer %q was given", ErrStaleRevocation,
					c.Subject.CommonName, u, issuer.Subject.CommonName)
			}
		}
	}
	return nil
}
