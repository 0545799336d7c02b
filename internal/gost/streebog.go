package gost

// Streebog (GOST R 34.11-2012, RFC 6986) over 64-bit words with merged
// LPS tables: the S-box, the byte transposition and the linear map of one
// round are one table lookup per input byte (8 tables of 256 uint64, as
// the standard's structure allows), and a block costs no allocation.
// Written here because gogost applies S, P and L byte by byte and copies
// every input into a growing buffer (about 10 MB/s); this runs at the C
// implementation's speed (README, make bench-compare).

import (
	"encoding/binary"
	"hash"
	"math/bits"
)

// lps[i][v]: the contribution of byte v at byte i of any input word to the
// word it lands in after S, P and L.
var lps [8][256]uint64

// roundC are the round constants as little-endian words.
var roundC [12]block

func init() {
	var a [64]uint64
	for i := range a {
		a[i] = binary.BigEndian.Uint64(streebogA[i][:])
	}
	// l maps one 64-bit word: byte b (little-endian position) with its
	// bits from the top contributes rows a[(7-b)*8+bit].
	l := func(b int, v byte) uint64 {
		var r uint64
		for bit := 0; bit < 8; bit++ {
			if v&0x80 != 0 {
				r ^= a[(7-b)*8+bit]
			}
			v <<= 1
		}
		return r
	}
	// Input byte p = 8i+j (word i, byte j) goes to position τ(p) = 8j+i:
	// word j, byte i. So output word j is the XOR over i of
	// l(i, π(byte j of input word i)).
	for i := 0; i < 8; i++ {
		if streebogTau[8*1+i] != 8*i+1 { // the transposition the standard gives
			panic("gost: unexpected τ")
		}
		for v := 0; v < 256; v++ {
			lps[i][v] = l(i, streebogPi[v])
		}
	}
	for r := range roundC {
		for w := 0; w < 8; w++ {
			roundC[r][w] = binary.LittleEndian.Uint64(streebogC[r][8*w:])
		}
	}
}

type block [8]uint64

// lpsXor sets dst = LPS(a ^ b); it reads a and b before writing dst, so
// they may be dst. The XOR goes to a byte array first: a byte load per
// lookup is one instruction where a shift and a mask are two.
func lpsXor(dst, a, b *block) {
	tab := &lps
	var x [64]byte
	binary.LittleEndian.PutUint64(x[0:], a[0]^b[0])
	binary.LittleEndian.PutUint64(x[8:], a[1]^b[1])
	binary.LittleEndian.PutUint64(x[16:], a[2]^b[2])
	binary.LittleEndian.PutUint64(x[24:], a[3]^b[3])
	binary.LittleEndian.PutUint64(x[32:], a[4]^b[4])
	binary.LittleEndian.PutUint64(x[40:], a[5]^b[5])
	binary.LittleEndian.PutUint64(x[48:], a[6]^b[6])
	binary.LittleEndian.PutUint64(x[56:], a[7]^b[7])
	dst[0] = tab[0][x[0]] ^ tab[1][x[8]] ^ tab[2][x[16]] ^ tab[3][x[24]] ^ tab[4][x[32]] ^ tab[5][x[40]] ^ tab[6][x[48]] ^ tab[7][x[56]]
	dst[1] = tab[0][x[1]] ^ tab[1][x[9]] ^ tab[2][x[17]] ^ tab[3][x[25]] ^ tab[4][x[33]] ^ tab[5][x[41]] ^ tab[6][x[49]] ^ tab[7][x[57]]
	dst[2] = tab[0][x[2]] ^ tab[1][x[10]] ^ tab[2][x[18]] ^ tab[3][x[26]] ^ tab[4][x[34]] ^ tab[5][x[42]] ^ tab[6][x[50]] ^ tab[7][x[58]]
	dst[3] = tab[0][x[3]] ^ tab[1][x[11]] ^ tab[2][x[19]] ^ tab[3][x[27]] ^ tab[4][x[35]] ^ tab[5][x[43]] ^ tab[6][x[51]] ^ tab[7][x[59]]
	dst[4] = tab[0][x[4]] ^ tab[1][x[12]] ^ tab[2][x[20]] ^ tab[3][x[28]] ^ tab[4][x[36]] ^ tab[5][x[44]] ^ tab[6][x[52]] ^ tab[7][x[60]]
	dst[5] = tab[0][x[5]] ^ tab[1][x[13]] ^ tab[2][x[21]] ^ tab[3][x[29]] ^ tab[4][x[37]] ^ tab[5][x[45]] ^ tab[6][x[53]] ^ tab[7][x[61]]
	dst[6] = tab[0][x[6]] ^ tab[1][x[14]] ^ tab[2][x[22]] ^ tab[3][x[30]] ^ tab[4][x[38]] ^ tab[5][x[46]] ^ tab[6][x[54]] ^ tab[7][x[62]]
	dst[7] = tab[0][x[7]] ^ tab[1][x[15]] ^ tab[2][x[23]] ^ tab[3][x[31]] ^ tab[4][x[39]] ^ tab[5][x[47]] ^ tab[6][x[55]] ^ tab[7][x[63]]
}

// lpsPair sets t = LPS(t ^ k) and k = LPS(k ^ c), a round of the state
// and of the key schedule at once: two independent chains of lookups the
// processor overlaps.
func lpsPair(t, k, c *block) {
	tab := &lps
	var x, y [64]byte
	binary.LittleEndian.PutUint64(x[0:], t[0]^k[0])
	binary.LittleEndian.PutUint64(y[0:], k[0]^c[0])
	binary.LittleEndian.PutUint64(x[8:], t[1]^k[1])
	binary.LittleEndian.PutUint64(y[8:], k[1]^c[1])
	binary.LittleEndian.PutUint64(x[16:], t[2]^k[2])
	binary.LittleEndian.PutUint64(y[16:], k[2]^c[2])
	binary.LittleEndian.PutUint64(x[24:], t[3]^k[3])
	binary.LittleEndian.PutUint64(y[24:], k[3]^c[3])
	binary.LittleEndian.PutUint64(x[32:], t[4]^k[4])
	binary.LittleEndian.PutUint64(y[32:], k[4]^c[4])
	binary.LittleEndian.PutUint64(x[40:], t[5]^k[5])
	binary.LittleEndian.PutUint64(y[40:], k[5]^c[5])
	binary.LittleEndian.PutUint64(x[48:], t[6]^k[6])
	binary.LittleEndian.PutUint64(y[48:], k[6]^c[6])
	binary.LittleEndian.PutUint64(x[56:], t[7]^k[7])
	binary.LittleEndian.PutUint64(y[56:], k[7]^c[7])
	t[0] = tab[0][x[0]] ^ tab[1][x[8]] ^ tab[2][x[16]] ^ tab[3][x[24]] ^ tab[4][x[32]] ^ tab[5][x[40]] ^ tab[6][x[48]] ^ tab[7][x[56]]
	k[0] = tab[0][y[0]] ^ tab[1][y[8]] ^ tab[2][y[16]] ^ tab[3][y[24]] ^ tab[4][y[32]] ^ tab[5][y[40]] ^ tab[6][y[48]] ^ tab[7][y[56]]
	t[1] = tab[0][x[1]] ^ tab[1][x[9]] ^ tab[2][x[17]] ^ tab[3][x[25]] ^ tab[4][x[33]] ^ tab[5][x[41]] ^ tab[6][x[49]] ^ tab[7][x[57]]
	k[1] = tab[0][y[1]] ^ tab[1][y[9]] ^ tab[2][y[17]] ^ tab[3][y[25]] ^ tab[4][y[33]] ^ tab[5][y[41]] ^ tab[6][y[49]] ^ tab[7][y[57]]
	t[2] = tab[0][x[2]] ^ tab[1][x[10]] ^ tab[2][x[18]] ^ tab[3][x[26]] ^ tab[4][x[34]] ^ tab[5][x[42]] ^ tab[6][x[50]] ^ tab[7][x[58]]
	k[2] = tab[0][y[2]] ^ tab[1][y[10]] ^ tab[2][y[18]] ^ tab[3][y[26]] ^ tab[4][y[34]] ^ tab[5][y[42]] ^ tab[6][y[50]] ^ tab[7][y[58]]
	t[3] = tab[0][x[3]] ^ tab[1][x[11]] ^ tab[2][x[19]] ^ tab[3][x[27]] ^ tab[4][x[35]] ^ tab[5][x[43]] ^ tab[6][x[51]] ^ tab[7][x[59]]
	k[3] = tab[0][y[3]] ^ tab[1][y[11]] ^ tab[2][y[19]] ^ tab[3][y[27]] ^ tab[4][y[35]] ^ tab[5][y[43]] ^ tab[6][y[51]] ^ tab[7][y[59]]
	t[4] = tab[0][x[4]] ^ tab[1][x[12]] ^ tab[2][x[20]] ^ tab[3][x[28]] ^ tab[4][x[36]] ^ tab[5][x[44]] ^ tab[6][x[52]] ^ tab[7][x[60]]
	k[4] = tab[0][y[4]] ^ tab[1][y[12]] ^ tab[2][y[20]] ^ tab[3][y[28]] ^ tab[4][y[36]] ^ tab[5][y[44]] ^ tab[6][y[52]] ^ tab[7][y[60]]
	t[5] = tab[0][x[5]] ^ tab[1][x[13]] ^ tab[2][x[21]] ^ tab[3][x[29]] ^ tab[4][x[37]] ^ tab[5][x[45]] ^ tab[6][x[53]] ^ tab[7][x[61]]
	k[5] = tab[0][y[5]] ^ tab[1][y[13]] ^ tab[2][y[21]] ^ tab[3][y[29]] ^ tab[4][y[37]] ^ tab[5][y[45]] ^ tab[6][y[53]] ^ tab[7][y[61]]
	t[6] = tab[0][x[6]] ^ tab[1][x[14]] ^ tab[2][x[22]] ^ tab[3][x[30]] ^ tab[4][x[38]] ^ tab[5][x[46]] ^ tab[6][x[54]] ^ tab[7][x[62]]
	k[6] = tab[0][y[6]] ^ tab[1][y[14]] ^ tab[2][y[22]] ^ tab[3][y[30]] ^ tab[4][y[38]] ^ tab[5][y[46]] ^ tab[6][y[54]] ^ tab[7][y[62]]
	t[7] = tab[0][x[7]] ^ tab[1][x[15]] ^ tab[2][x[23]] ^ tab[3][x[31]] ^ tab[4][x[39]] ^ tab[5][x[47]] ^ tab[6][x[55]] ^ tab[7][x[63]]
	k[7] = tab[0][y[7]] ^ tab[1][y[15]] ^ tab[2][y[23]] ^ tab[3][y[31]] ^ tab[4][y[39]] ^ tab[5][y[47]] ^ tab[6][y[55]] ^ tab[7][y[63]]
}

// g is the compression function g_N(h, m): in assembly on amd64
// (streebog_amd64.s), gGo elsewhere.
func g(h *block, n *block, m *block) {
	if useStreebogAsm {
		gAsm(h, n, m)
		return
	}
	gGo(h, n, m)
}

// gGo is g in Go.
func gGo(h *block, n *block, m *block) {
	var k, t block
	lpsXor(&k, h, n)
	t = *m
	for r := 0; r < 12; r++ {
		lpsPair(&t, &k, &roundC[r]) // t uses K_r, then K_{r+1} = LPS(K_r ^ C_r)
	}
	for i := range h {
		h[i] ^= t[i] ^ k[i] ^ m[i]
	}
}

// add512 sets a = a + b mod 2^512.
func add512(a, b *block) {
	var c uint64
	for i := range a {
		a[i], c = bits.Add64(a[i], b[i], c)
	}
}

// Streebog is a GOST R 34.11-2012 hash (hash.Hash).
type Streebog struct {
	size   int
	h, n   block // chaining value, bit counter
	sigma  block // sum of the blocks
	buf    [64]byte
	nbuf   int
	length uint64 // bytes written
}

// NewStreebog256 returns a Streebog-256 hash.
func NewStreebog256() *Streebog { return newStreebog(32) }

// NewStreebog512 returns a Streebog-512 hash.
func NewStreebog512() *Streebog { return newStreebog(64) }

func newStreebog(size int) *Streebog {
	s := &Streebog{size: size}
	s.Reset()
	return s
}

// Reset starts over.
func (s *Streebog) Reset() {
	*s = Streebog{size: s.size}
	if s.size == 32 {
		for i := range s.h {
			s.h[i] = 0x0101010101010101
		}
	}
}

// Size is 32 or 64.
func (s *Streebog) Size() int { return s.size }

// BlockSize is 64.
func (s *Streebog) BlockSize() int { return 64 }

var n512 = block{512}

func (s *Streebog) compress(p []byte) {
	var m block
	for i := range m {
		m[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	g(&s.h, &s.n, &m)
	add512(&s.n, &n512)
	add512(&s.sigma, &m)
}

// Write hashes p (never fails).
func (s *Streebog) Write(p []byte) (int, error) {
	n := len(p)
	s.length += uint64(n)
	if s.nbuf > 0 {
		c := copy(s.buf[s.nbuf:], p)
		s.nbuf += c
		p = p[c:]
		if s.nbuf < 64 {
			return n, nil
		}
		s.compress(s.buf[:])
		s.nbuf = 0
	}
	for len(p) >= 64 {
		s.compress(p[:64])
		p = p[64:]
	}
	s.nbuf = copy(s.buf[:], p)
	return n, nil
}

// Sum appends the digest to b; the state is not changed.
func (s *Streebog) Sum(b []byte) []byte {
	h, n, sigma := s.h, s.n, s.sigma
	var last [64]byte
	copy(last[:], s.buf[:s.nbuf])
	last[s.nbuf] = 1
	var m block
	for i := range m {
		m[i] = binary.LittleEndian.Uint64(last[8*i:])
	}
	g(&h, &n, &m)
	add512(&n, &block{uint64(s.nbuf) * 8})
	add512(&sigma, &m)
	var zero block
	g(&h, &zero, &n)
	g(&h, &zero, &sigma)
	var out [64]byte
	for i := range h {
		binary.LittleEndian.PutUint64(out[8*i:], h[i])
	}
	if s.size == 32 {
		return append(b, out[32:]...)
	}
	return append(b, out[:]...)
}

var _ hash.Hash = (*Streebog)(nil)

// Streebog256 is the Streebog-256 digest of data.
func Streebog256(data []byte) []byte {
	s := NewStreebog256()
	s.Write(data)
	return s.Sum(nil)
}

// Streebog512 is the Streebog-512 digest of data.
func Streebog512(data []byte) []byte {
	s := NewStreebog512()
	s.Write(data)
	return s.Sum(nil)
}
