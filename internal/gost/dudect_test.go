package gost

import (
	"bytes"
	"crypto/rand"
	"math"
	"math/big"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkDudect is a dudect-style check (Reparaz, Balasch and
// Verbauwhede, 2017) that signing's time does not depend on the secrets:
// each iteration times one operation on an input of one of two classes,
// chosen at random, and Welch's t-test compares the two classes' times
// (all samples, and those below the 50th/90th percentile, which drops
// the machine's noise). |t| above 4.5 would be a leak to look into, above
// 10 a certain one: the benchmark fails then (from 1000 samples on).
// Reported as the metric "|t|" (the largest of the three). A benchmark,
// not a test: it needs many samples and a quiet machine (README.md says
// how to run it).
//
//   - nonce: mulBaseAffine, k·G and its affine coordinates as signing
//     takes them (the Edwards form where the curve has one, the blinded
//     inversion), with k = 1 (every digit but one zero) or k = q - 1
//     (nearly every digit negative) against random k;
//   - key: SignDigest with a fixed private key against random ones (the
//     nonces random in both classes);
//   - control: the check itself, on verification's variable-time u·G + v·Q
//     with u = 1 against random u: it must find the leak (|t| > 10) or it
//     fails.
func BenchmarkDudect(b *testing.B) {
	for _, s := range benchSets {
		c := s.c
		b.Run(s.name+"/control", func(b *testing.B) {
			one := fe{1}
			qt := c.oddMultiples(&apoint{x: c.g.x, y: c.g.y}, c.wQ())
			c.mulDoubleVar(&one, &one, qt)
			dudectWant(b, true, func(class int) func() {
				u := one
				if class == 1 {
					r, _ := rand.Int(rand.Reader, c.Q)
					u = feFromBig(r)
				}
				return func() { c.mulDoubleVar(&u, &one, qt) }
			})
		})
		for _, fixed := range []struct {
			name string
			k    *big.Int
		}{{"nonce=1", big.NewInt(1)}, {"nonce=q-1", new(big.Int).Sub(c.Q, big.NewInt(1))}} {
			b.Run(s.name+"/"+fixed.name, func(b *testing.B) {
				kf := feFromBig(fixed.k)
				c.mulBaseAffine(&kf) // the comb table is made outside the timing
				dudect(b, func(class int) func() {
					k := kf
					if class == 1 {
						r, _ := rand.Int(rand.Reader, c.Q)
						k = feFromBig(r)
					}
					return func() { c.mulBaseAffine(&k) }
				})
			})
		}
		b.Run(s.name+"/key", func(b *testing.B) {
			dgst := bytes.Repeat([]byte{5}, c.PointSize)
			fixed, _ := NewPrivateKeyLE(c, bytes.Repeat([]byte{3}, c.PointSize))
			fixed.SignDigest(dgst, nil)
			dudect(b, func(class int) func() {
				k := fixed
				if class == 1 {
					raw := make([]byte, c.PointSize)
					rand.Read(raw)
					k, _ = NewPrivateKeyLE(c, raw)
				}
				return func() { k.SignDigest(dgst, nil) }
			})
		})
	}
}

// dudect runs b.N timed operations, prepare(class) making each one's
// input outside the timing, and reports Welch's |t| between the classes.
func dudect(b *testing.B, prepare func(class int) func()) { dudectWant(b, false, prepare) }

// dudectWant is dudect expecting a leak (the control) or none. Every
// input is made before the timing starts, so that making a random one
// (system calls, allocation) does not leave the caches of one class
// colder than the other's.
func dudectWant(b *testing.B, leaky bool, prepare func(class int) func()) {
	classes := make([]int, b.N)
	ops := make([]func(), b.N)
	for i := range ops {
		classes[i] = mrand.IntN(2)
		ops[i] = prepare(classes[i])
	}
	times := make([]float64, b.N)
	b.ResetTimer()
	for i, op := range ops {
		t0 := time.Now()
		op()
		times[i] = float64(time.Since(t0))
	}
	b.StopTimer()
	if len(times) < 100 {
		return // the benchmark's first short runs
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	worst := 0.0
	for _, pct := range []float64{1, 0.9, 0.5} {
		limit := sorted[int(pct*float64(len(sorted)-1))]
		t := welch(times, classes, limit)
		b.Logf("n=%d below p%.0f: t = %.2f", len(times), pct*100, t)
		worst = max(worst, math.Abs(t))
	}
	b.ReportMetric(worst, "|t|")
	if len(times) < 1000 {
		return // too few samples for a verdict either way (a short -benchtime)
	}
	switch {
	case !leaky && worst > 10:
		b.Errorf("|t| = %.1f: the two classes' times differ (a timing leak?)", worst)
	case leaky && worst <= 10:
		b.Errorf("|t| = %.1f: the check missed a known timing difference", worst)
	}
}

// welch returns Welch's t between class 0 and class 1 of the samples up
// to limit.
func welch(times []float64, classes []int, limit float64) float64 {
	var n, mean, m2 [2]float64
	for i, x := range times {
		if x > limit {
			continue
		}
		c := classes[i]
		n[c]++
		d := x - mean[c]
		mean[c] += d / n[c]
		m2[c] += d * (x - mean[c])
	}
	if n[0] < 2 || n[1] < 2 {
		return 0
	}
	v0, v1 := m2[0]/(n[0]-1), m2[1]/(n[1]-1)
	return (mean[0] - mean[1]) / math.Sqrt(v0/n[0]+v1/n[1])
}
