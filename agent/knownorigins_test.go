package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyKnownOriginsChecked: a policy's knownOrigins entry that is a
// whole domain ending or a look-alike of a built-in service is refused
// with the file named; one written in capitals with a trailing dot is
// normalised.
func TestPolicyKnownOriginsChecked(t *testing.T) {
	for _, c := range []struct{ domain, err string }{
		{"kz", "whole domain ending"},
		{"com", "whole domain ending"},
		{"com.kz", "whole domain ending"},
		{"*.kz", "whole domain ending"},
		{"eg0v.kz", "looks like egov.kz"},
		{"https://portal.corp.kz", "not an address"},
	} {
		_, err := ParsePolicy([]byte(`{"knownOrigins":[{"domain":"`+c.domain+`","names":{"en":"X"}}]}`), "test.json")
		if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "test.json") {
			t.Errorf("%q: %v, want an error naming test.json and saying %q", c.domain, err, c.err)
		}
		if _, err := PolicyValue("knownOrigins", `[{"domain":"`+c.domain+`"}]`); err == nil {
			t.Errorf("policy set knownOrigins %q accepted", c.domain)
		}
	}
	p, err := ParsePolicy([]byte(`{"knownOrigins":[{"domain":"Portal.CORP.kz.","names":{"en":"Corp"}}]}`), "test.json")
	if err != nil || len(p.KnownOrigins) != 1 || p.KnownOrigins[0].Domain != "portal.corp.kz" {
		t.Fatalf("%+v %v, want portal.corp.kz", p, err)
	}
}

// TestConfigKnownOriginsChecked: the same rules for the user's config.
func TestConfigKnownOriginsChecked(t *testing.T) {
	dir := t.TempDir()
	write := func(domain string) string {
		path := filepath.Join(dir, "config.json")
		if err := os.WriteFile(path, []byte(`{"knownOrigins":[{"domain":"`+domain+`","names":{"en":"X"}}]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, bad := range []string{"kz", "com", "gov.uk", "egov-kz.com"} {
		if _, err := LoadConfig(write(bad)); err == nil || !strings.Contains(err.Error(), "knownOrigins") {
			t.Errorf("%q: %v, want a knownOrigins error", bad, err)
		}
	}
	c, err := LoadConfig(write("MyBank.kz."))
	if err != nil || len(c.KnownOrigins) != 1 || c.KnownOrigins[0].Domain != "mybank.kz" {
		t.Fatalf("%+v %v", c.KnownOrigins, err)
	}
}

// TestPolicyKnownOriginsReplaceUsers: under a policy that sets
// knownOrigins, the user's own entries are not used (a user's entry could
// otherwise make a look-alike of the organisation's site known); without
// one, the user's are kept.
func TestPolicyKnownOriginsReplaceUsers(t *testing.T) {
	user := DefaultConfig()
	user.KnownOrigins = []KnownService{{Domain: "rnybank.kz", Names: map[string]string{"en": "Not my bank"}}}
	p, err := ParsePolicy([]byte(`{"knownOrigins":[{"domain":"mybank.kz","names":{"en":"My Bank"}}]}`), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	c := p.Apply(user)
	if len(c.KnownOrigins) != 1 || c.KnownOrigins[0].Domain != "mybank.kz" || !c.Managed["knownOrigins"] {
		t.Errorf("known = %+v, want only the policy's mybank.kz, managed", c.KnownOrigins)
	}
	fake, _ := ParseOrigin("https://rnybank.kz")
	if got := Classify(fake, c.KnownOrigins); got.Class != OriginLookalike || got.Service.Domain != "mybank.kz" {
		t.Errorf("rnybank.kz under the policy: %s, want a look-alike of mybank.kz", got.Class)
	}
	other, _ := ParsePolicy([]byte(`{"locale":"ru"}`), "p.json")
	if c := other.Apply(user); len(c.KnownOrigins) != 1 || c.KnownOrigins[0].Domain != "rnybank.kz" {
		t.Errorf("a policy without knownOrigins dropped the user's: %+v", c.KnownOrigins)
	}
}
