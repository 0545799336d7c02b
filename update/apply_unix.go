//go:build !windows

package update

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/minio/selfupdate"
)

// commit puts the prepared new program (.NAME.new, written and checked by
// selfupdate) at exe without a moment where exe is missing: the old
// program is linked to exe.old first (a copy where the file system has no
// hard links), then the new one is renamed over exe — one atomic rename.
// A crash at any point leaves exe as the old or the new program; Repair
// removes what is left beside it. (selfupdate's own CommitBinary renames
// exe away first, which Windows needs: apply_windows.go.)
func commit(exe, old string, _ selfupdate.Options) error {
	next := newPath(exe)
	if err := syncFile(next); err != nil {
		os.Remove(next)
		return fmt.Errorf("update: writing the new %s: %w (the old version is kept)", exe, err)
	}
	_ = os.Remove(old)
	if err := os.Link(exe, old); err != nil {
		if err := copyFile(exe, old); err != nil {
			os.Remove(old)
			os.Remove(next)
			return fmt.Errorf("update: keeping the old %s: %w (the old version is kept)", exe, err)
		}
	}
	step(StepBackedUp)
	if err := os.Rename(next, exe); err != nil {
		os.Remove(old)
		os.Remove(next)
		return fmt.Errorf("update: replacing %s: %w (the old version is kept)", exe, err)
	}
	syncDir(filepath.Dir(exe))
	return nil
}

// rollback puts old back at exe: one atomic rename over the new program.
func rollback(exe, old string) error {
	if err := os.Rename(old, exe); err != nil {
		return err
	}
	syncDir(filepath.Dir(exe))
	return nil
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename in dir durable (best effort: not every file
// system syncs a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
