package main

import (
	"os/exec"
	"syscall"
)

// detachedProcess is DETACHED_PROCESS: the new agent has no console of
// ours and outlives this one.
const detachedProcess = 0x00000008

// reexec starts exe with the same arguments as a process of its own; run
// returns after it, and this process exits. run has stopped serving
// first, so the new agent finds its ports free. (Windows has no exec that
// keeps the process.)
func reexec(exe string, args []string) error {
	cmd := exec.Command(exe, args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: detachedProcess | syscall.CREATE_NEW_PROCESS_GROUP}
	return cmd.Start()
}
