package p11

import (
	"os"
	"path/filepath"

	"github.com/qoltanba/qoltanba/token"
)

func osPaths(s token.Storage) []string { return s.Windows }

// libDirs are System32 (where token installers put their PKCS#11 DLLs)
// and the vendors' own folders under Program Files, one and two levels
// down ("Program Files\VNPT-CA", "Program Files\Aktiv Co\Rutoken"...).
func libDirs() []string {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	dirs := []string{filepath.Join(root, "System32")}
	for _, pf := range []string{os.Getenv("ProgramFiles"), os.Getenv("ProgramW6432")} {
		if pf == "" {
			continue
		}
		one, _ := filepath.Glob(filepath.Join(pf, "*"))
		two, _ := filepath.Glob(filepath.Join(pf, "*", "*"))
		for _, d := range append(one, two...) {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}
