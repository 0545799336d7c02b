package installer

import "path/filepath"

// chromiumNSSDB: Chrome on macOS uses the keychain, not NSS.
func chromiumNSSDB(string) string { return "" }

// firefoxProfileRoots is where Firefox keeps its profiles on macOS.
func firefoxProfileRoots(home string) []string {
	return []string{filepath.Join(home, "Library", "Application Support", "Firefox", "Profiles")}
}

const certutilHint = "install NSS's certutil (brew install nss), then run qoltanba install again"
