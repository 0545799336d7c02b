package transport

// The IFCPlugin protocol (Rostelecom's plug-in for Gosuslugi's ESIA
// sign-in, host name ru.rtlabs.ifcplugin), as the official page library
// "IFCPlugin" v2.2.1 speaks it through the official extension: one request
// at a time, {"func_name": ..., "params": {...}} → {"error_code": N, ...}.
// qoltanba offers one "crypto device" (alias qoltanba, slot 0) whose
// certificates are the keys the agent may list before any PIN (a
// KeyLister); the page's containerId names one of them, and the signing
// itself goes through the agent's dialog, where the password or PIN is
// typed. A userPin the page sends is never used. docs/russia.md says what
// of this protocol is confirmed and what is not.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/gost"
	"github.com/qoltanba/qoltanba/signer"
)

// ifcCode is an IFCPlugin error code (the library's IFCError table).
type ifcCode int

// IFCPlugin error codes used here.
const (
	ifcGeneralError     ifcCode = -1   // IFC_GENERAL_ERROR (the library's own answer to a second request while one is pending)
	ifcOK               ifcCode = 0    // IFC_OK
	ifcErrorUnknown     ifcCode = 0x01 // IFC_ERROR_UNKNOWN
	ifcBadParams        ifcCode = 0x05 // IFC_BAD_PARAMS
	ifcErrorMalloc      ifcCode = 0x06 // IFC_ERROR_MALLOC (over the memory budget)
	ifcCertNotFound     ifcCode = 0x09 // IFC_CERT_NOT_FOUND
	ifcContainerMissing ifcCode = 0x0A // IFC_CONTAINER_NOT_FOUND
	ifcUnsupportedFmt   ifcCode = 0x0B // IFC_UNSUPPORTED_FORMAT
	ifcKeyNotFound      ifcCode = 0x0C // IFC_KEY_NOT_FOUND
	ifcBadInType        ifcCode = 0x0D // IFC_BAD_IN_TYPE
	ifcBadSignType      ifcCode = 0x0E // IFC_BAD_SIGN_TYPE
	ifcNotSupported     ifcCode = 0x11 // IFC_NOT_SUPPORTED
	ifcErrorBase64      ifcCode = 0x14 // IFC_ERROR_BASE64
	ifcP11Error         ifcCode = 0x17 // IFC_P11_ERROR
	ifcP11LoginError    ifcCode = 0xA0 // IFC_P11_LOGIN_ERROR (CKR_PIN_INCORRECT)
	ifcInitError        ifcCode = 0xA3 // IFC_INIT_ERROR ("Ошибка инициализации плагина"): no agent runs
	ifcCryptoNotFound   ifcCode = 0xA4 // IFC_CRYPTO_NOT_FOUND
)

// IFC codes a host without an agent answers with.
const (
	// IFCNoAgentCode is the error_code a host answers when no agent
	// runs: the page says the plug-in could not be initialised.
	IFCNoAgentCode = int(ifcInitError)
	// IFCBadFrameCode answers a frame that is not a request.
	IFCBadFrameCode = int(ifcBadParams)
)

// IFCCompatVersion is the plug-in version reported to pages that compare
// it with a minimum (qoltanba's own version is in "qoltanba_version").
const IFCCompatVersion = "3.1.0.0"

// ifcCrypto is qoltanba's one crypto device in the protocol.
const (
	ifcAlias    = "qoltanba"
	ifcSlot     = "0"
	ifcCryptoID = ifcAlias + "/" + ifcSlot
)

// Limits of one connection.
const (
	maxIFCHandles  = 64       // open x509 handles
	maxIFCCertData = 64 << 10 // a certificate a page loads
)

// ifcOutcomes: how an agent refusal is told to an IFCPlugin page.
var ifcOutcomes = map[agent.Outcome]ifcCode{
	agent.OutcomeCanceled: ifcGeneralError, agent.OutcomeDenied: ifcGeneralError, agent.OutcomeTimeout: ifcGeneralError,
	agent.OutcomeBusy: ifcGeneralError, agent.OutcomeTooLarge: ifcBadParams, agent.OutcomeBadRequest: ifcBadParams,
	agent.OutcomeNoMatchingKey: ifcKeyNotFound, agent.OutcomeUnknownStorage: ifcCryptoNotFound,
	agent.OutcomeWrongPIN: ifcP11LoginError, agent.OutcomeTokenLocked: ifcP11Error, agent.OutcomeTokenRemoved: ifcP11Error,
	agent.OutcomeNoDialog: ifcInitError,
}

// ifcSession is one host connection's state (handles of loaded
// certificates live as long as it).
type ifcSession struct {
	d       *NativeDoor
	origin  agent.Origin
	handles map[int]*x509.Certificate
	next    int
	chosen  []ListedKey // keys the user chose in a key-info dialog (AskForKeys)
}

type ifcRequest struct {
	Func   string          `json:"func_name"`
	Params json.RawMessage `json:"params"`
}

// ifcAnswer is an answer: error_code and the function's fields.
type ifcAnswer map[string]any

func ifcErr(code ifcCode) ifcAnswer { return ifcAnswer{"error_code": int(code)} }

// ifcFail adds the agent's outcome word (for the page's developers; the
// page shows its own text for the code).
func ifcFail(code ifcCode, outcome agent.Outcome) ifcAnswer {
	return ifcAnswer{"error_code": int(code), "qoltanba_outcome": string(outcome)}
}

func (s *ifcSession) refuse(_ []byte, why nmRefusal) []byte {
	switch why {
	case refuseBusy:
		return mustJSONAnswer(ifcFail(ifcGeneralError, agent.OutcomeBusy))
	case refuseNoMemory:
		return mustJSONAnswer(ifcFail(ifcErrorMalloc, agent.OutcomeBusy))
	case refuseDenied:
		return mustJSONAnswer(ifcFail(ifcGeneralError, agent.OutcomeDenied))
	}
	return mustJSONAnswer(ifcFail(ifcBadParams, agent.OutcomeTooLarge))
}

func (s *ifcSession) handle(ctx context.Context, msg []byte) [][]byte {
	a := s.answer(ctx, msg)
	b := mustJSONAnswer(a)
	if len(b) > MaxNativeAnswer {
		// IFCPlugin has no chunks: a signature this large cannot reach
		// the page (the request's data limit keeps it from happening for
		// detached signatures).
		b = mustJSONAnswer(ifcFail(ifcErrorMalloc, agent.OutcomeTooLarge))
	}
	return [][]byte{b}
}

// decodeIFC decodes a request frame: UTF-8 JSON, no repeated key, a
// func_name; params an object (or absent).
func decodeIFC(msg []byte) (*ifcRequest, ifcCode) {
	if !validJSONText(msg) || checkKeys(msg) != nil {
		return nil, ifcBadParams
	}
	var r ifcRequest
	if err := json.Unmarshal(msg, &r); err != nil || r.Func == "" {
		return nil, ifcBadParams
	}
	if p := bytes.TrimSpace(r.Params); len(p) > 0 && p[0] != '{' && string(p) != "null" {
		return nil, ifcBadParams
	}
	return &r, ifcOK
}

func (s *ifcSession) answer(ctx context.Context, msg []byte) ifcAnswer {
	r, code := decodeIFC(msg)
	if code != ifcOK {
		return ifcErr(code)
	}
	params := r.Params
	if len(params) == 0 || string(params) == "null" {
		params = json.RawMessage("{}")
	}
	switch r.Func {
	case "create":
		// {file_config, config_string, ...}: the real plug-in's own
		// configuration; qoltanba has its own.
		return ifcErr(ifcOK)
	case "version":
		return ifcAnswer{"error_code": 0, "version": IFCCompatVersion, "qoltanba_version": s.d.Version}
	case "get_list_info":
		var p struct {
			CryptoType *string `json:"cryptoType"`
		}
		if json.Unmarshal(params, &p) != nil {
			return ifcErr(ifcBadParams)
		}
		list := []any{}
		if p.CryptoType == nil || *p.CryptoType == "" || *p.CryptoType == "pkcs11" {
			list = append(list, map[string]any{"alias": ifcAlias, "name": "qoltanba", "type": "pkcs11", "path": "",
				"num": ifcSlot, "description": "qoltanba", "serial_number": "", "model": "qoltanba", "alg": "gost2012"})
		}
		return ifcAnswer{"error_code": 0, "ifc_list": list}
	case "get_list_certs":
		var p struct {
			CryptoID string `json:"cryptoID"`
		}
		if json.Unmarshal(params, &p) != nil {
			return ifcErr(ifcBadParams)
		}
		if p.CryptoID != ifcCryptoID {
			return ifcErr(ifcCryptoNotFound)
		}
		return ifcAnswer{"error_code": 0, "cert_list": s.certList(ctx)}
	case "get_list_certs_by_cryptoid_array":
		var p struct {
			IDs []string `json:"cryptoID_array"`
		}
		if json.Unmarshal(params, &p) != nil || len(p.IDs) > 64 {
			return ifcErr(ifcBadParams)
		}
		res := []any{}
		if slices.Contains(p.IDs, ifcCryptoID) {
			res = append(res, map[string]any{"crypto_id": ifcCryptoID, "cert_list": s.certList(ctx)})
		}
		return ifcAnswer{"error_code": 0, "result_array": res}
	case "load_x509_from_container":
		var p struct {
			ContainerID string `json:"containerId"`
		}
		if json.Unmarshal(params, &p) != nil {
			return ifcErr(ifcBadParams)
		}
		k := s.container(ctx, p.ContainerID)
		if k == nil {
			return ifcErr(ifcContainerMissing)
		}
		return s.newHandle(k.Certificate)
	case "load_x509_from_data":
		var p struct {
			Cert     string `json:"cert"`
			DataType int    `json:"cert_data_type"`
		}
		if json.Unmarshal(params, &p) != nil || len(p.Cert) > maxIFCCertData {
			return ifcErr(ifcBadParams)
		}
		c, code := parseIFCCert(p.Cert)
		if code != ifcOK {
			return ifcErr(code)
		}
		return s.newHandle(c)
	case "get_x509_info":
		c, code := s.handleParam(params)
		if code != ifcOK {
			return ifcErr(code)
		}
		return ifcAnswer{"error_code": 0, "cert_info": ifcCertInfo(c)}
	case "free_x509":
		var p struct {
			Handle int `json:"x509Handle"`
		}
		if json.Unmarshal(params, &p) != nil {
			return ifcErr(ifcBadParams)
		}
		if _, ok := s.handles[p.Handle]; !ok {
			return ifcErr(ifcCertNotFound)
		}
		delete(s.handles, p.Handle)
		return ifcErr(ifcOK)
	case "hash":
		return s.hash(ctx, params)
	case "sign":
		return s.sign(ctx, params)
	}
	return ifcFail(ifcNotSupported, agent.OutcomeBadRequest)
}

// listed is the KeyLister's keys and those chosen on this connection.
func (s *ifcSession) listed(ctx context.Context) []ListedKey {
	var l []ListedKey
	if s.d.Keys != nil {
		l = s.d.Keys.ListedKeys(ctx)
	}
	return append(l, s.chosen...)
}

// askForKey lets the user choose the key to list when the agent knows
// none (AskForKeys): the agent's key-info dialog, nothing signed.
func (s *ifcSession) askForKey(ctx context.Context) {
	if !s.d.AskForKeys || len(s.listed(ctx)) > 0 {
		return
	}
	res, err := s.d.Agent.Handle(ctx, &agent.Request{Origin: s.origin, Method: "ifc.get_list_certs", KeyOnly: true,
		Filter: agent.Filter{Chain: agent.ChainAny}})
	if err != nil {
		s.d.Log.Info("ifc: no key chosen to list", "outcome", agent.OutcomeOf(err))
		return
	}
	s.chosen = append(s.chosen, ListedKey{Certificate: res.Certificate})
}

// keyID is a listed key's id in containerIds: the first 16 bytes of its
// certificate's SHA-256, in hex (no '/').
func keyID(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:16])
}

func (s *ifcSession) certList(ctx context.Context) []any {
	s.askForKey(ctx)
	out := []any{}
	for _, k := range s.listed(ctx) {
		e := ifcCertEntry(k.Certificate)
		e["id"] = keyID(k.Certificate)
		out = append(out, e)
	}
	return out
}

// container finds a listed key by containerId ("qoltanba/0/<id>").
func (s *ifcSession) container(ctx context.Context, id string) *ListedKey {
	rest, ok := strings.CutPrefix(id, ifcCryptoID+"/")
	if !ok {
		return nil
	}
	for _, k := range s.listed(ctx) {
		if keyID(k.Certificate) == rest {
			return &k
		}
	}
	return nil
}

func (s *ifcSession) newHandle(c *x509.Certificate) ifcAnswer {
	if s.handles == nil {
		s.handles = map[int]*x509.Certificate{}
	}
	if len(s.handles) >= maxIFCHandles {
		return ifcErr(ifcErrorMalloc)
	}
	s.next++
	s.handles[s.next] = c
	return ifcAnswer{"error_code": 0, "x509Handle": s.next}
}

func (s *ifcSession) handleParam(params json.RawMessage) (*x509.Certificate, ifcCode) {
	var p struct {
		Handle int `json:"x509Handle"`
	}
	if json.Unmarshal(params, &p) != nil {
		return nil, ifcBadParams
	}
	c, ok := s.handles[p.Handle]
	if !ok {
		return nil, ifcCertNotFound
	}
	return c, ifcOK
}

// parseIFCCert reads a certificate a page gives: PEM, or base64 of DER.
func parseIFCCert(s string) (*x509.Certificate, ifcCode) {
	der := []byte(nil)
	if b, _ := pem.Decode([]byte(s)); b != nil {
		der = b.Bytes
	} else {
		d, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, ifcErrorBase64
		}
		der = d
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, ifcUnsupportedFmt
	}
	return c, ifcOK
}

// ifcDNNames are the attribute names the page library knows (it reads
// "key=value" lines and maps these names to OIDs), and the Russian ones
// by their usual short names. Others are written as their OID.
var ifcDNNames = map[string]string{
	"2.5.4.3": "CN", "2.5.4.4": "SURNAME", "2.5.4.42": "GIVENNAME", "2.5.4.6": "C", "2.5.4.8": "stateOrProvinceName",
	"2.5.4.7": "L", "2.5.4.9": "STREET", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.12": "TITLE",
	"1.2.840.113549.1.9.1": "emailAddress",
	"1.2.643.100.1":        "OGRN", "1.2.643.100.3": "SNILS", "1.2.643.3.131.1.1": "INN", "1.2.643.100.5": "OGRNIP",
	"1.2.643.100.4": "INNLE",
}

// IFCDN writes a name as the plug-in does: "key=value" lines joined by
// "\n", in the certificate's order.
func IFCDN(n pkix.Name) string {
	var lines []string
	for _, a := range n.Names {
		k, ok := ifcDNNames[a.Type.String()]
		if !ok {
			k = a.Type.String()
		}
		v := strings.NewReplacer("\n", " ", "\r", " ").Replace(fmt.Sprint(a.Value))
		lines = append(lines, k+"="+v)
	}
	return strings.Join(lines, "\n")
}

// ifcTime is OpenSSL's ASN1_TIME_print form, which the page library
// expects (its checkDate reorders it for Date).
func ifcTime(t time.Time) string { return t.UTC().Format("Jan _2 15:04:05 2006 GMT") }

// publicKeyOID is the certificate's public key algorithm OID.
func publicKeyOID(c *x509.Certificate) string {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return ""
	}
	return spki.Algorithm.Algorithm.String()
}

func ifcCertEntry(c *x509.Certificate) ifcAnswer {
	return ifcAnswer{"cert_sn": strings.ToUpper(hex.EncodeToString(c.SerialNumber.Bytes())), "cert_subject": IFCDN(c.Subject),
		"cert_issuer": IFCDN(c.Issuer), "cert_valid_from": ifcTime(c.NotBefore), "cert_valid_to": ifcTime(c.NotAfter),
		"cert_sign_alg": publicKeyOID(c)}
}

func ifcCertInfo(c *x509.Certificate) ifcAnswer {
	e := ifcCertEntry(c)
	e["base64"] = base64.StdEncoding.EncodeToString(c.Raw)
	e["pem"] = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	e["version"] = c.Version
	var ext []string
	for _, x := range c.Extensions {
		ext = append(ext, x.Id.String())
	}
	e["extensions"] = strings.Join(ext, "\n")
	return e
}

// IFC input data types (inDataType).
const (
	ifcInData       = 1 // a string, signed as its UTF-8 bytes
	ifcInDataBase64 = 2
	ifcInHash       = 3 // a digest in hex (unconfirmed: see docs/russia.md)
	ifcInHashBase64 = 4
)

// IFC signature types (signType).
const (
	ifcSignRaw         = 1
	ifcSignRawReversed = 2
	ifcSignCMS         = 3
	ifcSignCMSDetached = 4
	ifcSignBES         = 5
	ifcSignBESDetached = 6
)

// ifcData decodes data by inDataType: the bytes, and whether they are a
// digest.
func ifcData(inType int, data string) ([]byte, bool, ifcCode) {
	switch inType {
	case ifcInData:
		return []byte(data), false, ifcOK
	case ifcInDataBase64, ifcInHashBase64:
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(data), ""))
		if err != nil {
			return nil, false, ifcErrorBase64
		}
		return b, inType == ifcInHashBase64, ifcOK
	case ifcInHash:
		b, err := hex.DecodeString(data)
		if err != nil {
			return nil, false, ifcBadParams
		}
		return b, true, ifcOK
	}
	return nil, false, ifcBadInType
}

type ifcSignParams struct {
	ContainerID string          `json:"containerId"`
	InDataType  int             `json:"inDataType"`
	Data        string          `json:"data"`
	SignType    int             `json:"signType"`
	OutDataType *int            `json:"outDataType"`
	UserPin     json.RawMessage `json:"userPin"` // read past, never used
}

func (s *ifcSession) sign(ctx context.Context, params json.RawMessage) ifcAnswer {
	var p ifcSignParams
	if json.Unmarshal(params, &p) != nil {
		return ifcErr(ifcBadParams)
	}
	if p.OutDataType != nil && *p.OutDataType != 1 {
		return ifcErr(ifcUnsupportedFmt) // raw bytes do not fit in JSON
	}
	k := s.container(ctx, p.ContainerID)
	if k == nil {
		return ifcErr(ifcContainerMissing)
	}
	data, digested, code := ifcData(p.InDataType, p.Data)
	if code != ifcOK {
		return ifcErr(code)
	}
	req := &agent.Request{Origin: s.origin, Method: "ifc.sign", Documents: [][]byte{data}, Digested: digested,
		Filter: agent.Filter{Serial: hex.EncodeToString(k.Certificate.SerialNumber.Bytes()), Chain: agent.ChainAny}}
	switch p.SignType {
	case ifcSignRaw, ifcSignRawReversed:
		req.Format = agent.FormatRaw
	case ifcSignCMS, ifcSignBES:
		if digested {
			return ifcErr(ifcBadInType) // an attached signature needs the data
		}
		req.Format = agent.FormatCMS
	case ifcSignCMSDetached, ifcSignBESDetached:
		req.Format, req.Detached = agent.FormatCMS, true
	default:
		return ifcErr(ifcBadSignType)
	}
	res, err := s.d.Agent.Handle(ctx, req)
	if err != nil {
		return ifcOutcome(err)
	}
	if !res.Certificate.Equal(k.Certificate) {
		// The dialog offered only this certificate's serial; another
		// issuer's key with the same serial is not the one the page named.
		return ifcFail(ifcKeyNotFound, agent.OutcomeNoMatchingKey)
	}
	sig := res.Signatures[0]
	if p.SignType == ifcSignRawReversed {
		sig = slices.Clone(sig)
		slices.Reverse(sig)
	}
	return ifcAnswer{"error_code": 0, "sign_value": base64.StdEncoding.EncodeToString(sig)}
}

// ifcOutcome tells the page why there is no signature.
func ifcOutcome(err error) ifcAnswer {
	o := agent.OutcomeOf(err)
	code, ok := ifcOutcomes[o]
	if !ok {
		code = ifcErrorUnknown
	}
	return ifcFail(code, o)
}

// hash computes a GOST R 34.11-2012 digest: 512 bits for a 512-bit
// container's key, else 256 (no key is used: no dialog).
func (s *ifcSession) hash(ctx context.Context, params json.RawMessage) ifcAnswer {
	var p struct {
		ContainerID string `json:"containerId"`
		InDataType  int    `json:"inDataType"`
		Data        string `json:"data"`
		OutDataType *int   `json:"outDataType"`
	}
	if json.Unmarshal(params, &p) != nil {
		return ifcErr(ifcBadParams)
	}
	if p.OutDataType != nil && *p.OutDataType != 1 {
		return ifcErr(ifcUnsupportedFmt)
	}
	if p.InDataType != ifcInData && p.InDataType != ifcInDataBase64 {
		return ifcErr(ifcBadInType)
	}
	data, _, code := ifcData(p.InDataType, p.Data)
	if code != ifcOK {
		return ifcErr(code)
	}
	sum := gost.Streebog256(data)
	if p.ContainerID != "" {
		k := s.container(ctx, p.ContainerID)
		if k == nil {
			return ifcErr(ifcContainerMissing)
		}
		if signer.AlgorithmOf(k.Certificate) == signer.GOSTR2012_512 {
			sum = gost.Streebog512(data)
		}
	}
	return ifcAnswer{"error_code": 0, "hashValue": base64.StdEncoding.EncodeToString(sum)}
}

// IFCNoAgentAnswer is what a host answers each request with when no agent
// runs (the page says the plug-in could not be initialised).
func IFCNoAgentAnswer() []byte {
	return mustJSONAnswer(ifcFail(ifcInitError, agent.OutcomeNoDialog))
}
