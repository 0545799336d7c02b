package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

func cmdKeys(e *env, args []string) error {
	fs := newFlags(e, "keys", "--p12 FILE [--password-file F] | --pkcs11 MODULE [--slot N] [--pin-file F]")
	var ks keySource
	ks.register(fs, false)
	if err := parseFlags(fs, args); err != nil {
		return err
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
