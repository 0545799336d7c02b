package p11

import (
	"os"
	"path/filepath"
)

// Storages of the tokens Vietnamese users bring (not NCALayer names: a page
// cannot ask for them by name; the dialog shows them).
const (
	StorageVNPT    = "VNPT-CA"
	StorageViettel = "Viettel-CA"
	StorageBkav    = "BkavCA"
	StorageFPT     = "FPT-CA"
	StorageCA2     = "CA2"
	StorageSafeCA  = "SafeCA"
	StorageNewtel  = "NEWTEL-CA"
)

// DefaultCatalog lists the token modules Windows users have: Kazakhstan's
// (Kaztoken, the ID card's IDPrime, eToken, JaCarta, AKey), the common
// Vietnamese CAs' and the Russian ones (Rutoken, JaCarta). Versioned names
// are globs; the newest installed version is taken. None of these could be
// checked against real hardware here; admins can add or override modules
// in the config file.
func DefaultCatalog() []ModuleSpec {
	return []ModuleSpec{
		{Name: "kaztoken", Storage: StorageKaztoken, Paths: []string{"kaztoken.dll", "KazToken*.dll"}},
		{Name: "idcard", Storage: StorageIDCard, Paths: []string{"IDPrimePKCS11.dll"}},
		{Name: "etoken", Storage: StorageEToken72K, ModelStorage: map[string]string{"5110": StorageEToken5110}, Paths: []string{"eTPKCS11.dll"}},
		{Name: "jacarta", Storage: StorageJaCarta, Paths: []string{"jcPKCS11-2.dll"}},
		{Name: "akey", Storage: StorageAKey, Paths: []string{"akeypkcs11.dll"}},
		{Name: "rutoken", Storage: StorageRutoken, Paths: []string{"rtPKCS11ECP.dll"}},
		{Name: "vnpt", Storage: StorageVNPT, Paths: []string{"vnptca_p11_v*.dll", "vnpt-ca_csp11.dll"}},
		{Name: "viettel", Storage: StorageViettel, Paths: []string{"viettel-ca_v*.dll"}},
		{Name: "bkav", Storage: StorageBkav, Paths: []string{"BkavCA.dll"}},
		{Name: "fpt", Storage: StorageFPT, Paths: []string{"fpt-ca.dll", "fptca_v*.dll"}},
		{Name: "ca2", Storage: StorageCA2, Paths: []string{"CA2_csp11.dll"}},
		{Name: "safeca", Storage: StorageSafeCA, Paths: []string{"safe-ca.dll"}},
		{Name: "newtel", Storage: StorageNewtel, Paths: []string{"NEWTEL-CA.dll"}},
		{Name: "opensc", Storage: StorageOpenSC, Paths: []string{"opensc-pkcs11.dll"}},
		{Name: "softhsm", Storage: StorageSoftHSM, Paths: []string{"softhsm2-x64.dll"}},
	}
}

// libDirs are System32 (where token installers put their PKCS#11 DLLs)
// and the vendors' own folders under Program Files, one and two levels
// down ("Program Files\VNPT-CA", "Program Files\Aktiv Co\Rutoken"...).
func libDirs() []string {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	dirs := []string{filepath.Join(root, "System32")}
	for _, pf := range []string{os.Getenv("ProgramFiles"), os.Getenv("ProgramW6432")} {
		if pf == "" {
			continue
		}
		one, _ := filepath.Glob(filepath.Join(pf, "*"))
		two, _ := filepath.Glob(filepath.Join(pf, "*", "*"))
		for _, d := range append(one, two...) {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}
