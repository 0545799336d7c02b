// Package p11 opens PKCS#11 modules (USB tokens, ID cards, SoftHSM2) and
// exposes their keys as token.Key values whose Signer works with every
// CMS/XML path of the signer package.
//
// Every module call runs with a deadline: a driver that hangs makes that
// call fail with ErrTimeout and marks the module unusable, while the rest
// of the agent keeps answering. Sessions are per operation: Login opens a
// session and logs in, Session.Close logs out, closes it and wipes the PIN,
// so a cached login never lets a second request skip the dialog.
//
// PINs are byte slices owned by the caller and copied once into the
// Session, which wipes its copy on Close. miekg/pkcs11 makes a C copy of
// the PIN for C_Login and frees it without zeroing; that copy is outside
// our reach.
package p11

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/miekg/pkcs11"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// Errors. A *PINError wraps ErrWrongPIN or ErrPINLocked with the token's
// PIN state after the attempt; those two and ErrTokenRemoved are package
// token's, so layers above tell them apart without importing this (cgo)
// package.
var (
	ErrModule       = errors.New("pkcs11: module cannot be used")
	ErrTimeout      = errors.New("pkcs11: the token did not answer in time")
	ErrWrongPIN     = token.ErrWrongPIN
	ErrPINLocked    = token.ErrPINLocked
	ErrTokenRemoved = token.ErrTokenRemoved
	ErrNoKey        = errors.New("no private key for this certificate on the token")
)

// DefaultTimeout bounds one module call.
const DefaultTimeout = 30 * time.Second

// PINState is the token's PIN state (package token's type).
type PINState = token.PINState

// PINError is package token's *PINError.
type PINError = token.PINError

func pinState(flags uint) PINState {
	return PINState{
		CountLow:   flags&pkcs11.CKF_USER_PIN_COUNT_LOW != 0,
		FinalTry:   flags&pkcs11.CKF_USER_PIN_FINAL_TRY != 0,
		Locked:     flags&pkcs11.CKF_USER_PIN_LOCKED != 0,
		MustChange: flags&pkcs11.CKF_USER_PIN_TO_BE_CHANGED != 0,
	}
}

// Module is a loaded PKCS#11 library.
type Module struct {
	Path    string
	Spec    ModuleSpec
	Timeout time.Duration

	ctx *pkcs11.Ctx
	mu  sync.Mutex
	// hung is set when a call timed out: the library may be stuck inside
	// a lock, so nothing more is sent to it.
	hung atomic.Pointer[error]
	// sessions counts open sessions; Reinit waits for none.
	sessions atomic.Int32
	// finalized (under mu) is set by Close: the library logged every
	// session out, and a session closed later has nothing left to close.
	finalized bool
}

// Open loads and initialises a module. The library path must come from the
// catalog, the config, or a local user's command line.
func Open(ctx context.Context, path string, spec ModuleSpec) (*Module, error) {
	m := &Module{Path: path, Spec: spec, Timeout: DefaultTimeout}
	err := m.call(ctx, func() error {
		c := pkcs11.New(path)
		if c == nil {
			return fmt.Errorf("%w: cannot load %s", ErrModule, path)
		}
		if err := c.Initialize(); err != nil && !isRV(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
			c.Destroy()
			return fmt.Errorf("%w: C_Initialize of %s: %v", ErrModule, path, err)
		}
		m.ctx = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Close finalises and unloads the module.
func (m *Module) Close() error {
	if m.ctx == nil {
		return nil
	}
	err := m.call(context.Background(), func() error {
		e := m.ctx.Finalize()
		m.ctx.Destroy()
		m.finalized = true
		return e
	})
	if !errors.Is(err, ErrTimeout) {
		m.ctx = nil
	}
	return err
}

// call runs f with the module's deadline. Calls are serialised: many
// drivers are not thread-safe even when they claim to be. After one call
// timed out the module is marked hung and every later call fails at once
// (the stuck call may hold a lock inside the driver).
func (m *Module) call(ctx context.Context, f func() error) error {
	if h := m.hung.Load(); h != nil {
		return *h
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if h := m.hung.Load(); h != nil {
			done <- *h
			return
		}
		done <- f()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err()
		}
		hungErr := fmt.Errorf("%w (%s); unplug the token and restart the agent", ErrTimeout, m.Path)
		m.hung.CompareAndSwap(nil, &hungErr)
		return hungErr
	}
}

func isRV(err error, rv uint) bool {
	var e pkcs11.Error
	return errors.As(err, &e) && uint(e) == rv
}

// removedRV are the return values that mean the token (or its reader) went away.
var removedRV = []uint{
	pkcs11.CKR_TOKEN_NOT_PRESENT, pkcs11.CKR_DEVICE_REMOVED, pkcs11.CKR_SESSION_HANDLE_INVALID,
	pkcs11.CKR_SESSION_CLOSED, pkcs11.CKR_SLOT_ID_INVALID, pkcs11.CKR_TOKEN_NOT_RECOGNIZED,
	pkcs11.CKR_DEVICE_ERROR, pkcs11.CKR_GENERAL_ERROR, pkcs11.CKR_OBJECT_HANDLE_INVALID, pkcs11.CKR_KEY_HANDLE_INVALID,
}

// classify wraps a module error with a typed error where we know one.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	for _, rv := range removedRV {
		if isRV(err, rv) {
			return fmt.Errorf("pkcs11: %s: %w (%v)", op, ErrTokenRemoved, err)
		}
	}
	return fmt.Errorf("pkcs11: %s: %w", op, err)
}

// Reinit finalises and initialises the module again when no session is
// open, so that tokens and readers plugged in since are seen (many modules
// only scan at C_Initialize). It reports whether it did.
func (m *Module) Reinit(ctx context.Context) (bool, error) {
	if m.sessions.Load() > 0 {
		return false, nil
	}
	err := m.call(ctx, func() error {
		if m.sessions.Load() > 0 {
			return nil
		}
		m.ctx.Finalize()
		if err := m.ctx.Initialize(); err != nil && !isRV(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
			return fmt.Errorf("%w: C_Initialize of %s: %v", ErrModule, m.Path, err)
		}
		return nil
	})
	return err == nil, err
}

// TokenInfo describes a token in a slot.
type TokenInfo struct {
	Slot         uint
	Label        string
	Manufacturer string
	Model        string
	Serial       string
	PIN          PINState
	Storage      string // NCALayer storage name
	LoginNeeded  bool
}

// Tokens lists the slots that hold a token.
func (m *Module) Tokens(ctx context.Context) ([]TokenInfo, error) {
	var out []TokenInfo
	err := m.call(ctx, func() error {
		slots, err := m.ctx.GetSlotList(true)
		if err != nil {
			return classify("C_GetSlotList", err)
		}
		for _, s := range slots {
			ti, err := m.ctx.GetTokenInfo(s)
			if err != nil {
				if isRV(err, pkcs11.CKR_TOKEN_NOT_PRESENT) || isRV(err, pkcs11.CKR_TOKEN_NOT_RECOGNIZED) {
					continue
				}
				return classify("C_GetTokenInfo", err)
			}
			if ti.Flags&pkcs11.CKF_TOKEN_INITIALIZED == 0 {
				continue
			}
			out = append(out, TokenInfo{
				Slot: s, Label: strings.TrimSpace(ti.Label), Manufacturer: strings.TrimSpace(ti.ManufacturerID),
				Model: strings.TrimSpace(ti.Model), Serial: strings.TrimSpace(ti.SerialNumber),
				PIN: pinState(ti.Flags), Storage: m.Spec.storageFor(ti.Model),
				LoginNeeded: ti.Flags&pkcs11.CKF_LOGIN_REQUIRED != 0,
			})
		}
		return nil
	})
	return out, err
}

// Session is one logged-in operation on a token.
type Session struct {
	m     *Module
	slot  uint
	sh    pkcs11.SessionHandle
	pin   []byte
	keys  []*token.Key
	token TokenInfo
	// mechs is the slot's mechanism list, read once (mechsRead) by the
	// first GOST key; nil when the token would not list them.
	mechs     map[uint]bool
	mechsRead bool
}

// Login opens a session on slot and logs the user in. A wrong PIN gives a
// *PINError with the token's state after the attempt.
func (m *Module) Login(ctx context.Context, slot uint, pin []byte) (*Session, error) {
	s := &Session{m: m, slot: slot, pin: append([]byte(nil), pin...)}
	err := m.call(ctx, func() error {
		sh, err := m.ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION)
		if err != nil {
			return classify("C_OpenSession", err)
		}
		s.sh = sh
		err = m.ctx.Login(sh, pkcs11.CKU_USER, unsafeString(s.pin))
		if err == nil || isRV(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN) {
			return nil
		}
		m.ctx.CloseSession(sh)
		var state PINState
		if ti, e := m.ctx.GetTokenInfo(slot); e == nil {
			state = pinState(ti.Flags)
		}
		switch {
		case isRV(err, pkcs11.CKR_PIN_INCORRECT), isRV(err, pkcs11.CKR_PIN_LEN_RANGE), isRV(err, pkcs11.CKR_PIN_INVALID):
			if state.Locked {
				return &PINError{Err: ErrPINLocked, State: state}
			}
			return &PINError{Err: ErrWrongPIN, State: state}
		case isRV(err, pkcs11.CKR_PIN_LOCKED):
			state.Locked = true
			return &PINError{Err: ErrPINLocked, State: state}
		}
		return classify("C_Login", err)
	})
	if err != nil {
		clear(s.pin)
		return nil, err
	}
	m.sessions.Add(1)
	return s, nil
}

// unsafeString views b as a string without copying, so that the only Go
// copy of a PIN is the slice we wipe.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Close logs out, closes the session and wipes the PIN. Keys from this
// session stop working.
func (s *Session) Close() error {
	if s == nil || s.pin == nil {
		return nil
	}
	err := s.m.call(context.Background(), func() error {
		if s.m.finalized {
			return nil // the module closed first (the agent is stopping): finalizing ended the session
		}
		e1 := s.m.ctx.Logout(s.sh)
		e2 := s.m.ctx.CloseSession(s.sh)
		if e2 != nil {
			return classify("C_CloseSession", e2)
		}
		if e1 != nil && !isRV(e1, pkcs11.CKR_USER_NOT_LOGGED_IN) {
			return classify("C_Logout", e1)
		}
		return nil
	})
	clear(s.pin)
	s.pin = nil
	s.m.sessions.Add(-1)
	for _, k := range s.keys {
		k.Signer = nil
	}
	return err
}

type object struct {
	h          pkcs11.ObjectHandle
	id         []byte
	label      string
	value      []byte
	alwaysAut  bool
	keyType    uint // CKA_KEY_TYPE, when hasKeyType
	hasKeyType bool
	gostParams []byte // CKA_GOSTR3410_PARAMS of a GOST key (DER OID)
}

// find lists objects of a class with the attributes asked for (CKA_ID,
// CKA_LABEL, CKA_VALUE, CKA_ALWAYS_AUTHENTICATE, CKA_KEY_TYPE; a GOST key
// type brings its CKA_GOSTR3410_PARAMS). Asking private objects for few
// attributes matters: some tokens decrypt each one.
func (s *Session) find(class uint, want []uint, match ...*pkcs11.Attribute) ([]object, error) {
	c := s.m.ctx
	tmpl := append([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class)}, match...)
	if err := c.FindObjectsInit(s.sh, tmpl); err != nil {
		return nil, classify("C_FindObjectsInit", err)
	}
	var handles []pkcs11.ObjectHandle
	for {
		hs, _, err := c.FindObjects(s.sh, 64)
		if err != nil {
			c.FindObjectsFinal(s.sh)
			return nil, classify("C_FindObjects", err)
		}
		if len(hs) == 0 {
			break
		}
		handles = append(handles, hs...)
		if len(handles) > 4096 {
			break
		}
	}
	if err := c.FindObjectsFinal(s.sh); err != nil {
		return nil, classify("C_FindObjectsFinal", err)
	}
	var out []object
	for _, h := range handles {
		o := object{h: h}
		attrs, err := getAttributes(c, s.sh, h, want)
		if err != nil {
			return nil, err
		}
		for _, a := range attrs {
			v := a.Value
			switch a.Type {
			case pkcs11.CKA_ID:
				o.id = v
			case pkcs11.CKA_LABEL:
				o.label = string(v)
			case pkcs11.CKA_VALUE:
				o.value = v
			case pkcs11.CKA_ALWAYS_AUTHENTICATE:
				o.alwaysAut = len(v) == 1 && v[0] != 0
			case pkcs11.CKA_KEY_TYPE:
				o.keyType, o.hasKeyType = ulong(v)
			}
		}
		if o.hasKeyType && (o.keyType == pkcs11.CKK_GOSTR3410 || o.keyType == ckkGOSTR3410_512) {
			attrs, err := getAttributes(c, s.sh, h, []uint{pkcs11.CKA_GOSTR3410_PARAMS})
			if err != nil {
				return nil, err
			}
			for _, a := range attrs {
				o.gostParams = a.Value
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// ulong decodes a CK_ULONG attribute (the platform's unsigned long).
func ulong(v []byte) (uint, bool) {
	switch len(v) {
	case 8:
		return uint(binary.NativeEndian.Uint64(v)), true
	case 4:
		return uint(binary.NativeEndian.Uint32(v)), true
	}
	return 0, false
}

// getAttributes reads the wanted attributes in one call, or one by one
// when the token refuses some (e.g. CKA_ALWAYS_AUTHENTICATE on old tokens),
// skipping those it refuses.
func getAttributes(c *pkcs11.Ctx, sh pkcs11.SessionHandle, h pkcs11.ObjectHandle, want []uint) ([]*pkcs11.Attribute, error) {
	tmpl := make([]*pkcs11.Attribute, len(want))
	for i, typ := range want {
		tmpl[i] = pkcs11.NewAttribute(typ, nil)
	}
	attrs, err := c.GetAttributeValue(sh, h, tmpl)
	if err == nil {
		return attrs, nil
	}
	if !isRV(err, pkcs11.CKR_ATTRIBUTE_SENSITIVE) && !isRV(err, pkcs11.CKR_ATTRIBUTE_TYPE_INVALID) {
		return nil, classify("C_GetAttributeValue", err)
	}
	var out []*pkcs11.Attribute
	for _, t := range tmpl {
		a, err := c.GetAttributeValue(sh, h, []*pkcs11.Attribute{t})
		if err != nil {
			if isRV(err, pkcs11.CKR_ATTRIBUTE_SENSITIVE) || isRV(err, pkcs11.CKR_ATTRIBUTE_TYPE_INVALID) {
				continue
			}
			return nil, classify("C_GetAttributeValue", err)
		}
		out = append(out, a...)
	}
	return out, nil
}

// Certificate is an X.509 certificate on a token with its CKA_ID.
type Certificate struct {
	ID    []byte
	Label string
	Cert  *x509.Certificate
}

// Certificates lists the token's certificates without logging in (they are
// public objects), for the dialog to show before the PIN is asked.
func (m *Module) Certificates(ctx context.Context, slot uint) ([]Certificate, error) {
	var out []Certificate
	err := m.call(ctx, func() error {
		sh, err := m.ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION)
		if err != nil {
			return classify("C_OpenSession", err)
		}
		defer m.ctx.CloseSession(sh)
		s := &Session{m: m, sh: sh}
		objs, err := s.find(pkcs11.CKO_CERTIFICATE, []uint{pkcs11.CKA_ID, pkcs11.CKA_LABEL, pkcs11.CKA_VALUE},
			pkcs11.NewAttribute(pkcs11.CKA_CERTIFICATE_TYPE, pkcs11.CKC_X_509))
		if err != nil {
			return err
		}
		for _, o := range objs {
			if c, err := x509.ParseCertificate(o.value); err == nil && len(o.id) > 0 {
				out = append(out, Certificate{ID: o.id, Label: o.label, Cert: c})
			}
		}
		return nil
	})
	return out, err
}

// Key returns the signing key for a certificate listed by Certificates:
// the private key with the same CKA_ID, found after login.
func (s *Session) Key(ctx context.Context, c Certificate) (*token.Key, error) {
	pub, err := signer.PublicKey(c.Cert)
	if err != nil {
		return nil, err
	}
	scheme, err := signer.SchemeFor(pub)
	if err != nil {
		return nil, err
	}
	var k *token.Key
	err = s.m.call(ctx, func() error {
		privs, err := s.find(pkcs11.CKO_PRIVATE_KEY, []uint{pkcs11.CKA_ALWAYS_AUTHENTICATE, pkcs11.CKA_KEY_TYPE}, pkcs11.NewAttribute(pkcs11.CKA_ID, c.ID))
		if err != nil {
			return err
		}
		privs = slices.DeleteFunc(privs, func(o object) bool { return !gostPairs(scheme.Key, c.Cert, o) })
		if len(privs) == 0 {
			return ErrNoKey
		}
		alias := c.Label
		if alias == "" {
			alias = hex.EncodeToString(c.ID)
		}
		k = &token.Key{Alias: alias, Certificate: c.Cert, Algorithm: scheme.Key, ID: c.ID,
			Signer: s.newKeySigner(privs[0], pub, scheme)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.keys = append(s.keys, k)
	return k, nil
}

// Keys returns the token's certificates that have a private key (matched
// by CKA_ID), each with a Signer bound to this session.
func (s *Session) Keys(ctx context.Context) ([]*token.Key, error) {
	var keys []*token.Key
	err := s.m.call(ctx, func() error {
		certs, err := s.find(pkcs11.CKO_CERTIFICATE, []uint{pkcs11.CKA_ID, pkcs11.CKA_LABEL, pkcs11.CKA_VALUE},
			pkcs11.NewAttribute(pkcs11.CKA_CERTIFICATE_TYPE, pkcs11.CKC_X_509))
		if err != nil {
			return err
		}
		privs, err := s.find(pkcs11.CKO_PRIVATE_KEY, []uint{pkcs11.CKA_ID, pkcs11.CKA_ALWAYS_AUTHENTICATE, pkcs11.CKA_KEY_TYPE})
		if err != nil {
			return err
		}
		var all []*x509.Certificate
		parsed := make([]*x509.Certificate, len(certs))
		for i, c := range certs {
			if cert, err := x509.ParseCertificate(c.value); err == nil {
				parsed[i] = cert
				all = append(all, cert)
			}
		}
		for i, c := range certs {
			cert := parsed[i]
			if cert == nil || len(c.id) == 0 {
				continue
			}
			pub, err := signer.PublicKey(cert)
			if err != nil {
				continue // an algorithm we cannot sign with
			}
			scheme, err := signer.SchemeFor(pub)
			if err != nil {
				continue
			}
			var priv *object
			for j := range privs {
				if string(privs[j].id) == string(c.id) && gostPairs(scheme.Key, cert, privs[j]) {
					priv = &privs[j]
					break
				}
			}
			if priv == nil {
				continue
			}
			alias := c.label
			if alias == "" {
				alias = hex.EncodeToString(c.id)
			}
			keys = append(keys, &token.Key{
				Alias: alias, Certificate: cert, Algorithm: scheme.Key, ID: c.id,
				Chain:  token.BuildChain(cert, all),
				Signer: s.newKeySigner(*priv, pub, scheme),
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.keys = append(s.keys, keys...)
	return keys, nil
}

// keySigner signs through the token.
type keySigner struct {
	s          *Session
	h          pkcs11.ObjectHandle // valid for the session's life
	alwaysAuth bool                // CKA_ALWAYS_AUTHENTICATE: log in again for each signature
	pub        crypto.PublicKey
	scheme     signer.Scheme
	// Russian GOST-2012 keys: the mechanism over a hash computed here
	// (raw) and the one where the token hashes (withHash), 0 when the
	// token does not offer it (see ruMechanisms).
	raw, withHash uint
}

// newKeySigner binds a private key object to the session. Called inside
// a module call.
func (s *Session) newKeySigner(priv object, pub crypto.PublicKey, scheme signer.Scheme) *keySigner {
	k := &keySigner{s: s, h: priv.h, alwaysAuth: priv.alwaysAut, pub: pub, scheme: scheme}
	if scheme.Key == signer.GOSTR2012_256 || scheme.Key == signer.GOSTR2012_512 {
		k.raw, k.withHash = ruMechanisms(scheme.Key, s.mechanisms())
	}
	return k
}

func (k *keySigner) Public() crypto.PublicKey { return k.pub }

// Wipe is called by token.Key.Close; the PIN lives in the session.
func (k *keySigner) Wipe() {}

// digestInfoPrefix is the DER prefix of a PKCS#1 DigestInfo per hash.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// The mechanism NCA's GOST 34.10-2015 512-bit keys sign with over a given
// digest on Kazakh tokens.
const ckmGOSTR3410_512 = 0x00001006

// ErrHashOnToken means the token signs this GOST key only over the whole
// data (CKM_GOSTR3410_WITH_GOSTR3411_12_*): a caller with only a digest
// cannot use it; signer.SignData passes the data.
var ErrHashOnToken = errors.New("pkcs11: this token signs GOST only over the whole data, not a digest")

// Sign signs a digest on the token. RSA: CKM_RSA_PKCS over the DigestInfo;
// ECDSA: CKM_ECDSA, converted to ASN.1; GOST: CKM_GOSTR3410 over the
// digest computed here (NCA's keys, Russian GOST-2012-256 keys), NCA's
// 512-bit keys with their token's 0x1006, Russian 512-bit keys with TC26's
// CKM_GOSTR3410_512. The token's s‖r (PKCS#11's and RFC 4490's order:
// the Russian tokens' CMS samples put it into SignerInfo unchanged) is
// turned into the key's order: Kalkan's or RFC 4490's (signer.GOSTProfile).
func (k *keySigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	var mech *pkcs11.Mechanism
	input := digest
	switch k.pub.(type) {
	case *rsa.PublicKey:
		if _, pss := opts.(*rsa.PSSOptions); pss {
			return nil, errors.New("pkcs11: RSA-PSS signatures are not supported")
		}
		prefix, ok := digestInfoPrefix[opts.HashFunc()]
		if !ok {
			return nil, fmt.Errorf("pkcs11: RSA with hash %v is not supported", opts.HashFunc())
		}
		mech = pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS, nil)
		input = append(append([]byte(nil), prefix...), digest...)
	case *ecdsa.PublicKey:
		mech = pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil)
	case *signer.GOSTPublicKey:
		var m uint
		switch k.scheme.Key {
		case signer.GOST2004:
			m = pkcs11.CKM_GOSTR3410
		case signer.GOST2015:
			m = ckmGOSTR3410_512
		default: // Russian GOST-2012
			if k.raw == 0 {
				return nil, ErrHashOnToken
			}
			m = k.raw
		}
		if len(digest) != k.scheme.DigestSize() {
			return nil, fmt.Errorf("pkcs11: a %s digest is %d bytes, not %d", k.scheme.Key, k.scheme.DigestSize(), len(digest))
		}
		mech = pkcs11.NewMechanism(m, nil)
	default:
		return nil, signer.ErrUnsupportedKey
	}
	return k.sign(mech, input)
}

// SignMessage signs data (crypto.MessageSigner; signer.SignData calls it
// for GOST keys): over a hash computed here when the token can sign one,
// else a Russian GOST key's data goes to the token to hash
// (CKM_GOSTR3410_WITH_GOSTR3411_12_256/512).
func (k *keySigner) SignMessage(r io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	if _, gost := k.pub.(*signer.GOSTPublicKey); gost {
		if k.raw == 0 && k.withHash != 0 {
			return k.sign(pkcs11.NewMechanism(k.withHash, nil), msg)
		}
		return k.Sign(r, k.scheme.Digest(msg), opts)
	}
	h := opts.HashFunc()
	if !h.Available() {
		return nil, fmt.Errorf("pkcs11: hash %v is not available", h)
	}
	d := h.New()
	d.Write(msg)
	return k.Sign(r, d.Sum(nil), opts)
}

// sign runs one C_SignInit/C_Sign and turns the result into what package
// signer takes.
func (k *keySigner) sign(mech *pkcs11.Mechanism, input []byte) ([]byte, error) {
	s := k.s
	if s.pin == nil {
		return nil, errors.New("pkcs11: session closed")
	}
	var sig []byte
	err := s.m.call(context.Background(), func() error {
		c := s.m.ctx
		if err := c.SignInit(s.sh, []*pkcs11.Mechanism{mech}, k.h); err != nil {
			return classify("C_SignInit", err)
		}
		if k.alwaysAuth {
			if err := c.Login(s.sh, pkcs11.CKU_CONTEXT_SPECIFIC, unsafeString(s.pin)); err != nil {
				if isRV(err, pkcs11.CKR_PIN_INCORRECT) {
					return &PINError{Err: ErrWrongPIN}
				}
				return classify("C_Login (context specific)", err)
			}
		}
		out, err := c.Sign(s.sh, input)
		if err != nil {
			return classify("C_Sign", err)
		}
		sig = out
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch k.pub.(type) {
	case *ecdsa.PublicKey:
		return rawToASN1(sig)
	case *signer.GOSTPublicKey:
		return k.scheme.Key.Profile().FromStandard(sig), nil
	}
	return sig, nil
}

func rawToASN1(raw []byte) ([]byte, error) {
	if len(raw) == 0 || len(raw)%2 != 0 {
		return nil, errors.New("pkcs11: ECDSA signature of odd length")
	}
	n := len(raw) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(raw[:n]), new(big.Int).SetBytes(raw[n:])})
}
