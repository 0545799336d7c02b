//go:build !unix && !windows

package update

import "os"

// tryLock: systems without flock or LockFileEx (none qoltanba ships for)
// take the lock always.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) {}
