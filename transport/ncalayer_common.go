package transport

// kz.gov.pki.knca.commonUtils: positional arguments, answers with the
// string code "200"/"500" (spec section 4).

import (
	"context"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
)

// commonAnswer: code is the STRING "200"/"500"; null fields are omitted.
type commonAnswer struct {
	Code           string          `json:"code"`
	Message        string          `json:"message,omitempty"`
	ResponseObject any             `json:"responseObject,omitempty"`
	UUID           json.RawMessage `json:"uuid,omitempty"`
}

func ok200(v any) commonAnswer { return commonAnswer{Code: "200", ResponseObject: v} }

type argKind byte

const (
	argString argKind = 's'
	argBool   argKind = 'b'
	argList   argKind = 'l'
)

// commonMethods: name -> positional argument kinds.
var commonMethods = map[string]string{
	"getActiveTokens":              "",
	"getKeyInfo":                   "s",
	"createCAdESFromBase64":        "sssb",
	"createCAdESFromBase64Hash":    "sss",
	"createCMSSignatureFromBase64": "sssb",
	"applyCAdEST":                  "sss",
	"signXml":                      "sssss",
	"signXmls":                     "sslss",
	"changeLocale":                 "s",
	"showFileChooser":              "ss",
	"createCAdESFromFile":          "sssb",
	"createCMSSignatureFromFile":   "sssb",
}

// posArgs are a call's decoded arguments. Strings are views into the
// message where they have no escapes (a base64 document is never copied
// on its way in), decoded copies where they have.
type posArgs struct {
	s [][]byte
	b []bool
	l [][][]byte
}

func (p *posArgs) str(i int) string { return string(p.s[i]) }

// decodeArgs checks count and types like Java reflection would.
func decodeArgs(method string, raw []byte) (*posArgs, *commonAnswer) {
	kinds, known := commonMethods[method]
	noSuch := &commonAnswer{Code: "500", Message: "NoSuchMethodException " + short(method)}
	if !known {
		return nil, noSuch
	}
	var args []rawRef
	if len(raw) > 0 && string(raw) != "null" {
		if moreItemsThan(raw, max(len(kinds), 1)) {
			return nil, noSuch
		}
		if err := json.Unmarshal(raw, &args); err != nil {
			return nil, noSuch
		}
	}
	if len(args) != len(kinds) {
		return nil, noSuch
	}
	mismatch := &commonAnswer{Code: "500", Message: "java.lang.IllegalArgumentException: argument type mismatch. Method: " + method}
	p := &posArgs{}
	for i, k := range []byte(kinds) {
		switch argKind(k) {
		case argString:
			v, ok := jsonStringBytes(args[i])
			if !ok {
				return nil, mismatch
			}
			p.s = append(p.s, v)
		case argBool:
			var v bool
			if json.Unmarshal(args[i], &v) != nil || string(args[i]) == "null" {
				return nil, mismatch
			}
			p.b = append(p.b, v)
		case argList:
			var v [][]byte
			err := stringArray(args[i], agent.MaxDocuments+1, func(tok []byte) error {
				s, ok := jsonStringBytes(tok)
				if !ok {
					return errors.New("not a string")
				}
				v = append(v, s)
				return nil
			})
			if errors.Is(err, errTooMany) {
				return nil, &commonAnswer{Code: "500", Message: agent.PublicMessage(agent.TooLarge("more than %d documents", agent.MaxDocuments))}
			}
			if err != nil {
				return nil, mismatch
			}
			p.l = append(p.l, v)
		}
	}
	return p, nil
}

func keyTypeKind(kt string) agent.KeyKind {
	switch kt {
	case "SIGNATURE":
		return agent.KeySign
	case "AUTHENTICATION":
		return agent.KeyAuth
	}
	return agent.KeyAny
}

var (
	ansInvalidBase64  = commonAnswer{Code: "500", Message: "invalid base64"}
	ansStorageUnknown = commonAnswer{Code: "500", Message: "storage.unknown"}
)

// decodeBase64 decodes a document argument into bytes held in the
// message's lease; false when it is not base64 or the budget has no room
// for it (the answer says which).
func decodeBase64(b []byte, l *lease) ([]byte, *commonAnswer) {
	n := base64.StdEncoding.DecodedLen(len(b))
	if !l.grow(int64(n)) {
		return nil, &commonAnswer{Code: "500", Message: agent.OutcomeBusy.Message()}
	}
	out := make([]byte, n)
	k, err := base64.StdEncoding.Decode(out, b)
	if err != nil {
		return nil, &ansInvalidBase64
	}
	return out[:k], nil
}

func (h *ncaHandler) commonUtils(ctx context.Context, method string, raw []byte, l *lease) commonAnswer {
	p, bad := decodeArgs(method, raw)
	if bad != nil {
		return *bad
	}
	switch method {
	case "getActiveTokens":
		return ok200(ncaActiveStorages(h.s.Agent.ActiveStorages(ctx)))
	case "changeLocale":
		if l := agent.NormalizeLocale(p.str(0)); l != "" {
			h.locale = string(l)
		}
		return commonAnswer{Code: "200"}
	case "showFileChooser":
		path, err := h.s.Agent.ChooseFile(ctx, h.origin, p.str(0), p.str(1))
		if err != nil {
			return commonError(err)
		}
		return ok200(path)
	case "applyCAdEST":
		if !ncaStorage(p.str(0)) {
			return ansStorageUnknown
		}
		cms, bad := decodeBase64(p.s[2], l)
		if bad != nil {
			return *bad
		}
		out, err := h.s.Agent.AddTimestamp(ctx, h.origin, "applyCAdEST", cms)
		if err != nil {
			return commonError(err)
		}
		return ok200(base64.StdEncoding.EncodeToString(out))
	}
	// Every other method names a storage and a key type.
	if !ncaStorage(p.str(0)) {
		return ansStorageUnknown
	}
	req := &agent.Request{Origin: h.origin, Method: "commonUtils." + method, Locale: h.locale,
		Filter: agent.Filter{Storages: storageFilter(p.str(0)), Chain: agent.ChainAny}}
	if method != "getKeyInfo" {
		req.Filter.Kind = keyTypeKind(p.str(1))
	}
	switch method {
	case "getKeyInfo":
		req.KeyOnly = true
	case "createCAdESFromBase64", "createCMSSignatureFromBase64", "createCAdESFromBase64Hash":
		data, bad := decodeBase64(p.s[2], l)
		if bad != nil {
			return *bad
		}
		req.Format, req.Documents = agent.FormatCMS, [][]byte{data}
		if method == "createCAdESFromBase64Hash" {
			req.Digested = true
		} else {
			req.Detached = !p.b[0]
			req.CoSign = true
			req.Timestamp = method == "createCMSSignatureFromBase64"
		}
	case "createCAdESFromFile", "createCMSSignatureFromFile":
		req.Format, req.FilePath = agent.FormatCMS, p.str(2)
		req.Detached = !p.b[0]
		req.Timestamp = method == "createCMSSignatureFromFile"
	case "signXml":
		req.Format, req.Documents = agent.FormatXML, [][]byte{p.s[2]}
		req.TBSXPath, req.Parent = p.str(3), p.str(4)
	case "signXmls":
		req.Format, req.Documents = agent.FormatXML, p.l[0]
		req.TBSXPath, req.Parent = p.str(2), p.str(3)
	}
	if req.Format == agent.FormatXML {
		if err := chargeXML(req.Documents, l); err != nil {
			return commonError(err)
		}
	}
	res, err := h.s.Agent.Handle(ctx, req)
	if err != nil {
		return commonError(err)
	}
	switch method {
	case "getKeyInfo":
		return ok200(keyInfo(res.Key))
	case "signXml":
		return ok200(string(res.Signatures[0]))
	case "signXmls":
		out := make([]string, len(res.Signatures))
		for i, x := range res.Signatures {
			out[i] = string(x)
		}
		return ok200(out)
	}
	return ok200(base64.StdEncoding.EncodeToString(res.Signatures[0]))
}

// commonError is a failure's answer: the protocol's own words for a
// cancel and an unknown storage, else the fixed public message (the
// error's text, which can quote the document or name the machine's
// resolver, goes only to the local log).
func commonError(err error) commonAnswer {
	switch agent.OutcomeOf(err) {
	case agent.OutcomeCanceled:
		return commonAnswer{Code: "500", Message: "action.canceled"}
	case agent.OutcomeUnknownStorage:
		return ansStorageUnknown
	}
	return commonAnswer{Code: "500", Message: ncaPublicMessage(err)}
}

// ncaPublicMessage is what an NCALayer page is told of a failure: its
// protocol's "storage.unknown" for a store it may not use, else the
// agent's fixed public message.
func ncaPublicMessage(err error) string {
	if agent.OutcomeOf(err) == agent.OutcomeUnknownStorage {
		return ansStorageUnknown.Message
	}
	return agent.PublicMessage(err)
}

// keyInfoObject is getKeyInfo's answer.
type keyInfoObject struct {
	Alias                  string `json:"alias"`
	KeyID                  string `json:"keyId"`
	Algorithm              string `json:"algorithm"`
	SubjectCn              string `json:"subjectCn"`
	SubjectDn              string `json:"subjectDn"`
	IssuerCn               string `json:"issuerCn"`
	IssuerDn               string `json:"issuerDn"`
	SerialNumber           string `json:"serialNumber"`
	CertNotBefore          string `json:"certNotBefore"`
	CertNotAfter           string `json:"certNotAfter"`
	AuthorityKeyIdentifier string `json:"authorityKeyIdentifier"`
	Pem                    string `json:"pem"`
}

func keyInfo(k *agent.KeyOption) keyInfoObject {
	c := k.Key.Certificate
	return keyInfoObject{
		Alias: k.Key.Alias, KeyID: hex.EncodeToString(c.SubjectKeyId), Algorithm: k.Identity.Algorithm.String(),
		SubjectCn: c.Subject.CommonName, SubjectDn: dnString(c.RawSubject),
		IssuerCn: c.Issuer.CommonName, IssuerDn: dnString(c.RawIssuer),
		SerialNumber:  hex.EncodeToString(c.SerialNumber.Bytes()), // *open*: lowercase hex
		CertNotBefore: strconv.FormatInt(c.NotBefore.UnixMilli(), 10), CertNotAfter: strconv.FormatInt(c.NotAfter.UnixMilli(), 10),
		AuthorityKeyIdentifier: hex.EncodeToString(c.AuthorityKeyId),
		Pem:                    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})),
	}
}

var dnNames = map[string]string{
	"2.5.4.3": "CN", "2.5.4.4": "SURNAME", "2.5.4.5": "SERIALNUMBER", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST",
	"2.5.4.9": "STREET", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.42": "G", "1.2.840.113549.1.9.1": "E", "2.5.4.12": "T",
}

// dnString writes a DN in encoded order without spaces after commas
// (CN=...,SURNAME=...,SERIALNUMBER=IIN...,C=KZ,G=...), as NCALayer does.
func dnString(raw []byte) string {
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(raw, &rdns); err != nil {
		return ""
	}
	var parts []string
	for _, rdn := range rdns {
		for _, atv := range rdn {
			name := dnNames[atv.Type.String()]
			if name == "" {
				name = atv.Type.String()
			}
			v := fmt.Sprint(atv.Value)
			v = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `+`, `\+`, `"`, `\"`, `=`, `\=`).Replace(v)
			parts = append(parts, name+"="+v)
		}
	}
	return strings.Join(parts, ",")
}
