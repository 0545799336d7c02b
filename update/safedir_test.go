//go:build unix

package update_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/qoltanba/qoltanba/update"
)

// TestUnsafeStateRefused: a state folder, or a folder or file in it, that
// is a link, another user's or writable by others is refused before
// anything is written through it, and Repair deletes nothing there: root
// with a user's environment never acts on paths the user chose.
func TestUnsafeStateRefused(t *testing.T) {
	r := newRepo(t)
	r.release(t, "v1.0.0", "v1.1.0")
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, state, outside string)
		root  bool // needs root (chown)
	}{
		{"update.lock is a link", func(t *testing.T, state, outside string) {
			mkdir(t, state)
			link(t, filepath.Join(outside, "nologin"), update.LockFile(state))
		}, false},
		{"tuf is a link", func(t *testing.T, state, outside string) {
			mkdir(t, state)
			link(t, outside, filepath.Join(state, "tuf"))
		}, false},
		{"tuf/download is a link", func(t *testing.T, state, outside string) {
			mkdir(t, filepath.Join(state, "tuf", "metadata"))
			link(t, outside, filepath.Join(state, "tuf", "download"))
		}, false},
		{"data is a link", func(t *testing.T, state, outside string) {
			mkdir(t, state)
			link(t, outside, filepath.Join(state, "data"))
		}, false},
		{"the state folder is a link", func(t *testing.T, state, outside string) {
			link(t, outside, state)
		}, false},
		{"the state folder is group-writable", func(t *testing.T, state, outside string) {
			mkdir(t, state)
			if err := os.Chmod(state, 0o770); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"the state folder is another user's", func(t *testing.T, state, outside string) {
			mkdir(t, state)
			if err := os.Chown(state, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"the folder above is another user's", func(t *testing.T, state, outside string) {
			if err := os.Chown(filepath.Dir(state), 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("chown needs root")
			}
			home := t.TempDir()
			outside := t.TempDir()
			os.WriteFile(filepath.Join(outside, ".known-sites.json.1.tmp"), []byte("keep"), 0o600)
			os.WriteFile(filepath.Join(outside, "x.part"), []byte("keep"), 0o600)
			os.WriteFile(filepath.Join(outside, ".update-state.json.1.tmp"), []byte("keep"), 0o600)
			state := filepath.Join(home, "qoltanba", "update")
			mkdir(t, filepath.Dir(state))
			tc.plant(t, state, outside)
			before := listDir(t, outside)

			c := newClient(t, r)
			c.opts.StateDir = state
			if _, err := os.Lstat(update.LockFile(state)); err != nil { // the lock is Lock's (qoltanba update's) alone
				_, err := c.update(t)
				if !errors.Is(err, update.ErrUnsafePath) || update.Classify(err) != update.ReasonUnsafe {
					t.Fatalf("update with %s = %v (%s); want ErrUnsafePath", tc.name, err, update.Classify(err))
				}
				t.Logf("refused: %v", err)
			}
			if _, err := update.Lock(state, 0); !errors.Is(err, update.ErrUnsafePath) {
				t.Fatalf("Lock = %v; want ErrUnsafePath", err)
			}
			update.Repair("", state) // deletes nothing there

			if after := listDir(t, outside); after != before {
				t.Fatalf("written or deleted outside: %q, was %q", after, before)
			}
			c.mustRun(t, "v1.0.0")
		})
	}
}

// TestPlantedRootNotTrusted: a root put in the metadata folder (another
// repository's, with a higher version) is not trusted: it does not chain
// from the carried root, so that repository's program is refused.
func TestPlantedRootNotTrusted(t *testing.T) {
	good := newRepo(t)
	good.release(t, "v1.0.0")
	evil := newRepo(t)
	if err := evil.RotateRoot(func(*metadata.RootType) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := evil.SignRoot(evil.signers[metadata.ROOT]); err != nil {
		t.Fatal(err)
	}
	evil.release(t, "v1.0.0", "v1.1.0")
	c := newClient(t, good)
	if v, err := c.update(t); err != nil || v != "" {
		t.Fatalf("first check = %q, %v", v, err)
	}
	root2, err := os.ReadFile(filepath.Join(evil.Dir, "2.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(c.state, "tuf", "metadata")
	for _, name := range []string{"root.json", "2.root.json"} {
		if err := os.WriteFile(filepath.Join(meta, name), root2, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c.opts.URL = evil.srv.URL
	v, err := c.update(t)
	if err == nil {
		t.Fatalf("the planted root was trusted: updated to %q", v)
	}
	t.Logf("refused: %v", err)
	c.mustRun(t, "v1.0.0")
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// TestRotationKeptWhenTheRefreshFails: a check takes root 2 (revoking
// the timestamp key) but fails later (an expired timestamp); the mirror
// then hides 2.root.json and serves a timestamp signed by the revoked
// key: refused, as the verified root 2 was kept.
func TestRotationKeptWhenTheRefreshFails(t *testing.T) {
	r := newRepo(t)
	r.release(t, "v1.0.0")
	c := newClient(t, r)
	if v, err := c.update(t); err != nil || v != "" {
		t.Fatalf("first check = %q, %v", v, err)
	}
	revoked := r.rotateTimestampKey(t)
	r.commit(t, time.Now().Add(-time.Minute)) // expired: this check fails after taking root 2
	if _, err := c.update(t); !errors.Is(err, &metadata.ErrExpiredMetadata{}) {
		t.Fatalf("check with an expired timestamp = %v", err)
	}
	if err := os.Remove(filepath.Join(r.Dir, "2.root.json")); err != nil {
		t.Fatal(err)
	}
	r.AddTarget(update.ProgramPath("v1.1.0", runtime.GOOS, runtime.GOARCH), program(t, "v1.1.0"), map[string]string{"version": "v1.1.0"})
	r.commit(t, time.Now().Add(24*time.Hour), revoked)
	v, err := c.update(t)
	if err == nil {
		t.Fatalf("a timestamp signed by the revoked key was taken: updated to %q", v)
	}
	t.Logf("refused: %v", err)
	c.mustRun(t, "v1.0.0")
}
