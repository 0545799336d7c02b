//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// asUser runs cmd as uid and gid 65534 (nobody) when the test runs as
// root: qoltanba update as root only reports (TestUpdateAsRootOnlyReports),
// so a test of a per-user update runs it as a user. The folders above
// tree are opened to others for reading, tree is given to that user.
func asUser(t *testing.T, tree string, cmds ...*exec.Cmd) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	for _, cmd := range cmds {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}}
	}
	if tree == "" {
		return
	}
	for p := filepath.Dir(tree); p != "/" && p != "."; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
			os.Chmod(p, fi.Mode().Perm()|0o055)
		}
	}
	if err := filepath.Walk(tree, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 65534, 65534)
	}); err != nil {
		t.Fatal(err)
	}
}
