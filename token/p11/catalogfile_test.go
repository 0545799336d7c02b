package p11

import (
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/token"
)

func TestParseCatalogFile(t *testing.T) {
	st := token.StorageKaztoken
	row := func(extra string) string {
		return `{"modules":[{"name":"mytoken","storage":"` + st + `"` + extra + `}]}`
	}
	for _, tc := range []struct {
		name, in, goos string
		paths          []string // of the one row for goos; nil: no row
		err            string
	}{
		{"linux row", row(`,"linux":["libmytoken.so","libmytoken.so.2*"],"windows":["mytoken.dll"]`), "linux", []string{"libmytoken.so", "libmytoken.so.2*"}, ""},
		{"windows row", row(`,"linux":["libmytoken.so"],"windows":["MyToken.DLL"]`), "windows", []string{"MyToken.DLL"}, ""},
		{"darwin row", row(`,"darwin":["libmytoken.dylib"]`), "darwin", []string{"libmytoken.dylib"}, ""},
		{"not for this OS", row(`,"windows":["mytoken.dll"]`), "linux", nil, ""},
		{"empty list", `{"modules":[]}`, "linux", nil, ""},
		{"absolute path refused", row(`,"linux":["/tmp/evil.so"]`), "linux", nil, "never a path"},
		{"relative path refused", row(`,"linux":["../../home/u/evil.so"]`), "linux", nil, "never a path"},
		{"windows path refused", row(`,"windows":["C:\\Users\\u\\evil.dll"]`), "windows", nil, "never a path"},
		{"UNC path refused", row(`,"windows":["\\\\host\\share\\evil.dll"]`), "windows", nil, "never a path"},
		{"path for another OS refused too", row(`,"linux":["libok.so"],"darwin":["/Users/u/evil.dylib"]`), "linux", nil, "never a path"},
		{"home path refused", row(`,"linux":["~evil.so"]`), "linux", nil, "never a path"},
		{"not a library", row(`,"linux":["evil.sh"]`), "linux", nil, "not a library"},
		{"dll on linux refused", row(`,"linux":["evil.dll"]`), "linux", nil, "not a library"},
		{"bare glob refused", row(`,"linux":["*"]`), "linux", nil, "not a library"},
		{"unknown storage", `{"modules":[{"name":"x","storage":"NoSuchStore","linux":["libx.so"]}]}`, "linux", nil, "not one the agent knows"},
		{"no name", `{"modules":[{"storage":"` + st + `","linux":["libx.so"]}]}`, "linux", nil, "short name"},
		{"unknown key (a path field)", row(`,"path":"/tmp/evil.so"`), "linux", nil, "unknown field"},
		{"no modules key", `{}`, "linux", nil, `no "modules"`},
		{"trailing data", `{"modules":[]}x`, "linux", nil, "data after"},
		{"not JSON", `modules`, "linux", nil, "invalid character"},
		{"too large", `{"modules":[]}` + strings.Repeat(" ", MaxCatalogFileBytes), "linux", nil, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCatalogFile([]byte(tc.in), tc.goos)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || got != nil {
					t.Fatalf("err = %v (%d rows), want %q", err, len(got), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.paths == nil {
				if len(got) != 0 {
					t.Fatalf("rows = %+v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Name != "mytoken" || got[0].Storage != st || strings.Join(got[0].Paths, ",") != strings.Join(tc.paths, ",") {
				t.Fatalf("rows = %+v, want paths %v", got, tc.paths)
			}
		})
	}
}

// A catalog row from the file is found the way the built-in ones are: by
// its file name in the system's library folders.
func TestCatalogFileRowLocated(t *testing.T) {
	dirs := libDirs()
	if len(dirs) == 0 {
		t.Skip("no library folders on this OS")
	}
	got, err := parseCatalogFile([]byte(`{"modules":[{"name":"c","storage":"`+token.StorageOpenSC+`","linux":["libc.so.6","libc.so*"]}]}`), "linux")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("rows = %+v", got)
	}
	p := locate(got[0].Paths)
	if p == "" || !strings.HasSuffix(p, "/libc.so.6") {
		t.Fatalf("located %q, want a libc.so.6 in %v", p, dirs)
	}
}

func FuzzParseCatalogFile(f *testing.F) {
	f.Add([]byte(`{"modules":[{"name":"mytoken","storage":"` + token.StorageKaztoken + `","linux":["libmytoken.so"],"windows":["C:\\x.dll"]}]}`))
	f.Add([]byte(`{"modules":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, goos := range []string{"linux", "windows", "darwin"} {
			rows, err := parseCatalogFile(b, goos)
			if err != nil && rows != nil {
				t.Fatal("rows with an error")
			}
			for _, r := range rows {
				for _, p := range r.Paths {
					if strings.ContainsAny(p, `/\:`) {
						t.Fatalf("a path was accepted: %q", p)
					}
				}
			}
		}
	})
}
