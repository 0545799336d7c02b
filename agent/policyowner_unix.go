//go:build !windows

package agent

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// readAdminFile reads a policy file named on the command line (--policy)
// only if an ordinary user could not have written it: owned by root,
// writable by no one else, in a directory owned by root that others cannot
// write (or may only add to: sticky, as /tmp). Otherwise any user could
// hand the shipped agent a policy of their own in place of the one the
// administrator set.
func readAdminFile(path string) ([]byte, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, err
	}
	dir, err := os.Stat(filepath.Dir(real))
	if err != nil {
		return nil, err
	}
	if st, ok := dir.Sys().(*syscall.Stat_t); !ok || st.Uid != 0 || (dir.Mode().Perm()&0o022 != 0 && dir.Mode()&os.ModeSticky == 0) {
		return nil, fmt.Errorf("policy %s: its directory %s is not root's alone: a policy given with --policy must be a file only an administrator can write", path, filepath.Dir(real))
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Uid != 0 || fi.Mode().Perm()&0o022 != 0 || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("policy %s: not a file only an administrator can write (owned by root, writable by no one else): a policy given with --policy must be one", path)
	}
	return io.ReadAll(io.LimitReader(f, maxPolicySize+1))
}
