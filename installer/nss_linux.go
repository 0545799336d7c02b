package installer

import "path/filepath"

// chromiumNSSDB is Chromium's and Chrome's shared NSS database on Linux.
func chromiumNSSDB(home string) string { return filepath.Join(home, ".pki", "nssdb") }

// firefoxProfileRoots: Firefox from the distribution, the snap and the
// flatpak.
func firefoxProfileRoots(home string) []string {
	return []string{
		filepath.Join(home, ".mozilla", "firefox"),
		filepath.Join(home, "snap", "firefox", "common", ".mozilla", "firefox"),
		filepath.Join(home, ".var", "app", "org.mozilla.firefox", ".mozilla", "firefox"),
	}
}

// certutilHint names the package that has certutil.
const certutilHint = "install libnss3-tools (Debian, Ubuntu) or nss-tools (Fedora, RHEL), then run qoltanba install again"
