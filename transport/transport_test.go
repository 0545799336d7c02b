package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/testtsa"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

var (
	gostFL   = ncatest.GOST2015FL
	rsaSign  = ncatest.RSASign
	time2026 = ncatest.Time2026
	time2020 = ncatest.Time2020
	page     = "https://egov.kz"
)

type harness struct {
	srv   *Server
	agent *agent.Agent
	host  string
}

type opts struct {
	prompter agent.Prompter
	key      string
	now      time.Time
	tsa      string
	stores   agent.KeyStores
	denied   []string
	// set before the server starts
	maxMessage    int64
	unattended    []agent.Origin
	requestMemory int64
	maxConns      int
	maxTotalConns int
}

func keyOpener(file string) func(context.Context) ([]*token.Key, func(), error) {
	return func(context.Context) ([]*token.Key, func(), error) {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, err
		}
		ks, err := token.ParsePKCS12(data, []byte("Qwerty12"))
		return ks, func() { token.CloseAll(ks) }, err
	}
}

func start(t testing.TB, o opts) *harness {
	t.Helper()
	if o.key == "" {
		o.key, o.now = gostFL, time2026
	}
	origin, _ := agent.ParseOrigin(page)
	if o.prompter == nil {
		o.prompter = &agent.Unattended{Origins: []agent.Origin{origin}, Open: keyOpener(o.key)}
	}
	cfg := agent.DefaultConfig()
	cfg.PromptTimeout = agent.Duration(10 * time.Second)
	cfg.DeniedOrigins = o.denied
	cfg.TSAURL = o.tsa
	now := o.now
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := agent.New(agent.Options{Config: cfg, Prompter: o.prompter, KeyStores: o.stores, Now: func() time.Time { return now }, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg, generated, err := LoadTLS("/nonexistent/cert.pem", "/nonexistent/key.pem")
	if err != nil || !generated {
		t.Fatal(err)
	}
	s := &Server{Agent: a, Version: "test", TLS: tlsCfg, PingEvery: time.Second, Log: quiet,
		MaxMessage: o.maxMessage, Unattended: o.unattended, RequestMemory: o.requestMemory, MaxConnsPerSite: o.maxConns, MaxConns: o.maxTotalConns}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return &harness{srv: s, agent: a, host: "127.0.0.1:" + strconv.Itoa(s.Port)}
}

func (h *harness) dial(t testing.TB, origin, path string) *websocket.Conn {
	t.Helper()
	ws, err := h.tryDial(origin, path, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func (h *harness) tryDial(origin, path, host string) (*websocket.Conn, error) {
	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, HandshakeTimeout: 5 * time.Second}
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	if host != "" {
		hdr.Set("Host", host)
	}
	ws, resp, err := d.Dial("wss://"+h.host+path, hdr)
	if err != nil && resp != nil {
		return nil, fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
	}
	return ws, err
}

// nca opens an NCALayer connection and checks the greeting.
func (h *harness) nca(t testing.TB) *websocket.Conn {
	t.Helper()
	ws := h.dial(t, page, "/")
	if got := read(t, ws); got != `{"result":{"version":"1.4"}}` {
		t.Fatalf("greeting %q", got)
	}
	return ws
}

func read(t testing.TB, ws *websocket.Conn) string {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	mt, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if mt != websocket.TextMessage {
		t.Fatalf("message type %d", mt)
	}
	return string(b)
}

func call(t testing.TB, ws *websocket.Conn, req string) string {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(req)); err != nil {
		t.Fatal(err)
	}
	return read(t, ws)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func mustDecode(t testing.TB, ans string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(ans), v); err != nil {
		t.Fatalf("answer %q: %v", ans, err)
	}
}

func verifyCMS(t testing.TB, der []byte, data []byte) *signer.CMSResult {
	t.Helper()
	o := signer.VerifyOptions{NoChain: true}
	if data != nil {
		o.Data = bytes.NewReader(data)
	}
	r, err := signer.VerifyCMS(der, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestNCALayerExactAnswers: request frame in, exact answer frame out.
func TestNCALayerExactAnswers(t *testing.T) {
	h := start(t, opts{})
	ws := h.nca(t)
	for _, tc := range []struct{ req, want string }{
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens"}`, `{"code":"200","responseObject":[]}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens","args":[],"uuid":"u-1"}`, `{"code":"200","responseObject":[],"uuid":"u-1"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"changeLocale","args":["ru"]}`, `{"code":"200"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"signXml","args":["PKCS12","SIGNATURE","<a/>"]}`, `{"code":"500","message":"NoSuchMethodException signXml"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE",123,true]}`, `{"code":"500","message":"java.lang.IllegalArgumentException: argument type mismatch. Method: createCAdESFromBase64"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"getKeyInfo","args":[null]}`, `{"code":"500","message":"java.lang.IllegalArgumentException: argument type mismatch. Method: getKeyInfo"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"getKeyInfo","args":["FLOPPY"]}`, `{"code":"500","message":"storage.unknown"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"showFileChooser","args":["p12",""]}`, `{"code":"500","message":"action.canceled"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromFile","args":["PKCS12","SIGNATURE","/etc/passwd",true]}`, `{"code":"500","message":"action.canceled"}`},
		{`{"module":"kz.gov.pki.knca.commonUtils","method":"noSuchThing","args":[]}`, `{"code":"500","message":"NoSuchMethodException noSuchThing"}`},
		{`{"module":"kz.digiflow.mobile.extensions","method":"getVersion"}`, `{"success":false,"errorCode":"MODULE_NOT_FOUND"}`},
		{`{"method":"browseKeyStore","args":["PKCS12","P12",""]}`, `{"result":null,"errorCode":"COMMON"}`},
		{`not json`, `{"success":false,"code":"COMMON_JSON_WRAPPING_EXCEPTION"}`},
		{`[1,2]`, `{"success":false,"code":"COMMON_JSON_WRAPPING_EXCEPTION"}`},
		{`{"module":"kz.gov.pki.knca.basics","method":"verify","args":{}}`, `{"code":"GENERAL_ERROR","message":"unknown method verify","status":false}`},
		{`{"module":"kz.gov.pki.knca.basics","method":"sign","apiVersion":1,"args":{}}`, `{"code":"GENERAL_ERROR","message":"unsupported apiVersion","status":false}`},
		{`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":"yes"}}`, `{"code":"INVOCATION_ERROR","message":"signingParams must be an object","status":false}`},
		{`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"pdf","data":"MTEK"}}`, `{"code":"INVALID_SIGNING_PARAMS","message":"format must be cms, xml or raw","status":false}`},
		{`{"module":"kz.gov.pki.knca.basics","method":"sign","args":"x"}`, `{"code":"INVOCATION_ERROR","message":"args must be an object with the documented fields","status":false}`},
	} {
		if got := call(t, ws, tc.req); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.req, got, tc.want)
		}
	}
}

func TestCommonUtilsSigning(t *testing.T) {
	h := start(t, opts{})
	ws := h.nca(t)
	var a struct {
		Code           string          `json:"code"`
		Message        string          `json:"message"`
		ResponseObject json.RawMessage `json:"responseObject"`
	}
	callOK := func(req string) string {
		t.Helper()
		ans := call(t, ws, req)
		mustDecode(t, ans, &a)
		if a.Code != "200" {
			t.Fatalf("%s -> %s", req, ans)
		}
		var s string
		json.Unmarshal(a.ResponseObject, &s)
		return s
	}
	der := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || strings.ContainsAny(s, "\n-") {
			t.Fatalf("not one-line base64 DER: %.60q", s)
		}
		return b
	}
	// attached
	cms := der(callOK(`{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE","` + b64("asdasd") + `",true]}`))
	if r := verifyCMS(t, cms, nil); string(r.Content) != "asdasd" {
		t.Errorf("content %q", r.Content)
	}
	// detached
	det := der(callOK(`{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","AUTHENTICATION","` + b64("asdasd") + `",false]}`))
	verifyCMS(t, det, []byte("asdasd"))
	// co-sign: the data is already a CMS
	co := der(callOK(`{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE","` + base64.StdEncoding.EncodeToString(cms) + `",true]}`))
	if r := verifyCMS(t, co, nil); len(r.Signers) != 2 {
		t.Errorf("co-sign: %d signers", len(r.Signers))
	}
	// hash
	pub, _ := signer.PublicKey(verifyCMS(t, cms, nil).Signers[0].Certificate)
	sch, _ := signer.SchemeFor(pub)
	digest := sch.Digest([]byte("document"))
	hs := der(callOK(`{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64Hash","args":["PKCS12","SIGNATURE","` + base64.StdEncoding.EncodeToString(digest) + `"]}`))
	verifyCMS(t, hs, []byte("document"))
	// XML
	x := callOK(`{"module":"kz.gov.pki.knca.commonUtils","method":"signXml","args":["PKCS12","SIGNATURE","<root><name>NCANode</name></root>","",""]}`)
	if _, err := signer.VerifyXML([]byte(x), signer.VerifyOptions{NoChain: true}); err != nil {
		t.Fatal(err)
	}
	ans := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"signXmls","args":["PKCS12","SIGNATURE",["<a>1</a>","<b>2</b>"],"",""]}`)
	mustDecode(t, ans, &a)
	var xs []string
	json.Unmarshal(a.ResponseObject, &xs)
	if len(xs) != 2 {
		t.Fatalf("signXmls: %s", ans)
	}
	for _, x := range xs {
		if _, err := signer.VerifyXML([]byte(x), signer.VerifyOptions{NoChain: true}); err != nil {
			t.Fatal(err)
		}
	}
	// bad XML: a fixed message, never the parser's (it quotes the
	// document: element names can be an IIN or a salary)
	ans = call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"signXml","args":["PKCS12","SIGNATURE","<IIN870101300123><b></IIN870101300123>","",""]}`)
	if ans != `{"code":"500","message":"the XML document is not well-formed, or the XPath matches nothing"}` {
		t.Errorf("bad XML: %s", ans)
	}
	// getKeyInfo
	ans = call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"getKeyInfo","args":["PKCS12"]}`)
	var ki struct {
		Code           string
		ResponseObject keyInfoObject
	}
	mustDecode(t, ans, &ki)
	k := ki.ResponseObject
	if k.Alias != "d6d1e53515d516a7d95d399b668cf09011bf118d" || k.Algorithm != "ECGOST3410-2015-512" ||
		k.SubjectDn != "CN=ТЕСТОВ ТЕСТ,SURNAME=ТЕСТОВ,SERIALNUMBER=IIN123456789011,C=KZ,G=ТЕСТОВИЧ" ||
		k.SubjectCn != "ТЕСТОВ ТЕСТ" || k.CertNotBefore != "1760686784000" || !strings.HasPrefix(k.Pem, "-----BEGIN CERTIFICATE-----") ||
		k.SerialNumber != strings.ToLower(k.SerialNumber) || k.KeyID == "" || k.AuthorityKeyIdentifier == "" || !strings.Contains(k.IssuerDn, "TEST 2022") {
		t.Errorf("key info %+v", k)
	}
}

func TestBasicsSign(t *testing.T) {
	h := start(t, opts{})
	ws := h.nca(t)
	type answer struct {
		Body struct {
			Result json.RawMessage `json:"result"`
		} `json:"body"`
		Status bool   `json:"status"`
		Code   string `json:"code"`
	}
	sign := func(args string) answer {
		t.Helper()
		var a answer
		ans := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":`+args+`}`)
		mustDecode(t, ans, &a)
		if !a.Status {
			t.Fatalf("%s -> %s", args, ans)
		}
		return a
	}
	// The common client's call: data is the base64 text itself (decode absent).
	a := sign(`{"allowedStorages":["AKKaztokenStore","PKCS12"],"format":"cms","data":"MTEK","signingParams":{"decode":true,"encapsulate":false},"signerParams":{"extKeyUsageOids":["1.3.6.1.5.5.7.3.4"],"chain":[]},"locale":"ru"}`)
	var pems []string
	json.Unmarshal(a.Body.Result, &pems)
	if len(pems) != 1 || !strings.HasPrefix(pems[0], "-----BEGIN CMS-----\n") || !strings.HasSuffix(pems[0], "-----END CMS-----\n") {
		t.Fatalf("PEM: %q", pems)
	}
	blk, _ := pem.Decode([]byte(pems[0]))
	verifyCMS(t, blk.Bytes, []byte("11\n")) // MTEK = "11\n", decoded and detached
	a = sign(`{"format":"cms","data":"MTEK","signingParams":{},"signerParams":{"chain":[]}}`)
	json.Unmarshal(a.Body.Result, &pems)
	blk, _ = pem.Decode([]byte(pems[0]))
	if r := verifyCMS(t, blk.Bytes, nil); string(r.Content) != "MTEK" {
		t.Errorf("decode=false must sign the text: %q", r.Content)
	}
	// Several documents, one dialog; booleans as strings.
	a = sign(`{"allowedStorages":"PKCS12","format":"cms","data":["` + b64("one") + `","` + b64("two") + `"],"signingParams":{"decode":"true","encapsulate":"true"},"signerParams":{"chain":[]}}`)
	json.Unmarshal(a.Body.Result, &pems)
	if len(pems) != 2 {
		t.Fatalf("%d results", len(pems))
	}
	// XML
	a = sign(`{"format":"xml","data":"<doc><x>1</x></doc>","signingParams":{},"signerParams":{"chain":[]}}`)
	var xs []string
	json.Unmarshal(a.Body.Result, &xs)
	if _, err := signer.VerifyXML([]byte(xs[0]), signer.VerifyOptions{NoChain: true}); err != nil {
		t.Fatal(err)
	}
	// raw, and raw with outputCert
	a = sign(`{"format":"raw","data":"` + b64("raw data") + `","signingParams":{"decode":true},"signerParams":{"chain":[]}}`)
	var raws []string
	json.Unmarshal(a.Body.Result, &raws)
	sig, _ := base64.StdEncoding.DecodeString(raws[0])
	key, closeKey, _ := keyOpener(gostFL)(context.Background())
	defer closeKey()
	pub, _ := signer.PublicKey(key[0].Certificate)
	sch, _ := signer.SchemeFor(pub)
	if err := signer.VerifyDigest(pub, sch, sch.Digest([]byte("raw data")), sig); err != nil {
		t.Errorf("raw signature: %v", err)
	}
	a = sign(`{"format":"raw","data":"` + b64("x") + `","signingParams":{"decode":true,"outputCert":true},"signerParams":{"chain":[]}}`)
	var oc struct {
		Signatures  []string `json:"signatures"`
		Certificate string   `json:"certificate"`
	}
	if json.Unmarshal(a.Body.Result, &oc); len(oc.Signatures) != 1 || oc.Certificate == "" {
		t.Errorf("outputCert: %s", a.Body.Result)
	}
	// Production chain required (absent): the test key is not selectable.
	ans := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{}}}`)
	if !strings.HasPrefix(ans, `{"code":"SIGNING_FAILURE"`) || !strings.Contains(ans, `"status":false`) {
		t.Errorf("production-only: %s", ans)
	}
}

// cancelPrompter cancels every dialog (after consent).
type cancelPrompter struct{ block chan struct{} }

func (p *cancelPrompter) Consent(context.Context, agent.ConsentQuestion) (agent.Consent, error) {
	return agent.AllowOnce, nil
}
func (p *cancelPrompter) Choose(ctx context.Context, s *agent.Session) error {
	if p.block != nil {
		select {
		case <-p.block:
		case <-ctx.Done():
		}
	}
	return agent.ErrCanceled
}
func (p *cancelPrompter) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

func TestCancelShapes(t *testing.T) {
	h := start(t, opts{prompter: &cancelPrompter{}})
	ws := h.nca(t)
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{}}}`); got != `{"body":{},"status":true}` {
		t.Errorf("basics cancel: %s", got)
	}
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE","MTEK",true]}`); got != `{"code":"500","message":"action.canceled"}` {
		t.Errorf("commonUtils cancel: %s", got)
	}
}

func TestTimestampMethods(t *testing.T) {
	tsa := testtsa.New(t)
	h := start(t, opts{key: rsaSign, now: time2020, tsa: tsa.URL})
	ws := h.nca(t)
	var a struct {
		Code           string
		ResponseObject string
	}
	mustDecode(t, call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"createCMSSignatureFromBase64","args":["PKCS12","SIGNATURE","`+b64("asdasd")+`",true]}`), &a)
	cms, _ := base64.StdEncoding.DecodeString(a.ResponseObject)
	opts := signer.VerifyOptions{NoChain: false, TSARoots: []*x509.Certificate{tsa.CA}, Chain: signer.ChainOptions{Roots: rsaCAs(t), Time: time2020}}
	r, err := signer.VerifyCMS(cms, opts)
	if err != nil || r.Signers[0].Timestamp.IsZero() || !r.Signers[0].TimestampTrusted {
		t.Fatalf("CAdES-T: %v", err)
	}
	plain := mustSign(t, ws, "asdasd")
	mustDecode(t, call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"applyCAdEST","args":["PKCS12","SIGNATURE","`+base64.StdEncoding.EncodeToString(plain)+`"]}`), &a)
	stamped, _ := base64.StdEncoding.DecodeString(a.ResponseObject)
	if r, err := signer.VerifyCMS(stamped, opts); err != nil || r.Signers[0].Timestamp.IsZero() {
		t.Fatalf("applyCAdEST: %v (%s)", err, a.ResponseObject)
	}
	// basics with tsaProfile
	ans := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{"tsaProfile":{}},"signerParams":{"chain":[]}}}`)
	var b struct{ Body struct{ Result []string } }
	mustDecode(t, ans, &b)
	blk, _ := pem.Decode([]byte(b.Body.Result[0]))
	if r, err := signer.VerifyCMS(blk.Bytes, opts); err != nil || r.Signers[0].Timestamp.IsZero() {
		t.Fatalf("basics tsaProfile: %v", err)
	}
}

func mustSign(t *testing.T, ws *websocket.Conn, data string) []byte {
	var a struct{ ResponseObject string }
	mustDecode(t, call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE","`+b64(data)+`",true]}`), &a)
	b, _ := base64.StdEncoding.DecodeString(a.ResponseObject)
	return b
}

func rsaCAs(t *testing.T) []*x509.Certificate {
	var out []*x509.Certificate
	for _, f := range []string{"ca-test-2018/root_rsa_test.crt", "ca-test-2018/nca_rsa_test.crt"} {
		b, _ := os.ReadFile(ncatest.Path(f))
		p, _ := pem.Decode(b)
		c, err := x509.ParseCertificate(p.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestSecurity: the loopback policy holds before any work.
func TestSecurity(t *testing.T) {
	h := start(t, opts{denied: []string{"https://evil.example"}})
	cases := []struct {
		name, origin, host string
		status             int
	}{
		{"foreign Host (DNS rebinding)", page, "attacker.example:" + strconv.Itoa(h.srv.Port), 421},
		{"Host without our port", page, "127.0.0.1:80", 421},
		{"Origin null", "null", "", 403},
		{"denied origin", "https://evil.example", "", 403},
		{"malformed origin", "egov.kz", "", 403},
		{"unlisted origin in unattended mode is refused by the prompter", "https://other.kz", "", 0},
	}
	for _, tc := range cases {
		ws, err := h.tryDial(tc.origin, "/", tc.host)
		if tc.status == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			read(t, ws)
			ans := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE","MTEK",true]}`)
			if !strings.Contains(ans, `"code":"500"`) || !strings.Contains(ans, "may not use") {
				t.Errorf("%s: %s", tc.name, ans)
			}
			ws.Close()
			continue
		}
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", tc.status)) {
			t.Errorf("%s: got %v, want HTTP %d", tc.name, err, tc.status)
		}
	}
	// A local program (no Origin) may connect; it is named so in prompts.
	ws := h.dial(t, "", "/")
	read(t, ws)
}

func TestUnattendedHandshakeLimit(t *testing.T) {
	o, _ := agent.ParseOrigin(page)
	h := start(t, opts{unattended: []agent.Origin{o}})
	if _, err := h.tryDial("https://other.kz", "/", ""); err == nil || !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("unlisted origin: %v", err)
	}
	h.nca(t)
}

// TestHeartbeatDuringPrompt: the page's heartbeat is echoed while a dialog
// is open, and closing the page cancels that dialog.
func TestHeartbeatDuringPrompt(t *testing.T) {
	p := &cancelPrompter{block: make(chan struct{})}
	h := start(t, opts{prompter: p})
	ws := h.nca(t)
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{}}}`))
	for range 3 {
		if got := call(t, ws, "--heartbeat--"); got != "--heartbeat--" {
			t.Fatalf("heartbeat answered %q", got)
		}
	}
	close(p.block)
	if got := read(t, ws); got != `{"body":{},"status":true}` {
		t.Errorf("after the dialog: %s", got)
	}
}

func TestDisconnectCancelsAndConnectionsQueue(t *testing.T) {
	p := &blockingPrompter{started: make(chan struct{}, 4), release: make(chan struct{})}
	h := start(t, opts{prompter: p})
	first := h.nca(t)
	first.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{}}}`))
	<-p.started
	second := h.nca(t)
	second.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{}}}`))
	select {
	case <-p.started:
		t.Fatal("a second prompt opened while the first is on screen")
	case <-time.After(300 * time.Millisecond):
	}
	first.Close() // the page goes away: its dialog is cancelled, the next shows
	select {
	case <-p.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the queued request never got the dialog")
	}
	if n := p.canceled.Load(); n != 1 {
		t.Errorf("%d dialogs cancelled, want 1", n)
	}
	close(p.release)
	if got := read(t, second); got != `{"body":{},"status":true}` {
		t.Errorf("second: %s", got)
	}
}

type blockingPrompter struct {
	started  chan struct{}
	release  chan struct{}
	canceled atomicInt
}

func (p *blockingPrompter) Consent(context.Context, agent.ConsentQuestion) (agent.Consent, error) {
	return agent.AllowOnce, nil
}
func (p *blockingPrompter) Choose(ctx context.Context, s *agent.Session) error {
	p.started <- struct{}{}
	select {
	case <-p.release:
	case <-ctx.Done():
		p.canceled.Add(1)
	}
	return agent.ErrCanceled
}
func (p *blockingPrompter) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

type atomicInt struct {
	mu sync.Mutex
	n  int
}

func (a *atomicInt) Add(d int) { a.mu.Lock(); a.n += d; a.mu.Unlock() }
func (a *atomicInt) Load() int { a.mu.Lock(); defer a.mu.Unlock(); return a.n }

func TestOversizeAndMalformed(t *testing.T) {
	h := start(t, opts{maxMessage: 1 << 20})
	ws := h.nca(t)
	if got := call(t, ws, `{"module":`); got != `{"success":false,"code":"COMMON_JSON_WRAPPING_EXCEPTION"}` {
		t.Errorf("malformed: %s", got)
	}
	// the connection survives malformed input
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens"}`); got != `{"code":"200","responseObject":[]}` {
		t.Errorf("after malformed: %s", got)
	}
	big := `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"` + strings.Repeat("A", 2<<20) + `"}}`
	ws.WriteMessage(websocket.TextMessage, []byte(big))
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("oversize: %v", err)
	}
	// the agent survives
	ws2 := h.nca(t)
	call(t, ws2, `{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens"}`)
}

func TestStatusPageAndPreflight(t *testing.T) {
	h := start(t, opts{})
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get("https://" + h.host + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("qoltanba test")) {
		t.Errorf("status page %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodOptions, "https://"+h.host+"/", nil)
	req.Header.Set("Origin", page)
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Private-Network", "true")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Private-Network") != "true" || resp.Header.Get("Access-Control-Allow-Origin") != page {
		t.Errorf("preflight headers %v", resp.Header)
	}
}

// TestNativeLogin: the signed content binds the challenge and the origin
// the browser reported; changing either breaks verification.
func TestNativeLogin(t *testing.T) {
	h := start(t, opts{})
	ws := h.dial(t, page, "/qoltanba/v1")
	challenge := bytes.Repeat([]byte{7}, 32)
	ans := call(t, ws, `{"jsonrpc":"2.0","id":1,"method":"login","params":{"challenge":"`+base64.StdEncoding.EncodeToString(challenge)+`","format":"cms"}}`)
	var r struct {
		ID     int `json:"id"`
		Result struct {
			Signature, Certificate, SignedContent string
		} `json:"result"`
	}
	mustDecode(t, ans, &r)
	cms, _ := base64.StdEncoding.DecodeString(r.Result.Signature)
	res := verifyCMS(t, cms, nil)
	var content struct{ Origin, Challenge, Time string }
	if err := json.Unmarshal(res.Content, &content); err != nil {
		t.Fatal(err)
	}
	if content.Origin != page || content.Challenge != base64.StdEncoding.EncodeToString(challenge) || r.ID != 1 {
		t.Fatalf("login content %+v", content)
	}
	for _, tamper := range [][2]string{{page, "https://phish.kz"}, {content.Challenge, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, 32))}} {
		bad := bytes.Replace(cms, []byte(tamper[0]), []byte(tamper[1]), 1)
		if bytes.Equal(bad, cms) {
			t.Fatalf("%q not found in the CMS", tamper[0])
		}
		if _, err := signer.VerifyCMS(bad, signer.VerifyOptions{NoChain: true}); !errors.Is(err, signer.ErrMessageDigest) && !errors.Is(err, signer.ErrMalformed) {
			t.Errorf("tampered %q still verifies: %v", tamper[0], err)
		}
	}
	// XML login, version, errors, several in flight.
	ans = call(t, ws, `{"jsonrpc":"2.0","id":"x","method":"login","params":{"challenge":"`+base64.StdEncoding.EncodeToString(challenge)+`","format":"xml"}}`)
	var rx struct{ Result struct{ Signature string } }
	mustDecode(t, ans, &rx)
	if vr, err := signer.VerifyXML([]byte(rx.Result.Signature), signer.VerifyOptions{NoChain: true}); err != nil || !strings.Contains(rx.Result.Signature, "<origin>"+page+"</origin>") {
		t.Fatalf("XML login: %v %+v", err, vr)
	}
	if got := call(t, ws, `{"jsonrpc":"2.0","id":2,"method":"login","params":{"challenge":"c2hvcnQ="}}`); !strings.Contains(got, `"message":"BAD_REQUEST"`) {
		t.Errorf("short challenge: %s", got)
	}
	if got := call(t, ws, `{"jsonrpc":"2.0","id":3,"method":"version"}`); got != `{"jsonrpc":"2.0","id":3,"result":{"protocol":1,"version":"test"}}` {
		t.Errorf("version: %s", got)
	}
	if got := call(t, ws, `garbage`); !strings.Contains(got, `"message":"PARSE_ERROR"`) {
		t.Errorf("garbage: %s", got)
	}
	for i := range 3 {
		ws.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"sign","params":{"format":"cms","documents":["%s"]}}`, 10+i, b64("doc"))))
	}
	ids := map[int]bool{}
	for range 3 {
		var sr struct {
			ID     int
			Result struct{ Signatures []string }
		}
		mustDecode(t, read(t, ws), &sr)
		if len(sr.Result.Signatures) != 1 {
			t.Fatalf("sign %d: %+v", sr.ID, sr)
		}
		ids[sr.ID] = true
	}
	if len(ids) != 3 {
		t.Errorf("answers %v", ids)
	}
}

func FuzzNCALayerRequest(f *testing.F) {
	for _, s := range []string{
		`{"module":"kz.gov.pki.knca.commonUtils","method":"signXml","args":["PKCS12","SIGNATURE","<a/>","",""]}`,
		`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":["MTEK"],"signingParams":{"decode":"true"},"signerParams":{"chain":["x"]}}}`,
		`{"module":"kz.gov.pki.knca.commonUtils","method":"getKeyInfo","args":["PKCS12"],"uuid":{"a":1}}`,
		`not json`,
		`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","dat\u0061":"MTEK"}}`,
		`{"module":"kz.gov.pki.knca.basics","module":"x","args":{"signerParams":{"chain":[],"extKeyUsageOids":["1","2"]},"allowedStorages":"A,B"}}`,
	} {
		f.Add(s)
	}
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: &cancelPrompter{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := &Server{Agent: a}
	srv.init()
	h := &ncaHandler{s: srv, origin: agent.Origin{Scheme: "https", Host: "egov.kz", Port: 443}}
	f.Fuzz(func(t *testing.T, msg string) {
		var buf bytes.Buffer
		m := &message{data: []byte(msg), lease: srv.budget.lease("https://egov.kz")}
		defer m.lease.release()
		if err := h.handle(context.Background(), m)(&buf); err != nil {
			t.Fatal(err)
		}
		if ans := buf.Bytes(); !json.Valid(ans) {
			t.Fatalf("answer is not JSON: %s", ans)
		}
	})
}

func FuzzNativeRequest(f *testing.F) {
	f.Add(`{"jsonrpc":"2.0","id":1,"method":"login","params":{"challenge":"AAAA"}}`)
	f.Add(`{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"xml","documents":["PGEvPg=="]}}`)
	f.Add(`{"jsonrpc":"2.0","id":1,"method":"sign","params":{"documents":["PGEvPg=="],"Documents":[""]}}`)
	f.Add(`{"jsonrpc":"2.0","id":1,"id":2,"method":"sign","params":{"a":{"b\u0062":1,"bb":2}}}`)
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: &cancelPrompter{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s := &Server{Agent: a}
	s.init()
	f.Fuzz(func(t *testing.T, msg string) {
		req, bad := decodeRequest([]byte(msg))
		if bad != nil {
			if b := mustJSON(bad); !json.Valid(b) {
				t.Fatalf("answer is not JSON: %s", b)
			}
			return
		}
		l := s.budget.lease("local program")
		defer l.release()
		resp := s.nativeCall(context.Background(), agent.Origin{}, req, l)
		if b := mustJSON(resp); !json.Valid(b) {
			t.Fatalf("answer is not JSON: %s", b)
		}
	})
}
