package gost

// GOST R 34.10-2012 signatures with the byte conventions of gogost (which
// the tests use as the reference): a private key and a digest are numbers
// read big-endian, a signature is s‖r big-endian, a public key's raw form
// is X‖Y little-endian. Callers turn digests and signatures into Kalkan's
// or RFC 4490's orders (signer/gostorder.go).
//
// Signing handles the private key d and the nonce k only through the
// constant-time paths: field.mul (no data-dependent branch; the final
// subtraction is a mask), mulBaseCT (a comb of the base point: k recoded
// into signed 6-bit digits with masks, one complete mixed addition per
// digit, every row read whole by selectXY, the sign and a zero digit
// applied by masks) and the complete addition formulas (no special case
// for doubling or the identity). The nonce is drawn by rejection: only
// whether a draw was rejected can show, and that says nothing about the k
// kept. BenchmarkDudect checks the timing (README.md). What is public
// (r, e, the signature) is reduced with math/big.

import (
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
	"sync/atomic"
)

// PrivateKey is a GOST private key.
type PrivateKey struct {
	C *Curve
	d fe // plain, < q
}

// PublicKey is a GOST public key.
type PublicKey struct {
	C      *Curve
	X, Y   *big.Int
	ptOnce sync.Once
	pt     apoint // the point in Montgomery form, set by NewPublicKey or at the first use
	ptOK   bool   // pt is set and on the curve

	tableOnce sync.Once // Q's odd multiples, made at the first verification
	qt        []apoint
	qtEd      []edCached

	uses      atomic.Int32 // verifications so far, up to 2
	splitOnce sync.Once    // the split tables (splitParts), made at the second
	qs        [][]apoint
	qsEd      [][]edCached
}

// NewPrivateKeyBE reads a private key as a big-endian number (reduced mod q).
func NewPrivateKeyBE(c *Curve, raw []byte) (*PrivateKey, error) {
	if len(raw) != c.PointSize {
		return nil, fmt.Errorf("gost: private key of %d bytes, want %d", len(raw), c.PointSize)
	}
	d := new(big.Int).SetBytes(raw)
	d.Mod(d, c.Q)
	if d.Sign() == 0 {
		return nil, errors.New("gost: zero private key")
	}
	k := &PrivateKey{C: c, d: feFromBig(d)}
	clear(d.Bits())
	return k, nil
}

// NewPrivateKeyLE reads a private key as a little-endian number.
func NewPrivateKeyLE(c *Curve, raw []byte) (*PrivateKey, error) {
	be := make([]byte, len(raw))
	for i := range raw {
		be[len(raw)-1-i] = raw[i]
	}
	defer clear(be)
	return NewPrivateKeyBE(c, be)
}

// RawBE returns the private key as PointSize big-endian bytes.
func (k *PrivateKey) RawBE() []byte { return k.C.fq.bytesBE(&k.d) }

// Wipe zeroes the key; it cannot sign afterwards.
func (k *PrivateKey) Wipe() { k.d = fe{} }

// Wiped reports whether Wipe was called.
func (k *PrivateKey) Wiped() bool { return k.d == fe{} }

// PublicKey derives the public key (d·G, in constant time).
func (k *PrivateKey) PublicKey() *PublicKey {
	x, y, _ := k.C.mulBaseAffine(&k.d)
	pub, err := NewPublicKey(k.C, x.big(k.C.fp.n), y.big(k.C.fp.n))
	if err != nil {
		panic("gost: d·G is not on the curve: " + err.Error())
	}
	return pub
}

// Public is PublicKey (crypto.Signer).
func (k *PrivateKey) Public() crypto.PublicKey { return k.PublicKey() }

// Sign is SignDigest (crypto.Signer; opts are not used).
func (k *PrivateKey) Sign(r io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	return k.SignDigest(digest, r)
}

// SignDigest signs a digest (a big-endian number) and returns s‖r.
func (k *PrivateKey) SignDigest(digest []byte, random io.Reader) ([]byte, error) {
	if k.Wiped() {
		return nil, errors.New("gost: the key was wiped")
	}
	if random == nil {
		random = rand.Reader
	}
	c := k.C
	fq := c.fq
	e := new(big.Int).SetBytes(digest)
	e.Mod(e, c.Q)
	if e.Sign() == 0 {
		e.SetInt64(1)
	}
	eFe := feFromBig(e)
	var eM, dM fe
	fq.toMont(&eM, &eFe)
	fq.toMont(&dM, &k.d)
	defer func() { dM = fe{} }()
	buf := make([]byte, c.PointSize)
	defer clear(buf)
	for tries := 0; tries < 64; tries++ {
		if _, err := io.ReadFull(random, buf); err != nil {
			return nil, fmt.Errorf("gost: nonce: %w", err)
		}
		nonce := fq.setBytesBE(buf)
		maskTop(&nonce, c.qBits)
		if !fq.less(&nonce) || nonce == (fe{}) {
			continue // rejected: draw again
		}
		x, _, _ := c.mulBaseAffine(&nonce)
		r := x.big(c.fp.n)
		r.Mod(r, c.Q)
		if r.Sign() == 0 {
			continue
		}
		// s = r·d + k·e mod q, in Montgomery form.
		rFe := feFromBig(r)
		var rM, kM, s1, s2, s fe
		fq.toMont(&rM, &rFe)
		fq.toMont(&kM, &nonce)
		fq.mul(&s1, &rM, &dM)
		fq.mul(&s2, &kM, &eM)
		fq.add(&s, &s1, &s2)
		fq.fromMont(&s, &s)
		nonce, kM = fe{}, fe{}
		if s == (fe{}) {
			continue
		}
		return append(fq.bytesBE(&s), fq.bytesBE(&rFe)...), nil
	}
	return nil, errors.New("gost: no usable nonce")
}

// maskTop clears the bits of x from position bits up.
func maskTop(x *fe, bits int) {
	for i := range x {
		lo := 64 * i
		switch {
		case lo >= bits:
			x[i] = 0
		case lo+64 > bits:
			x[i] &= 1<<(uint(bits-lo)) - 1
		}
	}
}

// NewPublicKeyLE reads X‖Y little-endian (the raw form in GOST
// certificates) and checks the point is on the curve.
func NewPublicKeyLE(c *Curve, raw []byte) (*PublicKey, error) {
	if len(raw) != 2*c.PointSize {
		return nil, fmt.Errorf("gost: public key of %d bytes, want %d", len(raw), 2*c.PointSize)
	}
	be := make([]byte, len(raw))
	for i := range raw {
		be[len(raw)-1-i] = raw[i]
	}
	return NewPublicKey(c, new(big.Int).SetBytes(be[c.PointSize:]), new(big.Int).SetBytes(be[:c.PointSize]))
}

// NewPublicKey checks that (x, y) is a point of the curve.
func NewPublicKey(c *Curve, x, y *big.Int) (*PublicKey, error) {
	if x.Sign() < 0 || y.Sign() < 0 || x.Cmp(c.P) >= 0 || y.Cmp(c.P) >= 0 {
		return nil, errors.New("gost: public key coordinates out of range")
	}
	var p point
	xf, yf := feFromBig(x), feFromBig(y)
	c.fp.toMont(&p.x, &xf)
	c.fp.toMont(&p.y, &yf)
	p.z = c.fp.one
	if !c.onCurve(&p) {
		return nil, errors.New("gost: public key is not on the curve")
	}
	return &PublicKey{C: c, X: x, Y: y, pt: apoint{x: p.x, y: p.y}, ptOK: true}, nil
}

// RawLE returns X‖Y little-endian.
func (pub *PublicKey) RawLE() []byte {
	n := pub.C.PointSize
	out := make([]byte, 2*n)
	pub.Y.FillBytes(out[:n])
	pub.X.FillBytes(out[n:])
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Equal reports whether two keys are the same point of the same curve.
func (pub *PublicKey) Equal(other crypto.PublicKey) bool {
	o, ok := other.(*PublicKey)
	return ok && o.C == pub.C && o.X.Cmp(pub.X) == 0 && o.Y.Cmp(pub.Y) == 0
}

// point returns the key's point in Montgomery form, or nil when it is not
// a point of the curve: a key made by NewPublicKey has it checked already;
// one put together field by field is checked here, once.
func (pub *PublicKey) point() *apoint {
	pub.ptOnce.Do(func() {
		if pub.ptOK || pub.C == nil || pub.X == nil || pub.Y == nil {
			return
		}
		if k, err := NewPublicKey(pub.C, pub.X, pub.Y); err == nil {
			pub.pt, pub.ptOK = k.pt, true
		}
	})
	if !pub.ptOK {
		return nil
	}
	return &pub.pt
}

// tables returns the point's odd multiples for verification (in the
// Edwards form where the curve has one), made once per key: a key kept
// (signer/verify's key cache) verifies without remaking them.
func (pub *PublicKey) tables() ([]apoint, []edCached) {
	pub.tableOnce.Do(func() {
		c := pub.C
		if c.ed != nil {
			pub.qtEd = c.edOddMultiples(pub.point(), c.wQ())
		} else {
			pub.qt = c.oddMultiples(pub.point(), c.wQ())
		}
	})
	return pub.qt, pub.qtEd
}

// splitTables returns the odd multiples of Q_j = 2^(jL)·Q (see
// splitParts), made at the first call.
func (pub *PublicKey) splitTables() ([][]apoint, [][]edCached) {
	pub.splitOnce.Do(func() {
		c := pub.C
		qt, qtEd := pub.tables() // part 0 is Q itself
		if c.ed != nil {
			pub.qsEd = [][]edCached{qtEd}
		} else {
			pub.qs = [][]apoint{qt}
		}
		for _, p := range c.splitPoints(pub.point(), splitParts)[1:] {
			if c.ed != nil {
				pub.qsEd = append(pub.qsEd, c.edOddMultiples(&p, c.wQ()))
			} else {
				pub.qs = append(pub.qs, c.oddMultiples(&p, c.wQ()))
			}
		}
	})
	return pub.qs, pub.qsEd
}

// VerifyDigest checks s‖r over a digest (a big-endian number).
func (pub *PublicKey) VerifyDigest(digest, sig []byte) bool {
	c := pub.C
	if pub.point() == nil {
		return false // not a point of the curve
	}
	n := c.PointSize
	if len(sig) != 2*n {
		return false
	}
	s := new(big.Int).SetBytes(sig[:n])
	r := new(big.Int).SetBytes(sig[n:])
	if s.Sign() <= 0 || s.Cmp(c.Q) >= 0 || r.Sign() <= 0 || r.Cmp(c.Q) >= 0 {
		return false
	}
	e := new(big.Int).SetBytes(digest)
	e.Mod(e, c.Q)
	if e.Sign() == 0 {
		e.SetInt64(1)
	}
	v := new(big.Int).ModInverse(e, c.Q)
	z1 := new(big.Int).Mul(s, v)
	z1.Mod(z1, c.Q)
	z2 := new(big.Int).Mul(r, v)
	z2.Mod(z2, c.Q)
	z2.Sub(c.Q, z2)
	u, w := feFromBig(z1), feFromBig(z2)
	// A key verified before (kept by the caller) takes the split
	// tables; a key used once never pays for them.
	if pub.uses.Load() < 2 {
		pub.uses.Add(1)
	}
	if pub.uses.Load() >= 2 {
		qs, qsEd := pub.splitTables()
		if c.ed != nil {
			acc := c.mulSplitVarEd(&u, &w, c.baseSplitEd(), qsEd)
			return c.edXEqualsModQ(&acc, r)
		}
		acc := c.mulSplitVar(&u, &w, c.baseSplit(), qs)
		return c.xEqualsModQ(&acc, r)
	}
	qt, qtEd := pub.tables()
	if c.ed != nil {
		acc := c.mulDoubleVarEd(&u, &w, qtEd)
		return c.edXEqualsModQ(&acc, r)
	}
	acc := c.mulDoubleVar(&u, &w, qt)
	return c.xEqualsModQ(&acc, r)
}
