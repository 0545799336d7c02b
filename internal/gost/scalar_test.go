package gost

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"testing"
)

// refPoint is an affine point in math/big; nil is the identity.
type refPoint struct{ x, y *big.Int }

// refAdd adds affine points with the textbook formulas in math/big: the
// reference for the fixed-width scalar multiplications.
func refAdd(c *Curve, p, q *refPoint) *refPoint {
	if p == nil {
		return q
	}
	if q == nil {
		return p
	}
	P := c.P
	var l *big.Int
	if p.x.Cmp(q.x) == 0 {
		if new(big.Int).Mod(new(big.Int).Add(p.y, q.y), P).Sign() == 0 {
			return nil
		}
		num := new(big.Int).Mul(p.x, p.x)
		num.Mul(num, big.NewInt(3)).Add(num, c.A)
		den := new(big.Int).Lsh(p.y, 1)
		l = num.Mul(num, den.ModInverse(den.Mod(den, P), P))
	} else {
		num := new(big.Int).Sub(q.y, p.y)
		den := new(big.Int).Sub(q.x, p.x)
		den.Mod(den, P)
		l = num.Mul(num, den.ModInverse(den, P))
	}
	l.Mod(l, P)
	x := new(big.Int).Mul(l, l)
	x.Sub(x, p.x).Sub(x, q.x).Mod(x, P)
	y := new(big.Int).Sub(p.x, x)
	y.Mul(y, l).Sub(y, p.y).Mod(y, P)
	return &refPoint{x, y}
}

func refMul(c *Curve, k *big.Int, p *refPoint) *refPoint {
	var acc *refPoint
	for i := k.BitLen() - 1; i >= 0; i-- {
		acc = refAdd(c, acc, acc)
		if k.Bit(i) == 1 {
			acc = refAdd(c, acc, p)
		}
	}
	return acc
}

// affineOf returns a projective point as a refPoint.
func affineOf(c *Curve, p *point) *refPoint {
	if c.fp.isZero(&p.z) != 0 {
		return nil
	}
	x, y := c.affine(p)
	return &refPoint{x.big(c.fp.n), y.big(c.fp.n)}
}

// jAffineOf returns a Jacobian point as a refPoint.
func jAffineOf(c *Curve, p *jpoint) *refPoint {
	f := c.fp
	if f.isZero(&p.z) != 0 {
		return nil
	}
	var zi, zi2, x, y fe
	f.inv(&zi, &p.z)
	f.sqr(&zi2, &zi)
	f.mul(&x, &p.x, &zi2)
	f.mul(&zi2, &zi2, &zi)
	f.mul(&y, &p.y, &zi2)
	f.fromMont(&x, &x)
	f.fromMont(&y, &y)
	return &refPoint{x.big(f.n), y.big(f.n)}
}

func sameRef(a, b *refPoint) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.x.Cmp(b.x) == 0 && a.y.Cmp(b.y) == 0
}

// edgeScalars: 0, 1, small values around the comb's digit limits (6-bit
// digits: 32 is the largest positive one), q-1, q-2, values whose signed
// digits are all ±32 or carry all the way, and random ones.
func edgeScalars(c *Curve, random int) []*big.Int {
	ks := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(31), big.NewInt(32), big.NewInt(33),
		big.NewInt(63), big.NewInt(64), big.NewInt(65), big.NewInt(4095), big.NewInt(4096)}
	qm := func(d int64) *big.Int { return new(big.Int).Sub(c.Q, big.NewInt(d)) }
	ks = append(ks, qm(1), qm(2), qm(32), qm(33), qm(64))
	halves, ones := new(big.Int), new(big.Int) // every digit ±combSize, or a carry all the way
	for i := 0; i*combBits+combBits < c.qBits; i++ {
		halves.Add(halves, new(big.Int).Lsh(big.NewInt(combSize), uint(combBits*i)))
		ones.Add(ones, new(big.Int).Lsh(big.NewInt(2*combSize-1), uint(combBits*i)))
	}
	ks = append(ks, halves, ones, new(big.Int).Rsh(c.Q, 1))
	for i := 0; i < random; i++ {
		k, _ := rand.Int(rand.Reader, c.Q)
		ks = append(ks, k)
	}
	return ks
}

// edRef returns an Edwards point as a Weierstrass refPoint.
func edRef(c *Curve, p *edPoint) *refPoint {
	x, y, inf := c.edWeierstrass(p)
	if inf != 0 {
		return nil
	}
	return &refPoint{x.big(c.fp.n), y.big(c.fp.n)}
}

// TestMulBaseCT: the signing comb's k·G equals math/big's on every curve
// for the edge scalars and random ones, in the Weierstrass form and, where
// the curve has one, the Edwards form (mulBaseAffine's choice).
func TestMulBaseCT(t *testing.T) {
	for _, c := range Curves() {
		g := &refPoint{c.X, c.Y}
		for _, k := range edgeScalars(c, 8) {
			kf := feFromBig(k)
			want := refMul(c, k, g)
			var p point
			c.mulBaseCT(&p, &kf)
			if got := affineOf(c, &p); !sameRef(got, want) {
				t.Fatalf("%s: %x·G differs", c.Name, k)
			}
			x, y, inf := c.mulBaseAffine(&kf)
			if (inf != 0) != (want == nil) || want != nil && !sameRef(&refPoint{x.big(c.fp.n), y.big(c.fp.n)}, want) {
				t.Fatalf("%s: mulBaseAffine(%x) differs", c.Name, k)
			}
			if c.ed != nil {
				var e edPoint
				c.mulBaseEdCT(&e, &kf)
				if got := edRef(c, &e); !sameRef(got, want) {
					t.Fatalf("%s: %x·G in the Edwards form differs", c.Name, k)
				}
			}
		}
	}
}

// TestMulDoubleVar: verification's u·G + v·Q (whole, and cut into
// splitParts parts as for a key verified again) equals math/big's, with Q
// a random point and with Q = ±G (so the sums meet equal and opposite
// points), for edge and random u, v; and xEqualsModQ accepts exactly x
// mod q.
func TestMulDoubleVar(t *testing.T) {
	for _, c := range Curves() {
		g := &refPoint{c.X, c.Y}
		d, _ := rand.Int(rand.Reader, c.Q)
		negG := &refPoint{c.X, new(big.Int).Sub(c.P, c.Y)}
		for _, q := range []*refPoint{refMul(c, d, g), g, negG} {
			pub, err := NewPublicKey(c, q.x, q.y)
			if err != nil {
				t.Fatal(err)
			}
			_, qsEd := pub.splitTables() // the Edwards form's where the curve has one
			var qs [][]apoint            // and always the Weierstrass form's
			for _, p := range c.splitPoints(&pub.pt, splitParts) {
				qs = append(qs, c.oddMultiples(&p, c.wQ()))
			}
			us := edgeScalars(c, 3)
			r0 := big.NewInt(0)
			for i, u := range us {
				v := us[(i*7+3)%len(us)]
				for _, v := range []*big.Int{v, u} {
					uf, vf := feFromBig(u), feFromBig(v)
					acc := c.mulDoubleVar(&uf, &vf, c.oddMultiples(&pub.pt, c.wQ()))
					want := refAdd(c, refMul(c, u, g), refMul(c, v, q))
					if got := jAffineOf(c, &acc); !sameRef(got, want) {
						t.Fatalf("%s: %x·G + %x·Q differs", c.Name, u, v)
					}
					split := c.mulSplitVar(&uf, &vf, c.baseSplit(), qs)
					if got := jAffineOf(c, &split); !sameRef(got, want) {
						t.Fatalf("%s: %x·G + %x·Q in %d parts differs", c.Name, u, v, splitParts)
					}
					xEq := func(r *big.Int) bool { return c.xEqualsModQ(&acc, r) }
					if c.ed != nil {
						e := c.mulDoubleVarEd(&uf, &vf, c.edOddMultiples(&pub.pt, c.wQ()))
						if got := edRef(c, &e); !sameRef(got, want) {
							t.Fatalf("%s: %x·G + %x·Q in the Edwards form differs", c.Name, u, v)
						}
						es := c.mulSplitVarEd(&uf, &vf, c.baseSplitEd(), qsEd)
						if got := edRef(c, &es); !sameRef(got, want) {
							t.Fatalf("%s: %x·G + %x·Q in the Edwards form in %d parts differs", c.Name, u, v, splitParts)
						}
						xEq = func(r *big.Int) bool { return c.xEqualsModQ(&acc, r) && c.edXEqualsModQ(&e, r) }
						if c.xEqualsModQ(&acc, r0) != c.edXEqualsModQ(&e, r0) {
							t.Fatalf("%s: the x checks disagree", c.Name)
						}
					}
					if want == nil {
						if xEq(big.NewInt(0)) {
							t.Fatalf("%s: the identity passed the x check", c.Name)
						}
						continue
					}
					r := new(big.Int).Mod(want.x, c.Q)
					if !xEq(r) {
						t.Fatalf("%s: x mod q refused", c.Name)
					}
					if xEq(new(big.Int).Add(r, big.NewInt(1))) {
						t.Fatalf("%s: x mod q + 1 accepted", c.Name)
					}
				}
			}
		}
	}
}

// TestAddMixed: the complete mixed addition (both the any-a and the
// a = -3 formulas) equals the complete projective one for random points,
// the identity, doubling and opposite points.
func TestAddMixed(t *testing.T) {
	for _, c := range Curves() {
		g := &refPoint{c.X, c.Y}
		rnd := func() *refPoint {
			k, _ := rand.Int(rand.Reader, c.Q)
			return refMul(c, k.Add(k, big.NewInt(1)), g)
		}
		toProj := func(p *refPoint) point {
			if p == nil {
				return c.identity()
			}
			var q point
			x, y := feFromBig(p.x), feFromBig(p.y)
			c.fp.toMont(&q.x, &x)
			c.fp.toMont(&q.y, &y)
			q.z = c.fp.one
			return q
		}
		for i := 0; i < 6; i++ {
			a, b := rnd(), rnd()
			cases := [][2]*refPoint{{a, b}, {nil, b}, {b, b}, {&refPoint{b.x, new(big.Int).Sub(c.P, b.y)}, b}}
			for _, tc := range cases {
				p, q := toProj(tc[0]), toProj(tc[1])
				// p with a Z other than 1
				var z fe
				z[0] = uint64(i + 2)
				c.fp.toMont(&z, &z)
				c.fp.mul(&p.x, &p.x, &z)
				c.fp.mul(&p.y, &p.y, &z)
				c.fp.mul(&p.z, &p.z, &z)
				var got point
				c.addMixed(&got, &p, &xy{q.x, q.y})
				want := refAdd(c, tc[0], tc[1])
				if !sameRef(affineOf(c, &got), want) {
					t.Fatalf("%s (a = -3: %v): mixed addition differs", c.Name, c.aM3)
				}
				if c.ed == nil {
					continue
				}
				// Edwards: p from the map (Z other than 1), q affine
				// and cached; the identity is (0:1:1:0).
				ep := edPoint{y: c.fp.one, z: c.fp.one}
				if tc[0] != nil {
					w := toProj(tc[0])
					c.toEdwards(&ep, &w.x, &w.y)
				}
				var eq edPoint
				c.toEdwards(&eq, &q.x, &q.y)
				qa := c.edNormalize([]edPoint{eq})[0]
				var qc edCached
				c.edCache(&qc, &eq)
				var r1, r2, r3 edPoint
				c.edAddMixed(&r1, &ep, &qa)
				c.edAdd(&r2, &ep, &qc)
				if !sameRef(edRef(c, &r1), want) || !sameRef(edRef(c, &r2), want) {
					t.Fatalf("%s: Edwards addition differs", c.Name)
				}
				c.edDouble(&r3, &ep, true)
				c.edDouble(&r3, &r3, false)
				c.edDouble(&r3, &r3, true)
				if !sameRef(edRef(c, &r3), refMul(c, big.NewInt(8), tc[0])) {
					t.Fatalf("%s: Edwards doubling differs", c.Name)
				}
			}
		}
	}
}

// TestPublicKeyLiteral: a key put together field by field verifies like
// one from NewPublicKey, and one whose point is off the curve verifies
// nothing.
func TestPublicKeyLiteral(t *testing.T) {
	for _, c := range []*Curve{Tc26512A, Tc26256A} {
		prv, _ := NewPrivateKeyBE(c, bytes.Repeat([]byte{9}, c.PointSize))
		dgst := bytes.Repeat([]byte{4}, c.PointSize)
		sig, err := prv.SignDigest(dgst, nil)
		if err != nil {
			t.Fatal(err)
		}
		good := prv.PublicKey()
		lit := &PublicKey{C: c, X: good.X, Y: good.Y}
		for i := 0; i < 3; i++ { // the third uses the split tables
			if !lit.VerifyDigest(dgst, sig) {
				t.Fatalf("%s: a key made field by field refuses a good signature", c.Name)
			}
		}
		off := &PublicKey{C: c, X: good.X, Y: new(big.Int).Add(good.Y, big.NewInt(1))}
		if off.VerifyDigest(dgst, sig) {
			t.Fatalf("%s: a point off the curve verified", c.Name)
		}
		if (&PublicKey{C: c}).VerifyDigest(dgst, sig) {
			t.Fatalf("%s: an empty key verified", c.Name)
		}
	}
}

// wnafRef is the textbook width-w NAF, a digit per bit, against which
// wnaf (which skips runs of zeros) is checked.
func wnafRef(k *big.Int, w uint) []int8 {
	x := new(big.Int).Set(k)
	full := int64(1) << w
	var out []int8
	for x.Sign() != 0 {
		var d int64
		if x.Bit(0) != 0 {
			d = int64(x.Uint64() & uint64(full-1))
			if d >= full/2 {
				d -= full
			}
			x.Sub(x, big.NewInt(d))
		}
		out = append(out, int8(d))
		x.Rsh(x, 1)
	}
	return out
}

// TestWNAF: wnaf's digits are the textbook ones for random scalars of
// every width used, and for edge cases (zero, all ones, words of zeros).
func TestWNAF(t *testing.T) {
	var cases []*big.Int
	one := big.NewInt(1)
	cases = append(cases, new(big.Int), one, new(big.Int).Sub(new(big.Int).Lsh(one, 512), one),
		new(big.Int).Lsh(one, 511), new(big.Int).Lsh(one, 255), new(big.Int).Add(new(big.Int).Lsh(one, 300), one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 256), one))
	for i := 0; i < 3000; i++ {
		bitsLen := 1 + mrand.IntN(512)
		k, _ := rand.Int(rand.Reader, new(big.Int).Lsh(one, uint(bitsLen)))
		if i%7 == 0 { // runs of zero words
			k.And(k, new(big.Int).Lsh(new(big.Int).Sub(new(big.Int).Lsh(one, 64), one), uint(64*mrand.IntN(8))))
			k.SetBit(k, 3, 1)
		}
		cases = append(cases, k)
	}
	for _, k := range cases {
		for _, w := range []uint{2, 5, 6, 8} {
			want := wnafRef(k, w)
			out := make([]int8, 8*64+1)
			for i := range out {
				out[i] = 99 // wnaf must write every digit it counts
			}
			f := feFromBig(k)
			n := wnaf(&f, w, out)
			if n != len(want) || !bytes.Equal(int8Bytes(out[:n]), int8Bytes(want)) {
				t.Fatalf("k %x w %d: %d digits %v, want %d %v", k, w, n, out[:n], len(want), want)
			}
		}
	}
}

func int8Bytes(d []int8) []byte {
	b := make([]byte, len(d))
	for i, v := range d {
		b[i] = byte(v)
	}
	return b
}

// edgeOrRandom returns the i-th input of the assembly tests on c: p - 1
// or 0 for some i, a random element below p for the others.
func edgeOrRandom(c *Curve) func(i int) fe {
	pm1 := new(big.Int).Sub(c.P, big.NewInt(1))
	return func(i int) fe {
		switch i % 17 {
		case 3:
			return feFromBig(pm1)
		case 5:
			return fe{}
		}
		x, _ := rand.Int(rand.Reader, c.P)
		return feFromBig(x)
	}
}

// TestEdwardsAsm: the Edwards doubling and additions of points_amd64.s
// give the words of the Go ones (edDoubleGo, edAddMixedGo, edAddGo) on
// random field elements (the formulas are arithmetic on any words below
// p, points or not), p - 1 and 0, with r a new point and r the same as p.
func TestEdwardsAsm(t *testing.T) {
	if !useAsm {
		t.Skip("no field assembly on this machine or build")
	}
	for _, c := range []*Curve{Tc26256A, Tc26512C} {
		rnd := edgeOrRandom(c)
		for i := 0; i < 500; i++ {
			p := edPoint{rnd(i), rnd(i + 1), rnd(i + 2), rnd(i + 3)}
			qa := edAffine{rnd(i + 4), rnd(i + 5), rnd(i + 6)}
			qc := edCached{rnd(i + 7), rnd(i + 8), rnd(i + 9), rnd(i + 10)}
			for _, withT := range []bool{true, false} {
				sameWords(t, fmt.Sprintf("%s: doubling (T %v)", c.Name, withT), p,
					func(r, p *edPoint) { c.edDoubleGo(r, p, withT) },
					func(r, p *edPoint) { c.edDouble(r, p, withT) })
			}
			sameWords(t, c.Name+": mixed addition", p,
				func(r, p *edPoint) { c.edAddMixedGo(r, p, &qa) },
				func(r, p *edPoint) { c.edAddMixed(r, p, &qa) })
			sameWords(t, c.Name+": addition", p,
				func(r, p *edPoint) { c.edAddGo(r, p, &qc) },
				func(r, p *edPoint) { c.edAdd(r, p, &qc) })
		}
	}
}

// sameWords checks that asm(r, p) writes the words goFn(r, p) writes,
// into a new r and in place (r = p).
func sameWords[P comparable](t *testing.T, what string, p P, goFn, asm func(r, p *P)) {
	t.Helper()
	var want, got P
	goFn(&want, &p)
	asm(&got, &p)
	if got != want {
		t.Fatalf("%s differs", what)
	}
	want, got = p, p
	goFn(&want, &want)
	asm(&got, &got)
	if got != want {
		t.Fatalf("%s in place differs", what)
	}
}

// TestSelectAsm: the AVX2 reads of a comb row give what the Go scans give,
// for every index in the table and the ones outside it (a zero digit's
// idx is 2^64 - 1), on random rows of 4- and 8-limb curves, whatever r
// held before.
func TestSelectAsm(t *testing.T) {
	if !useSelectAsm {
		t.Skip("no AVX2 on this machine or build")
	}
	for _, c := range []*Curve{Tc26256A, Tc26512C, CryptoProA, Tc26512A} {
		n := c.fp.n
		rnd := func() fe { // a table entry: n limbs
			var v fe
			for j := 0; j < n; j++ {
				v[j] = mrand.Uint64()
			}
			return v
		}
		junk := func() fe { // what r held before: every word
			var v fe
			for j := range v {
				v[j] = mrand.Uint64()
			}
			return v
		}
		var txy [combSize]xy
		var ted [combSize]edAffine
		for i := range txy {
			txy[i] = xy{rnd(), rnd()}
			ted[i] = edAffine{rnd(), rnd(), rnd()}
		}
		idxs := []uint64{1<<64 - 1, combSize, combSize + 1, 1 << 63}
		for i := range combSize {
			idxs = append(idxs, uint64(i))
		}
		for _, idx := range idxs {
			want, got := xy{junk(), junk()}, xy{junk(), junk()}
			c.selectXYGo(&want, &txy, idx)
			c.selectXY(&got, &txy, idx)
			if got != want {
				t.Fatalf("%s: selectXY(%d) differs", c.Name, idx)
			}
			wantEd, gotEd := edAffine{junk(), junk(), junk()}, edAffine{junk(), junk(), junk()}
			useSelectAsm = false // the Go scan, then selectEd's own identity rule
			c.selectEd(&wantEd, &ted, idx)
			useSelectAsm = true
			c.selectEd(&gotEd, &ted, idx)
			if gotEd != wantEd {
				t.Fatalf("%s: selectEd(%d) differs", c.Name, idx)
			}
			if idx < combSize && (got != txy[idx] || gotEd != ted[idx]) {
				t.Fatalf("%s: entry %d not read", c.Name, idx)
			}
		}
	}
}

// TestPointsAsm: the a = -3 comb addition, the Jacobian doubling and
// mixed addition of points_amd64.s give the words of the Go ones
// (addMixedM3Go, jdoubleM3Go, jaddAffineGo) on the folding a = -3 curves,
// on random field elements, p - 1 and 0, with r a new point and r the same
// as p; and p + q for q = ±p goes back to the Go code's special cases.
func TestPointsAsm(t *testing.T) {
	if !useAsm {
		t.Skip("no field assembly on this machine or build")
	}
	for _, c := range []*Curve{CryptoProA, Tc26512A} {
		if c.fp.c == 0 || !c.aM3 {
			t.Fatalf("%s: not a folding a = -3 curve", c.Name)
		}
		rnd := edgeOrRandom(c)
		for i := 0; i < 500; i++ {
			q := xy{rnd(i + 3), rnd(i + 4)}
			sameWords(t, c.Name+": addMixedM3", point{rnd(i), rnd(i + 1), rnd(i + 2)},
				func(r, p *point) { c.addMixedM3Go(r, p, &q) },
				func(r, p *point) { c.addMixedM3(r, p, &q) })
			sameWords(t, c.Name+": jdoubleM3", jpoint{rnd(i + 5), rnd(i + 6), rnd(i + 7)},
				c.jdoubleM3Go, c.jdoubleM3)
			// jaddAffine past its identity checks: Z ≠ 0
			qa := apoint{x: rnd(i + 8), y: rnd(i + 9)}
			pj := jpoint{rnd(i + 10), rnd(i + 11), rnd(i + 12)}
			if c.fp.isZero(&pj.z) != 0 {
				pj.z = c.fp.one
			}
			sameWords(t, c.Name+": jaddAffine", pj,
				func(r, p *jpoint) { c.jaddAffineGo(r, p, &qa) },
				func(r, p *jpoint) { c.jaddAffine(r, p, &qa) })
		}
		// p = q and p = -q (h = 0: the assembly returns to the Go code),
		// with p in Jacobian form for a random Z
		g := c.baseNAF()[1] // 3G
		z := rnd(1)
		var z2, z3 fe
		c.fp.sqr(&z2, &z)
		c.fp.mul(&z3, &z2, &z)
		var pj jpoint
		c.fp.mul(&pj.x, &g.x, &z2)
		c.fp.mul(&pj.y, &g.y, &z3)
		pj.z = z
		neg := g
		c.fp.sub(&neg.y, &fe{}, &g.y)
		for _, q := range []apoint{g, neg} {
			sameWords(t, c.Name+": jaddAffine of p = ±q", pj,
				func(r, p *jpoint) { c.jaddAffineGo(r, p, &q) },
				func(r, p *jpoint) { c.jaddAffine(r, p, &q) })
			var r jpoint
			c.jaddAffine(&r, &pj, &q)
			if (q == g) != (c.fp.isZero(&r.z) == 0) {
				t.Fatalf("%s: p + (±p) gave the wrong kind of point", c.Name)
			}
		}
	}
}
