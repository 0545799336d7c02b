package update

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// FuzzOutsideInput feeds what this package reads itself, beside go-tuf's
// parsers: a root's version (the carried and the cached root), a target's
// path and custom metadata (which program build it is), and the state
// file. None may panic; a program build is only ever one whose path and
// custom version agree, for this platform.
func FuzzOutsideInput(f *testing.F) {
	f.Add([]byte(`{"signed":{"_type":"root","version":3}}`), "qoltanba/v1.2.0/linux-amd64/qoltanba", []byte(`{"version":"v1.2.0"}`))
	f.Add([]byte(`{"placeholder":"x"}`), "qoltanba/v1.2.0/windows-amd64/qoltanba.exe", []byte(`{"version":"1.2.0"}`))
	f.Add([]byte(`{"lastCheck":"2026-01-01T00:00:00Z","result":"failed","reason":"refused"}`), "data/known-sites.json", []byte(`null`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte, path string, custom []byte) {
		if v, err := rootVersion(b); err == nil && v < 1 {
			t.Fatalf("root version %d accepted", v)
		}
		_, _ = trustedRoot(b, filepath.Join(dir, "missing.json"))
		raw := json.RawMessage(custom)
		tf := &metadata.TargetFiles{Path: path, Custom: &raw}
		for _, platform := range [][2]string{{"linux", "amd64"}, {"windows", "amd64"}} {
			if v, ok := programVersion(path, tf, platform[0], platform[1]); ok && ProgramPath(v, platform[0], platform[1]) != path {
				t.Fatalf("%q taken as %s's build %s", path, platform[0], v)
			}
		}
		if err := os.WriteFile(StateFile(dir), b, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _ = LoadState(dir)
	})
}
