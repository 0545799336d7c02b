//go:build unix

package chromiumtest

import (
	"os/exec"
	"syscall"
)

// ownGroup starts Chromium in a process group of its own, so that its
// helper processes can be killed with it.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killGroup kills Chromium and every helper it started.
func killGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
