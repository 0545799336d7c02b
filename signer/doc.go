// Package signer creates and verifies CMS (CAdES-BES/T) and XMLDSig
// signatures in the byte layout that Kalkan and NCALayer produce, for RSA,
// ECDSA and the Kazakh GOST algorithms (GOST 34.310-2004 and
// GOST 34.10-2015-512). It does no I/O beyond what a caller hands it (an
// io.Reader to hash, an HTTP client for a timestamp authority) and has no UI.
//
// A signing key is any crypto.Signer with its certificate. For GOST keys the
// Signer receives the digest exactly as the hash function outputs it and
// returns the signature value in Kalkan's byte order (see
// ../shared/spec/kalkan-formats.md §2); [NewGOSTSigner] wraps a gogost key
// that way.
package signer
