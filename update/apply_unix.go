//go:build !windows

package update

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// prepare writes the new program beside exe under a name of its own
// (os.CreateTemp: made exclusively, never one that was there, never a
// link followed), 0755, synced, and checks the open file: a regular file
// of this user's with one name, whose bytes hash to sum. The program and
// its folder must be this user's own and writable by no one else: in a
// folder others may write in, the name could be swapped between the check
// and the rename.
func prepare(exe, _ string, data, sum []byte) (next string, err error) {
	dir := filepath.Dir(exe)
	if err := CheckOwnDir(dir); err != nil {
		return "", err
	}
	fi, err := os.Lstat(exe)
	if err != nil {
		return "", fmt.Errorf("update: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", unsafePath(exe, "is not a regular file")
	}
	if err := ownedByMe(exe, fi); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, newPattern(exe))
	if err != nil {
		return "", fmt.Errorf("update: replacing %s: %w (the old version is kept)", exe, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("update: writing the new %s: %w (the old version is kept)", exe, cerr)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o755); err != nil {
		return "", fmt.Errorf("update: writing the new %s: %w (the old version is kept)", exe, err)
	}
	if _, err := f.Write(data); err != nil {
		return "", fmt.Errorf("update: writing the new %s: %w (the old version is kept)", exe, err)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("update: writing the new %s: %w (the old version is kept)", exe, err)
	}
	if err := checkOwnFile(f); err != nil {
		return "", err
	}
	// What is on disk, read back through the same open file.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("update: %w", err)
	}
	got, err := SHA256Of(f)
	if err != nil {
		return "", fmt.Errorf("update: reading the new %s back: %w (the old version is kept)", exe, err)
	}
	if !bytes.Equal(got, sum) {
		return "", fmt.Errorf("update: the new %s hashes to %x, not the signed %x: refused (the old version is kept)", exe, got, sum)
	}
	return f.Name(), nil
}

// commit puts the prepared new program (next) at exe without a moment
// where exe is missing: the old program is linked to exe.old first (a
// copy where the file system has no hard links), then the new one is
// renamed over exe — one atomic rename. A crash at any point leaves exe
// as the old or the new program; Repair removes what is left beside it.
// (selfupdate's own CommitBinary renames exe away first, which Windows
// needs: apply_windows.go.)
func commit(exe, old, next string, _ []byte) error {
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
