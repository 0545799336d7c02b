package transport

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
)

const basicsMTEK = `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{}}}`

// waitBudget waits until the server's budget holds want bytes or less.
func waitBudget(t *testing.T, h *harness, want int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.srv.budget.inUse() > want {
		if time.Now().After(deadline) {
			t.Fatalf("budget still holds %d bytes", h.srv.budget.inUse())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNCALayerOrderAndBusy: behind a request waiting for the user, one small
// request may wait its turn; the rest are answered BUSY — in order, after
// the answers before them, with their uuid and in their module's format.
// A large message behind a waiting request is refused without being kept.
func TestNCALayerOrderAndBusy(t *testing.T) {
	p := &blockingPrompter{started: make(chan struct{}, 4), release: make(chan struct{})}
	h := start(t, opts{prompter: p})
	ws := h.nca(t)
	ws.WriteMessage(websocket.TextMessage, []byte(basicsMTEK))
	<-p.started
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens","uuid":"second"}`))
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens","uuid":"third"}`))
	ws.WriteMessage(websocket.TextMessage, []byte(`{"uuid":"fourth","module":"kz.gov.pki.knca.commonUtils","method":"signXml","args":["PKCS12","SIGNATURE","<a>`+strings.Repeat("x", 1<<20)+`</a>","",""]}`))
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"`+strings.Repeat("QUFB", 1<<18)+`"}}`))
	// Heartbeats are still echoed at once.
	if got := call(t, ws, "--heartbeat--"); got != "--heartbeat--" {
		t.Fatalf("heartbeat: %s", got)
	}
	// Nothing large is held behind the waiting request.
	if n := h.srv.budget.inUse(); n > smallMessage {
		t.Errorf("budget holds %d bytes behind a waiting request", n)
	}
	close(p.release)
	busy := agent.OutcomeBusy.Message()
	for i, want := range []string{
		`{"body":{},"status":true}`,
		`{"code":"200","responseObject":[],"uuid":"second"}`,
		`{"code":"500","message":"` + busy + `","uuid":"third"}`,
		`{"code":"500","message":"` + busy + `","uuid":"fourth"}`,
		`{"code":"SIGNING_FAILURE","message":"` + busy + `","status":false}`,
	} {
		if got := read(t, ws); got != want {
			t.Errorf("answer %d: %s\n want %s", i+1, got, want)
		}
	}
	waitBudget(t, h, 0)
	// The connection is usable again, large messages included.
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens","uuid":"after"}`); got != `{"code":"200","responseObject":[],"uuid":"after"}` {
		t.Errorf("after: %s", got)
	}
}

// TestRequestMemoryBudget: a message that does not fit the budget is
// refused as it streams in (never buffered), answered BUSY with its uuid,
// and everything it held is given back; one that fits is signed.
func TestRequestMemoryBudget(t *testing.T) {
	h := start(t, opts{requestMemory: 1 << 20})
	ws := h.nca(t)
	big := `{"uuid":"big","module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE","` + strings.Repeat("QUFB", 1<<18) + `",true]}`
	if got := call(t, ws, big); got != `{"code":"500","message":"`+agent.OutcomeBusy.Message()+`","uuid":"big"}` {
		t.Errorf("over the budget: %.200s", got)
	}
	waitBudget(t, h, 0)
	// Per site: half the budget.
	if h.srv.budget.perSite != 1<<19 {
		t.Errorf("per-site share %d", h.srv.budget.perSite)
	}
	// What fits (its message, then its decoded document) is signed.
	doc := strings.Repeat("a", 120<<10)
	ans := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"`+b64(doc)+`","signingParams":{"decode":true},"signerParams":{"chain":[]}}}`)
	if !strings.HasPrefix(ans, `{"body":{"result":["-----BEGIN CMS-----`) {
		t.Errorf("within the budget: %.200s", ans)
	}
	waitBudget(t, h, 0)
	// The native protocol: BUSY with the request's id.
	nat := h.dial(t, page, "/qoltanba/v1")
	nat.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","id":77,"method":"sign","params":{"format":"cms","documents":["`+strings.Repeat("QUFB", 1<<18)+`"]}}`))
	if got := read(t, nat); got != `{"jsonrpc":"2.0","id":77,"error":{"code":-32007,"message":"BUSY","data":"`+agent.OutcomeBusy.Message()+`"}}` {
		t.Errorf("native over the budget: %s", got)
	}
	waitBudget(t, h, 0)
}

// TestTooManyDocumentsRefusedEarly: a million empty documents are refused
// while the array is walked, on both protocols.
func TestTooManyDocumentsRefusedEarly(t *testing.T) {
	h := start(t, opts{})
	ws := h.nca(t)
	million := "[" + strings.Repeat(`"",`, 1_000_000) + `""]`
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":`+million+`}}`); got != `{"code":"INVALID_SIGNING_PARAMS","message":"request too large: more than 1000 documents","status":false}` {
		t.Errorf("basics: %s", got)
	}
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"signXmls","args":["PKCS12","SIGNATURE",`+million+`,"",""]}`); got != `{"code":"500","message":"request too large: more than 1000 documents"}` {
		t.Errorf("signXmls: %s", got)
	}
	nat := h.dial(t, page, "/qoltanba/v1")
	if got := call(t, nat, `{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"cms","documents":`+million+`}}`); got != `{"jsonrpc":"2.0","id":1,"error":{"code":-32006,"message":"TOO_LARGE","data":"request too large: more than 1000 documents"}}` {
		t.Errorf("native: %s", got)
	}
}

// TestInvalidUTF8Closes1007: a text frame that is not UTF-8 closes the
// connection with 1007; the agent goes on.
func TestInvalidUTF8Closes1007(t *testing.T) {
	h := start(t, opts{})
	for _, path := range []string{"/", "/qoltanba/v1"} {
		var ws *websocket.Conn
		if path == "/" {
			ws = h.nca(t)
		} else {
			ws = h.dial(t, page, path)
		}
		ws.WriteMessage(websocket.TextMessage, []byte("{\"module\":\"\xff\xfe\"}"))
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseInvalidFramePayloadData {
			t.Errorf("%s: %v", path, err)
		}
	}
	ws := h.nca(t)
	call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens"}`)
}

// TestTLS12OnlyAEAD: a TLS 1.2 client that offers only CBC suites gets no
// connection; one with GCM does.
func TestTLS12OnlyAEAD(t *testing.T) {
	h := start(t, opts{})
	cbc := &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}}
	if c, err := tls.Dial("tcp", h.host, cbc); err == nil {
		c.Close()
		t.Error("TLS 1.2 with CBC suites accepted")
	}
	gcm := &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
	c, err := tls.Dial("tcp", h.host, gcm)
	if err != nil {
		t.Fatalf("TLS 1.2 with GCM: %v", err)
	}
	c.Close()
}

// TestConnectionCaps: past the per-origin cap the handshake is refused
// with 503; another origin still connects; a closed connection frees its
// place.
func TestConnectionCaps(t *testing.T) {
	h := start(t, opts{maxConns: 2})
	a := h.nca(t)
	h.nca(t)
	if _, err := h.tryDial(page, "/", ""); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("third connection: %v", err)
	}
	if ws, err := h.tryDial("https://other.example", "/", ""); err != nil {
		t.Errorf("other origin: %v", err)
	} else {
		ws.Close()
	}
	a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ws, err := h.tryDial(page, "/", "")
		if err == nil {
			ws.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the place was not freed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestErrorsTellPagesLittle: a timestamp server that cannot be reached is
// "timestamp server unreachable" to the page, not the resolver's words.
func TestErrorsTellPagesLittle(t *testing.T) {
	h := start(t, opts{tsa: "http://tsa.qoltanba.invalid/"})
	ws := h.nca(t)
	got := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"createCMSSignatureFromBase64","args":["PKCS12","SIGNATURE","MTEK",true],"uuid":"u"}`)
	if got != `{"code":"500","message":"`+agent.OutcomeTimestamp.Message()+`","uuid":"u"}` {
		t.Errorf("commonUtils: %s", got)
	}
	got = call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{"tsaProfile":{}},"signerParams":{"chain":[]}}}`)
	if got != `{"code":"SIGNING_FAILURE","message":"`+agent.OutcomeTimestamp.Message()+`","status":false}` {
		t.Errorf("basics: %s", got)
	}
	nat := h.dial(t, page, "/qoltanba/v1")
	got = call(t, nat, `{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"cms","documents":["MTEK"],"tsa":true,"allowExpired":true}}`)
	if got != `{"jsonrpc":"2.0","id":1,"error":{"code":-32009,"message":"TSA_FAILED","data":"`+agent.OutcomeTimestamp.Message()+`"}}` {
		t.Errorf("native: %s", got)
	}
	for _, leak := range []string{"lookup", "no such host", "dial tcp", "invalid"} {
		if strings.Contains(got, leak) {
			t.Errorf("answer names %q: %s", leak, got)
		}
	}
}
