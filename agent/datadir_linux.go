package agent

import (
	"os"
	"path/filepath"
)

// DataDir is where the audit log and remembered permissions live:
// $XDG_DATA_HOME/qoltanba, usually ~/.local/share/qoltanba.
func DataDir() string {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "qoltanba")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "qoltanba")
	}
	return ConfigDir()
}
