package signer

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// MaxCRLSize bounds a CRL read from outside (NCA's largest is a few MB).
const MaxCRLSize = 64 << 20

// ErrStaleRevocation means revocation data (a CRL, an OCSP response) is not
// current at the time of the check: past its nextUpdate, made too long
// before, or not there at all where it is required (a CRL of another
// issuer does not count). It names the source.
var ErrStaleRevocation = errors.New("revocation data is out of date")

// ParseCRL parses a DER or PEM CRL and, when issuer is not nil, verifies
// its signature (GOST too).
//
// NCA writes the TBS signature algorithm without parameters and the outer
// one with NULL parameters; crypto/x509 refuses that as "inner and outer
// signature algorithm identifiers don't match". The two say the same (an
// absent and a NULL parameter), so such a CRL is read with the outer
// identifier taken from the TBS one; the TBS, which the signature covers,
// is untouched. A CRL whose two algorithms really differ is still refused.
func ParseCRL(data []byte, issuer *x509.Certificate) (*x509.RevocationList, error) {
	if len(data) > MaxCRLSize {
		return nil, fmt.Errorf("crl: %d bytes, more than %d", len(data), MaxCRLSize)
	}
	der := pemOrDER(data, "X509 CRL")
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		fixed, ok := sameAlgorithms(der)
		if !ok {
			return nil, fmt.Errorf("crl: %w", err)
		}
		if crl, err = x509.ParseRevocationList(fixed); err != nil {
			return nil, fmt.Errorf("crl: %w", err)
		}
	}
	if issuer != nil {
		if err := checkSignedBy(crl.Raw, issuer); err != nil {
			return nil, fmt.Errorf("crl signature: %w", err)
		}
	}
	return crl, nil
}

// sameAlgorithms returns the CRL with its outer signature algorithm
// replaced by the TBS's, when the two differ only in an absent versus a
// NULL parameter.
func sameAlgorithms(der []byte) ([]byte, bool) {
	in := cryptobyte.String(der)
	var crl, tbs, outerAlg, sig cryptobyte.String
	var tbsFull cryptobyte.String
	if !in.ReadASN1(&crl, cbasn1.SEQUENCE) || !in.Empty() ||
		!crl.ReadASN1Element(&tbsFull, cbasn1.SEQUENCE) ||
		!crl.ReadASN1Element(&outerAlg, cbasn1.SEQUENCE) ||
		!crl.ReadASN1Element(&sig, cbasn1.BIT_STRING) || !crl.Empty() {
		return nil, false
	}
	tbs = tbsFull
	var body, innerAlg cryptobyte.String
	if !tbs.ReadASN1(&body, cbasn1.SEQUENCE) {
		return nil, false
	}
	body.SkipOptionalASN1(cbasn1.INTEGER) // version
	if !body.ReadASN1Element(&innerAlg, cbasn1.SEQUENCE) {
		return nil, false
	}
	if !equivalentAlgorithms(innerAlg, outerAlg) {
		return nil, false
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbsFull)
		b.AddBytes(innerAlg)
		b.AddBytes(sig)
	})
	out, err := b.Bytes()
	return out, err == nil
}

// equivalentAlgorithms: the same OID, and parameters the same or one
// absent where the other is NULL.
func equivalentAlgorithms(a, b cryptobyte.String) bool {
	oidA, paramsA, okA := splitAlgorithm(a)
	oidB, paramsB, okB := splitAlgorithm(b)
	if !okA || !okB || !bytes.Equal(oidA, oidB) {
		return false
	}
	null := []byte{0x05, 0x00}
	switch {
	case bytes.Equal(paramsA, paramsB):
		return true
	case len(paramsA) == 0 && bytes.Equal(paramsB, null), len(paramsB) == 0 && bytes.Equal(paramsA, null):
		return true
	}
	return false
}

func splitAlgorithm(alg cryptobyte.String) (oid, params []byte, ok bool) {
	var seq cryptobyte.String
	var o cryptobyte.String
	if !alg.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Element(&o, cbasn1.OBJECT_IDENTIFIER) {
		return nil, nil, false
	}
	return o, seq, true
}

// oidDeltaCRLIndicator marks a delta CRL (RFC 5280 5.2.4): only the
// changes since a base CRL, so it never stands alone for a certificate.
var oidDeltaCRLIndicator = asn1.ObjectIdentifier{2, 5, 29, 27}

// IsDeltaCRL reports whether crl is a delta CRL.
func IsDeltaCRL(crl *x509.RevocationList) bool {
	for _, e := range crl.Extensions {
		if e.Id.Equal(oidDeltaCRLIndicator) {
			return true
		}
	}
	return false
}

// oidIssuingDistributionPoint narrows a CRL's scope (RFC 5280 5.2.5): one
// partition of the issuer's certificates, only CA or only end-entity
// certificates, only some reasons, or an indirect CRL.
var oidIssuingDistributionPoint = asn1.ObjectIdentifier{2, 5, 29, 28}

// CRLScope reports why crl may not stand for every certificate of its
// issuer: it has an issuing distribution point (its scope is narrower
// than the issuer's certificates: a CA-only CRL, one partition, some
// reasons), or a critical extension this package does not understand,
// which RFC 5280 (5.2) forbids using a CRL with. Such a CRL is the
// issuer's own and validly signed, so whoever serves a plain-http CRL URL
// could otherwise hand it out in place of the complete one and hide
// every end-entity revocation. A delta CRL is not refused here (see
// IsDeltaCRL).
func CRLScope(crl *x509.RevocationList) error {
	for _, e := range crl.Extensions {
		switch {
		case e.Id.Equal(oidIssuingDistributionPoint):
			return fmt.Errorf("%w: CRL %s of %q covers only part of its issuer's certificates (issuing distribution point)",
				ErrStaleRevocation, crlNumber(crl), crl.Issuer.CommonName)
		case e.Critical && !e.Id.Equal(oidDeltaCRLIndicator):
			return fmt.Errorf("%w: CRL %s of %q has a critical extension %v that is not understood", ErrStaleRevocation,
				crlNumber(crl), crl.Issuer.CommonName, e.Id)
		}
	}
	return nil
}

// CRLIssuedBy reports whether crl is ca's own CRL, the only one that may
// speak for ca's certificates: it names ca as its issuer, its authority key
// identifier is ca's subject key identifier (when both are there), and
// ca's key signed it. A CRL signed by another trusted CA never counts for
// ca's certificates, whoever served it.
func CRLIssuedBy(crl *x509.RevocationList, ca *x509.Certificate) error {
	if !bytes.Equal(crl.RawIssuer, ca.RawSubject) {
		return fmt.Errorf("CRL %s is issued by %q, not by %q", crlNumber(crl), crl.Issuer.CommonName, ca.Subject.CommonName)
	}
	if len(crl.AuthorityKeyId) > 0 && len(ca.SubjectKeyId) > 0 && !bytes.Equal(crl.AuthorityKeyId, ca.SubjectKeyId) {
		return fmt.Errorf("CRL %s of %q is for the key %x, not for this CA's key %x", crlNumber(crl), crl.Issuer.CommonName,
			crl.AuthorityKeyId, ca.SubjectKeyId)
	}
	if err := checkSignedBy(crl.Raw, ca); err != nil {
		return fmt.Errorf("CRL %s of %q: signature: %w", crlNumber(crl), crl.Issuer.CommonName, err)
	}
	return nil
}

// CRLIssuer returns the CA of cas that issued crl (CRLIssuedBy), or an
// error when none did.
func CRLIssuer(crl *x509.RevocationList, cas []*x509.Certificate) (*x509.Certificate, error) {
	var last error
	for _, ca := range cas {
		if !bytes.Equal(crl.RawIssuer, ca.RawSubject) {
			continue
		}
		if last = CRLIssuedBy(crl, ca); last == nil {
			return ca, nil
		}
	}
	if last != nil {
		return nil, last
	}
	return nil, fmt.Errorf("CRL %s of %q: its issuer is not a trusted CA", crlNumber(crl), crl.Issuer.CommonName)
}

// CRLCurrent reports whether a CRL may be relied on at time at: at is not
// past its nextUpdate (a CRL without one is taken as current). A CRL made
// after at is fine: it knows at least as much about at.
func CRLCurrent(crl *x509.RevocationList, at time.Time) error {
	if !crl.NextUpdate.IsZero() && at.After(crl.NextUpdate) {
		return fmt.Errorf("%w: CRL %s of %q (this update %s) expired at its next update %s", ErrStaleRevocation,
			crlNumber(crl), crl.Issuer.CommonName, crl.ThisUpdate.UTC().Format(time.RFC3339), crl.NextUpdate.UTC().Format(time.RFC3339))
	}
	return nil
}

func crlNumber(crl *x509.RevocationList) string {
	if crl.Number == nil {
		return "(no number)"
	}
	return "no. " + crl.Number.String()
}
