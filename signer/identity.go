package signer

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// KeyKind says what a key may be used for in NCA's scheme.
type KeyKind string

// Key kinds. NCA's legacy pairs are told apart by extended key usage;
// GOST-2015 keys issued since 2024 serve both.
const (
	KindAuth KeyKind = "auth"
	KindSign KeyKind = "sign"
	KindBoth KeyKind = "both"
	KindNone KeyKind = "none"
)

var (
	oidSurname   = asn1.ObjectIdentifier{2, 5, 4, 4}
	oidGivenName = asn1.ObjectIdentifier{2, 5, 4, 42}
	oidNCAPrefix = asn1.ObjectIdentifier{1, 2, 398}
)

// Identity is who a certificate names, in the terms Kazakh services use.
type Identity struct {
	CommonName   string // "ТЕСТОВ ТЕСТ"
	Surname      string
	Patronymic   string // the G= attribute NCA uses for the patronymic
	IIN          string // 12 digits, from SERIALNUMBER=IIN...
	BIN          string // 12 digits, from OU=BIN... (legal entities)
	Organization string
	Email        string
	Roles        []string // NCA role OIDs from extended key usage (1.2.398...); RoleName names them
	Kind         KeyKind
	Algorithm    KeyAlgorithm
	Serial       string // lowercase hex
	Issuer       string // issuer CN
	NotBefore    time.Time
	NotAfter     time.Time
}

// IdentityOf extracts the identity from an NCA-style certificate. Fields the
// certificate lacks stay empty.
func IdentityOf(c *x509.Certificate) Identity {
	id := Identity{
		CommonName: c.Subject.CommonName,
		Serial:     hex.EncodeToString(c.SerialNumber.Bytes()),
		Issuer:     c.Issuer.CommonName,
		NotBefore:  c.NotBefore,
		NotAfter:   c.NotAfter,
		Algorithm:  AlgorithmOf(c),
		Kind:       KindOf(c),
	}
	if len(c.Subject.Organization) > 0 {
		id.Organization = c.Subject.Organization[0]
	}
	if v, ok := strings.CutPrefix(c.Subject.SerialNumber, "IIN"); ok {
		id.IIN = v
	}
	for _, ou := range c.Subject.OrganizationalUnit {
		if v, ok := strings.CutPrefix(ou, "BIN"); ok {
			id.BIN = v
		}
	}
	for _, n := range c.Subject.Names {
		s, _ := n.Value.(string)
		switch {
		case n.Type.Equal(oidSurname):
			id.Surname = s
		case n.Type.Equal(oidGivenName):
			id.Patronymic = s
		}
	}
	if len(c.EmailAddresses) > 0 {
		id.Email = c.EmailAddresses[0]
	}
	for _, o := range c.UnknownExtKeyUsage {
		if len(o) > 3 && o[:3].Equal(oidNCAPrefix) {
			id.Roles = append(id.Roles, o.String())
		}
	}
	return id
}

// KindOf classifies a certificate as an authentication key, a signing key
// or both (see docs/spec/ncalayer-protocol.md §4, keyType).
func KindOf(c *x509.Certificate) KeyKind {
	auth := slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	sign := slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageEmailProtection)
	if sign && AlgorithmOf(c) == GOST2015 &&
		c.KeyUsage&x509.KeyUsageDigitalSignature != 0 && c.KeyUsage&x509.KeyUsageContentCommitment != 0 {
		auth = true
	}
	switch {
	case auth && sign:
		return KindBoth
	case auth:
		return KindAuth
	case sign:
		return KindSign
	}
	return KindNone
}
