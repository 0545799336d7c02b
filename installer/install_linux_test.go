package installer

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kardianos/service"
)

func needCertutil(t *testing.T) {
	if _, err := exec.LookPath("certutil"); err != nil {
		t.Fatal("certutil is required (libnss3-tools, installed by .ci/run)")
	}
}

// fakeFirefox makes a Firefox profile with an empty NSS database.
func fakeFirefox(t *testing.T, home, rel string) string {
	p := filepath.Join(home, rel)
	os.MkdirAll(p, 0o700)
	if b, err := exec.Command("certutil", "-N", "-d", "sql:"+p, "--empty-password").CombinedOutput(); err != nil {
		t.Fatalf("certutil -N: %v %s", err, b)
	}
	return p
}

func TestInstallUninstall(t *testing.T) {
	needCertutil(t)
	home := t.TempDir()
	cfg := filepath.Join(home, ".config", "qoltanba")
	ff := fakeFirefox(t, home, ".mozilla/firefox/abcd.default-release")
	snap := fakeFirefox(t, home, "snap/firefox/common/.mozilla/firefox/efgh.default")
	o := Options{Home: home, ConfigDir: cfg, Exe: "/usr/bin/qoltanba", Now: time.Now()}
	st, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	chromium := filepath.Join(home, ".pki", "nssdb")
	slices.Sort(st.NSSDatabases)
	want := []string{chromium, snap, ff}
	slices.Sort(want)
	if !slices.Equal(st.NSSDatabases, want) {
		t.Errorf("databases %v, want %v", st.NSSDatabases, want)
	}
	for _, db := range want {
		if !nssHas(db, st.CANickname) {
			t.Errorf("%s does not trust the CA", db)
		}
	}
	// The state file matches what was done.
	saved, err := LoadState(cfg)
	if err != nil || saved.CAFingerprint != st.CAFingerprint || len(saved.NSSDatabases) != 3 {
		t.Errorf("state file %+v %v", saved, err)
	}
	// Autostart: no systemd user manager here, so an XDG entry.
	if st.Autostart != AutostartXDG || !exists(st.AutostartPath) {
		t.Errorf("autostart %q %q", st.Autostart, st.AutostartPath)
	}
	if b, _ := os.ReadFile(st.AutostartPath); !strings.Contains(string(b), "Exec=/usr/bin/qoltanba run") {
		t.Errorf("autostart entry %s", b)
	}
	checkTLSFiles(t, filepath.Join(cfg, "tls"))

	// A second install changes nothing.
	again, err := Install(o)
	if err != nil || again.CAFingerprint != st.CAFingerprint {
		t.Fatalf("second install: %v", err)
	}
	if out, _ := exec.Command("certutil", "-L", "-d", "sql:"+ff).CombinedOutput(); strings.Count(string(out), "qoltanba local CA") != 1 {
		t.Errorf("second install added another CA:\n%s", out)
	}

	// Renewal near expiry: a fresh CA, the old one gone from the stores.
	ca, _ := loadCert(filepath.Join(cfg, "tls", "ca.pem"))
	o.Now = ca.NotAfter.Add(-10 * 24 * time.Hour)
	renewed, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.CAFingerprint == st.CAFingerprint || nssHas(ff, st.CANickname) && st.CANickname != renewed.CANickname {
		t.Error("renewal kept the old CA")
	}
	if !nssHas(ff, renewed.CANickname) {
		t.Error("renewed CA not trusted")
	}

	rm, err := Uninstall(o)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Nothing() || !rm.Certificates || len(rm.Stores) == 0 {
		t.Errorf("uninstall reported %+v, want the certificates and the stores", rm)
	}
	if again, err := Uninstall(o); err != nil || !again.Nothing() {
		t.Errorf("a second uninstall: %+v %v, want nothing removed", again, err)
	}
	for _, db := range want {
		if out, _ := exec.Command("certutil", "-L", "-d", "sql:"+db).CombinedOutput(); strings.Contains(string(out), "qoltanba") {
			t.Errorf("%s still has the CA after uninstall:\n%s", db, out)
		}
	}
	for _, f := range []string{st.AutostartPath, filepath.Join(cfg, "tls", "ca.pem"), filepath.Join(cfg, "tls", "key.pem"), statePath(cfg),
		filepath.Join(home, ".pki")} { // Chromium's database, which install created and nothing else uses
		if exists(f) {
			t.Errorf("%s left after uninstall", f)
		}
	}
	if !exists(ff) || !exists(snap) {
		t.Error("uninstall removed Firefox's own profiles")
	}
}

// TestUninstallKeepsUsersOwn: install sets aside an autostart file of the
// user's in its place and uninstall gives it back; the Chromium database
// install created stays when the user has put a certificate there since,
// and one that was there before install always stays.
func TestUninstallKeepsUsersOwn(t *testing.T) {
	needCertutil(t)
	for _, tc := range []string{"added a certificate", "had one before"} {
		t.Run(tc, func(t *testing.T) {
			home := t.TempDir()
			chromium := filepath.Join(home, ".pki", "nssdb")
			if tc == "had one before" {
				fakeFirefox(t, home, ".pki/nssdb")
			}
			mine := filepath.Join(home, ".config", "autostart", "qoltanba.desktop")
			os.MkdirAll(filepath.Dir(mine), 0o755)
			own := "[Desktop Entry]\nType=Application\nName=my qoltanba\nExec=/opt/qoltanba/qoltanba run --ui tty\n"
			os.WriteFile(mine, []byte(own), 0o644)
			o := Options{Home: home, ConfigDir: filepath.Join(home, ".config", "qoltanba"), Exe: "/usr/bin/qoltanba"}
			st, err := Install(o)
			if err != nil {
				t.Fatal(err)
			}
			if st.AutostartPath != mine || st.AutostartAside == "" {
				t.Fatalf("autostart %q, set aside %q", st.AutostartPath, st.AutostartAside)
			}
			if b, _ := os.ReadFile(st.AutostartAside); string(b) != own {
				t.Errorf("the user's entry was not kept aside: %q", b)
			}
			if (tc == "had one before") == slices.Contains(st.CreatedNSS, chromium) {
				t.Errorf("created %v", st.CreatedNSS)
			}
			if tc == "added a certificate" {
				// The user's own CA, trusted since.
				other := TLSFiles{Dir: t.TempDir()}
				if _, err := issueLocal(other, time.Now(), false); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command("certutil", "-A", "-d", "sql:"+chromium, "-t", "C,,", "-n", "mine", "-i", other.CA()).CombinedOutput(); err != nil {
					t.Fatalf("%v %s", err, out)
				}
			}
			if _, err := Uninstall(o); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(mine); string(b) != own || exists(st.AutostartAside) {
				t.Errorf("the user's autostart entry is not back: %q %v", b, err)
			}
			if !exists(filepath.Join(chromium, "cert9.db")) {
				t.Error("uninstall removed the user's Chromium database")
			}
		})
	}
}

// TestUninstallLeavesReplacedAutostart: an entry the user put in place of
// install's after install stays on uninstall; install again finds its own
// (older, unmarked) entry and writes over it without setting it aside.
func TestUninstallLeavesReplacedAutostart(t *testing.T) {
	home := t.TempDir()
	o := Options{Home: home, ConfigDir: filepath.Join(home, ".config", "qoltanba"), Exe: "/usr/bin/qoltanba", NoAutostart: false}
	t.Setenv("PATH", t.TempDir()) // no certutil, no systemctl: the XDG entry
	legacy := "[Desktop Entry]\nType=Application\nName=qoltanba\nComment=Local signing agent\nExec=/usr/bin/qoltanba run\nIcon=qoltanba\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
	path := filepath.Join(home, ".config", "autostart", "qoltanba.desktop")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, []byte(legacy), 0o644)
	st, err := Install(o)
	if err != nil || st.AutostartAside != "" {
		t.Fatalf("over an older version's entry: %+v %v", st, err)
	}
	os.WriteFile(path, []byte("[Desktop Entry]\nName=mine\n"), 0o644)
	if _, err := Uninstall(o); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[Desktop Entry]\nName=mine\n" {
		t.Errorf("uninstall removed the user's replacement: %q", b)
	}
}

// checkTLSFiles: the CA is name-constrained (critical), the server
// certificate chains to it for the loopback names, and no CA key is on disk.
func checkTLSFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "ca.pem,cert.pem,key.pem" {
		t.Errorf("tls files %v", names)
	}
	ca, err := loadCert(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	critical := false
	for _, e := range ca.Extensions {
		if e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 30}) {
			critical = e.Critical
		}
	}
	if !critical || !slices.Equal(ca.PermittedDNSDomains, []string{"localhost"}) || len(ca.PermittedIPRanges) != 2 || !ca.IsCA {
		t.Errorf("CA constraints: critical=%v dns=%v ips=%v", critical, ca.PermittedDNSDomains, ca.PermittedIPRanges)
	}
	leaf, err := loadCert(filepath.Join(dir, "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Errorf("server certificate for %s: %v", name, err)
		}
	}
	if !slices.ContainsFunc(leaf.IPAddresses, func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) }) {
		t.Error("no 127.0.0.1 SAN")
	}
	// key.pem is the server's key, never the CA's.
	b, _ := os.ReadFile(filepath.Join(dir, "key.pem"))
	p, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(p.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sk, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("key type %T", k)
	}
	if sk.PublicKey.Equal(ca.PublicKey) {
		t.Error("key.pem is the CA key")
	}
	if !sk.PublicKey.Equal(leaf.PublicKey) {
		t.Error("key.pem does not match the server certificate")
	}
	if st, _ := os.Stat(filepath.Join(dir, "key.pem")); st.Mode().Perm() != 0o600 {
		t.Errorf("key.pem mode %v", st.Mode())
	}
}

// TestSystemdUserUnit renders the kardianos user unit: the agent's path
// with "run", and the graphical session's target (kardianos' default,
// multi-user.target, never starts in a user manager).
func TestSystemdUserUnit(t *testing.T) {
	var systemd service.System
	for _, s := range service.AvailableSystems() {
		if s.String() == "linux-systemd" {
			systemd = s
		}
	}
	if systemd == nil {
		t.Fatal("kardianos has no systemd system on this platform")
	}
	// The test machine may run no systemd: use kardianos' systemd renderer
	// anyway (it writes the unit, then fails to reach systemctl).
	service.ChooseSystem(forcedSystem{systemd})
	home := t.TempDir()
	t.Setenv("HOME", home)
	exe := filepath.Join(home, "bin", "qoltanba")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	s, err := service.New(program{}, serviceConfig(exe))
	if err != nil {
		t.Fatal(err)
	}
	s.Install() // enabling needs a user manager; the unit file is written first
	unit, err := os.ReadFile(filepath.Join(home, ".config", "systemd", "user", "qoltanba.service"))
	if err != nil {
		t.Fatal(err)
	}
	u := string(unit)
	for _, want := range []string{"ExecStart=" + exe + ` "run"`, "WantedBy=graphical-session.target", "After=graphical-session.target", "Description=qoltanba"} {
		if !strings.Contains(u, want) {
			t.Errorf("unit lacks %q:\n%s", want, u)
		}
	}
	if strings.Contains(u, "multi-user.target") || strings.Contains(u, "User=") {
		t.Errorf("not a user unit:\n%s", u)
	}
}

// forcedSystem makes kardianos use a system it did not detect.
type forcedSystem struct{ service.System }

func (forcedSystem) Detect() bool { return true }

// TestAutostartAllUsers: for every user, an XDG autostart entry in the
// system directory (here a temporary one), removed again by uninstall's
// helper.
func TestAutostartAllUsers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "etc", "xdg", "autostart")
	kind, path, aside, err := installAutostart(t.TempDir(), "/usr/bin/qoltanba", true, dir)
	if err != nil || kind != AutostartXDGSystem || path != filepath.Join(dir, "qoltanba.desktop") || aside != "" {
		t.Fatalf("%s %s %v", kind, path, err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "Exec=/usr/bin/qoltanba run") {
		t.Errorf("entry %s", b)
	}
	if err := removeAutostart(kind, path, "/usr/bin/qoltanba"); err != nil || exists(path) {
		t.Errorf("remove: %v", err)
	}
}

// TestInstallWithoutCertutil: no certutil on PATH (a fresh Ubuntu without
// libnss3-tools): the CA, the server certificate and autostart are set up,
// and the NSS databases that could not be changed are recorded so install
// and status say which browsers will not trust the agent.
func TestInstallWithoutCertutil(t *testing.T) {
	needCertutil(t)
	home := t.TempDir()
	ff := fakeFirefox(t, home, ".mozilla/firefox/abcd.default-release") // made while certutil is there
	t.Setenv("PATH", t.TempDir())
	cfg := filepath.Join(home, ".config", "qoltanba")
	st, err := Install(Options{Home: home, ConfigDir: cfg, Exe: "/usr/bin/qoltanba"})
	if err != nil {
		t.Fatalf("install without certutil: %v", err)
	}
	chromium := filepath.Join(home, ".pki", "nssdb")
	if len(st.NSSDatabases) != 0 || !slices.Contains(st.NSSMissed, ff) || !slices.Contains(st.NSSMissed, chromium) {
		t.Errorf("trusted %v, missed %v", st.NSSDatabases, st.NSSMissed)
	}
	if st.Autostart == "" || !exists(st.AutostartPath) {
		t.Error("no autostart")
	}
	checkTLSFiles(t, filepath.Join(cfg, "tls"))
	var missed []Check
	for _, c := range Status(Options{Home: home, ConfigDir: cfg}, 1) {
		if !c.OK && strings.Contains(c.Detail, "certutil is missing") && strings.Contains(c.Detail, "libnss3-tools") {
			missed = append(missed, c)
		}
	}
	if len(missed) != 2 {
		t.Errorf("status lines for the missed databases: %+v", missed)
	}
	if _, err := Uninstall(Options{Home: home, ConfigDir: cfg, Exe: "/usr/bin/qoltanba"}); err != nil {
		t.Errorf("uninstall: %v", err)
	}
}
