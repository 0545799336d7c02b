package p11

// DefaultCatalog lists the token modules as their macOS installers place
// them (unchecked on real hardware; admins can add modules in the config).
func DefaultCatalog() []ModuleSpec {
	return []ModuleSpec{
		{Name: "kaztoken", Storage: StorageKaztoken, Paths: []string{"/usr/local/lib/libkaztoken.dylib"}},
		{Name: "idcard", Storage: StorageIDCard, Paths: []string{"/usr/local/lib/libIDPrimePKCS11.dylib"}},
		{Name: "etoken", Storage: StorageEToken72K, ModelStorage: map[string]string{"5110": StorageEToken5110}, Paths: []string{"/usr/local/lib/libeTPkcs11.dylib"}},
		{Name: "jacarta", Storage: StorageJaCarta, Paths: []string{"/Library/Aladdin/JaCartaPKCS11/lib/libjcPKCS11-2.dylib"}},
		{Name: "rutoken", Storage: StorageRutoken, Paths: []string{"/Library/Frameworks/rtpkcs11ecp.framework/rtpkcs11ecp"}},
		{Name: "opensc", Storage: StorageOpenSC, Paths: []string{"/Library/OpenSC/lib/opensc-pkcs11.so"}},
		{Name: "softhsm", Storage: StorageSoftHSM, Paths: []string{"/usr/local/lib/softhsm/libsofthsm2.so", "/opt/homebrew/lib/softhsm/libsofthsm2.so"}},
	}
}

func libDirs() []string { return []string{"/usr/local/lib", "/opt/homebrew/lib"} }
