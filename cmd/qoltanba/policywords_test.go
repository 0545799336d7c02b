package main

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
)

// TestEveryPolicyErrorHasWords: every kind of agent.PolicyError (read from
// the agent's source, so a kind added there without words here fails) is
// said from the catalog in every language, with its file and line, and
// without a format verb left over — except knownOrigins' own checks,
// which keep the agent's words.
func TestEveryPolicyErrorHasWords(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../../agent/policykeys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "PolicyErrorKind" {
				continue
			}
			for _, name := range v.Names {
				n++
				kind := agent.PolicyErrorKind(strings.Trim(v.Values[0].(*ast.BasicLit).Value, `"`))
				if _, ok := policyMsgs[kind]; !ok {
					t.Errorf("%s (%s) has no words", name.Name, kind)
				}
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d kinds found", n)
	}
	for _, c := range []string{
		"{\n\"disableKeyFiles\": \"yes\"}", "null", `["x"]`, "{}\n{}", "{\"locale\":\"ru\",\n \"alowedOrigins\":[]}",
		`{"DisableUnattended":false}`, "{\"a\":1,\n\"a\":2}", "{\"locale\": \"fr\"}", "{\"promptTimeout\": \"1ns\"}",
		"{\"pkcs11Modules\": [{\"name\": \"x\"}]}", `{"protocols": ["vnc"]}`, `{"updateChecks": "maybe"}`, `{"updateURL": "ftp://x"}`, `{"knownOrigins":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
	} {
		_, err := agent.ParsePolicy([]byte(c), "/etc/p.json")
		var pe *agent.PolicyError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: %v", c, err)
		}
		m := policyMsg(pe)
		if !errors.As(m, &pe) {
			t.Errorf("%s: the message hides the PolicyError", c)
		}
		for _, l := range ui.Locales {
			s := m.(*msg).in(l)
			if !strings.HasPrefix(s, "/etc/p.json") && !strings.Contains(s, " /etc/p.json") || strings.Contains(s, "%!") || strings.Contains(s, "cli-") {
				t.Errorf("%s in %s: %q", c, l, s)
			}
		}
	}
}
