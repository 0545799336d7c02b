package agent

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestPolicyKeysAreTheFields: the typed keys are exactly the JSON names of
// Policy's fields, in order (a field added without its key fails here).
func TestPolicyKeysAreTheFields(t *testing.T) {
	var fields []PolicyKey
	typ := reflect.TypeOf(Policy{})
	for i := range typ.NumField() {
		if tag := typ.Field(i).Tag.Get("json"); tag != "-" {
			fields = append(fields, PolicyKey(strings.Split(tag, ",")[0]))
		}
	}
	if !slices.Equal(fields, PolicyKeys()) {
		t.Errorf("Policy's fields %v, the keys %v", fields, PolicyKeys())
	}
}

// TestPolicyErrorsAreTyped: every way a policy is refused is a
// *PolicyError naming the file, the line (where it has one), the key and
// the kind, with the facts a message needs, and still refuses (fail
// closed).
func TestPolicyErrorsAreTyped(t *testing.T) {
	for _, c := range []struct {
		name, json string
		want       PolicyError
	}{
		{"syntax", "{\"locale\":\"kk\",\n\"allowedOrigins\": [\"https://a.kz\"\n}", PolicyError{Line: 3, Kind: PolicySyntax}},
		{"not JSON", "locale = ru", PolicyError{Line: 1, Kind: PolicySyntax}},
		{"cut short", "{\"locale\":", PolicyError{Line: 1, Kind: PolicySyntax}},
		{"null", "null", PolicyError{Kind: PolicyNull}},
		{"list", `["https://egov.kz"]`, PolicyError{Line: 1, Kind: PolicyNotObject, Value: "a list"}},
		{"unknown", "{\"locale\":\"ru\",\n \"alowedOrigins\":[]}", PolicyError{Line: 2, Key: "alowedOrigins", Kind: PolicyUnknownKey}},
		{"case", `{"DisableUnattended":false}`, PolicyError{Line: 1, Key: "DisableUnattended", Kind: PolicyKeyCase, Want: "disableUnattended"}},
		{"twice", "{\"disableKeyFiles\":true,\n\n\"disableKeyFiles\":false}", PolicyError{Line: 3, Key: "disableKeyFiles", Kind: PolicyKeyTwice}},
		{"repeats", "{\"disableUnattended\":true,\n\"DisableUnattended\":false}", PolicyError{Line: 2, Key: "DisableUnattended", Kind: PolicyKeyRepeats, Want: "disableUnattended"}},
		{"deep", `{"knownOrigins":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, PolicyError{Line: 1, Kind: PolicyTooDeep, Want: "16"}},
		{"trailing", "{}\n{}", PolicyError{Line: 2, Kind: PolicyTrailing}},
		{"type", "{\n\"disableKeyFiles\": \"yes\"}", PolicyError{Line: 2, Key: "disableKeyFiles", Kind: PolicyWrongType, Type: TypeBool}},
		{"list type", "{\n\"allowedOrigins\": \"https://a.kz\"}", PolicyError{Line: 2, Key: "allowedOrigins", Kind: PolicyWrongType, Type: TypeList}},
		{"text type", "{\"locale\": 7}", PolicyError{Line: 1, Key: "locale", Kind: PolicyWrongType, Type: TypeText}},
		{"duration", "{\"locale\": \"ru\",\n\"promptTimeout\": \"zz\"}", PolicyError{Line: 2, Key: "promptTimeout", Kind: PolicyBadDuration}},
		{"range", "{\n\"promptTimeout\": \"1ns\"}", PolicyError{Line: 2, Key: "promptTimeout", Kind: PolicyTimeoutRange, Value: "1ns", Min: "10s", Max: "1h0m0s"}},
		{"locale", "{\"disableKeyFiles\": true,\n \"locale\": \"fr\"}", PolicyError{Line: 2, Key: "locale", Kind: PolicyBadLocale, Value: "fr"}},
		{"origin", "{\n\n\"deniedOrigins\": [\"egov.kz\"]}", PolicyError{Line: 3, Key: "deniedOrigins", Kind: PolicyBadOrigin, Value: "egov.kz"}},
		{"module", "{\"pkcs11Modules\": [{\"name\": \"x\"}]}", PolicyError{Line: 1, Key: "pkcs11Modules", Kind: PolicyModuleFields}},
		{"known", "{\n\"knownOrigins\": [{\"origin\": \"https://corp.kz\"}]}", PolicyError{Line: 2, Key: "knownOrigins", Kind: PolicyBadKnown}},
		{"large", `{"auditDir":"` + strings.Repeat("a", MaxPolicySize) + `"}`, PolicyError{Kind: PolicyTooLarge, Want: "1048576"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(c.json), "p.json")
			var pe *PolicyError
			if p != nil || !errors.As(err, &pe) {
				t.Fatalf("policy %v, err %v (%T): want a *PolicyError", p, err, err)
			}
			got := *pe
			got.Err, got.text = nil, ""
			if c.name == "large" {
				got.Value = ""
			}
			c.want.Source = "p.json"
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			if !strings.HasPrefix(pe.Error(), "policy p.json") {
				t.Errorf("English %q does not name the file", pe.Error())
			}
		})
	}
}
