package p11

// DefaultCatalog lists the modules of the tokens used in Kazakhstan and the
// generic ones. The vendor file names come from their installers' public
// documentation; the Kaztoken, ID card and AKey entries could not be
// checked against real hardware here — admins can add or override modules
// in the config file.
func DefaultCatalog() []ModuleSpec {
	return []ModuleSpec{
		{Name: "kaztoken", Storage: StorageKaztoken, Paths: []string{"libkaztoken.so", "/usr/lib/kaztoken/libkaztoken.so"}},
		{Name: "idcard", Storage: StorageIDCard, Paths: []string{"libidprimepkcs11.so", "/usr/lib/libIDPrimePKCS11.so"}},
		{Name: "etoken", Storage: StorageEToken72K, ModelStorage: map[string]string{"5110": StorageEToken5110}, Paths: []string{"libeTPkcs11.so", "/usr/lib/libeTPkcs11.so"}},
		{Name: "jacarta", Storage: StorageJaCarta, Paths: []string{"libjcPKCS11-2.so", "/usr/lib/libjcPKCS11-2.so"}},
		{Name: "akey", Storage: StorageAKey, Paths: []string{"libakeypkcs11.so"}},
		{Name: "rutoken", Storage: StorageRutoken, Paths: []string{"librtpkcs11ecp.so", "/usr/lib/librtpkcs11ecp.so"}},
		{Name: "opensc", Storage: StorageOpenSC, Paths: []string{"opensc-pkcs11.so"}},
		{Name: "softhsm", Storage: StorageSoftHSM, Paths: []string{"softhsm/libsofthsm2.so", "/usr/lib/softhsm/libsofthsm2.so"}},
	}
}

// libDirs are searched for bare file names.
func libDirs() []string {
	return []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/lib"}
}
