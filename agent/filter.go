package agent

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/signer"
)

// Reasons a key is not selectable; the UI translates the code.
const (
	ReasonKind     = "kind"     // not an authentication / signing key as asked
	ReasonEKU      = "eku"      // lacks an extended key usage the site requires
	ReasonIIN      = "iin"      // another person
	ReasonBIN      = "bin"      // another organisation
	ReasonSerial   = "serial"   // another certificate
	ReasonExpired  = "expired"  // outside its validity
	ReasonChain    = "chain"    // not issued by the CAs the site accepts
	ReasonTestCert = "test-key" // a test certificate where production NCA is required
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

// check says whether cert passes the filter at time now; when not, a
// reason code and a human detail.
func (f *Filter) check(c *x509.Certificate, now time.Time, productionCAs []*x509.Certificate) (reason, detail string) {
	id := signer.IdentityOf(c)
	switch f.Kind {
	case KeyAuth:
		if id.Kind != signer.KindAuth && id.Kind != signer.KindBoth {
			return ReasonKind, "not an authentication key"
		}
	case KeySign:
		if id.Kind != signer.KindSign && id.Kind != signer.KindBoth {
			return ReasonKind, "not a signing key"
		}
	}
	have := certEKUs(c)
	for _, want := range f.EKUs {
		if !slices.Contains(have, want) {
			return ReasonEKU, "lacks extended key usage " + want
		}
	}
	if f.IIN != "" && id.IIN != strings.TrimPrefix(f.IIN, "IIN") {
		return ReasonIIN, "issued to another person"
	}
	if f.BIN != "" && id.BIN != strings.TrimPrefix(f.BIN, "BIN") {
		return ReasonBIN, "issued to another organisation"
	}
	if f.Serial != "" && !strings.EqualFold(strings.TrimLeft(f.Serial, "0"), strings.TrimLeft(hex.EncodeToString(c.SerialNumber.Bytes()), "0")) {
		return ReasonSerial, "another certificate"
	}
	expired := now.Before(c.NotBefore) || now.After(c.NotAfter)
	if expired && !f.AllowExpired {
		return ReasonExpired, fmt.Sprintf("valid %s to %s", c.NotBefore.Format("2006-01-02"), c.NotAfter.Format("2006-01-02"))
	}
	at := now
	if expired {
		at = c.NotBefore.Add(time.Second)
	}
	switch f.Chain {
	case ChainProduction:
		if len(productionCAs) > 0 {
			if _, err := signer.VerifyChain(c, signer.ChainOptions{Roots: productionCAs, Time: at}); err != nil {
				return ReasonChain, "not issued by a production NCA CA"
			}
		} else if isTestIssuer(c) {
			return ReasonTestCert, "a test certificate (" + c.Issuer.CommonName + ")"
		}
	case ChainGiven:
		if _, err := signer.VerifyChain(c, signer.ChainOptions{Roots: f.CAs, Intermediates: f.CAs, Time: at}); err != nil {
			return ReasonChain, "not issued by the CAs this site accepts"
		}
	}
	return "", ""
}

// isTestIssuer: without configured production CA files, NCA's test CAs are
// told apart by name (they all carry TEST).
func isTestIssuer(c *x509.Certificate) bool {
	return strings.Contains(strings.ToUpper(c.Issuer.CommonName), "TEST")
}
