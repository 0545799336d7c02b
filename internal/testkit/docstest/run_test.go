//go:build unix

package docstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
)

const (
	blockTimeout = 5 * time.Minute  // a block, or a daemon until it is ready (go run compiles first)
	stopTimeout  = 15 * time.Second // a daemon after Ctrl-C
)

// TestCommandBlocks runs every command block of README.md and docs/*.md as
// its marker says (see the package comment) on a fresh copy of the
// repository's tracked files, after make build, as a new user would.
func TestCommandBlocks(t *testing.T) {
	root := repoRoot(t)
	blocks := docBlocks(t, root)
	var torun []block
	for _, b := range blocks {
		if kindOf(b.lang) == notCommands {
			continue
		}
		if why := checkable(b); why != "" {
			t.Errorf("%s: %s", b, why)
			continue
		}
		if b.mode == modeNotRun {
			t.Logf("%s: not run: %s", b, b.why)
			continue
		}
		torun = append(torun, b)
	}
	if t.Failed() {
		t.FailNow()
	}
	if len(torun) == 0 {
		t.Fatal("no command block to run: the parser or the documents are broken")
	}
	clone, env := freshCopy(t, root)
	if out, err := run(clone, env, "make build"); err != nil {
		t.Fatalf("make build on a fresh copy: %v\n%s", err, out)
	}
	for _, b := range torun {
		t.Run(strings.NewReplacer("/", "_", ".md", "").Replace(b.String()), func(t *testing.T) {
			switch b.mode {
			case modeScript:
				if out, err := run(clone, env, "set -e -o pipefail\n"+b.body); err != nil {
					t.Errorf("%s does not run as written: %v\n%s\n--- output:\n%s", b, err, b.body, tail(out))
				}
			case modeExits:
				for i, c := range commands(b.body) {
					out, err := run(clone, env, c)
					code := 0
					var ee *exec.ExitError
					if errors.As(err, &ee) {
						code = ee.ExitCode()
					} else if err != nil {
						code = -1
					}
					if code != b.exits[i] {
						t.Errorf("%s: %q exited %d (%v), the marker says %d\n--- output:\n%s", b, c, code, err, b.exits[i], tail(out))
					}
				}
			case modeDaemons:
				for _, c := range commands(b.body) {
					if out, err := daemon(clone, env, c, b.ready); err != nil {
						t.Errorf("%s: %q: %v\n--- output:\n%s", b, c, err, tail(out))
					}
				}
			}
		})
	}
}

// freshCopy copies the repository's tracked files (as they are in the work
// tree) into a temporary folder, as a fresh clone has them, and returns it
// with the environment the blocks run in: a throwaway HOME whose
// config.json gives the agent a free port (13579 may be held by a real
// agent), TMPDIR inside the test's folder, no display or session bus to
// reach, English messages, the copy's bin/ first on PATH (as if
// installed), and this machine's Go caches (so that make build is not a
// cold build). The placeholders key.p12 and pw are an NCA test key and its
// password.
func freshCopy(t *testing.T, root string) (string, []string) {
	ls := exec.Command("git", "-C", root, "ls-files", "-z")
	files, err := ls.Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): the command blocks run on a copy of the tracked files", err)
	}
	base := t.TempDir()
	clone := filepath.Join(base, "qoltanba")
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		src, dst := filepath.Join(root, f), filepath.Join(clone, filepath.FromSlash(f))
		fi, err := os.Lstat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree, not yet committed
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			to, _ := os.Readlink(src)
			if err := os.Symlink(to, dst); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	key, err := os.ReadFile(ncatest.GOST2015FL)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(clone, "key.p12"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(clone, "pw"), []byte(ncatest.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	home, tmp := filepath.Join(base, "home"), filepath.Join(base, "tmp")
	for _, d := range []string{filepath.Join(home, ".config", "qoltanba"), tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if err := os.WriteFile(filepath.Join(home, ".config", "qoltanba", "config.json"), []byte(fmt.Sprintf(`{"port": %d}`, port)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home, "USER=" + os.Getenv("USER"), "LOGNAME=" + os.Getenv("LOGNAME"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
		"TMPDIR=" + tmp, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=dumb",
		"PATH=" + filepath.Join(clone, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	goenv, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOSUMDB", "GONOSUMDB",
		"GOPRIVATE", "GOFLAGS", "GOTOOLCHAIN").Output()
	if err != nil {
		t.Fatal(err)
	}
	var gv map[string]string
	if err := json.Unmarshal(goenv, &gv); err != nil {
		t.Fatal(err)
	}
	for k, v := range gv {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	return clone, env
}

// command is bash running script in dir, with no terminal, in a process
// group of its own (so that what it starts is stopped with it).
func command(dir string, env []string, script string, out io.Writer) *exec.Cmd {
	c := exec.Command("bash", "-c", script)
	c.Dir, c.Env, c.Stdout, c.Stderr = dir, env, out, out
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.WaitDelay = 5 * time.Second
	return c
}

// run runs script to its end, or kills it and everything it started after
// blockTimeout.
func run(dir string, env []string, script string) (string, error) {
	out := &syncbuf.Buffer{}
	c := command(dir, env, script, out)
	if err := c.Start(); err != nil {
		return "", err
	}
	defer killTree(c.Process.Pid) // anything it left behind
	defer syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(blockTimeout):
		syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		<-done
		return out.String(), fmt.Errorf("still running after %v", blockTimeout)
	}
}

// daemon starts a command in a terminal of its own (script(1) gives it
// one: `qoltanba serve` asks there), waits until its output says ready,
// then presses Ctrl-C in that terminal and waits for it to end.
func daemon(dir string, env []string, cmdline, ready string) (string, error) {
	out := &syncbuf.Buffer{}
	c := exec.Command("script", "-qfec", cmdline, "/dev/null")
	c.Dir, c.Env, c.Stdout, c.Stderr = dir, append(env, "SHELL=/bin/bash"), out, out
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.WaitDelay = 5 * time.Second
	keys, err := c.StdinPipe()
	if err != nil {
		return "", err
	}
	if err := c.Start(); err != nil {
		return "", err
	}
	defer killTree(c.Process.Pid)
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	deadline := time.After(blockTimeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(out.String(), ready) {
		select {
		case err := <-done:
			return out.String(), fmt.Errorf("ended (%v) before it printed %q", err, ready)
		case <-deadline:
			killTree(c.Process.Pid)
			<-done
			return out.String(), fmt.Errorf("did not print %q within %v", ready, blockTimeout)
		case <-tick.C:
		}
	}
	keys.Write([]byte{3}) // Ctrl-C
	select {
	case <-done:
		return out.String(), nil
	case <-time.After(stopTimeout):
		killTree(c.Process.Pid)
		<-done
		return out.String(), fmt.Errorf("printed %q but did not stop within %v of Ctrl-C", ready, stopTimeout)
	}
}

// killTree kills pid and every process it started that is still running,
// wherever their process groups or sessions are (script(1) starts its
// command in a session of its own).
func killTree(pid int) {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		var p, pp int
		var state string
		if _, err := fmt.Sscanf(string(b[i+2:]), "%s %d", &state, &pp); err != nil {
			continue
		}
		fmt.Sscanf(filepath.Base(filepath.Dir(f)), "%d", &p)
		children[pp] = append(children[pp], p)
	}
	var kill func(int)
	kill = func(p int) {
		syscall.Kill(p, syscall.SIGSTOP) // no new children while we look
		for _, ch := range children[p] {
			kill(ch)
		}
		syscall.Kill(p, syscall.SIGKILL)
	}
	kill(pid)
}

// tail is the end of a long output.
func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}
