package transport

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// LoadTLS loads the installer's server certificate and key. When neither
// file exists (a developer run before `qoltanba install`) it makes an
// in-memory self-signed certificate for 127.0.0.1, ::1 and localhost and
// reports generated=true, so the caller can say so in the log.
func LoadTLS(certFile, keyFile string) (cfg *tls.Config, generated bool, err error) {
	_, errC := os.Stat(certFile)
	_, errK := os.Stat(keyFile)
	var cert tls.Certificate
	switch {
	case errC == nil && errK == nil:
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, false, fmt.Errorf("tls: %w", err)
		}
	case errors.Is(errC, os.ErrNotExist) && errors.Is(errK, os.ErrNotExist):
		cert, err = selfSigned()
		if err != nil {
			return nil, false, err
		}
		generated = true
	default:
		return nil, false, fmt.Errorf("tls: need both %s and %s", certFile, keyFile)
	}
	return serverTLS(cert), generated, nil
}

// serverTLS: TLS 1.3, or 1.2 with forward-secret AEAD suites only (no
// CBC, no RSA key exchange); every browser that can run a page offers them.
func serverTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		}}
}

func selfSigned() (tls.Certificate, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: "qoltanba local agent (temporary)"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(30 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k, Leaf: leaf}, nil
}
