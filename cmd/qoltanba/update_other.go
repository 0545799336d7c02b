//go:build !windows

package main

import (
	"path/filepath"
	"strings"
)

// systemPrefixes hold programs a package manager installed (.deb, .rpm,
// snap, nix) or an administrator did for every user (/usr/local, /opt):
// such a copy only reports an update, the package is updated by its owner.
var systemPrefixes = []string{"/usr/", "/opt/", "/snap/", "/nix/", "/bin/", "/sbin/"}

// managedInstall: exe is not a per-user install.
func managedInstall(exe string) bool {
	exe = filepath.Clean(exe)
	for _, p := range systemPrefixes {
		if strings.HasPrefix(exe, p) {
			return true
		}
	}
	return false
}

// companionPrograms: a Linux or macOS install is one program.
func companionPrograms(string) []string { return nil }

// updateOnlyReportsAsAdmin: qoltanba update as root only reports (and
// never uses a user's state folder): sudo -E, or a root job, keeps a
// user's HOME, and root must not act on paths that user chose.
func updateOnlyReportsAsAdmin() bool { return privileged() }
