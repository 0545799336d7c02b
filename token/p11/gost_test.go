package p11

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/qoltanba/qoltanba/internal/testkit/gostp11"
	"github.com/qoltanba/qoltanba/signer"
)

func openGOST(t *testing.T, tok *gostp11.Token) (*Module, TokenInfo) {
	t.Helper()
	m, err := Open(ctx, tok.Module(t), ModuleSpec{Name: "rutoken", Storage: StorageRutoken})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, onlyToken(t, m)
}

// TestGOSTToken: Russian GOST-2012 keys on a token (the test module signs
// through OpenSSL's gost engine): certificates listed before any PIN,
// then CMS signed with each mechanism the token may offer, checked
// by our verifier and by `openssl cms -verify -engine gost`.
func TestGOSTToken(t *testing.T) {
	tok := gostp11.New(t)
	k256 := tok.AddKey(t, "a1", "Иванов ГОСТ-256", "gost2012_256", "A", "")
	k512 := tok.AddKey(t, "a2", "Иванов ГОСТ-512", "gost2012_512", "C", "")
	certs := map[string]*x509.Certificate{k256.Label: k256.Cert, k512.Label: k512.Cert}
	roots := signer.VerifyOptions{Chain: signer.ChainOptions{Roots: []*x509.Certificate{tok.CA}}}
	for _, tc := range []struct {
		mechs             string
		raw256, hash256   uint
		raw512, hash512   uint
		digestSignRefused bool
	}{
		// Both offered: the hash computed here is signed (ruMechanisms says why).
		{"raw hash", 0x1201, 0xD4321008, 0xD4321006, 0xD4321009, false},
		{"raw", 0x1201, 0, 0xD4321006, 0, false},
		// Only the token's own hashing: the data goes to the token.
		{"hash", 0, 0xD4321008, 0, 0xD4321009, true},
	} {
		t.Run(tc.mechs, func(t *testing.T) {
			tok.Mechanisms = tc.mechs
			m, ti := openGOST(t, tok)
			if ti.Label != "RUTOKEN TEST" || ti.Model != "Rutoken ECP 2.0" || ti.Storage != StorageRutoken || !ti.LoginNeeded || ti.PIN != (PINState{}) {
				t.Errorf("token info %+v", ti)
			}
			// Before any PIN: the certificates, and nothing private.
			listed, err := m.Certificates(ctx, ti.Slot)
			if err != nil || len(listed) != 2 {
				t.Fatalf("certificates without login: %d %v", len(listed), err)
			}
			for _, c := range listed {
				if !c.Cert.Equal(certs[c.Label]) || signer.AlgorithmOf(c.Cert) == signer.UnknownAlgorithm {
					t.Errorf("listed %q: wrong certificate", c.Label)
				}
			}
			s, err := m.Login(ctx, ti.Slot, []byte(tok.PIN))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			keys, err := s.Keys(ctx)
			if err != nil || len(keys) != 2 {
				t.Fatalf("keys: %v %v", keys, err)
			}
			dir := t.TempDir()
			for _, k := range keys {
				if !k.Certificate.Equal(certs[k.Alias]) {
					t.Fatalf("key %q has the wrong certificate", k.Alias)
				}
				ks := k.Signer.(*keySigner)
				raw, hash := tc.raw256, tc.hash256
				if k.Algorithm == signer.GOSTR2012_512 {
					raw, hash = tc.raw512, tc.hash512
				} else if k.Algorithm != signer.GOSTR2012_256 {
					t.Fatalf("%s: algorithm %v", k.Alias, k.Algorithm)
				}
				if ks.raw != raw || ks.withHash != hash {
					t.Errorf("%s: mechanisms %#x/%#x, want %#x/%#x", k.Alias, ks.raw, ks.withHash, raw, hash)
				}
				pair := signer.KeyPair{Certificate: k.Certificate, Signer: k.Signer}
				doc := []byte("Заявление на портале Госуслуг № 42\n")
				cms, err := signer.SignCMS(ctx, doc, pair, nil)
				if err != nil {
					t.Fatalf("%s: %v", k.Alias, err)
				}
				if _, err := signer.VerifyCMS(cms, roots); err != nil {
					t.Errorf("%s: our verifier: %v", k.Alias, err)
				}
				f := filepath.Join(dir, "s.cms")
				os.WriteFile(f, cms, 0o600)
				if out, err := exec.Command("openssl", "cms", "-verify", "-engine", "gost", "-inform", "DER", "-in", f,
					"-CAfile", tok.CAFile, "-purpose", "any", "-binary", "-out", os.DevNull).CombinedOutput(); err != nil {
					t.Errorf("%s: openssl cms -verify: %v\n%s", k.Alias, err, out)
				}
				// A changed signature fails both: the checks can fail.
				bad := append([]byte(nil), cms...)
				bad[len(bad)-5] ^= 1
				if _, err := signer.VerifyCMS(bad, roots); err == nil {
					t.Errorf("%s: a changed CMS verified", k.Alias)
				}
				os.WriteFile(f, bad, 0o600)
				if exec.Command("openssl", "cms", "-verify", "-engine", "gost", "-inform", "DER", "-in", f,
					"-CAfile", tok.CAFile, "-purpose", "any", "-binary", "-out", os.DevNull).Run() == nil {
					t.Errorf("%s: openssl verified a changed CMS", k.Alias)
				}
				// A digest alone: the token must be able to sign one.
				scheme, _ := signer.SchemeFor(k.Signer.Public())
				sig, err := k.Signer.Sign(rand.Reader, scheme.Digest(doc), scheme)
				switch {
				case tc.digestSignRefused && !errors.Is(err, ErrHashOnToken):
					t.Errorf("%s: signing a digest on a hash-only token: %v", k.Alias, err)
				case !tc.digestSignRefused && (err != nil || !k.Signer.Public().(*signer.GOSTPublicKey).Verify(scheme.Digest(doc), sig)):
					t.Errorf("%s: raw signature over a digest: %v", k.Alias, err)
				}
			}
			// The dialog's path: a listed certificate, then its key.
			for _, c := range listed {
				k, err := s.Key(ctx, c)
				if err != nil {
					t.Fatalf("Key(%s): %v", c.Label, err)
				}
				if _, err := signer.SignCMS(ctx, []byte("x"), signer.KeyPair{Certificate: k.Certificate, Signer: k.Signer}, nil); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestGOSTMismatchedKey: a private key whose type or curve is not its
// certificate's (same CKA_ID) is not offered: its signatures would not
// verify.
func TestGOSTMismatchedKey(t *testing.T) {
	tok := gostp11.New(t)
	good := tok.AddKey(t, "01", "good", "gost2012_256", "A", "")
	tok.AddKey(t, "02", "512 cert, 256 key", "gost2012_512", "A", "")
	tok.AddKey(t, "03", "curve B cert, curve A key", "gost2012_256", "B", "")
	tok.Keys[1].KeyFile = tok.Keys[0].KeyFile
	tok.Keys[2].KeyFile = tok.Keys[0].KeyFile
	m, ti := openGOST(t, tok)
	s, err := m.Login(ctx, ti.Slot, []byte(tok.PIN))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keys, err := s.Keys(ctx)
	if err != nil || len(keys) != 1 || !keys[0].Certificate.Equal(good.Cert) {
		t.Fatalf("keys: %v %v", keys, err)
	}
	certs, err := m.Certificates(ctx, ti.Slot)
	if err != nil || len(certs) != 3 {
		t.Fatalf("certificates: %v %v", certs, err)
	}
	for _, c := range certs[1:] {
		if _, err := s.Key(ctx, c); !errors.Is(err, ErrNoKey) {
			t.Errorf("Key(%s): %v, want ErrNoKey", c.Label, err)
		}
	}
}

// TestGOSTWrongPINAndLock: the token counts wrong PINs (count low, final
// try) and locks; a locked token refuses the right PIN too.
func TestGOSTWrongPINAndLock(t *testing.T) {
	tok := gostp11.New(t)
	tok.AddKey(t, "01", "k", "gost2012_256", "A", "")
	m, ti := openGOST(t, tok)
	for i, want := range []PINState{{CountLow: true}, {CountLow: true, FinalTry: true}} {
		_, err := m.Login(ctx, ti.Slot, []byte("00000000"))
		var pe *PINError
		if !errors.Is(err, ErrWrongPIN) || !errors.As(err, &pe) || pe.State != want {
			t.Fatalf("wrong PIN %d: %v (%+v), want state %+v", i+1, err, pe, want)
		}
	}
	_, err := m.Login(ctx, ti.Slot, []byte("00000000"))
	if !errors.Is(err, ErrPINLocked) {
		t.Fatalf("third wrong PIN: %v, want locked", err)
	}
	if _, err := m.Login(ctx, ti.Slot, []byte(tok.PIN)); !errors.Is(err, ErrPINLocked) {
		t.Fatalf("right PIN on a locked token: %v", err)
	}
	// A rescan (C_Finalize, C_Initialize) does not unlock it, and the
	// certificates are still listed without a PIN.
	if _, err := m.Reinit(ctx); err != nil {
		t.Fatal(err)
	}
	if st := onlyToken(t, m).PIN; !st.Locked {
		t.Errorf("after a rescan: %+v", st)
	}
	if certs, err := m.Certificates(ctx, ti.Slot); err != nil || len(certs) != 1 {
		t.Errorf("certificates of a locked token: %v %v", certs, err)
	}
	// A good PIN before the lock resets the count.
	tok2 := gostp11.New(t)
	tok2.AddKey(t, "01", "k", "gost2012_256", "A", "")
	m2, ti2 := openGOST(t, tok2)
	m2.Login(ctx, ti2.Slot, []byte("0"))
	s, err := m2.Login(ctx, ti2.Slot, []byte(tok2.PIN))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if st := onlyToken(t, m2).PIN; st != (PINState{}) {
		t.Errorf("PIN state after a good PIN: %+v", st)
	}
}
