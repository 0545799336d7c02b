package signer

// The GOST byte orders, in one place (the file signer, the token signer
// and the verifier all call these).
//
// A GOST 34.10 signature is the pair (r, s), written s‖r big-endian, over a
// digest the curve reads as a little-endian number: a GOST 34.11 digest as
// the hash outputs it. internal/gost's PrivateKey.SignDigest and PKCS#11 tokens
// (CKM_GOSTR3410, as OpenSSL's gost engine) return that s‖r for the digest
// reversed into big-endian.
//
//   - Kalkan and NCALayer (NCA's keys) write the whole s‖r string
//     reversed: ProfileKZ.
//   - RFC 4490 / RFC 7091 CMS (Russian CAs' keys) keep s‖r: ProfileRU.

// GOSTProfile is a GOST signature byte order.
type GOSTProfile int

// GOST profiles.
const (
	ProfileKZ GOSTProfile = iota // Kalkan's: s‖r reversed
	ProfileRU                    // RFC 4490/7091: s‖r
)

// FromStandard turns s‖r (internal/gost's output, a token's) into the profile's
// form, in place, and returns it.
func (p GOSTProfile) FromStandard(sig []byte) []byte {
	if p == ProfileKZ {
		reverseBytes(sig)
	}
	return sig
}

// ToStandard turns a signature in the profile's form into s‖r (a copy).
func (p GOSTProfile) ToStandard(sig []byte) []byte {
	out := append([]byte(nil), sig...)
	if p == ProfileKZ {
		reverseBytes(out)
	}
	return out
}

// curveDigest is the digest as the curve arithmetic takes it: the hash's
// output reversed (a copy).
func curveDigest(digest []byte) []byte {
	out := append([]byte(nil), digest...)
	reverseBytes(out)
	return out
}

func reverseBytes(b []byte) {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
}
