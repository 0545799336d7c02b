package installer

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
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
	// Removal (the package's prerm runs it as each user; here the same user).
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

// helperArg makes this test binary act as qoltanba's untrust-machine-ca
// (the per-user half of uninstall --all-users) in TestRemoveMachineCANeverAsRoot.
const helperArg = "qoltanba-untrust-helper"

func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == helperArg {
		if err := UntrustMachineCA(os.Getenv("HOME")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// throwawayUser adds a system user whose home is a new directory it owns,
// removed again at the end of the test.
func throwawayUser(t *testing.T, tag string) (name, home string, uid, gid int) {
	t.Helper()
	name = fmt.Sprintf("qt%s%d", tag, os.Getpid()%100000)
	home = world(t, "qoltanba-home-")
	if out, err := exec.Command("useradd", "--system", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin",
		"--user-group", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("userdel", name).Run() })
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	if err := os.Chown(home, uid, gid); err != nil {
		t.Fatal(err)
	}
	return name, home, uid, gid
}

// world makes a directory everyone may enter (t.TempDir's parent is
// root's alone), removed at the end of the test.
func world(t *testing.T, pattern string) string {
	d, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(d, 0o755)
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// asUser runs a command as uid:gid.
func asUser(t *testing.T, uid, gid int, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v as %d: %v %s", name, args, uid, err, out)
	}
}

// TestRemoveMachineCANeverAsRoot: uninstall --all-users as root, for a
// user whose record names a root-owned NSS database (like /etc/pki/nssdb)
// or whose ~/.pki is a link to one, leaves root's directories in place:
// each user's part runs as that user. Another user's own empty database,
// which TrustMachineCA created, is still removed.
func TestRemoveMachineCANeverAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (useradd, and the uninstall runs as root)")
	}
	if _, err := exec.LookPath("useradd"); err != nil {
		t.Skip("no useradd")
	}
	needCertutil(t)
	rootNSS := func() (dir, db string) {
		dir = world(t, "qoltanba-root-")
		db = filepath.Join(dir, "nssdb")
		os.Mkdir(db, 0o755)
		if out, err := exec.Command("certutil", "-N", "-d", "sql:"+db, "--empty-password").CombinedOutput(); err != nil {
			t.Fatalf("certutil -N: %v %s", err, out)
		}
		for _, f := range []string{"cert9.db", "key4.db", "pkcs11.txt"} {
			os.Chmod(filepath.Join(db, f), 0o644) // readable by all, as /etc/pki/nssdb
		}
		os.WriteFile(filepath.Join(dir, "precious"), []byte("root's"), 0o644)
		return dir, db
	}
	victim, victimDB := rootNSS()
	linked, linkedDB := rootNSS()

	_, evilHome, evilUID, evilGID := throwawayUser(t, "e")
	os.Symlink(linked, filepath.Join(evilHome, ".pki")) // ~/.pki/nssdb is root's
	writeUserState(t, evilHome, evilUID, evilGID, &State{MachineCA: true, CANickname: "qoltanba local CA",
		CreatedNSS: []string{victimDB, filepath.Join(evilHome, ".pki", "nssdb")}})

	_, home, uid, gid := throwawayUser(t, "g")
	own := filepath.Join(home, ".pki", "nssdb")
	asUser(t, uid, gid, "mkdir", "-p", own)
	asUser(t, uid, gid, "certutil", "-N", "-d", "sql:"+own, "--empty-password")
	writeUserState(t, home, uid, gid, &State{MachineCA: true, CANickname: "qoltanba local CA", CreatedNSS: []string{own}})

	// The helper is this test binary, where the users can run it.
	self, _ := os.Executable()
	bin := filepath.Join(world(t, "qoltanba-bin-"), "qoltanba.test")
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(bin, b, 0o755)

	homes, err := RemoveMachineCAFromUsers([]string{bin, helperArg})
	if err != nil {
		t.Logf("errors: %v", err)
	}
	for _, p := range []string{victimDB, filepath.Join(victimDB, "cert9.db"), filepath.Join(victim, "precious"), linkedDB,
		filepath.Join(linkedDB, "cert9.db"), filepath.Join(linked, "precious")} {
		if !exists(p) {
			t.Errorf("root's %s was deleted by uninstall --all-users", p)
		}
	}
	if !slices.Contains(homes, home) || exists(filepath.Join(home, ".pki")) || exists(MachineCAUserState(home)) {
		t.Errorf("the user's own created database or record is left: cleaned %v", homes)
	}
}

// writeUserState writes a user's record of TrustMachineCA as that user's.
func writeUserState(t *testing.T, home string, uid, gid int, st *State) {
	t.Helper()
	dir := filepath.Join(home, ".config", "qoltanba")
	os.MkdirAll(dir, 0o700)
	if err := saveState(dir, st); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(home, ".config"), dir, statePath(dir)} {
		os.Chown(p, uid, gid)
	}
}
