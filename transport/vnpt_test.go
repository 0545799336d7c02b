package transport

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

// vnKey is a fresh key with a self-signed certificate valid now (the
// Vietnamese doors take keys of any issuer).
func vnKey(t testing.TB, ec bool) *token.Key {
	t.Helper()
	var key crypto.Signer
	var err error
	if ec {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x5a17), Subject: pkix.Name{CommonName: "Nguyễn Văn A", Country: []string{"VN"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	k := &token.Key{Alias: "vn", Certificate: cert, Signer: key}
	k.Algorithm = signer.AlgorithmOf(cert)
	return k
}

// startVN starts an agent, unattended for page with key, and the door d
// beside it; it returns the door's host:port.
func startVN(t testing.TB, d Door, key *token.Key, o opts) (*harness, string) {
	t.Helper()
	origin, _ := agent.ParseOrigin(page)
	if o.prompter == nil {
		o.prompter = &agent.Unattended{Origins: []agent.Origin{origin}, Open: func(context.Context) ([]*token.Key, func(), error) {
			return []*token.Key{key}, func() {}, nil
		}}
	}
	o.now = time.Now()
	o.key = "unused"
	h := start(t, o)
	s := h.srv.Sibling(d, 0)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return h, "127.0.0.1:" + strconv.Itoa(s.Port)
}

func dialVN(t testing.TB, host, path string) *websocket.Conn {
	t.Helper()
	h := &harness{host: host}
	return h.dial(t, page, path)
}

// vnptCall sends one request and reads "result*callback".
func vnptCall(t testing.TB, ws *websocket.Conn, id any, cb string, args ...any) (string, string) {
	t.Helper()
	msg, _ := json.Marshal(map[string]any{"functionID": id, "funcCallback": cb, "args": args, "domain": "egov.kz"})
	if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		t.Fatal(err)
	}
	return splitVNPT(t, read(t, ws))
}

func splitVNPT(t testing.TB, s string) (string, string) {
	t.Helper()
	i := strings.LastIndexByte(s, '*')
	if i < 0 {
		t.Fatalf("answer without '*': %.200q", s)
	}
	return s[:i], s[i+1:]
}

func TestVNPTPlugin(t *testing.T) {
	for _, ec := range []bool{false, true} {
		vnptPlugin(t, vnKey(t, ec))
	}
}

func vnptPlugin(t *testing.T, key *token.Key) {
	_, host := startVN(t, DoorVNPT, key, opts{})
	ws := dialVN(t, host, "/plugin")
	if res, cb := vnptCall(t, ws, 7, "cbCheck"); res != "1" || cb != "cbCheck" {
		t.Errorf("checkPlugin %q %q", res, cb)
	}
	if res, _ := vnptCall(t, ws, 11, "v"); res != "1.0.0.8" {
		t.Errorf("getVersion %q", res)
	}
	if res, _ := vnptCall(t, ws, 6, "lic", base64.StdEncoding.EncodeToString([]byte("<License/>"))); res != `{"code":1}` {
		t.Errorf("setLicenseKey %q", res)
	}
	res, _ := vnptCall(t, ws, "0", "cert", "0", "")
	var ci struct {
		Code                int
		Serial, Base64      string
		SubjectCN, IssuerCN string
		NotAfter            string
	}
	if err := json.Unmarshal([]byte(res), &ci); err != nil || ci.Serial != "5A17" || ci.SubjectCN != "Nguyễn Văn A" || ci.Base64 != base64.StdEncoding.EncodeToString(key.Certificate.Raw) {
		t.Errorf("getCertInfo %s", res)
	}
	// A sign-in: the server's challenge, signed detached.
	challenge := []byte("challenge-" + strconv.FormatInt(time.Now().UnixNano(), 10))
	item, _ := json.Marshal(map[string]any{"data": base64.StdEncoding.EncodeToString(challenge), "type": "cmsdetached"})
	arr, _ := json.Marshal([]string{string(item)})
	res, cb := vnptCall(t, ws, 10, "cbSign", string(arr), ci.Serial, false, false)
	if cb != "cbSign" {
		t.Errorf("callback %q", cb)
	}
	var texts []string
	if err := json.Unmarshal([]byte(res), &texts); err != nil || len(texts) != 1 {
		t.Fatalf("signArrDataAdvanced %.300s", res)
	}
	var r vnptResult
	json.Unmarshal([]byte(texts[0]), &r)
	if r.Code != 0 || r.Serial != "5A17" {
		t.Fatalf("item %s", texts[0])
	}
	cms, _ := base64.StdEncoding.DecodeString(r.Data)
	opensslVerifyDetached(t, cms, challenge, key.Certificate)
	// SignCMS: attached.
	res, _ = vnptCall(t, ws, 4, "c", base64.StdEncoding.EncodeToString([]byte("văn bản")))
	json.Unmarshal([]byte(res), &r)
	if r.Code != 0 || r.Data == "" {
		t.Errorf("SignCMS %s", res)
	}
	// SignXML.
	res, _ = vnptCall(t, ws, 1, "x", base64.StdEncoding.EncodeToString([]byte(`<HoSo Id="a"><Ten>Nguyễn</Ten></HoSo>`)))
	json.Unmarshal([]byte(res), &r)
	xml, _ := base64.StdEncoding.DecodeString(r.Data)
	if r.Code != 0 || !strings.Contains(string(xml), "SignatureValue") {
		t.Errorf("SignXML %s", res)
	}
	xmlsecVerify(t, xml, key.Certificate)
	// signHash: the raw signature of a SHA-256 digest.
	digest := sha256.Sum256([]byte("băm"))
	res, _ = vnptCall(t, ws, 9, "h", base64.StdEncoding.EncodeToString(digest[:]))
	json.Unmarshal([]byte(res), &r)
	sig, _ := base64.StdEncoding.DecodeString(r.Data)
	switch pub := key.Certificate.PublicKey.(type) {
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
			t.Errorf("signHash: %v %s", err, res)
		}
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest[:], sig) {
			t.Errorf("signHash: %s", res)
		}
	}
}

// TestVNPTBadInput: every malformed request gets an answer the page can
// parse as an error, and the connection goes on.
func TestVNPTBadInput(t *testing.T) {
	_, host := startVN(t, DoorVNPT, vnKey(t, false), opts{maxMessage: 1 << 20})
	ws := dialVN(t, host, "/plugin")
	for _, tc := range []struct{ msg, code, cb string }{
		{`not json`, `"code":1`, ""},
		{`{"functionID":99,"funcCallback":"f","args":[]}`, `"code":1`, "f"},
		{`{"functionID":12,"funcCallback":"adv","args":["x"]}`, `not supported`, "adv"},
		{`{"functionID":"x","funcCallback":"f"}`, `"code":1`, "f"},
		{`{"functionID":2,"funcCallback":"pdf","args":["aGk="]}`, `SignPDF is not supported`, "pdf"},
		{`{"functionID":3,"funcCallback":"o","args":["aGk="]}`, `"code":1`, "o"},
		{`{"functionID":5,"funcCallback":"f","args":[]}`, `"code":11`, "f"},
		{`{"functionID":4,"funcCallback":"f","args":["%%%"]}`, `"code":1`, "f"},
		{`{"functionID":4,"funcCallback":"f","args":[]}`, `"code":1`, "f"},
		{`{"functionID":10,"funcCallback":"f","args":["[1,2]"]}`, `"code":1`, "f"},
		{`{"functionID":10,"funcCallback":"f","args":["[\"{\\\"data\\\":\\\"aGk=\\\",\\\"type\\\":\\\"pdf\\\"}\"]"]}`, `not supported`, "f"},
		{`{"functionID":1,"functionID":2,"funcCallback":"f"}`, `"code":1`, "f"},
		{`{"functionID":7,"funcCallback":"a*b<script>"}`, `1`, ""},
	} {
		ws.WriteMessage(websocket.TextMessage, []byte(tc.msg))
		res, cb := splitVNPT(t, read(t, ws))
		if !strings.Contains(res, tc.code) || cb != tc.cb {
			t.Errorf("%s: %q %q", tc.msg, res, cb)
		}
	}
	// Oversized: past the message limit the socket is closed with 1009
	// (as on the NCALayer door); the page's next socket works.
	big := `{"funcCallback":"big","functionID":4,"args":["` + strings.Repeat("A", 2<<20) + `"]}`
	ws.WriteMessage(websocket.TextMessage, []byte(big))
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("oversized: %v", err)
	}
	ws = dialVN(t, host, "/plugin")
	if res, _ := vnptCall(t, ws, 7, "after"); res != "1" {
		t.Errorf("after bad input: %q", res)
	}
}

// TestVNPTRefusals: the loopback rules of every door (Host, denied and
// null origins, only /plugin).
func TestVNPTRefusals(t *testing.T) {
	h, host := startVN(t, DoorVNPT, vnKey(t, false), opts{denied: []string{"https://evil.example"}})
	vh := &harness{host: host}
	if _, err := vh.tryDial(page, "/plugin", "evil.example:"+strings.Split(host, ":")[1]); err == nil || !strings.Contains(err.Error(), "421") {
		t.Errorf("foreign Host: %v", err)
	}
	if _, err := vh.tryDial("https://evil.example", "/plugin", ""); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("denied origin: %v", err)
	}
	if _, err := vh.tryDial("null", "/plugin", ""); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("null origin: %v", err)
	}
	if _, err := vh.tryDial(page, "/", ""); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("NCALayer path on the VNPT door: %v", err)
	}
	// A page that is not the unattended one is asked through the agent:
	// its domain field does not make it egov.kz.
	other := "https://other.example"
	ws, err := vh.tryDial(other, "/plugin", "")
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	msg, _ := json.Marshal(map[string]any{"functionID": 0, "funcCallback": "c", "args": []string{"0", ""}, "domain": "egov.kz"})
	ws.WriteMessage(websocket.TextMessage, msg)
	if res, _ := splitVNPT(t, read(t, ws)); !strings.Contains(res, `"code":3`) && !strings.Contains(res, `"code":11`) {
		t.Errorf("other origin: %s", res)
	}
	_ = h
}

// opensslVerifyDetached checks a detached CMS with openssl.
func opensslVerifyDetached(t testing.TB, cms, content []byte, cert *x509.Certificate) {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	ca := write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	out, err := exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", write("sig.der", cms),
		"-content", write("content", content), "-CAfile", ca, "-purpose", "any", "-out", filepath.Join(dir, "out")).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
}

// xmlsecVerify checks a signed XML document with xmlsec1.
func xmlsecVerify(t testing.TB, doc []byte, cert *x509.Certificate) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "doc.xml")
	os.WriteFile(p, doc, 0o600)
	c := filepath.Join(dir, "cert.pem")
	os.WriteFile(c, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600)
	out, err := exec.Command("xmlsec1", "--verify", "--trusted-pem", c, p).CombinedOutput()
	if err != nil {
		t.Fatalf("xmlsec1 --verify: %v\n%s", err, out)
	}
}

func FuzzVNPTRequest(f *testing.F) {
	for _, s := range []string{
		`{"functionID":10,"funcCallback":"cb","args":["[\"{\\\"data\\\":\\\"aGk=\\\",\\\"type\\\":\\\"cmsdetached\\\"}\"]","5A17",false,false],"domain":"x"}`,
		`{"functionID":0,"funcCallback":"c","args":["0",""]}`,
		`{"functionID":"4","funcCallback":"c","args":["aGk="]}`,
		`{"functionID":1,"funcCallback":"c","args":["PGEvPg=="]}`,
		`{"functionID":8,"funcCallback":"c","args":["[\"aGk=\"]"]}`,
		`{"functionID":9,"funcCallback":"c","args":["AAAA"]}`,
		`{"functionID":7,"funcCallback":"c*d"}`,
		`not json`,
	} {
		f.Add(s)
	}
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: &cancelPrompter{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := &Server{Agent: a}
	srv.init()
	h := &vnptHandler{s: srv, origin: agent.Origin{Scheme: "https", Host: "dichvucong.gov.vn", Port: 443}}
	f.Fuzz(func(t *testing.T, msg string) {
		m := &message{data: []byte(msg), lease: srv.budget.lease("gov.vn")}
		defer m.lease.release()
		ans := string(h.handle(context.Background(), m))
		i := strings.LastIndexByte(ans, '*')
		if i < 0 {
			t.Fatalf("answer without '*': %q", ans)
		}
		res, cb := ans[:i], ans[i+1:]
		if strings.ContainsRune(res, '*') || vnptCallback([]byte(strconv.Quote(cb))) != cb {
			t.Fatalf("answer %q", ans)
		}
		if res != "1" && res != vnptVersion && !json.Valid([]byte(res)) {
			t.Fatalf("result is not JSON: %q", res)
		}
	})
}

// originPrompter records who the consent question and the dialog were
// shown for, and blocks the site at its consent question.
type originPrompter struct {
	mu      sync.Mutex
	consent []agent.Origin
}

func (p *originPrompter) Consent(_ context.Context, q agent.ConsentQuestion) (agent.Consent, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.consent = append(p.consent, q.Origin)
	return agent.Block, nil
}
func (p *originPrompter) Choose(context.Context, *agent.Session) error { return agent.ErrCanceled }
func (p *originPrompter) ChooseFile(context.Context, agent.Origin, string, string) (string, error) {
	return "", agent.ErrCanceled
}

// TestVendorDoorsConsentByOrigin: the site asked about is the handshake's
// origin, whatever the page's domain field says; a blocked site gets the
// protocol's error answer, then is refused at the handshake.
func TestVendorDoorsConsentByOrigin(t *testing.T) {
	for _, d := range []Door{DoorVNPT, DoorVGCA} {
		p := &originPrompter{}
		_, host := startVN(t, d, nil, opts{prompter: p})
		vh := &harness{host: host}
		phish := "https://dichvucong-gov.example"
		path := "/plugin"
		if d == DoorVGCA {
			path = "/GetCertInfo"
		}
		ws, err := vh.tryDial(phish, path, "")
		if err != nil {
			t.Fatal(err)
		}
		if d == DoorVNPT {
			ws.WriteMessage(websocket.TextMessage, []byte(`{"functionID":0,"funcCallback":"c","args":["0",""],"domain":"dichvucong.gov.vn"}`))
			if res, _ := splitVNPT(t, read(t, ws)); !strings.Contains(res, `"code":3`) || !strings.Contains(res, "may not use") {
				t.Errorf("blocked site: %s", res)
			}
		} else {
			ws.WriteMessage(websocket.TextMessage, []byte(`get_cert_info`))
			if res := read(t, ws); !strings.Contains(res, `"Status":3`) || !strings.Contains(res, "may not use") {
				t.Errorf("blocked site: %s", res)
			}
		}
		ws.Close()
		if len(p.consent) != 1 || p.consent[0].String() != phish {
			t.Errorf("%s: consent asked for %v", d, p.consent)
		}
		if _, err := vh.tryDial(phish, path, ""); err == nil || !strings.Contains(err.Error(), "403") {
			t.Errorf("%s: a blocked site's next handshake: %v", d, err)
		}
	}
}

// TestVNPTWhileWaiting: while a request waits for the user, a large
// message and a third request get the busy answer with their callbacks,
// in order; closing the socket cancels the dialog.
func TestVNPTWhileWaiting(t *testing.T) {
	p := &blockingPrompter{started: make(chan struct{}, 1), release: make(chan struct{})}
	_, host := startVN(t, DoorVNPT, nil, opts{prompter: p})
	ws := dialVN(t, host, "/plugin")
	ws.WriteMessage(websocket.TextMessage, []byte(`{"functionID":0,"funcCallback":"first","args":["0",""]}`))
	<-p.started
	big := `{"funcCallback":"big","functionID":4,"args":["` + strings.Repeat("A", 100<<10) + `"]}`
	ws.WriteMessage(websocket.TextMessage, []byte(big))
	ws.WriteMessage(websocket.TextMessage, []byte(`{"functionID":7,"funcCallback":"second"}`))
	ws.WriteMessage(websocket.TextMessage, []byte(`{"functionID":7,"funcCallback":"third"}`))
	time.Sleep(500 * time.Millisecond) // the agent reads them while the dialog is open
	close(p.release)
	for _, want := range []struct{ cb, res string }{{"first", `"code":11`}, {"big", `"code":3`}, {"second", "1"}, {"third", `"code":3`}} {
		res, cb := splitVNPT(t, read(t, ws))
		if cb != want.cb || !strings.Contains(res, want.res) {
			t.Errorf("got %q %q, want %q %q", res, cb, want.res, want.cb)
		}
	}
	// A dialog open when the page goes away is cancelled.
	p2 := &blockingPrompter{started: make(chan struct{}, 1), release: make(chan struct{})}
	_, host2 := startVN(t, DoorVNPT, nil, opts{prompter: p2})
	ws2 := dialVN(t, host2, "/plugin")
	ws2.WriteMessage(websocket.TextMessage, []byte(`{"functionID":4,"funcCallback":"c","args":["aGk="]}`))
	<-p2.started
	ws2.Close()
	deadline := time.Now().Add(5 * time.Second)
	for p2.canceled.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if p2.canceled.Load() != 1 {
		t.Error("closing the socket did not cancel the dialog")
	}
}

// TestVNPTDomainLogged: a page's domain field that is not its origin's
// host is logged, and the request is the origin's.
func TestVNPTDomainLogged(t *testing.T) {
	key := vnKey(t, false)
	h, _ := startVN(t, DoorNCALayer, key, opts{})
	var log syncbuf.Buffer
	s := h.srv.Sibling(DoorVNPT, 0)
	s.Log = slog.New(slog.NewTextHandler(&log, nil))
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	ws := dialVN(t, "127.0.0.1:"+strconv.Itoa(s.Port), "/plugin")
	ws.WriteMessage(websocket.TextMessage, []byte(`{"functionID":0,"funcCallback":"c","args":["0",""],"domain":"dichvucong.gov.vn"}`))
	if res, _ := splitVNPT(t, read(t, ws)); !strings.Contains(res, `"serial":"5A17"`) {
		t.Errorf("getCertInfo %s", res)
	}
	if !log.WaitFor("domain=dichvucong.gov.vn", 2*time.Second) || !strings.Contains(log.String(), "origin=https://egov.kz") {
		t.Errorf("log: %s", log.String())
	}
	ws.WriteMessage(websocket.TextMessage, []byte(`{"functionID":7,"funcCallback":"c","domain":"EGOV.kz."}`))
	read(t, ws)
	if strings.Count(log.String(), "differs from its origin") != 1 {
		t.Errorf("the page's own host logged as a mismatch: %s", log.String())
	}
}

// TestVendorDoorsBudget: a message the memory budget has no room for is
// answered busy in each protocol's words (with the VNPT callback), and
// the door goes on.
func TestVendorDoorsBudget(t *testing.T) {
	o := opts{requestMemory: 4 << 20, maxMessage: 8 << 20}
	_, vnpt := startVN(t, DoorVNPT, vnKey(t, false), o)
	ws := dialVN(t, vnpt, "/plugin")
	big := `{"funcCallback":"big","functionID":4,"args":["` + strings.Repeat("A", 3<<20) + `"]}`
	ws.WriteMessage(websocket.TextMessage, []byte(big))
	if res, cb := splitVNPT(t, read(t, ws)); cb != "big" || !strings.Contains(res, `"code":3`) || !strings.Contains(res, "too many requests") {
		t.Errorf("over the budget: %.200q %q", res, cb)
	}
	if res, _ := vnptCall(t, ws, 7, "after"); res != "1" {
		t.Errorf("after: %q", res)
	}
	_, vgca := startVN(t, DoorVGCA, vnKey(t, false), o)
	a := vgcaCall(t, vgca, "SignJson", `{"JsonContent":"`+strings.Repeat("A", 3<<20)+`"}`)
	if a["Status"] != 3.0 || !strings.Contains(a["Message"].(string), "too many requests") {
		t.Errorf("VGCA over the budget: %v", a)
	}
}
