package transport

// The NCALayer protocol, answer for answer as ../shared/spec/ncalayer-protocol.md
// describes it. Details the spec marks *open* are kept in one place each
// (greeting version, raw outputCert shape, key info formats).

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

const (
	ncaGreeting  = `{"result":{"version":"1.4"}}`
	ncaHeartbeat = "--heartbeat--"

	moduleCommonUtils = "kz.gov.pki.knca.commonUtils"
	moduleBasics      = "kz.gov.pki.knca.basics"

	// maxPendingPerConn bounds requests a page may send ahead of answers.
	maxPendingPerConn = 8
)

// Fixed answers.
var (
	ansModuleNotFound = []byte(`{"success":false,"errorCode":"MODULE_NOT_FOUND"}`)
	ansNoModule       = []byte(`{"result":null,"errorCode":"COMMON"}`)
	ansNotJSON        = []byte(`{"success":false,"code":"COMMON_JSON_WRAPPING_EXCEPTION"}`)
	ansBasicsCanceled = []byte(`{"body":{},"status":true}`)
)

// knownStorages are NCALayer's storage names (JKS is a Java key store; we
// offer the key-file store for it).
var knownStorages = map[string]bool{
	"PKCS12": true, "JKS": true, "AKKaztokenStore": true, "AKKZIDCardStore": true, "AKEToken72KStore": true,
	"AKEToken5110Store": true, "AKJaCartaStore": true, "AKAKEYStore": true,
}

func storageFilter(name string) []string {
	if name == "JKS" {
		return []string{agent.StorePKCS12}
	}
	return []string{name}
}

func (s *Server) serveNCALayer(w http.ResponseWriter, r *http.Request, origin agent.Origin) {
	c, ctx, cancel, err := s.upgrade(w, r)
	if err != nil {
		return
	}
	defer cancel()
	defer c.ws.Close()
	if err := c.writeText([]byte(ncaGreeting)); err != nil {
		return
	}
	h := &ncaHandler{s: s, origin: origin, locale: "kk"}
	reqs := make(chan []byte, maxPendingPerConn)
	done := make(chan struct{})
	go func() { // one request at a time, answers in order
		defer close(done)
		for msg := range reqs {
			ans := h.handle(ctx, msg)
			if ctx.Err() != nil {
				return
			}
			if c.writeAnswer(ans) != nil {
				cancel()
				return
			}
		}
	}()
	idle := 3 * s.PingEvery
	for {
		msg, err := readMessage(c, idle)
		if err != nil {
			s.Log.Debug("ncalayer connection closed", "origin", origin.String(), "err", err)
			break
		}
		if string(msg) == ncaHeartbeat { // echo at once, even while a dialog is open
			if c.writeText(msg) != nil {
				break
			}
			continue
		}
		select {
		case reqs <- msg:
		default:
			c.writeAnswer(ansBusy())
		}
	}
	cancel() // closes a queued or open prompt of this page
	close(reqs)
	<-done
}

func ansBusy() answer {
	return bytesAnswer(mustJSON(commonAnswer{Code: "500", Message: "too many requests"}))
}

type ncaHandler struct {
	s      *Server
	origin agent.Origin
	locale string
}

// rawRef keeps a JSON value as a slice of the message instead of a copy
// (json.RawMessage copies): a 50 MB document must not be duplicated on its
// way in. It is safe because json.Unmarshal decodes from the message
// itself, which nobody modifies while the request is handled.
type rawRef []byte

// UnmarshalJSON keeps b without copying.
func (r *rawRef) UnmarshalJSON(b []byte) error { *r = b; return nil }

type envelope struct {
	Module     *string `json:"module"`
	Method     string  `json:"method"`
	Args       rawRef  `json:"args"`
	UUID       rawRef  `json:"uuid"`
	APIVersion rawRef  `json:"apiVersion"`
}

// answer writes one answer frame.
type answer func(io.Writer) error

func bytesAnswer(b []byte) answer {
	return func(w io.Writer) error { _, err := w.Write(b); return err }
}

func (h *ncaHandler) handle(ctx context.Context, msg []byte) answer {
	if t := bytes.TrimLeft(msg, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return bytesAnswer(ansNotJSON)
	}
	var env envelope
	if err := json.Unmarshal(msg, &env); err != nil {
		return bytesAnswer(ansNotJSON)
	}
	if env.Module == nil {
		return bytesAnswer(ansNoModule)
	}
	apiOK := len(env.APIVersion) == 0 || string(env.APIVersion) == "2" || string(env.APIVersion) == "null"
	switch *env.Module {
	case moduleCommonUtils:
		a := h.commonUtils(ctx, env.Method, json.RawMessage(env.Args))
		if !apiOK {
			a = commonAnswer{Code: "500", Message: "unsupported apiVersion " + string(env.APIVersion)}
		}
		if len(env.UUID) > 0 && string(env.UUID) != "null" {
			a.UUID = json.RawMessage(env.UUID)
		}
		return bytesAnswer(mustJSON(a))
	case moduleBasics:
		if !apiOK {
			return bytesAnswer(basicsError("GENERAL_ERROR", "unsupported apiVersion "+string(env.APIVersion), ""))
		}
		if env.Method != "sign" {
			return bytesAnswer(basicsError("GENERAL_ERROR", "unknown method "+env.Method, ""))
		}
		return h.basicsSign(ctx, env.Args)
	}
	return bytesAnswer(ansModuleNotFound)
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"code":"500","message":"internal error"}`)
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// --- commonUtils

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

type posArgs struct {
	s []string
	b []bool
	l [][]string
}

// decodeArgs checks count and types like Java reflection would.
func decodeArgs(method string, raw json.RawMessage) (*posArgs, *commonAnswer) {
	kinds, known := commonMethods[method]
	noSuch := &commonAnswer{Code: "500", Message: "NoSuchMethodException " + method}
	if !known {
		return nil, noSuch
	}
	var args []json.RawMessage
	if len(raw) > 0 && string(raw) != "null" {
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
			var v string
			if json.Unmarshal(args[i], &v) != nil || string(args[i]) == "null" {
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
			var v []string
			if json.Unmarshal(args[i], &v) != nil || v == nil {
				return nil, mismatch
			}
			p.l = append(p.l, v)
		}
	}
	return p, nil
}

func keyTypeKind(kt string) string {
	switch kt {
	case "SIGNATURE":
		return "sign"
	case "AUTHENTICATION":
		return "auth"
	}
	return ""
}

func (h *ncaHandler) commonUtils(ctx context.Context, method string, raw json.RawMessage) commonAnswer {
	p, bad := decodeArgs(method, raw)
	if bad != nil {
		return *bad
	}
	switch method {
	case "getActiveTokens":
		return ok200(h.s.Agent.ActiveStorages(ctx))
	case "changeLocale":
		switch p.s[0] {
		case "kk", "kz":
			h.locale = "kk"
		case "ru", "en":
			h.locale = p.s[0]
		}
		return commonAnswer{Code: "200"}
	case "showFileChooser":
		path, err := h.s.Agent.ChooseFile(ctx, h.origin, p.s[0], p.s[1])
		if err != nil {
			return commonError(err)
		}
		return ok200(path)
	case "applyCAdEST":
		if !knownStorages[p.s[0]] {
			return commonAnswer{Code: "500", Message: "storage.unknown"}
		}
		cms, err := base64.StdEncoding.DecodeString(p.s[2])
		if err != nil {
			return commonAnswer{Code: "500", Message: "invalid base64: " + err.Error()}
		}
		out, err := h.s.Agent.AddTimestamp(ctx, h.origin, cms)
		if err != nil {
			return commonError(err)
		}
		return ok200(base64.StdEncoding.EncodeToString(out))
	}
	// Every other method names a storage and a key type.
	if !knownStorages[p.s[0]] {
		return commonAnswer{Code: "500", Message: "storage.unknown"}
	}
	req := &agent.Request{Origin: h.origin, Method: "commonUtils." + method, Locale: h.locale,
		Filter: agent.Filter{Storages: storageFilter(p.s[0]), Chain: agent.ChainAny}}
	if method != "getKeyInfo" {
		req.Filter.Kind = keyTypeKind(p.s[1])
	}
	switch method {
	case "getKeyInfo":
		req.KeyOnly = true
	case "createCAdESFromBase64", "createCMSSignatureFromBase64", "createCAdESFromBase64Hash":
		data, err := base64.StdEncoding.DecodeString(p.s[2])
		if err != nil {
			return commonAnswer{Code: "500", Message: "invalid base64: " + err.Error()}
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
		req.Format, req.FilePath = agent.FormatCMS, p.s[2]
		req.Detached = !p.b[0]
		req.Timestamp = method == "createCMSSignatureFromFile"
	case "signXml":
		req.Format, req.Documents = agent.FormatXML, [][]byte{[]byte(p.s[2])}
		req.TBSXPath, req.Parent = p.s[3], p.s[4]
	case "signXmls":
		req.Format = agent.FormatXML
		for _, x := range p.l[0] {
			req.Documents = append(req.Documents, []byte(x))
		}
		req.TBSXPath, req.Parent = p.s[2], p.s[3]
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

func commonError(err error) commonAnswer {
	switch {
	case errors.Is(err, agent.ErrCanceled), errors.Is(err, context.Canceled):
		return commonAnswer{Code: "500", Message: "action.canceled"}
	case errors.Is(err, agent.ErrUnknownStore):
		return commonAnswer{Code: "500", Message: "storage.unknown"}
	case errors.Is(err, signer.ErrXML):
		// the parser's message, as NCALayer shows the Java parser's
		msg := err.Error()
		if i := strings.Index(msg, "xml: "); i >= 0 {
			msg = msg[i+len("xml: "):]
		}
		return commonAnswer{Code: "500", Message: msg}
	}
	return commonAnswer{Code: "500", Message: err.Error()}
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

// --- basics.sign

func basicsError(code, msg, details string) []byte {
	return mustJSON(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details string `json:"details,omitempty"`
		Status  bool   `json:"status"`
	}{code, msg, details, false})
}

// flexBool accepts true/false and "true"/"false".
type flexBool struct {
	set, v bool
}

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*f = flexBool{true, true}
	case "false", `"false"`:
		*f = flexBool{true, false}
	case "null":
	default:
		return fmt.Errorf("not a boolean: %s", b)
	}
	return nil
}

func (f flexBool) or(def bool) bool {
	if f.set {
		return f.v
	}
	return def
}

type basicsArgs struct {
	AllowedStorages rawRef `json:"allowedStorages"`
	Format          string `json:"format"`
	Data            rawRef `json:"data"`
	SigningParams   rawRef `json:"signingParams"`
	SignerParams    rawRef `json:"signerParams"`
	Locale          string `json:"locale"`
	Logo            rawRef `json:"logo"`
}

type signingParams struct {
	Decode       flexBool        `json:"decode"`
	Encapsulate  flexBool        `json:"encapsulate"`
	Digested     flexBool        `json:"digested"`
	TSAProfile   json.RawMessage `json:"tsaProfile"`
	OutputCert   flexBool        `json:"outputCert"`
	AllowExpired flexBool        `json:"allowExpired"`
	AllowRevoked flexBool        `json:"allowRevoked"`
}

type signerParams struct {
	ExtKeyUsageOids []string        `json:"extKeyUsageOids"`
	Chain           json.RawMessage `json:"chain"`
	IIN             string          `json:"iin"`
	BIN             string          `json:"bin"`
	SerialNumber    string          `json:"serialNumber"`
}

func (h *ncaHandler) basicsSign(ctx context.Context, raw rawRef) answer {
	req, sp, errAns := h.basicsRequest(raw)
	if errAns != nil {
		return bytesAnswer(errAns)
	}
	reclaimAfterDecode(len(raw))
	res, err := h.s.Agent.Handle(ctx, req)
	if err != nil {
		switch {
		case errors.Is(err, agent.ErrCanceled), errors.Is(err, context.Canceled):
			return bytesAnswer(ansBasicsCanceled)
		case errors.Is(err, agent.ErrBadRequest), errors.Is(err, agent.ErrTooLarge):
			return bytesAnswer(basicsError("INVALID_SIGNING_PARAMS", err.Error(), ""))
		}
		return bytesAnswer(basicsError("SIGNING_FAILURE", err.Error(), ""))
	}
	return basicsResult(req.Format, res, sp.OutputCert.or(false))
}

// reclaimAfterDecode collects the message once a large one is decoded:
// the frame (tens of MB of base64) is garbage before signing allocates.
func reclaimAfterDecode(n int) {
	if n >= largeMessage {
		runtime.GC()
	}
}

// basicsRequest decodes basics.sign's named arguments into a Request.
func (h *ncaHandler) basicsRequest(raw rawRef) (*agent.Request, *signingParams, []byte) {
	var a basicsArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, nil, basicsError("INVOCATION_ERROR", "args must be an object", err.Error())
	}
	req := &agent.Request{Origin: h.origin, Method: "basics.sign", Locale: a.Locale}
	if req.Locale == "" {
		req.Locale = "kk"
	}
	if len(a.Logo) > 2 && len(a.Logo) <= 50002 {
		var logo string
		if json.Unmarshal(a.Logo, &logo) == nil {
			req.Logo, _ = base64.StdEncoding.DecodeString(logo)
		}
	}
	// allowedStorages: array, null/absent, or "A,B".
	if len(a.AllowedStorages) > 0 && string(a.AllowedStorages) != "null" {
		var list []string
		if err := json.Unmarshal(a.AllowedStorages, &list); err != nil {
			var s string
			if err := json.Unmarshal(a.AllowedStorages, &s); err != nil {
				return nil, nil, basicsError("INVOCATION_ERROR", "allowedStorages must be an array or a string", "")
			}
			for _, x := range strings.Split(s, ",") {
				if x = strings.TrimSpace(x); x != "" {
					list = append(list, x)
				}
			}
		}
		for _, x := range list {
			req.Filter.Storages = append(req.Filter.Storages, storageFilter(x)...)
		}
	}
	switch a.Format {
	case "cms":
		req.Format = agent.FormatCMS
	case "xml":
		req.Format = agent.FormatXML
	case "raw":
		req.Format = agent.FormatRaw
	default:
		return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "format must be cms, xml or raw", "")
	}
	var sp signingParams
	if len(a.SigningParams) > 0 && string(a.SigningParams) != "null" {
		if a.SigningParams[0] != '{' {
			return nil, nil, basicsError("INVOCATION_ERROR", "signingParams must be an object", "")
		}
		if err := json.Unmarshal(a.SigningParams, &sp); err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "bad signingParams", err.Error())
		}
	}
	var sg signerParams
	if len(a.SignerParams) > 0 && string(a.SignerParams) != "null" {
		if a.SignerParams[0] != '{' {
			return nil, nil, basicsError("INVOCATION_ERROR", "signerParams must be an object", "")
		}
		if err := json.Unmarshal(a.SignerParams, &sg); err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "bad signerParams", err.Error())
		}
	}
	// data: one string or an array of strings, decoded straight from the
	// message (see rawRef).
	var items []rawRef
	if t := bytes.TrimSpace(a.Data); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &items); err != nil {
			return nil, nil, basicsError("INVOCATION_ERROR", "data must be a string or an array of strings", "")
		}
	} else {
		items = []rawRef{t}
	}
	if len(items) == 0 {
		return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "no data to sign", "")
	}
	decode := sp.Decode.or(false)
	for i, it := range items {
		text, ok := jsonStringBytes(it)
		if !ok {
			return nil, nil, basicsError("INVOCATION_ERROR", "data must be a string or an array of strings", "")
		}
		if !decode {
			req.Documents = append(req.Documents, text)
			continue
		}
		doc := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
		n, err := base64.StdEncoding.Decode(doc, text)
		if err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", fmt.Sprintf("data[%d] is not base64", i), err.Error())
		}
		req.Documents = append(req.Documents, doc[:n])
	}
	a.Data = nil
	req.Detached = !sp.Encapsulate.or(true)
	req.Digested = sp.Digested.or(false)
	req.Timestamp = len(sp.TSAProfile) > 0 && sp.TSAProfile[0] == '{'
	req.Filter.AllowExpired = sp.AllowExpired.or(false)
	req.Filter.AllowRevoked = sp.AllowRevoked.or(false)
	req.Filter.EKUs = sg.ExtKeyUsageOids
	req.Filter.IIN, req.Filter.BIN, req.Filter.Serial = sg.IIN, sg.BIN, sg.SerialNumber
	switch c := strings.TrimSpace(string(sg.Chain)); {
	case c == "" || c == "null":
		req.Filter.Chain = agent.ChainProduction
	case c == "[]":
		req.Filter.Chain = agent.ChainAny
	default:
		var pems []string
		if err := json.Unmarshal(sg.Chain, &pems); err != nil {
			return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "signerParams.chain must be an array of PEM certificates", "")
		}
		req.Filter.Chain = agent.ChainGiven
		for _, p := range pems {
			blk, _ := pem.Decode([]byte(p))
			if blk == nil {
				return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "signerParams.chain: not a PEM certificate", "")
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, nil, basicsError("INVALID_SIGNING_PARAMS", "signerParams.chain", err.Error())
			}
			req.Filter.CAs = append(req.Filter.CAs, c)
		}
	}
	return req, &sp, nil
}

// basicsResult writes the success answer; CMS results are streamed as PEM
// inside the JSON so a large signature is never held twice.
func basicsResult(format agent.Format, res *agent.Result, outputCert bool) answer {
	var result any
	switch format {
	case agent.FormatCMS:
		return streamPEMs(res.Signatures)
	case agent.FormatXML:
		out := make([]string, len(res.Signatures))
		for i, s := range res.Signatures {
			out[i] = string(s)
		}
		result = out
	case agent.FormatRaw:
		out := make([]string, len(res.Signatures))
		for i, s := range res.Signatures {
			out[i] = base64.StdEncoding.EncodeToString(s)
		}
		result = out
		if outputCert {
			// *open*: the spec shows this object in place of the array.
			result = struct {
				Signatures  []string `json:"signatures"`
				Certificate string   `json:"certificate"`
			}{out, base64.StdEncoding.EncodeToString(res.Certificate.Raw)}
		}
	}
	return bytesAnswer(mustJSON(struct {
		Body struct {
			Result any `json:"result"`
		} `json:"body"`
		Status bool `json:"status"`
	}{Body: struct {
		Result any `json:"result"`
	}{result}, Status: true}))
}

// streamPEMs writes {"body":{"result":["-----BEGIN CMS-----\n...",...]},"status":true}
// line by line: PEM armour with 64-character lines, JSON-escaped.
func streamPEMs(ders [][]byte) answer {
	return func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		bw.WriteString(`{"body":{"result":[`)
		line := make([]byte, 64)
		for i, d := range ders {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(`"-----BEGIN CMS-----\n`)
			for off := 0; off < len(d); off += 48 {
				chunk := d[off:min(off+48, len(d))]
				n := base64.StdEncoding.EncodedLen(len(chunk))
				base64.StdEncoding.Encode(line[:n], chunk)
				bw.Write(line[:n])
				bw.WriteString(`\n`)
			}
			bw.WriteString(`-----END CMS-----\n"`)
		}
		bw.WriteString(`]},"status":true}`)
		return bw.Flush()
	}
}

// jsonStringBytes returns the bytes of a JSON string token: a view into
// the message when it has no escapes (base64 never does), else a decoded
// copy.
func jsonStringBytes(tok []byte) ([]byte, bool) {
	tok = bytes.TrimSpace(tok)
	if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
		return nil, false
	}
	inner := tok[1 : len(tok)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, true
	}
	var s string
	if json.Unmarshal(tok, &s) != nil {
		return nil, false
	}
	return []byte(s), true
}
