package installer

import (
	"crypto/x509"

	"github.com/smallstep/truststore"
)

// systemTrustWanted: Safari and Chrome on macOS use the keychain, so the
// CA always goes there (smallstep/truststore: the system keychain, which
// asks for an administrator's password).
func systemTrustWanted(Options) bool { return true }

// systemTrust adds the CA to the keychain as a trusted root.
func systemTrust(ca *x509.Certificate, _ bool) error {
	return withCAFile(ca, truststore.InstallFile)
}

func systemUntrust(ca *x509.Certificate, _ bool) error {
	return withCAFile(ca, truststore.UninstallFile)
}
