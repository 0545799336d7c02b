package signer

import (
	"runtime"
	"strings"
	"testing"
)

// TestXMLTreeMemory: XMLTree.Memory covers what signing holds live (the
// tree, measured on the heap, plus its canonical form and the signed
// copy) for documents of every shape, without charging more than 2.5
// times that.
func TestXMLTreeMemory(t *testing.T) {
	for _, c := range []struct {
		name, el string
		n        int
	}{
		{"empty elements", "<a/>", 100000},
		{"attributes", `<a x="1" y="2"/>`, 100000},
		{"text", "<a>" + strings.Repeat("t", 100) + "</a>\n", 50000},
		{"nested", "<a><b/></a>\n", 100000},
		{"namespaced", `<p:a xmlns:p="urn:x" p:k="v">z</p:a>`, 50000},
		// Nodes that are not elements: each is a node of the tree too,
		// and a few bytes make one.
		{"processing instructions", "<?a?>", 200000},
		{"comments", "<!---->", 200000},
		{"CDATA sections", "<![CDATA[]]>", 200000},
		{"text between comments", "<!---->x", 200000},
	} {
		doc := []byte("<r>" + strings.Repeat(c.el, c.n) + "</r>")
		tr, err := ScanXML(doc)
		if err != nil {
			t.Fatal(err)
		}
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		d, err := parseXML(doc)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		tree := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
		canon := canonicalizeInclusive(d.Root())
		live := tree + int64(len(canon)) + int64(len(doc))
		runtime.KeepAlive(d)
		if est := tr.Memory(); est < live || est > live*5/2 {
			t.Errorf("%s: estimate %d bytes, measured %d (tree %d)", c.name, est, live, tree)
		}
	}
}
