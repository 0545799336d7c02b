package transport

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

// TestWebClient runs the ES module client (web/qoltanba.js) in Node
// against a real agent: version, login, two signatures in flight, an error
// code, and the unavailable case.
func TestWebClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the web client test")
	}
	// Node's WebSocket sends no Origin: it is a local program here.
	h := start(t, opts{prompter: &agent.Unattended{Origins: []agent.Origin{{}}, Open: keyOpener(gostFL)}})
	challenge := bytes.Repeat([]byte{5}, 48)
	cmd := exec.Command(node, "--experimental-websocket", "--no-warnings", "../web/qoltanba.check.mjs")
	cmd.Env = append(os.Environ(), "NODE_TLS_REJECT_UNAUTHORIZED=0", // the test agent's certificate is self-signed
		"QOLTANBA_URL=wss://127.0.0.1:"+strconv.Itoa(h.srv.Port)+"/qoltanba/v1",
		"QOLTANBA_CHALLENGE="+base64.StdEncoding.EncodeToString(challenge))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var r struct {
		Version struct {
			Version  string
			Protocol int
		}
		Login struct {
			Signature, Certificate, SignedContent string
		}
		Signatures  []string
		Error       string
		Unavailable string
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Version.Version != "test" || r.Version.Protocol != 1 || r.Error != "BAD_REQUEST" || r.Unavailable != "UNAVAILABLE" || len(r.Signatures) != 2 {
		t.Fatalf("client results: %s", out)
	}
	cms, _ := base64.StdEncoding.DecodeString(r.Login.Signature)
	res, err := signer.VerifyCMS(cms, signer.VerifyOptions{NoChain: true})
	if err != nil {
		t.Fatal(err)
	}
	var content struct{ Origin, Challenge string }
	json.Unmarshal(res.Content, &content)
	if content.Origin != "local program" || content.Challenge != base64.StdEncoding.EncodeToString(challenge) {
		t.Errorf("login content %s", res.Content)
	}
	if _, err := signer.VerifyXML([]byte(r.Signatures[1]), signer.VerifyOptions{NoChain: true}); err != nil {
		t.Errorf("xml: %v", err)
	}
}
