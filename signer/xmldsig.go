package signer

// XMLDSig in Kalkan's layout. goxmldsig provides canonicalisation (C14N
// 1.0 inclusive and exclusive over etree); its signing and validation
// contexts are not used because they cannot produce Kalkan's layout, do not
// know the GOST algorithm URIs or byte order, and do not handle stacked
// enveloped signatures.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// XML algorithm and namespace URIs.
const (
	nsDSig           = "http://www.w3.org/2000/09/xmldsig#"
	uriC14N          = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
	uriC14NComments  = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
	uriExcC14N       = "http://www.w3.org/2001/10/xml-exc-c14n#"
	uriExcC14NComm   = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
	uriEnveloped     = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	xmlDeclKalkan    = `<?xml version="1.0" encoding="utf-8" standalone="no"?>`
	base64LineLength = 76
)

// MaxXMLSize bounds XML documents accepted for signing or verification.
const MaxXMLSize = 64 << 20

// Bounds of the tree built for an XML document. Real NCA documents
// (e-government forms, statements, contracts of a few kilobytes to a few
// megabytes) have hundreds to thousands of elements; a million elements
// is a 50–100 MB form whose tree alone, at its measured cost (see
// XMLTree.Memory), takes a quarter of a gigabyte. Depth 256 is 40 times
// that of NCA's signed samples (6, with the signature) and bounds the
// canonicaliser's recursion. A program that signs on a page's behalf also charges the
// tree to its memory budget before building it (the agent does).
const (
	MaxXMLElements = 1 << 20
	MaxXMLDepth    = 256
)

// ErrXMLTooLarge means a document has more elements, or nests deeper,
// than the signer builds a tree for.
var ErrXMLTooLarge = errors.New("xml: too many elements or nested too deep")

// ErrXML wraps XML parse failures (the parser's message follows) and
// refused constructs (DTDs, other encodings).
var ErrXML = errors.New("xml")

// XMLOptions selects NCALayer's signXml variants.
type XMLOptions struct {
	// TBSXPath selects the element to sign (it must carry an Id, ID or id
	// attribute); ParentXPath the element that receives the signature.
	// Both empty: the whole document is signed and the signature is
	// appended to the document element (enveloped). Paths use etree's
	// XPath subset (e.g. "//data", "./body/item[@Id='x']").
	TBSXPath, ParentXPath string
	// ReferenceType is the Type of the Reference (LoginReferenceType for a
	// login, with the whole document signed); empty for documents.
	ReferenceType string
	// Rand is the randomness for the signature; nil means crypto/rand.
	Rand io.Reader
}

func (o *XMLOptions) rand() io.Reader {
	if o == nil {
		return (*CMSOptions)(nil).rand()
	}
	return (&CMSOptions{Rand: o.Rand}).rand()
}

// SignXML signs an XML document (UTF-8) and returns it with a
// <ds:Signature> added, in the layout Kalkan writes. The original bytes of
// the document are kept: the signature is spliced in, never re-serialised.
func SignXML(doc []byte, key KeyPair, opts *XMLOptions) ([]byte, error) {
	s, err := schemeOf(key)
	if err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &XMLOptions{}
	}
	d, err := parseXML(doc)
	if err != nil {
		return nil, err
	}
	root := d.Root()
	var refURI string
	var target, parent *etree.Element
	enveloped := opts.TBSXPath == "" && opts.ParentXPath == ""
	if enveloped {
		target, parent = root, root
	} else {
		if target, err = findXPath(d, opts.TBSXPath); err != nil {
			return nil, err
		}
		if parent, err = findXPath(d, opts.ParentXPath); err != nil {
			return nil, err
		}
		id := elementID(target)
		if id == "" {
			return nil, fmt.Errorf("%w: the element at %q has no Id attribute to reference", ErrXML, opts.TBSXPath)
		}
		for p := parent; p != nil; p = p.Parent() {
			if p == target {
				return nil, fmt.Errorf("%w: the signature parent %q lies inside the signed element", ErrXML, opts.ParentXPath)
			}
		}
		refURI = "#" + id
	}
	// Same-document references drop comments (XMLDSig §4.3.3.3) whatever
	// the transform says.
	digest := s.Digest(canonicalizeInclusive(target))

	if opts.ReferenceType != "" && !enveloped {
		return nil, fmt.Errorf("%w: a typed reference signs the whole document", ErrXML)
	}
	signedInfo := buildSignedInfo(s, refURI, opts.ReferenceType, enveloped, digest)
	// Attach the signature skeleton where it will live so that SignedInfo
	// is canonicalised with its real namespace context.
	sigEl, err := parseFragment(`<ds:Signature xmlns:ds="` + nsDSig + `">` + "\n" + signedInfo + "\n</ds:Signature>")
	if err != nil {
		return nil, err
	}
	parent.AddChild(sigEl)
	siEl := sigEl.SelectElement("SignedInfo")
	var siCanon []byte
	if enveloped {
		siCanon = canonicalizeInclusive(siEl)
	} else if siCanon, err = canonicalizeExclusive(siEl); err != nil {
		return nil, fmt.Errorf("%w: canonicalize SignedInfo: %v", ErrXML, err)
	}
	sig, err := SignData(key.Signer, opts.rand(), siCanon, s)
	if err != nil {
		return nil, fmt.Errorf("xml: sign: %w", err)
	}
	if s.Key == ECDSA {
		if sig, err = ecdsaDERToRaw(sig, key.Certificate); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	b.WriteString(`<ds:Signature xmlns:ds="` + nsDSig + `">` + "\n")
	b.WriteString(signedInfo)
	b.WriteString("\n<ds:SignatureValue>\n" + wrap64(sig) + "\n</ds:SignatureValue>\n")
	b.WriteString("<ds:KeyInfo>\n<ds:X509Data>\n<ds:X509Certificate>\n" + wrap64(key.Certificate.Raw) + "\n</ds:X509Certificate>\n</ds:X509Data>\n</ds:KeyInfo>\n")
	b.WriteString("</ds:Signature>")
	if enveloped {
		return spliceIntoRoot(doc, b.String())
	}
	return spliceInto(d, parent, sigEl, b.String())
}

// SignXMLs signs several documents with one key (NCALayer signXmls: one
// dialog, one password).
func SignXMLs(docs [][]byte, key KeyPair, opts *XMLOptions) ([][]byte, error) {
	out := make([][]byte, len(docs))
	for i, d := range docs {
		var err error
		if out[i], err = SignXML(d, key, opts); err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
	}
	return out, nil
}

func buildSignedInfo(s Scheme, refURI, refType string, enveloped bool, digest []byte) string {
	var b strings.Builder
	b.WriteString("<ds:SignedInfo>\n")
	if enveloped {
		b.WriteString(`<ds:CanonicalizationMethod Algorithm="` + uriC14N + `"/>` + "\n")
	} else {
		b.WriteString(`<ds:CanonicalizationMethod Algorithm="` + uriExcC14N + `"/>` + "\n")
	}
	b.WriteString(`<ds:SignatureMethod Algorithm="` + s.SigURI + `"/>` + "\n")
	b.WriteString(`<ds:Reference`)
	if refType != "" {
		b.WriteString(` Type="` + xmlAttrEscape(refType) + `"`)
	}
	b.WriteString(` URI="` + xmlAttrEscape(refURI) + `">` + "\n<ds:Transforms>\n")
	if enveloped {
		b.WriteString(`<ds:Transform Algorithm="` + uriEnveloped + `"/>` + "\n")
	}
	b.WriteString(`<ds:Transform Algorithm="` + uriC14NComments + `"/>` + "\n</ds:Transforms>\n")
	b.WriteString(`<ds:DigestMethod Algorithm="` + s.DigestURI + `"/>` + "\n")
	b.WriteString("<ds:DigestValue>" + base64.StdEncoding.EncodeToString(digest) + "</ds:DigestValue>\n")
	b.WriteString("</ds:Reference>\n</ds:SignedInfo>")
	return b.String()
}

func wrap64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > base64LineLength {
		out.WriteString(s[:base64LineLength])
		out.WriteByte('\n')
		s = s[base64LineLength:]
	}
	out.WriteString(s)
	return out.String()
}

func xmlAttrEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parseXML parses a UTF-8 document, refusing DTDs (no entity tricks) and
// oversize input. Syntax errors carry the parser's message.
func parseXML(doc []byte) (*etree.Document, error) {
	if len(doc) > MaxXMLSize {
		return nil, fmt.Errorf("%w: document larger than %d bytes", ErrXML, MaxXMLSize)
	}
	if _, err := ScanXML(doc); err != nil {
		return nil, err
	}
	d := etree.NewDocument()
	d.ReadSettings.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not supported: use UTF-8", charset)
	}
	if err := d.ReadFromBytes(doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrXML, syntaxError(doc, err))
	}
	for _, t := range d.Child {
		if dir, ok := t.(*etree.Directive); ok && strings.HasPrefix(strings.TrimSpace(dir.Data), "DOCTYPE") {
			return nil, fmt.Errorf("%w: DTDs are not accepted", ErrXML)
		}
	}
	if d.Root() == nil {
		return nil, fmt.Errorf("%w: no document element", ErrXML)
	}
	return d, nil
}

// syntaxError finds encoding/xml's precise message (line, what is wrong)
// when etree reports only a generic failure.
func syntaxError(doc []byte, etreeErr error) error {
	if !errors.Is(etreeErr, etree.ErrXML) {
		return etreeErr
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not supported: use UTF-8", charset)
	}
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok.(xml.CharData))) > 0 {
				return fmt.Errorf("XML syntax error on line %d: text outside the document element", lineOf(doc, dec.InputOffset()))
			}
		}
	}
	if roots != 1 {
		return fmt.Errorf("XML syntax error: %d document elements, want 1", roots)
	}
	return etreeErr
}

func lineOf(doc []byte, off int64) int {
	return 1 + bytes.Count(doc[:min(int(off), len(doc))], []byte("\n"))
}

// canonicalizeExclusive applies exclusive C14N (no comments) to el in its
// document context (goxmldsig's canonicalizer wants a detached copy that
// carries the inherited namespace declarations, and modifies what it is
// given). goxmldsig orders prefixed attributes by prefix where C14N wants
// namespace URI; our own SignedInfo has none, so this only matters when
// verifying foreign exclusive-C14N references with such attributes.
func canonicalizeExclusive(el *etree.Element) ([]byte, error) {
	ctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, err
	}
	detached, err := etreeutils.NSDetatch(ctx, el)
	if err != nil {
		return nil, err
	}
	return dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(detached)
}

func parseFragment(s string) (*etree.Element, error) {
	d := etree.NewDocument()
	if err := d.ReadFromString(s); err != nil {
		return nil, fmt.Errorf("%w: internal fragment: %v", ErrXML, err)
	}
	return d.Root(), nil
}

func findXPath(d *etree.Document, path string) (el *etree.Element, err error) {
	defer func() {
		if r := recover(); r != nil { // etree panics on some malformed paths
			el, err = nil, fmt.Errorf("%w: bad XPath %q", ErrXML, path)
		}
	}()
	p, err := etree.CompilePath(path)
	if err != nil {
		return nil, fmt.Errorf("%w: XPath %q: %v", ErrXML, path, err)
	}
	el = d.FindElementPath(p)
	if el == nil {
		return nil, fmt.Errorf("%w: XPath %q selects no element", ErrXML, path)
	}
	return el, nil
}

func elementID(el *etree.Element) string {
	for _, k := range []string{"Id", "ID", "id"} {
		if v := el.SelectAttrValue(k, ""); v != "" {
			return v
		}
	}
	return ""
}

// spliceIntoRoot inserts sig as the last child of the document element in
// the original bytes and puts Kalkan's XML declaration in front.
func spliceIntoRoot(doc []byte, sig string) ([]byte, error) {
	body := stripXMLDecl(doc)
	end := len(body)
	// Skip trailing white space, comments and processing instructions.
	for {
		t := bytes.TrimRight(body[:end], " \t\r\n")
		end = len(t)
		switch {
		case bytes.HasSuffix(t, []byte("-->")):
			if i := bytes.LastIndex(t, []byte("<!--")); i >= 0 {
				end = i
				continue
			}
		case bytes.HasSuffix(t, []byte("?>")):
			if i := bytes.LastIndex(t, []byte("<?")); i >= 0 {
				end = i
				continue
			}
		}
		break
	}
	t := body[:end]
	var out bytes.Buffer
	out.Grow(len(xmlDeclKalkan) + len(body) + len(sig) + 16)
	out.WriteString(xmlDeclKalkan)
	if bytes.HasSuffix(t, []byte("/>")) {
		// <root .../> : open it up.
		start := bytes.LastIndexByte(t, '<')
		if start < 0 {
			return nil, fmt.Errorf("%w: cannot find the document element", ErrXML)
		}
		name := tagName(t[start+1:])
		out.Write(t[:len(t)-2])
		out.WriteString(">" + sig + "</" + string(name) + ">")
	} else {
		i := bytes.LastIndex(t, []byte("</"))
		if i < 0 {
			return nil, fmt.Errorf("%w: cannot find the end of the document element", ErrXML)
		}
		out.Write(t[:i])
		out.WriteString(sig)
		out.Write(t[i:])
	}
	out.Write(body[end:])
	return out.Bytes(), nil
}

func tagName(b []byte) []byte {
	i := bytes.IndexAny(b, " \t\r\n/>")
	if i < 0 {
		return b
	}
	return b[:i]
}

// stripXMLDecl removes a leading BOM and XML declaration.
func stripXMLDecl(doc []byte) []byte {
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(doc, []byte("<?xml")) {
		if i := bytes.Index(doc, []byte("?>")); i >= 0 {
			return doc[i+2:]
		}
	}
	return doc
}

// spliceInto serialises the document with the signature element (XPath
// variant: the parent can be anywhere, so etree writes the document).
func spliceInto(d *etree.Document, parent, skeleton *etree.Element, sig string) ([]byte, error) {
	full, err := parseFragment(sig)
	if err != nil {
		return nil, err
	}
	idx := skeleton.Index()
	parent.RemoveChildAt(idx)
	parent.InsertChildAt(idx, full)
	for _, t := range d.Child {
		if pi, ok := t.(*etree.ProcInst); ok && pi.Target == "xml" {
			d.RemoveChild(pi)
			break
		}
	}
	body, err := d.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("%w: write: %v", ErrXML, err)
	}
	return append([]byte(xmlDeclKalkan), body...), nil
}

// ecdsaDERToRaw converts an ASN.1 ECDSA signature to XMLDSig's r||s.
func ecdsaDERToRaw(der []byte, cert *x509.Certificate) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return nil, fmt.Errorf("xml: ECDSA signature: %w", err)
	}
	size := (cert.PublicKey.(*ecdsa.PublicKey).Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}

// XMLTree is the size of the tree a document makes, counted by ScanXML.
type XMLTree struct {
	Elements, Attrs, Depth int
	// Nodes are the tree's other nodes: comments, processing
	// instructions, directives, and text nodes beyond the two an element
	// is charged for (CDATA sections and text between comments each make
	// one). A few bytes make one, as they make an element.
	Nodes int
	Bytes int // the document's length
}

// Per-item costs of signing an XML document, measured with
// TestXMLTreeMemory: what stays live at SignXML's peak (the etree tree,
// then the canonical form and the signed copy beside it). Per element:
// 114 bytes measured for an empty one, plus up to two text nodes around
// its tags (about 64 bytes each with their places in the parent); per
// attribute: 56 measured; per other node: 44 to 61 measured (a comment,
// a processing instruction, a CDATA section) with its place in the
// parent; per byte of the document: its text in the tree, in the
// canonical form and in the signed copy.
const (
	xmlCostElement = 256
	xmlCostAttr    = 64
	xmlCostNode    = 80
	xmlCostByte    = 3
)

// Memory estimates the bytes SignXML holds at its peak for the document.
func (t XMLTree) Memory() int64 {
	return int64(t.Elements)*xmlCostElement + int64(t.Attrs)*xmlCostAttr + int64(t.Nodes)*xmlCostNode +
		int64(t.Bytes)*xmlCostByte
}

// ScanXML counts a document's elements, attributes and depth with
// encoding/xml's tokenizer, without building a tree, and stops with
// ErrXMLTooLarge past MaxXMLElements or MaxXMLDepth. It keeps nothing:
// the caller can bound and charge the tree before it is built. Syntax
// errors end the count without an error (the tree builder reports them
// in its own words).
func ScanXML(doc []byte) (t XMLTree, err error) {
	t.Bytes = len(doc)
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not supported: use UTF-8", charset)
	}
	depth, texts := 0, 0
	defer func() { t.Nodes += max(0, texts-2*t.Elements) }()
	for {
		tok, rerr := dec.RawToken()
		if rerr != nil {
			return t, nil
		}
		switch el := tok.(type) {
		case xml.CharData:
			texts++
		case xml.Comment, xml.ProcInst, xml.Directive:
			t.Nodes++
		case xml.StartElement:
			t.Elements++
			t.Attrs += len(el.Attr)
			depth++
			t.Depth = max(t.Depth, depth)
			if t.Elements > MaxXMLElements {
				return t, fmt.Errorf("%w: more than %d elements", ErrXMLTooLarge, MaxXMLElements)
			}
			if depth > MaxXMLDepth {
				return t, fmt.Errorf("%w: nested deeper than %d", ErrXMLTooLarge, MaxXMLDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}
