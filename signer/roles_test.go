package signer

import "testing"

func TestRoleName(t *testing.T) {
	for _, tc := range []struct {
		oid, name string
		ok        bool
	}{
		{"1.2.398.3.3.4.1.1", "individual", true},
		{"1.2.398.3.3.4.1.2", "legal entity", true},
		{"1.2.398.3.3.4.1.2.1", "first head of the organisation", true},
		{"1.2.398.3.3.4.1.2.2", "right to sign", true},
		{"1.2.398.3.3.4.1.2.5", "employee of the organisation", true},
		{"1.2.398.5.19.1.2.2.1", "treasury client", true},
		{"1.2.398.3.3.2", "", false}, // a policy, not a role
		{"1.3.6.1.5.5.7.3.2", "", false},
	} {
		if name, ok := RoleName(tc.oid); name != tc.name || ok != tc.ok {
			t.Errorf("RoleName(%s) = %q, %v; want %q, %v", tc.oid, name, ok, tc.name, tc.ok)
		}
	}
}
