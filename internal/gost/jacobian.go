package gost

// Verification arithmetic: Jacobian coordinates (x = X/Z², y = Y/Z³) with
// the doubling dbl-2007-bl (any a; dbl-2001-b, 3M+5S instead of 2M+8S,
// where a = -3) and the mixed addition madd-2007-bl
// (an affine second point) of the Explicit-Formulas Database: about 60%
// of the multiplications of the complete formulas. They branch on special
// cases (the identity, equal or opposite points), which is fine for the
// public scalars and points of a verification; signing never uses them.

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
	var delta, gamma, beta, alpha, t, u fe
	f.sqr(&delta, &p.z)
	f.sqr(&gamma, &p.y)
	f.mul(&beta, &p.x, &gamma)
	f.sub(&t, &p.x, &delta)
	f.add(&u, &p.x, &delta)
	f.mul(&alpha, &t, &u)
	f.add(&t, &alpha, &alpha)
	f.add(&alpha, &alpha, &t)
	var x3, y3, z3 fe
	// X3 = α² - 8β
	f.add(&beta, &beta, &beta)
	f.add(&beta, &beta, &beta) // 4β
	f.sqr(&x3, &alpha)
	f.sub(&x3, &x3, &beta)
	f.sub(&x3, &x3, &beta)
	// Z3 = (Y + Z)² - γ - δ
	f.add(&z3, &p.y, &p.z)
	f.sqr(&z3, &z3)
	f.sub(&z3, &z3, &gamma)
	f.sub(&z3, &z3, &delta)
	// Y3 = α(4β - X3) - 8γ²
	f.sub(&t, &beta, &x3)
	f.mul(&y3, &alpha, &t)
	f.sqr(&gamma, &gamma)
	f.add(&gamma, &gamma, &gamma)
	f.add(&gamma, &gamma, &gamma)
	f.add(&gamma, &gamma, &gamma)
	f.sub(&y3, &y3, &gamma)
	r.x, r.y, r.z = x3, y3, z3
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
	var z1z1, u2, s2, h, hh, i, j, rr, v fe
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
	var x3, y3, z3, t fe
	f.sqr(&x3, &rr)
	f.sub(&x3, &x3, &j)
	f.sub(&x3, &x3, &v)
	f.sub(&x3, &x3, &v)
	f.sub(&t, &v, &x3)
	f.mul(&y3, &rr, &t)
	f.mul(&t, &p.y, &j)
	f.add(&t, &t, &t)
	f.sub(&y3, &y3, &t)
	f.add(&z3, &p.z, &h)
	f.sqr(&z3, &z3)
	f.sub(&z3, &z3, &z1z1)
	f.sub(&z3, &z3, &hh)
	r.x, r.y, r.z = x3, y3, z3
}

// affineTable turns a projective table (0..15 × P) into affine points with
// one inversion (Montgomery's trick).
func (c *Curve) affineTable(t *[16]point) *[16]apoint {
	f := c.fp
	out := new([16]apoint)
	var prefix [16]fe
	acc := f.one
	for i := range t {
		prefix[i] = acc
		if f.isZero(&t[i].z) == 0 {
			f.mul(&acc, &acc, &t[i].z)
		}
	}
	var inv fe
	f.inv(&inv, &acc)
	for i := len(t) - 1; i >= 0; i-- {
		if f.isZero(&t[i].z) != 0 {
			out[i].inf = true
			continue
		}
		var zi fe
		f.mul(&zi, &inv, &prefix[i]) // 1/z_i
		f.mul(&inv, &inv, &t[i].z)
		f.mul(&out[i].x, &t[i].x, &zi)
		f.mul(&out[i].y, &t[i].y, &zi)
	}
	return out
}

// mulDoubleJ sets r = u·G + v·Q for public u, v with affine tables of G
// and Q (Shamir's trick, 4-bit windows) and returns the affine x, or false
// for the identity.
func (c *Curve) mulDoubleJ(u *fe, gt, qt *[16]apoint, v *fe) (fe, bool) {
	windows := (c.qBits + 3) / 4
	acc := jpoint{x: c.fp.one, y: c.fp.one}
	for i := windows - 1; i >= 0; i-- {
		for j := 0; j < 4; j++ {
			c.jdouble(&acc, &acc)
		}
		if w := scalarWindow(u, i); w != 0 {
			c.jaddAffine(&acc, &acc, &gt[w])
		}
		if w := scalarWindow(v, i); w != 0 {
			c.jaddAffine(&acc, &acc, &qt[w])
		}
	}
	f := c.fp
	if f.isZero(&acc.z) != 0 {
		return fe{}, false
	}
	var zi, zi2, x fe
	f.inv(&zi, &acc.z)
	f.mul(&zi2, &zi, &zi)
	f.mul(&x, &acc.x, &zi2)
	f.fromMont(&x, &x)
	return x, true
}
