package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

func cmdKeys(e *env, args []string) error {
	fs := newFlags(e, "keys", "--p12 FILE [--password-file F] | --pkcs11 MODULE [--slot N] [--pin-file F] | --add FILE [--password-file F] | --forget FILE | --known")
	var ks keySource
	ks.register(fs, false)
	var add, forget string
	var known bool
	fs.StringVar(&add, "add", "", "remember the key `file` in \"my keys\" (asks its password once, to read its certificates): pages can list its keys before any password")
	fs.StringVar(&forget, "forget", "", "remove the key `file` from \"my keys\"")
	fs.BoolVar(&known, "known", false, "list \"my keys\": the remembered key files' keys, the one used last first")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if modes := countTrue(add != "", forget != "", known, ks.p12 != "" || ks.module != ""); modes > 1 ||
		modes == 1 && ks.pwFile != "" && add == "" && ks.p12 == "" {
		return usageMsg("cli-keys-one-mode")
	}
	switch {
	case add != "":
		return keysAdd(e, add, ks.pwFile)
	case forget != "":
		return keysForget(e, forget)
	case known:
		return keysKnown(e)
	}
	if err := ks.check(); err != nil {
		return err
	}
	keys, closeKeys, err := ks.open(e)
	if err != nil {
		return err
	}
	defer closeKeys()
	for _, k := range keys {
		printKeyLine(e.stdout, k)
	}
	return nil
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// knownKeys is the user's "my keys" list, the one the agent reads.
func knownKeys() *agent.KnownKeys {
	return agent.OpenKnownKeys(filepath.Join(agent.DataDir(), agent.KnownKeysFile))
}

// keysAdd remembers a key file: its password opens it once here, to read
// the certificates; only the path and the certificates are kept.
func keysAdd(e *env, path, pwFile string) error {
	keys, err := openP12(e, path, pwFile)
	if err != nil {
		return err
	}
	defer token.CloseAll(keys)
	n, err := knownKeys().Add(path, keys)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(path)
	fmt.Fprintln(e.stdout, e.T("cli-keys-added", n, abs))
	return nil
}

func keysForget(e *env, path string) error {
	n, err := knownKeys().Forget(path)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(path)
	if n == 0 {
		return failMsg("cli-keys-not-known", abs)
	}
	fmt.Fprintln(e.stdout, e.T("cli-keys-forgotten", n, abs))
	return nil
}

// keysKnown lists "my keys" as logfmt lines (path, alias, the key's
// fields, last-used), the one used last first.
func keysKnown(e *env) error {
	list, err := knownKeys().List()
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stderr, e.T("cli-keys-none"))
		return nil
	}
	for _, k := range list {
		id := signer.IdentityOf(k.Certificate)
		used := "-"
		if !k.LastUsed.IsZero() {
			used = k.LastUsed.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(e.stdout, "path=%s alias=%s algorithm=%s cn=%s not-after=%s last-used=%s\n", strconv.Quote(k.Path), strconv.Quote(k.Alias),
			id.Algorithm, strconv.Quote(id.CommonName), id.NotAfter.UTC().Format(time.RFC3339), used)
	}
	return nil
}

// printKeyLine writes one key as a logfmt line: readable, and easy to cut
// in scripts.
func printKeyLine(w io.Writer, k *token.Key) {
	id := signer.IdentityOf(k.Certificate)
	alias := k.Alias
	if strings.ContainsAny(alias, " \t\"=") {
		alias = strconv.Quote(alias)
	}
	fmt.Fprintf(w, "alias=%s algorithm=%s cn=%s iin=%s bin=%s not-before=%s not-after=%s kind=%s",
		alias, id.Algorithm, strconv.Quote(id.CommonName), orDash(id.IIN), orDash(id.BIN),
		id.NotBefore.UTC().Format(time.RFC3339), id.NotAfter.UTC().Format(time.RFC3339), id.Kind)
	if len(k.ID) > 0 {
		fmt.Fprintf(w, " id=%s", hex.EncodeToString(k.ID))
	}
	if st := keyState(k, time.Now()); st != "" {
		fmt.Fprintf(w, " state=%s", st)
	}
	fmt.Fprintln(w)
}

// keyState is "expired" or "not-yet-valid" for a key whose certificate is
// not valid at now, else "".
func keyState(k *token.Key, now time.Time) string {
	switch {
	case now.After(k.Certificate.NotAfter):
		return "expired"
	case now.Before(k.Certificate.NotBefore):
		return "not-yet-valid"
	}
	return ""
}

// warnUnusableKeys says at start when no configured key is valid now: each
// request would otherwise end in "no key matches" with nothing to say why
// (pages that set allowExpired still get signatures).
func warnUnusableKeys(e *env, keys []*token.Key, now time.Time) {
	for _, k := range keys {
		if keyState(k, now) == "" {
			return
		}
	}
	for _, k := range keys {
		fmt.Fprintln(e.stderr, e.T("cli-serve-key-unusable", k.Alias, k.Certificate.NotBefore.UTC().Format(time.DateOnly), k.Certificate.NotAfter.UTC().Format(time.DateOnly)))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
