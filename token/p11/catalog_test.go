package p11

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qoltanba/qoltanba/token"
)

// TestCatalogFromTable: the catalog is the table's modules for this OS, in
// its order, and the eToken module also serves the 5110 by its model.
func TestCatalogFromTable(t *testing.T) {
	var want []string
	for _, s := range token.Storages() {
		if s.Module != "" && len(osPaths(s)) > 0 {
			want = append(want, s.Module)
		}
	}
	var got []string
	for _, m := range DefaultCatalog() {
		got = append(got, m.Name)
		if s, _ := token.LookupStorage(m.Storage); s.Module != m.Name || !slices.Equal(m.Paths, osPaths(s)) {
			t.Errorf("module %s: storage %s, paths %v: not its row", m.Name, m.Storage, m.Paths)
		}
		if m.Name == "etoken" && (m.storageFor("eToken 5110 CC") != token.StorageEToken5110 || m.storageFor("eToken 72K") != token.StorageEToken72K) {
			t.Errorf("etoken serves %v", m.ModelStorage)
		}
	}
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("catalog %v, want %v", got, want)
	}
	if !slices.Contains(got, "etoken") || !slices.Contains(got, "rutoken") {
		t.Errorf("catalog %v lacks etoken or rutoken", got)
	}
}

// TestVendorNewestFirst: with every version of a Vietnamese CA's library
// installed, the table's Windows candidates find the newest (as locate
// does, in a folder of our own here).
func TestVendorNewestFirst(t *testing.T) {
	for _, c := range []struct {
		storage string
		files   []string
		want    string
	}{
		{token.StorageVNPT, []string{"vnpt-ca_v34.dll", "vnpt-ca_csp11.dll", "vnptca_p11_v6.dll", "vnptca_p11_v9.dll", "vnptca_p11_v10.dll"}, "vnptca_p11_v10.dll"},
		{token.StorageViettel, []string{"viettel-ca_v1.dll", "viettel-ca_v6.dll", "viettel-ca_v5.dll"}, "viettel-ca_v6.dll"},
		{token.StorageFPT, []string{"fpt-ca.dll", "fptca_v3.dll", "fptca_v6.dll"}, "fptca_v6.dll"},
		{token.StorageCA2, []string{"CA2_csp11.dll", "nca_v4.dll", "nca_v9.dll", "nca_v8.dll"}, "nca_v9.dll"},
		{token.StorageBkav, []string{"BkavCA.dll", "BkavCA_P11.dll"}, "BkavCA_P11.dll"},
	} {
		dir := t.TempDir()
		for _, f := range c.files {
			if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		s, _ := token.LookupStorage(c.storage)
		got := ""
		for _, p := range s.Windows {
			if got = firstFile(filepath.Join(dir, p)); got != "" {
				break
			}
		}
		if filepath.Base(got) != c.want {
			t.Errorf("%s: %q, want %s", c.storage, got, c.want)
		}
	}
}
