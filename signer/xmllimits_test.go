package signer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/signer"
)

// TestXMLTreeLimits: a document past the element count or the depth is
// refused before a tree is built, by signer.ScanXML and by SignXML/VerifyXML;
// one at the limits is not.
func TestXMLTreeLimits(t *testing.T) {
	key := loadKey(t, "RSA")
	for _, c := range []struct {
		name string
		doc  string
		over bool
	}{
		{"elements at the limit", "<r>" + strings.Repeat("<a/>", signer.MaxXMLElements-1) + "</r>", false},
		{"one element more", "<r>" + strings.Repeat("<a/>", signer.MaxXMLElements) + "</r>", true},
		{"depth at the limit", strings.Repeat("<a>", signer.MaxXMLDepth) + strings.Repeat("</a>", signer.MaxXMLDepth), false},
		{"one level deeper", strings.Repeat("<a>", signer.MaxXMLDepth+1) + strings.Repeat("</a>", signer.MaxXMLDepth+1), true},
		{"deep and unclosed", strings.Repeat("<a>", 100000), true},
	} {
		tr, err := signer.ScanXML([]byte(c.doc))
		if got := errors.Is(err, signer.ErrXMLTooLarge); got != c.over {
			t.Errorf("%s: signer.ScanXML %v (%+v)", c.name, err, tr)
		}
		if !c.over {
			continue
		}
		if _, err := signer.SignXML([]byte(c.doc), key, nil); !errors.Is(err, signer.ErrXMLTooLarge) {
			t.Errorf("%s: SignXML %v", c.name, err)
		}
		if _, err := signer.VerifyXML([]byte(c.doc), signer.VerifyOptions{NoChain: true}); !errors.Is(err, signer.ErrXMLTooLarge) {
			t.Errorf("%s: VerifyXML %v", c.name, err)
		}
	}
}

func FuzzScanXML(f *testing.F) {
	f.Add([]byte(`<r a="1"><b>t</b><c/></r>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE r><r>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		tr, err := signer.ScanXML(doc)
		if err != nil && !errors.Is(err, signer.ErrXMLTooLarge) {
			t.Fatal(err)
		}
		if tr.Elements < 0 || tr.Depth > signer.MaxXMLDepth+1 || tr.Memory() < int64(len(doc)) {
			t.Fatalf("%+v", tr)
		}
	})
}
