package p11

import "github.com/qoltanba/qoltanba/token"

func osPaths(s token.Storage) []string { return s.Linux }

// libDirs are searched for bare file names.
func libDirs() []string {
	return []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/lib"}
}
