package signer

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"hash"
	"math/big"
	"strings"

	"github.com/beevik/etree"
)

// XMLResult is a verified XML document.
type XMLResult struct {
	// Signers in document order (the first signature first).
	Signers []VerifiedSigner
}

type xmlSigAlg struct {
	newHash func() hash.Hash
	hash    crypto.Hash // for RSA
	key     KeyAlgorithm
}

var xmlSignatureMethods = map[string]xmlSigAlg{
	uriRSASHA256:   {sha256.New, crypto.SHA256, RSA},
	uriRSASHA512:   {sha512.New, crypto.SHA512, RSA},
	uriRSASHA1:     {sha1.New, crypto.SHA1, RSA},
	uriECDSASHA256: {sha256.New, crypto.SHA256, ECDSA},
	uriECDSASHA384: {sha512.New384, crypto.SHA384, ECDSA},
	uriGOST2004Sig: {schemeGOST2004.NewHash, 0, GOST2004},
	uriGOST2015Sig: {schemeGOST2015.NewHash, 0, GOST2015},
}

var xmlDigestMethods = map[string]func() hash.Hash{
	uriSHA256:      sha256.New,
	uriSHA384:      sha512.New384,
	uriSHA512:      sha512.New,
	uriSHA1:        sha1.New,
	uriGOST2004Dig: schemeGOST2004.NewHash,
	uriGOST2015Dig: schemeGOST2015.NewHash,
}

// VerifyXML verifies every ds:Signature in the document. Stacked enveloped
// signatures are checked as they were made: signature k is verified on
// the document without the signatures that follow it. opts.Data is unused.
func VerifyXML(doc []byte, opts VerifyOptions) (*XMLResult, error) {
	d, err := parseXML(doc)
	if err != nil {
		return nil, err
	}
	sigs := findSignatures(&d.Element)
	if len(sigs) == 0 {
		return nil, fmt.Errorf("%w: no ds:Signature in the document", ErrMalformed)
	}
	res := &XMLResult{}
	for k := range sigs {
		// Work on a copy without the later signatures.
		work := d.Copy()
		ws := findSignatures(&work.Element)
		for _, later := range ws[k+1:] {
			later.Parent().RemoveChild(later)
		}
		vs, err := verifyXMLSignature(work, ws[k], opts)
		if err != nil {
			se := &SignerError{Index: k, Err: err}
			if vs != nil {
				se.Subject = vs.Certificate.Subject.CommonName
			}
			return nil, se
		}
		res.Signers = append(res.Signers, *vs)
	}
	return res, nil
}

func findSignatures(el *etree.Element) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == "Signature" && c.NamespaceURI() == nsDSig {
			out = append(out, c)
			continue
		}
		out = append(out, findSignatures(c)...)
	}
	return out
}

func dsChild(el *etree.Element, name string) *etree.Element {
	if el == nil {
		return nil
	}
	for _, c := range el.ChildElements() {
		if c.Tag == name && c.NamespaceURI() == nsDSig {
			return c
		}
	}
	return nil
}

func decodeB64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(s)
}

func verifyXMLSignature(doc *etree.Document, sig *etree.Element, opts VerifyOptions) (*VerifiedSigner, error) {
	si := dsChild(sig, "SignedInfo")
	sv := dsChild(sig, "SignatureValue")
	certEl := dsChild(dsChild(dsChild(sig, "KeyInfo"), "X509Data"), "X509Certificate")
	if si == nil || sv == nil || certEl == nil {
		return nil, fmt.Errorf("%w: Signature lacks SignedInfo, SignatureValue or X509Certificate", ErrMalformed)
	}
	certDER, err := decodeB64(certEl.Text())
	if err != nil {
		return nil, fmt.Errorf("%w: X509Certificate: %v", ErrMalformed, err)
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("%w: X509Certificate: %v", ErrMalformed, err)
	}
	vs := &VerifiedSigner{Certificate: cert, Identity: IdentityOf(cert)}
	sigValue, err := decodeB64(sv.Text())
	if err != nil {
		return vs, fmt.Errorf("%w: SignatureValue: %v", ErrMalformed, err)
	}
	cm := dsChild(si, "CanonicalizationMethod")
	sm := dsChild(si, "SignatureMethod")
	if cm == nil || sm == nil {
		return vs, fmt.Errorf("%w: SignedInfo lacks its methods", ErrMalformed)
	}
	alg, ok := xmlSignatureMethods[sm.SelectAttrValue("Algorithm", "")]
	if !ok {
		return vs, fmt.Errorf("%w: signature method %q", ErrUnsupportedKey, sm.SelectAttrValue("Algorithm", ""))
	}
	// References first: each digest must match the referenced content.
	refs := 0
	for _, ref := range si.ChildElements() {
		if ref.Tag != "Reference" || ref.NamespaceURI() != nsDSig {
			continue
		}
		refs++
		enveloped, err := checkReference(doc, sig, ref)
		if err != nil {
			return vs, err
		}
		vs.references = append(vs.references, xmlReference{uri: ref.SelectAttrValue("URI", ""),
			typ: ref.SelectAttrValue("Type", ""), enveloped: enveloped})
	}
	if refs == 0 {
		return vs, fmt.Errorf("%w: SignedInfo without Reference", ErrMalformed)
	}
	c14n, err := canonicalizer(cm.SelectAttrValue("Algorithm", ""))
	if err != nil {
		return vs, err
	}
	canon, err := c14n(si)
	if err != nil {
		return vs, fmt.Errorf("%w: canonicalize SignedInfo: %v", ErrMalformed, err)
	}
	h := alg.newHash()
	h.Write(canon)
	digest := h.Sum(nil)
	pub, err := verificationKey(cert)
	if err != nil {
		return vs, err
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if alg.key != RSA || rsa.VerifyPKCS1v15(k, alg.hash, digest, sigValue) != nil {
			return vs, ErrBadSignature
		}
	case *ecdsa.PublicKey:
		n := len(sigValue) / 2
		if alg.key != ECDSA || len(sigValue)%2 != 0 ||
			!ecdsa.Verify(k, digest, new(big.Int).SetBytes(sigValue[:n]), new(big.Int).SetBytes(sigValue[n:])) {
			return vs, ErrBadSignature
		}
	case *GOSTPublicKey:
		if alg.key != k.Alg || !k.Verify(digest, sigValue) {
			return vs, ErrBadSignature
		}
	default:
		return vs, ErrUnsupportedKey
	}
	if !opts.NoChain {
		chain, err := VerifyChain(cert, opts.Chain)
		if err != nil {
			return vs, err
		}
		vs.Chain = chain
	}
	return vs, nil
}

type canonFunc func(*etree.Element) ([]byte, error)

// canonicalizer returns the C14N named by uri, always without comments:
// they are dropped for SignedInfo and for same-document references
// (XMLDSig §4.3.3.3), the only ones supported.
func canonicalizer(uri string) (canonFunc, error) {
	switch uri {
	case uriC14N, uriC14NComments:
		return func(el *etree.Element) ([]byte, error) { return canonicalizeInclusive(el), nil }, nil
	case uriExcC14N, uriExcC14NComm:
		return canonicalizeExclusive, nil
	}
	return nil, fmt.Errorf("%w: canonicalization %q is not supported", ErrMalformed, uri)
}

// checkReference recomputes one Reference's digest. Only same-document
// references are supported (URI "" or "#id"); comments are dropped for
// them as XMLDSig §4.3.3.3 requires.
func checkReference(doc *etree.Document, sig, ref *etree.Element) (enveloped bool, err error) {
	uri := ref.SelectAttrValue("URI", "")
	var target *etree.Element
	switch {
	case uri == "":
		target = doc.Root()
	case strings.HasPrefix(uri, "#"):
		target = findByID(doc.Root(), uri[1:])
		if target == nil {
			return false, fmt.Errorf("%w: no element with Id %q", ErrMalformed, uri[1:])
		}
	default:
		return false, fmt.Errorf("%w: external reference %q is not supported", ErrMalformed, uri)
	}
	c14n, _ := canonicalizer(uriC14N)
	for _, tr := range dsChild(ref, "Transforms").ChildElements() {
		a := tr.SelectAttrValue("Algorithm", "")
		if a == uriEnveloped {
			enveloped = true
			continue
		}
		c, err := canonicalizer(a)
		if err != nil {
			return false, err
		}
		c14n = c
	}
	if enveloped {
		// Remove this signature from a copy of the referenced subtree.
		parent := sig.Parent()
		idx := sig.Index()
		parent.RemoveChildAt(idx)
		defer parent.InsertChildAt(idx, sig)
	}
	canon, err := c14n(target)
	if err != nil {
		return false, fmt.Errorf("%w: canonicalize reference: %v", ErrMalformed, err)
	}
	dm := dsChild(ref, "DigestMethod")
	dv := dsChild(ref, "DigestValue")
	if dm == nil || dv == nil {
		return false, fmt.Errorf("%w: Reference lacks DigestMethod or DigestValue", ErrMalformed)
	}
	nh, ok := xmlDigestMethods[dm.SelectAttrValue("Algorithm", "")]
	if !ok {
		return false, fmt.Errorf("%w: digest method %q", ErrUnsupportedKey, dm.SelectAttrValue("Algorithm", ""))
	}
	want, err := decodeB64(dv.Text())
	if err != nil {
		return false, fmt.Errorf("%w: DigestValue: %v", ErrMalformed, err)
	}
	h := nh()
	h.Write(canon)
	if !bytes.Equal(h.Sum(nil), want) {
		return false, fmt.Errorf("%w (reference %q)", ErrMessageDigest, uri)
	}
	return enveloped, nil
}

func findByID(el *etree.Element, id string) *etree.Element {
	if elementID(el) == id {
		return el
	}
	for _, c := range el.ChildElements() {
		if f := findByID(c, id); f != nil {
			return f
		}
	}
	return nil
}
