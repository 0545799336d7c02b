//go:build linux || darwin

package installer

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"github.com/smallstep/truststore"
)

// systemTrusted reports whether the system's pool has the CA.
func systemTrusted(ca *x509.Certificate, _ bool) bool {
	pool, err := x509.SystemCertPool()
	if err != nil {
		return false
	}
	_, err = ca.Verify(x509.VerifyOptions{Roots: pool})
	return err == nil
}

// withCAFile hands truststore a PEM file of the CA.
func withCAFile(ca *x509.Certificate, f func(string, ...truststore.Option) error) error {
	dir, err := os.MkdirTemp("", "qoltanba-ca")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "qoltanba-local-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), 0o644); err != nil {
		return err
	}
	if err := f(p); err != nil {
		return fmt.Errorf("installer: system trust store: %w", err)
	}
	return nil
}
