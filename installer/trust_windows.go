package installer

// The Windows root store through the CryptoAPI directly (golang.org/x/sys/
// windows), not smallstep/truststore: truststore writes only the current
// user's store, and an installer running elevated for all users (the MSI's
// custom action, as LocalSystem) needs the machine's.

import (
	"crypto/sha1"
	"crypto/x509"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// systemTrustWanted: on Windows browsers (Edge, Chrome, and Firefox with
// enterprise roots) use the Windows store, so the CA always goes there: the
// user's for one user, the machine's with AllUsers.
func systemTrustWanted(o Options) bool { return true }

func storeFlags(allUsers bool) uint32 {
	if allUsers {
		return windows.CERT_SYSTEM_STORE_LOCAL_MACHINE
	}
	return windows.CERT_SYSTEM_STORE_CURRENT_USER
}

func openRoot(allUsers bool) (windows.Handle, error) {
	return openRootAs(windows.CERT_STORE_PROV_SYSTEM, allUsers)
}

// openRootAs opens the root store through a given provider: the logical
// system store (CERT_STORE_PROV_SYSTEM, what browsers read) or its registry
// physical store (CERT_STORE_PROV_SYSTEM_REGISTRY, where an added
// certificate lands).
func openRootAs(provider uintptr, allUsers bool) (windows.Handle, error) {
	name, _ := windows.UTF16PtrFromString("ROOT")
	h, err := windows.CertOpenStore(provider, 0, 0, storeFlags(allUsers), uintptr(unsafe.Pointer(name)))
	if err != nil {
		return 0, fmt.Errorf("installer: open the %s root store: %w", scopeName(allUsers), err)
	}
	return h, nil
}

func scopeName(allUsers bool) string {
	if allUsers {
		return "machine's"
	}
	return "user's"
}

// systemTrust adds the CA to the root store. For one user Windows asks
// first ("Do you want to install this certificate?"); the caller says so.
func systemTrust(ca *x509.Certificate, allUsers bool) error {
	store, err := openRoot(allUsers)
	if err != nil {
		return err
	}
	defer windows.CertCloseStore(store, 0)
	ctx, err := windows.CertCreateCertificateContext(windows.X509_ASN_ENCODING|windows.PKCS_7_ASN_ENCODING, &ca.Raw[0], uint32(len(ca.Raw)))
	if err != nil {
		return fmt.Errorf("installer: certificate context: %w", err)
	}
	defer windows.CertFreeCertificateContext(ctx)
	if err := windows.CertAddCertificateContextToStore(store, ctx, windows.CERT_STORE_ADD_REPLACE_EXISTING, nil); err != nil {
		return fmt.Errorf("installer: add to the %s root store: %w", scopeName(allUsers), err)
	}
	return nil
}

// findInRoot returns the store's context of ca (by SHA-1 thumbprint).
func findInRoot(store windows.Handle, ca *x509.Certificate) *windows.CertContext {
	sum := sha1.Sum(ca.Raw)
	blob := windows.CryptHashBlob{Size: uint32(len(sum)), Data: &sum[0]}
	ctx, err := windows.CertFindCertificateInStore(store, windows.X509_ASN_ENCODING|windows.PKCS_7_ASN_ENCODING, 0,
		windows.CERT_FIND_SHA1_HASH, unsafe.Pointer(&blob), nil)
	if err != nil {
		return nil
	}
	return ctx
}

// systemUntrust removes the CA from the root store: from the logical store
// first (for the user's store Windows asks), then whatever is left in its
// registry store (Wine's logical stores drop a deletion instead of writing
// it back; on Windows nothing is left by then). It fails unless the CA is
// gone afterwards, so "removed" is never said of a CA still trusted.
func systemUntrust(ca *x509.Certificate, allUsers bool) error {
	if err := deleteFrom(windows.CERT_STORE_PROV_SYSTEM, ca, allUsers); err != nil {
		return err
	}
	if err := deleteFrom(windows.CERT_STORE_PROV_SYSTEM_REGISTRY, ca, allUsers); err != nil {
		return err
	}
	if systemTrusted(ca, allUsers) {
		return fmt.Errorf("installer: the local CA is still in the %s root store after removing it", scopeName(allUsers))
	}
	return nil
}

func deleteFrom(provider uintptr, ca *x509.Certificate, allUsers bool) error {
	store, err := openRootAs(provider, allUsers)
	if err != nil {
		return err
	}
	defer windows.CertCloseStore(store, 0)
	for {
		ctx := findInRoot(store, ca)
		if ctx == nil {
			return nil
		}
		if err := windows.CertDeleteCertificateFromStore(ctx); err != nil { // frees ctx
			return fmt.Errorf("installer: remove from the %s root store: %w", scopeName(allUsers), err)
		}
	}
}

// systemTrusted reports whether the root store holds the CA.
func systemTrusted(ca *x509.Certificate, allUsers bool) bool {
	store, err := openRoot(allUsers)
	if err != nil {
		return false
	}
	defer windows.CertCloseStore(store, 0)
	ctx := findInRoot(store, ca)
	if ctx == nil {
		return false
	}
	windows.CertFreeCertificateContext(ctx)
	return true
}
