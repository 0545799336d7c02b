package gost

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.cypherpunks.ru/gogost/v5/gost28147"
	"go.cypherpunks.ru/gogost/v5/gost341194"
)

// TestGOST94Differential: the same digests as gogost for both S-box sets,
// every length around the block size, and chunked writes.
func TestGOST94Differential(t *testing.T) {
	data := make([]byte, 700)
	rand.Read(data)
	for _, sb := range []struct {
		ours *Sbox
		ref  *gost28147.Sbox
	}{{&SboxTest, &gost28147.SboxIdGostR341194TestParamSet}, {&SboxCryptoPro, &gost28147.SboxIdGostR341194CryptoProParamSet}} {
		for n := 0; n <= 200; n++ {
			ref := gost341194.New(sb.ref)
			ref.Write(data[:n])
			h := NewGOST94(sb.ours)
			h.Write(data[:n])
			if !bytes.Equal(h.Sum(nil), ref.Sum(nil)) {
				t.Fatalf("%d bytes", n)
			}
		}
		h := NewGOST94(sb.ours)
		ref := gost341194.New(sb.ref)
		for i := 0; i < len(data); i += 13 {
			j := min(i+13, len(data))
			h.Write(data[i:j])
			ref.Write(data[i:j])
		}
		if !bytes.Equal(h.Sum(nil), ref.Sum(nil)) {
			t.Fatal("chunked")
		}
	}
}

// TestGOST94Vectors: the standard's examples (test S-box set), and the C
// reference gostsum -t on a file (it prints the digest reversed).
func TestGOST94Vectors(t *testing.T) {
	for _, tc := range []struct{ msg, want string }{
		// GOST R 34.11-94, appendix A (the digests as the hash outputs them).
		{"This is message, length=32 bytes", "b1c466d37519b82e8319819ff32595e047a28cb6f83eff1c6916a815a637fffa"},
		{"Suppose the original message has length = 50 bytes", "471aba57a60a770d3a76130635c1fbea4ef14de51f78b4ae57dd893b62f55208"},
	} {
		h := NewGOST94(&SboxTest)
		h.Write([]byte(tc.msg))
		if got := h.Sum(nil); hex.EncodeToString(got) != tc.want {
			t.Errorf("%q: %x", tc.msg, got)
		}
	}
	if _, err := exec.LookPath("gostsum"); err != nil {
		t.Fatal("gostsum is required (Debian gostsum; installed by .ci/run)")
	}
	data := make([]byte, 100000+7)
	rand.Read(data)
	f := filepath.Join(t.TempDir(), "data")
	os.WriteFile(f, data, 0o644)
	out, err := exec.Command("gostsum", "-t", f).Output()
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := hex.DecodeString(strings.Fields(string(out))[0])
	slices.Reverse(ref)
	h := NewGOST94(&SboxTest)
	h.Write(data)
	if got := h.Sum(nil); !bytes.Equal(got, ref) {
		t.Errorf("gostsum -t: %x, ours %x", ref, got)
	}
}

func BenchmarkGOST94(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	h := NewGOST94(&SboxTest)
	defer reportCPU(b)()
	for range b.N {
		h.Reset()
		h.Write(data)
		h.Sum(nil)
	}
}

func BenchmarkGogostGOST94(b *testing.B) {
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for range b.N {
		h := gost341194.New(&gost28147.SboxIdGostR341194TestParamSet)
		h.Write(data)
		h.Sum(nil)
	}
}

// BenchmarkGostsum is the C reference in the same run as BenchmarkGOST94:
// gostsum -t (Debian gostsum, test S-box set) on a 32 MB file, MB/s
// including its start (a few ms). Compare the two only within one run.
func BenchmarkGostsum(b *testing.B) {
	if _, err := exec.LookPath("gostsum"); err != nil {
		b.Skip("gostsum is not installed (apt-get install gostsum)")
	}
	data := make([]byte, 32<<20)
	rand.Read(data)
	f := filepath.Join(b.TempDir(), "data")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	runToolCPU(b, "gostsum", "-t", f)
}

// BenchmarkGOST9432MB is BenchmarkGOST94 on the same 32 MB as
// BenchmarkGostsum.
func BenchmarkGOST9432MB(b *testing.B) {
	data := make([]byte, 32<<20)
	b.SetBytes(int64(len(data)))
	h := NewGOST94(&SboxTest)
	defer reportCPU(b)()
	for range b.N {
		h.Reset()
		h.Write(data)
		h.Sum(nil)
	}
}
