//go:build linux

package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDebPackage installs the .deb (QOLTANBA_DEB, built by make test-deb)
// with apt as root, as an admin would, and purges it again: the machine's
// part is set up by the package alone, a user's browsers get the CA at
// their login, and after purge nothing of it is left — the file trees the
// package and its scripts touch are compared before and after, and the
// leftovers listed.
func TestDebPackage(t *testing.T) {
	deb := os.Getenv("QOLTANBA_DEB")
	if deb == "" {
		t.Skip("run by make test-deb (builds the .deb, needs root)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the package test installs into this machine: it needs root (CI runs as root)")
	}
	if out, err := exec.Command("dpkg", "-s", "qoltanba").CombinedOutput(); err == nil {
		t.Fatalf("qoltanba is already installed here; remove it first:\n%s", out)
	}
	deb, _ = filepath.Abs(deb)
	watched := []string{"/etc", "/usr/bin", "/usr/local/share/ca-certificates", "/usr/share/applications", "/usr/share/doc/qoltanba",
		"/usr/share/icons/hicolor/64x64/apps", "/var/lib/qoltanba", "/root", "/usr/lib/mozilla", "/usr/lib64/mozilla"}
	// The official IFCPlugin's package has registered its host for Chrome:
	// the package sets it aside and purge gives it back unchanged.
	official := officialIFCPlugin(t)
	before := snapshot(t, watched)

	// A user who has used Firefox before the package arrives.
	user := "qoltanba-t" + strconv.Itoa(os.Getpid()%100000)
	base := t.TempDir()
	os.Chmod(base, 0o755) // the user must reach their home
	os.Chmod(filepath.Dir(base), 0o755)
	home := filepath.Join(base, user)
	runRoot(t, "useradd", "-M", "-d", home, "-s", "/bin/sh", user)
	t.Cleanup(func() { exec.Command("userdel", user).Run() })
	profile := filepath.Join(home, ".mozilla", "firefox", "abcd.default-release")
	os.MkdirAll(profile, 0o700)
	os.MkdirAll(filepath.Join(home, ".config"), 0o700) // every desktop session has one
	runRoot(t, "chown", "-R", user+":", home)
	asUser := func(args ...string) []byte {
		cmd := exec.Command("runuser", append([]string{"-u", user, "--", "env", "HOME=" + home, "PATH=" + os.Getenv("PATH")}, args...)...)
		out, _ := cmd.CombinedOutput()
		return out
	}
	asUser("certutil", "-N", "-d", "sql:"+profile, "--empty-password")

	t.Cleanup(func() { exec.Command("apt-get", "purge", "-y", "qoltanba").Run() })
	out := runRoot(t, "apt-get", "install", "-y", deb)
	t.Logf("apt-get install:\n%s", tail(out, 8))
	for _, p := range []string{"/usr/bin/qoltanba", "/etc/xdg/autostart/qoltanba.desktop", "/etc/qoltanba/tls/cert.pem", "/etc/qoltanba/install-state.json"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("after install: %v", err)
		}
	}
	if out, err := exec.Command("openssl", "verify", "-CAfile", "/etc/ssl/certs/ca-certificates.crt", "/etc/qoltanba/tls/cert.pem").CombinedOutput(); err != nil {
		t.Errorf("the system store does not trust the agent's certificate: %s", out)
	}
	if fi, err := os.Stat("/etc/qoltanba/tls/key.pem"); err != nil || fi.Mode().Perm()&0o004 == 0 {
		t.Errorf("every user's agent must read the machine's server key: %v", err)
	}
	manifests := systemManifests(t)
	if repo := os.Getenv("QOLTANBA_DEB_UPDATE_REPO"); repo != "" { // make test-deb's repository (deb_update_test.go)
		debUpdateOnlyReports(t, deb, repo)
	}
	if _, err := os.Stat(official + ".before-qoltanba"); err != nil {
		t.Errorf("the official IFCPlugin host was not set aside: %v", err)
	}

	// The user logs in: run adds the CA to their browsers (here run stops
	// at once: no display and no terminal — the trust step comes first).
	asUser("timeout", "10", "qoltanba", "run", "--ui", "tty", "--port", strconv.Itoa(freePort(t)))
	chromium := filepath.Join(home, ".pki", "nssdb")
	for _, db := range []string{profile, chromium} {
		if l := asUser("certutil", "-L", "-d", "sql:"+db); !strings.Contains(string(l), "qoltanba local CA") {
			t.Errorf("%s does not trust the machine's CA after login:\n%s", db, l)
		}
	}
	// The admin's policy, which purge removes with the rest of /etc/qoltanba.
	if err := os.WriteFile("/etc/qoltanba/policy.json", []byte(`{"locale":"kk","deniedOrigins":["https://evil.example"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	st := asUser("qoltanba", "status")
	for _, want := range []string{"installed for every user of this machine", "policy: /etc/qoltanba/policy.json", `locale             = "kk"  [policy]`, "ok   trust system store", "ok   autostart: /etc/xdg/autostart/qoltanba.desktop",
		"ok   trust " + profile, "ok   trust " + chromium} {
		if !strings.Contains(string(st), want) {
			t.Errorf("status as the user lacks %q:\n%s", want, st)
		}
	}

	for _, m := range manifests {
		if want := "ok   native host " + m + ": starts this program\n"; !strings.Contains(string(st), want) {
			t.Errorf("status as the user lacks %q", want)
		}
	}

	out = runRoot(t, "apt-get", "purge", "-y", "qoltanba")
	t.Logf("apt-get purge:\n%s", tail(out, 8))
	for _, db := range []string{profile} {
		if l := asUser("certutil", "-L", "-d", "sql:"+db); strings.Contains(string(l), "qoltanba") {
			t.Errorf("%s still trusts the CA after purge:\n%s", db, l)
		}
	}
	var left []string
	filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !strings.HasPrefix(p, filepath.Join(home, ".mozilla")) && p != home && p != filepath.Join(home, ".config") {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("left in the user's home (besides their Firefox profile): %v", left)
	}
	after := snapshot(t, watched)
	var added, changed []string
	for p, h := range after {
		switch old, ok := before[p]; {
		case !ok:
			added = append(added, p)
		case old != h:
			changed = append(changed, p)
		}
	}
	var removed []string
	for p := range before {
		if _, ok := after[p]; !ok {
			removed = append(removed, p)
		}
	}
	slices.Sort(added)
	slices.Sort(changed)
	t.Logf("after purge, compared with before install: %d added, %d changed, %d removed", len(added), len(changed), len(removed))
	if len(added)+len(changed)+len(removed) > 0 {
		t.Errorf("purge left traces:\nadded %v\nchanged %v\nremoved %v", added, changed, removed)
	}
}

// snapshot hashes every regular file and lists every directory and link
// under roots, skipping what the system changes by itself (apt's and
// dpkg's own records, caches, the Java trust store which is rebuilt with
// new timestamps).
func snapshot(t *testing.T, roots []string) map[string]string {
	t.Helper()
	skip := []string{"/etc/ld.so.cache", "/etc/passwd", "/etc/passwd-", "/etc/group", "/etc/group-", "/etc/shadow", "/etc/shadow-",
		"/etc/gshadow", "/etc/gshadow-", "/etc/subuid", "/etc/subuid-", "/etc/subgid", "/etc/subgid-", // the test's own user
		"/etc/ssl/certs/java/cacerts", "/root/.cache", "/root/go", "/root/.config/go", "/root/.local/share/go"}
	out := map[string]string{}
	for _, r := range roots {
		filepath.WalkDir(r, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			for _, s := range skip {
				if p == s || strings.HasPrefix(p, s+"/") {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
			}
			switch {
			case d.Type().IsRegular() && !strings.HasPrefix(p, "/etc/"):
				// Outside /etc only the package's own files change: size and time tell.
				if fi, err := d.Info(); err == nil {
					out[p] = fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
				}
			case d.Type().IsRegular():
				b, err := os.ReadFile(p)
				if err != nil {
					out[p] = "unreadable"
					return nil
				}
				out[p] = fmt.Sprintf("%x", sha256.Sum256(b))
			case d.Type()&fs.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				out[p] = "-> " + target
			default:
				out[p] = d.Type().String()
			}
			return nil
		})
	}
	return out
}

func runRoot(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		cmd.Process.Kill()
		<-done
	}
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return out
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// officialIFCPlugin puts a manifest like the official IFCPlugin package's
// at /etc/opt/chrome/native-messaging-hosts (removed again after the
// test, with the directories it made), and returns its path.
func officialIFCPlugin(t *testing.T) string {
	t.Helper()
	dir := "/etc/opt/chrome/native-messaging-hosts"
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "ru.rtlabs.ifcplugin.json")
	if _, err := os.Lstat(f); err == nil {
		t.Fatalf("%s is already there; remove it first", f)
	}
	os.WriteFile(f, []byte(`{"name":"ru.rtlabs.ifcplugin","description":"IFCPlugin","path":"/usr/bin/ifc_chrome_host","type":"stdio","allowed_origins":["chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha/"]}`+"\n"), 0o644)
	t.Cleanup(func() {
		os.Remove(f)
		for _, d := range made {
			os.Remove(d)
		}
	})
	return f
}

// systemManifests: the package registered the Gosuslugi plug-in hosts for
// every user — the manifests in each browser's system directory start
// /usr/bin/qoltanba — and returns them.
func systemManifests(t *testing.T) []string {
	t.Helper()
	dirs := []string{"/etc/opt/chrome/native-messaging-hosts", "/etc/chromium/native-messaging-hosts", "/etc/opt/edge/native-messaging-hosts",
		"/etc/opt/yandex/browser/native-messaging-hosts", "/usr/lib/mozilla/native-messaging-hosts"}
	if fi, err := os.Lstat("/usr/lib64"); err == nil && fi.IsDir() {
		dirs = append(dirs, "/usr/lib64/mozilla/native-messaging-hosts")
	}
	var out []string
	for _, d := range dirs {
		for _, h := range []string{"ru.rtlabs.ifcplugin", "chrome.gosuslugi.plugin", "gosuslugi.plugin"} {
			f := filepath.Join(d, h+".json")
			b, err := os.ReadFile(f)
			if err != nil {
				t.Errorf("after install: %v", err)
				continue
			}
			if !strings.Contains(string(b), `"path": "/usr/bin/qoltanba"`) || !strings.Contains(string(b), `"name": "`+h+`"`) {
				t.Errorf("%s:\n%s", f, b)
			}
			if fi, _ := os.Stat(f); fi.Mode().Perm() != 0o644 {
				t.Errorf("%s: mode %v, want 0644 (every user's browser reads it)", f, fi.Mode())
			}
			out = append(out, f)
		}
	}
	return out
}
