package main

import (
	"encoding/hex"
	"flag"
	"strings"

	"github.com/qoltanba/qoltanba/token"
	"github.com/qoltanba/qoltanba/token/p11"
	"github.com/qoltanba/qoltanba/ui"
)

// keySource is where keys and commands come from: --p12 or --pkcs11.
type keySource struct {
	p12, pwFile     string
	module, pinFile string
	slot            int
	keyID, alias    string
}

func (ks *keySource) register(fs *flag.FlagSet, selectKey bool) {
	fs.StringVar(&ks.p12, "p12", "", "PKCS#12 key `file` (.p12/.pfx)")
	fs.StringVar(&ks.pwFile, "password-file", "", "read the key file password from the first line of `file` (default: ask on the terminal)")
	fs.StringVar(&ks.module, "pkcs11", "", "PKCS#11 `module`: a catalog name (kaztoken, etoken, jacarta, rutoken, opensc, softhsm, ...) or a library path")
	fs.IntVar(&ks.slot, "slot", -1, "PKCS#11 slot `number` (default: the only token present)")
	fs.StringVar(&ks.pinFile, "pin-file", "", "read the token PIN from the first line of `file` (default: ask on the terminal)")
	if selectKey {
		fs.StringVar(&ks.alias, "alias", "", "use the key with this `alias` (key file) or label (token)")
		fs.StringVar(&ks.keyID, "key-id", "", "PKCS#11: use the key with this CKA_ID (`hex`)")
	}
}

func (ks *keySource) check() error {
	switch {
	case ks.p12 == "" && ks.module == "":
		return usageMsg("cli-keysource-none")
	case ks.p12 != "" && ks.module != "":
		return usageMsg("cli-keysource-both")
	case ks.p12 != "" && (ks.pinFile != "" || ks.slot >= 0 || ks.keyID != ""):
		return usageMsg("cli-keysource-p11-flags")
	case ks.module != "" && ks.pwFile != "":
		return usageMsg("cli-keysource-pwfile")
	}
	return nil
}

// open returns the keys and a function that closes everything (wiping
// key material, logging out of the token).
func (ks *keySource) open(e *env) ([]*token.Key, func(), error) {
	if ks.p12 != "" {
		keys, err := openP12(e, ks.p12, ks.pwFile)
		if err != nil {
			return nil, nil, err
		}
		return keys, func() { token.CloseAll(keys) }, nil
	}
	path, spec, ok := p11.Resolve(p11.DefaultCatalog(), ks.module)
	if !ok {
		return nil, nil, failMsg("cli-module-not-found", ks.module, catalogNames())
	}
	m, err := p11.Open(e.ctx, path, spec)
	if err != nil {
		return nil, nil, err
	}
	tokens, err := m.Tokens(e.ctx)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	var ti *p11.TokenInfo
	for i := range tokens {
		if ks.slot < 0 || tokens[i].Slot == uint(ks.slot) {
			if ti != nil {
				m.Close()
				return nil, nil, usageMsg("cli-several-tokens")
			}
			ti = &tokens[i]
		}
	}
	if ti == nil {
		m.Close()
		if ks.slot >= 0 {
			return nil, nil, failMsg("cli-no-token-slot", ks.slot)
		}
		return nil, nil, failMsg("cli-no-token", path)
	}
	pin, err := readPassword(e, ks.pinFile, e.T("cli-pin-prompt", ti.Label, ti.PIN.String()))
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	s, err := m.Login(e.ctx, ti.Slot, pin)
	clear(pin)
	if err != nil {
		m.Close()
		// The dialog's words for a wrong or locked PIN, a removed token
		// (English keeps the token's PIN state: "wrong PIN (PIN state:
		// count low)").
		if key, ok := ui.StoreErrorKey(err); ok {
			return nil, nil, failMsg("cli-token-error", ti.Label, &msg{key: key, en: err})
		}
		return nil, nil, failMsg("cli-token-error", ti.Label, err)
	}
	keys, err := s.Keys(e.ctx)
	if err != nil || len(keys) == 0 {
		s.Close()
		m.Close()
		if err == nil {
			err = failMsg("cli-token-no-keys", ti.Label)
		}
		return nil, nil, err
	}
	return keys, func() { s.Close(); m.Close() }, nil
}

// pick chooses the key to sign with.
func (ks *keySource) pick(keys []*token.Key) (*token.Key, error) {
	var match []*token.Key
	for _, k := range keys {
		if ks.keyID != "" && !strings.EqualFold(hex.EncodeToString(k.ID), ks.keyID) {
			continue
		}
		if ks.alias != "" && k.Alias != ks.alias {
			continue
		}
		match = append(match, k)
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		return nil, usageMsg("cli-no-key-matches")
	}
	var names []string
	for _, k := range match {
		n := k.Alias
		if len(k.ID) > 0 {
			n += " (id " + hex.EncodeToString(k.ID) + ")"
		}
		names = append(names, n)
	}
	return nil, usageMsg("cli-several-keys", len(match), strings.Join(names, ", "))
}

func catalogNames() string {
	var n []string
	for _, s := range p11.DefaultCatalog() {
		n = append(n, s.Name)
	}
	return strings.Join(n, ", ")
}
