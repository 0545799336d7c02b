package agent

import (
	"os"
	"path/filepath"
)

// MachineDir holds what an administrator installed for every user of the
// machine (the MSI, install --all-users): %ProgramData%\qoltanba.
func MachineDir() string {
	d := os.Getenv("ProgramData")
	if d == "" {
		d = `C:\ProgramData`
	}
	return filepath.Join(d, "qoltanba")
}
