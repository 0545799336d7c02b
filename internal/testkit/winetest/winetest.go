// Package winetest runs qoltanba's Windows build under Wine for tests: a
// fresh WINEPREFIX (a whole Windows user profile and registry) per test,
// Windows paths for Linux files, and the registry read with Wine's own
// reg.exe, so a test checks what Windows holds, not what our code says.
//
// Wine 8 (Debian 12) lacks ProcessPrng in bcryptprimitives.dll, which Go
// programs since Go 1.22 call for randomness; Windows 10 and later have it.
// New builds a stand-in from shim/bcryptprimitives.c with mingw (it forwards to
// RtlGenRandom, the same system generator) into the prefix's system32. It
// is test scaffolding only: nothing we ship carries it.
package winetest

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

//go:embed shim/bcryptprimitives.c
var shimSource []byte

// Prefix is one Wine installation.
type Prefix struct {
	t   testing.TB
	Dir string
	Env []string
}

// New makes a fresh prefix in a temporary directory (about 10 s) and stops
// its wineserver when the test ends. display is the X display for windows
// ("" for none).
func New(t testing.TB, display string) *Prefix {
	t.Helper()
	for _, tool := range []string{"wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required (Debian wine wine64 mingw-w64; installed by .ci/run)", tool)
		}
	}
	dir := filepath.Join(t.TempDir(), "wine")
	env := append(os.Environ(), "WINEPREFIX="+dir, "WINEDEBUG=-all", "WINEARCH=win64",
		"WINEDLLOVERRIDES=mscoree,mshtml=") // no Mono or Gecko download prompts
	env = withDisplay(env, display)
	p := &Prefix{t: t, Dir: dir, Env: env}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Wine now and then fails to set up a fresh prefix ("could not load
	// kernel32.dll", seen right after another test's wineserver ended):
	// that prefix is thrown away and made once more.
	for try := 1; ; try++ {
		boot := exec.CommandContext(ctx, "wineboot", "-i")
		boot.Env = env
		out, err := boot.CombinedOutput()
		if err == nil {
			break
		}
		if try == 2 {
			t.Fatalf("wineboot: %v\n%s", err, out)
		}
		t.Logf("wineboot failed, making the prefix again: %v\n%s", err, out)
		k := exec.Command("wineserver", "-k")
		k.Env = env
		k.Run()
		os.RemoveAll(dir)
	}
	t.Cleanup(func() {
		k := exec.Command("wineserver", "-k")
		k.Env = env
		k.Run()
		w := exec.Command("wineserver", "-w")
		w.Env = env
		w.Run()
	})
	src := filepath.Join(t.TempDir(), "bcryptprimitives.c")
	os.WriteFile(src, shimSource, 0o644)
	dll := filepath.Join(dir, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", dll, src, "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("building the ProcessPrng stand-in: %v\n%s", err, out)
	}
	return p
}

// withDisplay sets DISPLAY in env, or drops it for "".
func withDisplay(env []string, display string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "DISPLAY=") {
			out = append(out, e)
		}
	}
	if display != "" {
		out = append(out, "DISPLAY="+display)
	}
	return out
}

// Win is the Windows path of a Linux path (Wine maps / to Z:).
func Win(path string) string {
	abs, _ := filepath.Abs(path)
	return `Z:` + strings.ReplaceAll(abs, "/", `\`)
}

// C is the Linux path of a file on the prefix's drive C: (rel uses /).
func (p *Prefix) C(rel string) string {
	return filepath.Join(p.Dir, "drive_c", filepath.FromSlash(rel))
}

// Cmd is `wine exe args...` in this prefix.
func (p *Prefix) Cmd(exe string, args ...string) *exec.Cmd {
	cmd := exec.Command("wine", append([]string{exe}, args...)...)
	cmd.Env = p.Env
	// Wine's own processes (wineserver, winedevice, explorer) inherit the
	// program's output pipes and outlive it: without a limit, Wait after
	// Kill waited for them forever and a failed test hung in its cleanup.
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// Result is what a program printed and its exit code.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs a program to its end (at most 2 minutes).
func (p *Prefix) Run(exe string, args ...string) Result {
	p.t.Helper()
	r := p.run(p.Env, exe, args...)
	// qoltanba's programs say why whenever they fail, so a failure without
	// a word is Wine failing to start the program at all (seen in CI right
	// after a service stopped; WINEDEBUG=-all hides Wine's own "could not
	// load" line): it ran nothing, so it is run once more, with Wine's
	// errors shown should it fail again.
	if r.Code != 0 && r.Stdout == "" && r.Stderr == "" && strings.HasPrefix(strings.ToLower(exe[strings.LastIndexAny(exe, `/\`)+1:]), "qoltanba") {
		p.t.Logf("wine %s %v: exit %d without a word; Wine did not start it, once more", exe, args, r.Code)
		r = p.run(append(p.Env, "WINEDEBUG=err+all"), exe, args...)
	}
	return r
}

func (p *Prefix) run(env []string, exe string, args ...string) Result {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wine", append([]string{exe}, args...)...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// Wine's own processes (services.exe, winedevice.exe) that the first
	// program starts inherit its output and may outlive it.
	cmd.WaitDelay = 3 * time.Second
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case errors.Is(err, exec.ErrWaitDelay): // exited with 0; a Wine process kept the output open
	case err != nil:
		p.t.Fatalf("wine %s: %v", exe, err)
	}
	return r
}

// Reg returns a registry value as reg.exe prints it ("REG_SZ", data) and
// whether it exists. With name "" it reports whether the key exists.
func (p *Prefix) Reg(key, name string) (typ, data string, ok bool) {
	p.t.Helper()
	args := []string{"query", key}
	if name != "" {
		args = append(args, "/v", name)
	}
	r := p.Run("reg", args...)
	if r.Code != 0 {
		return "", "", false
	}
	if name == "" {
		return "", "", true
	}
	for _, line := range strings.Split(r.Stdout, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.EqualFold(f[0], name) {
			typ = f[1]
			rest := strings.TrimSpace(strings.TrimSpace(line)[len(f[0]):])
			return typ, strings.TrimSpace(strings.TrimPrefix(rest, typ)), true
		}
	}
	return "", "", false
}

// RootHas reports whether a root certificate store (HKCU or HKLM) holds a
// certificate with this SHA-1 thumbprint (upper-case hex).
func (p *Prefix) RootHas(hive, thumb string) bool {
	_, _, ok := p.Reg(hive+`\Software\Microsoft\SystemCertificates\Root\Certificates\`+thumb, "")
	return ok
}

//go:embed p11/fakemodule.c
var fakeModuleSource []byte

// FakeModule builds p11/fakemodule.c, a PKCS#11 module with one token and
// no keys, as a Windows DLL at dst (Cryptoki's headers come from
// miekg/pkcs11's module directory).
func FakeModule(t testing.TB, dst string) {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/miekg/pkcs11").Output()
	if err != nil {
		t.Fatalf("locating miekg/pkcs11's headers: %v", err)
	}
	src := filepath.Join(t.TempDir(), "fakemodule.c")
	os.WriteFile(src, fakeModuleSource, 0o644)
	os.MkdirAll(filepath.Dir(dst), 0o755)
	if out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-I", strings.TrimSpace(string(dir)), "-o", dst, src).CombinedOutput(); err != nil {
		t.Fatalf("building the fake PKCS#11 module: %v\n%s", err, out)
	}
}

// JobLauncher builds joblauncher for Windows at dst: it runs a program
// inside a job object that kills the processes still in it when it closes
// (as terminals and launchers do), so a test can check that what the
// program leaves running broke away from the job.
func JobLauncher(t testing.TB, dst string) {
	t.Helper()
	GoWindows(t, "build", "-trimpath", "-o", dst, "github.com/qoltanba/qoltanba/internal/testkit/winetest/joblauncher")
}

// GoWindows runs the go command with args for windows/amd64 without cgo
// (a go build of a program, a go test -c of a package's tests), in the
// test's folder, and fails t with go's output if it fails.
func GoWindows(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s for Windows: %v\n%s", strings.Join(args, " "), err, out)
	}
}
