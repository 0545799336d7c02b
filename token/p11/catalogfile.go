package p11

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	"github.com/qoltanba/qoltanba/token"
)

// MaxCatalogFileBytes caps token-modules.json.
const MaxCatalogFileBytes = 8 << 20

// catalogFile is token-modules.json, a signed data file of the updater
// (docs/updates.md): more catalog rows for the token storages.
//
//	{"modules": [{"name": "mytoken", "storage": "AKKaztokenStore",
//	  "linux": ["libmytoken.so"], "windows": ["mytoken.dll"], "darwin": ["libmytoken.dylib"]}]}
type catalogFile struct {
	Modules []catalogRow `json:"modules"`
}

type catalogRow struct {
	Name    string   `json:"name"`    // short name, also accepted by --pkcs11
	Storage string   `json:"storage"` // a storage id of token.Storages
	Linux   []string `json:"linux"`
	Windows []string `json:"windows"`
	Darwin  []string `json:"darwin"`
}

// ParseCatalogFile parses token-modules.json strictly (unknown keys and
// trailing data refused, at most MaxCatalogFileBytes) into catalog rows
// for this OS. Each row serves a storage the agent knows and names its
// module by FILE NAME only (a glob like the built-in catalog's is fine),
// searched in the system's usual library directories as the built-in
// catalog's are. An absolute or relative path is refused: the file is
// data, and a data file must never choose code to load from anywhere (a
// user-writable folder, a share); only the admin's config or policy
// names a library by its path. One bad row refuses the file.
func ParseCatalogFile(b []byte) ([]ModuleSpec, error) {
	return parseCatalogFile(b, runtime.GOOS)
}

func parseCatalogFile(b []byte, goos string) ([]ModuleSpec, error) {
	if len(b) > MaxCatalogFileBytes {
		return nil, fmt.Errorf("token-modules.json is larger than %d bytes", MaxCatalogFileBytes)
	}
	var f catalogFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("token-modules.json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("token-modules.json: data after the JSON value")
	}
	if f.Modules == nil {
		return nil, errors.New(`token-modules.json: no "modules" list`)
	}
	var out []ModuleSpec
	for i, r := range f.Modules {
		if r.Name == "" || strings.ContainsAny(r.Name, "/\\ ") || len(r.Name) > 64 {
			return nil, fmt.Errorf("token-modules.json: module %d: a short name (letters, digits) is needed", i+1)
		}
		if _, ok := token.LookupStorage(r.Storage); !ok {
			return nil, fmt.Errorf("token-modules.json: module %q: storage %q is not one the agent knows", r.Name, r.Storage)
		}
		for j, names := range [][]string{r.Linux, r.Windows, r.Darwin} {
			for _, n := range names {
				if err := checkModuleFileName(n, libExts[j]); err != nil {
					return nil, fmt.Errorf("token-modules.json: module %q: %w", r.Name, err)
				}
			}
		}
		var names []string
		switch goos {
		case "linux":
			names = r.Linux
		case "windows":
			names = r.Windows
		case "darwin":
			names = r.Darwin
		}
		if len(names) == 0 {
			continue // not for this OS
		}
		out = append(out, ModuleSpec{Name: r.Name, Storage: r.Storage, Paths: append([]string(nil), names...)})
	}
	return out, nil
}

// libExts: what a library file name of Linux, Windows and macOS contains.
var libExts = [][]string{{".so"}, {".dll"}, {".dylib", ".so"}}

// checkModuleFileName accepts a bare library file name (or glob) of the
// OS's kind (libx.so, x.dll): no folder, no drive, no "..", nothing locate
// would take as a path.
func checkModuleFileName(n string, exts []string) error {
	low := strings.ToLower(n)
	switch {
	case !slices.ContainsFunc(exts, func(e string) bool { return strings.Contains(low, e) }):
		return fmt.Errorf("module file name %q: not a library file name (%s)", n, strings.Join(exts, ", "))
	case n == "", len(n) > 255:
		return fmt.Errorf("module file name %q: empty or too long", n)
	case strings.ContainsAny(n, `/\:`+"\x00"), n == ".", n == "..", strings.HasPrefix(n, "~"):
		return fmt.Errorf("module file name %q: a file name only, never a path (it is searched in the system's library folders)", n)
	}
	return nil
}
