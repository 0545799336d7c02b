// Package gost is qoltanba's GOST engine: the Streebog hash (GOST R
// 34.11-2012, 256 and 512 bits), the GOST R 34.11-94 hash (Kazakhstan's
// GOST 34.311-95) and GOST R 34.10-2012 / 34.10-2001 signatures on the
// standard curves (tc26 512 A/B/C and 256 A, CryptoPro A/B/C/XchA/XchB).
//
// Written here, not taken from gogost, for speed and for constant time:
// Streebog with merged LPS tables (its compression in assembly on amd64)
// runs faster than the C reference (gost12sum), and GOST R 34.11-94 with
// merged S-box tables and ψ as a shift register at or above gostsum's
// (BenchmarkGOST9432MB against BenchmarkGostsum in one run); signatures
// use fixed-width field arithmetic (Montgomery, or folding for
// p = 2^n - c) instead of math/big, and signing takes the same
// path whatever the key and nonce (see sign.go); tc26 256-A and 512-C
// compute in their twisted Edwards form (edwards.go). README.md says how
// signing's constant time was checked and how fast it all is against
// OpenSSL's gost engine. gogost stays in the tests
// as the reference: differential tests on random keys, digests and
// signatures, the standards' examples, and fuzz targets.
//
// In assembly on amd64, three generated files and nothing else:
//
//   - field_amd64.s (scripts/gen-gost-field-asm.py): the 256- and 512-bit
//     field multiplications and squarings, for the folding and the
//     Montgomery reduction, with MULX/ADCX/ADOX, and the field additions
//     and subtractions. They are most of a signature's time, and Go cannot
//     express ADX's two independent carry chains: the assembly products are
//     1.7-2.5 times as fast as the Go ones (BenchmarkField, asm against go
//     in one run; the 512-bit ones gain most). Straight-line code like the
//     Go products: no branch or memory index on a value, the last choice by
//     CMOV or a mask. It runs when the CPU has BMI2 and ADX
//     (golang.org/x/sys/cpu, useAsm). The same file has signing's comb
//     row reads with AVX2 (every entry read, chosen by a VPCMPEQQ mask:
//     useSelectAsm): 512-C signing 111 → 59 µs, 256-A 23 → 14 here.
//   - points_amd64.s (scripts/gen-gost-points-asm.py): the Edwards
//     doubling and additions of 256-A and 512-C, and the a = -3 comb
//     addition, Jacobian doubling and mixed addition of the other folding
//     curves (512-A, CryptoPro-A), made of those field routines' bodies
//     inline (512-bit products CALLed), the same operations in the same
//     order as the Go code, without a Go call per field operation (about
//     8% of a 512-C verification, a third of a 256-bit doubling);
//     straight-line too, so signing's comb keeps its constant time (the
//     mixed addition of verification alone returns early for p = ±q, on
//     public values). Used with the field assembly (useAsm).
//   - streebog_amd64.s (scripts/gen-gost-streebog-asm.py): Streebog's
//     compression g, the 8 words of each LPS in registers, index bytes
//     taken as AL/AH and each table lookup one XOR with a memory operand;
//     about 1.4 times the Go code's speed (BenchmarkStreebogCompress). Base
//     amd64 only (useStreebogAsm). The lookups' addresses depend on the
//     data, as in every table-driven Streebog (gogost's and the C ones too).
//     Where the CPU has AVX-512 (F, BW, VBMI) and GFNI the same file's
//     gAVX512 runs instead (useStreebogAVX512): S by VPERMI2B, P and L as
//     eight GF2P8AFFINEQB bit-matrix products and a byte transposition on
//     the whole 64-byte state, no table and no address from the data;
//     about 1.6 times the table assembly (BenchmarkStreebogCompress).
//
// Unrolled chains of that length are too easy to get wrong by hand, hence
// the generators; tests fail when a committed file is not its
// generator's output. On other architectures and with the purego build
// tag the Go code runs (field.go, field_fold.go, curve.go, jacobian.go,
// edwards.go, streebog.go); the tests check the assembly against it word
// for word and against math/big (TestFieldAsm, FuzzFieldAsm,
// TestSignGoPath, TestEdwardsAsm, TestPointsAsm, TestSelectAsm,
// TestStreebogAsm).
package gost
