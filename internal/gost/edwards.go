package gost

// Twisted Edwards arithmetic for the two curves that have that form,
// tc26 256 paramSetA and 512 paramSetC (R 1323565.1.024-2019: e·u² + v² =
// 1 + d·u²·v² with e = 1). Their short Weierstrass form, the one the
// standard signs with, has a ≠ -3, so its doubling and additions are the
// slowest of all the curves; the Edwards form takes 8 products for a mixed
// addition (the complete Weierstrass one 16) and 3 products and 4 squarings
// for a doubling (Jacobian with any a: 2 and 8). Points cross between the
// forms by the standard's map (s = (e - d)/4, t = (e + d)/6):
//
//	u = (x - t)/y, v = (x - t - s)/(x - t + s);   x = s(1 + v)/(1 - v) + t, y = s(1 + v)/((1 - v)u)
//
// The addition is add-2008-hwcd (Hisil, Wong, Carter, Dawson) in extended
// coordinates (X:Y:Z:T), u = X/Z, v = Y/Z, T = XY/Z: with e = 1 a square
// and d not a square (checked when the curve is made) it is complete, the
// same formula for every pair of points, identity and doubling included;
// so signing uses it without any branch, as it uses the complete
// Weierstrass formulas on the other curves.

import "math/big"

// edParams are an Edwards curve's constants in Montgomery form.
type edParams struct{ s, t, d fe }

// edPoint is a point in extended coordinates; (0:1:1:0) is the identity.
type edPoint struct{ x, y, z, t fe }

// edAffine is an affine point with d·u·v (the addition's T term ready).
type edAffine struct{ x, y, dt fe }

// edCached is a projective point with d·T.
type edCached struct{ x, y, z, dt fe }

// withEdwards gives c its Edwards form e = 1, d (hex), checking that the
// map's curve is c and that d is not a square.
func (c *Curve) withEdwards(dHex string) *Curve {
	P := c.P
	d, ok := new(big.Int).SetString(dHex, 16)
	if !ok {
		panic("gost: bad Edwards d")
	}
	inv := func(v int64) *big.Int { return new(big.Int).ModInverse(big.NewInt(v), P) }
	one := big.NewInt(1)
	s := new(big.Int).Sub(one, d)
	s.Mul(s, inv(4)).Mod(s, P)
	t := new(big.Int).Add(one, d)
	t.Mul(t, inv(6)).Mod(t, P)
	// a = s² - 3t², b = 2t³ - ts²
	a := new(big.Int).Mul(s, s)
	a.Sub(a, new(big.Int).Mul(big.NewInt(3), new(big.Int).Mul(t, t))).Mod(a, P)
	b := new(big.Int).Exp(t, big.NewInt(3), P)
	b.Lsh(b, 1).Sub(b, new(big.Int).Mul(t, new(big.Int).Mul(s, s))).Mod(b, P)
	if a.Cmp(c.A) != 0 || b.Cmp(c.B) != 0 {
		panic("gost: the Edwards form of " + c.Name + " is not its curve")
	}
	if big.Jacobi(d, P) != -1 {
		panic("gost: Edwards d of " + c.Name + " is a square: the addition would not be complete")
	}
	e := new(edParams)
	for _, v := range []struct {
		z *fe
		x *big.Int
	}{{&e.s, s}, {&e.t, t}, {&e.d, d}} {
		f := feFromBig(v.x)
		c.fp.toMont(v.z, &f)
	}
	c.ed = e
	return c
}

// toEdwards maps an affine Weierstrass point (Montgomery form, not of
// order 2) to extended coordinates without an inversion:
// U = w(w + s), V = (w - s)y, Z = y(w + s) for w = x - t.
func (c *Curve) toEdwards(r *edPoint, x, y *fe) {
	f, e := c.fp, c.ed
	var w, ws, u, v, z fe
	f.sub(&w, x, &e.t)
	f.add(&ws, &w, &e.s)
	f.mul(&u, &w, &ws)
	f.sub(&v, &w, &e.s)
	f.mul(&v, &v, y)
	f.mul(&z, y, &ws)
	f.mul(&r.x, &u, &z)
	f.mul(&r.y, &v, &z)
	f.sqr(&r.z, &z)
	f.mul(&r.t, &u, &v)
}

// edNormalize turns extended points into affine ones with d·u·v, with one
// inversion. For tables of public points.
func (c *Curve) edNormalize(ps []edPoint) []edAffine {
	f := c.fp
	proj := make([]point, len(ps))
	for i := range ps {
		proj[i] = point{ps[i].x, ps[i].y, ps[i].z}
	}
	flat := c.normalize(proj)
	out := make([]edAffine, len(ps))
	for i := range flat {
		out[i].x, out[i].y = flat[i].x, flat[i].y
		f.mul(&out[i].dt, &flat[i].x, &flat[i].y)
		f.mul(&out[i].dt, &out[i].dt, &c.ed.d)
	}
	return out
}

// edTable maps affine Weierstrass points to Edwards affine ones.
func (c *Curve) edTable(ps []xy) []edAffine {
	ext := make([]edPoint, len(ps))
	for i := range ps {
		c.toEdwards(&ext[i], &ps[i].x, &ps[i].y)
	}
	return c.edNormalize(ext)
}

// edDouble sets r = 2p (dbl-2008-hwcd, e = 1); T is computed only when
// withT (an addition follows: a doubling does not read T).
func (c *Curve) edDouble(r, p *edPoint, withT bool) {
	f := c.fp
	if useAsm && f.c != 0 {
		var wt uint64
		if withT {
			wt = 1
		}
		if f.n == 4 {
			edDoubleFold4Asm(r, p, &f.p, f.c, wt)
		} else {
			edDoubleFold8Asm(r, p, &f.p, f.c, wt)
		}
		return
	}
	c.edDoubleGo(r, p, withT)
}

// edDoubleGo is edDouble in Go (points_amd64.s has the same operations).
func (c *Curve) edDoubleGo(r, p *edPoint, withT bool) {
	f := c.fp
	var a, b, cc, e, g, ff, h fe
	f.sqr(&a, &p.x)
	f.sqr(&b, &p.y)
	f.sqr(&cc, &p.z)
	f.add(&cc, &cc, &cc)
	f.add(&e, &p.x, &p.y)
	f.sqr(&e, &e)
	f.add(&g, &a, &b)
	f.sub(&e, &e, &g) // (X + Y)² - A - B
	f.sub(&ff, &g, &cc)
	f.sub(&h, &a, &b)
	f.mul(&r.x, &e, &ff)
	f.mul(&r.y, &g, &h)
	f.mul(&r.z, &ff, &g)
	if withT {
		f.mul(&r.t, &e, &h)
	}
}

// edAddMixed sets r = p + q for an affine q (add-2008-hwcd with Z2 = 1,
// e = 1): complete, 8 products.
func (c *Curve) edAddMixed(r, p *edPoint, q *edAffine) {
	f := c.fp
	if useAsm && f.c != 0 {
		if f.n == 4 {
			edAddMixedFold4Asm(r, p, q, &f.p, f.c)
		} else {
			edAddMixedFold8Asm(r, p, q, &f.p, f.c)
		}
		return
	}
	c.edAddMixedGo(r, p, q)
}

// edAddMixedGo is edAddMixed in Go.
func (c *Curve) edAddMixedGo(r, p *edPoint, q *edAffine) {
	f := c.fp
	var a, b, cc, e, t, ff, g, h fe
	f.mul(&a, &p.x, &q.x)
	f.mul(&b, &p.y, &q.y)
	f.mul(&cc, &p.t, &q.dt)
	f.add(&e, &p.x, &p.y)
	f.add(&t, &q.x, &q.y)
	f.mul(&e, &e, &t)
	f.sub(&e, &e, &a)
	f.sub(&e, &e, &b)
	f.sub(&ff, &p.z, &cc)
	f.add(&g, &p.z, &cc)
	f.sub(&h, &b, &a)
	f.mul(&r.x, &e, &ff)
	f.mul(&r.y, &g, &h)
	f.mul(&r.t, &e, &h)
	f.mul(&r.z, &ff, &g)
}

// edAdd sets r = p + q (add-2008-hwcd, e = 1): complete, 9 products.
func (c *Curve) edAdd(r, p *edPoint, q *edCached) {
	f := c.fp
	if useAsm && f.c != 0 {
		if f.n == 4 {
			edAddFold4Asm(r, p, q, &f.p, f.c)
		} else {
			edAddFold8Asm(r, p, q, &f.p, f.c)
		}
		return
	}
	c.edAddGo(r, p, q)
}

// edAddGo is edAdd in Go.
func (c *Curve) edAddGo(r, p *edPoint, q *edCached) {
	f := c.fp
	var a, b, cc, dd, e, t, ff, g, h fe
	f.mul(&a, &p.x, &q.x)
	f.mul(&b, &p.y, &q.y)
	f.mul(&cc, &p.t, &q.dt)
	f.mul(&dd, &p.z, &q.z)
	f.add(&e, &p.x, &p.y)
	f.add(&t, &q.x, &q.y)
	f.mul(&e, &e, &t)
	f.sub(&e, &e, &a)
	f.sub(&e, &e, &b)
	f.sub(&ff, &dd, &cc)
	f.add(&g, &dd, &cc)
	f.sub(&h, &b, &a)
	f.mul(&r.x, &e, &ff)
	f.mul(&r.y, &g, &h)
	f.mul(&r.t, &e, &h)
	f.mul(&r.z, &ff, &g)
}

func (c *Curve) edCache(r *edCached, p *edPoint) {
	r.x, r.y, r.z = p.x, p.y, p.z
	c.fp.mul(&r.dt, &p.t, &c.ed.d)
}

// edWeierstrass returns p's Weierstrass affine coordinates (plain, not
// Montgomery) with one (blinded) inversion, and all ones in inf for the identity:
// with I = 1/((Z - Y)X) and w = s(Z + Y), x = wXI + t and y = wZI.
func (c *Curve) edWeierstrass(p *edPoint) (x, y fe, inf uint64) {
	f, e := c.fp, c.ed
	var zmy, w, i fe
	f.sub(&zmy, &p.z, &p.y)
	f.add(&w, &p.z, &p.y)
	f.mul(&w, &w, &e.s)
	f.mul(&i, &zmy, &p.x)
	c.invBlinded(&i, &i)
	f.mul(&i, &i, &w)
	f.mul(&x, &i, &p.x)
	f.add(&x, &x, &e.t)
	f.mul(&y, &i, &p.z)
	f.fromMont(&x, &x)
	f.fromMont(&y, &y)
	return x, y, f.isZero(&p.x)
}

// baseCombEd is baseComb in Edwards form, made at the first call.
func (c *Curve) baseCombEd() [][combSize]edAffine {
	c.combEdOnce.Do(func() {
		w := c.makeComb() // the Weierstrass form is not kept (352 KB for 512-C)
		flat := make([]xy, 0, len(w)*combSize)
		for i := range w {
			flat = append(flat, w[i][:]...)
		}
		ed := c.edTable(flat)
		c.combEd = make([][combSize]edAffine, len(w))
		for i := range c.combEd {
			copy(c.combEd[i][:], ed[i*combSize:])
		}
	})
	return c.combEd
}

// selectEd copies t[idx] into r reading every entry (n limbs only); an
// idx outside the table gives the identity (0, 1, 0).
func (c *Curve) selectEd(r *edAffine, t *[combSize]edAffine, idx uint64) {
	switch {
	case useSelectAsm && c.fp.n == 4:
		selectEd4Asm(r, t, idx)
	case useSelectAsm:
		selectEd8Asm(r, t, idx)
	default:
		c.selectEdGo(r, t, idx)
	}
	// no entry matched (idx out of the table): y = 1
	none := isZeroMask(idx>>63 ^ 1)
	cmov(&r.y, &c.fp.one, none)
}

// selectEdGo reads t[idx] as selectEd does, in Go (field_amd64.s has it
// with AVX2), without the identity's y.
func (c *Curve) selectEdGo(r *edAffine, t *[combSize]edAffine, idx uint64) {
	*r = edAffine{}
	if c.fp.n == 4 {
		for i := range t {
			m := isZeroMask(uint64(i) ^ idx)
			e := &t[i]
			for j := 0; j < 4; j++ {
				r.x[j] |= e.x[j] & m
				r.y[j] |= e.y[j] & m
				r.dt[j] |= e.dt[j] & m
			}
		}
	} else {
		for i := range t {
			m := isZeroMask(uint64(i) ^ idx)
			e := &t[i]
			for j := 0; j < 8; j++ {
				r.x[j] |= e.x[j] & m
				r.y[j] |= e.y[j] & m
				r.dt[j] |= e.dt[j] & m
			}
		}
	}
}

// mulBaseEdCT is mulBaseCT in Edwards form: one complete mixed addition
// per signed digit (a zero digit adds the identity), the sign applied by
// masks (-(u, v) = (-u, v)). Time and memory accesses do not depend on k.
func (c *Curve) mulBaseEdCT(r *edPoint, k *fe) {
	comb := c.baseCombEd()
	f := c.fp
	var magA, negA [128]uint64
	mag, neg := magA[:len(comb)], negA[:len(comb)]
	c.combDigits(k, mag, neg)
	acc := edPoint{y: f.one, z: f.one}
	var sel edAffine
	var n fe
	for i := range comb {
		c.selectEd(&sel, &comb[i], mag[i]-1)
		f.sub(&n, &fe{}, &sel.x)
		cmov(&sel.x, &n, neg[i])
		f.sub(&n, &fe{}, &sel.dt)
		cmov(&sel.dt, &n, neg[i])
		c.edAddMixed(&acc, &acc, &sel)
	}
	clear(magA[:])
	clear(negA[:])
	*r = acc
}

// baseNAFEd is baseNAF in Edwards form.
func (c *Curve) baseNAFEd() []edAffine {
	c.gNAFEdOnce.Do(func() {
		g := c.baseNAF()
		flat := make([]xy, len(g))
		for i := range g {
			flat[i] = xy{g[i].x, g[i].y}
		}
		c.gNAFEd = c.edTable(flat)
	})
	return c.gNAFEd
}

// edOddMultiples returns Q, 3Q, … , (2^(w-1) - 1)·Q in Edwards form
// (projective, with d·T).
func (c *Curve) edOddMultiples(q *apoint, w uint) []edCached {
	var cur, q2 edPoint
	c.toEdwards(&cur, &q.x, &q.y)
	c.edDouble(&q2, &cur, true)
	var q2c edCached
	c.edCache(&q2c, &q2)
	qt := make([]edCached, 1<<(w-2))
	c.edCache(&qt[0], &cur)
	for i := 1; i < len(qt); i++ {
		c.edAdd(&cur, &cur, &q2c)
		c.edCache(&qt[i], &cur)
	}
	return qt
}

// mulDoubleVarEd is mulDoubleVar in Edwards form (public data: branches),
// Q given by edOddMultiples(Q, wQ()).
func (c *Curve) mulDoubleVarEd(u, v *fe, qt []edCached) edPoint {
	return c.mulSplitVarEd(u, v, [][]edAffine{c.baseNAFEd()}, [][]edCached{qt})
}

// mulSplitVarEd is mulSplitVar in Edwards form.
func (c *Curve) mulSplitVarEd(u, v *fe, gts [][]edAffine, qts [][]edCached) edPoint {
	f := c.fp
	parts := len(qts)
	var udA, vdA [splitParts][8*64 + 1]int8
	ud, vd := udA[:parts], vdA[:parts]
	n := max(c.splitDigits(u, wBase, ud), c.splitDigits(v, c.wQ(), vd))
	acc := edPoint{y: f.one, z: f.one}
	var na edAffine
	var nc edCached
	for i := n - 1; i >= 0; i-- {
		needT := false
		for j := range parts {
			needT = needT || ud[j][i] != 0 || vd[j][i] != 0
		}
		c.edDouble(&acc, &acc, needT)
		for j := range parts {
			gt, qt := gts[j], qts[j]
			if d := ud[j][i]; d > 0 {
				c.edAddMixed(&acc, &acc, &gt[d>>1])
			} else if d < 0 {
				na = gt[(-d)>>1]
				f.sub(&na.x, &fe{}, &na.x)
				f.sub(&na.dt, &fe{}, &na.dt)
				c.edAddMixed(&acc, &acc, &na)
			}
			if d := vd[j][i]; d > 0 {
				c.edAdd(&acc, &acc, &qt[d>>1])
			} else if d < 0 {
				nc = qt[(-d)>>1]
				f.sub(&nc.x, &fe{}, &nc.x)
				f.sub(&nc.dt, &fe{}, &nc.dt)
				c.edAdd(&acc, &acc, &nc)
			}
		}
	}
	return acc
}

// baseSplitEd is baseSplit in Edwards form.
func (c *Curve) baseSplitEd() [][]edAffine {
	c.gSplitEdOnce.Do(func() {
		c.gSplitEd = [][]edAffine{c.baseNAFEd()} // part 0 is G itself
		for _, t := range c.baseSplit()[1:] {
			flat := make([]xy, len(t))
			for i := range t {
				flat[i] = xy{t[i].x, t[i].y}
			}
			c.gSplitEd = append(c.gSplitEd, c.edTable(flat))
		}
	})
	return c.gSplitEd
}

// edXEqualsModQ is xEqualsModQ for an Edwards point: the Weierstrass
// x = s(Z + Y)/(Z - Y) + t is x' = r + k·q below p when
// (x' - t)(Z - Y) = s(Z + Y).
func (c *Curve) edXEqualsModQ(p *edPoint, r *big.Int) bool {
	f, e := c.fp, c.ed
	var zmy, w, t fe
	f.sub(&zmy, &p.z, &p.y)
	if f.isZero(&zmy) != 0 {
		return false // the identity
	}
	f.add(&w, &p.z, &p.y)
	f.mul(&w, &w, &e.s)
	for x := new(big.Int).Set(r); x.Cmp(c.P) < 0; x.Add(x, c.Q) {
		xf := feFromBig(x)
		f.toMont(&t, &xf)
		f.sub(&t, &t, &e.t)
		f.mul(&t, &t, &zmy)
		if t == w {
			return true
		}
	}
	return false
}
