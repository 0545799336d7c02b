package signer_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"go.cypherpunks.ru/gogost/v5/gost3410"
	"go.cypherpunks.ru/gogost/v5/gost34112012512"

	"github.com/qoltanba/qoltanba/signer"
)

const ncanodeDoc = `<root><name>NCANode</name></root>`

// Documents that exercise canonicalisation: namespaces, comments, escaped
// characters, CDATA, attributes in non-canonical order, white space.
var xmlDocs = map[string]string{
	"plain":      ncanodeDoc,
	"decl":       `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<root><name>NCANode</name></root>` + "\n",
	"comments":   `<!-- before --><root><!-- inside --><a>1</a><!-- tail --></root><!-- after -->`,
	"namespaces": `<d:doc xmlns:d="urn:doc" xmlns="urn:default" xmlns:unused="urn:u"><d:item b="2" a="1">x</d:item><plain/></d:doc>`,
	"escapes":    `<root attr="a &amp; b &quot;c&quot;">1 &lt; 2 &amp;&amp; 3 &gt; 2<![CDATA[ <raw> & ]]>` + "\u00a0Қазақстан</root>",
	"whitespace": "<root>\n  <a>  spaced  </a>\n\t<b/>\n</root>",
	"selfclose":  `<root a="1"/>`,
	"xml-lang":   `<root xml:lang="kk"><p>Сәлем</p></root>`,
}

func TestXMLSignVerifySharedKeys(t *testing.T) {
	for name := range keyFiles {
		t.Run(name, func(t *testing.T) {
			key := loadKey(t, name)
			for dn, doc := range xmlDocs {
				signed, err := signer.SignXML([]byte(doc), key, nil)
				if err != nil {
					t.Fatalf("%s: %v", dn, err)
				}
				res, err := signer.VerifyXML(signed, verifyOpts(t, name, nil))
				if err != nil {
					t.Fatalf("%s: %v\n%s", dn, err, signed)
				}
				if res.Signers[0].Identity.IIN != "123456789011" || len(res.Signers[0].Chain) != 3 {
					t.Errorf("%s: identity %+v", dn, res.Signers[0].Identity)
				}
				if !bytes.HasPrefix(signed, []byte(`<?xml version="1.0" encoding="utf-8" standalone="no"?>`)) {
					t.Errorf("%s: declaration not re-emitted: %.60s", dn, signed)
				}
			}
		})
	}
}

// TestXMLxmlsec1 checks our RSA XML with an independent implementation,
// including the chain to NCA's test CAs at a time the keys were valid.
func TestXMLxmlsec1(t *testing.T) {
	mustTool(t, "xmlsec1")
	cas := caFor(t, "RSA")
	root := writeChainPEM(t, cas[:1])
	inter := writeChainPEM(t, cas[1:])
	verify := func(t *testing.T, doc []byte, extra ...string) (string, error) {
		args := append([]string{"--verify", "--trusted-pem", root, "--untrusted-pem", inter,
			"--verification-gmt-time", time2020.Format("2006-01-02 15:04:05")}, extra...)
		return runTool(t, "xmlsec1", append(args, writeFile(t, "doc.xml", doc))...)
	}
	for _, name := range []string{"RSA", "RSA-AUTH"} {
		key := loadKey(t, name)
		for dn, doc := range xmlDocs {
			signed, err := signer.SignXML([]byte(doc), key, nil)
			if err != nil {
				t.Fatal(err)
			}
			if out, err := verify(t, signed); err != nil || !strings.Contains(out, "OK") {
				t.Errorf("%s/%s: xmlsec1: %v\n%s\n%s", name, dn, err, out, signed)
			}
			// The check can fail: a changed text must be rejected by xmlsec1.
			if dn == "plain" {
				bad := bytes.Replace(signed, []byte("NCANode"), []byte("NCANodf"), 1)
				if out, err := verify(t, bad); err == nil {
					t.Errorf("xmlsec1 accepted a changed document: %s", out)
				}
			}
		}
	}
	// A second signature covers the first: xmlsec1 checks the last one.
	once, _ := signer.SignXML([]byte(ncanodeDoc), loadKey(t, "RSA"), nil)
	twice, err := signer.SignXML(once, loadKey(t, "RSA-AUTH"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := verify(t, twice, "--node-xpath", "(//*[local-name()='Signature'])[2]"); err != nil {
		t.Errorf("second signature: %v\n%s", err, out)
	}
	// XPath variant: the element is referenced by Id.
	doc := `<request><data Id="d1"><amount>100</amount></data><signatures/></request>`
	signed, err := signer.SignXML([]byte(doc), loadKey(t, "RSA"), &signer.XMLOptions{TBSXPath: "//data", ParentXPath: "//signatures"})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := verify(t, signed, "--id-attr:Id", "data"); err != nil {
		t.Errorf("XPath variant: %v\n%s\n%s", err, out, signed)
	}
}

var base64Content = regexp.MustCompile(`(<ds:(DigestValue|SignatureValue|X509Certificate)>)[^<]*(</ds:)`)

// TestXMLLayoutMatchesKalkan: for the same document our signature is
// byte-identical to Kalkan's except the base64 values.
func TestXMLLayoutMatchesKalkan(t *testing.T) {
	samples := map[string]string{
		"RSA":      "rsa-gost2004-2020/personal/active/RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.xml",
		"RSA-AUTH": "rsa-gost2004-2020/personal/active/AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.xml",
		"GOST2004": "rsa-gost2004-2020/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.xml",
	}
	for name, f := range samples {
		want, err := os.ReadFile(ncatest.Path(f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := signer.SignXML([]byte(ncanodeDoc), loadKey(t, name), nil)
		if err != nil {
			t.Fatal(err)
		}
		norm := func(b []byte) string {
			return base64Content.ReplaceAllString(strings.ReplaceAll(string(b), "&#13;", ""), "$1…$3")
		}
		if norm(got) != norm(want) {
			t.Errorf("%s: layout differs\n got: %s\nwant: %s", name, norm(got), norm(want))
		}
	}
}

// TestXMLGOSTWithGogostDirectly re-checks a GOST-2015 XML signature with
// gogost: canonical SignedInfo (goxmldsig), Streebog-512, Kalkan byte order.
func TestXMLGOSTWithGogostDirectly(t *testing.T) {
	key := loadKey(t, "GOST2015")
	signed, err := signer.SignXML([]byte(ncanodeDoc), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := etree.NewDocument()
	if err := d.ReadFromBytes(signed); err != nil {
		t.Fatal(err)
	}
	si := d.FindElement("//SignedInfo")
	canon, err := dsig.MakeC14N10RecCanonicalizer().Canonicalize(si)
	if err != nil {
		t.Fatal(err)
	}
	h := gost34112012512.New()
	h.Write(canon)
	sig, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(d.FindElement("//SignatureValue").Text(), "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	pk, _ := signer.PublicKey(key.Certificate)
	pub := pk.(*signer.GOSTPublicKey).Key
	raw := pub.RawLE()
	independent, err := gost3410.NewPublicKeyLE(gost3410.CurveIdtc26gost341012512paramSetA(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := (gost3410.PublicKeyReverseDigestAndSignature{Pub: independent}).VerifyDigest(h.Sum(nil), sig); err != nil || !ok {
		t.Fatalf("gogost rejects our XML signature: %v", err)
	}
	for _, want := range []string{
		`Algorithm="urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512"`,
		`Algorithm="urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512"`,
	} {
		if !bytes.Contains(signed, []byte(want)) {
			t.Errorf("missing %s", want)
		}
	}
}

func TestXMLStackedAndBatch(t *testing.T) {
	keys := []string{"GOST2015", "GOST2015-UL", "RSA"}
	doc := []byte(ncanodeDoc)
	for _, k := range keys {
		var err error
		if doc, err = signer.SignXML(doc, loadKey(t, k), nil); err != nil {
			t.Fatal(err)
		}
	}
	res, err := signer.VerifyXML(doc, signer.VerifyOptions{NoChain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Signers) != 3 || res.Signers[1].Identity.BIN != "123456789021" || res.Signers[2].Identity.Algorithm != signer.RSA {
		t.Fatalf("signers %+v", res.Signers)
	}
	// Batch: one key, several documents.
	docs := [][]byte{[]byte("<a>1</a>"), []byte("<b>2</b>"), []byte("<c>3</c>")}
	out, err := signer.SignXMLs(docs, loadKey(t, "GOST2015"), nil)
	if err != nil || len(out) != 3 {
		t.Fatal(err)
	}
	for i, o := range out {
		if _, err := signer.VerifyXML(o, verifyOpts(t, "GOST2015", nil)); err != nil {
			t.Errorf("doc %d: %v", i, err)
		}
	}
	if _, err := signer.SignXMLs([][]byte{[]byte("<a/>"), []byte("<broken")}, loadKey(t, "GOST2015"), nil); err == nil || !strings.Contains(err.Error(), "document 2") {
		t.Errorf("batch error does not name the document: %v", err)
	}
}

func TestXMLBadInput(t *testing.T) {
	key := loadKey(t, "RSA")
	cases := map[string]string{
		"unclosed":       `<root><a></root>`,
		"empty":          ``,
		"text":           `hello`,
		"billion laughs": `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`,
		"xxe":            `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`,
		"undefined ent":  `<r>&nope;</r>`,
		"cp1251":         `<?xml version="1.0" encoding="windows-1251"?><r>x</r>`,
	}
	for name, doc := range cases {
		_, err := signer.SignXML([]byte(doc), key, nil)
		if !errors.Is(err, signer.ErrXML) {
			t.Errorf("%s: got %v, want ErrXML", name, err)
		}
	}
	// The parser's own message reaches the caller.
	_, err := signer.SignXML([]byte(`<root><a></root>`), key, nil)
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("parser message lost: %v", err)
	}
	for _, o := range []signer.XMLOptions{
		{TBSXPath: "//missing", ParentXPath: "//root"},
		{TBSXPath: "//b/a", ParentXPath: "//root"},                    // no Id
		{TBSXPath: "//a[@Id='x']", ParentXPath: "//a[@Id='x']/inner"}, // parent inside
		{TBSXPath: "//[", ParentXPath: "//root"},
	} {
		if _, err := signer.SignXML([]byte(`<root><a Id="x"><inner/></a><b><a/></b></root>`), key, &o); !errors.Is(err, signer.ErrXML) {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// TestVerifyKalkanXMLSamples: every shared Kalkan XML verifies with the
// chain at a valid time, and rejects copies with one changed byte.
func TestVerifyKalkanXMLSamples(t *testing.T) {
	files, _ := filepath.Glob(ncatest.Path("rsa-gost2004-2020/*/*/*.xml"))
	if len(files) != 8 {
		t.Fatalf("found %d XML samples, want 8", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fam := "RSA"
			if strings.HasPrefix(filepath.Base(f), "GOSTKNCA") {
				fam = "GOST2004"
			}
			res, err := signer.VerifyXML(doc, verifyOpts(t, fam, nil))
			if err != nil {
				t.Fatal(err)
			}
			if res.Signers[0].Identity.IIN != "123456789011" {
				t.Errorf("identity %+v", res.Signers[0].Identity)
			}
			flip := func(needle string, off int) []byte {
				i := bytes.Index(doc, []byte(needle))
				if i < 0 {
					t.Fatalf("%q not in sample", needle)
				}
				b := bytes.Clone(doc)
				b[i+off] ^= 0x01
				return b
			}
			for what, tc := range map[string]struct {
				doc  []byte
				want []error
			}{
				"content":     {flip("NCANode", 3), []error{signer.ErrMessageDigest}},
				"signature":   {flip("<ds:SignatureValue>\n", 30), []error{signer.ErrBadSignature, signer.ErrMalformed}},
				"digest":      {flip("<ds:DigestValue>", 20), []error{signer.ErrMessageDigest, signer.ErrMalformed}},
				"certificate": {flip("<ds:X509Certificate>\n", 700), []error{signer.ErrBadSignature, signer.ErrMalformed, signer.ErrUntrusted}},
				"algorithm":   {flip("xmldsig-more#", 5), []error{signer.ErrUnsupportedKey}},
			} {
				_, err := signer.VerifyXML(tc.doc, verifyOpts(t, fam, nil))
				if err == nil || !slices.ContainsFunc(tc.want, func(e error) bool { return errors.Is(err, e) }) {
					t.Errorf("%s: got %v, want one of %v", what, err, tc.want)
				}
			}
		})
	}
}

func FuzzVerifyXML(f *testing.F) {
	files, _ := filepath.Glob(ncatest.Path("rsa-gost2004-2020/personal/*/RSA*.xml"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(xmlDocs["namespaces"]))
	f.Fuzz(func(t *testing.T, doc []byte) {
		res, err := signer.VerifyXML(doc, signer.VerifyOptions{NoChain: true})
		if err == nil && len(res.Signers) == 0 {
			t.Fatal("verified without signers")
		}
	})
}

var _ = fmt.Sprint
