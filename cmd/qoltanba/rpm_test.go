//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRPMPackage checks the .rpm (QOLTANBA_RPM, built by make test-rpm):
// the files, the dependencies a Fedora/RHEL machine resolves, and that its
// scriptlets are the .deb's maintainer scripts, so both packages set the
// machine up and take it away alike (their behaviour is tested through the
// .deb: TestDebPackage). Then it installs the files into a throwaway root
// with rpm itself (no scriptlets: that root has no shell) and erases them.
func TestRPMPackage(t *testing.T) {
	pkg := os.Getenv("QOLTANBA_RPM")
	if pkg == "" {
		t.Skip("run by make test-rpm")
	}
	q := func(args ...string) string {
		out, err := exec.Command("rpm", append([]string{"-qp"}, append(args, pkg)...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("rpm -qp %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	files := q("-l")
	for _, f := range []string{"/usr/bin/qoltanba", "/usr/share/applications/qoltanba.desktop", "/usr/share/icons/hicolor/64x64/apps/qoltanba.png",
		"/usr/share/doc/qoltanba/admin.md", "/usr/share/doc/qoltanba/LICENSE"} {
		if !strings.Contains(files, f+"\n") {
			t.Errorf("the package lacks %s:\n%s", f, files)
		}
	}
	for _, dep := range []string{"nss-tools", "ca-certificates"} {
		if !strings.Contains(q("-R"), dep) {
			t.Errorf("does not require %s", dep)
		}
	}
	scripts := q("--scripts")
	for _, s := range []string{"postinst", "prerm", "postrm"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "packaging", "linux", s))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(scripts, strings.TrimSpace(string(b))) {
			t.Errorf("the rpm's scriptlets are not packaging/linux/%s:\n%s", s, scripts)
		}
	}
	root := t.TempDir()
	rpm := func(args ...string) {
		if out, err := exec.Command("rpm", append([]string{"--root", root, "--dbpath", "/var/lib/rpm"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("rpm %v: %v\n%s", args, err, out)
		}
	}
	rpm("--initdb")
	rpm("-i", "--nodeps", "--noscripts", pkg)
	if _, err := os.Stat(filepath.Join(root, "usr", "bin", "qoltanba")); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(filepath.Join(root, "usr", "bin", "qoltanba"), "version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "qoltanba ") {
		t.Errorf("the packaged binary: %v %s", err, out)
	}
	rpm("-e", "--noscripts", "qoltanba")
	var left []string
	filepath.Walk(filepath.Join(root, "usr"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("rpm -e left %v", left)
	}
}
