//go:build unix

package update_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/qoltanba/qoltanba/update"
)

// TestApplyTrustsNoNameBesideTheProgram: a .qoltanba.new put beside the
// program before the update (a link to a file elsewhere, or a file
// someone keeps open to change after the check) never becomes the
// program, nor is written through; a program folder others may write in
// is refused with the program kept.
func TestApplyTrustsNoNameBesideTheProgram(t *testing.T) {
	oldProg, newProg := program(t, "v1.0.0"), program(t, "v1.1.0")
	check := func(exe string) error {
		if got := runVersion(t, exe); got != "qoltanba v1.1.0" {
			return errors.New(got)
		}
		return nil
	}
	t.Run("a link", func(t *testing.T) {
		dir := t.TempDir()
		exe := filepath.Join(dir, "qoltanba")
		os.WriteFile(exe, oldProg, 0o755)
		outside := filepath.Join(t.TempDir(), "victim")
		os.WriteFile(outside, []byte("keep"), 0o644)
		if err := os.Symlink(outside, filepath.Join(dir, ".qoltanba.new")); err != nil {
			t.Fatal(err)
		}
		if err := update.Apply(exe, newProg, sha256Sum(newProg), check); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(outside); string(b) != "keep" {
			t.Fatal("the update wrote through the link")
		}
		if fi, err := os.Lstat(exe); err != nil || !fi.Mode().IsRegular() {
			t.Fatalf("the program is not a regular file: %v %v", fi.Mode(), err)
		}
		if b, _ := os.ReadFile(exe); !bytes.Equal(b, newProg) {
			t.Fatal("the program is not the new one")
		}
	})
	t.Run("a file made before", func(t *testing.T) {
		dir := t.TempDir()
		exe := filepath.Join(dir, "qoltanba")
		os.WriteFile(exe, oldProg, 0o755)
		planted := filepath.Join(dir, ".qoltanba.new")
		if err := os.WriteFile(planted, []byte("#!/bin/sh\necho planted\n"), 0o777); err != nil {
			t.Fatal(err)
		}
		pi, _ := os.Stat(planted)
		if err := update.Apply(exe, newProg, sha256Sum(newProg), check); err != nil {
			t.Fatal(err)
		}
		xi, err := os.Stat(exe)
		if err != nil || os.SameFile(pi, xi) {
			t.Fatalf("the planted file became the program (%v)", err)
		}
		if fi := xi.Mode().Perm(); fi != 0o755 {
			t.Errorf("the new program's mode is %04o, want 0755", fi)
		}
	})
	t.Run("a folder others may write in", func(t *testing.T) {
		dir := t.TempDir()
		exe := filepath.Join(dir, "qoltanba")
		os.WriteFile(exe, oldProg, 0o755)
		if err := os.Chmod(dir, 0o775); err != nil {
			t.Fatal(err)
		}
		err := update.Apply(exe, newProg, sha256Sum(newProg), check)
		if !errors.Is(err, update.ErrUnsafePath) {
			t.Fatalf("Apply in a group-writable folder = %v; want ErrUnsafePath", err)
		}
		if b, _ := os.ReadFile(exe); !bytes.Equal(b, oldProg) {
			t.Fatal("the program was replaced")
		}
		if left := listDir(t, dir); left != "qoltanba" {
			t.Errorf("left beside the program: %s", left)
		}
	})
}
