package update

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrBusy: another update (the agent's daily check, or `qoltanba update`
// in another terminal) holds the lock of the state directory.
var ErrBusy = errors.New("update: another update is running")

// LockFile is the lock file in the state directory. Its content is
// nothing: the lock is the operating system's (flock on Unix, LockFileEx
// on Windows: lock_*.go), so a crashed holder never leaves it taken.
func LockFile(stateDir string) string { return filepath.Join(stateDir, "update.lock") }

// Lock takes the update lock of stateDir, trying for up to wait (0: once),
// and returns its release; ErrBusy when another process holds it all that
// time. One update at a time checks, writes the metadata, the data files,
// the program and the state file.
//
// The state directory is made or checked first (PrepareStateDir: this
// user's own, no links); the lock file is opened without following a
// link and must be a regular file of this user's with one name
// (ErrUnsafePath otherwise): root never creates or opens a file a user
// pointed it to.
func Lock(stateDir string, wait time.Duration) (unlock func(), err error) {
	if err := PrepareStateDir(stateDir); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(LockFile(stateDir), os.O_RDWR|os.O_CREATE|noFollow, 0o600)
	if err != nil {
		if fi, lerr := os.Lstat(LockFile(stateDir)); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return nil, unsafePath(LockFile(stateDir), "is a symbolic link")
		}
		return nil, fmt.Errorf("update: %w", err)
	}
	if err := checkOwnFile(f); err != nil {
		f.Close()
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("update: locking %s: %w", f.Name(), err)
		}
		if ok {
			return func() {
				unlockFile(f)
				f.Close()
			}, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			f.Close()
			return nil, ErrBusy
		}
		time.Sleep(min(left, 100*time.Millisecond))
	}
}
