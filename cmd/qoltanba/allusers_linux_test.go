package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallAllUsersRefusesAUsersProgram: install --all-users run from a
// copy of the program that a user could change (here in a world-writable
// directory, or owned by another user) is refused before anything is
// written: every user's browser and login would start that copy.
func TestInstallAllUsersRefusesAUsersProgram(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("needs root (CI runs the tests as root)")
	}
	// Under /var/lib (root's, 0755), not /tmp: /tmp alone, world-writable,
	// would refuse every case.
	dir, err := os.MkdirTemp("/var/lib", "qoltanba-allusers-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		setup func(dir, exe string)
	}{
		{"a directory others may write", func(dir, _ string) { os.Chmod(dir, 0o777) }},
		{"a program another user owns", func(dir, exe string) { os.Chmod(dir, 0o755); os.Chown(exe, 65534, 65534) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			exe := filepath.Join(dir, "qoltanba")
			os.Remove(exe)
			if err := os.WriteFile(exe, bin, 0o755); err != nil {
				t.Fatal(err)
			}
			c.setup(dir, exe)
			home := t.TempDir()
			cmd := exec.Command(exe, "install", "--all-users", "--no-autostart")
			cmd.Env = append(os.Environ(), "HOME="+home, "LANG=en_US.UTF-8", "LC_ALL=")
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "someone other than root can change this program") {
				t.Fatalf("install --all-users from %s: %v\n%s", exe, err, out)
			}
			if _, err := os.Stat("/etc/opt/chrome/native-messaging-hosts/ru.rtlabs.ifcplugin.json"); err == nil {
				t.Error("a system manifest was written")
			}
		})
	}
}
