package signer

import (
	"encoding/asn1"
	"testing"
)

// TestLoginAttributeIsStandard: the login's mark is ContentHints, which
// every CMS reader parses (Go's encoding/asn1 included), with the purpose
// as its description and id-data as its content type.
func TestLoginAttributeIsStandard(t *testing.T) {
	a := LoginAttribute()
	var oid asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(a.Type, &oid); err != nil || oid.String() != LoginAttributeOID {
		t.Fatalf("attribute type %v %v", oid, err)
	}
	var hints struct {
		Description string `asn1:"utf8"`
		ContentType asn1.ObjectIdentifier
	}
	if rest, err := asn1.Unmarshal(a.Value, &hints); err != nil || len(rest) != 0 || hints.Description != LoginPurpose || !hints.ContentType.Equal(oidData) {
		t.Errorf("ContentHints %+v %v", hints, err)
	}
}
