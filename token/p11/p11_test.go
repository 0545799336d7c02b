package p11

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token/p11/p11test"
)

var ctx = context.Background()

func openSoftHSM(t *testing.T, tok *p11test.Token) *Module {
	t.Helper()
	m, err := Open(ctx, tok.Lib, ModuleSpec{Name: "softhsm", Storage: StorageSoftHSM})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func onlyToken(t *testing.T, m *Module) TokenInfo {
	t.Helper()
	ts, err := m.Tokens(ctx)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens: %+v %v", ts, err)
	}
	return ts[0]
}

func TestListAndSign(t *testing.T) {
	tok := p11test.New(t)
	rsaKey := tok.AddRSA(t, "01", "rsa signing")
	ecKey := tok.AddECDSA(t, "02", "ec login")
	m := openSoftHSM(t, tok)
	ti := onlyToken(t, m)
	if ti.Label != "qoltanba" || ti.Manufacturer != "SoftHSM project" || ti.Model != "SoftHSM v2" || ti.Serial == "" ||
		ti.Storage != StorageSoftHSM || ti.PIN != (PINState{}) || !ti.LoginNeeded {
		t.Errorf("token info %+v", ti)
	}
	s, err := m.Login(ctx, ti.Slot, []byte(tok.PIN))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keys, err := s.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("%d keys", len(keys))
	}
	want := map[string]*x509.Certificate{"rsa signing": rsaKey.Cert, "ec login": ecKey.Cert}
	roots := signer.VerifyOptions{Chain: signer.ChainOptions{Roots: []*x509.Certificate{tok.CA}}}
	for _, k := range keys {
		if !k.Certificate.Equal(want[k.Alias]) {
			t.Fatalf("key %q has the wrong certificate", k.Alias)
		}
		id := signer.IdentityOf(k.Certificate)
		if id.IIN != "123456789011" || id.Kind != signer.KindBoth {
			t.Errorf("identity %+v", id)
		}
		pair := signer.KeyPair{Certificate: k.Certificate, Signer: k.Signer}
		cms, err := signer.SignCMS(ctx, []byte("token data"), pair, nil)
		if err != nil {
			t.Fatalf("%s: %v", k.Alias, err)
		}
		if _, err := signer.VerifyCMS(cms, roots); err != nil {
			t.Errorf("%s CMS: %v", k.Alias, err)
		}
		doc, err := signer.SignXML([]byte("<root><a>токен</a></root>"), pair, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := signer.VerifyXML(doc, roots); err != nil {
			t.Errorf("%s XML: %v", k.Alias, err)
		}
		// Independent checks.
		dir := t.TempDir()
		ca := tok.CAPEM(t)
		os.WriteFile(filepath.Join(dir, "s.cms"), cms, 0o600)
		os.WriteFile(filepath.Join(dir, "s.xml"), doc, 0o600)
		if out, err := exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-in", filepath.Join(dir, "s.cms"), "-CAfile", ca, "-purpose", "any", "-out", os.DevNull).CombinedOutput(); err != nil {
			t.Errorf("%s: openssl: %v %s", k.Alias, err, out)
		}
		if out, err := exec.Command("xmlsec1", "--verify", "--trusted-pem", ca, filepath.Join(dir, "s.xml")).CombinedOutput(); err != nil {
			t.Errorf("%s: xmlsec1: %v %s", k.Alias, err, out)
		}
	}
	// The dialog's path: certificates without login, then the chosen key.
	certs, err := m.Certificates(ctx, ti.Slot)
	if err != nil || len(certs) != 2 {
		t.Fatalf("certificates without login: %d %v", len(certs), err)
	}
	for _, c := range certs {
		k, err := s.Key(ctx, c)
		if err != nil || !k.Certificate.Equal(want[c.Label]) {
			t.Fatalf("Key(%s): %v", c.Label, err)
		}
		if _, err := signer.SignCMS(ctx, []byte("x"), signer.KeyPair{Certificate: k.Certificate, Signer: k.Signer}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Key(ctx, Certificate{ID: []byte{9, 9}, Cert: certs[0].Cert}); !errors.Is(err, ErrNoKey) {
		t.Errorf("key for an unknown id: %v", err)
	}
	// After Close the keys cannot sign: no cached login.
	held := keys[0].Signer
	s.Close()
	if keys[0].Signer != nil {
		t.Error("Key.Signer kept after Close")
	}
	if _, err := held.Sign(nil, make([]byte, 32), signer.Scheme{}); err == nil {
		t.Error("a signer kept from a closed session still signs")
	}
}

func TestWrongPIN(t *testing.T) {
	tok := p11test.New(t)
	tok.AddRSA(t, "01", "k")
	m := openSoftHSM(t, tok)
	slot := onlyToken(t, m).Slot
	_, err := m.Login(ctx, slot, []byte("0000"))
	var pe *PINError
	if !errors.Is(err, ErrWrongPIN) || !errors.As(err, &pe) {
		t.Fatalf("got %v, want a wrong-PIN error", err)
	}
	if !pe.State.CountLow || pe.State.Locked {
		t.Errorf("PIN state after a wrong PIN: %+v", pe.State)
	}
	if !strings.Contains(err.Error(), "count low") {
		t.Errorf("message lacks the token state: %v", err)
	}
	s, err := m.Login(ctx, slot, []byte(tok.PIN))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if st := onlyToken(t, m).PIN; st.CountLow {
		t.Errorf("count-low flag kept after a good PIN: %+v", st)
	}
}

// buildShim compiles testdata/shim.c against miekg/pkcs11's headers.
func buildShim(t *testing.T) string {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/miekg/pkcs11").Output()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "shim.so")
	if b, err := exec.Command("gcc", "-shared", "-fPIC", "-I", strings.TrimSpace(string(dir)), "-o", out, "testdata/shim.c", "-ldl").CombinedOutput(); err != nil {
		t.Fatalf("build shim: %v\n%s", err, b)
	}
	return out
}

func TestLockedPIN(t *testing.T) {
	tok := p11test.New(t)
	tok.AddRSA(t, "01", "k")
	t.Setenv("SHIM_REAL_MODULE", tok.Lib)
	t.Setenv("SHIM_PIN_LOCKED", "1")
	m, err := Open(ctx, buildShim(t), ModuleSpec{Name: "shim", Storage: StorageKaztoken})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ti := onlyToken(t, m)
	if !ti.PIN.Locked || ti.Storage != StorageKaztoken {
		t.Errorf("token info %+v", ti)
	}
	_, err = m.Login(ctx, ti.Slot, []byte(tok.PIN))
	var pe *PINError
	if !errors.Is(err, ErrPINLocked) || !errors.As(err, &pe) || !pe.State.Locked {
		t.Fatalf("got %v, want PIN locked", err)
	}
}

// TestHungModule: a driver stuck in C_Sign costs one timeout; the module is
// then refused at once, and another module keeps answering.
func TestHungModule(t *testing.T) {
	tok := p11test.New(t)
	tok.AddECDSA(t, "01", "k")
	t.Setenv("SHIM_REAL_MODULE", tok.Lib)
	shim, err := Open(ctx, buildShim(t), ModuleSpec{Name: "shim"})
	if err != nil {
		t.Fatal(err)
	}
	shim.Timeout = 300 * time.Millisecond
	s, err := shim.Login(ctx, onlyToken(t, shim).Slot, []byte(tok.PIN))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := s.Keys(ctx)
	if err != nil || len(keys) != 1 {
		t.Fatal(keys, err)
	}
	t.Setenv("SHIM_HANG_SIGN", "3")
	start := time.Now()
	_, err = signer.SignCMS(ctx, []byte("x"), signer.KeyPair{Certificate: keys[0].Certificate, Signer: keys[0].Signer}, nil)
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 2*time.Second {
		t.Fatalf("got %v after %v, want a timeout after ~300ms", err, time.Since(start))
	}
	start = time.Now()
	if _, err := shim.Tokens(ctx); !errors.Is(err, ErrTimeout) || time.Since(start) > 100*time.Millisecond {
		t.Errorf("hung module not refused at once: %v after %v", err, time.Since(start))
	}
	// The other module still answers.
	other := openSoftHSM(t, tok)
	if ts, err := other.Tokens(ctx); err != nil || len(ts) != 1 {
		t.Errorf("other module: %v %v", ts, err)
	}
	time.Sleep(3 * time.Second) // let the stuck call return before the temp dir goes
}

func TestTokenRemoved(t *testing.T) {
	tok := p11test.New(t)
	tok.AddRSA(t, "01", "k")
	m := openSoftHSM(t, tok)
	s, err := m.Login(ctx, onlyToken(t, m).Slot, []byte(tok.PIN))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := s.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(tok.Dir); err != nil {
		t.Fatal(err)
	}
	_, err = signer.SignCMS(ctx, []byte("x"), signer.KeyPair{Certificate: keys[0].Certificate, Signer: keys[0].Signer}, nil)
	if err == nil {
		// SoftHSM2 keeps the loaded objects; the next rescan sees the loss.
		s.Close()
		if _, err := m.Reinit(ctx); err != nil {
			t.Fatal(err)
		}
		ts, err := m.Tokens(ctx)
		if err != nil || len(ts) != 0 {
			t.Fatalf("after removal: %+v %v", ts, err)
		}
		return
	}
	if !errors.Is(err, ErrTokenRemoved) {
		t.Fatalf("got %v, want ErrTokenRemoved", err)
	}
	s.Close()
}

// TestLoginAfterRemoval: logging in to a slot whose token has gone is a
// clean ErrTokenRemoved.
func TestLoginAfterRemoval(t *testing.T) {
	tok := p11test.New(t)
	tok.AddRSA(t, "01", "k")
	m := openSoftHSM(t, tok)
	slot := onlyToken(t, m).Slot
	os.RemoveAll(tok.Dir) // the token's files go: unplugged
	os.MkdirAll(tok.Dir, 0o700)
	if _, err := m.Reinit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Login(ctx, slot, []byte(tok.PIN)); !errors.Is(err, ErrTokenRemoved) {
		t.Fatalf("got %v, want ErrTokenRemoved", err)
	}
}

// TestAlwaysAuthenticate: a key marked CKA_ALWAYS_AUTHENTICATE (generated
// on the token) gets the context-specific login before every signature.
func TestAlwaysAuthenticate(t *testing.T) {
	tok := p11test.New(t)
	gen := tok.AddGeneratedECDSA(t, "07", "always", true)
	m := openSoftHSM(t, tok)
	s, err := m.Login(ctx, onlyToken(t, m).Slot, []byte(tok.PIN))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keys, err := s.Keys(ctx)
	if err != nil || len(keys) != 1 || !keys[0].Certificate.Equal(gen.Cert) {
		t.Fatalf("keys %v %v", keys, err)
	}
	if !keys[0].Signer.(*keySigner).alwaysAuth {
		t.Fatal("CKA_ALWAYS_AUTHENTICATE not seen")
	}
	pair := signer.KeyPair{Certificate: keys[0].Certificate, Signer: keys[0].Signer}
	for i := range 2 { // twice: each signature needs its own login
		cms, err := signer.SignCMS(ctx, []byte("id card"), pair, nil)
		if err != nil {
			t.Fatalf("signature %d: %v", i, err)
		}
		if _, err := signer.VerifyCMS(cms, signer.VerifyOptions{Chain: signer.ChainOptions{Roots: []*x509.Certificate{tok.CA}}}); err != nil {
			t.Fatal(err)
		}
	}
	// Without the context-specific login the token refuses: the test can fail.
	keys[0].Signer.(*keySigner).alwaysAuth = false
	if _, err := signer.SignCMS(ctx, []byte("x"), pair, nil); err == nil {
		t.Error("SoftHSM2 signed with an always-authenticate key without the second login")
	}
}

func TestModuleLoadFailure(t *testing.T) {
	for _, p := range []string{"/nonexistent/libnothing.so", "/usr/lib/x86_64-linux-gnu/libc.so.6"} {
		if _, err := Open(ctx, p, ModuleSpec{}); !errors.Is(err, ErrModule) {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestPresence: getActiveTokens follows plug and unplug without a restart.
func TestPresence(t *testing.T) {
	tok := p11test.New(t)
	catalog := []ModuleSpec{{Name: "softhsm", Storage: StorageSoftHSM, Paths: []string{tok.Lib}},
		{Name: "missing", Storage: StorageKaztoken, Paths: []string{"/nonexistent/libkaztoken.so"}}}
	mg := NewManager(catalog, nil)
	mg.CacheFor = 0
	defer mg.Close()
	if got := mg.ActiveStorages(ctx); len(got) != 1 || got[0] != StorageSoftHSM {
		t.Fatalf("active: %v", got)
	}
	// Unplug: the token's files go away.
	os.RemoveAll(tok.Dir)
	os.MkdirAll(tok.Dir, 0o700)
	if got := mg.ActiveStorages(ctx); len(got) != 0 {
		t.Fatalf("after unplug: %v", got)
	}
	// Plug: another process creates a token.
	cmd := exec.Command("softhsm2-util", "--init-token", "--free", "--label", "again", "--pin", "1111", "--so-pin", "2222")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	if got := mg.ActiveStorages(ctx); len(got) != 1 {
		t.Fatalf("after plug: %v", got)
	}
}

func TestCatalog(t *testing.T) {
	lib := p11test.Lib(t)
	path, spec, ok := Resolve(DefaultCatalog(), "softhsm")
	if !ok || spec.Storage != StorageSoftHSM || path == "" {
		t.Errorf("softhsm by name: %q %+v %v", path, spec, ok)
	}
	if _, spec, ok := Resolve(DefaultCatalog(), lib); !ok || spec.Name != "softhsm" {
		t.Errorf("softhsm by path: %+v %v", spec, ok)
	}
	if _, _, ok := Resolve(DefaultCatalog(), "/nonexistent.so"); ok {
		t.Error("a missing path resolved")
	}
	if s := (ModuleSpec{Storage: StorageEToken72K, ModelStorage: map[string]string{"5110": StorageEToken5110}}); s.storageFor("eToken 5110 CC") != StorageEToken5110 || s.storageFor("eToken") != StorageEToken72K {
		t.Error("eToken model mapping")
	}
	var names []string
	for _, f := range Installed(DefaultCatalog()) {
		names = append(names, f.Spec.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "softhsm") {
		t.Errorf("installed: %v", names)
	}
}

// TestNewestVersion: of versioned library names the newest is loaded, with
// numbers compared as numbers.
func TestNewestVersion(t *testing.T) {
	for _, tc := range []struct {
		glob  string
		names []string
		want  string
	}{
		{"vnptca_p11_v*.dll", []string{"vnptca_p11_v3.dll", "vnptca_p11_v10.dll", "vnptca_p11_v9.dll"}, "vnptca_p11_v10.dll"},
		{"viettel-ca_v*.dll", []string{"viettel-ca_v5.dll", "viettel-ca_v05.2.dll", "viettel-ca_v5.10.dll"}, "viettel-ca_v5.10.dll"},
		{"fptca_v*.dll", []string{"fptca_v2.dll"}, "fptca_v2.dll"},
		{"KazToken*.dll", []string{"KazToken_1.2.dll", "KazToken_1.10.dll", "KazToken_1.9.dll"}, "KazToken_1.10.dll"},
	} {
		dir := t.TempDir()
		for _, n := range tc.names {
			os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
		}
		pattern := filepath.Join(dir, tc.glob)
		if got := firstFile(pattern); filepath.Base(got) != tc.want {
			t.Errorf("%v (%s): got %s, want %s", tc.names, filepath.Base(pattern), filepath.Base(got), tc.want)
		}
	}
	if versionCompare("a_v9", "a_v10") >= 0 || versionCompare("A_V10", "a_v9") <= 0 || versionCompare("x", "x") != 0 {
		t.Error("versionCompare")
	}
}

// TestSessionClosedAfterModule: a dialog that closes its token session
// after the module was closed (the page has its answer and the agent
// stops) does not crash the agent; the PIN is wiped all the same.
func TestSessionClosedAfterModule(t *testing.T) {
	tok := p11test.New(t)
	tok.AddECDSA(t, "01", "ec key")
	m := openSoftHSM(t, tok)
	s, err := m.Login(ctx, onlyToken(t, m).Slot, []byte(tok.PIN))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.pin != nil {
		t.Error("PIN kept")
	}
}
