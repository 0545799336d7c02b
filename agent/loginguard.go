package agent

// A qoltanba login is made only by the native login door (Action login),
// and nothing else the agent signs may pass for one: see docs/protocol.md,
// "Why a document signature is never a login". The login's mark (a CMS
// signed attribute, an XML Reference Type) is what VerifyLogin requires;
// refusing login-looking documents here is the second lock, for verifiers
// that check the content only.

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/qoltanba/qoltanba/signer"
)

// errLoginContent is the refusal of a document that could pass for a login.
var errLoginContent = BadRequest("a page may not have a login signed as a document; a login is made only by the qoltanba login method")

// maxLoginJSONCheck bounds the JSON objects read for login keys: a login's
// content is a few hundred bytes, and no verifier takes megabytes of it.
const maxLoginJSONCheck = 1 << 20

// checkLogin validates what a login request may be, and refuses in any
// other request a document that a verifier could take for a login.
func checkLogin(req *Request) error {
	if req.Action == ActionLogin {
		if len(req.Documents) != 1 || req.FilePath != "" || req.Digested || req.Detached || req.CoSign ||
			req.Timestamp || req.KeyOnly || req.TBSXPath != "" || req.Parent != "" ||
			(req.Format != FormatCMS && req.Format != FormatXML) {
			return BadRequest("a login signs one whole document, as CMS or XML")
		}
		return nil
	}
	for _, d := range req.Documents {
		if looksLikeLogin(d, req.Digested && req.Format != FormatXML) {
			return errLoginContent
		}
		if req.CoSign && req.Format == FormatCMS {
			if info, err := signer.ParseCMS(d); err == nil && looksLikeLogin(info.Content, false) {
				return errLoginContent
			}
		}
	}
	return nil
}

// looksLikeLogin: the login's mark anywhere (raw signing of a signed
// attribute SET or a SignedInfo a page built), a JSON object with both a
// challenge and an origin key (any case, spacing or order: the login's
// content), or an XML document whose root is the login's (its namespace).
// Pages' own login formats — a JSON object with only a challenge, or
// egov.kz's <login><timeTicket/></login> — are not ours and stay signable.
// A digest is not checked: the mark protects it, and a bare digest signed
// raw is refused for login keys (see sign, FormatRaw).
func looksLikeLogin(d []byte, digest bool) bool {
	if digest || len(d) == 0 {
		return false
	}
	if signer.MentionsLogin(d) {
		return true
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(d, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(t) > 0 && t[0] == '{' && len(d) <= maxLoginJSONCheck:
		// The first JSON value, as a decoder reading a stream takes it:
		// text after it does not make it any less a login.
		var m map[string]json.RawMessage
		if json.NewDecoder(bytes.NewReader(t)).Decode(&m) != nil {
			return false
		}
		var challenge, origin bool
		for k := range m {
			challenge = challenge || strings.EqualFold(k, "challenge")
			origin = origin || strings.EqualFold(k, "origin") // alone, common in documents
		}
		return challenge && origin
	case len(t) > 0 && t[0] == '<':
		return signer.LooksLikeLoginXML(t)
	}
	return false
}

// loginKey reports whether a key can log in (an authentication key, or
// one good for both).
func loginKey(id signer.Identity) bool {
	return id.Kind == signer.KindAuth || id.Kind == signer.KindBoth
}
