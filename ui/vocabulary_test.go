package ui

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
	tok "github.com/qoltanba/qoltanba/token"
)

// pkgConsts reads a package's source for the values of every constant of
// the named type: a constant added there without words here fails the
// tests below, whoever adds it.
func pkgConsts(t *testing.T, pkg, typ string) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, _ := filepath.Glob(filepath.Join("..", pkg, "*.go"))
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); !ok || id.Name != typ {
					continue
				}
				for _, val := range v.Values {
					lit, ok := val.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: a %s that is not a string literal", fset.Position(val.Pos()), typ)
					}
					s, _ := strconv.Unquote(lit.Value)
					out = append(out, s)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s constants found in %s", typ, pkg)
	}
	return out
}

// wordTables are the tables of ui/words.go by the type they word, as
// plain string maps for the test.
func wordTables() map[string]map[string]string {
	plain := func(m any) map[string]string {
		out := map[string]string{}
		switch m := m.(type) {
		case map[agent.Reason]string:
			for k, v := range m {
				out[string(k)] = v
			}
		case map[agent.Outcome]string:
			for k, v := range m {
				out[string(k)] = v
			}
		case map[agent.LookalikeWhy]string:
			for k, v := range m {
				out[string(k)] = v
			}
		case map[agent.KnownFault]string:
			for k, v := range m {
				out[string(k)] = v
			}
		case map[agent.Action]string:
			for k, v := range m {
				out[string(k)] = v
			}
		case map[agent.DocKind]string:
			for k, v := range m {
				out[string(k)] = v
			}
		case map[signer.KeyKind]string:
			for k, v := range m {
				out[string(k)] = v
			}
		}
		return out
	}
	return map[string]map[string]string{
		"agent.Reason":       plain(reasonKeys),
		"agent.Outcome":      plain(outcomeKeys),
		"agent.LookalikeWhy": plain(whyKeys),
		"agent.KnownFault":   plain(knownFaultKeys),
		"agent.Action/sign":  plain(signKeys),
		"agent.Action/done":  plain(signedKeys),
		"agent.DocKind":      plain(docKindKeys),
		"signer.KeyKind":     plain(keyKindKeys),
	}
}

// TestEveryWordOfTheAgentHasWords: every reason a key cannot be chosen,
// every outcome of a request, every look-alike reason, action (its Sign
// button and its status after), document kind and key kind has its
// catalog key in ui/words.go's tables, and the key has words in every
// language the dialogs speak.
func TestEveryWordOfTheAgentHasWords(t *testing.T) {
	tables := wordTables()
	for _, c := range []struct{ pkg, typ, table string }{
		{"agent", "Reason", "agent.Reason"},
		{"agent", "Outcome", "agent.Outcome"},
		{"agent", "LookalikeWhy", "agent.LookalikeWhy"},
		{"agent", "KnownFault", "agent.KnownFault"},
		{"agent", "Action", "agent.Action/sign"},
		{"agent", "Action", "agent.Action/done"},
		{"agent", "DocKind", "agent.DocKind"},
		{"signer", "KeyKind", "signer.KeyKind"},
	} {
		table := tables[c.table]
		for _, v := range pkgConsts(t, c.pkg, c.typ) {
			if v == "" {
				continue // ReasonNone: nothing to say
			}
			key, ok := table[v]
			if !ok {
				t.Errorf("%s %q: no key in the table %s", c.typ, v, c.table)
				continue
			}
			for _, l := range Locales {
				if catalog[key][l] == "" {
					t.Errorf("%s %q (%s): no words in %s", c.typ, v, key, l)
				}
			}
		}
	}
	if got := word(outcomeKeys, agent.Outcome("from-a-newer-version"), "kk"); got != "from-a-newer-version" {
		t.Errorf("an outcome without words is shown as %q", got)
	}
}

// TestEveryStorageHasWords: every storage of the one table (token.Storages)
// has a name in every language the dialogs speak — its words there, or a
// brand name that is the same in all — and the dialog shows that name.
func TestEveryStorageHasWords(t *testing.T) {
	for _, s := range tok.Storages() {
		if s.Names != nil {
			for _, l := range Locales {
				if s.Names[l] == "" {
					t.Errorf("storage %s: no words in %s", s.ID, l)
				}
			}
		} else if s.Name == "" {
			t.Errorf("storage %s: neither a name nor words", s.ID)
		}
		for _, l := range Locales {
			if got := TokenName(s.ID, l); got == "" || got != s.NameIn(l) {
				t.Errorf("storage %s in %s: the dialog says %q, the table %q", s.ID, l, got, s.NameIn(l))
			}
		}
	}
	if got := TokenName(tok.StorageIDCard, "ru"); got != "Удостоверение личности" {
		t.Errorf("the ID card in Russian is %q", got)
	}
	if got := TokenName("MyBankStore", "kk"); got != "MyBankStore" {
		t.Errorf("an admin's own storage is shown as %q, not as its id", got)
	}
}

// TestEveryStoreErrorHasWords: every error the token packages export (read
// from their source, so a new one fails here until it is worded or named
// below as one without words of its own) and every outcome of a failed
// signing read the same in the dialog, the terminal and the command line:
// one key with words in every language.
func TestEveryStoreErrorHasWords(t *testing.T) {
	pinState := func(s tok.PINState) error { return &tok.PINError{Err: tok.ErrWrongPIN, State: s} }
	for _, c := range []struct {
		name string
		err  error
		key  string
	}{
		{"ErrWrongPassword", tok.ErrWrongPassword, "wrong-password"},
		{"ErrNotPKCS12", fmt.Errorf("ber: length of 88 octets: %w", tok.ErrNotPKCS12), "not-key-file"},
		{"ErrTooLarge", tok.ErrTooLarge, "key-file-too-large"},
		{"ErrNoKey", tok.ErrNoKey, "key-file-no-key"},
		{"ErrWrongPIN", tok.ErrWrongPIN, "wrong-pin"},
		{"", pinState(tok.PINState{}), "wrong-pin"},
		{"", pinState(tok.PINState{CountLow: true}), "wrong-pin-low"},
		{"", pinState(tok.PINState{CountLow: true, FinalTry: true}), "wrong-pin-final"},
		{"", pinState(tok.PINState{Locked: true}), "pin-locked"},
		{"ErrPINLocked", &tok.PINError{Err: tok.ErrPINLocked}, "pin-locked"},
		{"ErrTokenRemoved", fmt.Errorf("slot 1: %w", tok.ErrTokenRemoved), "fail-token-removed"},
	} {
		key, ok := StoreErrorKey(c.err)
		if !ok || key != c.key {
			t.Errorf("%v: %q, want %q", c.err, key, c.key)
		}
		if k, _ := FailureKey(c.err); k != c.key {
			t.Errorf("%v after Sign: %q, want %q", c.err, k, c.key)
		}
		hasWords(t, c.key)
	}
	for _, name := range exportedErrs(t, filepath.Join("..", "token")) {
		found := false
		for _, k := range []string{"ErrWrongPassword", "ErrNotPKCS12", "ErrTooLarge", "ErrNoKey", "ErrWrongPIN", "ErrPINLocked", "ErrTokenRemoved"} {
			found = found || k == name
		}
		if !found {
			t.Errorf("token.%s has no words (StoreErrorKey)", name)
		}
	}
	for o, key := range failureKeys {
		hasWords(t, key)
		if got, ok := FailureKey(fmt.Errorf("x: %w", errOf(o))); !ok || got != key {
			t.Errorf("outcome %s: %q", o, got)
		}
	}
	if _, ok := StoreErrorKey(errors.New("pkcs11: CKR_DEVICE_ERROR")); ok {
		t.Error("an unknown error got words of its own")
	}
	if k, ok := FailureKey(agent.ErrTimeout); ok {
		t.Errorf("a timeout after Sign is said as %q, not as failed with its error", k)
	}
}

// errOf is an error of outcome o.
func errOf(o agent.Outcome) error {
	switch o {
	case agent.OutcomeTimestamp:
		return signer.ErrTimestamp
	case agent.OutcomeTokenRemoved:
		return tok.ErrTokenRemoved
	case agent.OutcomeTokenLocked:
		return tok.ErrPINLocked
	case agent.OutcomeBadRequest:
		return agent.ErrBadRequest
	case agent.OutcomeTooLarge:
		return agent.ErrTooLarge
	}
	return errors.New(string(o))
}

func hasWords(t *testing.T, key string) {
	t.Helper()
	for _, l := range Locales {
		if catalog[key][l] == "" {
			t.Errorf("%s: no words in %s", key, l)
		}
	}
}

// exportedErrs names the exported Err* variables of a package's source.
func exportedErrs(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, s := range g.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						if strings.HasPrefix(n.Name, "Err") {
							out = append(out, n.Name)
						}
					}
				}
			}
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %v found in %s", out, dir)
	}
	return out
}
