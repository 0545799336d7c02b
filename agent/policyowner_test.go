//go:build !windows

package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyFlagNeedsAdminFile: a policy given with --policy counts only
// if an ordinary user could not have written it; a user's own file, one
// others may write, or one in a directory a user owns is refused, so no
// user can swap the administrator's policy for their own.
func TestPolicyFlagNeedsAdminFile(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: an administrator's file must be root's")
	}
	dir := t.TempDir() // root's, 0700
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(`{"disableUnattended":true}`), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	good := write("policy.json", 0o644)
	if p, err := LoadMachinePolicy(good); err != nil || p == nil || p.DisableUnattended == nil || !*p.DisableUnattended {
		t.Fatalf("an administrator's file: %+v %v", p, err)
	}
	users := write("users.json", 0o644)
	os.Chown(users, 65534, 65534)
	open := write("open.json", 0o666)
	userDir := filepath.Join(dir, "user")
	os.Mkdir(userDir, 0o755)
	os.Chown(userDir, 65534, 65534)
	inUserDir := filepath.Join(userDir, "policy.json")
	os.WriteFile(inUserDir, []byte(`{}`), 0o644)
	link := filepath.Join(userDir, "link.json") // a user's link to a user's file
	os.Symlink(users, link)
	for name, p := range map[string]string{"a user's file": users, "a file others may write": open, "in a user's directory": inUserDir, "a link to a user's file": link} {
		if _, err := LoadMachinePolicy(p); err == nil || !strings.Contains(err.Error(), "--policy") {
			t.Errorf("%s: %v, want it refused", name, err)
		}
	}
	if _, err := LoadMachinePolicy(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
}
