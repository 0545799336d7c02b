// Package signer creates and verifies CMS (CAdES-BES/T) and XMLDSig
// signatures in the byte layout that Kalkan and NCALayer produce, for RSA,
// ECDSA and GOST: NCA's GOST 34.310-2004 and GOST 34.10-2015-512 keys, and
// Russian GOST R 34.10-2012 keys (256 and 512 bits, RFC 4490/7091 CMS). It
// does no I/O beyond what a caller hands it (an io.Reader to hash, an HTTP
// client for a timestamp authority) and has no UI. The GOST arithmetic is
// internal/gost's.
//
// A signing key is any crypto.Signer with its certificate. For GOST keys the
// Signer receives the digest exactly as the hash function outputs it and
// returns the signature value in its key's byte order (Kalkan's for NCA's
// keys, RFC 4490's for Russian ones: [GOSTProfile]); [NewGOSTSigner] wraps
// an internal/gost key that way.
package signer
