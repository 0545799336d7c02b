package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/signer"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServe runs `qoltanba serve` with private config/data dirs and waits
// until it listens.
func startServe(t *testing.T, args ...string) (port int, home string, stderr *syncbuf.Buffer) {
	t.Helper()
	port = freePort(t)
	home = t.TempDir()
	cmd := exec.Command(binary, append([]string{"serve", "--port", strconv.Itoa(port)}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	stderr = &syncbuf.Buffer{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on wss://127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("serve did not start: %q %v\n%s", line, err, stderr)
	}
	return port, home, stderr
}

func TestServeUnattended(t *testing.T) {
	pw := passwordFile(t)
	port, home, stderr := startServe(t, "--unattended", "--p12", gostKey, "--password-file", pw, "--allow-origin", "https://site.example")
	if !stderr.WaitFor("UNATTENDED MODE", 5*time.Second) {
		t.Errorf("no warning banner:\n%s", stderr)
	}
	// The shared keys have expired by now: signAs's page allows expired keys
	// and any issuer. Other origins are refused at the handshake.
	if r := signAs(t, port, nil, "https://site.example"); r.Signers[0].Identity.BIN != "123456789021" {
		t.Errorf("signed by BIN %s", r.Signers[0].Identity.BIN)
	}
	// Every signature is in the audit log, without the document.
	deadline := time.Now().Add(3 * time.Second)
	var log []byte
	for time.Now().Before(deadline) {
		if log, _ = os.ReadFile(filepath.Join(home, "data", "qoltanba", "audit.jsonl")); len(log) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(string(log), `"origin":"https://site.example","method":"basics.sign"`) || strings.Contains(string(log), "hello") {
		t.Errorf("audit log: %s", log)
	}
}

func TestServeRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--unattended", "--p12", gostKey, "--password-file", "x"},                            // no --allow-origin
		{"serve", "--unattended", "--p12", gostKey, "--allow-origin", "https://a.example"},             // no password file
		{"serve", "--unattended", "--p12", gostKey, "--password-file", "x", "--allow-origin", "a.com"}, // not an origin
		{"serve", "--p12", gostKey}, // key without --unattended
	} {
		if r := qoltanba(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d (%s)", args, r.code, r.stderr)
		}
	}
	// Unattended mode opens the key at start: a wrong password fails at once.
	if r := qoltanba(t, nil, "serve", "--port", strconv.Itoa(freePort(t)), "--unattended", "--p12", gostKey, "--password-file", tempFile(t, "bad", []byte("nope\n")), "--allow-origin", "https://a.example"); r.code != 1 || !strings.Contains(r.stderr, "wrong password") {
		t.Errorf("wrong password at start: %+v", r)
	}
	// A taken port is reported as such.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	r := qoltanba(t, nil, "serve", "--port", port, "--unattended", "--p12", gostKey, "--password-file", passwordFile(t), "--allow-origin", "https://a.example")
	if r.code != 1 || !strings.Contains(r.stderr, "port already in use") {
		t.Errorf("taken port: %+v", r)
	}
}

// dialAgent connects to the agent on port as origin (accepting its
// certificate), reads the greeting, and closes the connection when the
// test ends.
func dialAgent(t testing.TB, port int, origin string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	ws, _, err := d.Dial("wss://127.0.0.1:"+strconv.Itoa(port)+"/", http.Header{"Origin": {origin}})
	if err != nil {
		t.Fatal(err)
	}
	ws.ReadMessage() // greeting
	t.Cleanup(func() { ws.Close() })
	return ws
}

// signAs connects as origin and signs "hello" with basics.sign, checking
// the CMS; https://other.example must be refused at the handshake. With ca
// the agent's certificate must chain to it (as a browser checks it); nil
// accepts the agent's temporary certificate. It returns the checked CMS.
func signAs(t *testing.T, port int, ca *x509.Certificate, origin string) *signer.CMSResult {
	t.Helper()
	tc := &tls.Config{InsecureSkipVerify: true}
	if ca != nil {
		pool := x509.NewCertPool()
		pool.AddCert(ca)
		tc = &tls.Config{RootCAs: pool}
	}
	d := websocket.Dialer{TLSClientConfig: tc, HandshakeTimeout: 10 * time.Second}
	url := "wss://127.0.0.1:" + strconv.Itoa(port) + "/"
	if _, resp, err := d.Dial(url, http.Header{"Origin": {"https://other.example"}}); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("https://other.example connected: %v", err)
	}
	ws, _, err := d.Dial(url, http.Header{"Origin": {origin}})
	if err != nil {
		t.Fatalf("connecting as %s (CA %v): %v", origin, ca != nil, err)
	}
	defer ws.Close()
	ws.ReadMessage() // greeting
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"aGVsbG8=","signingParams":{"decode":true,"allowExpired":true},"signerParams":{"chain":[]}}}`))
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Body   struct{ Result []string }
		Status bool
	}
	if json.Unmarshal(msg, &ans); !ans.Status || len(ans.Body.Result) != 1 {
		t.Fatalf("answer to %s: %s", origin, msg)
	}
	blk, _ := pem.Decode([]byte(ans.Body.Result[0]))
	if blk == nil {
		t.Fatalf("answer is not PEM: %s", msg)
	}
	r, err := signer.VerifyCMS(blk.Bytes, signer.VerifyOptions{NoChain: true})
	if err != nil || string(r.Content) != "hello" {
		t.Fatalf("signature for %s: %v", origin, err)
	}
	return r
}
