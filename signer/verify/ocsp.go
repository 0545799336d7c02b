package verify

// OCSP responses are parsed here rather than by x/crypto/ocsp: NCA's
// responders sign with GOST, and x/crypto/ocsp refuses to parse a response
// whose embedded responder certificate it cannot verify. Requests are built
// with x/crypto/ocsp.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/qoltanba/qoltanba/signer"
)

// OCSPOptions turn on revocation checking with the responder named in the
// certificate (AIA).
type OCSPOptions struct {
	// Timeout bounds one query (zero: 5 seconds).
	Timeout time.Duration
	// HTTP is the client (nil: the default with Timeout).
	HTTP *http.Client
	// FailOpen accepts a login when the responder cannot be asked or
	// gives no clear answer (a stale one counts as none). The default, fail
	// closed, refuses it. "Revoked" is refused either way.
	FailOpen bool
	// MaxAge bounds how long before the check a response may have been
	// produced (zero: 24 hours); a response past its nextUpdate is never
	// used.
	MaxAge time.Duration
}

// ocspSkew is how far in the future a response's times may be (clocks
// differ).
const ocspSkew = 5 * time.Minute

type ocspResponse struct {
	Status asn1.Enumerated
	Bytes  struct {
		Type     asn1.ObjectIdentifier
		Response []byte
	} `asn1:"explicit,tag:0,optional"`
}

type basicOCSP struct {
	TBS       asn1.RawValue
	Algorithm asn1.RawValue
	Signature asn1.BitString
	Certs     []asn1.RawValue `asn1:"explicit,tag:0,optional"`
}

type responseData struct {
	Version    int `asn1:"optional,explicit,default:0,tag:0"`
	Responder  asn1.RawValue
	ProducedAt time.Time `asn1:"generalized"`
	Responses  []singleResponse
}

type singleResponse struct {
	CertID struct {
		Hash     asn1.RawValue
		NameHash []byte
		KeyHash  []byte
		Serial   *big.Int
	}
	Good       asn1.Flag     `asn1:"tag:0,optional"`
	Revoked    asn1.RawValue `asn1:"tag:1,optional"`
	Unknown    asn1.Flag     `asn1:"tag:2,optional"`
	ThisUpdate time.Time     `asn1:"generalized"`
	NextUpdate time.Time     `asn1:"generalized,explicit,tag:0,optional"`
}

var oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}

// checkOCSP asks the certificate's OCSP responder about cert (issued by
// issuer) at time at. It returns nil for "good", ErrRevoked for
// "revoked", and ErrRevocationCheck (unless FailOpen) otherwise.
func checkOCSP(ctx context.Context, o *OCSPOptions, cert, issuer *x509.Certificate, at time.Time) error {
	err := queryOCSP(ctx, o, cert, issuer, at)
	if err == nil || errors.Is(err, ErrRevoked) || !o.FailOpen {
		return err
	}
	return nil
}

func queryOCSP(ctx context.Context, o *OCSPOptions, cert, issuer *x509.Certificate, at time.Time) error {
	if len(cert.OCSPServer) == 0 {
		return fmt.Errorf("%w: the certificate names no OCSP responder", ErrRevocationCheck)
	}
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRevocationCheck, err)
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, cert.OCSPServer[0], bytes.NewReader(req))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRevocationCheck, err)
	}
	hreq.Header.Set("Content-Type", "application/ocsp-request")
	hc := o.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		return fmt.Errorf("%w: responder unreachable: %v", ErrRevocationCheck, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: responder answered HTTP %d", ErrRevocationCheck, resp.StatusCode)
	}
	maxAge := o.MaxAge
	if maxAge == 0 {
		maxAge = 24 * time.Hour
	}
	return parseOCSP(body, cert, issuer, at, maxAge, cert.OCSPServer[0])
}

func parseOCSP(body []byte, cert, issuer *x509.Certificate, at time.Time, maxAge time.Duration, source string) error {
	var r ocspResponse
	if _, err := asn1.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("%w: %v", ErrRevocationCheck, err)
	}
	if r.Status != 0 || !r.Bytes.Type.Equal(oidOCSPBasic) {
		return fmt.Errorf("%w: responder status %d", ErrRevocationCheck, r.Status)
	}
	var b basicOCSP
	if _, err := asn1.Unmarshal(r.Bytes.Response, &b); err != nil {
		return fmt.Errorf("%w: %v", ErrRevocationCheck, err)
	}
	// The signer: the issuer itself, or a responder certificate the issuer
	// signed for OCSP signing.
	by := issuer
	if len(b.Certs) > 0 {
		rc, err := x509.ParseCertificate(b.Certs[0].FullBytes)
		if err != nil {
			return fmt.Errorf("%w: responder certificate: %v", ErrRevocationCheck, err)
		}
		if !rc.Equal(issuer) {
			if signer.CheckSigned(rc.Raw, issuer) != nil || !slices.Contains(rc.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
				return fmt.Errorf("%w: responder certificate not authorised by the issuer", ErrRevocationCheck)
			}
			by = rc
		}
	}
	if err := signer.CheckSigned(r.Bytes.Response, by); err != nil {
		return fmt.Errorf("%w: response signature: %v", ErrRevocationCheck, err)
	}
	var rd responseData
	if _, err := asn1.Unmarshal(b.TBS.FullBytes, &rd); err != nil {
		return fmt.Errorf("%w: %v", ErrRevocationCheck, err)
	}
	for _, s := range rd.Responses {
		if s.CertID.Serial == nil || s.CertID.Serial.Cmp(cert.SerialNumber) != 0 {
			continue
		}
		if len(s.Revoked.FullBytes) > 0 { // revocation is for good, however old the news
			return fmt.Errorf("%w (OCSP)", ErrRevoked)
		}
		if at.Sub(rd.ProducedAt) > maxAge || rd.ProducedAt.Sub(at) > ocspSkew {
			return fmt.Errorf("%w: %w: the OCSP response from %s was produced at %s, checked at %s (at most %s apart)", ErrRevocationCheck,
				signer.ErrStaleRevocation, source, rd.ProducedAt.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339), maxAge)
		}
		if s.ThisUpdate.Sub(at) > ocspSkew || !s.NextUpdate.IsZero() && at.After(s.NextUpdate) {
			return fmt.Errorf("%w: %w: the OCSP response from %s holds from %s to %s, not at %s", ErrRevocationCheck,
				signer.ErrStaleRevocation, source, s.ThisUpdate.UTC().Format(time.RFC3339), s.NextUpdate.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
		}
		if s.Good {
			return nil
		}
		return fmt.Errorf("%w: status unknown", ErrRevocationCheck)
	}
	return fmt.Errorf("%w: no answer for this certificate", ErrRevocationCheck)
}
