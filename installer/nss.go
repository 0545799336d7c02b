package installer

// NSS databases (Chromium's ~/.pki/nssdb and every Firefox profile,
// including snap and flatpak) are handled with certutil directly rather
// than through smallstep/truststore: the state file must record exactly
// which databases got the CA, and truststore does not report that.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// nssDatabases lists the NSS databases under home: Chromium's on Linux
// (created when missing, so Chromium finds the CA when it first runs) and
// every Firefox profile that has one (where profiles live is per OS:
// firefoxProfileRoots).
func nssDatabases(home string, create bool) ([]string, error) {
	var out []string
	if chromium := chromiumNSSDB(home); chromium != "" {
		if !exists(filepath.Join(chromium, "cert9.db")) && create {
			if err := os.MkdirAll(chromium, 0o700); err != nil {
				return nil, err
			}
			if b, err := exec.Command("certutil", "-N", "-d", "sql:"+chromium, "--empty-password").CombinedOutput(); err != nil {
				return nil, fmt.Errorf("installer: create %s: %v: %s", chromium, err, b)
			}
		}
		if exists(filepath.Join(chromium, "cert9.db")) {
			out = append(out, chromium)
		}
	}
	for _, base := range firefoxProfileRoots(home) {
		profiles, _ := filepath.Glob(filepath.Join(base, "*"))
		for _, p := range profiles {
			if exists(filepath.Join(p, "cert9.db")) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// ErrNoCertutil: NSS stores need certutil; without it Install sets up
// everything else and says which browsers will not trust the agent.
var ErrNoCertutil = errors.New("certutil not found")

// haveCertutil reports whether NSS databases can be changed.
func haveCertutil() bool {
	_, err := exec.LookPath("certutil")
	return err == nil
}

func nssAdd(db, nick, caFile string) error {
	if !haveCertutil() {
		return ErrNoCertutil
	}
	b, err := exec.Command("certutil", "-A", "-d", "sql:"+db, "-t", "C,,", "-n", nick, "-i", caFile).CombinedOutput()
	if err != nil {
		return fmt.Errorf("installer: certutil -A %s: %v: %s", db, err, b)
	}
	return nil
}

func nssRemove(db, nick string) error {
	if !haveCertutil() {
		return ErrNoCertutil
	}
	return nssRemoveAs(db, nick, certutilHere)
}

// nssRemoveAs removes every copy of the CA under nick from db, running
// certutil -D through certutilAs (as the database's owner when root
// cleans another user's stores).
func nssRemoveAs(db, nick string, certutilAs func(args ...string) ([]byte, error)) error {
	for range 4 { // every copy under that nickname
		if !nssHas(db, nick) {
			return nil
		}
		if _, err := certutilAs("-D", "-d", "sql:"+db, "-n", nick); err != nil {
			return fmt.Errorf("installer: %s: %w", db, err)
		}
	}
	return nil
}

// nssHas reports whether the database holds the CA as a trusted SSL CA.
func nssHas(db, nick string) bool {
	b, err := exec.Command("certutil", "-L", "-d", "sql:"+db).CombinedOutput()
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.HasPrefix(line, nick) && strings.HasPrefix(f[len(f)-1], "C") {
			return true
		}
	}
	return false
}
