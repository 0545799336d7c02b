package update_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/qoltanba/qoltanba/update"
	"github.com/qoltanba/qoltanba/update/publish"
)

// testProgram is a tiny program that prints the version it was linked
// with: two builds of it are the "old" and the "new" qoltanba.
const testProgram = `package main

import "fmt"

var version = "dev"

func main() { fmt.Println("qoltanba", version) }
`

var (
	buildOnce sync.Once
	builds    = map[string][]byte{}
	buildErr  error
)

// program returns a build of testProgram linked as version v (v0.9.0,
// v1.0.0 and v1.1.0 are built once per test run).
func program(t *testing.T, v string) []byte {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "qoltanba-update-prog")
		if err != nil {
			buildErr = err
			return
		}
		defer os.RemoveAll(dir)
		if buildErr = os.WriteFile(filepath.Join(dir, "main.go"), []byte(testProgram), 0o644); buildErr != nil {
			return
		}
		if buildErr = os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module prog\n\ngo 1.22\n"), 0o644); buildErr != nil {
			return
		}
		for _, ver := range []string{"v0.9.0", "v1.0.0", "v1.1.0"} {
			out := filepath.Join(dir, ver)
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+ver, "-o", out, ".")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			if b, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build: %v\n%s", err, b)
				return
			}
			if builds[ver], buildErr = os.ReadFile(out); buildErr != nil {
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	b, ok := builds[v]
	if !ok {
		t.Fatalf("no build of %s", v)
	}
	return b
}

// repo is a real TUF repository made in the test, served on loopback.
type repo struct {
	*publish.Repo
	keys    map[string]ed25519.PrivateKey
	signers map[string]signature.Signer
	srv     *httptest.Server
	// intercept, when set, answers a request instead of the files.
	intercept func(w http.ResponseWriter, r *http.Request) bool
	mu        sync.Mutex
	root1     []byte // the first root: what a binary carries
}

func newKey(t *testing.T) (ed25519.PrivateKey, signature.Signer) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := publish.Signer(priv)
	if err != nil {
		t.Fatal(err)
	}
	return priv, s
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	r := &repo{keys: map[string]ed25519.PrivateKey{}, signers: map[string]signature.Signer{}}
	keys := map[string][]crypto.PublicKey{}
	for _, role := range publish.Roles {
		r.keys[role], r.signers[role] = newKey(t)
		keys[role] = []crypto.PublicKey{r.keys[role].Public()}
	}
	dir := t.TempDir()
	var err error
	if r.Repo, err = publish.Init(dir, keys, nil, time.Now().Add(365*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.SignRoot(r.signers[metadata.ROOT]); err != nil {
		t.Fatal(err)
	}
	if r.root1, err = os.ReadFile(filepath.Join(dir, "1.root.json")); err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(dir))
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		f := r.intercept
		r.mu.Unlock()
		if f != nil && f(w, req) {
			return
		}
		files.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *repo) setIntercept(f func(w http.ResponseWriter, req *http.Request) bool) {
	r.mu.Lock()
	r.intercept = f
	r.mu.Unlock()
}

// release lists the program builds of versions (for this OS/arch) and a
// data file, and commits.
func (r *repo) release(t *testing.T, versions ...string) {
	t.Helper()
	for _, v := range versions {
		if err := r.AddTarget(update.ProgramPath(v, runtime.GOOS, runtime.GOARCH), program(t, v), map[string]string{"version": v}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.AddTarget("data/known-sites.json", []byte(`{"sites":[{"domain":"mybank.kz","names":{"kk":"Менің банкім","ru":"Мой банк","en":"My Bank"}}]}`), nil); err != nil {
		t.Fatal(err)
	}
	r.commit(t, time.Now().Add(24*time.Hour))
}

func (r *repo) commit(t *testing.T, timestampExpires time.Time, timestampSigners ...signature.Signer) {
	t.Helper()
	if len(timestampSigners) == 0 {
		timestampSigners = []signature.Signer{r.signers[metadata.TIMESTAMP]}
	}
	week := time.Now().Add(7 * 24 * time.Hour)
	if err := r.Commit(publish.Expiry{Targets: week, Snapshot: week, Timestamp: timestampExpires},
		[]signature.Signer{r.signers[metadata.TARGETS]}, []signature.Signer{r.signers[metadata.SNAPSHOT]}, timestampSigners); err != nil {
		t.Fatal(err)
	}
}

// client is an installed qoltanba v1.0.0: its program file and state.
// rotateTimestampKey makes root version+1, which revokes the timestamp
// key and names a new one (r signs with it from now on), and returns the
// revoked key's signer.
func (r *repo) rotateTimestampKey(t *testing.T) signature.Signer {
	t.Helper()
	revoked := r.signers[metadata.TIMESTAMP]
	revokedID, _ := publish.KeyID(r.keys[metadata.TIMESTAMP].Public())
	priv, s := newKey(t)
	r.keys[metadata.TIMESTAMP], r.signers[metadata.TIMESTAMP] = priv, s
	if err := r.RotateRoot(func(root *metadata.RootType) error {
		if err := root.RevokeKey(revokedID, metadata.TIMESTAMP); err != nil {
			return err
		}
		k, err := metadata.KeyFromPublicKey(priv.Public())
		if err != nil {
			return err
		}
		return root.AddKey(k, metadata.TIMESTAMP)
	}); err != nil {
		t.Fatal(err)
	}
	if err := r.SignRoot(r.signers[metadata.ROOT]); err != nil {
		t.Fatal(err)
	}
	return revoked
}

type client struct {
	exe, state string
	opts       update.Options
}

func newClient(t *testing.T, r *repo) *client {
	t.Helper()
	dir := t.TempDir()
	c := &client{exe: filepath.Join(dir, "qoltanba"), state: filepath.Join(dir, "state")}
	if runtime.GOOS == "windows" {
		c.exe += ".exe"
	}
	if err := os.WriteFile(c.exe, program(t, "v1.0.0"), 0o755); err != nil {
		t.Fatal(err)
	}
	c.opts = update.Options{URL: r.srv.URL, Root: r.root1, StateDir: c.state, Version: "v1.0.0",
		Timeout: 20 * time.Second, IdleTimeout: 5 * time.Second}
	return c
}

// update runs what qoltanba update does: check, download, apply, and
// run the new program.
func (c *client) update(t *testing.T) (string, error) {
	t.Helper()
	ch, err := update.Check(context.Background(), c.opts)
	if err != nil {
		return "", err
	}
	rel, err := ch.Newest()
	if err != nil || rel == nil {
		return "", err
	}
	data, err := ch.Download(rel)
	if err != nil {
		return "", err
	}
	err = update.Apply(c.exe, data, rel.SHA256, func(exe string) error {
		if got := runVersion(t, exe); got != "qoltanba "+rel.Version {
			return fmt.Errorf("the new program says %q", got)
		}
		return nil
	})
	return rel.Version, err
}

func runVersion(t *testing.T, exe string) string {
	t.Helper()
	out, err := exec.Command(exe, "version").Output()
	if err != nil {
		return "error: " + err.Error()
	}
	return strings.TrimSpace(string(out))
}

func (c *client) mustRun(t *testing.T, want string) {
	t.Helper()
	if got := runVersion(t, c.exe); got != "qoltanba "+want {
		t.Fatalf("the installed program says %q, want qoltanba %s", got, want)
	}
}

func TestUpdateFoundVerifiedApplied(t *testing.T) {
	r := newRepo(t)
	r.release(t, "v0.9.0", "v1.0.0", "v1.1.0")
	c := newClient(t, r)
	c.mustRun(t, "v1.0.0")
	v, err := c.update(t)
	if err != nil || v != "v1.1.0" {
		t.Fatalf("update = %q, %v; want v1.1.0", v, err)
	}
	c.mustRun(t, "v1.1.0")
	if _, err := os.Stat(c.exe + ".old"); !os.IsNotExist(err) {
		t.Errorf("the old program is left beside the new one: %v", err)
	}

	// The data files are written once, then found current.
	ch, err := update.Check(context.Background(), c.opts)
	if err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(c.state, "data")
	got, err := ch.UpdateData(dataDir)
	if err != nil || len(got) != 1 || !got[0].Changed || got[0].Name != "known-sites.json" {
		t.Fatalf("UpdateData = %+v, %v", got, err)
	}
	before, _ := os.ReadFile(filepath.Join(dataDir, "known-sites.json"))
	if !bytes.Contains(before, []byte("mybank.kz")) {
		t.Fatalf("known-sites.json = %q", before)
	}
	if got, err := ch.UpdateData(dataDir); err != nil || got[0].Changed {
		t.Fatalf("second UpdateData = %+v, %v; want unchanged", got, err)
	}

	// A new known-sites.json whose bytes on the mirror differ from what
	// the targets role signed: refused, the file kept as it was.
	if err := r.AddTarget("data/known-sites.json", []byte(`{"sites":[{"domain":"mybank.kz","names":{"kk":"Банк","ru":"Банк","en":"Bank"}}]}`), nil); err != nil {
		t.Fatal(err)
	}
	r.commit(t, time.Now().Add(24*time.Hour))
	tf := r.Targets.Signed.Targets["data/known-sites.json"]
	p := filepath.Join(r.Dir, "targets", filepath.FromSlash(publish.TargetFile(tf.Path, tf.Hashes["sha256"])))
	tampered, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	tampered = bytes.Replace(tampered, []byte("mybank.kz"), []byte("egov.kz.co"), 1)[:len(tampered)]
	if err := os.WriteFile(p, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	if ch, err = update.Check(context.Background(), c.opts); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.UpdateData(dataDir); err == nil || update.Classify(err) != update.ReasonRefused {
		t.Fatalf("UpdateData of a tampered data file = %v (%s); want refused", err, update.Classify(err))
	}
	if after, _ := os.ReadFile(filepath.Join(dataDir, "known-sites.json")); !bytes.Equal(after, before) {
		t.Fatalf("a tampered data file changed known-sites.json: %q", after)
	}

	// Running v1.1.0 now, the same repository has nothing newer.
	c.opts.Version = "v1.1.0"
	if v, err := c.update(t); err != nil || v != "" {
		t.Fatalf("update at the newest = %q, %v; want nothing", v, err)
	}
}

// TestAttacksRefused: each attack on the update channel is refused, and
// the installed program stays v1.0.0.
func TestAttacksRefused(t *testing.T) {
	tests := []struct {
		name string
		// before runs after a good first check (the client trusts the
		// repository's metadata then), and sets the attack up.
		before func(t *testing.T, r *repo, c *client)
		want   error  // errors.Is
		wantIn string // or a part of the message
		reason update.Reason
	}{{
		name: "rollback to an older version",
		before: func(t *testing.T, r *repo, c *client) {
			r.RemoveTarget(update.ProgramPath("v1.0.0", runtime.GOOS, runtime.GOARCH))
			r.release(t, "v0.9.0")
		},
		want:   update.ErrOlder,
		reason: update.ReasonOlder,
	}, {
		name: "metadata rolled back to an older timestamp",
		before: func(t *testing.T, r *repo, c *client) {
			old, err := os.ReadFile(filepath.Join(r.Dir, "timestamp.json"))
			if err != nil {
				t.Fatal(err)
			}
			r.release(t, "v1.1.0")
			if _, err := update.Check(context.Background(), c.opts); err != nil { // the client sees the new timestamp
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(r.Dir, "timestamp.json"), old, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		want:   &metadata.ErrBadVersionNumber{},
		reason: update.ReasonRefused,
	}, {
		name: "frozen (expired) timestamp",
		before: func(t *testing.T, r *repo, c *client) {
			r.AddTarget(update.ProgramPath("v1.1.0", runtime.GOOS, runtime.GOARCH), program(t, "v1.1.0"), map[string]string{"version": "v1.1.0"})
			r.commit(t, time.Now().Add(-time.Minute))
		},
		want:   &metadata.ErrExpiredMetadata{},
		reason: update.ReasonRefused,
	}, {
		name: "a target with a changed byte",
		before: func(t *testing.T, r *repo, c *client) {
			r.release(t, "v1.1.0")
			tf := r.Targets.Signed.Targets[update.ProgramPath("v1.1.0", runtime.GOOS, runtime.GOARCH)]
			p := filepath.Join(r.Dir, "targets", filepath.FromSlash(publish.TargetFile(tf.Path, tf.Hashes["sha256"])))
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 1
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		want:   &metadata.ErrLengthOrHashMismatch{},
		reason: update.ReasonRefused,
	}, {
		name: "metadata signed by a key revoked by a root rotation",
		before: func(t *testing.T, r *repo, c *client) {
			revoked := r.rotateTimestampKey(t)
			r.commit(t, time.Now().Add(24*time.Hour))
			if _, err := update.Check(context.Background(), c.opts); err != nil { // the client takes root 2
				t.Fatal(err)
			}
			// The holder of the revoked key signs a timestamp.
			r.AddTarget(update.ProgramPath("v1.1.0", runtime.GOOS, runtime.GOARCH), program(t, "v1.1.0"), map[string]string{"version": "v1.1.0"})
			r.commit(t, time.Now().Add(24*time.Hour), revoked)
		},
		want:   &metadata.ErrUnsignedMetadata{},
		reason: update.ReasonRefused,
	}, {
		name: "an endless stream for the program",
		before: func(t *testing.T, r *repo, c *client) {
			r.release(t, "v1.1.0")
			r.setIntercept(func(w http.ResponseWriter, req *http.Request) bool {
				if !strings.HasPrefix(req.URL.Path, "/targets/qoltanba/") {
					return false
				}
				endless(w, req)
				return true
			})
		},
		want:   &metadata.ErrDownloadLengthMismatch{},
		reason: update.ReasonTooLarge,
	}, {
		name: "an endless stream for the timestamp",
		before: func(t *testing.T, r *repo, c *client) {
			r.release(t, "v1.1.0")
			r.setIntercept(func(w http.ResponseWriter, req *http.Request) bool {
				if req.URL.Path != "/timestamp.json" {
					return false
				}
				endless(w, req)
				return true
			})
		},
		want:   &metadata.ErrDownloadLengthMismatch{},
		reason: update.ReasonTooLarge,
	}, {
		name: "a slow server",
		before: func(t *testing.T, r *repo, c *client) {
			r.release(t, "v1.1.0")
			c.opts.IdleTimeout = 300 * time.Millisecond
			r.setIntercept(func(w http.ResponseWriter, req *http.Request) bool {
				if !strings.HasPrefix(req.URL.Path, "/targets/qoltanba/") {
					return false
				}
				w.Header().Set("Content-Length", "1000000")
				w.Write([]byte{0x7f})
				w.(http.Flusher).Flush()
				<-req.Context().Done() // then nothing, until the client gives up
				return true
			})
		},
		wantIn: "too slow",
		reason: update.ReasonSlow,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t)
			r.release(t, "v0.9.0", "v1.0.0")
			c := newClient(t, r)
			if v, err := c.update(t); err != nil || v != "" { // trusted, up to date
				t.Fatalf("first check = %q, %v", v, err)
			}
			tt.before(t, r, c)
			start := time.Now()
			v, err := c.update(t)
			if err == nil {
				t.Fatalf("the attack was not refused: updated to %q", v)
			}
			t.Logf("refused: %v", err)
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v (%T); want %T", err, errors.Unwrap(err), tt.want)
			}
			if tt.wantIn != "" && !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %v; want %q in it", err, tt.wantIn)
			}
			if got := update.Classify(err); got != tt.reason {
				t.Errorf("Classify = %s, want %s", got, tt.reason)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("refused only after %v", d)
			}
			c.mustRun(t, "v1.0.0")
			// A client that starts over from the carried root refuses too.
			fresh := newClient(t, r)
			fresh.opts.IdleTimeout = c.opts.IdleTimeout
			if v, err := fresh.update(t); err == nil && v != "" {
				t.Fatalf("a fresh client took the attack: updated to %q", v)
			}
			fresh.mustRun(t, "v1.0.0")
		})
	}
}

// endless sends bytes until the client hangs up, with no length.
func endless(w http.ResponseWriter, req *http.Request) {
	chunk := bytes.Repeat([]byte("A"), 32<<10)
	for req.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

func TestApplyRollsBackWhenTheNewProgramDoesNotRun(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "qoltanba")
	old := program(t, "v1.0.0")
	if err := os.WriteFile(exe, old, 0o755); err != nil {
		t.Fatal(err)
	}
	broken := []byte("#!/bin/sh\nexit 3\n")
	sum := sha256Sum(broken)
	err := update.Apply(exe, broken, sum, func(exe string) error {
		return exec.Command(exe, "version").Run()
	})
	if err == nil || !strings.Contains(err.Error(), "the old version is back") {
		t.Fatalf("Apply = %v; want the old version put back", err)
	}
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, old) {
		t.Fatal("the old program is not back")
	}
	// The new program cannot be written (a full disk: TestFullDisk; here
	// a read-only folder, which root may write in all the same): nothing
	// is replaced.
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		os.Chmod(dir, 0o555)
		good := program(t, "v1.1.0")
		err = update.Apply(exe, good, sha256Sum(good), nil)
		os.Chmod(dir, 0o755)
		if err == nil || update.Classify(err) != update.ReasonWrite {
			t.Fatalf("Apply with nowhere to write = %v (%s); want a write failure", err, update.Classify(err))
		}
		if b, _ := os.ReadFile(exe); !bytes.Equal(b, old) {
			t.Fatal("a failed write changed the program")
		}
	}

	// A checksum that does not match replaces nothing.
	if err := update.Apply(exe, program(t, "v1.1.0"), sum, nil); err == nil {
		t.Fatal("Apply took bytes whose checksum differs")
	}
	if b, _ := os.ReadFile(exe); !bytes.Equal(b, old) {
		t.Fatal("a checksum mismatch changed the program")
	}
}

func TestNoRootNoUpdate(t *testing.T) {
	if _, err := update.ShippedRoot(); !errors.Is(err, update.ErrNoRoot) {
		t.Fatalf("the source tree's root is a placeholder, ShippedRoot = %v", err)
	}
	_, err := update.Check(context.Background(), update.Options{URL: "http://127.0.0.1:1/", Root: []byte(`{}`), StateDir: t.TempDir(), Version: "v1.0.0"})
	if !errors.Is(err, update.ErrNoRoot) {
		t.Fatalf("Check without a root = %v", err)
	}
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if s, err := update.LoadState(dir); s != nil || err != nil {
		t.Fatalf("before any check: %v, %v", s, err)
	}
	want := update.State{LastCheck: time.Now().UTC().Truncate(time.Second), Result: update.ResultAvailable, Version: "v1.1.0"}
	if err := update.SaveState(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := update.LoadState(dir)
	if err != nil || got.Result != want.Result || got.Version != want.Version || !got.LastCheck.Equal(want.LastCheck) {
		t.Fatalf("LoadState = %+v, %v", got, err)
	}
}

func sha256Sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

func TestUnreachableServer(t *testing.T) {
	r := newRepo(t)
	r.release(t, "v1.0.0")
	c := newClient(t, r)
	r.srv.Close()
	_, err := c.update(t)
	if err == nil || update.Classify(err) != update.ReasonUnreachable {
		t.Fatalf("a closed server: %v (%s)", err, update.Classify(err))
	}
	c.mustRun(t, "v1.0.0")
	// A server that answers 500 for the timestamp.
	r2 := newRepo(t)
	r2.release(t, "v1.0.0")
	r2.setIntercept(func(w http.ResponseWriter, req *http.Request) bool {
		http.Error(w, "down", http.StatusInternalServerError)
		return true
	})
	c2 := newClient(t, r2)
	if _, err := c2.update(t); err == nil || update.Classify(err) != update.ReasonUnreachable {
		t.Fatalf("HTTP 500: %v (%s)", err, update.Classify(err))
	}
}
