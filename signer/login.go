package signer

// The qoltanba login's domain separation (docs/protocol.md, "Why a
// document signature is never a login"). A login signature carries a mark
// that only the agent's login door asks for and that no document
// signature carries: in CMS a signed attribute, in XML the Type of the
// signature's only Reference. The verifier requires the mark, so a page
// that gets the login's exact bytes signed as a document (basics.sign,
// createCAdESFromBase64, signXml, native sign, ...) gets a signature that
// is not a login.

import (
	"bytes"
	"context"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// LoginAttributeOID is the CMS signed attribute that marks a login:
// id-aa-contentHint (RFC 2634 §2.9), a standard attribute every CMS reader
// parses (an OID of our own under a 2.25 UUID arc was tried first, and Go's
// encoding/asn1 cannot hold it). Its value names the login construction.
const LoginAttributeOID = "1.2.840.113549.1.9.16.2.4"

// LoginPurpose is the contentDescription of the login's ContentHints, with
// the version of the login construction.
const LoginPurpose = "qoltanba-login-v1"

// LoginReferenceType is the Type of the one ds:Reference of an XML login
// (the whole document, enveloped): the login's namespace.
const LoginReferenceType = LoginNamespace

// loginOIDDER is the DER of LoginAttributeOID (tag and length included).
var loginOIDDER = func() []byte {
	b, err := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 4})
	if err != nil {
		panic(err)
	}
	return b
}()

// Attribute is one extra CMS signed attribute: its type as DER (tag 06
// included) and its single value as DER.
type Attribute struct {
	Type  []byte
	Value []byte
}

// LoginAttribute is the signed attribute of a CMS login: ContentHints
// { contentDescription "qoltanba-login-v1", contentType id-data }.
func LoginAttribute() Attribute {
	v, _ := asn1.Marshal(struct {
		Description string `asn1:"utf8"`
		ContentType asn1.ObjectIdentifier
	}{LoginPurpose, oidData})
	return Attribute{Type: bytes.Clone(loginOIDDER), Value: v}
}

// IsLogin reports whether a verified signer carries the login mark: the
// login attribute with exactly LoginPurpose (CMS), or one whole-document
// enveloped Reference of Type LoginReferenceType (XML).
func (v *VerifiedSigner) IsLogin() bool {
	if v.signedAttrs != nil {
		want := LoginAttribute()
		vals := attrValues(v.signedAttrs, want.Type)
		return len(vals) == 1 && bytes.Equal(vals[0], want.Value)
	}
	return len(v.references) == 1 && v.references[0].uri == "" && v.references[0].enveloped &&
		v.references[0].typ == LoginReferenceType
}

// MentionsLogin reports whether data carries a login's mark in any of the
// forms a signature could take it from: the purpose string (the CMS
// attribute's value) or the login's namespace (the XML Reference Type).
// The agent refuses to sign such data as a document, so that even a page
// that signs raw bytes it built itself (a signed-attribute SET, a
// SignedInfo) cannot make a login. (The attribute's OID is a standard one:
// it alone marks nothing.)
func MentionsLogin(data []byte) bool {
	return bytes.Contains(data, []byte(LoginPurpose)) || bytes.Contains(data, []byte(LoginReferenceType))
}

// LoginNamespace is the namespace of an XML login's root element, login.
const LoginNamespace = "urn:qoltanba:login:1"

// LoginContent is what a qoltanba login signs (CMS): canonical JSON (sorted
// keys, no spaces) of the challenge, the origin the browser reported, and
// the time. The agent's login door writes it; signer/verify reads it.
func LoginContent(origin string, challenge []byte, t time.Time) []byte {
	b, _ := json.Marshal(struct {
		Challenge string `json:"challenge"`
		Origin    string `json:"origin"`
		Time      string `json:"time"`
	}{base64.StdEncoding.EncodeToString(challenge), origin, t.UTC().Format(time.RFC3339)})
	return b
}

// LoginXML is the XML form of the same content, its root login in
// LoginNamespace.
func LoginXML(origin string, challenge []byte, t time.Time) []byte {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace
	return []byte(`<login xmlns="` + LoginNamespace + `"><origin>` + esc(origin) + `</origin><challenge>` +
		base64.StdEncoding.EncodeToString(challenge) + `</challenge><time>` + t.UTC().Format(time.RFC3339) + `</time></login>`)
}

// LooksLikeLoginXML reports whether an XML document's root element is the
// qoltanba login's (login in LoginNamespace, under any prefix, any case):
// what a login verifier reads. Other documents named login are not ours:
// NCALayer pages' own logins sign <login><timeTicket>…</timeTicket></login>
// (egov.kz), and they must keep working. Only the start is read: the
// prolog (declaration, comments, processing instructions, however many:
// a page could otherwise hide the root behind them) and the root's tag.
func LooksLikeLoginXML(doc []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.RawToken()
		if err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok {
			if !strings.EqualFold(se.Name.Local, "login") {
				return false
			}
			ns := ""
			for _, a := range se.Attr { // the root's own declaration: RawToken does not resolve it
				if (a.Name.Space == "" && a.Name.Local == "xmlns" && se.Name.Space == "") ||
					(a.Name.Space == "xmlns" && a.Name.Local == se.Name.Space) {
					ns = a.Value
				}
			}
			return strings.EqualFold(strings.TrimSpace(ns), LoginNamespace)
		}
	}
}

// attrValues returns the values of every attribute of type oidDER in a
// concatenation of DER Attributes.
func attrValues(attrs, oidDER []byte) [][]byte {
	var out [][]byte
	s := cryptobyte.String(attrs)
	for !s.Empty() {
		var a, typ, set cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadASN1(&a, cbasn1.SEQUENCE) || !a.ReadAnyASN1Element(&typ, &tag) || tag != cbasn1.OBJECT_IDENTIFIER ||
			!a.ReadASN1(&set, cbasn1.SET) || !a.Empty() {
			return out
		}
		if !bytes.Equal(typ, oidDER) {
			continue
		}
		for !set.Empty() {
			var v cryptobyte.String
			if !set.ReadAnyASN1Element(&v, &tag) {
				return out
			}
			out = append(out, v)
		}
	}
	return out
}

// SignLoginCMS signs a login's content (attached) with the login
// attribute: what the agent's login door makes.
func SignLoginCMS(ctx context.Context, content []byte, key KeyPair, opts *CMSOptions) ([]byte, error) {
	var o CMSOptions
	if opts != nil {
		o = *opts
	}
	o.Detached = false
	o.Attributes = append(slices.Clone(o.Attributes), LoginAttribute())
	return SignCMS(ctx, content, key, &o)
}

// SignLoginXML signs a login's XML form, the whole document, with the
// login Reference Type.
func SignLoginXML(doc []byte, key KeyPair, opts *XMLOptions) ([]byte, error) {
	var o XMLOptions
	if opts != nil {
		o = *opts
	}
	o.TBSXPath, o.ParentXPath, o.ReferenceType = "", "", LoginReferenceType
	return SignXML(doc, key, &o)
}
