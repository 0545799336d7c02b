package signer

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

var c14nDocs = []string{
	`<root><name>NCANode</name></root>`,
	`<d:doc xmlns:d="urn:doc" xmlns="urn:default" xmlns:unused="urn:u"><d:item b="2" a="1" d:z="3" xmlns:e="urn:e" e:y="4">x</d:item><plain xmlns=""/><d:x xmlns:d="urn:doc"/></d:doc>`,
	`<root attr="a &amp; b &quot;c&quot; &#9;&#10;&#13;">1 &lt; 2 &amp;&amp; 3 &gt; 2<![CDATA[ <raw> & ]]>` + "\u00a0Қазақстан&#13;</root>",
	"<root>\n  <a>  spaced  </a>\n\t<b/>\n</root>",
	`<root a="1"/>`,
	`<root xml:lang="kk" xmlns:p="urn:p"><p:p xml:space="preserve">Сәлем<?pi data?><?empty?></p:p></root>`,
	`<a xmlns="urn:1"><b xmlns="urn:2"><c xmlns="urn:1"/></b></a>`,
	`<?xml version="1.0"?><?top pi?><root><x/></root>`,
}

var topLevelPI = regexp.MustCompile(`^(<\?xml[^>]*\?>)?(<\?[^>]*\?>\n?)*`)

// TestCanonicalizeInclusiveMatchesLibxml2: for whole documents our C14N is
// byte-identical to libxml2's (xmllint --c14n). Documents here carry no
// comments (xmllint keeps them) and no PIs outside the root (we serialise
// the document element only).
func TestCanonicalizeInclusiveMatchesLibxml2(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Fatal("xmllint (libxml2-utils) is required")
	}
	for _, doc := range c14nDocs {
		d := etree.NewDocument()
		if err := d.ReadFromString(doc); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("xmllint", "--c14n", "-")
		cmd.Stdin = strings.NewReader(doc)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("xmllint %q: %v", doc, err)
		}
		want := strings.TrimSpace(topLevelPI.ReplaceAllString(string(out), ""))
		if got := string(canonicalizeInclusive(d.Root())); got != want {
			t.Errorf("doc %q:\n got %s\nwant %s", doc, got, want)
		}
	}
}

// TestCanonicalizeSubtree: a subtree apex carries the namespaces and xml:*
// attributes in scope, and a redeclared default namespace is its own.
func TestCanonicalizeSubtree(t *testing.T) {
	for _, tc := range []struct{ doc, path, want string }{
		{`<a xmlns="urn:1"><b xmlns="urn:2"><c xmlns="urn:1"/></b></a>`, "//b", `<b xmlns="urn:2"><c xmlns="urn:1"></c></b>`},
		{`<a xmlns="urn:1"><b xmlns="urn:2"><c xmlns="urn:1"/></b></a>`, "//c", `<c xmlns="urn:1"></c>`},
		{`<d:doc xmlns:d="urn:doc" xmlns="urn:default"><plain xmlns=""/></d:doc>`, "//plain", `<plain xmlns:d="urn:doc"></plain>`},
		{`<r xml:lang="kk" xmlns:p="urn:p"><p:x xml:lang="ru"><y/></p:x></r>`, "//y", `<y xmlns:p="urn:p" xml:lang="ru"></y>`},
		{`<r><!-- c --><x Id="1">t<!-- in --></x></r>`, "//x", `<x Id="1">t</x>`},
	} {
		d := etree.NewDocument()
		if err := d.ReadFromString(tc.doc); err != nil {
			t.Fatal(err)
		}
		if got := string(canonicalizeInclusive(d.FindElement(tc.path))); got != tc.want {
			t.Errorf("%s in %s:\n got %s\nwant %s", tc.path, tc.doc, got, tc.want)
		}
	}
}

// FuzzCanonicalizeInclusive: canonical output is a fixed point (parsing it
// and canonicalising again gives the same bytes).
func FuzzCanonicalizeInclusive(f *testing.F) {
	for _, d := range c14nDocs {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		d := etree.NewDocument()
		if d.ReadFromString(doc) != nil || d.Root() == nil {
			return
		}
		once := canonicalizeInclusive(d.Root())
		d2 := etree.NewDocument()
		if err := d2.ReadFromBytes(once); err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, once)
		}
		if twice := canonicalizeInclusive(d2.Root()); string(twice) != string(once) {
			t.Fatalf("not a fixed point:\n%s\n%s", once, twice)
		}
	})
}
