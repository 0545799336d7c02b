package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

// mkCert issues a certificate named cn with key id skid, signed by parent
// (self-signed when parent is nil).
func mkCert(t *testing.T, cn string, skid byte, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(skid)), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		SubjectKeyId: []byte{skid}, IsCA: true, BasicConstraintsValid: true,
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func TestBuildChain(t *testing.T) {
	root, rootKey := mkCert(t, "Root", 1, nil, nil)
	// A second CA with the root's name but another key: only the key
	// identifiers tell it from the real issuer.
	impostor, _ := mkCert(t, "Root", 9, nil, nil)
	inter, interKey := mkCert(t, "Inter", 2, root, rootKey)
	leaf, _ := mkCert(t, "Leaf", 3, inter, interKey)

	tests := []struct {
		name string
		leaf *x509.Certificate
		pool []*x509.Certificate
		want []*x509.Certificate
	}{
		{"full chain, any order", leaf, []*x509.Certificate{root, leaf, inter}, []*x509.Certificate{inter, root}},
		{"same-name CA skipped by key id", leaf, []*x509.Certificate{impostor, inter, root}, []*x509.Certificate{inter, root}},
		{"missing link stops", leaf, []*x509.Certificate{root}, nil},
		{"self-signed leaf has no chain", root, []*x509.Certificate{impostor, root}, nil},
		{"empty pool", leaf, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BuildChain(tt.leaf, tt.pool)
			if len(got) != len(tt.want) {
				t.Fatalf("chain of %d, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("chain[%d] = %q (key id %x), want %q (key id %x)", i,
						got[i].Subject.CommonName, got[i].SubjectKeyId, tt.want[i].Subject.CommonName, tt.want[i].SubjectKeyId)
				}
			}
		})
	}
}
