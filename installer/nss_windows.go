package installer

import (
	"os"
	"path/filepath"
)

// chromiumNSSDB: Chrome and Edge on Windows use the Windows store.
func chromiumNSSDB(string) string { return "" }

// firefoxProfileRoots is %APPDATA%\Mozilla\Firefox\Profiles.
func firefoxProfileRoots(home string) []string {
	appData := os.Getenv("APPDATA")
	if appData == "" {
		appData = filepath.Join(home, "AppData", "Roaming")
	}
	return []string{filepath.Join(appData, "Mozilla", "Firefox", "Profiles")}
}

// certutilHint: Firefox on Windows can trust the Windows store instead
// (security.enterprise_roots.enabled, which the MSI sets).
const certutilHint = "Firefox will trust the Windows store once security.enterprise_roots.enabled is set (the MSI sets it)"
