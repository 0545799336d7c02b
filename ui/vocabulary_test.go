package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tok "github.com/qoltanba/qoltanba/token"
)

// agentConsts reads the agent package's source for the values of every
// constant of the named type: a constant added there without words here
// fails the test below, whoever adds it.
func agentConsts(t *testing.T, typ string) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, _ := filepath.Glob(filepath.Join("..", "agent", "*.go"))
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
		t.Fatalf("no %s constants found in agent", typ)
	}
	return out
}

// TestEveryWordOfTheAgentHasWords: every reason a key cannot be chosen,
// every outcome of a request and every look-alike reason the agent has has
// its words in every language the dialogs speak.
func TestEveryWordOfTheAgentHasWords(t *testing.T) {
	for _, c := range []struct{ typ, prefix string }{
		{"Reason", "reason-"},
		{"Outcome", "outcome-"},
		{"LookalikeWhy", "why-"},
	} {
		for _, v := range agentConsts(t, c.typ) {
			if v == "" {
				continue // ReasonNone: nothing to say
			}
			m, ok := catalog[c.prefix+v]
			if !ok {
				t.Errorf("%s %q: no %s%s in the catalog", c.typ, v, c.prefix, v)
				continue
			}
			for _, l := range Locales {
				if m[l] == "" {
					t.Errorf("%s %q: no words in %s", c.typ, v, l)
				}
			}
		}
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
