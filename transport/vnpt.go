package transport

// The VNPT-CA Plugin protocol (docs/vietnam.md), as vnpt-plugin.js 1.0.0.8
// speaks it: one persistent socket at wss://127.0.0.1:4433/plugin (the
// page falls back to 4434 and 4435), a request
// {"functionID":N,"funcCallback":"name","args":[...],"domain":"..."} and
// an answer text "<result>*<callbackName>". The page's "domain" is never
// trusted: the site is the handshake's Origin, and a domain that differs
// is only logged. Every signature goes through agent.Handle (consent,
// policy, the dialog, the audit log).

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
)

// vnptPath is the plugin's WebSocket path; VNPTPorts its ports, in the
// order pages try them.
const vnptPath = "/plugin"

// VNPTPorts are the VNPT-CA Plugin's ports: the agent serves the first
// one it can bind, as pages try them in this order.
var VNPTPorts = []int{4433, 4434, 4435}

// vnptVersion is what getVersion answers: the plugin version whose page
// library we speak (pages compare it to ask for an update).
const vnptVersion = "1.0.0.8"

// VNPT-CA function IDs.
const (
	vnptGetCertInfo         = 0
	vnptSignXML             = 1
	vnptSignPDF             = 2
	vnptSignOffice          = 3
	vnptSignCMS             = 4
	vnptChooseFile          = 5
	vnptSetLicenseKey       = 6
	vnptCheckPlugin         = 7
	vnptSignArrData         = 8
	vnptSignHash            = 9
	vnptSignArrDataAdvanced = 10
	vnptGetVersion          = 11
)

// vnptCode is a result code of the plugin.
type vnptCode int

// Result codes.
const (
	vnptOK        vnptCode = 0
	vnptBadInput  vnptCode = 1
	vnptNoCert    vnptCode = 2
	vnptFailed    vnptCode = 3
	vnptNoKey     vnptCode = 4
	vnptCancelled vnptCode = 11
)

// vnptResult is the plugin's usual result object.
type vnptResult struct {
	Code   vnptCode `json:"code"`
	Data   string   `json:"data"`
	Error  string   `json:"error"`
	Serial string   `json:"serial,omitempty"`
}

// vnptCodeOf maps how a request ended to the plugin's codes.
func vnptCodeOf(err error) vnptCode {
	switch agent.OutcomeOf(err) {
	case agent.OutcomeOK:
		return vnptOK
	case agent.OutcomeCanceled, agent.OutcomeTimeout:
		return vnptCancelled
	case agent.OutcomeNoMatchingKey:
		return vnptNoCert
	case agent.OutcomeBadRequest, agent.OutcomeTooLarge:
		return vnptBadInput
	case agent.OutcomeWrongPIN, agent.OutcomeTokenLocked, agent.OutcomeTokenRemoved, agent.OutcomeUnknownStorage:
		return vnptNoKey
	}
	return vnptFailed
}

// vendorText is a fixed message made safe for a "result*callback" answer
// (the page splits at '*').
func vendorText(s string) string { return strings.ReplaceAll(s, "*", "x") }

func vnptError(code vnptCode, msg string) vnptResult {
	return vnptResult{Code: code, Error: vendorText(msg)}
}

func vnptFail(err error) vnptResult { return vnptError(vnptCodeOf(err), agent.PublicMessage(err)) }

// vnptEnvelope is one request. FunctionID is a number (or a numeric
// string); args are positional.
// Every field is a view into the message (rawRef): a page's huge
// "domain" is not copied.
type vnptEnvelope struct {
	FunctionID   rawRef `json:"functionID"`
	FuncCallback rawRef `json:"funcCallback"`
	Args         rawRef `json:"args"`
	Domain       rawRef `json:"domain"`
}

// maxVNPTArgs bounds a request's arguments (the plugin's functions take
// at most four).
const maxVNPTArgs = 8

// maxCallback bounds the callback name an answer echoes.
const maxCallback = 128

// vnptCallback is the page's callback name as an answer may echo it: a
// JavaScript name of at most maxCallback characters, else empty.
func vnptCallback(raw []byte) string {
	var s string
	if len(raw) == 0 || len(raw) > 2*maxCallback || json.Unmarshal(raw, &s) != nil || len(s) > maxCallback {
		return ""
	}
	for _, c := range s {
		if !(c == '_' || c == '$' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return s
}

// vnptFunctionID reads the function number: 3 or "3".
func vnptFunctionID(raw []byte) (int, bool) {
	s := strings.Trim(string(bytes.TrimSpace(raw)), `"`)
	n, err := strconv.Atoi(s)
	return n, err == nil && len(s) <= 4
}

// serveVNPT serves one VNPT-CA Plugin page: its requests in order on the
// shared orderedLoop, each answer naming the page's callback.
func (s *Server) serveVNPT(w http.ResponseWriter, r *http.Request, origin agent.Origin) {
	h := &vnptHandler{s: s, origin: origin}
	loop := orderedLoop[[]byte]{
		name:   "vnpt",
		keys:   []string{"funcCallback"}, // the callback a busy answer names
		handle: h.handle,
		busy: func(f *fieldScanner) []byte {
			return vnptAnswer(mustJSON(vnptError(vnptFailed, agent.OutcomeBusy.Message())), vnptCallbackOf(f))
		},
		write: (*conn).writeText,
	}
	loop.serve(s, w, r, origin)
}

func vnptCallbackOf(f *fieldScanner) string {
	if f == nil {
		return ""
	}
	cb, _ := f.field("funcCallback")
	return vnptCallback(cb)
}

// vnptAnswer is the answer text: the result, '*', the callback's name.
func vnptAnswer(result []byte, callback string) []byte {
	return append(append(result, '*'), callback...)
}

type vnptHandler struct {
	s      *Server
	origin agent.Origin
}

// handle answers one message.
func (h *vnptHandler) handle(ctx context.Context, m *message) []byte {
	res, cb := h.result(ctx, m)
	return vnptAnswer(res, cb)
}

// result decodes the envelope and runs the function: the result text and
// the callback to name.
func (h *vnptHandler) result(ctx context.Context, m *message) ([]byte, string) {
	var env vnptEnvelope
	if t := bytes.TrimLeft(m.data, " \t\r\n"); len(t) == 0 || t[0] != '{' || checkKeys(m.data) != nil || json.Unmarshal(m.data, &env) != nil {
		f := newFieldScanner("funcCallback")
		f.Write(m.data)
		return mustJSON(vnptError(vnptBadInput, "the request is not a VNPT-CA Plugin request (a JSON object with functionID, funcCallback and args)")), vnptCallbackOf(f)
	}
	cb := vnptCallback(env.FuncCallback)
	h.checkDomain(env.Domain)
	id, ok := vnptFunctionID(env.FunctionID)
	if !ok {
		return mustJSON(vnptError(vnptBadInput, "functionID must be a number")), cb
	}
	var args []rawRef
	if len(env.Args) > 0 && string(env.Args) != "null" {
		// Counted before decoding: a list of millions of items is not
		// made into a slice.
		if moreItemsThan(env.Args, maxVNPTArgs) || json.Unmarshal(env.Args, &args) != nil {
			return mustJSON(vnptError(vnptBadInput, "args must be an array of at most 8 arguments")), cb
		}
	}
	if !chargeEscapes(m.data, m.lease) {
		return mustJSON(vnptError(vnptFailed, agent.OutcomeBusy.Message())), cb
	}
	reclaimAfterDecode(len(m.data))
	return h.call(ctx, id, args, m.lease), cb
}

// checkDomain logs a page's domain field that is not the handshake's
// host: the field is the page's own word and decides nothing.
func (h *vnptHandler) checkDomain(raw []byte) {
	var d string
	if len(raw) == 0 || len(raw) > 1024 || json.Unmarshal(raw, &d) != nil || d == "" {
		return
	}
	if !strings.EqualFold(strings.TrimSuffix(d, "."), h.origin.Host) {
		h.s.Log.Info("vnpt: the page's domain field differs from its origin; the origin is used", "origin", h.origin.String(), "domain", short(d))
	}
}

// call runs function id.
func (h *vnptHandler) call(ctx context.Context, id int, args []rawRef, l *lease) []byte {
	switch id {
	case vnptCheckPlugin:
		return []byte("1")
	case vnptGetVersion:
		return []byte(vnptVersion)
	case vnptSetLicenseKey:
		// The licence (an XML document VNPT signs) is accepted and not
		// enforced: qoltanba is not licensed per site.
		return []byte(`{"code":1}`)
	case vnptChooseFile:
		return mustJSON(vnptError(vnptCancelled, "qoltanba does not choose files for pages"))
	case vnptSignPDF:
		return mustJSON(vnptError(vnptBadInput, "SignPDF is not supported by qoltanba; sign the document as CMS (SignCMS)"))
	case vnptSignOffice:
		return mustJSON(vnptError(vnptBadInput, "SignOFFICE is not supported by qoltanba; sign the document as CMS (SignCMS)"))
	case vnptGetCertInfo:
		return h.certInfo(ctx, args)
	case vnptSignCMS:
		return h.signOne(ctx, "SignCMS", vnptKindCMS, args, l)
	case vnptSignXML:
		return h.signOne(ctx, "SignXML", vnptKindXML, args, l)
	case vnptSignHash:
		return h.signOne(ctx, "signHash", vnptKindHash, args, l)
	case vnptSignArrData:
		return h.signArray(ctx, "signArrData", args, l, false)
	case vnptSignArrDataAdvanced:
		return h.signArray(ctx, "signArrDataAdvanced", args, l, true)
	}
	// checkPluginAdvanced (a vendor's signature over a challenge) and
	// anything newer.
	return mustJSON(vnptError(vnptBadInput, fmt.Sprintf("function %d is not supported by qoltanba", id)))
}

// vnptStr is argument i as a string ("" when absent or not a string).
func vnptStr(args []rawRef, i int) string {
	if i >= len(args) {
		return ""
	}
	b, ok := jsonStringBytes(args[i])
	if !ok {
		return ""
	}
	return string(b)
}

// vnptRequest is a request of this door.
func (h *vnptHandler) request(method string) *agent.Request {
	return &agent.Request{Origin: h.origin, Method: "vnpt." + method, Locale: "vi",
		Filter: agent.Filter{Chain: agent.ChainAny}}
}

// vnptCertInfo is getCertInfo's answer.
type vnptCertInfo struct {
	Code      vnptCode `json:"code"`
	Serial    string   `json:"serial"`
	Base64    string   `json:"base64"`
	SubjectCN string   `json:"subjectCN"`
	IssuerCN  string   `json:"issuerCN"`
	NotAfter  string   `json:"notAfter"`
}

// vendorTime is how the Vietnamese doors write a certificate's dates
// (*unconfirmed*: the vendors' own format is not public).
const vendorTime = "02/01/2006 15:04:05"

// getCertInfo: ["0"|"1" only tokens, serial] -> the chosen certificate.
func (h *vnptHandler) certInfo(ctx context.Context, args []rawRef) []byte {
	req := h.request("getCertInfo")
	req.KeyOnly = true
	req.Filter.Serial = vnptSerial(vnptStr(args, 1))
	res, err := h.s.Agent.Handle(ctx, req)
	if err != nil {
		return mustJSON(vnptFail(err))
	}
	c := res.Key.Key.Certificate
	return mustJSON(vnptCertInfo{Serial: serialHex(c.SerialNumber.Bytes()), Base64: base64.StdEncoding.EncodeToString(c.Raw),
		SubjectCN: c.Subject.CommonName, IssuerCN: c.Issuer.CommonName, NotAfter: c.NotAfter.Local().Format(vendorTime)})
}

// serialHex writes a serial as Windows shows it: uppercase hex.
func serialHex(b []byte) string { return strings.ToUpper(fmt.Sprintf("%x", b)) }

// vnptSerial is a page's certificate serial as a filter (hex, any case,
// spaces allowed); anything else is no filter.
func vnptSerial(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" || len(s) > 128 {
		return ""
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return ""
		}
	}
	return s
}

// vnptKind is what one item asks to be made.
type vnptKind string

// Kinds (signArrDataAdvanced's "type").
const (
	vnptKindCMS         vnptKind = "cms"
	vnptKindCMSDetached vnptKind = "cmsdetached"
	vnptKindXML         vnptKind = "xml"
	vnptKindHash        vnptKind = "hash"
)

// setKind sets a request's format from a kind; false for a kind not
// supported.
func setKind(req *agent.Request, k vnptKind) bool {
	switch k {
	case vnptKindCMS:
		req.Format = agent.FormatCMS
	case vnptKindCMSDetached:
		req.Format, req.Detached = agent.FormatCMS, true
	case vnptKindXML:
		req.Format = agent.FormatXML
	case vnptKindHash:
		// *unconfirmed*: a PKCS#1 v1.5 (RSA) or ECDSA signature of the
		// given digest, the key's own hash.
		req.Format, req.Digested = agent.FormatRaw, true
	default:
		return false
	}
	return true
}

// decodeVendorBase64 decodes a base64 document into bytes held in the
// lease.
func decodeVendorBase64(s []byte, l *lease) ([]byte, error) {
	s = bytes.TrimSpace(s)
	n := base64.StdEncoding.DecodedLen(len(s))
	if !l.grow(int64(n)) {
		return nil, agent.ErrBusy
	}
	out := make([]byte, n)
	k, err := base64.StdEncoding.Decode(out, s)
	if err != nil {
		return nil, agent.BadRequest("the data is not base64")
	}
	return out[:k], nil
}

// signOne: SignCMS, SignXML, signHash: [base64 data, serial?] ->
// {code, data (base64), error}.
func (h *vnptHandler) signOne(ctx context.Context, method string, k vnptKind, args []rawRef, l *lease) []byte {
	if len(args) == 0 {
		return mustJSON(vnptError(vnptBadInput, method+" needs the data to sign"))
	}
	data, ok := jsonStringBytes(args[0])
	if !ok {
		return mustJSON(vnptError(vnptBadInput, method+": the data must be a base64 string"))
	}
	doc, err := decodeVendorBase64(data, l)
	if err != nil {
		return mustJSON(vnptFail(err))
	}
	req := h.request(method)
	setKind(req, k)
	req.Documents = [][]byte{doc}
	req.Filter.Serial = vnptSerial(vnptStr(args, 1))
	sigs, _, err := h.sign(ctx, req, l)
	if err != nil {
		return mustJSON(vnptFail(err))
	}
	return mustJSON(vnptResult{Code: vnptOK, Data: base64.StdEncoding.EncodeToString(sigs[0])})
}

// sign runs a request through the agent (XML documents are charged to
// the lease first).
func (h *vnptHandler) sign(ctx context.Context, req *agent.Request, l *lease) ([][]byte, *agent.Result, error) {
	if req.Format == agent.FormatXML {
		if err := chargeXML(req.Documents, l); err != nil {
			return nil, nil, err
		}
	}
	res, err := h.s.Agent.Handle(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	return res.Signatures, res, nil
}

// vnptItemReq is one item of signArrDataAdvanced.
type vnptItemReq struct {
	Data       *string         `json:"data"`
	Type       string          `json:"type"`
	SigOptions json.RawMessage `json:"sigOptions"`
}

// signArray: signArrDataAdvanced [JSON text of an array of JSON texts
// {data, type, sigOptions?}, serial, clearPIN, showCertList] and
// signArrData [JSON text of an array of base64 data, serial] -> a JSON
// array of JSON texts {code, data, error, serial}, one per item. Items of
// one kind are signed in one dialog.
func (h *vnptHandler) signArray(ctx context.Context, method string, args []rawRef, l *lease, advanced bool) []byte {
	var list []string
	if len(args) == 0 {
		return mustJSON(vnptError(vnptBadInput, method+" needs the data to sign"))
	}
	text, ok := jsonStringBytes(args[0])
	if ok && !l.grow(2*int64(len(text))) { // the list's strings, then each item's data
		return mustJSON(vnptError(vnptFailed, agent.OutcomeBusy.Message()))
	}
	if ok && moreItemsThan(text, agent.MaxDocuments) {
		return mustJSON(vnptFail(agent.TooLarge("more than %d documents", agent.MaxDocuments)))
	}
	if !ok || checkKeys(text) != nil || json.Unmarshal(text, &list) != nil {
		return mustJSON(vnptError(vnptBadInput, method+": the first argument must be the JSON text of an array of strings"))
	}
	if len(list) == 0 {
		return mustJSON(vnptError(vnptBadInput, method+": nothing to sign"))
	}
	serial := vnptSerial(vnptStr(args, 1))
	out := make([]vnptResult, len(list))
	kinds := make([]vnptKind, len(list))
	docs := make([][]byte, len(list))
	for i, it := range list {
		var x vnptItemReq
		raw := it
		if advanced {
			if checkKeys([]byte(it)) != nil || json.Unmarshal([]byte(it), &x) != nil || x.Data == nil {
				out[i] = vnptError(vnptBadInput, fmt.Sprintf("item %d is not the JSON text of {data, type}", i+1))
				continue
			}
			raw, kinds[i] = *x.Data, vnptKind(strings.ToLower(strings.TrimSpace(x.Type)))
		} else {
			kinds[i] = vnptKindCMS
		}
		if !setKind(&agent.Request{}, kinds[i]) {
			out[i] = vnptError(vnptBadInput, fmt.Sprintf("item %d: type %q is not supported by qoltanba (cms, cmsdetached, xml, hash)", i+1, short(x.Type)))
			continue
		}
		doc, err := decodeVendorBase64([]byte(raw), l)
		if err != nil {
			out[i] = vnptFail(err)
			continue
		}
		docs[i] = doc
	}
	list = nil
	cancelled := false // a cancel answers the other kinds without asking again
	for _, k := range []vnptKind{vnptKindCMS, vnptKindCMSDetached, vnptKindXML, vnptKindHash} {
		var idx []int
		req := h.request(method)
		setKind(req, k)
		req.Filter.Serial = serial
		for i := range docs {
			if docs[i] != nil && kinds[i] == k {
				idx = append(idx, i)
				req.Documents = append(req.Documents, docs[i])
			}
		}
		if len(idx) == 0 {
			continue
		}
		var sigs [][]byte
		var res *agent.Result
		err := agent.ErrCanceled
		if !cancelled {
			sigs, res, err = h.sign(ctx, req, l)
		}
		cancelled = cancelled || agent.OutcomeOf(err) == agent.OutcomeCanceled
		for j, i := range idx {
			if err != nil {
				out[i] = vnptFail(err)
				continue
			}
			out[i] = vnptResult{Code: vnptOK, Data: base64.StdEncoding.EncodeToString(sigs[j]), Serial: serialHex(res.Certificate.SerialNumber.Bytes())}
		}
	}
	texts := make([]string, len(out))
	for i, r := range out {
		texts[i] = string(mustJSON(r))
	}
	return mustJSON(texts)
}
