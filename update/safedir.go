package update

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrUnsafePath: a folder or file an update would write in or replace
// could be changed by another user (not owned by this one, writable by
// its group or by everyone, or a symbolic link): the update refuses it
// rather than follow it. Root running with a user's environment (sudo -E)
// would otherwise create, replace or delete files wherever the user
// points it.
var ErrUnsafePath = errors.New("update: a folder or file of the update is not this user's own")

// UnsafePathError is ErrUnsafePath with the path and why.
type UnsafePathError struct{ Path, Why string }

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("update: %s %s: refused (an update writes only where no one but this user can change things)", e.Path, e.Why)
}

// Is makes errors.Is(err, ErrUnsafePath) true.
func (e *UnsafePathError) Is(target error) bool { return target == ErrUnsafePath }

func unsafePath(path, why string) error { return &UnsafePathError{path, why} }

// StateSubdirs are the folders an update writes in under its state
// directory: the TUF metadata and downloads, and the data files.
var StateSubdirs = []string{"tuf", filepath.Join("tuf", "metadata"), filepath.Join("tuf", "download"), "data"}

// PrepareStateDir makes the state directory and its folders
// (StateSubdirs) when they are missing (0700, one component at a time)
// and checks each, without following a link, to be a directory owned by
// this user that no one else may write in (CheckOwnDir). The folders
// above it that exist must be owned by this user or root and writable by
// no one else (but for a sticky /tmp): a user's home seen by root is not.
func PrepareStateDir(stateDir string) error {
	stateDir, err := filepath.Abs(stateDir)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	p, missing, err := firstExisting(filepath.Dir(stateDir))
	if err != nil {
		return err
	}
	if err := checkAncestors(p); err != nil {
		return err
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := mkOwnDir(missing[i]); err != nil {
			return err
		}
	}
	if err := mkOwnDir(stateDir); err != nil {
		return err
	}
	for _, sub := range StateSubdirs {
		if err := mkOwnDir(filepath.Join(stateDir, sub)); err != nil {
			return err
		}
	}
	return nil
}

// StateDirOwned says, making nothing, whether PrepareStateDir would take
// stateDir: the folders above it that exist belong to this user or root
// and no one else may write in them, and it and its folders, where they
// exist, are this user's own (nil), or why not.
func StateDirOwned(stateDir string) error {
	stateDir, err := filepath.Abs(stateDir)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	p, _, err := firstExisting(filepath.Dir(stateDir))
	if err != nil {
		return err
	}
	if err := checkAncestors(p); err != nil {
		return err
	}
	if _, err := os.Lstat(stateDir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return CheckStateDir(stateDir)
}

// firstExisting returns dir or the nearest folder above it that exists,
// and the missing ones between (dir first).
func firstExisting(dir string) (string, []string, error) {
	var missing []string
	p := dir
	for {
		if _, err := os.Lstat(p); err == nil {
			return p, missing, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, fmt.Errorf("update: %w", err)
		}
		missing = append(missing, p)
		parent := filepath.Dir(p)
		if parent == p {
			return p, missing, nil
		}
		p = parent
	}
}

// CheckStateDir checks the state directory and those of its folders that
// exist (CheckOwnDir), making nothing: for what only reads or removes.
func CheckStateDir(stateDir string) error {
	if err := CheckOwnDir(stateDir); err != nil {
		return err
	}
	for _, sub := range StateSubdirs {
		err := CheckOwnDir(filepath.Join(stateDir, sub))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// mkOwnDir makes dir (0700) unless it is there, then checks it.
func mkOwnDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("update: %w", err)
	}
	return CheckOwnDir(dir)
}

// CheckOwnDir: dir, not followed if it is a link, is a directory owned by
// this user that neither its group nor others may write in (ownedBy,
// platform files). A missing dir is fs.ErrNotExist.
func CheckOwnDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return unsafePath(dir, "is a symbolic link")
	}
	if !fi.IsDir() {
		return unsafePath(dir, "is not a folder")
	}
	return ownedByMe(dir, fi)
}

// checkOwnFile: f, open, is a regular file with one name, owned by this
// user, that neither its group nor others may write.
func checkOwnFile(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return unsafePath(f.Name(), "is not a regular file")
	}
	if err := ownedByMe(f.Name(), fi); err != nil {
		return err
	}
	if links(fi) > 1 {
		return unsafePath(f.Name(), "has other names (hard links)")
	}
	return nil
}
