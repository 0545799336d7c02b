//go:build !unix

package chromiumtest

import "os/exec"

// ownGroup: no process groups here; Chromium is killed alone.
func ownGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) { cmd.Process.Kill() }
