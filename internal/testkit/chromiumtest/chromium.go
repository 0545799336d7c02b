// Package chromiumtest starts headless Debian Chromium for tests and makes
// sure it (and every process it spawned) is gone afterwards.
package chromiumtest

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Start runs chromium headless on url with env (HOME decides which NSS
// database it trusts). debugPort > 0 opens the DevTools protocol.
func Start(t testing.TB, env []string, url string, debugPort int) {
	t.Helper()
	var extra []string
	if debugPort > 0 {
		extra = append(extra, "--remote-debugging-port="+strconv.Itoa(debugPort))
	}
	StartWith(t, env, url, extra, nil)
}

// StartWith runs chromium headless on url with extra arguments
// (--load-extension=DIR, ...); prepare, if set, is called with the fresh
// profile directory before Chromium starts (to put per-profile native
// messaging host manifests in its NativeMessagingHosts).
func StartWith(t testing.TB, env []string, url string, extra []string, prepare func(profile string)) {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is required (Debian chromium, installed by .ci/run)")
	}
	// The profile lives outside t.TempDir: Chromium's helpers may still be
	// writing to it for a moment after they are killed.
	profile, err := os.MkdirTemp("", "qoltanba-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile}
	if prepare != nil {
		prepare(profile)
	}
	args = append(args, extra...)
	cmd := exec.Command(bin, append(args, url)...)
	cmd.Env = env
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		killGroup(cmd)
		cmd.Wait()
		time.Sleep(100 * time.Millisecond)
		os.RemoveAll(profile)
	})
}
