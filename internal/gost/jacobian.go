package gost

// Verification arithmetic: Jacobian coordinates (x = X/Z², y = Y/Z³) with
// the doubling dbl-2007-bl (any a; dbl-2001-b, 3M+5S instead of 2M+8S,
// where a = -3), the mixed addition madd-2007-bl (an affine second point)
// and the addition add-2007-bl of the Explicit-Formulas Database: about
// 60% of the multiplications of the complete formulas. They branch on special
// cases (the identity, equal or opposite points), which is fine for the
// public scalars and points of a verification; signing never uses them.

import (
	"math/big"
	"math/bits"
)

// jpoint is a Jacobian point; z = 0 is the identity.
type jpoint struct{ x, y, z fe }

// apoint is an affine point (Montgomery form); inf marks the identity.
type apoint struct {
	x, y fe
	inf  bool
}

func (c *Curve) jdouble(r, p *jpoint) {
	f := c.fp
	if f.isZero(&p.z) != 0 {
		*r = *p
		return
	}
	if c.aM3 {
		c.jdoubleM3(r, p)
	} else {
		c.jdoubleAny(r, p)
	}
}

// jdoubleAny is dbl-2007-bl, for any a; p is not the identity.
func (c *Curve) jdoubleAny(r, p *jpoint) {
	f := c.fp
	var xx, yy, yyyy, zz, s, m, t, u fe
	f.sqr(&xx, &p.x)
	f.sqr(&yy, &p.y)
	f.sqr(&yyyy, &yy)
	f.sqr(&zz, &p.z)
	// S = 2((X + YY)² - XX - YYYY)
	f.add(&s, &p.x, &yy)
	f.sqr(&s, &s)
	f.sub(&s, &s, &xx)
	f.sub(&s, &s, &yyyy)
	f.add(&s, &s, &s)
	// M = 3XX + a·ZZ²
	f.sqr(&t, &zz)
	f.mul(&t, &t, &c.a)
	f.add(&m, &xx, &xx)
	f.add(&m, &m, &xx)
	f.add(&m, &m, &t)
	// X3 = M² - 2S
	var x3, y3, z3 fe
	f.sqr(&x3, &m)
	f.sub(&x3, &x3, &s)
	f.sub(&x3, &x3, &s)
	// Z3 = (Y + Z)² - YY - ZZ
	f.add(&z3, &p.y, &p.z)
	f.sqr(&z3, &z3)
	f.sub(&z3, &z3, &yy)
	f.sub(&z3, &z3, &zz)
	// Y3 = M(S - X3) - 8YYYY
	f.sub(&u, &s, &x3)
	f.mul(&y3, &m, &u)
	f.add(&u, &yyyy, &yyyy)
	f.add(&u, &u, &u)
	f.add(&u, &u, &u)
	f.sub(&y3, &y3, &u)
	r.x, r.y, r.z = x3, y3, z3
}

// jdoubleM3 is jdouble for a = -3 (dbl-2001-b): α = 3(X - Z²)(X + Z²),
// β = X·Y², X3 = α² - 8β, Z3 = (Y + Z)² - Y² - Z², Y3 = α(4β - X3) - 8Y⁴.
// p is not the identity.
func (c *Curve) jdoubleM3(r, p *jpoint) {
	f := c.fp
	if useAsm && f.c != 0 {
		if f.n == 4 {
			jdoubleM3Fold4Asm(r, p, &f.p, f.c)
		} else {
			jdoubleM3Fold8Asm(r, p, &f.p, f.c)
		}
		return
	}
	c.jdoubleM3Go(r, p)
}

// jdoubleM3Go is jdoubleM3 in Go (points_amd64.s has the same operations;
// r is written only after the last read of p, so r may be p).
func (c *Curve) jdoubleM3Go(r, p *jpoint) {
	f := c.fp
	var delta, gamma, beta, alpha, t, u, x3, y3, z3 fe
	f.sqr(&delta, &p.z)
	f.sqr(&gamma, &p.y)
	f.mul(&beta, &p.x, &gamma)
	f.sub(&t, &p.x, &delta)
	f.add(&u, &p.x, &delta)
	f.mul(&alpha, &t, &u)
	f.add(&t, &alpha, &alpha)
	f.add(&alpha, &alpha, &t)
	// Z3 = (Y + Z)² - γ - δ
	f.add(&z3, &p.y, &p.z)
	f.sqr(&z3, &z3)
	f.sub(&z3, &z3, &gamma)
	f.sub(&r.z, &z3, &delta)
	// X3 = α² - 8β
	f.add(&beta, &beta, &beta)
	f.add(&beta, &beta, &beta) // 4β
	f.sqr(&x3, &alpha)
	f.sub(&x3, &x3, &beta)
	f.sub(&r.x, &x3, &beta)
	// Y3 = α(4β - X3) - 8γ²
	f.sub(&t, &beta, &r.x)
	f.mul(&y3, &alpha, &t)
	f.sqr(&gamma, &gamma)
	f.add(&gamma, &gamma, &gamma)
	f.add(&gamma, &gamma, &gamma)
	f.add(&gamma, &gamma, &gamma)
	f.sub(&r.y, &y3, &gamma)
}

// jaddAffine sets r = p + q for an affine q.
func (c *Curve) jaddAffine(r, p *jpoint, q *apoint) {
	f := c.fp
	if q.inf {
		*r = *p
		return
	}
	if f.isZero(&p.z) != 0 {
		r.x, r.y, r.z = q.x, q.y, f.one
		return
	}
	if useAsm && f.c != 0 {
		var special uint64
		if f.n == 4 {
			special = jaddAffineFold4Asm(r, p, q, &f.p, f.c)
		} else {
			special = jaddAffineFold8Asm(r, p, q, &f.p, f.c)
		}
		if special == 0 {
			return
		}
		// p = ±q: r is not written; the Go code below sees it again
	}
	c.jaddAffineGo(r, p, q)
}

// jaddAffineGo is jaddAffine for p and q not the identity (madd-2007-bl;
// points_amd64.s has the same operations, and returns here for p = ±q).
// r is written only after the last read of p, so r may be p.
func (c *Curve) jaddAffineGo(r, p *jpoint, q *apoint) {
	f := c.fp
	var z1z1, u2, s2, h, hh, i, j, rr, v, t, t2, x3, y3, z3 fe
	f.sqr(&z1z1, &p.z)
	f.mul(&u2, &q.x, &z1z1)
	f.mul(&s2, &q.y, &p.z)
	f.mul(&s2, &s2, &z1z1)
	f.sub(&h, &u2, &p.x)
	f.sub(&rr, &s2, &p.y)
	if f.isZero(&h) != 0 {
		if f.isZero(&rr) != 0 { // p = q
			c.jdouble(r, p)
			return
		}
		*r = jpoint{x: f.one, y: f.one} // p = -q: the identity
		return
	}
	f.add(&rr, &rr, &rr)
	f.sqr(&hh, &h)
	f.add(&i, &hh, &hh)
	f.add(&i, &i, &i)
	f.mul(&j, &h, &i)
	f.mul(&v, &p.x, &i)
	f.mul(&t2, &p.y, &j)
	f.add(&t2, &t2, &t2)
	// Z3 = (Z1 + H)² - Z1Z1 - HH
	f.add(&z3, &p.z, &h)
	f.sqr(&z3, &z3)
	f.sub(&z3, &z3, &z1z1)
	f.sub(&r.z, &z3, &hh)
	// X3 = rr² - J - 2V, Y3 = rr(V - X3) - 2·Y1·J
	f.sqr(&x3, &rr)
	f.sub(&x3, &x3, &j)
	f.sub(&x3, &x3, &v)
	f.sub(&r.x, &x3, &v)
	f.sub(&t, &v, &r.x)
	f.mul(&y3, &rr, &t)
	f.sub(&r.y, &y3, &t2)
}

// Verification computes u·G + v·Q with both scalars in width-w NAF
// (signed odd digits, at most one nonzero in any w consecutive), sharing
// the doublings (Shamir's trick): G's digits are read with w = 8 from a
// table of its 64 odd multiples (affine, made once per curve), Q's with
// w = 5 or 6 from a table made once per public key (affine too, one
// math/big inversion); all additions mixed. The result is compared with r
// in Jacobian form, with no inversion. Everything here is public: it
// branches freely. (The tc26 256-A and 512-C curves verify in their
// Edwards form, edwards.go.)
const wBase = 8

func (c *Curve) wQ() uint {
	if c.qBits > 256 {
		return 6
	}
	return 5
}

// baseNAF returns G, 3G, 5G, … , (2^(wBase-1) - 1)·G, made at the first call.
func (c *Curve) baseNAF() []apoint {
	c.gNAFOnce.Do(func() {
		c.gNAF = c.oddMultiples(&apoint{x: c.g.x, y: c.g.y}, wBase)
	})
	return c.gNAF
}

// wnaf writes k's width-w NAF digits, least significant first, into out
// (at least bits+1 long) and returns how many are used. It skips a run of
// zero bits in one shift, and the w-1 zero digits after each non-zero one
// (x - d has its low w bits zero), instead of shifting bit by bit.
func wnaf(k *fe, w uint, out []int8) int {
	var x [9]uint64
	copy(x[:8], k[:])
	n := 0
	full := uint64(1) << w
	top := 8 // x[top:] are zero
	for {
		for top > 0 && x[top-1] == 0 {
			top--
		}
		if top == 0 {
			return n
		}
		if x[0]&1 == 0 {
			z := uint(bits.TrailingZeros64(x[0])) // 64 when x[0] is zero
			clear(out[n : n+int(z)])
			n += int(z)
			shiftRight(&x, z, top)
			continue
		}
		var d int8
		m := x[0] & (full - 1)
		if m >= full/2 {
			d = int8(int64(m) - int64(full))
			addSmall(&x, uint64(-int64(d)))
			if top < len(x) && x[top] != 0 {
				top++
			}
		} else {
			d = int8(m)
			x[0] -= m // m is x's low bits: no borrow
		}
		out[n] = d
		// x's low w bits are now zero: w-1 zero digits follow, unless x
		// ends here (then n stops at d).
		for top > 0 && x[top-1] == 0 {
			top--
		}
		if top == 0 {
			return n + 1
		}
		clear(out[n+1 : n+int(w)])
		n += int(w)
		shiftRight(&x, w, top)
	}
}

// shiftRight sets x >>= s for 0 < s <= 64, x[top:] being zero.
func shiftRight(x *[9]uint64, s uint, top int) {
	if s == 64 {
		copy(x[:top-1], x[1:top])
		x[top-1] = 0
		return
	}
	for i := 0; i < top-1; i++ {
		x[i] = x[i]>>s | x[i+1]<<(64-s)
	}
	x[top-1] >>= s
}

func addSmall(x *[9]uint64, v uint64) {
	var cc uint64
	x[0], cc = bits.Add64(x[0], v, 0)
	for i := 1; i < 9 && cc != 0; i++ {
		x[i], cc = bits.Add64(x[i], 0, cc)
	}
}

// jadd sets r = p + q for Jacobian p and q (add-2007-bl).
func (c *Curve) jadd(r, p, q *jpoint) {
	f := c.fp
	if f.isZero(&p.z) != 0 {
		*r = *q
		return
	}
	if f.isZero(&q.z) != 0 {
		*r = *p
		return
	}
	var z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t fe
	f.sqr(&z1z1, &p.z)
	f.sqr(&z2z2, &q.z)
	f.mul(&u1, &p.x, &z2z2)
	f.mul(&u2, &q.x, &z1z1)
	f.mul(&s1, &p.y, &q.z)
	f.mul(&s1, &s1, &z2z2)
	f.mul(&s2, &q.y, &p.z)
	f.mul(&s2, &s2, &z1z1)
	f.sub(&h, &u2, &u1)
	f.sub(&rr, &s2, &s1)
	if f.isZero(&h) != 0 {
		if f.isZero(&rr) != 0 {
			c.jdouble(r, p)
			return
		}
		*r = jpoint{x: f.one, y: f.one}
		return
	}
	f.add(&i, &h, &h)
	f.sqr(&i, &i)
	f.mul(&j, &h, &i)
	f.add(&rr, &rr, &rr)
	f.mul(&v, &u1, &i)
	var x3, y3, z3 fe
	f.sqr(&x3, &rr)
	f.sub(&x3, &x3, &j)
	f.sub(&x3, &x3, &v)
	f.sub(&x3, &x3, &v)
	f.sub(&t, &v, &x3)
	f.mul(&y3, &rr, &t)
	f.mul(&t, &s1, &j)
	f.add(&t, &t, &t)
	f.sub(&y3, &y3, &t)
	f.add(&z3, &p.z, &q.z)
	f.sqr(&z3, &z3)
	f.sub(&z3, &z3, &z1z1)
	f.sub(&z3, &z3, &z2z2)
	f.mul(&z3, &z3, &h)
	r.x, r.y, r.z = x3, y3, z3
}

// oddMultiples returns Q, 3Q, … , (2^(w-1) - 1)·Q, affine: made in
// Jacobian form and turned affine with one inversion (Montgomery's trick),
// by math/big, whose time may depend on the value: Q is public. Mixed
// additions then save more than the inversion costs.
func (c *Curve) oddMultiples(q *apoint, w uint) []apoint {
	f := c.fp
	t := make([]jpoint, 1<<(w-2))
	t[0] = jpoint{x: q.x, y: q.y, z: f.one}
	var q2 jpoint
	c.jdouble(&q2, &t[0])
	for i := 1; i < len(t); i++ {
		c.jadd(&t[i], &t[i-1], &q2)
	}
	prefix := make([]fe, len(t))
	acc := f.one
	for i := range t {
		prefix[i] = acc
		if f.isZero(&t[i].z) == 0 {
			f.mul(&acc, &acc, &t[i].z)
		}
	}
	var inv fe
	c.invPublic(&inv, &acc)
	out := make([]apoint, len(t))
	for i := len(t) - 1; i >= 0; i-- {
		if f.isZero(&t[i].z) != 0 { // only for a point of small order
			out[i].inf = true
			continue
		}
		var zi, zi2 fe
		f.mul(&zi, &inv, &prefix[i])
		f.mul(&inv, &inv, &t[i].z)
		f.sqr(&zi2, &zi)
		f.mul(&out[i].x, &t[i].x, &zi2)
		f.mul(&zi2, &zi2, &zi)
		f.mul(&out[i].y, &t[i].y, &zi2)
	}
	return out
}

// invPublic sets z = x⁻¹ for a public x with math/big (variable time).
func (c *Curve) invPublic(z, x *fe) {
	f := c.fp
	var y fe
	f.fromMont(&y, x)
	inv := new(big.Int).ModInverse(y.big(f.n), c.P)
	if inv == nil {
		*z = fe{}
		return
	}
	y = feFromBig(inv)
	f.toMont(z, &y)
}

// mulDoubleVar returns u·G + v·Q in Jacobian form for public u, v < q and
// a public point Q given by its odd multiples (oddMultiples(Q, wQ())).
func (c *Curve) mulDoubleVar(u, v *fe, qt []apoint) jpoint {
	return c.mulSplitVar(u, v, [][]apoint{c.baseNAF()}, [][]apoint{qt})
}

// splitParts is how many parts the scalars are cut into for a public key
// verified more than once (signer's key cache keeps the key of a CA or of
// a returning user): with the odd multiples of Q_j = 2^(jL)·Q and of G_j
// for each part j (L = ⌈qBits/4⌉), u·G + v·Q = Σ u_j·G_j + v_j·Q_j takes
// L doublings instead of qBits, and about as many additions as before.
// Making Q's tables costs about one verification, so it is done at a
// key's second verification, never for a key used once.
const splitParts = 4

func (c *Curve) splitLen(parts int) int { return (c.qBits + parts - 1) / parts }

// scalarPart returns bits [lo, lo+n) of k.
func scalarPart(k *fe, lo, n int) fe {
	var r fe
	for i := range r {
		bit := lo + 64*i
		if bit >= lo+n || bit/64 >= len(k) {
			break
		}
		w := k[bit/64] >> (bit % 64)
		if bit%64 != 0 && bit/64+1 < len(k) {
			w |= k[bit/64+1] << (64 - bit%64)
		}
		if rest := lo + n - bit; rest < 64 {
			w &= 1<<uint(rest) - 1
		}
		r[i] = w
	}
	return r
}

// splitDigits writes the wNAF digits of each part of k (len(ds) parts of
// splitLen bits) and returns the longest's length.
func (c *Curve) splitDigits(k *fe, w uint, ds [][8*64 + 1]int8) int {
	l := c.splitLen(len(ds))
	n := 0
	for j := range ds {
		part := scalarPart(k, j*l, l)
		n = max(n, wnaf(&part, w, ds[j][:]))
	}
	return n
}

// mulSplitVar returns Σ u_j·G_j + v_j·Q_j (see splitParts) for
// len(qts) parts: gts[j] and qts[j] are the odd multiples of G_j and
// Q_j. One part is plain u·G + v·Q.
func (c *Curve) mulSplitVar(u, v *fe, gts, qts [][]apoint) jpoint {
	f := c.fp
	parts := len(qts)
	var udA, vdA [splitParts][8*64 + 1]int8
	ud, vd := udA[:parts], vdA[:parts]
	n := max(c.splitDigits(u, wBase, ud), c.splitDigits(v, c.wQ(), vd))
	acc := jpoint{x: f.one, y: f.one}
	var neg apoint
	add := func(t []apoint, d int8) {
		if d > 0 {
			c.jaddAffine(&acc, &acc, &t[d>>1])
		} else if d < 0 {
			neg = t[(-d)>>1]
			f.sub(&neg.y, &fe{}, &neg.y)
			c.jaddAffine(&acc, &acc, &neg)
		}
	}
	for i := n - 1; i >= 0; i-- {
		c.jdouble(&acc, &acc)
		for j := range parts {
			add(gts[j], ud[j][i])
			add(qts[j], vd[j][i])
		}
	}
	return acc
}

// splitPoints returns P_j = 2^(jL)·P, j = 0..parts-1, affine (public P:
// math/big inversions).
func (c *Curve) splitPoints(p *apoint, parts int) []apoint {
	f := c.fp
	l := c.splitLen(parts)
	out := make([]apoint, parts)
	out[0] = *p
	acc := jpoint{x: p.x, y: p.y, z: f.one}
	for j := 1; j < parts; j++ {
		for range l {
			c.jdouble(&acc, &acc)
		}
		var zi, zi2 fe
		c.invPublic(&zi, &acc.z)
		f.sqr(&zi2, &zi)
		f.mul(&out[j].x, &acc.x, &zi2)
		f.mul(&zi2, &zi2, &zi)
		f.mul(&out[j].y, &acc.y, &zi2)
	}
	return out
}

// baseSplit returns the odd multiples of G_j for the split verification,
// made at the first call.
func (c *Curve) baseSplit() [][]apoint {
	c.gSplitOnce.Do(func() {
		g := apoint{x: c.g.x, y: c.g.y}
		c.gSplit = [][]apoint{c.baseNAF()} // part 0 is G itself
		for _, p := range c.splitPoints(&g, splitParts)[1:] {
			c.gSplit = append(c.gSplit, c.oddMultiples(&p, wBase))
		}
	})
	return c.gSplit
}

// xEqualsModQ reports whether the affine x of a Jacobian point, reduced
// mod q, is r: whether X = x'·Z² for some x' = r + k·q below p.
func (c *Curve) xEqualsModQ(p *jpoint, r *big.Int) bool {
	f := c.fp
	if f.isZero(&p.z) != 0 {
		return false
	}
	var zz, t fe
	f.sqr(&zz, &p.z)
	for x := new(big.Int).Set(r); x.Cmp(c.P) < 0; x.Add(x, c.Q) {
		xf := feFromBig(x)
		f.toMont(&t, &xf)
		f.mul(&t, &t, &zz)
		if t == p.x {
			return true
		}
	}
	return false
}
