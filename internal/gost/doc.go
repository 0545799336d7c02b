// Package gost is qoltanba's GOST engine: the Streebog hash (GOST R
// 34.11-2012, 256 and 512 bits), the GOST R 34.11-94 hash (Kazakhstan's
// GOST 34.311-95) and GOST R 34.10-2012 / 34.10-2001 signatures on the
// standard curves (tc26 512 A/B/C and 256 A, CryptoPro A/B/C/XchA/XchB).
//
// Written here, not taken from gogost, for speed and for constant time:
// Streebog with merged LPS tables runs at the speed of the C reference
// (gost12sum), and GOST R 34.11-94 with merged S-box tables and ψ as a
// shift register at or above gostsum's (BenchmarkGOST9432MB against
// BenchmarkGostsum in one run); signatures use fixed-width field arithmetic (Montgomery, or
// folding for p = 2^n - c) instead of math/big, and signing takes the same
// path whatever the key and nonce (see sign.go); tc26 256-A and 512-C
// compute in their twisted Edwards form (edwards.go). README.md says how
// signing's constant time was checked and how fast it all is against
// OpenSSL's gost engine. gogost stays in the tests
// as the reference: differential tests on random keys, digests and
// signatures, the standards' examples, and fuzz targets.
package gost
