package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

func cmdKeys(e *env, args []string) error {
	fs := newFlags(e, "keys", "--p12 FILE [--password-file F]")
	p12 := fs.String("p12", "", "PKCS#12 key `file` (.p12/.pfx)")
	pwFile := fs.String("password-file", "", "read the password from the first line of `file` (default: ask on the terminal)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *p12 == "" {
		return usageErr("--p12 is required")
	}
	keys, err := openP12(e, *p12, *pwFile)
	if err != nil {
		return err
	}
	defer token.CloseAll(keys)
	for _, k := range keys {
		printKeyLine(e.stdout, k)
	}
	return nil
}

// printKeyLine writes one key as a logfmt line: readable, and easy to cut
// in scripts.
func printKeyLine(w io.Writer, k *token.Key) {
	id := signer.IdentityOf(k.Certificate)
	fmt.Fprintf(w, "alias=%s algorithm=%s cn=%s iin=%s bin=%s not-before=%s not-after=%s kind=%s\n",
		k.Alias, id.Algorithm, strconv.Quote(id.CommonName), orDash(id.IIN), orDash(id.BIN),
		id.NotBefore.UTC().Format(time.RFC3339), id.NotAfter.UTC().Format(time.RFC3339), id.Kind)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
