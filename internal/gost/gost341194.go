package gost

// GOST R 34.11-94 (in Kazakhstan GOST 34.311-95, the digest of the GOST
// 34.310-2004 keys), with GOST 28147-89 as its block cipher. The cipher's
// round (four 4-bit S-boxes, then a rotation by 11) is four lookups in
// tables of 256 words made once per S-box set; blocks are fixed arrays, so
// hashing allocates nothing. The byte conventions follow gogost, which the
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

// encrypt is GOST 28147-89 (ECB, one block) with key k (eight
// little-endian words) on the block's two halves n1, n2.
func (t *roundTables) encrypt(k *[8]uint32, n1, n2 uint32) (uint32, uint32) {
	round := func(n1, n2, k uint32) (uint32, uint32) {
		x := n1 + k
		return t[0][byte(x)] ^ t[1][byte(x>>8)] ^ t[2][byte(x>>16)] ^ t[3][byte(x>>24)] ^ n2, n1
	}
	for j := 0; j < 3; j++ {
		for i := 0; i < 8; i++ {
			n1, n2 = round(n1, n2, k[i])
		}
	}
	for i := 7; i >= 0; i-- {
		n1, n2 = round(n1, n2, k[i])
	}
	return n1, n2
}

type b32 = [32]byte

var gostC3 = b32{
	0xff, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff,
	0xff, 0x00, 0x00, 0xff, 0x00, 0xff, 0xff, 0x00,
	0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff,
	0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00,
}

func fA(in *b32) b32 {
	var out b32
	for i := 0; i < 8; i++ {
		out[i] = in[16+i] ^ in[24+i]
	}
	copy(out[8:], in[:24])
	return out
}

func fP(in *b32) b32 {
	var out b32
	for i := 0; i < 4; i++ {
		for j := 0; j < 8; j++ {
			out[4*j+i] = in[8*i+j]
		}
	}
	return out
}

func fChi(in *b32) {
	a := in[30] ^ in[28] ^ in[26] ^ in[24] ^ in[0] ^ in[6]
	b := in[31] ^ in[29] ^ in[27] ^ in[25] ^ in[1] ^ in[7]
	copy(in[2:], in[:30])
	in[0], in[1] = a, b
}

// keyOf is the cipher key of gogost's NewCipher(reverse(P(u ^ v))).
func keyOf(u, v *b32) [8]uint32 {
	var x b32
	for i := range x {
		x[i] = u[i] ^ v[i]
	}
	p := fP(&x)
	var k [8]uint32
	for i := 0; i < 8; i++ { // reversed, then little-endian words
		k[i] = uint32(p[31-4*i]) | uint32(p[30-4*i])<<8 | uint32(p[29-4*i])<<16 | uint32(p[28-4*i])<<24
	}
	return k
}

// step is the compression function: hin and m in gogost's reversed form.
func (t *roundTables) step(hin, m *b32) b32 {
	var out b32
	u, v := *hin, *m
	for part := 0; part < 4; part++ {
		if part > 0 {
			u = fA(&u)
			if part == 2 {
				for i := range u {
					u[i] ^= gostC3[i]
				}
			}
			v = fA(&v)
			v = fA(&v)
		}
		k := keyOf(&u, &v)
		// The block: hin's bytes 31-8p down to 24-8p, read as gogost's
		// block2nvs does; the result written back reversed.
		o := 24 - 8*part
		n1 := uint32(hin[o+7]) | uint32(hin[o+6])<<8 | uint32(hin[o+5])<<16 | uint32(hin[o+4])<<24
		n2 := uint32(hin[o+3]) | uint32(hin[o+2])<<8 | uint32(hin[o+1])<<16 | uint32(hin[o])<<24
		n1, n2 = t.encrypt(&k, n1, n2)
		// nvs2block(n1, n2) gives s = n2 LE ‖ n1 LE; out[o+7-i] = s[i].
		out[o+7], out[o+6], out[o+5], out[o+4] = byte(n2), byte(n2>>8), byte(n2>>16), byte(n2>>24)
		out[o+3], out[o+2], out[o+1], out[o] = byte(n1), byte(n1>>8), byte(n1>>16), byte(n1>>24)
	}
	for i := 0; i < 12; i++ {
		fChi(&out)
	}
	for i := range out {
		out[i] ^= m[i]
	}
	fChi(&out)
	for i := range out {
		out[i] ^= hin[i]
	}
	for i := 0; i < 61; i++ {
		fChi(&out)
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
