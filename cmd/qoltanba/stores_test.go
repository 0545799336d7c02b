package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token/p11"
	"github.com/qoltanba/qoltanba/token/p11/p11test"
	"github.com/qoltanba/qoltanba/ui"
)

// TestTokenThroughDialog: a request, the terminal dialog offering the
// SoftHSM2 token, the PIN, the key, an explicit yes, a signature.
func TestTokenThroughDialog(t *testing.T) {
	tok := p11test.New(t)
	tok.AddECDSA(t, "01", "ec key")
	catalog := []p11.ModuleSpec{{Name: "softhsm", Storage: p11.StorageSoftHSM, Paths: []string{tok.Lib}}}
	mgr := p11.NewManager(catalog, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer mgr.Close()
	in := strings.NewReader(strings.Join([]string{"o", "2", "0000", "2", tok.PIN, "1", "yes"}, "\n") + "\n")
	out := &syncbuf.Buffer{}
	tty := &ui.TTY{In: in, Out: out, Fd: -1, Locale: func() string { return "en" }}
	a, err := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: tty, KeyStores: tokenStores{mgr}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.ActiveStorages(context.Background()); len(got) != 1 || got[0] != p11.StorageSoftHSM {
		t.Fatalf("active storages %v", got)
	}
	origin, _ := agent.ParseOrigin("https://egov.kz")
	res, err := a.Handle(context.Background(), &agent.Request{Origin: origin, Format: agent.FormatCMS,
		Documents: [][]byte{[]byte("token doc")}, Filter: agent.Filter{Chain: agent.ChainAny}})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := signer.VerifyCMS(res.Signatures[0], signer.VerifyOptions{Chain: signer.ChainOptions{Roots: []*x509.Certificate{tok.CA}}}); err != nil {
		t.Fatal(err)
	}
	o := out.String()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(o, "Signed ✓") && time.Now().Before(deadline); o = out.String() {
		time.Sleep(10 * time.Millisecond) // the answer leaves before the dialog's last line
	}
	if !strings.Contains(o, "2) SoftHSM “qoltanba”\n") || !strings.Contains(o, "Wrong PIN") || !strings.Contains(o, "SoftHSM “qoltanba” — PIN: wrong tries before") {
		t.Errorf("dialog:\n%s", o)
	}
}

// TestServeUnattendedToken: serve --unattended with a PKCS#11 key.
func TestServeUnattendedToken(t *testing.T) {
	tok := p11test.New(t)
	tok.AddRSA(t, "01", "rsa key")
	port, _, _ := startServe(t, "--unattended", "--pkcs11", tok.Lib, "--pin-file", tempFile(t, "pin", []byte(tok.PIN)), "--allow-origin", "https://site.example")
	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	ws, _, err := d.Dial("wss://127.0.0.1:"+strconv.Itoa(port)+"/", http.Header{"Origin": {"https://site.example"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.ReadMessage()
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"aGk=","signingParams":{"decode":true},"signerParams":{"chain":[]}}}`))
	_, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var ans struct{ Body struct{ Result []string } }
	json.Unmarshal(msg, &ans)
	if len(ans.Body.Result) != 1 {
		t.Fatalf("answer %s", msg)
	}
	blk, _ := pem.Decode([]byte(ans.Body.Result[0]))
	if _, err := signer.VerifyCMS(blk.Bytes, signer.VerifyOptions{Chain: signer.ChainOptions{Roots: []*x509.Certificate{tok.CA}}}); err != nil {
		t.Fatal(err)
	}
}
