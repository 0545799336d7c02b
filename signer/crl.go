package signer

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// MaxCRLSize bounds a CRL read from outside (NCA's largest is a few MB).
const MaxCRLSize = 64 << 20

// ErrStaleRevocation means revocation data (a CRL, an OCSP response) is not
// current at the time of the check: past its nextUpdate, or made too long
// before. It names the source.
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
