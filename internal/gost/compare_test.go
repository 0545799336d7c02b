package gost

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
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
	runToolCPU(b, "gost12sum", "-l", f)
}

// runToolCPU runs the command b.N times and adds the metric cpu-ns/op:
// the tool's own CPU time (user and system, from its process state), as
// reportCPU gives ours, steadier than elapsed time on a loaded machine.
func runToolCPU(b *testing.B, name string, args ...string) {
	b.ResetTimer()
	var cpu time.Duration
	for range b.N {
		cmd := exec.Command(name, args...)
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkStreebog32MB is Streebog-512 on the same 32 MB as
// BenchmarkGost12sum.
func BenchmarkStreebog32MB(b *testing.B) {
	data := make([]byte, 32<<20)
	b.SetBytes(int64(len(data)))
	h := NewStreebog512()
	defer reportCPU(b)()
	for range b.N {
		h.Reset()
		h.Write(data)
		h.Sum(nil)
	}
}
