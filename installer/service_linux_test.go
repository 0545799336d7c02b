package installer

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

func TestCheckSecretFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		mode os.FileMode
		ok   bool
	}{{0o600, true}, {0o400, true}, {0o640, false}, {0o644, false}, {0o602, false}} {
		p := filepath.Join(dir, "secret-"+tc.mode.String())
		os.WriteFile(p, []byte("1234\n"), tc.mode)
		os.Chmod(p, tc.mode)
		err := CheckSecretFile(p)
		if os.Geteuid() != 0 && tc.ok {
			// A file of an ordinary user is refused for its owner alone.
			if err == nil || !strings.Contains(err.Error(), "not root") {
				t.Errorf("%v as uid %d: %v", tc.mode, os.Geteuid(), err)
			}
			continue
		}
		if (err == nil) != tc.ok {
			t.Errorf("%v: %v", tc.mode, err)
		}
	}
	if err := CheckSecretFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file passed")
	}
}
