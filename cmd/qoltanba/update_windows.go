package main

import (
	"os"
	"path/filepath"
	"strings"
)

// managedInstall: exe is under Program Files, where the MSI installs (a
// per-user copy lives in the user's profile): such a copy only reports an
// update, the MSI is updated by the administrator.
func managedInstall(exe string) bool {
	exe = strings.ToLower(filepath.Clean(exe))
	for _, v := range []string{"ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"} {
		dir := os.Getenv(v)
		if dir == "" {
			continue
		}
		if strings.HasPrefix(exe, strings.ToLower(filepath.Clean(dir))+`\`) {
			return true
		}
	}
	return false
}

// companionPrograms are the programs swapped together with exe (beside
// it): the console qoltanba-cli.exe that comes with the GUI qoltanba.exe —
// the browsers start it as the Gosuslugi plug-in host, scripts run it —
// when it is there.
func companionPrograms(exe string) []string {
	if !strings.EqualFold(filepath.Base(exe), "qoltanba.exe") {
		return nil
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(exe), "qoltanba-cli.exe")); err != nil {
		return nil
	}
	return []string{"qoltanba-cli.exe"}
}

// updateOnlyReportsAsAdmin: false on Windows. An elevated process gets
// the administrator's own profile and environment from UAC (no sudo -E:
// a user's folders are not named to it), and Wine, where the Windows
// build is tested, runs every program elevated (IsElevated is true
// there), so an elevated copy that only reported would never update under
// Wine. The folders are still checked not to be links (package update).
func updateOnlyReportsAsAdmin() bool { return false }
