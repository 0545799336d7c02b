package installer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
		us = nil
	}
	if us == nil {
		us = &State{MachineCA: true, CAFingerprint: ms.CAFingerprint, CANickname: ms.CANickname, CANotAfter: ms.CANotAfter}
	}
	if !haveCertutil() {
		return nil, ErrNoCertutil
	}
	dbs, err := nssDatabases(home, true)
	if err != nil {
		return nil, err
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
// user's state records and deletes that record, running certutil through
// run (as that user, see RemoveMachineCAFromUsers).
func untrustUserStores(home string, certutilAs func(args ...string) error) error {
	dir := filepath.Dir(MachineCAUserState(home))
	st, err := LoadState(dir)
	if st == nil || err != nil || !st.MachineCA {
		return err
	}
	var errs []error
	for _, db := range st.NSSDatabases {
		if !exists(db) {
			continue
		}
		for range 4 { // every copy under that nickname
			if !nssHas(db, st.CANickname) {
				break
			}
			if err := certutilAs("-D", "-d", "sql:"+db, "-n", st.CANickname); err != nil {
				errs = append(errs, fmt.Errorf("installer: %s: %w", db, err))
				break
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	os.Remove(statePath(dir))
	os.Remove(dir) // only when the user has nothing else there
	return nil
}
