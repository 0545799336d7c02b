package gost

// Prime-field arithmetic in Montgomery form over 4 or 8 64-bit limbs
// (256- and 512-bit GOST curves, and their group orders). Every operation
// runs the same instructions whatever the values: no branch and no memory
// access depends on them (the final subtractions choose by mask). On
// amd64 with BMI2 and ADX, mul and sqr run the generated assembly of
// field_amd64.s (the same arithmetic, see scripts/gen-gost-field-asm.py);
// the Go products here and in field_fold.go are the fallback and the
// reference its tests compare it with.

import (
	"math/big"
	"math/bits"
)

// fe is a field element: little-endian limbs, the first n used.
type fe [8]uint64

// field is Z/pZ for an odd p of n limbs. For p = 2^(64n) - c with a small
// c (most GOST curves) elements are kept as plain residues and a product is
// folded (hi·2^(64n) ≡ hi·c), about twice as fast as Montgomery reduction;
// then R = 1 and the Montgomery conversions are the identity.
type field struct {
	n    int
	p    fe
	pinv uint64 // -p⁻¹ mod 2⁶⁴
	r2   fe     // R² mod p, R = 2^(64n)
	one  fe     // R mod p: 1 in Montgomery form
	pm2  fe     // p - 2, the exponent of inversion
	c    uint64 // p = 2^(64n) - c, or 0
	bits int
	size int // bytes
}

func newField(p *big.Int) *field {
	f := &field{bits: p.BitLen()}
	f.n = 4
	if f.bits > 256 {
		f.n = 8
	}
	f.size = 8 * f.n
	f.p = feFromBig(p)
	// pinv by Newton's iteration: x = x(2 - px) doubles the correct bits.
	x := uint64(1)
	for i := 0; i < 6; i++ {
		x *= 2 - f.p[0]*x
	}
	f.pinv = -x
	r := new(big.Int).Lsh(big.NewInt(1), uint(64*f.n))
	f.one = feFromBig(new(big.Int).Mod(r, p))
	f.r2 = feFromBig(new(big.Int).Mod(new(big.Int).Mul(r, r), p))
	f.pm2 = feFromBig(new(big.Int).Sub(p, big.NewInt(2)))
	if c := new(big.Int).Sub(r, p); c.BitLen() <= 32 {
		f.c = c.Uint64()
		f.one, f.r2 = fe{1}, fe{1}
	}
	return f
}

func feFromBig(x *big.Int) fe {
	var z fe
	for i, w := range x.Bits() {
		z[i] = uint64(w)
	}
	return z
}

func (z *fe) big(n int) *big.Int {
	b := make([]big.Word, n)
	for i := range b {
		b[i] = big.Word(z[i])
	}
	return new(big.Int).SetBits(b)
}

// mul sets z = x·y·R⁻¹ mod p (CIOS), or x·y mod p for p = 2^(64n) - c.
func (f *field) mul(z, x, y *fe) {
	if useAsm {
		switch {
		case f.c != 0 && f.n == 8:
			mulFold8Asm(z, x, y, f.c)
		case f.c != 0:
			mulFold4Asm(z, x, y, f.c)
		case f.n == 4:
			mulMont4Asm(z, x, y, &f.p, f.pinv)
		default:
			mulMont8Asm(z, x, y, &f.p, f.pinv)
		}
		return
	}
	switch {
	case f.c != 0 && f.n == 8:
		mulFold8(z, x, y, f.c)
	case f.c != 0:
		mulFold4(z, x, y, f.c)
	case f.n == 4:
		mul4(z, x, y, &f.p, f.pinv)
	default:
		mul8(z, x, y, &f.p, f.pinv)
	}
}

// sqr sets z = x² (x²·R⁻¹ in Montgomery form), with a dedicated
// squaring: the cross products once (36 word products where a
// multiplication takes 64 for 8 limbs), then the folding or the Montgomery
// reduction.
func (f *field) sqr(z, x *fe) {
	if useAsm {
		switch {
		case f.c != 0 && f.n == 8:
			sqrFold8Asm(z, x, f.c)
		case f.c != 0:
			sqrFold4Asm(z, x, f.c)
		case f.n == 8:
			sqrMont8Asm(z, x, &f.p, f.pinv)
		default:
			sqrMont4Asm(z, x, &f.p, f.pinv)
		}
		return
	}
	switch {
	case f.c != 0 && f.n == 8:
		sqrFold8(z, x, f.c)
	case f.c != 0:
		sqrFold4(z, x, f.c)
	case f.n == 8:
		sqrMont8(z, x, &f.p, f.pinv)
	default:
		sqrMont4(z, x, &f.p, f.pinv)
	}
}

// foldReduce8 sets z = t mod 2^512 - c for a 1024-bit t.
func foldReduce8(z *fe, t *[16]uint64, c uint64) {
	// r = lo + c·hi (< 2^512·(c+1))
	var r [8]uint64
	var carry, cc uint64
	for j := 0; j < 8; j++ {
		hi, lo := bits.Mul64(t[8+j], c)
		lo, cc = bits.Add64(lo, t[j], 0)
		hi += cc
		lo, cc = bits.Add64(lo, carry, 0)
		hi += cc
		r[j], carry = lo, hi
	}
	// fold the top word again: carry·c < 2^97
	hi, lo := bits.Mul64(carry, c)
	r[0], cc = bits.Add64(r[0], lo, 0)
	r[1], cc = bits.Add64(r[1], hi, cc)
	for j := 2; j < 8; j++ {
		r[j], cc = bits.Add64(r[j], 0, cc)
	}
	// a last carry (r wrapped past 2^512) is worth c more
	r[0], cc = bits.Add64(r[0], c&-cc, 0)
	for j := 1; j < 8; j++ {
		r[j], cc = bits.Add64(r[j], 0, cc)
	}
	// now r < 2^512; r ≥ p exactly when r + c carries out
	var s [8]uint64
	s[0], cc = bits.Add64(r[0], c, 0)
	for j := 1; j < 8; j++ {
		s[j], cc = bits.Add64(r[j], 0, cc)
	}
	mask := -cc
	for j := 0; j < 8; j++ {
		z[j] = s[j]&mask | r[j]&^mask
	}
}

// foldReduce4 sets z = t mod 2^256 - c for a 512-bit t.
func foldReduce4(z *fe, t *[8]uint64, c uint64) {
	var r [4]uint64
	var carry, cc uint64
	for j := 0; j < 4; j++ {
		hi, lo := bits.Mul64(t[4+j], c)
		lo, cc = bits.Add64(lo, t[j], 0)
		hi += cc
		lo, cc = bits.Add64(lo, carry, 0)
		hi += cc
		r[j], carry = lo, hi
	}
	hi, lo := bits.Mul64(carry, c)
	r[0], cc = bits.Add64(r[0], lo, 0)
	r[1], cc = bits.Add64(r[1], hi, cc)
	r[2], cc = bits.Add64(r[2], 0, cc)
	r[3], cc = bits.Add64(r[3], 0, cc)
	r[0], cc = bits.Add64(r[0], c&-cc, 0)
	r[1], cc = bits.Add64(r[1], 0, cc)
	r[2], cc = bits.Add64(r[2], 0, cc)
	r[3], cc = bits.Add64(r[3], 0, cc)
	var s [4]uint64
	s[0], cc = bits.Add64(r[0], c, 0)
	s[1], cc = bits.Add64(r[1], 0, cc)
	s[2], cc = bits.Add64(r[2], 0, cc)
	s[3], cc = bits.Add64(r[3], 0, cc)
	mask := -cc
	for j := 0; j < 4; j++ {
		z[j] = s[j]&mask | r[j]&^mask
	}
	z[4], z[5], z[6], z[7] = 0, 0, 0, 0
}

// mul8 and mul4 are the same Montgomery multiplication (CIOS) for 8 and 4
// limbs, written twice on purpose: with constant loop bounds and
// fixed-size temporaries the compiler can drop the bounds checks of this,
// the hottest loop of the engine.
func mul8(z, x, y, p *fe, pinv uint64) {
	var t [10]uint64
	for i := 0; i < 8; i++ {
		var c, cc uint64
		yi := y[i]
		for j := 0; j < 8; j++ {
			hi, lo := bits.Mul64(x[j], yi)
			lo, cc = bits.Add64(lo, t[j], 0)
			hi += cc
			lo, cc = bits.Add64(lo, c, 0)
			hi += cc
			t[j], c = lo, hi
		}
		t[8], cc = bits.Add64(t[8], c, 0)
		t[9] = cc
		m := t[0] * pinv
		hi, lo := bits.Mul64(m, p[0])
		_, cc = bits.Add64(lo, t[0], 0)
		c = hi + cc
		for j := 1; j < 8; j++ {
			hi, lo = bits.Mul64(m, p[j])
			lo, cc = bits.Add64(lo, t[j], 0)
			hi += cc
			lo, cc = bits.Add64(lo, c, 0)
			hi += cc
			t[j-1], c = lo, hi
		}
		t[7], cc = bits.Add64(t[8], c, 0)
		t[8] = t[9] + cc
	}
	// t < 2p: subtract p unless that borrows.
	var r fe
	var b uint64
	for j := 0; j < 8; j++ {
		r[j], b = bits.Sub64(t[j], p[j], b)
	}
	_, b = bits.Sub64(t[8], 0, b)
	mask := -b // all ones when t < p
	for j := 0; j < 8; j++ {
		z[j] = t[j]&mask | r[j]&^mask
	}
}

func mul4(z, x, y, p *fe, pinv uint64) {
	var t [6]uint64
	for i := 0; i < 4; i++ {
		var c, cc uint64
		yi := y[i]
		for j := 0; j < 4; j++ {
			hi, lo := bits.Mul64(x[j], yi)
			lo, cc = bits.Add64(lo, t[j], 0)
			hi += cc
			lo, cc = bits.Add64(lo, c, 0)
			hi += cc
			t[j], c = lo, hi
		}
		t[4], cc = bits.Add64(t[4], c, 0)
		t[5] = cc
		m := t[0] * pinv
		hi, lo := bits.Mul64(m, p[0])
		_, cc = bits.Add64(lo, t[0], 0)
		c = hi + cc
		for j := 1; j < 4; j++ {
			hi, lo = bits.Mul64(m, p[j])
			lo, cc = bits.Add64(lo, t[j], 0)
			hi += cc
			lo, cc = bits.Add64(lo, c, 0)
			hi += cc
			t[j-1], c = lo, hi
		}
		t[3], cc = bits.Add64(t[4], c, 0)
		t[4] = t[5] + cc
	}
	var r [4]uint64
	var b uint64
	for j := 0; j < 4; j++ {
		r[j], b = bits.Sub64(t[j], p[j], b)
	}
	_, b = bits.Sub64(t[4], 0, b)
	mask := -b
	for j := 0; j < 4; j++ {
		z[j] = t[j]&mask | r[j]&^mask
	}
	z[4], z[5], z[6], z[7] = 0, 0, 0, 0
}

// add sets z = x + y mod p.
func (f *field) add(z, x, y *fe) {
	if useAsm {
		if f.n == 8 {
			addMod8Asm(z, x, y, &f.p)
		} else {
			addMod4Asm(z, x, y, &f.p)
		}
		return
	}
	var s, r fe
	var c, b uint64
	for j := 0; j < f.n; j++ {
		s[j], c = bits.Add64(x[j], y[j], c)
	}
	for j := 0; j < f.n; j++ {
		r[j], b = bits.Sub64(s[j], f.p[j], b)
	}
	// keep s when s < p, that is when the subtraction borrowed and the
	// addition did not carry
	_, b = bits.Sub64(c, 0, b)
	mask := -b
	for j := 0; j < f.n; j++ {
		z[j] = s[j]&mask | r[j]&^mask
	}
}

// sub sets z = x - y mod p.
func (f *field) sub(z, x, y *fe) {
	if useAsm {
		if f.n == 8 {
			subMod8Asm(z, x, y, &f.p)
		} else {
			subMod4Asm(z, x, y, &f.p)
		}
		return
	}
	var d fe
	var b, c uint64
	for j := 0; j < f.n; j++ {
		d[j], b = bits.Sub64(x[j], y[j], b)
	}
	mask := -b // add p back when it borrowed
	for j := 0; j < f.n; j++ {
		d[j], c = bits.Add64(d[j], f.p[j]&mask, c)
	}
	*z = d
}

// toMont and fromMont convert to and from Montgomery form.
func (f *field) toMont(z, x *fe) { f.mul(z, x, &f.r2) }

func (f *field) fromMont(z, x *fe) {
	one := fe{1}
	f.mul(z, x, &one)
}

// inv sets z = x⁻¹ (x^(p-2)) with a fixed 4-bit window: the exponent is
// public, so the order of squarings and of the table's products reveals
// nothing about x (and the digit chosen is the exponent's, never x's).
// GOST primes p = 2^n - c make p-2 nearly all ones: bit by bit that was a
// multiplication per bit; here it is one per 4 bits, and the squarings
// use sqr. x = 0 gives 0.
func (f *field) inv(z, x *fe) {
	if f.c != 0 {
		f.invFold(z, x)
		return
	}
	var tab [16]fe // tab[d] = x^d
	tab[0] = f.one
	tab[1] = *x
	f.sqr(&tab[2], x)
	for d := 3; d < 16; d++ {
		f.mul(&tab[d], &tab[d-1], x)
	}
	top := (f.bits + 3) / 4 * 4
	r := f.one
	for i := top - 4; i >= 0; i -= 4 {
		if i != top-4 {
			f.sqr(&r, &r)
			f.sqr(&r, &r)
			f.sqr(&r, &r)
			f.sqr(&r, &r)
		}
		d := f.pm2[i/64] >> (uint(i) % 64) & 15 // i is a multiple of 4: never across words
		if d != 0 {
			f.mul(&r, &r, &tab[d])
		}
	}
	*z = r
}

// invFold is inv for p = 2^(64n) - c. With k the bit length of c + 2,
// p - 2 = (2^m - 1)·2^k + (2^k - c - 2), m = 64n - k: a run of m ones,
// then k low bits. x^(2^m - 1) comes from the addition chain of m
// (y_j = x^(2^j - 1); y_2j = y_j^(2^j)·y_j and y_(j+1) = y_j²·x, following
// m's bits), then the k low bits one by one: about 64n squarings and 20
// products for GOST's c, where the 4-bit window takes 64n/4 + 14
// products (a product costs about 1.4 squarings). The exponent is public:
// the order of the operations depends on p only. x = 0 gives 0.
func (f *field) invFold(z, x *fe) {
	k := bits.Len64(f.c + 2)
	m := 64*f.n - k
	y := *x // x^(2^j - 1)
	j := 1
	for b := bits.Len(uint(m)) - 2; b >= 0; b-- {
		t := y
		for range j {
			f.sqr(&t, &t)
		}
		f.mul(&y, &t, &y)
		j *= 2
		if m>>uint(b)&1 == 1 {
			f.sqr(&y, &y)
			f.mul(&y, &y, x)
			j++
		}
	}
	low := uint64(1)<<uint(k) - f.c - 2
	for b := k - 1; b >= 0; b-- {
		f.sqr(&y, &y)
		if low>>uint(b)&1 == 1 {
			f.mul(&y, &y, x)
		}
	}
	*z = y
}

// isZero returns all ones when x is 0 (x fully reduced).
func (f *field) isZero(x *fe) uint64 {
	var acc uint64
	for j := 0; j < f.n; j++ {
		acc |= x[j]
	}
	return isZeroMask(acc)
}

func isZeroMask(acc uint64) uint64 {
	// acc == 0 → all ones, else 0
	return ^uint64(int64(acc|-acc) >> 63)
}

// cmov sets z = x where mask is all ones (and keeps z where it is zero).
func cmov(z, x *fe, mask uint64) {
	for j := range z {
		z[j] = x[j]&mask | z[j]&^mask
	}
}

// setBytesBE reads a big-endian number of up to f.size bytes (not reduced).
func (f *field) setBytesBE(b []byte) fe {
	var z fe
	for i := 0; i < len(b) && i < f.size; i++ {
		v := uint64(b[len(b)-1-i])
		z[i/8] |= v << (8 * (uint(i) % 8))
	}
	return z
}

// bytesBE writes x as f.size big-endian bytes.
func (f *field) bytesBE(x *fe) []byte {
	out := make([]byte, f.size)
	for i := 0; i < f.size; i++ {
		out[f.size-1-i] = byte(x[i/8] >> (8 * (uint(i) % 8)))
	}
	return out
}

// less reports x < p (for reduced-input checks on public data).
func (f *field) less(x *fe) bool {
	var b uint64
	for j := 0; j < f.n; j++ {
		_, b = bits.Sub64(x[j], f.p[j], b)
	}
	return b == 1
}
