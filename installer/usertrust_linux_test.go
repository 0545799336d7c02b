package installer

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// machineInstall fakes what install --all-users leaves in machineDir (the
// CA, the server certificate, the state) without touching the real system
// store.
func machineInstall(t *testing.T, machineDir string) *State {
	t.Helper()
	ca, err := issueLocal(TLSFiles{Dir: filepath.Join(machineDir, "tls")}, time.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	st := &State{CAFingerprint: fingerprint(ca), CANickname: ca.Subject.CommonName, CANotAfter: ca.NotAfter, SystemStore: true, SystemAllUsers: true}
	if err := saveState(machineDir, st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestTrustMachineCA: at login the machine's CA goes into the user's
// Chromium database (created) and Firefox profiles, once; a renewed CA
// replaces the old one; the package's removal takes it out again and
// leaves the user's databases theirs.
func TestTrustMachineCA(t *testing.T) {
	needCertutil(t)
	machine := filepath.Join(t.TempDir(), "etc", "qoltanba")
	ms := machineInstall(t, machine)
	home := t.TempDir()
	userDir := filepath.Join(home, ".config", "qoltanba")
	ff := fakeFirefox(t, home, ".mozilla/firefox/abcd.default-release")
	chromium := filepath.Join(home, ".pki", "nssdb")

	added, err := TrustMachineCA(home, userDir, machine)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(added)
	if want := []string{ff, chromium}; !slices.Equal(added, want) {
		t.Fatalf("added %v, want %v", added, want)
	}
	for _, db := range added {
		if !nssHas(db, ms.CANickname) {
			t.Errorf("%s does not trust the machine's CA", db)
		}
	}
	us, err := LoadState(userDir)
	if err != nil || us == nil || !us.MachineCA || us.CAFingerprint != ms.CAFingerprint || len(us.NSSDatabases) != 2 {
		t.Fatalf("user's record: %+v %v", us, err)
	}
	if MachineCAUserState(home) != statePath(userDir) {
		t.Errorf("record kept at %s, looked for at %s", statePath(userDir), MachineCAUserState(home))
	}
	// The next login changes nothing.
	if added, err := TrustMachineCA(home, userDir, machine); err != nil || len(added) != 0 {
		t.Errorf("second login: %v %v", added, err)
	}
	// The machine's CA renewed: the old one goes, the new one comes.
	os.RemoveAll(filepath.Join(machine, "tls"))
	ms2 := machineInstall(t, machine)
	if added, err := TrustMachineCA(home, userDir, machine); err != nil || len(added) != 2 {
		t.Fatalf("after renewal: %v %v", added, err)
	}
	for _, db := range []string{chromium, ff} {
		if nssHas(db, ms.CANickname) && ms.CANickname != ms2.CANickname || !nssHas(db, ms2.CANickname) {
			t.Errorf("%s: old CA kept or new one missing", db)
		}
		if n := countNick(t, db, ms2.CANickname); n != 1 {
			t.Errorf("%s: %d copies of the CA", db, n)
		}
	}
	// Removal (the package's prerm, as root; here as the same user).
	err = untrustUserStores(home, certutilHere)
	if err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{chromium, ff} {
		if nssHas(db, ms2.CANickname) {
			t.Errorf("%s still trusts the CA", db)
		}
	}
	if exists(statePath(userDir)) || exists(userDir) {
		t.Error("the user's record is left behind")
	}
	if exists(filepath.Join(home, ".pki")) || !exists(ff) {
		t.Error("the Chromium database it created is left behind, or Firefox's own profile was removed")
	}
}

// TestTrustMachineCAOwnInstall: a user who ran qoltanba install keeps
// their own CA; nothing machine-wide is added. No machine install: nothing.
func TestTrustMachineCAOwnInstall(t *testing.T) {
	needCertutil(t)
	home := t.TempDir()
	userDir := filepath.Join(home, ".config", "qoltanba")
	if added, err := TrustMachineCA(home, userDir, filepath.Join(t.TempDir(), "none")); err != nil || added != nil || exists(userDir) {
		t.Errorf("no machine install: %v %v", added, err)
	}
	machine := t.TempDir()
	machineInstall(t, machine)
	if err := saveState(mkdir(t, userDir), &State{CAFingerprint: "own", CANickname: "own CA"}); err != nil {
		t.Fatal(err)
	}
	if added, err := TrustMachineCA(home, userDir, machine); err != nil || added != nil {
		t.Errorf("own install: %v %v", added, err)
	}
}

func mkdir(t *testing.T, d string) string {
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	return d
}

func countNick(t *testing.T, db, nick string) int {
	b, _ := exec.Command("certutil", "-L", "-d", "sql:"+db).Output()
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, nick+" ") {
			n++
		}
	}
	return n
}
