package signer_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.cypherpunks.ru/gogost/v5/gost3410"

	"github.com/qoltanba/qoltanba/signer"
)

// benchXML makes a realistic document of about size bytes.
func benchXML(size int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<invoice xmlns="urn:kz:esf:v2" xmlns:a="urn:kz:esf:abstract">` + "\n")
	for i := 0; b.Len() < size-200; i++ {
		fmt.Fprintf(&b, "  <a:item num=\"%d\" unit=\"шт\"><a:name>Тауар %d — товар &amp; goods</a:name><a:price>%d.45</a:price><a:note>Жеткізу мерзімі 5 күн</a:note></a:item>\n", i, i, 100+i)
	}
	b.WriteString("</invoice>\n")
	return []byte(b.String())
}

// BenchmarkRSASignDigest is the bare private-key operation: the yardstick
// for the CMS overhead target.
func BenchmarkRSASignDigest(b *testing.B) {
	key := loadKey(b, "RSA")
	d := sha256.Sum256([]byte("x"))
	for b.Loop() {
		if _, err := key.Signer.Sign(rand.Reader, d[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGOST2015SignDigest(b *testing.B) {
	key := loadKey(b, "GOST2015")
	pub, _ := signer.PublicKey(key.Certificate)
	s, _ := signer.SchemeFor(pub)
	d := s.Digest([]byte("x"))
	for b.Loop() {
		if _, err := key.Signer.Sign(rand.Reader, d, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignCMS1KB(b *testing.B) {
	data := bytes.Repeat([]byte("a"), 1024)
	for _, name := range []string{"RSA", "GOST2015"} {
		key := loadKey(b, name)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := signer.SignCMS(ctx, data, key, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyCMS1KB(b *testing.B) {
	data := bytes.Repeat([]byte("a"), 1024)
	for _, name := range []string{"RSA", "GOST2015"} {
		key := loadKey(b, name)
		cms, err := signer.SignCMS(ctx, data, key, &signer.CMSOptions{Time: validAt(name)})
		if err != nil {
			b.Fatal(err)
		}
		opts := verifyOpts(b, name, nil)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := signer.VerifyCMS(cms, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSignXML(b *testing.B) {
	for _, size := range []int{10 << 10, 1 << 20} {
		doc := benchXML(size)
		for _, name := range []string{"RSA", "GOST2015"} {
			key := loadKey(b, name)
			b.Run(fmt.Sprintf("%s/%dKB", name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				for b.Loop() {
					if _, err := signer.SignXML(doc, key, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkVerifyXML(b *testing.B) {
	for _, size := range []int{10 << 10, 1 << 20} {
		doc := benchXML(size)
		for _, name := range []string{"RSA", "GOST2015"} {
			signed, err := signer.SignXML(doc, loadKey(b, name), nil)
			if err != nil {
				b.Fatal(err)
			}
			opts := verifyOpts(b, name, nil)
			b.Run(fmt.Sprintf("%s/%dKB", name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				for b.Loop() {
					if _, err := signer.VerifyXML(signed, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkDetachedCMSFile signs a 256 MB file detached, streaming. B/op
// shows memory does not grow with the file; MB/s compares with sha256sum
// (scripts/bench-hash-vs-sha256sum.sh runs both).
func BenchmarkDetachedCMSFile(b *testing.B) {
	size := int64(256 << 20)
	if s := os.Getenv("QOLTANBA_BENCH_FILE_MB"); s != "" {
		fmt.Sscan(s, &size)
		size <<= 20
	}
	path := filepath.Join(b.TempDir(), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	key := loadKey(b, "RSA")
	b.SetBytes(size)
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := signer.SignCMSReader(ctx, f, key, nil); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// noopSigner stands in for the private-key operation so the benchmark
// below measures everything else SignCMS does (hashing, attributes, DER).
type noopSigner struct{ crypto.Signer }

func (n noopSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return make([]byte, 256), nil
}

// BenchmarkSignCMS1KBOverhead is SignCMS minus the RSA operation; compare
// with BenchmarkRSASignDigest (target: under 10% of it).
func BenchmarkSignCMS1KBOverhead(b *testing.B) {
	key := loadKey(b, "RSA")
	key.Signer = noopSigner{key.Signer}
	data := bytes.Repeat([]byte("a"), 1024)
	for b.Loop() {
		if _, err := signer.SignCMS(ctx, data, key, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGogost is the reference for the GOST targets: one bare gogost
// signature and one bare gogost verification with the GOST-2015 test key
// (gogost stays in the tests only).
func BenchmarkGogost(b *testing.B) {
	key := loadKey(b, "GOST2015")
	pub, _ := signer.PublicKey(key.Certificate)
	raw := pub.(*signer.GOSTPublicKey).Key.RawLE()
	c := gost3410.CurveIdtc26gost341012512paramSetA()
	refPub, err := gost3410.NewPublicKeyLE(c, raw)
	if err != nil {
		b.Fatal(err)
	}
	prvRaw := make([]byte, 64)
	rand.Read(prvRaw)
	refPrv, _ := gost3410.NewPrivateKeyLE(c, prvRaw)
	d := make([]byte, 64)
	rand.Read(d)
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			refPrv.SignDigest(d, rand.Reader)
		}
	})
	sig, _ := key.Signer.Sign(rand.Reader, d, nil)
	std := signer.ProfileKZ.ToStandard(sig)
	rev := append([]byte(nil), d...)
	slices.Reverse(rev)
	if ok, _ := refPub.VerifyDigest(rev, std); !ok {
		b.Fatal("gogost refuses our signature")
	}
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			refPub.VerifyDigest(rev, std)
		}
	})
}
