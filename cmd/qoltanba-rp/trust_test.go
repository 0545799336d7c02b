package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
)

// TestProductionTrustNeedsProductionCAs: a site asked to trust NCA's
// production CAs refuses to start when the directory has none (empty, or
// test CAs only), saying where to get them, instead of serving logins that
// nothing could be checked against.
func TestProductionTrustNeedsProductionCAs(t *testing.T) {
	rp := build(t, t.TempDir(), ".", "qoltanba-rp")
	for _, dir := range []string{t.TempDir(), ncatest.Dir} {
		// A site that starts anyway serves until the deadline: a failure,
		// not a hang.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, rp, "--trust", "production", "--ca-dir", dir, "--listen", "127.0.0.1:0").CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "pki.gov.kz") {
			t.Errorf("--ca-dir %s: %v\n%s", dir, err, out)
		}
	}
}
