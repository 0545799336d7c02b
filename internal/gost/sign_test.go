package gost

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"testing"

	"go.cypherpunks.ru/gogost/v5/gost3410"
)

// fromGogost builds our curve from gogost's parameters (test curves).
func fromGogost(c *gost3410.Curve, oid string) *Curve {
	return mustCurve(c.Name, oid, c.PointSize(), c.P.Text(16), c.Q.Text(16), c.A.Text(16), c.B.Text(16), c.X.Text(16), c.Y.Text(16))
}

func refCurve(c *Curve) *gost3410.Curve {
	for _, r := range []func() *gost3410.Curve{gost3410.CurveIdtc26gost341012512paramSetA, gost3410.CurveIdtc26gost341012512paramSetB,
		gost3410.CurveIdtc26gost341012512paramSetC, gost3410.CurveIdtc26gost341012256paramSetA, gost3410.CurveIdGostR34102001CryptoProAParamSet,
		gost3410.CurveIdGostR34102001CryptoProBParamSet, gost3410.CurveIdGostR34102001CryptoProCParamSet,
		gost3410.CurveIdGostR34102001CryptoProXchAParamSet, gost3410.CurveIdGostR34102001CryptoProXchBParamSet} {
		if rc := r(); rc.P.Cmp(c.P) == 0 && rc.Q.Cmp(c.Q) == 0 && rc.X.Cmp(c.X) == 0 {
			return rc
		}
	}
	panic("no reference curve for " + c.Name)
}

// TestSignVectors: the examples of GOST R 34.10-2012 (RFC 7091, appendix
// A): fixed key, digest and nonce give the standard's r and s.
func TestSignVectors(t *testing.T) {
	h := func(s string) []byte { return unhex(s) }
	test256 := fromGogost(gost3410.CurveIdGostR34102001TestParamSet(), "1.2.643.2.2.35.0")
	p := "4531acd1fe0023c7550d267b6b2fee80922b14b2ffb90f04d4eb7c09b5d2d15df1d852741af4704a0458047e80e4546d35b8336fac224dd81664bbf528be6373"
	q := "4531acd1fe0023c7550d267b6b2fee80922b14b2ffb90f04d4eb7c09b5d2d15da82f2d7ecb1dbac719905c5eecc423f1d86e25edbe23c595d644aaf187e6e6df"
	test512 := mustCurve("test 512", "1.2.643.7.1.2.1.2.0", 64, p, q, "7",
		"1cff0806a31116da29d8cfa54e57eb748bc5f377e49400fdd788b649eca1ac4361834013b2ad7322480a89ca58e0cf74bc9e540c2add6897fad0a3084f302adc",
		"24d19cc64572ee30f396bf6ebbfd7a6c5213b3b3d7057cc825f91093a68cd762fd60611262cd838dc6b60aa7eee804e28bc849977fac33b4b530f1b120248a9a",
		"2bb312a43bd2ce6e0d020613c857acddcfbf061e91e5f2c3f32447c259f39b2c83ab156d77f1496bf7eb3351e1ee4e43dc1a18b91b24640b6dbb92cb1add371e")
	for _, tc := range []struct {
		c                    *Curve
		prv, dgst, rnd, r, s string
	}{
		{test256, "7a929ade789bb9be10ed359dd39a72c11b60961f49397eee1d19ce9891ec3b28",
			"2dfbc1b372d89a1188c09c52e0eec61fce52032ab1022e8e67ece6672b043ee5",
			"77105c9b20bcd3122823c8cf6fcc7b956de33814e95b7fe64fed924594dceab3",
			"41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493",
			"01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40"},
		{test512, "0ba6048aadae241ba40936d47756d7c93091a0e8514669700ee7508e508b102072e8123b2200a0563322dad2827e2714a2636b7bfd18aadfc62967821fa18dd4",
			"3754f3cfacc9e0615c4f4a7c4d8dab531b09b6f9c170c533a71d147035b0c5917184ee536593f4414339976c647c5d5a407adedb1d560c4fc6777d2972075b8c",
			"0359e7f4b1410feacc570456c6801496946312120b39d019d455986e364f365886748ed7a44b3e794434006011842286212273a6d14cf70ea3af71bb1ae679f1",
			"2f86fa60a081091a23dd795e1e3c689ee512a3c82ee0dcc2643c78eea8fcacd35492558486b20f1c9ec197c906998502" + "60c93bcbcd9c5c3317e19344e173ae36",
			"1081b394696ffe8e6585e7a9362d26b6325f56778aadbc081c0bfbe933d52ff5823ce288e8c4f362526080df7f70ce40" + "6a6eeb1f56919cb92a9853bde73e5b4a"},
	} {
		prv, err := NewPrivateKeyBE(tc.c, h(tc.prv))
		if err != nil {
			t.Fatal(err)
		}
		sig, err := prv.SignDigest(h(tc.dgst), bytes.NewReader(h(tc.rnd)))
		if err != nil {
			t.Fatal(err)
		}
		if want := append(h(tc.s), h(tc.r)...); !bytes.Equal(sig, want) {
			t.Errorf("%s: signature %x", tc.c.Name, sig)
		}
		if !prv.PublicKey().VerifyDigest(h(tc.dgst), sig) {
			t.Errorf("%s: does not verify", tc.c.Name)
		}
	}
}

// TestDifferential: on every curve, with random keys and digests, our
// public keys equal gogost's, our signatures verify with gogost and
// gogost's with ours, and a changed bit fails.
func TestDifferential(t *testing.T) {
	for _, c := range Curves() {
		rc := refCurve(c)
		for i := 0; i < 4; i++ {
			raw := make([]byte, c.PointSize)
			rand.Read(raw)
			ours, err := NewPrivateKeyLE(c, raw)
			if err != nil {
				t.Fatal(err)
			}
			ref, _ := gost3410.NewPrivateKeyLE(rc, raw)
			refPub, _ := ref.PublicKey()
			pub := ours.PublicKey()
			if pub.X.Cmp(refPub.X) != 0 || pub.Y.Cmp(refPub.Y) != 0 || !bytes.Equal(pub.RawLE(), refPub.RawLE()) {
				t.Fatalf("%s: public key differs", c.Name)
			}
			dgst := make([]byte, c.PointSize)
			rand.Read(dgst)
			sig, err := ours.SignDigest(dgst, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := refPub.VerifyDigest(dgst, sig); !ok {
				t.Fatalf("%s: gogost refuses our signature", c.Name)
			}
			refSig, _ := ref.SignDigest(dgst, rand.Reader)
			if !pub.VerifyDigest(dgst, refSig) {
				t.Fatalf("%s: we refuse gogost's signature", c.Name)
			}
			sig[len(sig)-1] ^= 1
			if pub.VerifyDigest(dgst, sig) {
				t.Fatalf("%s: a changed signature verified", c.Name)
			}
			dgst[0] ^= 0x80
			if pub.VerifyDigest(dgst, refSig) {
				t.Fatalf("%s: another digest verified", c.Name)
			}
			back, err := NewPublicKeyLE(c, pub.RawLE())
			if err != nil || !back.Equal(pub) {
				t.Fatalf("%s: raw round trip: %v", c.Name, err)
			}
		}
	}
	// Points off the curve and out of range are refused.
	c := Tc26512A
	if _, err := NewPublicKey(c, big.NewInt(1), big.NewInt(1)); err == nil {
		t.Error("a point off the curve")
	}
	if _, err := NewPublicKey(c, c.P, big.NewInt(1)); err == nil {
		t.Error("x = p")
	}
}

// FuzzVerify: any signature bytes and digest: ours and gogost agree, and
// nothing panics.
func FuzzVerify(f *testing.F) {
	c := CryptoProA
	raw := bytes.Repeat([]byte{7}, 32)
	prv, _ := NewPrivateKeyLE(c, raw)
	dgst := bytes.Repeat([]byte{9}, 32)
	sig, _ := prv.SignDigest(dgst, nil)
	f.Add(dgst, sig)
	pub := prv.PublicKey()
	ref, _ := gost3410.NewPublicKeyLE(refCurve(c), pub.RawLE())
	f.Fuzz(func(t *testing.T, d, s []byte) {
		got := pub.VerifyDigest(d, s)
		want, _ := ref.VerifyDigest(d, s)
		if got != want {
			t.Fatalf("ours %v, gogost %v", got, want)
		}
	})
}

// benchSets are the parameter sets of the comparison with OpenSSL's gost
// engine (scripts/bench-gost-vs-openssl.sh), named as its C harness names
// them.
var benchSets = []struct {
	name string
	c    *Curve
}{
	{"512-A", Tc26512A}, {"512-B", Tc26512B}, {"512-C", Tc26512C},
	{"256-CryptoPro-A", CryptoProA}, {"256-TC26-A", Tc26256A},
}

// reportCPU adds the metric cpu-ns/op, the process's CPU time per
// operation (steadier than ns/op when other jobs load the machine; the C
// harness reports the same), when the system tells it. Call as
// defer reportCPU(b)() after the set-up.
func reportCPU(b *testing.B) func() {
	b.ResetTimer()
	start, ok := processCPU()
	return func() {
		if end, ok2 := processCPU(); ok && ok2 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkSign times SignDigest of a precomputed digest (no hashing), as
// scripts/gost-openssl-bench.c times EVP_PKEY_sign.
func BenchmarkSign(b *testing.B) {
	for _, s := range benchSets {
		c := s.c
		prv, _ := NewPrivateKeyLE(c, bytes.Repeat([]byte{3}, c.PointSize))
		dgst := bytes.Repeat([]byte{5}, c.PointSize)
		b.Run(s.name, func(b *testing.B) {
			defer reportCPU(b)()
			for range b.N {
				prv.SignDigest(dgst, nil)
			}
		})
	}
}

// BenchmarkVerify times VerifyDigest of a precomputed digest with a public
// key read afresh each time (its table is part of the cost, as in
// EVP_PKEY_verify).
func BenchmarkVerify(b *testing.B) {
	for _, s := range benchSets {
		c := s.c
		prv, _ := NewPrivateKeyLE(c, bytes.Repeat([]byte{3}, c.PointSize))
		dgst := bytes.Repeat([]byte{5}, c.PointSize)
		sig, _ := prv.SignDigest(dgst, nil)
		raw := prv.PublicKey().RawLE()
		b.Run(s.name, func(b *testing.B) {
			defer reportCPU(b)()
			for range b.N {
				pub, _ := NewPublicKeyLE(c, raw)
				if !pub.VerifyDigest(dgst, sig) {
					b.Fatal("no")
				}
			}
		})
	}
}

// BenchmarkVerifyKept is BenchmarkVerify with one public key kept across
// verifications, as signer's key cache keeps a CA's or a returning user's:
// from its second verification on it uses the split tables (splitParts).
func BenchmarkVerifyKept(b *testing.B) {
	for _, s := range benchSets {
		c := s.c
		prv, _ := NewPrivateKeyLE(c, bytes.Repeat([]byte{3}, c.PointSize))
		dgst := bytes.Repeat([]byte{5}, c.PointSize)
		sig, _ := prv.SignDigest(dgst, nil)
		pub, _ := NewPublicKeyLE(c, prv.PublicKey().RawLE())
		pub.VerifyDigest(dgst, sig)
		pub.VerifyDigest(dgst, sig)
		b.Run(s.name, func(b *testing.B) {
			defer reportCPU(b)()
			for range b.N {
				if !pub.VerifyDigest(dgst, sig) {
					b.Fatal("no")
				}
			}
		})
	}
}

// BenchmarkGogost: the same operations with gogost, the reference.
func BenchmarkGogost(b *testing.B) {
	for _, s := range benchSets {
		c := s.c
		rc := refCurve(c)
		ref, _ := gost3410.NewPrivateKeyLE(rc, bytes.Repeat([]byte{3}, c.PointSize))
		dgst := bytes.Repeat([]byte{5}, c.PointSize)
		sig, _ := ref.SignDigest(dgst, rand.Reader)
		pub, _ := ref.PublicKey()
		b.Run("sign/"+s.name, func(b *testing.B) {
			for range b.N {
				ref.SignDigest(dgst, rand.Reader)
			}
		})
		b.Run("verify/"+s.name, func(b *testing.B) {
			for range b.N {
				if ok, _ := pub.VerifyDigest(dgst, sig); !ok {
					b.Fatal("no")
				}
			}
		})
	}
}

// BenchmarkEdOps times one Edwards doubling, mixed addition and addition
// and one field product and squaring of the two Edwards curves (what a
// verification is made of; the figures in README.md).
func BenchmarkEdOps(b *testing.B) {
	for _, c := range []*Curve{Tc26512C, Tc26256A} {
		g := c.baseNAF()[0]
		gx, gy := g.x, g.y
		var p edPoint
		c.toEdwards(&p, &gx, &gy)
		tab := c.baseNAFEd()
		var qc edCached
		c.edCache(&qc, &p)
		b.Run(c.Name+"/dbl", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.edDouble(&p, &p, false)
			}
		})
		b.Run(c.Name+"/addmixed", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.edAddMixed(&p, &p, &tab[3])
			}
		})
		b.Run(c.Name+"/add", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.edAdd(&p, &p, &qc)
			}
		})
		b.Run(c.Name+"/mul", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.fp.mul(&p.x, &p.x, &p.y)
			}
		})
		b.Run(c.Name+"/sqr", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.fp.sqr(&p.x, &p.x)
			}
		})
	}
}

// BenchmarkJOps times one a = -3 Jacobian doubling and one comb mixed
// addition of the folding a = -3 curves (most of their verification and
// signing).
func BenchmarkJOps(b *testing.B) {
	for _, c := range []*Curve{Tc26512A, CryptoProA} {
		g := c.baseNAF()[0]
		j := jpoint{g.x, g.y, c.fp.one}
		p := point{g.x, g.y, c.fp.one}
		q := xy{g.x, g.y}
		b.Run(c.Name+"/jdouble", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.jdouble(&j, &j)
			}
		})
		b.Run(c.Name+"/addmixed", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.addMixed(&p, &p, &q)
			}
		})
	}
}
