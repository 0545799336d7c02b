package gost

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// TestFieldArithmetic: every curve's field and group order against
// math/big, on random values and the edges (0, 1, p-1, p-2, values whose
// products carry the most), for the Montgomery and the folding reductions.
func TestFieldArithmetic(t *testing.T) {
	for _, c := range Curves() {
		for _, f := range []*field{c.fp, c.fq} {
			p := f.p.big(f.n)
			r := new(big.Int).Lsh(big.NewInt(1), uint(64*f.n))
			rInv := new(big.Int).ModInverse(new(big.Int).Mod(r, p), p)
			if f.c != 0 {
				rInv = big.NewInt(1)
			}
			vals := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), new(big.Int).Sub(p, big.NewInt(1)), new(big.Int).Sub(p, big.NewInt(2)),
				new(big.Int).Rsh(p, 1), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(f.bits-1)), big.NewInt(1))}
			for i := 0; i < 300; i++ {
				v, _ := rand.Int(rand.Reader, p)
				vals = append(vals, v)
			}
			for i, x := range vals {
				y := vals[(i*7+3)%len(vals)]
				xf, yf := feFromBig(x), feFromBig(y)
				var z fe
				f.mul(&z, &xf, &yf)
				want := new(big.Int).Mul(x, y)
				want.Mul(want, rInv).Mod(want, p)
				if z.big(f.n).Cmp(want) != 0 {
					t.Fatalf("%s: mul(%x, %x) = %x, want %x", c.Name, x, y, z.big(f.n), want)
				}
				f.add(&z, &xf, &yf)
				if want := new(big.Int).Add(x, y); z.big(f.n).Cmp(want.Mod(want, p)) != 0 {
					t.Fatalf("%s: add", c.Name)
				}
				f.sub(&z, &xf, &yf)
				if want := new(big.Int).Sub(x, y); z.big(f.n).Cmp(want.Mod(want, p)) != 0 {
					t.Fatalf("%s: sub", c.Name)
				}
				if x.Sign() != 0 {
					var m, inv, back fe
					f.toMont(&m, &xf)
					f.inv(&inv, &m)
					f.mul(&back, &inv, &m)
					if back != f.one {
						t.Fatalf("%s: inv", c.Name)
					}
				}
			}
		}
	}
}

// TestSquare: sqr equals mul(x, x) on every field and group order
// (folding and Montgomery squarings), on random values and the edges.
func TestSquare(t *testing.T) {
	for _, c := range Curves() {
		for _, f := range []*field{c.fp, c.fq} {
			p := f.p.big(f.n)
			edges := []*big.Int{new(big.Int).Sub(p, big.NewInt(1)), big.NewInt(0), big.NewInt(1), new(big.Int).Sub(p, big.NewInt(2)),
				new(big.Int).Rsh(p, 1), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(f.bits-1)), big.NewInt(1))}
			for i := 0; i < 2000; i++ {
				v, _ := rand.Int(rand.Reader, p)
				if i < len(edges) {
					v = edges[i]
				}
				x := feFromBig(v)
				var a, b fe
				f.sqr(&a, &x)
				f.mul(&b, &x, &x)
				if a != b {
					t.Fatalf("%s: sqr(%x)", c.Name, v)
				}
			}
		}
	}
}

// BenchmarkSquare: sqr against mul(x, x) in one run, on 512-A (folding),
// 512-B (Montgomery) and their group orders (Montgomery).
func BenchmarkSquare(b *testing.B) {
	for _, c := range []*Curve{Tc26512A, Tc26512B} {
		for _, f := range []struct {
			name string
			f    *field
		}{{"p", c.fp}, {"q", c.fq}} {
			x := feFromBig(new(big.Int).Sub(f.f.p.big(f.f.n), big.NewInt(3)))
			b.Run(c.Name+"/"+f.name+"/sqr", func(b *testing.B) {
				for range b.N {
					f.f.sqr(&x, &x)
				}
			})
			b.Run(c.Name+"/"+f.name+"/mul", func(b *testing.B) {
				for range b.N {
					f.f.mul(&x, &x, &x)
				}
			})
		}
	}
}

// TestJDoubleMinus3: on every curve with a = -3 the doubling dbl-2001-b
// gives the same points as the general dbl-2007-bl.
func TestJDoubleMinus3(t *testing.T) {
	n := 0
	for _, c := range Curves() {
		if !c.aM3 {
			continue
		}
		n++
		f := c.fp
		p := jpoint{x: c.g.x, y: c.g.y, z: f.one}
		q := p
		for i := 0; i < 50; i++ {
			c.jdoubleM3(&p, &p)  // dbl-2001-b
			c.jdoubleAny(&q, &q) // dbl-2007-bl
			// the same affine point: X1·Z2² = X2·Z1², Y1·Z2³ = Y2·Z1³
			var z1, z2, l, r, z13, z23 fe
			f.sqr(&z1, &p.z)
			f.sqr(&z2, &q.z)
			f.mul(&l, &p.x, &z2)
			f.mul(&r, &q.x, &z1)
			f.mul(&z13, &z1, &p.z)
			f.mul(&z23, &z2, &q.z)
			var ly, ry fe
			f.mul(&ly, &p.y, &z23)
			f.mul(&ry, &q.y, &z13)
			if l != r || ly != ry {
				t.Fatalf("%s: doubling %d differs", c.Name, i+1)
			}
		}
	}
	if n == 0 {
		t.Fatal("no curve with a = -3")
	}
}
