package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/internal/testkit/winetest"
)

// TestWindowsNativePipe: the native messaging door's named pipe (owner-only
// DACL, both ends checking the other's user) under Wine: transport's own
// Windows test, cross-compiled and run in a fresh prefix.
func TestWindowsNativePipe(t *testing.T) {
	if os.Getenv("QOLTANBA_WINDOWS_DIST") == "" {
		t.Skip("make test-windows (part of make test) runs this under Wine")
	}
	exe := filepath.Join(t.TempDir(), "transport.test.exe")
	winetest.GoWindows(t, "test", "-c", "-o", exe, "../../transport")
	w := winetest.New(t, "")
	r := w.Run(exe, "-test.run", "^TestNativePipeWindows$", "-test.v")
	if r.Code != 0 || !strings.Contains(r.Stdout, "--- PASS: TestNativePipeWindows") {
		t.Errorf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
}
