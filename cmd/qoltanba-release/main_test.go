package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/qoltanba/qoltanba/update"
)

// genKey makes a private key file with openssl, as a release manager would.
func genKey(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	p := filepath.Join(dir, name+".pem")
	if out, err := exec.Command("openssl", append([]string{"genpkey", "-out", p}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("openssl genpkey: %v\n%s", err, out)
	}
	return p
}

// TestReleaseRepository: keys from openssl files; init, publish, a
// timestamp refresh and a root rotation written by this command are what
// package update verifies and takes; the revoked timestamp key is refused.
func TestReleaseRepository(t *testing.T) {
	keys, repo := t.TempDir(), filepath.Join(t.TempDir(), "repo")
	ed := []string{"-algorithm", "ed25519"}
	root1, root2 := genKey(t, keys, "root1", ed...), genKey(t, keys, "root2", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
	targets, snapshot, timestamp := genKey(t, keys, "targets", ed...), genKey(t, keys, "snapshot", ed...), genKey(t, keys, "timestamp", ed...)
	online := []string{"--repo", repo, "--targets-key", targets, "--snapshot-key", snapshot, "--timestamp-key", timestamp}
	must := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(args, &out); err != nil {
			t.Fatalf("qoltanba-release %s: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}
	must(append([]string{"init", "--root-key", root1, "--root-key", root2, "--root-threshold", "2"}, online...)...)

	bin := filepath.Join(t.TempDir(), "qoltanba")
	os.WriteFile(bin, []byte("program v1.1.0"), 0o755)
	sites := filepath.Join(t.TempDir(), "sites.json")
	os.WriteFile(sites, []byte(`{"sites":[]}`), 0o644)
	must(append([]string{"publish", "--version", "v1.1.0", "--program", "linux-amd64=" + bin, "--data", "data/known-sites.json=" + sites}, online...)...)
	if err := run(append([]string{"publish", "--version", "1.2", "--program", "linux-amd64=" + bin}, online...), io.Discard); err == nil {
		t.Fatal("publish took a version that is not vX.Y.Z")
	}
	if err := run(append([]string{"publish", "--version", "v1.2.0", "--program", "linux-amd64=" + bin, "--data", "data/run.sh=" + bin}, online...), io.Discard); err == nil {
		t.Fatal("publish took a data file the agent does not know")
	}

	srv := httptest.NewServer(http.FileServer(http.Dir(repo)))
	defer srv.Close()
	rootB64 := strings.TrimSpace(must("root", "--repo", repo))
	carried, err := base64.StdEncoding.DecodeString(rootB64)
	if err != nil {
		t.Fatal(err)
	}
	opts := update.Options{URL: srv.URL, Root: carried, StateDir: t.TempDir(), Version: "v1.0.0", GOOS: "linux", GOARCH: "amd64"}
	newest := func() (*update.Release, []byte, error) {
		t.Helper()
		ch, err := update.Check(context.Background(), opts)
		if err != nil {
			return nil, nil, err
		}
		rel, err := ch.Newest()
		if err != nil || rel == nil {
			return rel, nil, err
		}
		b, err := ch.Download(rel)
		return rel, b, err
	}
	rel, b, err := newest()
	if err != nil || rel.Version != "v1.1.0" || string(b) != "program v1.1.0" {
		t.Fatalf("newest = %+v, %q, %v", rel, b, err)
	}

	// The timestamp is re-signed alone, with the online key.
	must("timestamp", "--repo", repo, "--timestamp-key", timestamp)
	if _, _, err := newest(); err != nil {
		t.Fatalf("after a timestamp refresh: %v", err)
	}

	// Rotation: root3 replaces both root keys, timestamp2 the timestamp key.
	root3, timestamp2 := genKey(t, keys, "root3", ed...), genKey(t, keys, "timestamp2", ed...)
	must("rotate-root", "--repo", repo, "--old-root-key", root1, "--old-root-key", root2, "--root-key", root3, "--role-key", "timestamp="+timestamp2)
	os.WriteFile(bin, []byte("program v1.2.0"), 0o755)
	must("publish", "--repo", repo, "--targets-key", targets, "--snapshot-key", snapshot, "--timestamp-key", timestamp2,
		"--version", "v1.2.0", "--program", "linux-amd64="+bin)
	if rel, b, err = newest(); err != nil || rel.Version != "v1.2.0" || string(b) != "program v1.2.0" {
		t.Fatalf("after the rotation: %+v, %q, %v", rel, b, err)
	}
	// The revoked timestamp key signs no more.
	must("timestamp", "--repo", repo, "--timestamp-key", timestamp)
	if _, _, err := newest(); !errors.Is(err, &metadata.ErrUnsignedMetadata{}) {
		t.Fatalf("a timestamp signed by the revoked key: %v", err)
	}
	// The root printed for the next build is the rotated one.
	if got := strings.TrimSpace(must("root", "--repo", repo)); got == rootB64 {
		t.Fatal("root still prints the first root after the rotation")
	}
}
