//go:build unix

package update

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// noFollow makes an open fail on a symbolic link.
const noFollow = unix.O_NOFOLLOW

// ownedByMe: fi (of path) is owned by this process's effective user and
// writable by no one else.
func ownedByMe(path string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return unsafePath(path, "has no owner to check")
	}
	if int(st.Uid) != os.Geteuid() {
		return unsafePath(path, fmt.Sprintf("belongs to uid %d, not to this user (uid %d)", st.Uid, os.Geteuid()))
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return unsafePath(path, fmt.Sprintf("may be written by others (mode %04o)", fi.Mode().Perm()))
	}
	return nil
}

func links(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// checkAncestors: dir and every folder above it (links followed: /home
// may be one) belong to this user or root, and no one else may write in
// them but in a sticky folder (/tmp), where no one can rename or remove
// what is another's.
func checkAncestors(dir string) error {
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return unsafePath(dir, "has no owner to check")
		}
		if st.Uid != 0 && int(st.Uid) != os.Geteuid() {
			return unsafePath(dir, fmt.Sprintf("belongs to uid %d, neither this user (uid %d) nor root", st.Uid, os.Geteuid()))
		}
		if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
			return unsafePath(dir, fmt.Sprintf("may be written by others (mode %04o)", fi.Mode().Perm()))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}
