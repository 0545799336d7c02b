package gost

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkGost12sum times `gost12sum -l` (Debian gostsum, C) on 32 MB,
// for scripts/bench-gost-vs-openssl.sh against BenchmarkStreebog32MB (the
// tool's start and reading a file in the page cache are in its time).
func BenchmarkGost12sum(b *testing.B) {
	if _, err := exec.LookPath("gost12sum"); err != nil {
		b.Skip("gost12sum is not installed (apt-get install gostsum)")
	}
	data := make([]byte, 32<<20)
	rand.Read(data)
	f := filepath.Join(b.TempDir(), "data")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		if err := exec.Command("gost12sum", "-l", f).Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreebog32MB is Streebog-512 on the same 32 MB as
// BenchmarkGost12sum.
func BenchmarkStreebog32MB(b *testing.B) {
	data := make([]byte, 32<<20)
	b.SetBytes(int64(len(data)))
	h := NewStreebog512()
	for range b.N {
		h.Reset()
		h.Write(data)
		h.Sum(nil)
	}
}
