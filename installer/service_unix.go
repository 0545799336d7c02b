//go:build linux || darwin

package installer

import (
	"fmt"
	"os"
)

// ownerOnly refuses a file whose mode lets its group or others read or
// write it (the Unix half of CheckSecretFile).
func ownerOnly(path string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: %w (mode %v): chmod 600 it", path, ErrSecretExposed, fi.Mode().Perm())
	}
	return fi, nil
}
