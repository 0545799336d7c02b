package p11

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// NCALayer's storage names for hardware tokens, and ours for generic ones.
const (
	StorageKaztoken   = "AKKaztokenStore"
	StorageIDCard     = "AKKZIDCardStore"
	StorageEToken72K  = "AKEToken72KStore"
	StorageEToken5110 = "AKEToken5110Store"
	StorageJaCarta    = "AKJaCartaStore"
	StorageAKey       = "AKAKEYStore"
	StorageRutoken    = "RutokenStore"
	StorageOpenSC     = "OpenSCStore"
	StorageSoftHSM    = "SoftHSMStore"
)

// ModuleSpec is a PKCS#11 module the agent may load: a name, the storage it
// serves and where its library lives per OS. Only catalog entries and the
// admin's config are ever loaded; a web page can name a storage, never a
// library path.
type ModuleSpec struct {
	Name    string              // short name, also accepted by --pkcs11
	Storage string              // NCALayer storage name
	Paths   map[string][]string // GOOS -> absolute paths or bare file names (searched in the usual library directories)
	// ModelStorage maps a token model substring to another storage, for
	// vendor libraries serving several NCALayer storages (eToken 72K/5110).
	ModelStorage map[string]string
}

// DefaultCatalog lists the modules of the tokens used in Kazakhstan and the
// generic ones. The vendor file names come from their installers' public
// documentation; the Kaztoken, ID card and AKey entries could not be
// checked against real hardware here (see the issue notes) — admins can
// add or override modules in the config file.
func DefaultCatalog() []ModuleSpec {
	return []ModuleSpec{
		{Name: "kaztoken", Storage: StorageKaztoken, Paths: map[string][]string{
			"linux": {"libkaztoken.so", "/usr/lib/kaztoken/libkaztoken.so"}, "windows": {"kaztoken.dll"}, "darwin": {"/usr/local/lib/libkaztoken.dylib"}}},
		{Name: "idcard", Storage: StorageIDCard, Paths: map[string][]string{
			"linux": {"libidprimepkcs11.so", "/usr/lib/libIDPrimePKCS11.so"}, "windows": {"IDPrimePKCS11.dll"}, "darwin": {"/usr/local/lib/libIDPrimePKCS11.dylib"}}},
		{Name: "etoken", Storage: StorageEToken72K, ModelStorage: map[string]string{"5110": StorageEToken5110}, Paths: map[string][]string{
			"linux": {"libeTPkcs11.so", "/usr/lib/libeTPkcs11.so"}, "windows": {"eTPKCS11.dll"}, "darwin": {"/usr/local/lib/libeTPkcs11.dylib"}}},
		{Name: "jacarta", Storage: StorageJaCarta, Paths: map[string][]string{
			"linux": {"libjcPKCS11-2.so", "/usr/lib/libjcPKCS11-2.so"}, "windows": {"jcPKCS11-2.dll"}, "darwin": {"/Library/Aladdin/JaCartaPKCS11/lib/libjcPKCS11-2.dylib"}}},
		{Name: "akey", Storage: StorageAKey, Paths: map[string][]string{
			"linux": {"libakeypkcs11.so"}, "windows": {"akeypkcs11.dll"}}},
		{Name: "rutoken", Storage: StorageRutoken, Paths: map[string][]string{
			"linux": {"librtpkcs11ecp.so", "/usr/lib/librtpkcs11ecp.so"}, "windows": {"rtPKCS11ECP.dll"}, "darwin": {"/Library/Frameworks/rtpkcs11ecp.framework/rtpkcs11ecp"}}},
		{Name: "opensc", Storage: StorageOpenSC, Paths: map[string][]string{
			"linux": {"opensc-pkcs11.so"}, "windows": {"opensc-pkcs11.dll"}, "darwin": {"/Library/OpenSC/lib/opensc-pkcs11.so"}}},
		{Name: "softhsm", Storage: StorageSoftHSM, Paths: map[string][]string{
			"linux": {"softhsm/libsofthsm2.so", "/usr/lib/softhsm/libsofthsm2.so"}, "darwin": {"/usr/local/lib/softhsm/libsofthsm2.so"}}},
	}
}

// libDirs are searched for bare file names.
func libDirs(goos string) []string {
	switch goos {
	case "linux":
		return []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/lib"}
	case "windows":
		if d := os.Getenv("SystemRoot"); d != "" {
			return []string{filepath.Join(d, "System32")}
		}
		return []string{`C:\Windows\System32`}
	case "darwin":
		return []string{"/usr/local/lib", "/opt/homebrew/lib"}
	}
	return nil
}

// Found is a catalog module present on this machine.
type Found struct {
	Spec ModuleSpec
	Path string
}

// Installed returns the catalog modules whose library exists here.
func Installed(catalog []ModuleSpec) []Found {
	var out []Found
	for _, spec := range catalog {
		if p := locate(spec.Paths[runtime.GOOS], runtime.GOOS); p != "" {
			out = append(out, Found{spec, p})
		}
	}
	return out
}

func locate(candidates []string, goos string) string {
	for _, c := range candidates {
		if filepath.IsAbs(c) {
			if fileExists(c) {
				return c
			}
			continue
		}
		for _, d := range libDirs(goos) {
			if p := filepath.Join(d, c); fileExists(p) {
				return p
			}
		}
	}
	return ""
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
			if p := locate(s.Paths[runtime.GOOS], runtime.GOOS); p != "" {
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
	return abs, ModuleSpec{Name: filepath.Base(abs), Storage: "PKCS11"}, true
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
