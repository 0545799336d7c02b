package main

import (
	"fmt"
	"strconv"

	"github.com/qoltanba/qoltanba/token/p11"
)

// cmdTokens lists the PKCS#11 modules found on this machine, their slots,
// tokens and PIN state.
func cmdTokens(e *env, args []string) error {
	fs := newFlags(e, "tokens", "[--pkcs11 MODULE]...")
	var extra listFlag
	fs.Var(&extra, "pkcs11", "also look at this module (`name or path`); repeatable")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	found := p11.Installed(p11.DefaultCatalog())
	for _, x := range extra {
		path, spec, ok := p11.Resolve(p11.DefaultCatalog(), x)
		if !ok {
			return failMsg("cli-module-not-found", x, catalogNames())
		}
		found = append(found, p11.Found{Spec: spec, Path: path})
	}
	if len(found) == 0 {
		fmt.Fprintln(e.stdout, e.T("cli-tokens-no-module", catalogNames()))
		return nil
	}
	seen := map[string]bool{}
	for _, f := range found {
		if seen[f.Path] {
			continue
		}
		seen[f.Path] = true
		fmt.Fprintf(e.stdout, "module %s (%s) storage=%s\n", f.Spec.Name, f.Path, f.Spec.Storage)
		m, err := p11.Open(e.ctx, f.Path, f.Spec)
		if err != nil {
			fmt.Fprintf(e.stdout, "  %s\n", e.T("cli-tokens-error", errText(e.locale, err)))
			continue
		}
		ts, err := m.Tokens(e.ctx)
		if err != nil {
			fmt.Fprintf(e.stdout, "  %s\n", e.T("cli-tokens-error", errText(e.locale, err)))
		} else if len(ts) == 0 {
			fmt.Fprintf(e.stdout, "  %s\n", e.T("cli-tokens-none"))
		}
		for _, t := range ts {
			fmt.Fprintf(e.stdout, "  slot=%d label=%s manufacturer=%s model=%s serial=%s storage=%s pin=%s\n",
				t.Slot, strconv.Quote(t.Label), strconv.Quote(t.Manufacturer), strconv.Quote(t.Model), t.Serial, t.Storage, strconv.Quote(t.PIN.String()))
		}
		m.Close()
	}
	return nil
}
