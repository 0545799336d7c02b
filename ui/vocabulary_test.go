package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
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
