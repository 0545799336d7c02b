package p11

import (
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
