package p11

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"

	"github.com/miekg/pkcs11"

	"github.com/qoltanba/qoltanba/signer"
)

// Russian GOST R 34.10-2012 on tokens (Rutoken ECP, JaCarta GOST): the key
// types and mechanisms the TC26 working group numbered in PKCS#11's vendor
// range (CK_VENDOR_PKCS11_RU_TEAM_TC26 = 0xD4321000), which every Russian
// token module uses. 256-bit keys keep PKCS#11's own CKK_GOSTR3410 and
// CKM_GOSTR3410.
const (
	ckkGOSTR3410_512 = 0xD4321003 // CKK_GOSTR3410_512
	// CKM_GOSTR3410_512 signs a 64-byte GOST R 34.11-2012 hash given to it.
	ckmTC26GOSTR3410_512 = 0xD4321006
	// The token hashes the data itself (GOST R 34.11-2012 256/512), then signs.
	ckmGOSTR3410With3411_12_256 = 0xD4321008
	ckmGOSTR3410With3411_12_512 = 0xD4321009
)

// ruMechanisms picks how a Russian GOST-2012 key signs on a token that
// offers the mechanisms in offered (nil: the token would not list them,
// and the hash mechanism PKCS#11 defines is tried). raw signs a hash
// computed here; withHash has the token hash the data.
//
// raw is preferred when the token has both: the agent hashes a document
// anyway (CMS's messageDigest attribute, the dialog's SHA-256), and a
// token hashes over USB at a few hundred kilobytes a second, so a large
// document would cross to the token for nothing and take minutes; with a
// hash only 32 or 64 bytes go to the token, whatever the document's size.
func ruMechanisms(alg signer.KeyAlgorithm, offered map[uint]bool) (raw, withHash uint) {
	r, h := uint(pkcs11.CKM_GOSTR3410), uint(ckmGOSTR3410With3411_12_256)
	if alg == signer.GOSTR2012_512 {
		r, h = ckmTC26GOSTR3410_512, ckmGOSTR3410With3411_12_512
	}
	if offered == nil {
		return r, 0
	}
	if offered[r] {
		raw = r
	}
	if offered[h] {
		withHash = h
	}
	return raw, withHash
}

// mechanisms lists the slot's mechanisms once a session (nil when the
// token will not say). Called inside a module call.
func (s *Session) mechanisms() map[uint]bool {
	if s.mechsRead {
		return s.mechs
	}
	s.mechsRead = true
	list, err := s.m.ctx.GetMechanismList(s.slot)
	if err != nil {
		return nil
	}
	s.mechs = make(map[uint]bool, len(list))
	for _, m := range list {
		s.mechs[m.Mechanism] = true
	}
	return s.mechs
}

// gostParamSet is the parameter set OID of a Russian GOST certificate's
// key (DER), or nil.
func gostParamSet(cert *x509.Certificate) []byte {
	var info struct {
		Algorithm struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue `asn1:"optional"`
		}
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(cert.RawSubjectPublicKeyInfo, &info); err != nil {
		return nil
	}
	var p struct {
		ParamSet asn1.RawValue
		Rest     asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &p); err != nil || p.ParamSet.Tag != asn1.TagOID {
		return nil
	}
	return p.ParamSet.FullBytes
}

// gostPairs reports whether a private key object can be the certificate's
// key: for a Russian GOST certificate the token's key type (CKK_GOSTR3410
// or CKK_GOSTR3410_512) and its curve (CKA_GOSTR3410_PARAMS) must be the
// certificate's when the token says them. A token that holds a 256-bit
// key under the CKA_ID of a 512-bit certificate would otherwise make
// signatures no one can verify.
func gostPairs(alg signer.KeyAlgorithm, cert *x509.Certificate, o object) bool {
	if alg != signer.GOSTR2012_256 && alg != signer.GOSTR2012_512 {
		return true
	}
	if o.hasKeyType {
		want := uint(pkcs11.CKK_GOSTR3410)
		if alg == signer.GOSTR2012_512 {
			want = ckkGOSTR3410_512
		}
		if o.keyType != want {
			return false
		}
	}
	if len(o.gostParams) > 0 {
		if ps := gostParamSet(cert); ps != nil && !bytes.Equal(ps, o.gostParams) {
			return false
		}
	}
	return true
}
