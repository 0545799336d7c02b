package transport

// VGCA SignService (docs/vietnam.md), as the government CA's page scripts
// (vgca_sign_json, vgca_sign_xml, ...) speak it: one socket per call at
// wss://127.0.0.1:8987/<Endpoint>, one text frame each way, then the
// socket is closed. Answers are JSON objects whose Status is 0 when the
// call succeeded. What is inside SignMsg's and SignJson's Signature is not
// publicly confirmed: each reading is one function here (vgcaSignMsg,
// vgcaJWS) and marked *unconfirmed*.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

// VGCAPort is VGCA SignService's port.
const VGCAPort = 8987

// vgcaEndpoints are the endpoints served, by their path's lower case.
var vgcaEndpoints = map[string]string{}

func init() {
	for _, e := range []string{"GetCertInfo", "GetVersion", "Auth", "SignMsg", "VerifyMsg", "SignXML", "VerifyXML", "SignJson", "VerifyJson"} {
		vgcaEndpoints[strings.ToLower(e)] = e
	}
}

// vgcaEndpointOf is the endpoint a path names, "" for none. Any other
// path is answered 404 before the upgrade.
func vgcaEndpointOf(path string) string {
	return vgcaEndpoints[strings.ToLower(strings.TrimPrefix(path, "/"))]
}

// VGCA statuses (0 = OK; the others are ours, mirroring the VNPT codes:
// the vendor's own list is not public).
const (
	vgcaOK        = 0
	vgcaBadInput  = 1
	vgcaNoCert    = 2
	vgcaFailed    = 3
	vgcaNoKey     = 4
	vgcaCancelled = 11
)

// vgcaAnswer is every endpoint's answer; empty fields are left out.
type vgcaAnswer struct {
	Status          int              `json:"Status"`
	Message         string           `json:"Message,omitempty"`
	Error           string           `json:"Error,omitempty"`
	Version         string           `json:"Version,omitempty"`
	CertInfo        *vgcaCertInfo    `json:"CertInfo,omitempty"`
	Signature       string           `json:"Signature,omitempty"`
	CertBase64      string           `json:"CertBase64,omitempty"`
	SigningCertInfo *vgcaSigningCert `json:"SigningCertInfo,omitempty"`
	JsonContent     string           `json:"JsonContent,omitempty"`
}

type vgcaCertInfo struct {
	Subject    string `json:"Subject"`
	Issuer     string `json:"Issuer"`
	Serial     string `json:"SerialNumber"`
	Base64Data string `json:"Base64Data"`
	ValidFrom  string `json:"ValidFrom"`
	ValidTo    string `json:"ValidTo"`
}

type vgcaSigningCert struct {
	SerialNumber string `json:"SerialNumber"`
	Subject      string `json:"Subject"`
}

func vgcaError(status int, msg string) vgcaAnswer {
	return vgcaAnswer{Status: status, Message: msg, Error: msg}
}

func vgcaFail(err error) vgcaAnswer {
	return vgcaError(int(vnptCodeOf(err)), agent.PublicMessage(err))
}

// vgcaWait bounds how long a VGCA socket may stay open without its one
// request.
const vgcaWait = 30 * time.Second

func (s *Server) serveVGCA(w http.ResponseWriter, r *http.Request, origin agent.Origin, endpoint string) {
	c, ctx, cancel, err := s.upgrade(w, r)
	if err != nil {
		return
	}
	defer cancel()
	defer c.ws.Close()
	m, err := s.readMessage(c, min(vgcaWait, 3*s.PingEvery), siteOf(origin), func() int64 { return s.MaxMessage })
	if err != nil {
		if errors.Is(err, errInvalidUTF8) {
			closeInvalidUTF8(c)
		}
		return
	}
	defer m.lease.release()
	// The page closes the socket to give up: that cancels the request.
	// While the user is in the dialog, the pinger's pongs keep the socket
	// alive (as on the other doors).
	go func() {
		c.ws.SetReadDeadline(time.Now().Add(3 * s.PingEvery))
		for {
			if _, _, err := c.ws.NextReader(); err != nil {
				cancel()
				return
			}
		}
	}()
	var a vgcaAnswer
	if m.refused() {
		a = vgcaError(vgcaFailed, agent.OutcomeBusy.Message())
	} else {
		h := &vgcaHandler{s: s, origin: origin}
		a = h.handle(ctx, endpoint, m)
	}
	if ctx.Err() != nil {
		return
	}
	if c.writeText(mustJSON(a)) != nil {
		return
	}
	c.mu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.mu.Unlock()
}

type vgcaHandler struct {
	s      *Server
	origin agent.Origin
}

func (h *vgcaHandler) request(endpoint string) *agent.Request {
	return &agent.Request{Origin: h.origin, Method: "vgca." + endpoint, Locale: "vi", Filter: agent.Filter{Chain: agent.ChainAny}}
}

func (h *vgcaHandler) handle(ctx context.Context, endpoint string, m *message) vgcaAnswer {
	// Decoding the request object copies its strings: charged first.
	if !m.lease.grow(int64(len(m.data))) {
		return vgcaError(vgcaFailed, agent.OutcomeBusy.Message())
	}
	reclaimAfterDecode(len(m.data))
	switch endpoint {
	case "GetVersion":
		return vgcaAnswer{Status: vgcaOK, Version: strings.TrimSpace("qoltanba " + h.s.Version)}
	case "GetCertInfo":
		return h.certInfo(ctx)
	case "SignMsg":
		return h.signMsg(ctx, m)
	case "SignXML":
		return h.signXML(ctx, m)
	case "SignJson":
		return h.signJSON(ctx, m)
	case "VerifyXML":
		return h.verifyXML(m)
	case "VerifyJson":
		return h.verifyJSON(m)
	}
	// Auth and VerifyMsg: their requests are not publicly documented.
	return vgcaError(vgcaBadInput, endpoint+" is not supported by qoltanba")
}

// vgcaObject decodes a request object (duplicate keys refused).
func vgcaObject(data []byte, v any) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && checkKeys(data) == nil && json.Unmarshal(data, v) == nil
}

func (h *vgcaHandler) certInfo(ctx context.Context) vgcaAnswer {
	req := h.request("GetCertInfo")
	req.KeyOnly = true
	res, err := h.s.Agent.Handle(ctx, req)
	if err != nil {
		return vgcaFail(err)
	}
	c := res.Key.Key.Certificate
	return vgcaAnswer{Status: vgcaOK, CertInfo: &vgcaCertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(),
		Serial: serialHex(c.SerialNumber.Bytes()), Base64Data: base64.StdEncoding.EncodeToString(c.Raw),
		ValidFrom: c.NotBefore.Local().Format(vendorTime), ValidTo: c.NotAfter.Local().Format(vendorTime)}}
}

// vgcaSignMsgReq is SignMsg's object form.
type vgcaSignMsgReq struct {
	HashAlg   string `json:"HashAlg"`
	HashValue string `json:"HashValue"`
	Encode    string `json:"Encode"`
}

// vgcaSignMsg makes SignMsg's request. *unconfirmed* reading: the object
// form {"HashAlg":"SHA256","HashValue":b64,"Encode":"RSA"} asks a PKCS#1
// v1.5 signature (ECDSA for an EC key) of the given hash; a bare base64
// text asks one of its decoded bytes, hashed with the key's hash. The
// answer's Signature is the raw signature in base64.
func vgcaSignMsg(data []byte, req *agent.Request, l *lease) error {
	req.Format = agent.FormatRaw
	var o vgcaSignMsgReq
	if vgcaObject(data, &o) {
		if a := strings.ToUpper(strings.ReplaceAll(o.HashAlg, "-", "")); a != "" && a != "SHA256" {
			return agent.BadRequest("HashAlg must be SHA256")
		}
		h, err := decodeVendorBase64([]byte(o.HashValue), l)
		if err != nil {
			return err
		}
		req.Documents, req.Digested = [][]byte{h}, true
		return nil
	}
	text := bytes.TrimSpace(data)
	if s, ok := jsonStringBytes(text); ok {
		text = s
	}
	doc, err := decodeVendorBase64(text, l)
	if err != nil {
		return err
	}
	req.Documents = [][]byte{doc}
	return nil
}

func (h *vgcaHandler) signMsg(ctx context.Context, m *message) vgcaAnswer {
	req := h.request("SignMsg")
	if err := vgcaSignMsg(m.data, req, m.lease); err != nil {
		return vgcaFail(err)
	}
	res, err := h.s.Agent.Handle(ctx, req)
	if err != nil {
		return vgcaFail(err)
	}
	return vgcaAnswer{Status: vgcaOK, Signature: base64.StdEncoding.EncodeToString(res.Signatures[0]),
		CertBase64: base64.StdEncoding.EncodeToString(res.Certificate.Raw)}
}

// vgcaSignXMLReq is SignXML's request (its booleans come as true or
// "true").
type vgcaSignXMLReq struct {
	Base64Content       string   `json:"Base64Content"`
	ReturnSignatureOnly flexBool `json:"ReturnSignatureOnly"`
	HashAlg             string   `json:"HashAlg"`
	XmlDsigForm         flexBool `json:"XmlDsigForm"`
}

func (h *vgcaHandler) signXML(ctx context.Context, m *message) vgcaAnswer {
	var o vgcaSignXMLReq
	if !vgcaObject(m.data, &o) {
		return vgcaError(vgcaBadInput, "SignXML takes {Base64Content, ReturnSignatureOnly, HashAlg, XmlDsigForm}")
	}
	if a := strings.ToUpper(strings.ReplaceAll(o.HashAlg, "-", "")); a != "" && a != "SHA256" {
		return vgcaError(vgcaBadInput, "HashAlg must be SHA256")
	}
	doc, err := decodeVendorBase64([]byte(o.Base64Content), m.lease)
	if err != nil {
		return vgcaFail(err)
	}
	req := h.request("SignXML")
	req.Format, req.Documents = agent.FormatXML, [][]byte{doc}
	if err := chargeXML(req.Documents, m.lease); err != nil {
		return vgcaFail(err)
	}
	res, err := h.s.Agent.Handle(ctx, req)
	if err != nil {
		return vgcaFail(err)
	}
	out := res.Signatures[0]
	if o.ReturnSignatureOnly.or(false) {
		out = signatureElement(out)
	}
	return vgcaAnswer{Status: vgcaOK, Signature: base64.StdEncoding.EncodeToString(out)}
}

// signatureElement is the <ds:Signature> element the signer added (the
// last one of the document).
func signatureElement(doc []byte) []byte {
	i := bytes.LastIndex(doc, []byte("<ds:Signature xmlns:ds="))
	if i < 0 {
		return doc
	}
	j := bytes.Index(doc[i:], []byte("</ds:Signature>"))
	if j < 0 {
		return doc
	}
	return doc[i : i+j+len("</ds:Signature>")]
}

// vgcaSignJSONReq is SignJson's request.
type vgcaSignJSONReq struct {
	JsonContent   json.RawMessage `json:"JsonContent"`
	DetachPayload flexBool        `json:"DetachPayload"`
	IsPss         flexBool        `json:"IsPss"`
}

func (h *vgcaHandler) signJSON(ctx context.Context, m *message) vgcaAnswer {
	var o vgcaSignJSONReq
	if !vgcaObject(m.data, &o) || len(o.JsonContent) == 0 || string(o.JsonContent) == "null" {
		return vgcaError(vgcaBadInput, "SignJson takes {JsonContent, DetachPayload, IsPss}")
	}
	payload := []byte(o.JsonContent) // a JSON value as it is, or the text of a string
	if s, ok := jsonStringBytes(o.JsonContent); ok {
		payload = s
	}
	req := h.request("SignJson")
	jws, err := vgcaJWS(ctx, h.s.Agent, req, payload, o.IsPss.or(false), o.DetachPayload.or(false))
	if err != nil {
		return vgcaFail(err)
	}
	return vgcaAnswer{Status: vgcaOK, Signature: jws}
}

// vgcaJWS signs payload as a JWS in compact serialization. *unconfirmed*
// reading of SignJson: RS256 (or PS256 when isPSS) for an RSA key, ES256
// or ES384 for an EC key, the certificate in the header's x5c; with
// detached, the payload part is left empty (RFC 7515 appendix F).
//
// The header names the key the user picks, so the signing input is made
// once the key is chosen (Request.RawInput): the dialog shows the JSON
// content, the signature is over header.payload.
func vgcaJWS(ctx context.Context, a *agent.Agent, req *agent.Request, payload []byte, isPSS, detached bool) (string, error) {
	b64 := base64.RawURLEncoding
	header := func(cert *x509.Certificate) (string, string, error) {
		alg, err := jwsAlg(cert, isPSS)
		if err != nil {
			return "", "", err
		}
		hdr, _ := json.Marshal(struct {
			Alg string   `json:"alg"`
			X5c []string `json:"x5c"`
		}{alg, []string{base64.StdEncoding.EncodeToString(cert.Raw)}})
		return alg, b64.EncodeToString(hdr), nil
	}
	req.Format, req.Documents, req.RSAPSS = agent.FormatRaw, [][]byte{payload}, isPSS
	req.RawInput = func(cert *x509.Certificate, doc []byte) ([]byte, error) {
		_, hdr, err := header(cert)
		if err != nil {
			return nil, err
		}
		return []byte(hdr + "." + b64.EncodeToString(doc)), nil
	}
	res, err := a.Handle(ctx, req)
	if err != nil {
		return "", err
	}
	alg, hdr, err := header(res.Certificate)
	if err != nil {
		return "", err
	}
	sig := res.Signatures[0]
	if strings.HasPrefix(alg, "ES") {
		if sig, err = ecdsaRaw(sig, res.Certificate); err != nil {
			return "", err
		}
	}
	if detached {
		return hdr + ".." + b64.EncodeToString(sig), nil
	}
	return hdr + "." + b64.EncodeToString(payload) + "." + b64.EncodeToString(sig), nil
}

// jwsAlg is the JWS algorithm of a certificate's key.
func jwsAlg(cert *x509.Certificate, isPSS bool) (string, error) {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if isPSS {
			return "PS256", nil
		}
		return "RS256", nil
	case *ecdsa.PublicKey:
		switch k.Curve.Params().BitSize {
		case 256:
			return "ES256", nil
		case 384:
			return "ES384", nil
		}
	}
	return "", agent.BadRequest("SignJson needs an RSA or an EC P-256/P-384 key")
}

// ecdsaRaw turns an ASN.1 ECDSA signature into JWS's r||s.
func ecdsaRaw(der []byte, cert *x509.Certificate) ([]byte, error) {
	size := (cert.PublicKey.(*ecdsa.PublicKey).Curve.Params().BitSize + 7) / 8
	if len(der) == 2*size && der[0] != 0x30 {
		return der, nil
	}
	var v struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &v); err != nil {
		return nil, err
	}
	out := make([]byte, 2*size)
	v.R.FillBytes(out[:size])
	v.S.FillBytes(out[size:])
	return out, nil
}

// verifyXML: {Base64Content} (or a bare base64 text) -> Status 0 when the
// document's signature verifies (no chain is checked: the relying party
// does that).
func (h *vgcaHandler) verifyXML(m *message) vgcaAnswer {
	var o struct {
		Base64Content string `json:"Base64Content"`
	}
	var text []byte
	if vgcaObject(m.data, &o) {
		text = []byte(o.Base64Content)
	} else if s, ok := jsonStringBytes(bytes.TrimSpace(m.data)); ok {
		text = s
	} else {
		text = m.data
	}
	doc, err := decodeVendorBase64(text, m.lease)
	if err != nil {
		return vgcaFail(err)
	}
	if err := chargeXML([][]byte{doc}, m.lease); err != nil { // the tree verifying builds
		return vgcaFail(err)
	}
	res, err := signer.VerifyXML(doc, signer.VerifyOptions{NoChain: true})
	if err != nil || len(res.Signers) == 0 {
		return vgcaError(vgcaFailed, "the XML signature does not verify")
	}
	c := res.Signers[len(res.Signers)-1].Certificate
	return vgcaAnswer{Status: vgcaOK, SigningCertInfo: &vgcaSigningCert{SerialNumber: serialHex(c.SerialNumber.Bytes()), Subject: c.Subject.String()}}
}

// verifyJSON: {Signature (a compact JWS with x5c), JsonContent (for a
// detached one)} -> Status 0, the signer's certificate and the content.
func (h *vgcaHandler) verifyJSON(m *message) vgcaAnswer {
	var o struct {
		Signature   string          `json:"Signature"`
		JsonContent json.RawMessage `json:"JsonContent"`
	}
	if !vgcaObject(m.data, &o) {
		return vgcaError(vgcaBadInput, "VerifyJson takes {Signature, JsonContent}")
	}
	if !m.lease.grow(2 * int64(len(m.data))) { // the decoded payload and the signing input
		return vgcaError(vgcaFailed, agent.OutcomeBusy.Message())
	}
	var detached []byte
	if s, ok := jsonStringBytes(o.JsonContent); ok {
		detached = s
	} else if len(o.JsonContent) > 0 && string(o.JsonContent) != "null" {
		detached = o.JsonContent
	}
	cert, payload, err := verifyJWS(o.Signature, detached)
	if err != nil {
		return vgcaError(vgcaFailed, "the JSON signature does not verify")
	}
	return vgcaAnswer{Status: vgcaOK, JsonContent: string(payload),
		SigningCertInfo: &vgcaSigningCert{SerialNumber: serialHex(cert.SerialNumber.Bytes()), Subject: cert.Subject.String()}}
}

// maxJWSHeader bounds a JWS header (its certificate and algorithm).
const maxJWSHeader = 64 << 10

// verifyJWS checks a compact JWS whose header carries its certificate
// (x5c), as vgcaJWS writes it; detached is the payload of a JWS whose
// payload part is empty.
func verifyJWS(jws string, detached []byte) (*x509.Certificate, []byte, error) {
	parts := strings.SplitN(jws, ".", 4)
	if len(parts) != 3 || len(parts[0]) > maxJWSHeader {
		return nil, nil, errors.New("jws: not three parts, or a header too large")
	}
	b64 := base64.RawURLEncoding
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, nil, err
	}
	var hdr struct {
		Alg string   `json:"alg"`
		X5c []string `json:"x5c"`
	}
	if err := json.Unmarshal(hb, &hdr); err != nil || len(hdr.X5c) == 0 {
		return nil, nil, errors.New("jws: no x5c")
	}
	der, err := base64.StdEncoding.DecodeString(hdr.X5c[0])
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	payload := parts[1]
	if payload == "" {
		payload = b64.EncodeToString(detached)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, nil, err
	}
	want, err := jwsAlg(cert, hdr.Alg == "PS256")
	if err != nil || want != hdr.Alg {
		return nil, nil, errors.New("jws: algorithm does not match the key")
	}
	input := []byte(parts[0] + "." + payload)
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		d := sha256.Sum256(input)
		if hdr.Alg == "PS256" {
			err = rsa.VerifyPSS(k, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		} else {
			err = rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig)
		}
	case *ecdsa.PublicKey:
		size := len(sig) / 2
		var d []byte
		if hdr.Alg == "ES384" {
			x := sha512.Sum384(input)
			d = x[:]
		} else {
			x := sha256.Sum256(input)
			d = x[:]
		}
		if size == 0 || !ecdsa.Verify(k, d, new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])) {
			err = errors.New("jws: bad ECDSA signature")
		}
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := b64.DecodeString(payload)
	return cert, p, err
}
