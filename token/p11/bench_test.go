package p11

import (
	"bytes"
	"testing"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token/p11/p11test"
)

// BenchmarkTokenSignCMS1KB is one token operation as the agent does it once
// the user has picked a certificate and typed the PIN: open a session and
// log in, find the private key, make a 1 KB CMS, log out and close. Compare with scripts/bench-pkcs11-vs-pkcs11tool.sh.
func BenchmarkTokenSignCMS1KB(b *testing.B) {
	tok := p11test.New(b)
	tok.AddRSA(b, "01", "rsa")
	tok.AddECDSA(b, "02", "ec")
	m, err := Open(ctx, tok.Lib, ModuleSpec{Name: "softhsm"})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	ts, err := m.Tokens(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// The dialog lists the certificates before the PIN is typed; that is
	// not part of the per-signature cost.
	certs, err := m.Certificates(ctx, ts[0].Slot)
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("a"), 1024)
	for _, tc := range []struct{ name, alias string }{{"RSA-2048", "rsa"}, {"ECDSA-P256", "ec"}} {
		var cert Certificate
		for _, c := range certs {
			if c.Label == tc.alias {
				cert = c
			}
		}
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				s, err := m.Login(ctx, ts[0].Slot, []byte(tok.PIN))
				if err != nil {
					b.Fatal(err)
				}
				k, err := s.Key(ctx, cert)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := signer.SignCMS(ctx, data, signer.KeyPair{Certificate: k.Certificate, Signer: k.Signer}, nil); err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}
