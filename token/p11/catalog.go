package p11

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qoltanba/qoltanba/token"
)

// The storage ids under their former names here (the table is
// token.Storages).
const (
	StorageKaztoken   = token.StorageKaztoken
	StorageIDCard     = token.StorageIDCard
	StorageEToken72K  = token.StorageEToken72K
	StorageEToken5110 = token.StorageEToken5110
	StorageJaCarta    = token.StorageJaCarta
	StorageAKey       = token.StorageAKey
	StorageRutoken    = token.StorageRutoken
	StorageOpenSC     = token.StorageOpenSC
	StorageSoftHSM    = token.StorageSoftHSM
)

// ModuleSpec is a PKCS#11 module the agent may load: a name, the storage it
// serves and where its library lives per OS. Only catalog entries and the
// admin's config are ever loaded; a web page can name a storage, never a
// library path.
type ModuleSpec struct {
	Name    string   // short name, also accepted by --pkcs11
	Storage string   // its token.Storage id
	Paths   []string // this OS's candidates: absolute paths or bare file names (searched in libDirs); either may be a glob
	// ModelStorage maps a token model substring to another storage, for
	// vendor libraries serving several NCALayer storages (eToken 72K/5110).
	ModelStorage map[string]string
}

// Found is a catalog module present on this machine.
type Found struct {
	Spec ModuleSpec
	Path string
}

// DefaultCatalog lists the token modules of this OS, read from the one
// table of storages (token.Storages): Kazakhstan's, Russia's, Vietnam's
// and the generic ones. Versioned names are globs; the newest installed
// version is taken. None of these could be checked against real hardware
// here; admins can add or override modules in the config file.
func DefaultCatalog() []ModuleSpec {
	var out []ModuleSpec
	table := token.Storages()
	for _, s := range table {
		paths := osPaths(s)
		if s.Module == "" || len(paths) == 0 {
			continue
		}
		spec := ModuleSpec{Name: s.Module, Storage: s.ID, Paths: slices.Clone(paths)}
		for _, o := range table {
			if o.ServedBy == s.ID && o.Model != "" {
				if spec.ModelStorage == nil {
					spec.ModelStorage = map[string]string{}
				}
				spec.ModelStorage[o.Model] = o.ID
			}
		}
		out = append(out, spec)
	}
	return out
}

// Installed returns the catalog modules whose library exists here.
func Installed(catalog []ModuleSpec) []Found {
	var out []Found
	for _, spec := range catalog {
		if p := locate(spec.Paths); p != "" {
			out = append(out, Found{spec, p})
		}
	}
	return out
}

// locate finds the first candidate present: an absolute path (or glob),
// or a bare file name (or glob, "vnptca_p11_v*.dll") in libDirs.
func locate(candidates []string) string {
	for _, c := range candidates {
		if filepath.IsAbs(c) {
			if p := firstFile(c); p != "" {
				return p
			}
			continue
		}
		for _, d := range libDirs() {
			if p := firstFile(filepath.Join(d, c)); p != "" {
				return p
			}
		}
	}
	return ""
}

// firstFile returns pattern's file; for a glob the newest of the versioned
// names that is a regular file (vnptca_p11_v10.dll after _v9.dll: numbers
// compare as numbers).
func firstFile(pattern string) string {
	if !strings.ContainsAny(pattern, "*?[") {
		if fileExists(pattern) {
			return pattern
		}
		return ""
	}
	matches, _ := filepath.Glob(pattern)
	slices.SortFunc(matches, versionCompare)
	for i := len(matches) - 1; i >= 0; i-- {
		if fileExists(matches[i]) {
			return matches[i]
		}
	}
	return ""
}

// versionCompare orders names with runs of digits compared as numbers
// ("v9" < "v10", "v5.dll" < "v5.10.dll"), the rest case-insensitively.
func versionCompare(a, b string) int {
	a, b = strings.ToLower(a), strings.ToLower(b)
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if da > 0 || db > 0 { // a further version part is newer: v5.10.dll > v5.dll
			return da - db
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Resolve turns what a local user typed (--pkcs11: a catalog name or a
// library path) into a library path and its catalog entry, if any.
func Resolve(catalog []ModuleSpec, nameOrPath string) (path string, spec ModuleSpec, ok bool) {
	for _, s := range catalog {
		if strings.EqualFold(s.Name, nameOrPath) {
			if p := locate(s.Paths); p != "" {
				return p, s, true
			}
			return "", s, false
		}
	}
	abs, err := filepath.Abs(nameOrPath)
	if err != nil || !fileExists(abs) {
		return "", ModuleSpec{}, false
	}
	for _, f := range Installed(catalog) {
		if same(f.Path, abs) {
			return abs, f.Spec, true
		}
	}
	return abs, ModuleSpec{Name: filepath.Base(abs), Storage: token.StoragePKCS11}, true
}

func same(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}

// storageFor names the storage of a token, looking at its model for
// libraries that serve several.
func (s ModuleSpec) storageFor(model string) string {
	keys := make([]string, 0, len(s.ModelStorage))
	for k := range s.ModelStorage {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.Contains(model, k) {
			return s.ModelStorage[k]
		}
	}
	return s.Storage
}
