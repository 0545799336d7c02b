package token

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestStorageTable: one row per id and per module name, every module has
// files on some OS, a storage served by another's module names one that
// has a module, and the NCALayer ids are exactly NCALayer's.
func TestStorageTable(t *testing.T) {
	ids, modules := map[string]bool{}, map[string]bool{}
	var nca []string
	for _, s := range Storages() {
		if ids[s.ID] {
			t.Errorf("storage %s twice", s.ID)
		}
		ids[s.ID] = true
		if s.NCALayer {
			nca = append(nca, s.ID)
		}
		if s.Module != "" {
			if modules[strings.ToLower(s.Module)] {
				t.Errorf("module %s twice", s.Module)
			}
			modules[strings.ToLower(s.Module)] = true
			if len(s.Windows)+len(s.Linux)+len(s.Darwin) == 0 {
				t.Errorf("storage %s: module %s has no files", s.ID, s.Module)
			}
		}
		if s.ServedBy != "" {
			by, ok := LookupStorage(s.ServedBy)
			if !ok || by.Module == "" || s.Model == "" {
				t.Errorf("storage %s: served by %q, which has no module, or no model to tell them apart", s.ID, s.ServedBy)
			}
		}
	}
	want := "PKCS12 JKS AKKaztokenStore AKKZIDCardStore AKEToken72KStore AKEToken5110Store AKJaCartaStore AKAKEYStore"
	if got := strings.Join(nca, " "); got != want {
		t.Errorf("NCALayer's storages: %s, want %s", got, want)
	}
	if NCALayerStorage("RutokenStore") || NCALayerStorage("FLOPPY") || !NCALayerStorage("AKKaztokenStore") {
		t.Error("NCALayerStorage does not follow the table")
	}
}

// TestVendorModulesInTable: the PKCS#11 libraries the Vietnamese and
// Russian tokens install (issue 25's list) are each found by their
// storage's row, on the OS they ship for.
func TestVendorModulesInTable(t *testing.T) {
	var windows []struct{ storage, file string }
	add := func(storage string, files ...string) {
		for _, f := range files {
			windows = append(windows, struct{ storage, file string }{storage, f})
		}
	}
	versions := func(format string, from, to int) []string {
		var out []string
		for v := from; v <= to; v++ {
			out = append(out, fmt.Sprintf(format, v))
		}
		return out
	}
	add(StorageVNPT, versions("vnptca_p11_v%d.dll", 6, 10)...)
	add(StorageVNPT, "vnpt-ca_csp11.dll", "vnpt-ca_v34.dll")
	add(StorageViettel, versions("viettel-ca_v%d.dll", 1, 6)...)
	add(StorageBkav, "BkavCA.dll", "bkavcaetoken.dll", "BkavCAv2S.dll", "BkavCA_P11.dll")
	add(StorageFPT, "fpt-ca.dll")
	add(StorageFPT, versions("fptca_v%d.dll", 3, 6)...)
	add(StorageCA2, "CA2_csp11.dll")
	add(StorageCA2, versions("nca_v%d.dll", 4, 9)...)
	add(StorageRutoken, "rtPKCS11ECP.dll")
	add(StorageJaCarta, "jcPKCS11-2.dll")
	add(StorageEPass2003, "eps2003csp11.dll")
	add(StorageShuttle, "ShuttleCsp11_3003.dll")
	for _, w := range windows {
		s, _ := LookupStorage(w.storage)
		if !anyMatch(s.Windows, w.file) {
			t.Errorf("%s: %s is not in its row (%v)", w.storage, w.file, s.Windows)
		}
	}
	for id, file := range map[string]string{StorageRutoken: "librtpkcs11ecp.so", StorageJaCarta: "libjcPKCS11-2.so"} {
		s, _ := LookupStorage(id)
		if !anyMatch(s.Linux, file) {
			t.Errorf("%s: %s is not in its Linux row (%v)", id, file, s.Linux)
		}
	}
}

func anyMatch(patterns []string, file string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(strings.ToLower(filepath.Base(p)), strings.ToLower(file)); ok {
			return true
		}
	}
	return false
}

func TestStorageName(t *testing.T) {
	for _, c := range []struct{ id, locale, want string }{
		{StorageKaztoken, "kk", "Kaztoken"},
		{StorageIDCard, "kk", "Жеке куәлік"},
		{StorageIDCard, "en", "ID card"},
		{StorageIDCard, "xx", "ID card"},
		{StorageVNPT, "vi", "VNPT-CA"},
		{"MyStore", "en", "MyStore"},
	} {
		if got := StorageName(c.id, c.locale); got != c.want {
			t.Errorf("StorageName(%s, %s) = %q, want %q", c.id, c.locale, got, c.want)
		}
	}
}
