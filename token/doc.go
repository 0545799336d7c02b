// Package token opens key stores and exposes each private key as a [Key]: a
// certificate plus a crypto.Signer that the signer package can use. This
// package reads PKCS#12 key files (a BER-tolerant reader for real NCA
// files) and holds what every store shares: [BuildChain] and the errors
// the dialog and the protocols tell apart ([ErrWrongPassword],
// [ErrWrongPIN], [ErrPINLocked] with the token's [PINState],
// [ErrTokenRemoved]). PKCS#11 tokens are package token/p11 (cgo).
//
// Lifetime of key material: [ParsePKCS12] decrypts the private keys of a file
// into memory and returns them; nothing is cached anywhere else. A caller
// (the agent, the CLI) opens the file when the user has typed the password,
// signs, and calls [Key.Close] (or [CloseAll]) right after, which zeroes the
// private numbers that Go lets us reach. The password is never stored: the
// caller owns that slice and should wipe it once ParsePKCS12 returns.
package token
