package gost

// GOST R 34.11-94 (in Kazakhstan GOST 34.311-95, the digest of the GOST
// 34.310-2004 keys), with GOST 28147-89 as its block cipher. The cipher's
// round (eight 4-bit S-boxes, then a rotation by 11) is four lookups in
// merged tables of 256 words made once per S-box set (S-box pair and
// rotation in one entry); the mixing ψ^12, ψ and ψ^61 runs as one linear
// feedback shift register over 16-bit words; blocks are fixed arrays and
// words, so hashing allocates nothing. The byte conventions follow gogost, which the
// tests use as the reference, and Kalkan's.

import (
	"encoding/binary"
	"hash"
	"math/bits"
	"sync"
)

// Sbox is a GOST 28147-89 S-box set.
type Sbox [8][16]uint8

// The S-box sets of GOST R 34.11-94: the standard's test set (the one
// Kalkan uses) and CryptoPro's.
var (
	SboxTest = Sbox{
		{4, 10, 9, 2, 13, 8, 0, 14, 6, 11, 1, 12, 7, 15, 5, 3},
		{14, 11, 4, 12, 6, 13, 15, 10, 2, 3, 8, 1, 0, 7, 5, 9},
		{5, 8, 1, 13, 10, 3, 4, 2, 14, 15, 12, 7, 6, 0, 9, 11},
		{7, 13, 10, 1, 0, 8, 9, 15, 14, 4, 6, 12, 11, 2, 5, 3},
		{6, 12, 7, 1, 5, 15, 13, 8, 4, 10, 9, 14, 0, 3, 11, 2},
		{4, 11, 10, 0, 7, 2, 1, 13, 3, 6, 8, 5, 9, 12, 15, 14},
		{13, 11, 4, 1, 3, 15, 5, 9, 0, 10, 14, 7, 6, 8, 2, 12},
		{1, 15, 13, 0, 5, 7, 10, 4, 9, 2, 3, 14, 6, 11, 8, 12},
	}
	SboxCryptoPro = Sbox{
		{10, 4, 5, 6, 8, 1, 3, 7, 13, 12, 14, 0, 9, 2, 11, 15},
		{5, 15, 4, 0, 2, 13, 11, 9, 1, 7, 6, 3, 12, 14, 10, 8},
		{7, 15, 12, 14, 9, 4, 1, 0, 3, 11, 5, 2, 6, 10, 8, 13},
		{4, 10, 7, 12, 0, 15, 2, 8, 14, 1, 6, 5, 13, 11, 9, 3},
		{7, 6, 4, 11, 9, 12, 2, 10, 1, 8, 0, 14, 15, 13, 3, 5},
		{7, 6, 2, 4, 13, 9, 15, 0, 10, 1, 5, 11, 8, 14, 12, 3},
		{13, 14, 4, 1, 7, 0, 5, 10, 3, 12, 8, 15, 6, 2, 9, 11},
		{1, 3, 10, 9, 5, 11, 4, 15, 8, 6, 7, 14, 13, 0, 2, 12},
	}
)

// roundTables[i][b]: S-boxes 2i and 2i+1 applied to byte i of the round
// input, then the rotation by 11.
type roundTables [4][256]uint32

var tablesCache sync.Map // *Sbox -> *roundTables

func tablesFor(s *Sbox) *roundTables {
	if t, ok := tablesCache.Load(s); ok {
		return t.(*roundTables)
	}
	t := new(roundTables)
	for i := 0; i < 4; i++ {
		for b := 0; b < 256; b++ {
			v := uint32(s[2*i][b&15]) | uint32(s[2*i+1][b>>4])<<4
			t[i][b] = bits.RotateLeft32(v<<(8*i), 11)
		}
	}
	tablesCache.Store(s, t)
	return t
}

// f is the cipher's round function after the key addition: the eight
// S-boxes and the rotation, four lookups.
func (t *roundTables) f(x uint32) uint32 {
	return t[0][byte(x)] ^ t[1][byte(x>>8)] ^ t[2][byte(x>>16)] ^ t[3][byte(x>>24)]
}

// encrypt is GOST 28147-89 (ECB, one block) with key k (eight
// little-endian words) on the block's two halves n1, n2. Two rounds per
// line, so the halves never swap places: after each pair (n1, n2) is
// (a, b) again.
func (t *roundTables) encrypt(k *[8]uint32, a, b uint32) (uint32, uint32) {
	k0, k1, k2, k3, k4, k5, k6, k7 := k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]
	for j := 0; j < 3; j++ {
		b ^= t.f(a + k0)
		a ^= t.f(b + k1)
		b ^= t.f(a + k2)
		a ^= t.f(b + k3)
		b ^= t.f(a + k4)
		a ^= t.f(b + k5)
		b ^= t.f(a + k6)
		a ^= t.f(b + k7)
	}
	b ^= t.f(a + k7)
	a ^= t.f(b + k6)
	b ^= t.f(a + k5)
	a ^= t.f(b + k4)
	b ^= t.f(a + k3)
	a ^= t.f(b + k2)
	b ^= t.f(a + k1)
	a ^= t.f(b + k0)
	return a, b
}

type b32 = [32]byte

// gostC3 is the standard's constant C3 in gogost's reversed form, as four
// little-endian words.
var gostC3 = [4]uint64{0xff000000ffff00ff, 0x00ffff00ff0000ff, 0xff00ff00ff00ff00, 0x00ff00ff00ff00ff}

// fA is the standard's A on four little-endian words of gogost's reversed
// form: (y4 ^ y3) ‖ y4 ‖ y3 ‖ y2 becomes words {w2^w3, w0, w1, w2}.
func fA(w [4]uint64) [4]uint64 { return [4]uint64{w[2] ^ w[3], w[0], w[1], w[2]} }

// keyOf is the cipher key of gogost's NewCipher(reverse(P(u ^ v))), with
// u and v as little-endian words: P moves byte 8i+j to 4j+i, and key word
// i is bytes 31-4i down to 28-4i of the result.
func keyOf(u, v *[4]uint64) [8]uint32 {
	w0, w1, w2, w3 := u[0]^v[0], u[1]^v[1], u[2]^v[2], u[3]^v[3]
	var k [8]uint32
	for i := 0; i < 8; i++ {
		sh := uint(8 * (7 - i))
		k[i] = uint32(byte(w3>>sh)) | uint32(byte(w2>>sh))<<8 | uint32(byte(w1>>sh))<<16 | uint32(byte(w0>>sh))<<24
	}
	return k
}

// psiLen: the ψ steps of one compression, 12 + 1 + 61, after the 16
// words of the start.
const psiLen = 16 + 12 + 1 + 61

// step is the compression function: hin and m in gogost's reversed form.
func (t *roundTables) step(hin, m *b32) b32 {
	var u, v [4]uint64
	for i := 0; i < 4; i++ {
		u[i] = binary.LittleEndian.Uint64(hin[8*i:])
		v[i] = binary.LittleEndian.Uint64(m[8*i:])
	}
	var s b32
	for part := 0; part < 4; part++ {
		if part > 0 {
			u = fA(u)
			if part == 2 {
				for i := range u {
					u[i] ^= gostC3[i]
				}
			}
			v = fA(fA(v))
		}
		k := keyOf(&u, &v)
		// The block: hin's bytes 31-8p down to 24-8p, read as gogost's
		// block2nvs does; the result written back reversed (nvs2block
		// gives n2 LE ‖ n1 LE).
		o := 24 - 8*part
		n1, n2 := t.encrypt(&k, binary.BigEndian.Uint32(hin[o+4:]), binary.BigEndian.Uint32(hin[o:]))
		binary.BigEndian.PutUint32(s[o+4:], n2)
		binary.BigEndian.PutUint32(s[o:], n1)
	}
	// ψ^61(H ⊕ ψ(M ⊕ ψ^12(S))). ψ shifts the sixteen 16-bit words (word i
	// is bytes 2i, 2i+1) up by one and puts in word 0 the XOR of words 15,
	// 14, 13, 12, 3 and 0: a linear feedback shift register. x holds its
	// whole run: at time τ word i is x[τ+15-i], and x[τ+16] =
	// x[τ]^x[τ+1]^x[τ+2]^x[τ+3]^x[τ+12]^x[τ+15].
	var x [psiLen]uint16
	for i := 0; i < 16; i++ {
		x[15-i] = binary.LittleEndian.Uint16(s[2*i:])
	}
	for τ := 0; τ < 12; τ++ { // constant bounds: no bounds checks
		x[τ+16] = x[τ] ^ x[τ+1] ^ x[τ+2] ^ x[τ+3] ^ x[τ+12] ^ x[τ+15]
	}
	for i := 0; i < 16; i++ {
		x[27-i] ^= binary.LittleEndian.Uint16(m[2*i:])
	}
	x[28] = x[12] ^ x[13] ^ x[14] ^ x[15] ^ x[24] ^ x[27]
	for i := 0; i < 16; i++ {
		x[28-i] ^= binary.LittleEndian.Uint16(hin[2*i:])
	}
	for τ := 13; τ < psiLen-16; τ++ {
		x[τ+16] = x[τ] ^ x[τ+1] ^ x[τ+2] ^ x[τ+3] ^ x[τ+12] ^ x[τ+15]
	}
	var out b32
	for i := 0; i < 16; i++ {
		binary.LittleEndian.PutUint16(out[2*i:], x[psiLen-1-i])
	}
	return out
}

// GOST94 is a GOST R 34.11-94 hash (hash.Hash).
type GOST94 struct {
	t      *roundTables
	h, sum b32 // gogost's reversed form; sum is a big-endian number
	buf    b32
	nbuf   int
	bits   uint64
}

// NewGOST94 returns a GOST R 34.11-94 hash with the given S-box set.
func NewGOST94(s *Sbox) *GOST94 { return &GOST94{t: tablesFor(s)} }

// Reset starts over.
func (g *GOST94) Reset() { *g = GOST94{t: g.t} }

// Size is 32.
func (g *GOST94) Size() int { return 32 }

// BlockSize is 32.
func (g *GOST94) BlockSize() int { return 32 }

func addBE(sum, x *b32) {
	var c uint64
	for i := 3; i >= 0; i-- {
		s, cc := bits.Add64(binary.BigEndian.Uint64(sum[8*i:]), binary.BigEndian.Uint64(x[8*i:]), c)
		binary.BigEndian.PutUint64(sum[8*i:], s)
		c = cc
	}
}

func reversed(p []byte) b32 {
	var r b32
	for i := range p {
		r[31-i] = p[i]
	}
	return r
}

func (g *GOST94) block(p []byte) {
	m := reversed(p)
	addBE(&g.sum, &m)
	g.bits += 256
	g.h = g.t.step(&g.h, &m)
}

// Write hashes p (never fails).
func (g *GOST94) Write(p []byte) (int, error) {
	n := len(p)
	if g.nbuf > 0 {
		c := copy(g.buf[g.nbuf:], p)
		g.nbuf += c
		p = p[c:]
		if g.nbuf < 32 {
			return n, nil
		}
		g.block(g.buf[:])
		g.nbuf = 0
	}
	for len(p) >= 32 {
		g.block(p[:32])
		p = p[32:]
	}
	g.nbuf = copy(g.buf[:], p)
	return n, nil
}

// Sum appends the digest to b; the state is not changed.
func (g *GOST94) Sum(b []byte) []byte {
	h, sum, size := g.h, g.sum, g.bits
	if g.nbuf > 0 {
		var last b32
		copy(last[:], g.buf[:g.nbuf])
		m := reversed(last[:])
		addBE(&sum, &m)
		size += uint64(g.nbuf) * 8
		h = g.t.step(&h, &m)
	}
	var l b32
	binary.BigEndian.PutUint64(l[24:], size)
	h = g.t.step(&h, &l)
	h = g.t.step(&h, &sum)
	out := reversed(h[:])
	return append(b, out[:]...)
}

var _ hash.Hash = (*GOST94)(nil)
