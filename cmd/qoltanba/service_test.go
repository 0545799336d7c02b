package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
)

// TestServiceRunForeground: `service run` — what the service manager
// starts — run in a terminal (kardianos's interactive mode) answers a real
// client without any dialog, and stops cleanly on SIGINT.
func TestServiceRunForeground(t *testing.T) {
	port := freePort(t)
	home := t.TempDir()
	cmd := exec.Command(binary, "service", "run", "--port", strconv.Itoa(port), "--p12", gostKey, "--password-file", passwordFile(t),
		"--allow-origin", "https://kiosk.example")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"), "DISPLAY=:99")
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on wss://127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("service run did not start: %q %v\n%s", line, err, stderr)
	}
	// Standard error arrives through its own pipe: wait for it.
	if !stderr.WaitFor("is signed with the configured key WITHOUT asking anyone", 5*time.Second) || !strings.Contains(stderr.String(), "service starting") {
		t.Errorf("log lacks the start and the unattended banner:\n%s", stderr)
	}
	signAs(t, port, nil, "https://kiosk.example")
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("stopped with %v\n%s", err, stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("service run did not stop on SIGINT")
	}
}

// TestServiceRefusals: what service install and run refuse before any
// service manager is asked.
func TestServiceRefusals(t *testing.T) {
	pw := passwordFile(t)
	open := tempFile(t, "open-pw", []byte("Qwerty12\n"))
	os.Chmod(open, 0o644)
	off := tempFile(t, "policy.json", []byte(`{"disableUnattended":true}`))
	key := []string{"--p12", gostKey, "--password-file", pw}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no --unattended", append([]string{"service", "install", "--allow-origin", "https://k.example"}, key...), 2, "--unattended"},
		{"no origin", append([]string{"service", "install", "--unattended"}, key...), 2, "--allow-origin is needed"},
		{"not an origin", append([]string{"service", "install", "--unattended", "--allow-origin", "k.example"}, key...), 2, "want https://host"},
		{"no secret file", []string{"service", "install", "--unattended", "--allow-origin", "https://k.example", "--p12", gostKey}, 2, "--password-file"},
		{"run with --ui", []string{"service", "run", "--ui", "desktop"}, 2, "without UI"},
		{"unknown verb", []string{"service", "restart"}, 2, "unknown service command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := qoltanba(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
		})
	}
	if os.Geteuid() != 0 {
		t.Log("not root: the checks after the privilege check are not reached")
		return
	}
	// A line break in a value would add a line to the unit
	// (ExecStartPost=+… as root): refused before the unit is written.
	r := qoltanba(t, nil, append([]string{"service", "install", "--unattended", "--allow-origin", "https://k.example",
		"--alias", "x\nExecStartPost=+/bin/sh -c id"}, key...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "control character") {
		t.Errorf("alias with a line break: %+v", r)
	}
	// The files in a directory of root's own (not /tmp, which the checks
	// refuse as a whole), so that each case meets the check it is about.
	base, err := os.MkdirTemp("/run", "qoltanba-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	file := func(name string, data []byte, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	b, _ := os.ReadFile(gostKey)
	rootKey := file("key.p12", b, 0o644)
	rootPW := file("pw", []byte("Qwerty12\n"), 0o600)
	openPW := file("open-pw", []byte("Qwerty12\n"), 0o644)
	pwLink := filepath.Join(base, "pw-link")
	os.Symlink(rootPW, pwLink)
	userDir := filepath.Join(base, "user")
	os.Mkdir(userDir, 0o755)
	os.Chown(userDir, 65534, 65534)
	userPW := filepath.Join(userDir, "pw")
	os.WriteFile(userPW, []byte("Qwerty12\n"), 0o600)
	userKey := file("user.p12", b, 0o666)
	os.Chown(userKey, 65534, 65534)
	sticky := filepath.Join(base, "sticky") // as /tmp: anyone may add, and a reboot empties it
	os.Mkdir(sticky, 0o777)
	os.Chmod(sticky, 0o777|os.ModeSticky)
	stickyPW := filepath.Join(sticky, "pw")
	os.WriteFile(stickyPW, []byte("Qwerty12\n"), 0o600)
	rootKeyArgs := []string{"--p12", rootKey, "--password-file", rootPW}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"secret readable by others", []string{"--p12", rootKey, "--password-file", openPW}, "can be read or changed by other users"},
		{"wrong password", []string{"--p12", rootKey, "--password-file", file("bad", []byte("nope\n"), 0o600)}, "does not open with that secret"},
		{"policy forbids", append([]string{"--policy", off}, rootKeyArgs...), "turned off by the machine's policy"},
		{"key files off", append([]string{"--policy", tempFile(t, "policy.json", []byte(`{"disableKeyFiles":true}`))}, rootKeyArgs...), "key files are turned off"},
		{"secret through a link", []string{"--p12", rootKey, "--password-file", pwLink}, "is a symbolic link"},
		{"secret in a user's directory", []string{"--p12", rootKey, "--password-file", userPW}, "owned by uid 65534, not root"},
		{"key file 0666 of a user", []string{"--p12", userKey, "--password-file", rootPW}, "owned by uid 65534, not root"},
		{"secret in a directory like /tmp", []string{"--p12", rootKey, "--password-file", stickyPW}, "sticky can be changed by others"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"service", "install", "--unattended", "--allow-origin", "https://k.example"}, tc.args...)
			r := qoltanba(t, nil, args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, tc.want)
			}
		})
	}
}

// TestServiceRunRequiresAudit: the system service signs without anyone
// watching, so its audit log is required: where it cannot be written (a
// directory here in the log file's place, which stops root too), a
// request is refused and no signature is sent.
func TestServiceRunRequiresAudit(t *testing.T) {
	port := freePort(t)
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "data", "qoltanba", "audit.jsonl"), 0o700)
	cmd := exec.Command(binary, "service", "run", "--port", strconv.Itoa(port), "--p12", gostKey, "--password-file", passwordFile(t),
		"--allow-origin", "https://kiosk.example")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.Contains(line, "listening") {
		t.Fatalf("service run did not start: %q %v\n%s", line, err, stderr)
	}
	ws := dialAgent(t, port, "https://kiosk.example")
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"aGVsbG8=","signingParams":{"decode":true,"allowExpired":true},"signerParams":{"chain":[]}}}`))
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(msg), "BEGIN CMS") || !strings.Contains(string(msg), "audit log") {
		t.Errorf("answer with an unwritable audit log: %s", msg)
	}
}

// TestUntrustMachineCACommand: the hidden command uninstall --all-users
// runs as each user takes the machine's CA record and the Chromium
// database it created out of $HOME.
func TestUntrustMachineCACommand(t *testing.T) {
	if _, err := exec.LookPath("certutil"); err != nil {
		t.Skip("no certutil")
	}
	home := t.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	os.MkdirAll(db, 0o700)
	if out, err := exec.Command("certutil", "-N", "-d", "sql:"+db, "--empty-password").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	state := filepath.Join(home, ".config", "qoltanba", "install-state.json")
	os.MkdirAll(filepath.Dir(state), 0o700)
	os.WriteFile(state, []byte(`{"machineCA":true,"caNickname":"qoltanba local CA","createdNSS":[`+strconv.Quote(db)+`]}`), 0o644)
	cmd := exec.Command(binary, "untrust-machine-ca")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if fileExists(state) || fileExists(filepath.Join(home, ".pki")) {
		t.Error("the record or the created database is left")
	}
	if r := qoltanba(t, nil); strings.Contains(r.stderr, "untrust-machine-ca") {
		t.Error("the internal command is in the usage")
	}
}
