package installer

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSystemdUnit: the rendered unit passes systemd-analyze verify without
// a word, keeps its sandbox (exposure ≤ 2.0 in systemd-analyze security)
// and hands the secrets over as credentials, not paths the service reads.
func TestSystemdUnit(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Fatal("systemd-analyze is required (Debian systemd, installed by .ci/run)")
	}
	exe, _ := os.Executable()
	for _, tc := range []struct {
		name string
		spec ServiceSpec
		want []string
	}{
		{"key file", ServiceSpec{Exe: exe, Origins: []string{"https://kiosk.example", "https://egov.kz"}, Port: 13580,
			P12: "/etc/qoltanba/service/key.p12", PasswordFile: "/etc/qoltanba/service/pass word", Slot: -1, Alias: "auth key"},
			[]string{"--allow-origin https://kiosk.example --allow-origin https://egov.kz", "--port 13580", "--p12 %d/key --password-file %d/password",
				`--alias "auth key"`, "LoadCredential=key:/etc/qoltanba/service/key.p12", "LoadCredential=password:/etc/qoltanba/service/pass word"}},
		{"token", ServiceSpec{Exe: exe, Origins: []string{"https://kiosk.example"}, Module: "/usr/lib/libkaztoken.so", PINFile: "/root/pin", Slot: 1, KeyID: "0a0b"},
			[]string{"--pkcs11 /usr/lib/libkaztoken.so --pin-file %d/pin --slot 1 --key-id 0a0b", "LoadCredential=pin:/root/pin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unit := SystemdUnit(tc.spec)
			for _, w := range append(tc.want, "DynamicUser=yes", "User=qoltanba", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
				"ProtectHome=yes", "CapabilityBoundingSet=\n", "ExecStart="+exe+" service run ") {
				if !strings.Contains(unit, w) {
					t.Errorf("unit lacks %q:\n%s", w, unit)
				}
			}
			if strings.Contains(unit, tc.spec.PasswordFile+" ") && tc.spec.PasswordFile != "" || strings.Contains(unit, "--pin-file /") {
				t.Errorf("the service is pointed at the admin's secret file instead of its credential:\n%s", unit)
			}
			path := filepath.Join(t.TempDir(), "qoltanba.service")
			os.WriteFile(path, []byte(unit), 0o644)
			out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Errorf("systemd-analyze verify: %v\n%s", err, out)
			}
			out, _ = exec.Command("systemd-analyze", "security", "--offline=true", path).CombinedOutput()
			m := regexp.MustCompile(`Overall exposure level for qoltanba.service: ([0-9.]+)`).FindSubmatch(out)
			if m == nil {
				t.Fatalf("no exposure level:\n%s", out)
			}
			if v, _ := strconv.ParseFloat(string(m[1]), 64); v > 2.0 {
				t.Errorf("exposure %.1f, want ≤ 2.0:\n%s", v, out)
			}
		})
	}
}

// rootDir is a throwaway directory on a path of root's own directories
// (under /run, not the sticky, world-writable /tmp that the checks refuse),
// or t.TempDir() for an ordinary user, whose files are refused anyway.
func rootDir(t *testing.T) string {
	if os.Geteuid() != 0 {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("/run", "qoltanba-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestCheckSecretFile(t *testing.T) {
	dir := rootDir(t)
	for _, tc := range []struct {
		mode os.FileMode
		ok   bool
	}{{0o600, true}, {0o400, true}, {0o640, false}, {0o644, false}, {0o602, false}} {
		p := filepath.Join(dir, "secret-"+tc.mode.String())
		os.WriteFile(p, []byte("1234\n"), tc.mode)
		os.Chmod(p, tc.mode)
		abs, err := CheckSecretFile(p)
		if os.Geteuid() != 0 && tc.ok {
			// A file of an ordinary user is refused for its owner alone.
			if err == nil || !strings.Contains(err.Error(), "not root") {
				t.Errorf("%v as uid %d: %v", tc.mode, os.Geteuid(), err)
			}
			continue
		}
		if (err == nil) != tc.ok || err == nil && abs != p {
			t.Errorf("%v: %q %v", tc.mode, abs, err)
		}
	}
	if _, err := CheckSecretFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file passed")
	}
}

// TestCheckServiceFilePaths: a secret or key file reached through a
// symbolic link, in a directory others may write (or own), or owned by a
// user, is refused, because that user could swap it before systemd reads
// it as root; the path returned is absolute.
func TestCheckServiceFilePaths(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the files must be root's to pass")
	}
	dir := rootDir(t)
	write := func(p string, mode os.FileMode) string {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("Qwerty12\n"), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	good := write(filepath.Join(dir, "etc", "pw"), 0o600)
	key := write(filepath.Join(dir, "etc", "key.p12"), 0o644)
	link := filepath.Join(dir, "link-pw")
	os.Symlink(good, link)
	linkDir := filepath.Join(dir, "linkdir")
	os.Symlink(filepath.Join(dir, "etc"), linkDir)
	open := write(filepath.Join(dir, "open", "pw"), 0o600)
	os.Chmod(filepath.Dir(open), 0o777)
	sticky := write(filepath.Join(t.TempDir(), "pw"), 0o600)
	users := write(filepath.Join(dir, "users", "pw"), 0o600)
	os.Chown(filepath.Dir(users), 65534, 65534)
	userKey := write(filepath.Join(dir, "etc", "user.p12"), 0o666)
	os.Chown(userKey, 65534, 65534)
	groupKey := write(filepath.Join(dir, "etc", "group.p12"), 0o664)

	if abs, err := CheckSecretFile(good); err != nil || abs != good {
		t.Errorf("a root-only secret: %q %v", abs, err)
	}
	if abs, err := CheckServiceFile(key); err != nil || abs != key {
		t.Errorf("a root-owned key readable by others: %q %v", abs, err)
	}
	wd, _ := os.Getwd()
	os.Chdir(filepath.Dir(good))
	abs, err := CheckSecretFile("pw")
	os.Chdir(wd)
	if err != nil || abs != good {
		t.Errorf("a relative path: %q %v, want %s", abs, err, good)
	}
	for _, tc := range []struct {
		name, path, want string
		check            func(string) (string, error)
	}{
		{"secret through a link", link, "is a symbolic link", CheckSecretFile},
		{"secret in a linked directory", filepath.Join(linkDir, "pw"), "is a symbolic link", CheckSecretFile},
		{"secret in a directory anyone may write", open, "can be changed by others", CheckSecretFile},
		// /tmp: sticky, so nobody removes root's file, but emptied at a
		// reboot, after which a user can put their own there.
		{"secret in /tmp", sticky, "can be changed by others", CheckSecretFile},
		{"secret in a user's directory", users, "owned by uid 65534", CheckSecretFile},
		{"key file 0666 of a user", userKey, "owned by uid 65534", CheckServiceFile},
		{"key file its group may write", groupKey, "can be changed by others", CheckServiceFile},
		{"key file through a link", filepath.Join(linkDir, "key.p12"), "is a symbolic link", CheckServiceFile},
		{"a directory", filepath.Dir(good), "not a regular file", CheckServiceFile},
	} {
		if abs, err := tc.check(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %q %v, want an error saying %q", tc.name, abs, err, tc.want)
		}
	}
}

// TestSystemdUnitValues: a line break in any value is refused before a
// unit is written (it would add a line, ExecStartPost=+… running as
// root); %, $, quotes and backslashes reach the service as written; the
// policy's audit directory is writable in the sandbox.
func TestSystemdUnitValues(t *testing.T) {
	exe, _ := os.Executable()
	base := ServiceSpec{Exe: exe, Origins: []string{"https://kiosk.example"}, P12: "/etc/qoltanba/key.p12", PasswordFile: "/etc/qoltanba/pw", Slot: -1}
	inject := "\nExecStartPost=+/bin/sh -c 'id > /tmp/pwned'"
	for _, bad := range []func(*ServiceSpec){
		func(s *ServiceSpec) { s.Alias += "auth" + inject },
		func(s *ServiceSpec) { s.PasswordFile += inject },
		func(s *ServiceSpec) { s.P12 += "\r" },
		func(s *ServiceSpec) { s.Origins = append(s.Origins, "https://x.example"+inject) },
		func(s *ServiceSpec) { s.AuditDir = "/var/log/q" + inject },
		func(s *ServiceSpec) { s.KeyID = "0a\x00" },
	} {
		spec := base
		spec.Origins = slices.Clone(base.Origins)
		bad(&spec)
		if err := spec.Validate(); !errors.Is(err, ErrBadServiceValue) {
			t.Errorf("%+v: %v, want ErrBadServiceValue", spec, err)
		}
		if _, err := serviceConfigFor(spec); !errors.Is(err, ErrBadServiceValue) {
			t.Errorf("%+v: a unit would be written", spec)
		}
	}
	spec := base
	spec.Alias = `50% "key" \ $HOME ;`
	spec.PasswordFile = "/etc/qoltanba/pw%h"
	spec.AuditDir = "/var/log/qoltanba-audit"
	unit := SystemdUnit(spec)
	for _, want := range []string{`--alias "50%% \"key\" \\ $$HOME ;"`, "LoadCredential=password:/etc/qoltanba/pw%%h",
		"--password-file %d/password", "ReadWritePaths=/var/log/qoltanba-audit", "LogsDirectory=qoltanba-audit"} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	path := filepath.Join(t.TempDir(), "qoltanba.service")
	os.WriteFile(path, []byte(unit), 0o644)
	if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	spec.AuditDir = "/srv/audit $x"
	if unit := SystemdUnit(spec); !strings.Contains(unit, `ReadWritePaths="/srv/audit $x"`+"\n") || strings.Contains(unit, "LogsDirectory") {
		t.Errorf("audit dir outside /var/log:\n%s", unit)
	}
}
