package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/winetest"
)

// TestWindowsPolicy: the machine policy in HKLM\Software\Policies\qoltanba
// (as Group Policy or the MSI writes it: REG_SZ, REG_DWORD, REG_MULTI_SZ,
// JSON in a REG_SZ) is what status shows and serve obeys; a value of the
// wrong type, or a value this version does not know, stops the agent (fail
// closed: an admin's setting is never silently ignored).
func TestWindowsPolicy(t *testing.T) {
	_, cli := windowsDist(t)
	w := winetest.New(t, "")
	const key = `HKLM\Software\Policies\qoltanba`
	reg := func(name, typ, data string) {
		t.Helper()
		if r := w.Run("reg", "add", key, "/v", name, "/t", typ, "/d", data, "/f"); r.Code != 0 {
			t.Fatalf("reg add %s: %+v", name, r)
		}
	}
	reg("locale", "REG_SZ", "ru")
	reg("allowedOrigins", "REG_MULTI_SZ", `https://egov.kz\0https://portal.corp.kz`)
	reg("promptTimeout", "REG_DWORD", "120")
	reg("disableKeyFiles", "REG_DWORD", "1")
	reg("knownOrigins", "REG_SZ", `[{"domain":"portal.corp.kz","names":{"ru":"Портал","kk":"Портал","en":"Portal"}}]`)
	r := w.Run(cli, "status")
	for _, want := range []string{
		`policy: ` + key + ` (managed by your organisation)`,
		`allowedOrigins     = ["https://egov.kz","https://portal.corp.kz"]  [policy]`,
		`knownOrigins       = [{"domain":"portal.corp.kz"`,
		`disableKeyFiles    = true  [policy]`,
		`locale             = "ru"  [policy]`,
		`promptTimeout      = "2m0s"  [policy]`,
		`disableUnattended  = false  [default]`,
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.Stdout)
		}
	}
	reg("disableUnattended", "REG_DWORD", "1")
	port := strconv.Itoa(freePort(t))
	if r := w.Run(cli, winArgs("serve", "--port", port, "--unattended", "--p12", gostKey, "--password-file", passwordFile(t), "--allow-origin", "https://site.example")...); r.Code != 1 || !strings.Contains(r.Stderr, "turned off by the machine's policy") {
		t.Errorf("serve --unattended under a policy that forbids it: %+v", r)
	}
	reg("futureSetting", "REG_SZ", "x") // a value this version does not know
	if r := w.Run(cli, "status"); r.Code != 1 || !strings.Contains(r.Stdout, `key "futureSetting" is not a setting this version knows`) {
		t.Errorf("status with an unknown policy value: %+v", r)
	}
	if r := w.Run("reg", "delete", key, "/v", "futureSetting", "/f"); r.Code != 0 {
		t.Fatalf("reg delete: %+v", r)
	}
	reg("locale", "REG_DWORD", "1") // a value of the wrong type
	if r := w.Run(cli, "status"); r.Code != 1 || !strings.Contains(r.Stdout, `FAIL policy: `+key) {
		t.Errorf("status with a malformed policy: %+v", r)
	}
	if r := w.Run(cli, winArgs("serve", "--port", port)...); r.Code != 1 || !strings.Contains(r.Stderr, "does not start without its organisation's policy") {
		t.Errorf("serve with a malformed policy: %+v", r)
	}
}

// TestWindowsService: service install registers a Windows service as the
// virtual account NT SERVICE\qoltanba that Wine's service manager starts;
// it answers a real client with the machine's certificate and signs for
// its site only; stop and uninstall take it away. A secret file Everyone
// can read is refused.
func TestWindowsService(t *testing.T) {
	_, cli := windowsDist(t)
	w := winetest.New(t, "")
	// Wine ends its services when the last ordinary program exits (the
	// wineserver goes); a Windows service outlives its installer. Keep
	// the wineserver up as Windows keeps its service manager.
	persist := exec.Command("wineserver", "-p", "-f") // in the foreground, until wineserver -k
	persist.Env = w.Env
	if err := persist.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// wineserver -k ends every process of the prefix, then the server;
		// killing the server alone would orphan Wine's device services.
		k := exec.Command("wineserver", "-k")
		k.Env = w.Env
		k.Run()
		persist.Wait()
	})
	if r := w.Run(cli, "install", "--all-users", "--no-autostart"); r.Code != 0 {
		t.Fatalf("install --all-users: %+v", r)
	}
	ca, _ := caOf(t, w.C("ProgramData/qoltanba/tls/ca.pem"))
	port := freePort(t)
	pw := passwordFile(t) // 0600: Wine gives Everyone no access
	open := tempFile(t, "open-pw", []byte("Qwerty12\n"))
	os.Chmod(open, 0o644)
	install := func(secret string) winetest.Result {
		return w.Run(cli, winArgs("service", "install", "--unattended", "--port", strconv.Itoa(port), "--p12", gostKey, "--password-file", secret,
			"--allow-origin", "https://site.example")...)
	}
	if r := install(open); r.Code != 1 || !strings.Contains(r.Stderr, "can be read or changed by other users (Everyone)") {
		t.Errorf("a secret Everyone can read: %+v", r)
	}
	if r := install(pw); r.Code != 0 || !strings.Contains(r.Stdout, "WITHOUT asking anyone") {
		t.Fatalf("service install: %+v", r)
	}
	svcKey := `HKLM\System\CurrentControlSet\Services\qoltanba`
	if _, v, _ := w.Reg(svcKey, "ObjectName"); v != `NT SERVICE\qoltanba` {
		t.Errorf("the service runs as %q", v)
	}
	if _, v, _ := w.Reg(svcKey, "ImagePath"); !strings.Contains(v, "qoltanba-cli.exe service run --port "+strconv.Itoa(port)) || !strings.HasSuffix(v, "--windows-service") {
		t.Errorf("ImagePath %q", v)
	}
	if r := w.Run(cli, "service", "start"); r.Code != 0 {
		t.Fatalf("service start: %+v", r)
	}
	if r := w.Run(cli, "service", "status"); r.Code != 0 || strings.TrimSpace(r.Stdout) != "running" {
		t.Errorf("service status: %+v", r)
	}
	// Running is reported as soon as the program starts; it listens once
	// the key is open.
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service does not listen: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	signAs(t, port, ca, "https://site.example")
	if r := w.Run(cli, "service", "stop"); r.Code != 0 {
		t.Errorf("service stop: %+v", r)
	}
	if r := w.Run(cli, "service", "status"); r.Code != 1 || strings.TrimSpace(r.Stdout) != "stopped" {
		t.Errorf("status after stop: %+v", r)
	}
	if r := w.Run(cli, "service", "uninstall"); r.Code != 0 {
		t.Fatalf("service uninstall: %+v", r)
	}
	if _, _, ok := w.Reg(svcKey, ""); ok {
		t.Error("the service's key is still there")
	}
	if r := w.Run(cli, "service", "uninstall", "--if-installed"); r.Code != 0 {
		t.Errorf("uninstall --if-installed with nothing installed: %+v", r)
	}
	if r := w.Run(cli, "uninstall", "--all-users"); r.Code != 0 {
		t.Errorf("uninstall --all-users: %+v", r)
	}
	if _, err := os.Stat(w.C(filepath.Join("ProgramData", "qoltanba", "tls", "key.pem"))); err == nil {
		t.Error("the machine's key is left")
	}
}

// TestWindowsMSIPolicy: the MSI takes the machine policy as properties,
// writes it as Group Policy would, refuses a bad value (nothing installed,
// no CA left), and on removal takes away its own values and leaves what
// Group Policy wrote.
func TestWindowsMSIPolicy(t *testing.T) {
	_, cli := windowsDist(t)
	msi := os.Getenv("QOLTANBA_WINDOWS_MSI")
	if _, err := os.Stat(msi); err != nil {
		t.Fatalf("QOLTANBA_WINDOWS_MSI: %v", err)
	}
	w := winetest.New(t, "")
	const key = `HKLM\Software\Policies\qoltanba`
	if r := w.Run("msiexec", "/i", winetest.Win(msi), "/qn", "LOCALE=de"); r.Code == 0 {
		t.Errorf("a bad LOCALE installed: %+v", r)
	}
	if _, err := os.Stat(w.C("Program Files/qoltanba/qoltanba.exe")); err == nil {
		t.Error("files left after the refused install")
	}
	if _, err := os.Stat(w.C("ProgramData/qoltanba/tls/ca.pem")); err == nil {
		t.Error("a CA left after the refused install")
	}
	if r := w.Run("msiexec", "/i", winetest.Win(msi), "/qn", "LOCALE=ru", "ALLOWEDORIGINS=https://egov.kz https://portal.corp.kz",
		"DISABLEKEYFILES=1", "PROMPTTIMEOUT=120"); r.Code != 0 {
		t.Fatalf("msiexec /i with a policy: %+v", r)
	}
	for name, want := range map[string][2]string{
		"locale":          {"REG_SZ", "ru"},
		"allowedOrigins":  {"REG_MULTI_SZ", `https://egov.kz\0https://portal.corp.kz`},
		"disableKeyFiles": {"REG_DWORD", "0x1"},
		"promptTimeout":   {"REG_DWORD", "0x78"},
	} {
		if typ, v, _ := w.Reg(key, name); typ != want[0] || v != want[1] {
			t.Errorf("%s = %s %q, want %s %q", name, typ, v, want[0], want[1])
		}
	}
	if _, _, ok := w.Reg(key, "tsaURL"); ok {
		t.Error("a property not given was written")
	}
	r := w.Run(cli, "status")
	if !strings.Contains(r.Stdout, `locale             = "ru"  [policy]`) || !strings.Contains(r.Stdout, `promptTimeout      = "2m0s"  [policy]`) {
		t.Errorf("status after the MSI:\n%s", r.Stdout)
	}
	// Group Policy adds its own value; the MSI's removal leaves it.
	if r := w.Run("reg", "add", key, "/v", "deniedOrigins", "/t", "REG_MULTI_SZ", "/d", "https://evil.example", "/f"); r.Code != 0 {
		t.Fatal(r)
	}
	if r := w.Run("msiexec", "/x", winetest.Win(msi), "/qn"); r.Code != 0 {
		t.Fatalf("msiexec /x: %+v", r)
	}
	for _, name := range []string{"locale", "allowedOrigins", "disableKeyFiles", "promptTimeout"} {
		if _, _, ok := w.Reg(key, name); ok {
			t.Errorf("%s left after msiexec /x", name)
		}
	}
	if _, v, ok := w.Reg(key, "deniedOrigins"); !ok || v != "https://evil.example" {
		t.Errorf("Group Policy's value was removed: %q", v)
	}
	if _, _, ok := w.Reg(`HKLM\Software\qoltanba`, "MsiPolicy"); ok {
		t.Error("the MSI's record is left")
	}
}
