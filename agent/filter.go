package agent

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/signer"
)

// Reason says why a key cannot be chosen; the UI words it (in the user's
// language, with the key's dates) from the code alone.
type Reason string

// Reasons, in the order they are checked: validity first (an expired key
// says so, whatever else is wrong with it).
const (
	ReasonNone        Reason = ""
	ReasonExpired     Reason = "expired"       // NotAfter has passed
	ReasonNotYetValid Reason = "not-yet-valid" // NotBefore is still to come
	ReasonNotAuth     Reason = "not-auth"      // the site asks for a login key
	ReasonNotSign     Reason = "not-sign"      // the site asks for a signing key
	ReasonEKU         Reason = "eku"           // lacks a key usage the site requires
	ReasonIIN         Reason = "iin"           // another person than the site asked for
	ReasonBIN         Reason = "bin"           // another organisation than the site asked for
	ReasonSerial      Reason = "serial"        // another certificate than the site asked for
	ReasonChain       Reason = "chain"         // not issued by the CAs the site accepts
	ReasonTestCert    Reason = "test-key"      // a test certificate where production NCA is required
	// ReasonLoginKeyDigest: a key that can log in, asked to sign a bare
	// digest the page made (raw + digested), which could be a login's.
	ReasonLoginKeyDigest Reason = "login-key-digest"
)

var extKeyUsageOIDs = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageServerAuth:      "1.3.6.1.5.5.7.3.1",
	x509.ExtKeyUsageClientAuth:      "1.3.6.1.5.5.7.3.2",
	x509.ExtKeyUsageCodeSigning:     "1.3.6.1.5.5.7.3.3",
	x509.ExtKeyUsageEmailProtection: "1.3.6.1.5.5.7.3.4",
	x509.ExtKeyUsageTimeStamping:    "1.3.6.1.5.5.7.3.8",
	x509.ExtKeyUsageOCSPSigning:     "1.3.6.1.5.5.7.3.9",
}

func certEKUs(c *x509.Certificate) []string {
	var out []string
	for _, u := range c.ExtKeyUsage {
		if s, ok := extKeyUsageOIDs[u]; ok {
			out = append(out, s)
		}
	}
	for _, o := range c.UnknownExtKeyUsage {
		out = append(out, asn1.ObjectIdentifier(o).String())
	}
	return out
}

// check says whether cert passes the filter at time now; when not, why.
func (f *Filter) check(c *x509.Certificate, now time.Time, productionCAs []*x509.Certificate) Reason {
	expired := now.Before(c.NotBefore) || now.After(c.NotAfter)
	if expired && !f.AllowExpired {
		if now.Before(c.NotBefore) {
			return ReasonNotYetValid
		}
		return ReasonExpired
	}
	id := signer.IdentityOf(c)
	switch f.Kind {
	case KeyAuth:
		if id.Kind != signer.KindAuth && id.Kind != signer.KindBoth {
			return ReasonNotAuth
		}
	case KeySign:
		if id.Kind != signer.KindSign && id.Kind != signer.KindBoth {
			return ReasonNotSign
		}
	}
	have := certEKUs(c)
	for _, want := range f.EKUs {
		if !slices.Contains(have, want) {
			return ReasonEKU
		}
	}
	if f.IIN != "" && id.IIN != strings.TrimPrefix(f.IIN, "IIN") {
		return ReasonIIN
	}
	if f.BIN != "" && id.BIN != strings.TrimPrefix(f.BIN, "BIN") {
		return ReasonBIN
	}
	if f.Serial != "" && !strings.EqualFold(strings.TrimLeft(f.Serial, "0"), strings.TrimLeft(hex.EncodeToString(c.SerialNumber.Bytes()), "0")) {
		return ReasonSerial
	}
	at := now
	if expired {
		at = c.NotBefore.Add(time.Second)
	}
	switch f.Chain {
	case ChainProduction:
		if len(productionCAs) > 0 {
			if _, err := signer.VerifyChain(c, signer.ChainOptions{Roots: productionCAs, Time: at}); err != nil {
				return ReasonChain
			}
		} else if isTestIssuer(c) {
			return ReasonTestCert
		}
	case ChainGiven:
		if _, err := signer.VerifyChain(c, signer.ChainOptions{Roots: f.CAs, Intermediates: f.CAs, Time: at}); err != nil {
			return ReasonChain
		}
	}
	return ReasonNone
}

// isTestIssuer: without configured production CA files, NCA's test CAs are
// told apart by name (they all carry TEST).
func isTestIssuer(c *x509.Certificate) bool {
	return strings.Contains(strings.ToUpper(c.Issuer.CommonName), "TEST")
}
