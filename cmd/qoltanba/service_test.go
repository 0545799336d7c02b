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
	stderr := &lockedBuffer{}
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
	if !stderr.waitFor("is signed with the configured key WITHOUT asking anyone", 5*time.Second) || !strings.Contains(stderr.String(), "service starting") {
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
	pwLink := filepath.Join(t.TempDir(), "pw-link")
	os.Symlink(pw, pwLink)
	userDir := t.TempDir()
	os.Chown(userDir, 65534, 65534)
	userPW := filepath.Join(userDir, "pw")
	os.WriteFile(userPW, []byte("Qwerty12\n"), 0o600)
	b, _ := os.ReadFile(gostKey)
	userKey := filepath.Join(t.TempDir(), "key.p12")
	os.WriteFile(userKey, b, 0o666)
	os.Chmod(userKey, 0o666)
	os.Chown(userKey, 65534, 65534)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"secret readable by others", []string{"--p12", gostKey, "--password-file", open}, "can be read or changed by other users"},
		{"wrong password", []string{"--p12", gostKey, "--password-file", tempFile(t, "bad", []byte("nope\n"))}, "does not open with that secret"},
		{"policy forbids", append([]string{"--policy", off}, key...), "turned off by the machine's policy"},
		{"key files off", append([]string{"--policy", tempFile(t, "policy.json", []byte(`{"disableKeyFiles":true}`))}, key...), "key files are turned off"},
		{"secret through a link", []string{"--p12", gostKey, "--password-file", pwLink}, "is a symbolic link"},
		{"secret in a user's directory", []string{"--p12", gostKey, "--password-file", userPW}, "owned by uid 65534, not root"},
		{"key file 0666 of a user", []string{"--p12", userKey, "--password-file", pw}, "owned by uid 65534, not root"},
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
