package token

import "slices"

// Storage ids: NCALayer's names where NCALayer has one (a page may name
// these in its requests and gets them back from getActiveTokens), ours
// for the stores it does not know.
const (
	StoragePKCS12     = "PKCS12" // a key file (.p12, .pfx)
	StorageJKS        = "JKS"    // NCALayer's Java key store: a key file here
	StorageKaztoken   = "AKKaztokenStore"
	StorageIDCard     = "AKKZIDCardStore"
	StorageEToken72K  = "AKEToken72KStore"
	StorageEToken5110 = "AKEToken5110Store"
	StorageJaCarta    = "AKJaCartaStore"
	StorageAKey       = "AKAKEYStore"
	StorageRutoken    = "RutokenStore"
	StorageVNPT       = "VNPT-CA"
	StorageViettel    = "Viettel-CA"
	StorageBkav       = "BkavCA"
	StorageFPT        = "FPT-CA"
	StorageCA2        = "CA2"
	StorageSafeCA     = "SafeCA"
	StorageNewtel     = "NEWTEL-CA"
	StorageEPass2003  = "ePass2003"
	StorageShuttle    = "Shuttle"
	StorageOpenSC     = "OpenSCStore"
	StorageSoftHSM    = "SoftHSMStore"
	// StoragePKCS11 is a module the user named by its path (--pkcs11), not
	// one of the catalog's.
	StoragePKCS11 = "PKCS11"
)

// Storage is one kind of key store: its id, what people call it, whether
// NCALayer pages may name it, and the PKCS#11 module that serves it on
// each OS. [Storages] is the one table of them: the NCALayer door reads
// which ids a page may name, the dialogs their names, token/p11 its
// catalog of modules to probe.
type Storage struct {
	ID string
	// Name is what people call it in every language (a brand: "Kaztoken").
	// Names, when set, are its words per language (kk, ru, en, vi) for a
	// store known by what it is ("ID card"); they win over Name.
	Name  string
	Names map[string]string
	// NCALayer: NCALayer knows this id (a page's allowedStorages or
	// storageName may say it).
	NCALayer bool
	// Module is the catalog entry's short name (also accepted by --pkcs11);
	// empty for key files.
	Module string
	// The module's file names per OS: bare names (searched in the OS's
	// library folders) or absolute paths, either may be a glob — a
	// versioned glob ("vnptca_p11_v*.dll") takes the newest version
	// installed. Candidates are tried in order: the newest first.
	Windows, Linux, Darwin []string
	// ServedBy names the storage whose module serves this one as well,
	// telling them apart by the token's model containing Model (one
	// eToken library serves the 72K and the 5110).
	ServedBy, Model string
}

// NameIn is the storage's name in locale: its words there, else its
// brand name, else its English words.
func (s Storage) NameIn(locale string) string {
	if n := s.Names[locale]; n != "" {
		return n
	}
	if s.Name != "" {
		return s.Name
	}
	return s.Names["en"]
}

// Storages returns the table, in the order the catalog probes modules:
// Kazakhstan's tokens, Russia's, Vietnam's, then the generic ones. The
// module names come from the vendors' installers and public documents;
// none could be checked against real hardware here, so admins can add or
// override modules in the config file.
func Storages() []Storage { return slices.Clone(storages) }

// LookupStorage finds a storage by id.
func LookupStorage(id string) (Storage, bool) {
	i := slices.IndexFunc(storages, func(s Storage) bool { return s.ID == id })
	if i < 0 {
		return Storage{}, false
	}
	return storages[i], true
}

// StorageName is what people call the storage id in locale; an id the
// table does not know is shown as it is (an admin's own module).
func StorageName(id, locale string) string {
	if s, ok := LookupStorage(id); ok {
		return s.NameIn(locale)
	}
	return id
}

// NCALayerStorage reports whether NCALayer knows the storage id.
func NCALayerStorage(id string) bool {
	s, ok := LookupStorage(id)
	return ok && s.NCALayer
}

var storages = []Storage{
	{ID: StoragePKCS12, NCALayer: true, Names: map[string]string{
		"kk": "Кілт файлы", "ru": "Файл ключа", "en": "Key file", "vi": "Tệp khóa"}},
	{ID: StorageJKS, NCALayer: true, Names: map[string]string{
		"kk": "Кілт файлы (JKS)", "ru": "Файл ключа (JKS)", "en": "Key file (JKS)", "vi": "Tệp khóa (JKS)"}},

	// Kazakhstan (NCALayer's tokens).
	{ID: StorageKaztoken, Name: "Kaztoken", NCALayer: true, Module: "kaztoken",
		Windows: []string{"kaztoken.dll", "KazToken*.dll"},
		Linux:   []string{"libkaztoken.so", "/usr/lib/kaztoken/libkaztoken.so"},
		Darwin:  []string{"/usr/local/lib/libkaztoken.dylib"}},
	{ID: StorageIDCard, NCALayer: true, Module: "idcard", Names: map[string]string{
		"kk": "Жеке куәлік", "ru": "Удостоверение личности", "en": "ID card", "vi": "Thẻ căn cước"},
		Windows: []string{"IDPrimePKCS11.dll"},
		Linux:   []string{"libidprimepkcs11.so", "/usr/lib/libIDPrimePKCS11.so"},
		Darwin:  []string{"/usr/local/lib/libIDPrimePKCS11.dylib"}},
	{ID: StorageEToken72K, Name: "eToken 72K", NCALayer: true, Module: "etoken",
		Windows: []string{"eTPKCS11.dll"},
		Linux:   []string{"libeTPkcs11.so", "/usr/lib/libeTPkcs11.so"},
		Darwin:  []string{"/usr/local/lib/libeTPkcs11.dylib"}},
	{ID: StorageEToken5110, Name: "eToken 5110", NCALayer: true, ServedBy: StorageEToken72K, Model: "5110"},
	{ID: StorageJaCarta, Name: "JaCarta", NCALayer: true, Module: "jacarta",
		Windows: []string{"jcPKCS11-2.dll"},
		Linux:   []string{"libjcPKCS11-2.so", "/usr/lib/libjcPKCS11-2.so"},
		Darwin:  []string{"/Library/Aladdin/JaCartaPKCS11/lib/libjcPKCS11-2.dylib"}},
	{ID: StorageAKey, Name: "AKey", NCALayer: true, Module: "akey",
		Windows: []string{"akeypkcs11.dll"},
		Linux:   []string{"libakeypkcs11.so"}},

	// Russia (JaCarta above serves both countries).
	{ID: StorageRutoken, Name: "Rutoken", Module: "rutoken",
		Windows: []string{"rtPKCS11ECP.dll"},
		Linux:   []string{"librtpkcs11ecp.so", "/usr/lib/librtpkcs11ecp.so", "/opt/aktivco/rutokenecp/x86_64/librtpkcs11ecp.so"},
		Darwin:  []string{"/Library/Frameworks/rtpkcs11ecp.framework/rtpkcs11ecp"}},

	// Vietnam ("USB ký số"). The vendors ship Windows DLLs; their Linux
	// names are from public listings where one was found, unchecked.
	{ID: StorageVNPT, Name: "VNPT-CA", Module: "vnpt",
		Windows: []string{"vnptca_p11_v*.dll", "vnpt-ca_csp11.dll", "vnpt-ca_v34.dll"},
		Linux:   []string{"/usr/lib/vnpt-ca/libcryptoki.so"},
		Darwin:  []string{"/Library/vnpt-ca/lib/libcryptoki.dylib"}},
	{ID: StorageViettel, Name: "Viettel-CA", Module: "viettel",
		Windows: []string{"viettel-ca_v*.dll"},
		Linux:   []string{"/usr/lib/viettel-ca/libpkcs11.so"}},
	{ID: StorageBkav, Name: "BkavCA", Module: "bkav",
		Windows: []string{"BkavCA_P11.dll", "BkavCAv2S.dll", "bkavcaetoken.dll", "BkavCA.dll"}},
	{ID: StorageFPT, Name: "FPT-CA", Module: "fpt",
		Windows: []string{"fptca_v*.dll", "fpt-ca.dll"},
		Linux:   []string{"/usr/lib/fpt-ca/libpkcs11.so"}},
	{ID: StorageCA2, Name: "CA2 (Nacencomm)", Module: "ca2",
		Windows: []string{"nca_v*.dll", "CA2_csp11.dll"}},
	{ID: StorageSafeCA, Name: "Safe-CA", Module: "safeca",
		Windows: []string{"safe-ca.dll"}},
	{ID: StorageNewtel, Name: "NewTel-CA", Module: "newtel",
		Windows: []string{"NEWTEL-CA.dll"}},

	// Generic tokens many CAs hand out under their own brand.
	{ID: StorageEPass2003, Name: "ePass2003", Module: "epass2003",
		Windows: []string{"eps2003csp11v2.dll", "eps2003csp11.dll"},
		Linux:   []string{"libcastle.so.1.0.0", "/usr/lib/libcastle.so.1.0.0"}},
	{ID: StorageShuttle, Name: "Shuttle", Module: "shuttle",
		Windows: []string{"ShuttleCsp11_3003.dll"}},
	{ID: StorageOpenSC, Module: "opensc", Names: map[string]string{
		"kk": "Смарт-карта", "ru": "Смарт-карта", "en": "Smart card", "vi": "Thẻ thông minh"},
		Windows: []string{"opensc-pkcs11.dll"},
		Linux:   []string{"opensc-pkcs11.so"},
		Darwin:  []string{"/Library/OpenSC/lib/opensc-pkcs11.so"}},
	{ID: StorageSoftHSM, Name: "SoftHSM", Module: "softhsm",
		Windows: []string{"softhsm2-x64.dll"},
		Linux:   []string{"softhsm/libsofthsm2.so", "/usr/lib/softhsm/libsofthsm2.so"},
		Darwin:  []string{"/usr/local/lib/softhsm/libsofthsm2.so", "/opt/homebrew/lib/softhsm/libsofthsm2.so"}},
	{ID: StoragePKCS11, Names: map[string]string{
		"kk": "PKCS#11 модулі", "ru": "Модуль PKCS#11", "en": "PKCS#11 module", "vi": "Mô-đun PKCS#11"}},
}
