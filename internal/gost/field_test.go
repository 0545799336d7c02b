package gost

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// asmOK: the assembly products run on this machine (amd64 with BMI2 and
// ADX, without the purego tag).
var asmOK = useAsm

// eachImpl runs fn with the assembly products (where they can run) and with
// the Go ones, and restores useAsm.
func eachImpl(fn func(name string)) {
	saved := useAsm
	defer func() { useAsm = saved }()
	if asmOK {
		useAsm = true
		fn("asm")
	}
	useAsm = false
	fn("go")
}

// allFields: every curve's field and group order, named.
func allFields() (names []string, fields []*field) {
	for _, c := range Curves() {
		names = append(names, c.Name+"/p", c.Name+"/q")
		fields = append(fields, c.fp, c.fq)
	}
	return names, fields
}

// fieldEdges gives the edge values of f: below p (every reduction takes
// them) and, for p = 2^(64n) - c, the values from p up to 2^(64n) - 1
// that the folding also reduces.
func fieldEdges(f *field) (reduced, unreduced []*big.Int) {
	p := f.p.big(f.n)
	one := big.NewInt(1)
	top := new(big.Int).Lsh(one, uint(64*f.n))
	sub := func(a *big.Int, k int64) *big.Int { return new(big.Int).Sub(a, big.NewInt(k)) }
	pow := func(k int) *big.Int { return new(big.Int).Lsh(one, uint(k)) }
	cands := []*big.Int{big.NewInt(0), one, big.NewInt(2), big.NewInt(3), sub(p, 1), sub(p, 2), sub(p, 3),
		new(big.Int).Rsh(p, 1), new(big.Int).Add(new(big.Int).Rsh(p, 1), one),
		sub(pow(f.bits-1), 1), pow(f.bits - 1), sub(pow(f.bits-1), -1),
		p, sub(p, -1), sub(top, 1), sub(top, 2), sub(top, int64(f.c)+1)}
	for k := 0; k < f.n; k++ {
		cands = append(cands, pow(64*k), sub(pow(64*(k+1)), 1), // 2^(64k); limbs 0..k all ones
			new(big.Int).Lsh(sub(pow(64), 1), uint(64*k)), // limb k all ones
			new(big.Int).Sub(top, pow(64*k)))              // limbs k and up all ones, below 0
	}
	for _, v := range cands {
		switch {
		case v.Sign() < 0 || v.Cmp(top) >= 0:
		case v.Cmp(p) < 0:
			reduced = append(reduced, v)
		case f.c != 0:
			unreduced = append(unreduced, v)
		}
	}
	return reduced, unreduced
}

// limbRand is a random value below bound whose limbs are often 0, all ones,
// 1 or 2^63: the carries the chains get wrong.
func limbRand(n int, bound *big.Int) *big.Int {
	var b [1]byte
	for {
		var z fe
		for j := 0; j < n; j++ {
			rand.Read(b[:])
			switch b[0] % 6 {
			case 0:
				z[j] = 0
			case 1:
				z[j] = ^uint64(0)
			case 2:
				z[j] = 1
			case 3:
				z[j] = 1 << 63
			default:
				v, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
				z[j] = v.Uint64()
			}
		}
		if v := z.big(n); v.Cmp(bound) < 0 {
			return v
		}
	}
}

// TestFieldArithmetic: every curve's field and group order against
// math/big, on random values and the edges (0, 1, p-1, p-2, values whose
// products carry the most), for the Montgomery and the folding reductions,
// with the assembly products and with the Go ones.
func TestFieldArithmetic(t *testing.T) {
	eachImpl(func(impl string) {
		names, fields := allFields()
		for fi, f := range fields {
			name := impl + " " + names[fi]
			p := f.p.big(f.n)
			r := new(big.Int).Lsh(big.NewInt(1), uint(64*f.n))
			rInv := new(big.Int).ModInverse(new(big.Int).Mod(r, p), p)
			if f.c != 0 {
				rInv = big.NewInt(1)
			}
			vals, _ := fieldEdges(f)
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
					t.Fatalf("%s: mul(%x, %x) = %x, want %x", name, x, y, z.big(f.n), want)
				}
				f.add(&z, &xf, &yf)
				if want := new(big.Int).Add(x, y); z.big(f.n).Cmp(want.Mod(want, p)) != 0 {
					t.Fatalf("%s: add", name)
				}
				f.sub(&z, &xf, &yf)
				if want := new(big.Int).Sub(x, y); z.big(f.n).Cmp(want.Mod(want, p)) != 0 {
					t.Fatalf("%s: sub", name)
				}
				if x.Sign() != 0 {
					var m, inv, back fe
					f.toMont(&m, &xf)
					f.inv(&inv, &m)
					f.mul(&back, &inv, &m)
					if back != f.one {
						t.Fatalf("%s: inv", name)
					}
				}
			}
		}
	})
}

// TestSquare: sqr equals mul(x, x) on every field and group order
// (folding and Montgomery squarings), on random values and the edges, with
// the assembly products and with the Go ones.
func TestSquare(t *testing.T) {
	eachImpl(func(impl string) {
		names, fields := allFields()
		for fi, f := range fields {
			p := f.p.big(f.n)
			edges, _ := fieldEdges(f)
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
					t.Fatalf("%s %s: sqr(%x)", impl, names[fi], v)
				}
			}
		}
	})
}

// checkAsm compares the assembly and the Go products of f on x and y (and
// the squares of both) with each other and with math/big: z = x·y·R⁻¹ mod p
// (R = 1 for the folding); and, for x, y < p, the sums and differences.
// All eight words are compared: the 4-limb products clear the upper four.
// z aliasing an operand is checked too.
func checkAsm(t *testing.T, name string, f *field, x, y *big.Int) {
	t.Helper()
	saved := useAsm
	defer func() { useAsm = saved }()
	p := f.p.big(f.n)
	rInv := big.NewInt(1)
	if f.c == 0 {
		rInv.ModInverse(new(big.Int).Mod(new(big.Int).Lsh(big.NewInt(1), uint(64*f.n)), p), p)
	}
	prod := func(a, b *big.Int) *big.Int {
		z := new(big.Int).Mul(a, b)
		return z.Mul(z, rInv).Mod(z, p)
	}
	xf, yf := feFromBig(x), feFromBig(y)
	type op struct {
		name string
		want *big.Int
		run  func(z *fe)
	}
	ops := []op{
		{"mul", prod(x, y), func(z *fe) { f.mul(z, &xf, &yf) }},
		{"sqr x", prod(x, x), func(z *fe) { f.sqr(z, &xf) }},
		{"sqr y", prod(y, y), func(z *fe) { f.sqr(z, &yf) }},
		{"mul in place", prod(x, y), func(z *fe) { *z = xf; f.mul(z, z, &yf) }},
		{"sqr in place", prod(x, x), func(z *fe) { *z = xf; f.sqr(z, z) }},
	}
	if x.Cmp(p) < 0 && y.Cmp(p) < 0 {
		sum, diff := new(big.Int).Add(x, y), new(big.Int).Sub(x, y)
		ops = append(ops, op{"add", sum.Mod(sum, p), func(z *fe) { f.add(z, &xf, &yf) }},
			op{"sub", diff.Mod(diff, p), func(z *fe) { f.sub(z, &xf, &yf) }},
			op{"add in place", sum, func(z *fe) { *z = yf; f.add(z, &xf, z) }},
			op{"sub in place", diff, func(z *fe) { *z = yf; f.sub(z, &xf, z) }})
	}
	for _, o := range ops {
		var za, zg fe
		useAsm = true
		o.run(&za)
		useAsm = false
		o.run(&zg)
		if za != zg || zg.big(f.n).Cmp(o.want) != 0 {
			t.Fatalf("%s %s(%x, %x): asm %x, go %x, want %x", name, o.name, x, y, za, zg, o.want)
		}
	}
}

// TestFieldAsm: the assembly products, sums and differences against the Go
// ones and math/big on every curve's field and group order: every pair of
// edge values (for the folding primes also the values from p to
// 2^(64n) - 1, which the folding takes), and random values with limbs
// often 0 or all ones.
func TestFieldAsm(t *testing.T) {
	if !asmOK {
		t.Skip("no assembly on this machine (not amd64 with BMI2 and ADX, or the purego tag)")
	}
	names, fields := allFields()
	for fi, f := range fields {
		red, unred := fieldEdges(f)
		bound := f.p.big(f.n)
		if f.c != 0 {
			red = append(red, unred...)
			bound = new(big.Int).Lsh(big.NewInt(1), uint(64*f.n))
		}
		for _, x := range red {
			for _, y := range red {
				checkAsm(t, names[fi], f, x, y)
			}
		}
		for i := 0; i < 2000; i++ {
			checkAsm(t, names[fi], f, limbRand(f.n, bound), limbRand(f.n, bound))
		}
	}
}

// TestSignGoPath: the standards' examples and the differential tests
// against gogost on the Go code too (products, points, the comb's row
// reads), when the assembly ran the other tests.
func TestSignGoPath(t *testing.T) {
	if !asmOK && !useSelectAsm {
		t.Skip("the Go code already ran every test")
	}
	saved, savedSel := useAsm, useSelectAsm
	defer func() { useAsm, useSelectAsm = saved, savedSel }()
	useAsm, useSelectAsm = false, false
	t.Run("vectors", TestSignVectors)
	t.Run("differential", TestDifferential)
}

// FuzzFieldAsm: the assembly products against the Go ones and math/big on
// any operands of any field (reduced mod p for the Montgomery fields; the
// folding takes every value below 2^(64n)).
func FuzzFieldAsm(fz *testing.F) {
	fz.Add(uint8(0), bytes.Repeat([]byte{0xff}, 128))
	fz.Add(uint8(2), bytes.Repeat([]byte{0xff}, 128))
	fz.Add(uint8(7), bytes.Repeat([]byte{0x80}, 64))
	fz.Fuzz(func(t *testing.T, sel uint8, data []byte) {
		if !asmOK {
			t.Skip("no assembly on this machine")
		}
		names, fields := allFields()
		fi := int(sel) % len(fields)
		f := fields[fi]
		if len(data) > 2*f.size {
			data = data[:2*f.size]
		}
		half := len(data) / 2
		x, y := new(big.Int).SetBytes(data[:half]), new(big.Int).SetBytes(data[half:])
		if f.c == 0 {
			p := f.p.big(f.n)
			x.Mod(x, p)
			y.Mod(y, p)
		}
		checkAsm(t, names[fi], f, x, y)
	})
}

// BenchmarkField: mul, sqr and inv with the assembly and the Go products in one
// run, on each kind of field: 512-A p (folding) and q (Montgomery), 512-B p
// (Montgomery), 256 CryptoPro-A p (folding) and q, CryptoPro-B p
// (Montgomery).
func BenchmarkField(b *testing.B) {
	for _, bf := range []struct {
		name string
		f    *field
	}{{"512A/p", Tc26512A.fp}, {"512A/q", Tc26512A.fq}, {"512B/p", Tc26512B.fp},
		{"256CPA/p", CryptoProA.fp}, {"256CPA/q", CryptoProA.fq}, {"256CPB/p", CryptoProB.fp}} {
		f := bf.f
		eachImpl(func(impl string) {
			use := useAsm
			x := feFromBig(new(big.Int).Sub(f.p.big(f.n), big.NewInt(3)))
			y := feFromBig(new(big.Int).Sub(f.p.big(f.n), big.NewInt(5)))
			b.Run(bf.name+"/mul/"+impl, func(b *testing.B) {
				saved := useAsm
				useAsm = use
				for range b.N {
					f.mul(&x, &x, &y)
				}
				useAsm = saved
			})
			b.Run(bf.name+"/sqr/"+impl, func(b *testing.B) {
				saved := useAsm
				useAsm = use
				for range b.N {
					f.sqr(&x, &x)
				}
				useAsm = saved
			})
			b.Run(bf.name+"/inv/"+impl, func(b *testing.B) {
				saved := useAsm
				useAsm = use
				for range b.N {
					f.inv(&x, &x)
				}
				useAsm = saved
			})
		})
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

// TestAsmGenerated: each assembly file is what its generator in scripts/
// writes (no hand edit, no forgotten regeneration).
func TestAsmGenerated(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is needed to run the generators")
	}
	for _, c := range []struct{ file, script string }{
		{"field_amd64.s", "scripts/gen-gost-field-asm.py"},
		{"points_amd64.s", "scripts/gen-gost-points-asm.py"},
		{"streebog_amd64.s", "scripts/gen-gost-streebog-asm.py"},
	} {
		out := filepath.Join(t.TempDir(), c.file)
		cmd := exec.Command(py, c.script, out)
		cmd.Dir = "../.."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", c.script, err, b)
		}
		want, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the output of %s: run it from the repository root", c.file, c.script)
		}
	}
}
