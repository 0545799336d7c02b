package gost

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gogost256 "go.cypherpunks.ru/gogost/v5/gost34112012256"
	gogost512 "go.cypherpunks.ru/gogost/v5/gost34112012512"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TestStreebogVectors: the examples of GOST R 34.11-2012 / RFC 6986 (the
// RFC prints digests as numbers, most significant byte first; these are
// the output bytes, the RFC's strings reversed).
func TestStreebogVectors(t *testing.T) {
	m1 := []byte("012345678901234567890123456789012345678901234567890123456789012")
	// "Се ветри, Стрибожи внуци, веютъ с моря стрелами на храбрыя плъкы Игоревы" in CP1251
	m2 := unhex("d1e520e2e5f2f0e82c20d1f2f0e8e1eee6e820e2edf3f6e82c20e2e5fef2fa20f120eceef0ff20f1f2f0e5ebe0ece820ede020f5f0e0e1f0fbff20efebfaeafb20c8e3eef0e5e2fb")
	for _, tc := range []struct {
		msg              []byte
		want512, want256 string
	}{
		{m1, "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48",
			"9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"},
		{m2, "1e88e62226bfca6f9994f1f2d51569e0daf8475a3b0fe61a5300eee46d961376035fe83549ada2b8620fcd7c496ce5b33f0cb9dddc2b6460143b03dabac9fb28",
			"9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50"},
	} {
		if got := hex.EncodeToString(Streebog512(tc.msg)); got != tc.want512 {
			t.Errorf("512: %s", got)
		}
		if got := hex.EncodeToString(Streebog256(tc.msg)); got != tc.want256 {
			t.Errorf("256: %s", got)
		}
	}
}

// TestStreebogDifferential: the same digests as gogost (the reference) for
// every length around the block boundaries and random chunkings.
func TestStreebogDifferential(t *testing.T) {
	data := make([]byte, 1000)
	rand.Read(data)
	for n := 0; n <= 300; n++ {
		ref := gogost512.New()
		ref.Write(data[:n])
		if got := Streebog512(data[:n]); !bytes.Equal(got, ref.Sum(nil)) {
			t.Fatalf("512, %d bytes", n)
		}
		ref256 := gogost256.New()
		ref256.Write(data[:n])
		if got := Streebog256(data[:n]); !bytes.Equal(got, ref256.Sum(nil)) {
			t.Fatalf("256, %d bytes", n)
		}
	}
	// Chunked writes and Sum in the middle.
	h := NewStreebog512()
	for i := 0; i < len(data); {
		c := 1 + int(data[i])%97
		c = min(c, len(data)-i)
		h.Write(data[i : i+c])
		i += c
		ref := gogost512.New()
		ref.Write(data[:i])
		if !bytes.Equal(h.Sum(nil), ref.Sum(nil)) {
			t.Fatalf("chunked, at %d", i)
		}
	}
}

// TestStreebogGost12sum: the C reference (gost12sum, Debian gostsum) on a
// file of 1 MB + 13 bytes (it prints the output bytes in order).
func TestStreebogGost12sum(t *testing.T) {
	if _, err := exec.LookPath("gost12sum"); err != nil {
		t.Fatal("gost12sum is required (Debian gostsum; installed by .ci/run)")
	}
	data := make([]byte, 1<<20+13)
	rand.Read(data)
	f := filepath.Join(t.TempDir(), "data")
	os.WriteFile(f, data, 0o644)
	for _, tc := range []struct {
		args []string
		got  []byte
	}{{[]string{"-l", f}, Streebog512(data)}, {[]string{f}, Streebog256(data)}} {
		out, err := exec.Command("gost12sum", tc.args...).Output()
		if err != nil {
			t.Fatal(err)
		}
		if ref := unhex(strings.Fields(string(out))[0]); !bytes.Equal(ref, tc.got) {
			t.Errorf("gost12sum %v: %x, ours %x", tc.args[0], ref, tc.got)
		}
	}
}

func FuzzStreebog(f *testing.F) {
	f.Add([]byte("012345678901234567890123456789012345678901234567890123456789012"), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		if len(data) > 4096 {
			return
		}
		ref := gogost512.New()
		ref.Write(data)
		h := NewStreebog512()
		s := min(int(split), len(data))
		h.Write(data[:s])
		h.Write(data[s:])
		if !bytes.Equal(h.Sum(nil), ref.Sum(nil)) {
			t.Fatalf("differs from gogost on %d bytes", len(data))
		}
	})
}

func BenchmarkStreebog512(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	h := NewStreebog512()
	for range b.N {
		h.Reset()
		h.Write(data)
		h.Sum(nil)
	}
}

func BenchmarkGogostStreebog512(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for range b.N {
		h := gogost512.New()
		h.Write(data)
		h.Sum(nil)
	}
}

// TestStreebogAsm: both compressions of streebog_amd64.s (the table one
// and gAVX512) give the words of the Go one on random h, N and m, zero,
// and h the same block as m (each where this CPU and build have it).
func TestStreebogAsm(t *testing.T) {
	impls := map[string]func(h, n, m *block){}
	if useStreebogAsm {
		impls["tables"] = gAsm
	}
	if useStreebogAVX512 {
		impls["avx512"] = func(h, n, m *block) { gAVX512(h, n, m, &streebogVec) }
	}
	if len(impls) == 0 {
		t.Skip("no Streebog assembly in this build or on this CPU")
	}
	var buf [3 * 64]byte
	for name, f := range impls {
		for i := 0; i < 2000; i++ {
			rand.Read(buf[:])
			var h, n, m block
			for w := 0; w < 8; w++ {
				h[w] = binary.LittleEndian.Uint64(buf[8*w:])
				n[w] = binary.LittleEndian.Uint64(buf[64+8*w:])
				m[w] = binary.LittleEndian.Uint64(buf[128+8*w:])
			}
			if i == 1 {
				h, n, m = block{}, block{}, block{}
			}
			want := h
			gGo(&want, &n, &m)
			got := h
			f(&got, &n, &m)
			if got != want {
				t.Fatalf("%s: h %x n %x m %x: asm %x, Go %x", name, h, n, m, got, want)
			}
			// h may be the same block as m (g reads m after writing h).
			want, got = h, h
			gGo(&want, &n, &want)
			f(&got, &n, &got)
			if got != want {
				t.Fatalf("%s: aliased h, m: asm %x, Go %x", name, got, want)
			}
		}
	}
}

// BenchmarkStreebogCompress: one block's compression, the AVX-512 and the
// table assembly against the Go code in one run (each where this CPU and
// build have it; cpu-ns/op: the process's CPU time).
func BenchmarkStreebogCompress(b *testing.B) {
	var h, n, m block
	for _, bc := range []struct {
		name string
		f    func(h, n, m *block)
	}{{"avx512", func(h, n, m *block) { gAVX512(h, n, m, &streebogVec) }}, {"asm", gAsm}, {"go", gGo}} {
		if bc.name == "asm" && !useStreebogAsm || bc.name == "avx512" && !useStreebogAVX512 {
			continue
		}
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(64)
			defer reportCPU(b)()
			for range b.N {
				bc.f(&h, &n, &m)
			}
		})
	}
}
