package update_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/update"
)

// TestFullDisk: the program and the update state live on a real file
// system that is full (a small tmpfs, filled up): the update fails with a
// write error — the download into the state, then, with the state
// elsewhere, the new program beside the old — the old program stays whole
// and runs; with room again the next try updates. Root only (it mounts; CI runs as root).
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root (CI runs as root)")
	}
	r := newRepo(t)
	r.release(t, "v1.0.0", "v1.1.0")
	r.commit(t, time.Now().Add(24*time.Hour))
	old := program(t, "v1.0.0")

	dir := t.TempDir()
	size := len(old) + 4<<20 // the old program and room for the metadata, not for a second program
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "mode=0700,size="+strconv.Itoa(size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	c := newClient(t, r)
	c.exe, c.state = filepath.Join(dir, "qoltanba"), filepath.Join(dir, "state")
	c.opts.StateDir = c.state
	if err := os.WriteFile(c.exe, old, 0o755); err != nil {
		t.Fatal(err)
	}
	// Fill what is left but 1 MB, enough for the metadata and the
	// state, not for the new program.
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
	if fi, _ := os.Stat(filler); fi != nil {
		os.Truncate(filler, max(fi.Size()-1<<20, 0))
	}

	_, err = c.update(t)
	t.Logf("on a full disk: %v", err)
	if err == nil || update.Classify(err) != update.ReasonWrite {
		t.Fatalf("update on a full disk = %v (%s); want a write failure", err, update.Classify(err))
	}
	if b, _ := os.ReadFile(c.exe); !bytes.Equal(b, old) {
		t.Fatal("a full disk changed the program")
	}
	c.mustRun(t, "v1.0.0")
	left, _ := filepath.Glob(filepath.Join(dir, ".qoltanba.new*"))
	if len(left) > 0 {
		t.Errorf("a failed write left %v", left)
	}

	// The state elsewhere, with room: the download succeeds, the new
	// program cannot be written beside the old one.
	c.state = t.TempDir()
	c.opts.StateDir = c.state
	_, err = c.update(t)
	t.Logf("the program's disk full: %v", err)
	if err == nil || update.Classify(err) != update.ReasonWrite {
		t.Fatalf("update with the program's disk full = %v (%s); want a write failure", err, update.Classify(err))
	}
	if b, _ := os.ReadFile(c.exe); !bytes.Equal(b, old) {
		t.Fatal("a full disk changed the program")
	}
	c.mustRun(t, "v1.0.0")
	if left, _ := filepath.Glob(filepath.Join(dir, ".qoltanba.new*")); len(left) > 0 {
		t.Errorf("a failed write left %v", left)
	}

	os.Remove(filler) // room again: the next try updates
	if v, err := c.update(t); err != nil || v != "v1.1.0" {
		t.Fatalf("update with room = %s, %v", v, err)
	}
	c.mustRun(t, "v1.1.0")
}
