package installer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// TrustMachineCA makes the machine's CA (installed for every user by the
// package, the MSI or install --all-users, in machineDir) trusted by this
// user's NSS databases — Chromium's (created when missing) and every
// Firefox profile — where it is not yet, and records them in the user's
// state (userDir) so that uninstall, or the package's removal, takes it
// out again. The system store covers programs that read it; NSS browsers
// keep their own per-user stores, which only the user's own session can
// reach: so `run` calls this at every login. It returns the databases it
// changed; nothing is done when the machine has no install or the user
// has an install of their own.
func TrustMachineCA(home, userDir, machineDir string) ([]string, error) {
	ms, err := LoadState(machineDir)
	if ms == nil || err != nil {
		return nil, err
	}
	us, err := LoadState(userDir)
	if err != nil {
		return nil, err
	}
	if us != nil && !us.MachineCA {
		return nil, nil // the user's own install (qoltanba install) manages trust
	}
	if us != nil && us.CAFingerprint != ms.CAFingerprint {
		// The machine's CA was renewed: the old one leaves this user's stores.
		removeCA(us, Options{ConfigDir: userDir})
		us = &State{MachineCA: true, CAFingerprint: ms.CAFingerprint, CANickname: ms.CANickname, CANotAfter: ms.CANotAfter,
			CreatedNSS: us.CreatedNSS}
	}
	if us == nil {
		us = &State{MachineCA: true, CAFingerprint: ms.CAFingerprint, CANickname: ms.CANickname, CANotAfter: ms.CANotAfter}
	}
	if !haveCertutil() {
		return nil, ErrNoCertutil
	}
	chromium := chromiumNSSDB(home)
	had := chromium == "" || exists(filepath.Join(chromium, "cert9.db"))
	dbs, err := nssDatabases(home, true)
	if err != nil {
		return nil, err
	}
	if !had && exists(filepath.Join(chromium, "cert9.db")) && !slices.Contains(us.CreatedNSS, chromium) {
		us.CreatedNSS = append(us.CreatedNSS, chromium)
	}
	caFile := TLSFiles{Dir: filepath.Join(machineDir, "tls")}.CA()
	var added []string
	var errs []error
	for _, db := range dbs {
		if !nssHas(db, us.CANickname) {
			if err := nssAdd(db, us.CANickname, caFile); err != nil {
				errs = append(errs, err)
				continue
			}
			added = append(added, db)
		}
		if !slices.Contains(us.NSSDatabases, db) {
			us.NSSDatabases = append(us.NSSDatabases, db)
		}
	}
	if len(added) > 0 || !exists(statePath(userDir)) {
		if err := os.MkdirAll(userDir, 0o700); err != nil {
			return added, err
		}
		errs = append(errs, saveState(userDir, us))
	}
	return added, errors.Join(errs...)
}

// MachineCAUserState says where a user's record of TrustMachineCA is kept
// when their home is home (the XDG default, ~/.config/qoltanba).
func MachineCAUserState(home string) string {
	return statePath(filepath.Join(home, ".config", "qoltanba"))
}

// untrustUserStores removes the machine's CA from the NSS databases one
// user's state records, the database it created if it holds nothing
// else, and the record, running certutil through certutilAs.
func untrustUserStores(home string, certutilAs func(args ...string) ([]byte, error)) error {
	dir := filepath.Dir(MachineCAUserState(home))
	st, err := LoadState(dir)
	if st == nil || err != nil || !st.MachineCA {
		return err
	}
	if err := untrustNSS(st, home, certutilAs); err != nil {
		return err
	}
	os.Remove(statePath(dir))
	os.Remove(dir) // only when the user has nothing else there
	return nil
}

// untrustNSS takes the CA out of the state's NSS databases and removes
// the one install created (Chromium's, in home) when it holds nothing
// else: removeCreatedNSS.
func untrustNSS(st *State, home string, certutilAs func(args ...string) ([]byte, error)) error {
	var errs []error
	for _, db := range st.NSSDatabases {
		if exists(db) {
			errs = append(errs, nssRemoveAs(db, st.CANickname, certutilAs))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, db := range st.CreatedNSS {
		if db == chromiumNSSDB(home) { // nothing else a state file names is ever removed
			removeCreatedNSS(db, certutilAs)
		}
	}
	return nil
}

// nssFiles are what certutil -N makes in an empty database.
var nssFiles = map[string]bool{"cert9.db": true, "key4.db": true, "pkcs11.txt": true}

// removeCreatedNSS removes db — a database install or TrustMachineCA
// created — only while it is still as created: a real directory (in a
// real parent, no symbolic link), holding only certutil -N's files, no
// certificate, no key and no module added since (the browser, or the
// user, may have put their own there). It removes db's files one by one,
// never a whole tree, and then db and its parent (~/.pki) when empty.
func removeCreatedNSS(db string, certutilAs func(args ...string) ([]byte, error)) bool {
	for _, d := range []string{filepath.Dir(db), db} {
		if fi, err := os.Lstat(d); err != nil || !fi.IsDir() {
			return false
		}
	}
	entries, err := os.ReadDir(db)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !nssFiles[e.Name()] || !e.Type().IsRegular() {
			return false
		}
	}
	if b, err := os.ReadFile(filepath.Join(db, "pkcs11.txt")); err == nil && strings.Count(string(b), "library=") > 1 {
		return false // a module was added
	}
	if out, err := certutilAs("-L", "-d", "sql:"+db); err != nil || nssListed(out) > 0 {
		return false
	}
	if out, _ := certutilAs("-K", "-d", "sql:"+db); !strings.Contains(string(out), "no keys found") {
		return false
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(db, e.Name())); err != nil {
			return false
		}
	}
	os.Remove(db)
	os.Remove(filepath.Dir(db)) // ~/.pki, when empty
	return true
}

// nssListed counts the certificates in certutil -L's output.
func nssListed(out []byte) int {
	n := 0
	for i, line := range strings.Split(string(out), "\n") {
		if i >= 3 && strings.TrimSpace(line) != "" { // after the two header lines and a blank one
			n++
		}
	}
	return n
}

// certutilHere runs certutil as the current user.
func certutilHere(args ...string) ([]byte, error) {
	b, err := exec.Command("certutil", args...).CombinedOutput()
	if err != nil {
		return b, fmt.Errorf("certutil %s: %v: %s", strings.Join(args, " "), err, b)
	}
	return b, nil
}
