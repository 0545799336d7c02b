package gost

// GOST R 34.10-2012 / 34.10-2001 curves (short Weierstrass form) and their
// arithmetic. Points are projective (X:Y:Z) and added with the complete
// formulas of Renes, Costello and Batina (2016: algorithms 1 and 3 for
// any a, the mixed algorithms 2 and 5, the latter for a = -3): no
// exceptional case, so no branch on the points. The tables are
// the parameter sets of RFC 7836 / R 1323565.1.024-2019 and RFC 4357.

import (
	"crypto/rand"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
	"sync"
)

// Curve is a GOST elliptic curve y² = x³ + ax + b over F_p with a base
// point of prime order q.
type Curve struct {
	Name string
	OID  asn1.ObjectIdentifier
	// PointSize is the size of a coordinate (and of a private key) in bytes.
	PointSize int

	P, Q, A, B, X, Y *big.Int

	fp, fq *field
	a, b3  fe   // Montgomery form
	bM     fe   // b, Montgomery form
	aM3    bool // a = -3: the shorter formulas (dbl-2001-b, RCB algorithm 5)
	g      point
	qBits  int

	combOnce sync.Once
	comb     [][combSize]xy // comb[i][j] = (j+1)·2^(combBits·i)·G, affine, made at the first signature

	gNAFOnce sync.Once
	gNAF     []apoint // G, 3G, 5G, … (2^(wBase-1) - 1)·G, affine, for verification

	gSplitOnce   sync.Once
	gSplit       [][]apoint // odd multiples of 2^(jL)·G, j < splitParts (jacobian.go)
	gSplitEdOnce sync.Once
	gSplitEd     [][]edAffine

	ed         *edParams // the Edwards form, for 256 paramSetA and 512 paramSetC (edwards.go)
	combEdOnce sync.Once
	combEd     [][combSize]edAffine
	gNAFEdOnce sync.Once
	gNAFEd     []edAffine
}

type point struct{ x, y, z fe }

// xy is an affine point that is never the identity (Montgomery form).
type xy struct{ x, y fe }

// The parameter sets.
var (
	Tc26512A = mustCurve("id-tc26-gost-3410-12-512-paramSetA", "1.2.643.7.1.2.1.2.1", 64,
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc7",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275",
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc4",
		"e8c2505dedfc86ddc1bd0b2b6667f1da34b82574761cb0e879bd081cfd0b6265ee3cb090f30d27614cb4574010da90dd862ef9d4ebee4761503190785a71c760",
		"3",
		"7503cfe87a836ae3a61b8816e25450e6ce5e1c93acf1abc1778064fdcbefa921df1626be4fd036e93d75e6a50e3a41e98028fe5fc235f5b889a589cb5215f2a4")
	Tc26512B = mustCurve("id-tc26-gost-3410-12-512-paramSetB", "1.2.643.7.1.2.1.2.2", 64,
		"8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006f",
		"800000000000000000000000000000000000000000000000000000000000000149a1ec142565a545acfdb77bd9d40cfa8b996712101bea0ec6346c54374f25bd",
		"8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006c",
		"687d1b459dc841457e3e06cf6f5e2517b97c7d614af138bcbf85dc806c4b289f3e965d2db1416d217f8b276fad1ab69c50f78bee1fa3106efb8ccbc7c5140116",
		"2",
		"1a8f7eda389b094c2c071e3647a8940f3c123b697578c213be6dd9e6c8ec7335dcb228fd1edf4a39152cbcaaf8c0398828041055f94ceeec7e21340780fe41bd")
	Tc26512C = mustCurve("id-tc26-gost-3410-12-512-paramSetC", "1.2.643.7.1.2.1.2.3", 64,
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc7",
		"3fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc98cdba46506ab004c33a9ff5147502cc8eda9e7a769a12694623cef47f023ed",
		"dc9203e514a721875485a529d2c722fb187bc8980eb866644de41c68e143064546e861c0e2c9edd92ade71f46fcf50ff2ad97f951fda9f2a2eb6546f39689bd3",
		"b4c4ee28cebc6c2c8ac12952cf37f16ac7efb6a9f69f4b57ffda2e4f0de5ade038cbc2fff719d2c18de0284b8bfef3b52b8cc7a5f5bf0a3c8d2319a5312557e1",
		"e2e31edfc23de7bdebe241ce593ef5de2295b7a9cbaef021d385f7074cea043aa27272a7ae602bf2a7b9033db9ed3610c6fb85487eae97aac5bc7928c1950148",
		"f5ce40d95b5eb899abbccff5911cb8577939804d6527378b8c108c3d2090ff9be18e2d33e3021ed2ef32d85822423b6304f726aa854bae07d0396e9a9addc40f").withEdwards(
		"9e4f5d8c017d8d9f13a5cf3cdf5bfe4dab402d54198e31ebde28a0621050439ca6b39e0a515c06b304e2ce43e79e369e91a0cfc2bc2a22b4ca302dbb33ee7550")
	Tc26256A = mustCurve("id-tc26-gost-3410-12-256-paramSetA", "1.2.643.7.1.2.1.1.1", 32,
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
		"400000000000000000000000000000000fd8cddfc87b6635c115af556c360c67",
		"c2173f1513981673af4892c23035a27ce25e2013bf95aa33b22c656f277e7335",
		"295f9bae7428ed9ccc20e7c359a9d41a22fccd9108e17bf7ba9337a6f8ae9513",
		"91e38443a5e82c0d880923425712b2bb658b9196932e02c78b2582fe742daa28",
		"32879423ab1a0375895786c4bb46e9565fde0b5344766740af268adb32322e5c").withEdwards(
		"605f6b7c183fa81578bc39cfad518132b9df62897009af7e522c32d6dc7bffb")
	CryptoProA = mustCurve("id-GostR3410-2001-CryptoPro-A-ParamSet", "1.2.643.2.2.35.1", 32,
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
		"ffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893",
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94",
		"a6",
		"1",
		"8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14")
	CryptoProB = mustCurve("id-GostR3410-2001-CryptoPro-B-ParamSet", "1.2.643.2.2.35.2", 32,
		"8000000000000000000000000000000000000000000000000000000000000c99",
		"800000000000000000000000000000015f700cfff1a624e5e497161bcc8a198f",
		"8000000000000000000000000000000000000000000000000000000000000c96",
		"3e1af419a269a5f866a7d3c25c3df80ae979259373ff2b182f49d4ce7e1bbc8b",
		"1",
		"3fa8124359f96680b83d1c3eb2c070e5c545c9858d03ecfb744bf8d717717efc")
	CryptoProC = mustCurve("id-GostR3410-2001-CryptoPro-C-ParamSet", "1.2.643.2.2.35.3", 32,
		"9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d759b",
		"9b9f605f5a858107ab1ec85e6b41c8aa582ca3511eddfb74f02f3a6598980bb9",
		"9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d7598",
		"805a",
		"0",
		"41ece55743711a8c3cbf3783cd08c0ee4d4dc440d4641a8f366e550dfdb3bb67")
	CryptoProXchA = mustCurve("id-GostR3410-2001-CryptoPro-XchA-ParamSet", "1.2.643.2.2.36.0", 32,
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97",
		"ffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893",
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94",
		"a6",
		"1",
		"8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14")
	CryptoProXchB = mustCurve("id-GostR3410-2001-CryptoPro-XchB-ParamSet", "1.2.643.2.2.36.1", 32,
		"9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d759b",
		"9b9f605f5a858107ab1ec85e6b41c8aa582ca3511eddfb74f02f3a6598980bb9",
		"9b9f605f5a858107ab1ec85e6b41c8aacf846e86789051d37998f7b9022d7598",
		"805a",
		"0",
		"41ece55743711a8c3cbf3783cd08c0ee4d4dc440d4641a8f366e550dfdb3bb67")
)

// Curves lists every parameter set.
func Curves() []*Curve {
	return []*Curve{Tc26512A, Tc26512B, Tc26512C, Tc26256A, CryptoProA, CryptoProB, CryptoProC, CryptoProXchA, CryptoProXchB}
}

// CurveByOID returns the parameter set with this OID, or nil. The tc26
// 256-bit sets B, C and D are CryptoPro A, B and C under other names.
func CurveByOID(oid asn1.ObjectIdentifier) *Curve {
	aliases := map[string]*Curve{
		"1.2.643.7.1.2.1.1.2": CryptoProA, "1.2.643.7.1.2.1.1.3": CryptoProB, "1.2.643.7.1.2.1.1.4": CryptoProC,
	}
	if c := aliases[oid.String()]; c != nil {
		return c
	}
	for _, c := range Curves() {
		if c.OID.Equal(oid) {
			return c
		}
	}
	return nil
}

func mustCurve(name, oid string, size int, p, q, a, b, x, y string) *Curve {
	num := func(s string) *big.Int {
		v, ok := new(big.Int).SetString(s, 16)
		if !ok {
			panic("gost: bad curve constant " + s)
		}
		return v
	}
	c := &Curve{Name: name, PointSize: size, P: num(p), Q: num(q), A: num(a), B: num(b), X: num(x), Y: num(y)}
	for _, part := range strings.Split(oid, ".") {
		var v int
		fmt.Sscan(part, &v)
		c.OID = append(c.OID, v)
	}
	c.fp, c.fq = newField(c.P), newField(c.Q)
	c.qBits = c.Q.BitLen()
	av, bv := feFromBig(c.A), feFromBig(new(big.Int).Mod(new(big.Int).Mul(c.B, big.NewInt(3)), c.P))
	c.fp.toMont(&c.a, &av)
	c.aM3 = new(big.Int).Add(c.A, big.NewInt(3)).Cmp(c.P) == 0
	c.fp.toMont(&c.b3, &bv)
	bp := feFromBig(c.B)
	c.fp.toMont(&c.bM, &bp)
	gx, gy := feFromBig(c.X), feFromBig(c.Y)
	c.fp.toMont(&c.g.x, &gx)
	c.fp.toMont(&c.g.y, &gy)
	c.g.z = c.fp.one
	if !c.onCurve(&c.g) {
		panic("gost: base point of " + name + " is not on the curve")
	}
	return c
}

func (c *Curve) identity() point { return point{y: c.fp.one} }

// onCurve checks an affine point (z = 1, Montgomery form).
func (c *Curve) onCurve(p *point) bool {
	f := c.fp
	var l, r, t fe
	f.mul(&l, &p.y, &p.y)
	f.mul(&r, &p.x, &p.x)
	f.mul(&r, &r, &p.x)
	f.mul(&t, &c.a, &p.x)
	f.add(&r, &r, &t)
	var bm, b fe
	b = feFromBig(c.B)
	f.toMont(&bm, &b)
	f.add(&r, &r, &bm)
	return l == r
}

// add sets r = p + q (RCB algorithm 1; r may alias p or q).
func (c *Curve) add(r, p, q *point) {
	f := c.fp
	var t0, t1, t2, t3, t4, t5, x3, y3, z3 fe
	f.mul(&t0, &p.x, &q.x)
	f.mul(&t1, &p.y, &q.y)
	f.mul(&t2, &p.z, &q.z)
	f.add(&t3, &p.x, &p.y)
	f.add(&t4, &q.x, &q.y)
	f.mul(&t3, &t3, &t4)
	f.add(&t4, &t0, &t1)
	f.sub(&t3, &t3, &t4)
	f.add(&t4, &p.x, &p.z)
	f.add(&t5, &q.x, &q.z)
	f.mul(&t4, &t4, &t5)
	f.add(&t5, &t0, &t2)
	f.sub(&t4, &t4, &t5)
	f.add(&t5, &p.y, &p.z)
	f.add(&x3, &q.y, &q.z)
	f.mul(&t5, &t5, &x3)
	f.add(&x3, &t1, &t2)
	f.sub(&t5, &t5, &x3)
	f.mul(&z3, &c.a, &t4)
	f.mul(&x3, &c.b3, &t2)
	f.add(&z3, &x3, &z3)
	f.sub(&x3, &t1, &z3)
	f.add(&z3, &t1, &z3)
	f.mul(&y3, &x3, &z3)
	f.add(&t1, &t0, &t0)
	f.add(&t1, &t1, &t0)
	f.mul(&t2, &c.a, &t2)
	f.mul(&t4, &c.b3, &t4)
	f.add(&t1, &t1, &t2)
	f.sub(&t2, &t0, &t2)
	f.mul(&t2, &c.a, &t2)
	f.add(&t4, &t4, &t2)
	f.mul(&t0, &t1, &t4)
	f.add(&y3, &y3, &t0)
	f.mul(&t0, &t5, &t4)
	f.mul(&x3, &t3, &x3)
	f.sub(&x3, &x3, &t0)
	f.mul(&t0, &t3, &t1)
	f.mul(&z3, &t5, &z3)
	f.add(&z3, &z3, &t0)
	r.x, r.y, r.z = x3, y3, z3
}

// double sets r = 2p (RCB algorithm 3; r may alias p).
func (c *Curve) double(r, p *point) {
	f := c.fp
	var t0, t1, t2, t3, x3, y3, z3 fe
	f.mul(&t0, &p.x, &p.x)
	f.mul(&t1, &p.y, &p.y)
	f.mul(&t2, &p.z, &p.z)
	f.mul(&t3, &p.x, &p.y)
	f.add(&t3, &t3, &t3)
	f.mul(&z3, &p.x, &p.z)
	f.add(&z3, &z3, &z3)
	f.mul(&x3, &c.a, &z3)
	f.mul(&y3, &c.b3, &t2)
	f.add(&y3, &x3, &y3)
	f.sub(&x3, &t1, &y3)
	f.add(&y3, &t1, &y3)
	f.mul(&y3, &x3, &y3)
	f.mul(&x3, &t3, &x3)
	f.mul(&z3, &c.b3, &z3)
	f.mul(&t2, &c.a, &t2)
	f.sub(&t3, &t0, &t2)
	f.mul(&t3, &c.a, &t3)
	f.add(&t3, &t3, &z3)
	f.add(&z3, &t0, &t0)
	f.add(&t0, &z3, &t0)
	f.add(&t0, &t0, &t2)
	f.mul(&t0, &t0, &t3)
	f.add(&y3, &y3, &t0)
	f.mul(&t2, &p.y, &p.z)
	f.add(&t2, &t2, &t2)
	f.mul(&t0, &t2, &t3)
	f.sub(&x3, &x3, &t0)
	f.mul(&z3, &t2, &t1)
	f.add(&z3, &z3, &z3)
	f.add(&z3, &z3, &z3)
	r.x, r.y, r.z = x3, y3, z3
}

// The signing comb: a scalar k < q is read as signed 6-bit digits
// k = Σ d_i·64^i with d_i in [-32, 32], and k·G = Σ d_i·(64^i·G) is one
// mixed addition per digit from a table of (1..32)·64^i·G, no doubling.
// For a 512-bit q that is 86 additions (the 4-bit unsigned comb before
// took 128 full projective ones); the table is 86 rows of 32 affine
// points (352 KB; 88 KB for 256 bits), made once per curve. 5-bit digits
// took 103 additions with half the scan per row: about 10% slower.
const (
	combBits = 6
	combSize = 1 << (combBits - 1) // 32 entries: 1..32 × the row's point
)

func (c *Curve) combRows() int { return (c.qBits + combBits) / combBits } // one more bit for the last carry

// baseComb returns the base point's comb table, made at the first call.
func (c *Curve) baseComb() [][combSize]xy {
	c.combOnce.Do(func() { c.comb = c.makeComb() })
	return c.comb
}

// makeComb makes the comb table of baseComb (not kept: the Edwards curves
// keep only their own form of it).
func (c *Curve) makeComb() [][combSize]xy {
	rows := c.combRows()
	proj := make([]point, rows*combSize)
	base := c.g
	for i := 0; i < rows; i++ {
		row := proj[i*combSize : (i+1)*combSize]
		row[0] = base
		for j := 1; j < combSize; j++ {
			c.add(&row[j], &row[j-1], &base)
		}
		for j := 0; j < combBits; j++ {
			c.double(&base, &base)
		}
	}
	flat := c.normalize(proj)
	comb := make([][combSize]xy, rows)
	for i := range comb {
		copy(comb[i][:], flat[i*combSize:])
	}
	return comb
}

// normalize turns projective points (none the identity) into affine ones
// with one inversion (Montgomery's trick). For tables of public points.
func (c *Curve) normalize(ps []point) []xy {
	f := c.fp
	prefix := make([]fe, len(ps))
	acc := f.one
	for i := range ps {
		prefix[i] = acc
		f.mul(&acc, &acc, &ps[i].z)
	}
	var inv fe
	f.inv(&inv, &acc)
	out := make([]xy, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		var zi fe
		f.mul(&zi, &inv, &prefix[i])
		f.mul(&inv, &inv, &ps[i].z)
		f.mul(&out[i].x, &ps[i].x, &zi)
		f.mul(&out[i].y, &ps[i].y, &zi)
	}
	return out
}

// combDigits recodes k (< 2^qBits) into signed combBits-bit digits:
// magnitude and sign mask per row. No branch and no index depends on k.
func (c *Curve) combDigits(k *fe, mag []uint64, neg []uint64) {
	const half, full = combSize, 2 * combSize
	var carry uint64
	for i := range mag {
		bit := i * combBits
		w := k[bit/64] >> (bit % 64)
		if bit%64 > 64-combBits && bit/64+1 < len(k) {
			w |= k[bit/64+1] << (64 - bit%64)
		}
		w = w&(full-1) + carry // 0..full
		// w > half: digit w - full (negative), carry 1
		big := -((half - w) >> 63) // all ones when w > half
		carry = big & 1
		d := w - big&full // as a signed value: w or w - full
		m := -(d >> 63)   // all ones when negative
		mag[i] = (d ^ m) - m
		neg[i] = m
	}
}

// selectXY copies t[idx] into r reading every entry (the index stays
// secret); an idx outside the table gives (0, 0). Only the field's n limbs
// are read: the scan is most of a 256-bit addition's cost otherwise.
func (c *Curve) selectXY(r *xy, t *[combSize]xy, idx uint64) {
	if useSelectAsm {
		if c.fp.n == 4 {
			selectXY4Asm(r, t, idx)
		} else {
			selectXY8Asm(r, t, idx)
		}
		return
	}
	c.selectXYGo(r, t, idx)
}

// selectXYGo is selectXY in Go (field_amd64.s has it with AVX2).
func (c *Curve) selectXYGo(r *xy, t *[combSize]xy, idx uint64) {
	*r = xy{}
	if c.fp.n == 4 {
		for i := range t {
			m := isZeroMask(uint64(i) ^ idx)
			e := &t[i]
			for j := 0; j < 4; j++ {
				r.x[j] |= e.x[j] & m
				r.y[j] |= e.y[j] & m
			}
		}
		return
	}
	for i := range t {
		m := isZeroMask(uint64(i) ^ idx)
		e := &t[i]
		for j := 0; j < 8; j++ {
			r.x[j] |= e.x[j] & m
			r.y[j] |= e.y[j] & m
		}
	}
}

// mulBaseCT sets r = k·G for a secret k < q: one mixed addition per
// signed digit from the comb table, every row added (a zero digit's sum is
// computed and dropped by a mask), entries read by selectXY, the sign
// applied by a mask; no doubling. Time and memory accesses do not depend
// on k.
func (c *Curve) mulBaseCT(r *point, k *fe) {
	comb := c.baseComb()
	f := c.fp
	var magA, negA [128]uint64
	mag, neg := magA[:len(comb)], negA[:len(comb)]
	c.combDigits(k, mag, neg)
	acc := c.identity()
	var sel xy
	var sum point
	var ny fe
	for i := range comb {
		c.selectXY(&sel, &comb[i], mag[i]-1) // mag 0 matches no entry
		f.sub(&ny, &fe{}, &sel.y)
		cmov(&sel.y, &ny, neg[i])
		c.addMixed(&sum, &acc, &sel)
		keep := isZeroMask(mag[i])
		cmov(&sum.x, &acc.x, keep)
		cmov(&sum.y, &acc.y, keep)
		cmov(&sum.z, &acc.z, keep)
		acc = sum
	}
	clear(magA[:])
	clear(negA[:])
	*r = acc
}

// addMixed sets r = p + q for an affine q (not the identity): RCB
// algorithm 2 (any a) or 5 (a = -3), complete for every p.
func (c *Curve) addMixed(r, p *point, q *xy) {
	if c.aM3 {
		c.addMixedM3(r, p, q)
		return
	}
	f := c.fp
	var t0, t1, t2, t3, t4, t5, x3, y3, z3 fe
	f.mul(&t0, &p.x, &q.x)
	f.mul(&t1, &p.y, &q.y)
	f.add(&t3, &q.x, &q.y)
	f.add(&t4, &p.x, &p.y)
	f.mul(&t3, &t3, &t4)
	f.add(&t4, &t0, &t1)
	f.sub(&t3, &t3, &t4)
	f.mul(&t4, &q.x, &p.z)
	f.add(&t4, &t4, &p.x)
	f.mul(&t5, &q.y, &p.z)
	f.add(&t5, &t5, &p.y)
	f.mul(&z3, &c.a, &t4)
	f.mul(&x3, &c.b3, &p.z)
	f.add(&z3, &x3, &z3)
	f.sub(&x3, &t1, &z3)
	f.add(&z3, &t1, &z3)
	f.mul(&y3, &x3, &z3)
	f.add(&t1, &t0, &t0)
	f.add(&t1, &t1, &t0)
	f.mul(&t2, &c.a, &p.z)
	f.mul(&t4, &c.b3, &t4)
	f.add(&t1, &t1, &t2)
	f.sub(&t2, &t0, &t2)
	f.mul(&t2, &c.a, &t2)
	f.add(&t4, &t4, &t2)
	f.mul(&t0, &t1, &t4)
	f.add(&y3, &y3, &t0)
	f.mul(&t0, &t5, &t4)
	f.mul(&x3, &t3, &x3)
	f.sub(&x3, &x3, &t0)
	f.mul(&t0, &t3, &t1)
	f.mul(&z3, &t5, &z3)
	f.add(&z3, &z3, &t0)
	r.x, r.y, r.z = x3, y3, z3
}

// addMixedM3 is addMixed for a = -3 (RCB algorithm 5, that is algorithm
// 4 with Z2 = 1: 11 products, two of them by b, instead of 16).
func (c *Curve) addMixedM3(r, p *point, q *xy) {
	f := c.fp
	if useAsm && f.c != 0 {
		if f.n == 4 {
			addMixedM3Fold4Asm(r, p, q, &c.bM, &f.p, f.c)
		} else {
			addMixedM3Fold8Asm(r, p, q, &c.bM, &f.p, f.c)
		}
		return
	}
	c.addMixedM3Go(r, p, q)
}

// addMixedM3Go is addMixedM3 in Go (points_amd64.s has the same
// operations).
func (c *Curve) addMixedM3Go(r, p *point, q *xy) {
	f := c.fp
	b := &c.bM
	var t0, t1, t2, t3, t4, x3, y3, z3 fe
	f.mul(&t0, &p.x, &q.x)
	f.mul(&t1, &p.y, &q.y)
	f.add(&t3, &q.x, &q.y)
	f.add(&t4, &p.x, &p.y)
	f.mul(&t3, &t3, &t4)
	f.add(&t4, &t0, &t1)
	f.sub(&t3, &t3, &t4)
	f.mul(&t4, &q.y, &p.z)
	f.add(&t4, &t4, &p.y)
	f.mul(&y3, &q.x, &p.z)
	f.add(&y3, &y3, &p.x)
	f.mul(&z3, b, &p.z)
	f.sub(&x3, &y3, &z3)
	f.add(&z3, &x3, &x3)
	f.add(&x3, &x3, &z3)
	f.sub(&z3, &t1, &x3)
	f.add(&x3, &t1, &x3)
	f.mul(&y3, b, &y3)
	f.add(&t1, &p.z, &p.z)
	f.add(&t2, &t1, &p.z)
	f.sub(&y3, &y3, &t2)
	f.sub(&y3, &y3, &t0)
	f.add(&t1, &y3, &y3)
	f.add(&y3, &t1, &y3)
	f.add(&t1, &t0, &t0)
	f.add(&t0, &t1, &t0)
	f.sub(&t0, &t0, &t2)
	f.mul(&t1, &t4, &y3)
	f.mul(&t2, &t0, &y3)
	f.mul(&y3, &x3, &z3)
	f.add(&y3, &y3, &t2)
	f.mul(&x3, &t3, &x3)
	f.sub(&x3, &x3, &t1)
	f.mul(&z3, &t4, &z3)
	f.mul(&t1, &t3, &t0)
	f.add(&z3, &z3, &t1)
	r.x, r.y, r.z = x3, y3, z3
}

// mulBaseAffine returns k·G's affine coordinates (plain) for a secret
// k < q, in constant time, in the Edwards form where the curve has one;
// inf is all ones for the identity (k = 0), whose coordinates are
// meaningless.
func (c *Curve) mulBaseAffine(k *fe) (x, y fe, inf uint64) {
	if c.ed != nil {
		var p edPoint
		c.mulBaseEdCT(&p, k)
		return c.edWeierstrass(&p)
	}
	var p point
	c.mulBaseCT(&p, k)
	x, y = c.affine(&p)
	return x, y, c.fp.isZero(&p.z)
}

// invBlinded sets z = x⁻¹ for a secret x, faster than field.inv's
// exponentiation (about 14 times for 512 bits): x is multiplied by a
// fresh random β, math/big inverts xβ (its time depends on xβ, which is
// uniformly random and says nothing about x), and the result is
// multiplied by β again. x = 0 gives 0.
func (c *Curve) invBlinded(z, x *fe) {
	f := c.fp
	buf := make([]byte, f.size)
	defer clear(buf)
	var beta fe
	for {
		rand.Read(buf)
		beta = f.setBytesBE(buf)
		maskTop(&beta, f.bits)
		if f.less(&beta) && beta != (fe{}) {
			break
		}
	}
	var y fe
	f.mul(&y, x, &beta)
	f.fromMont(&y, &y)
	yb := y.big(f.n)
	inv := new(big.Int).ModInverse(yb, c.P)
	if inv == nil { // x = 0
		inv = new(big.Int)
	}
	y = feFromBig(inv)
	clear(yb.Bits())
	clear(inv.Bits())
	f.toMont(&y, &y)
	f.mul(z, &y, &beta)
	beta, y = fe{}, fe{}
}

// affine returns p's coordinates as plain (not Montgomery) elements.
func (c *Curve) affine(p *point) (x, y fe) {
	f := c.fp
	var zi fe
	c.invBlinded(&zi, &p.z)
	f.mul(&x, &p.x, &zi)
	f.mul(&y, &p.y, &zi)
	f.fromMont(&x, &x)
	f.fromMont(&y, &y)
	return x, y
}
