//go:build !windows

package main

import (
	"os"
	"syscall"
)

// reexec replaces this process with exe, given the same arguments and
// environment: the same process id, so whatever started run (a login's
// autostart, a terminal) keeps it. run has stopped serving first; the
// listening sockets close on exec.
func reexec(exe string, args []string) error {
	return syscall.Exec(exe, args, os.Environ())
}
