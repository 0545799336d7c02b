package agent

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// MachineDir holds what an administrator installed for every user of the
// machine (the MSI, install --all-users): %ProgramData%\qoltanba. The
// folder is asked of Windows (a service's environment may lack the
// variable), then the variable, then the usual place.
func MachineDir() string {
	d, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil || d == "" {
		d = os.Getenv("ProgramData")
	}
	if d == "" {
		d = `C:\ProgramData`
	}
	return filepath.Join(d, "qoltanba")
}
