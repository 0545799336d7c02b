//go:build !windows

package main

import (
	"os"

	"github.com/qoltanba/qoltanba/installer"
)

// privileged reports whether this process may change the machine for every
// user: root.
func privileged() bool { return os.Geteuid() == 0 }

// privilegeName is the catalog key of the rights --all-users and service install need.
const privilegeName = "cli-privilege-root"

// trustNote is the catalog key of what the system will show while the CA
// is trusted; on
// Linux and macOS nothing unexpected (macOS asks for the administrator's
// password itself).
func trustNote(installer.Options) string { return "" }
