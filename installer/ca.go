package installer

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"time"
)

// Validity of the local CA and server certificate. Renewal (a fresh CA)
// happens when less than RenewBefore is left.
const (
	Validity    = 2 * 365 * 24 * time.Hour
	RenewBefore = 30 * 24 * time.Hour
)

// TLSFiles are the files the agent serves with (the agent reads cert.pem
// and key.pem from ConfigDir/tls).
type TLSFiles struct{ Dir string }

func (f TLSFiles) CA() string   { return filepath.Join(f.Dir, "ca.pem") }
func (f TLSFiles) Cert() string { return filepath.Join(f.Dir, "cert.pem") }
func (f TLSFiles) Key() string  { return filepath.Join(f.Dir, "key.pem") }

// issueLocal makes a fresh local CA constrained to localhost, 127.0.0.1 and
// ::1 (critical), issues the server certificate with it, writes the CA
// certificate, the server certificate and the server key, and destroys the
// CA key: it never touches the disk and does not outlive this call. shared
// (an install for every user) makes the key readable by every user's agent.
func issueLocal(files TLSFiles, now time.Time, shared bool) (*x509.Certificate, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	defer func() { caKey.D.SetInt64(0) }() // the only copy of the CA key
	who := "user"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	host, _ := os.Hostname()
	serial := func() *big.Int { n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126)); return n }
	caTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject: pkix.Name{Organization: []string{"qoltanba"},
			CommonName: fmt.Sprintf("qoltanba local CA (%s@%s, %s)", who, host, now.Format("2006-01-02"))},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(Validity),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{"localhost"},
		PermittedIPRanges: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 1).To4(), Mask: net.CIDRMask(32, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("installer: local CA: %w", err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(Validity - time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, srvKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("installer: server certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(srvKey)
	if err != nil {
		return nil, err
	}
	// For every user (AllUsers: the machine's directory) each user's
	// agent must read the key; it serves only 127.0.0.1, and a local user
	// could take the port anyway.
	dirMode, keyMode := os.FileMode(0o700), os.FileMode(0o600)
	if shared {
		dirMode, keyMode = 0o755, 0o644
	}
	if err := os.MkdirAll(files.Dir, dirMode); err != nil {
		return nil, err
	}
	os.Chmod(files.Dir, dirMode)
	var chain bytes.Buffer
	pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: leafDER})
	pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	for _, w := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{
		{files.CA(), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644},
		{files.Cert(), chain.Bytes(), 0o644},
		{files.Key(), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), keyMode},
	} {
		if err := writeFileAtomic(w.path, w.data, w.mode); err != nil {
			return nil, err
		}
	}
	clear(keyDER)
	return ca, nil
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// loadCert reads the first certificate of a PEM file.
func loadCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, _ := pem.Decode(b)
	if p == nil {
		return nil, errors.New("installer: " + path + ": no PEM certificate")
	}
	return x509.ParseCertificate(p.Bytes)
}

// fingerprint is the SHA-256 of a certificate, hex.
func fingerprint(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return hex.EncodeToString(s[:])
}
