package main

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/qoltanba/qoltanba/internal/testkit/chromiumtest"
	"github.com/qoltanba/qoltanba/token/p11/p11test"
)

// vnPage is a sign-in page that speaks like the Vietnamese vendors' page
// libraries: vnpt-plugin.js (one persistent socket, ports 4433, 4434,
// 4435 tried in order with a 3 s timeout, answers "result*callback"
// handed to the named window function) and the VGCA scripts (one socket
// per call). It signs in twice: certificate info, then the server's
// challenge signed detached (signArrDataAdvanced cmsdetached), and
// certificate info, then a session key signed as JSON (SignJson).
const vnPage = `<!doctype html><meta charset="utf-8"><script>
const report = (k, v) => fetch("/result", {method: "POST", body: JSON.stringify({k, v: typeof v === "string" ? v : JSON.stringify(v)})});
window.onerror = (m) => report("error", "page: " + m);

// --- VNPT-CA Plugin ---
const vnptPorts = [4433, 4434, 4435];
let vnptSocket = null;
function vnptConnect(i) {
  return new Promise((resolve, reject) => {
    if (i >= vnptPorts.length) { reject("VNPT-CA Plugin not found"); return; }
    let settled = false;
    const next = () => { if (!settled) { settled = true; vnptConnect(i + 1).then(resolve, reject); } };
    const ws = new WebSocket("wss://127.0.0.1:" + vnptPorts[i] + "/plugin");
    const timer = setTimeout(() => { try { ws.close(); } catch (e) {} next(); }, 3000);
    ws.onopen = () => { if (settled) return; settled = true; clearTimeout(timer); resolve(ws); };
    ws.onerror = () => { clearTimeout(timer); next(); };
  });
}
function vnptCall(functionID, args) {
  return new Promise((resolve) => {
    const cb = "vnptCb" + functionID + "_" + Math.floor(Math.random() * 1e9);
    window[cb] = (result) => { delete window[cb]; resolve(result); };
    vnptSocket.send(JSON.stringify({functionID, funcCallback: cb, args, domain: location.hostname}));
  });
}
async function vnptSignIn() {
  vnptSocket = await vnptConnect(0);
  vnptSocket.onmessage = (e) => {
    const i = e.data.lastIndexOf("*");
    const result = e.data.substring(0, i), cb = e.data.substring(i + 1);
    if (typeof window[cb] === "function") window[cb](result); else report("error", "no callback " + cb);
  };
  report("vnpt-port", vnptSocket.url);
  if (await vnptCall(7, []) !== "1") throw "checkPlugin";
  const cert = JSON.parse(await vnptCall(0, ["0", ""]));
  const challenge = await (await fetch("/challenge?door=vnpt")).text();
  const item = JSON.stringify({data: challenge, type: "cmsdetached"});
  const out = JSON.parse(await vnptCall(10, [JSON.stringify([item]), cert.serial, false, false]));
  const r = JSON.parse(out[0]);
  report("vnpt", {cert: cert.base64, code: r.code, signature: r.data, error: r.error});
}

// --- VGCA SignService ---
function vgca(endpoint, body) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket("wss://127.0.0.1:8987/" + endpoint);
    ws.onopen = () => ws.send(body);
    ws.onmessage = (e) => { resolve(JSON.parse(e.data)); ws.close(); };
    ws.onerror = () => reject("VGCA SignService not found");
  });
}
async function vgcaSignIn() {
  const info = await vgca("GetCertInfo", "get_cert_info");
  const challenge = await (await fetch("/challenge?door=vgca")).text();
  const content = JSON.stringify({sessionKey: "k-" + challenge, challenge});
  const r = await vgca("SignJson", JSON.stringify({JsonContent: content, DetachPayload: false, IsPss: false}));
  report("vgca", {cert: info.CertInfo.Base64Data, status: r.Status, signature: r.Signature, error: r.Error || ""});
}

vnptSignIn().catch((e) => report("error", "vnpt: " + e)).then(vgcaSignIn).catch((e) => report("error", "vgca: " + e));
</script>`

// TestVietnamSignIn: after `qoltanba install --country vn` in a private
// HOME, headless Chromium (trusting the agent through the installed CA,
// no certificate flags) signs in through both Vietnamese doors, with an
// RSA key in a PKCS#12 file and on a SoftHSM2 token; 4433 is held by
// another program, so the page finds the plugin on 4434. The test's
// relying party checks each signature and its challenge.
func TestVietnamSignIn(t *testing.T) {
	for _, p := range []int{4434, 8987} {
		if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p)); err != nil {
			t.Fatalf("port %d must be free for this test: %v", p, err)
		} else {
			l.Close()
		}
	}
	// "Something else" on 4433: it accepts connections and never speaks
	// TLS, as a busy unrelated service would.
	if other, err := net.Listen("tcp", "127.0.0.1:4433"); err == nil {
		defer other.Close()
		go func() {
			for {
				c, err := other.Accept()
				if err != nil {
					return
				}
				go func() { io.Copy(io.Discard, c); c.Close() }()
			}
		}()
	}
	t.Run("pkcs12", func(t *testing.T) {
		p12, cert := rsaP12(t)
		vietnamSignIn(t, cert, "--p12", p12, "--password-file", passwordFile(t))
	})
	t.Run("softhsm", func(t *testing.T) {
		tok := p11test.New(t)
		k := tok.AddRSA(t, "0a", "vn-rsa")
		vietnamSignIn(t, k.Cert, "--pkcs11", tok.Lib, "--pin-file", tempFile(t, "pin", []byte(tok.PIN+"\n")))
	})
}

// rsaP12 writes a fresh RSA key and its certificate (valid now) as a
// PKCS#12 file with the test password.
func rsaP12(t *testing.T) (string, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x0a5b), Subject: pkix.Name{CommonName: "Nguyễn Văn A", Country: []string{"VN"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pfx, err := gopkcs12.Modern2023.Encode(key, cert, nil, "Qwerty12")
	if err != nil {
		t.Fatal(err)
	}
	return tempFile(t, "vn.p12", pfx), cert
}

func vietnamSignIn(t *testing.T, cert *x509.Certificate, keyArgs ...string) {
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"))
	install := exec.Command(binary, "install", "--no-autostart", "--country", "vn")
	install.Env = env
	if b, err := install.CombinedOutput(); err != nil {
		t.Fatalf("install: %v %s", err, b)
	}
	if b, _ := os.ReadFile(filepath.Join(home, ".config", "qoltanba", "config.json")); !strings.Contains(string(b), `"vgca"`) {
		t.Fatalf("config after install --country vn: %s", b)
	}
	// The relying party: the page, its challenges, and the results.
	results := make(chan [2]string, 8)
	challenges := map[string]string{}
	chCh := make(chan [2]string, 4)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pageOrigin := "http://" + l.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/result":
			b, _ := io.ReadAll(r.Body)
			var m struct{ K, V string }
			json.Unmarshal(b, &m)
			results <- [2]string{m.K, m.V}
		case "/challenge":
			c := make([]byte, 32)
			rand.Read(c)
			s := base64.StdEncoding.EncodeToString(c)
			chCh <- [2]string{r.URL.Query().Get("door"), s}
			io.WriteString(w, s)
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, vnPage)
		}
	})}
	go srv.Serve(l)
	defer srv.Close()
	agentCmd := exec.Command(binary, append([]string{"serve", "--port", strconv.Itoa(freePort(t)), "--unattended", "--allow-origin", pageOrigin}, keyArgs...)...)
	agentCmd.Env = env
	out, _ := agentCmd.StdoutPipe()
	stderr := &strings.Builder{}
	agentCmd.Stderr = stderr
	if err := agentCmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { agentCmd.Process.Kill(); agentCmd.Wait() }()
	lines := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var listening []string
	for len(listening) < 3 {
		select {
		case s, ok := <-lines:
			if !ok {
				t.Fatalf("agent ended: %v %s", listening, stderr)
			}
			listening = append(listening, s)
		case <-time.After(30 * time.Second):
			t.Fatalf("agent: %v %s", listening, stderr)
		}
	}
	if all := strings.Join(listening, "\n"); !strings.Contains(all, "wss://127.0.0.1:4434/plugin (VNPT-CA Plugin)") || !strings.Contains(all, ":8987/ (VGCA SignService)") {
		t.Fatalf("doors: %s", all)
	}
	// status shows the served ports.
	st := exec.Command(binary, "status")
	st.Env = append(env, "LANG=C")
	sb, _ := st.CombinedOutput()
	if !strings.Contains(string(sb), "ok   VNPT-CA Plugin: wss://127.0.0.1:4434/plugin") || !strings.Contains(string(sb), "ok   VGCA SignService: wss://127.0.0.1:8987/") {
		t.Errorf("status: %s", sb)
	}
	chromiumtest.Start(t, env, pageOrigin+"/", 0)
	got := map[string]string{}
	deadline := time.After(90 * time.Second)
	for got["vnpt"] == "" || got["vgca"] == "" {
		select {
		case r := <-results:
			if r[0] == "error" {
				t.Fatalf("browser: %s\nagent: %s", r[1], stderr)
			}
			got[r[0]] = r[1]
		case c := <-chCh:
			challenges[c[0]] = c[1]
		case <-deadline:
			t.Fatalf("no answer from the browser: %v\nagent: %s", got, stderr)
		}
	}
	for len(chCh) > 0 {
		c := <-chCh
		challenges[c[0]] = c[1]
	}
	if !strings.Contains(got["vnpt-port"], ":4434/plugin") {
		t.Errorf("the page found the plugin at %s", got["vnpt-port"])
	}
	// VNPT: the detached CMS of the challenge, by the key getCertInfo named.
	var v struct {
		Cert, Signature, Error string
		Code                   int
	}
	json.Unmarshal([]byte(got["vnpt"]), &v)
	if v.Code != 0 || v.Cert != base64.StdEncoding.EncodeToString(cert.Raw) {
		t.Fatalf("vnpt: %s", got["vnpt"])
	}
	cms, _ := base64.StdEncoding.DecodeString(v.Signature)
	challenge, _ := base64.StdEncoding.DecodeString(challenges["vnpt"])
	opensslVerifyCMS(t, cms, challenge, cert)
	// VGCA: a JWS of the session key and the challenge.
	var g struct {
		Cert, Signature, Error string
		Status                 int
	}
	json.Unmarshal([]byte(got["vgca"]), &g)
	if g.Status != 0 || g.Cert != base64.StdEncoding.EncodeToString(cert.Raw) {
		t.Fatalf("vgca: %s", got["vgca"])
	}
	jws, err := jose.ParseSigned(g.Signature, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(cert.PublicKey)
	if err != nil {
		t.Fatalf("JWS: %v", err)
	}
	var p struct{ SessionKey, Challenge string }
	json.Unmarshal(payload, &p)
	if p.Challenge != challenges["vgca"] || p.SessionKey != "k-"+challenges["vgca"] {
		t.Errorf("JWS payload %s, challenge %s", payload, challenges["vgca"])
	}
	// The audit log has both sign-ins, by door.
	audit, _ := os.ReadFile(filepath.Join(home, ".local", "share", "qoltanba", "audit.jsonl"))
	for _, m := range []string{"vnpt.signArrDataAdvanced", "vgca.SignJson"} {
		if !strings.Contains(string(audit), m) {
			t.Errorf("audit log without %s: %s", m, audit)
		}
	}
}

// opensslVerifyCMS checks a detached CMS of content with openssl, the
// signer's certificate as the only trust anchor.
func opensslVerifyCMS(t *testing.T, cms, content []byte, cert *x509.Certificate) {
	t.Helper()
	ca := tempFile(t, "signer.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	args := []string{"cms", "-verify", "-binary", "-inform", "DER", "-in", tempFile(t, "sig.der", cms),
		"-content", tempFile(t, "content", content), "-CAfile", ca, "-partial_chain", "-purpose", "any", "-out", os.DevNull}
	if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
}

// TestInstallCountry: an unknown country and --all-users with vn are
// refused before anything is installed; adding the protocols keeps the
// rest of config.json as written.
func TestInstallCountry(t *testing.T) {
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "LANG=C")
	if r := qoltanbaEnv(t, env, "install", "--country", "xx"); r.code != 2 || !strings.Contains(r.stderr, `unknown country "xx"`) {
		t.Errorf("--country xx: %+v", r)
	}
	if r := qoltanbaEnv(t, env, "install", "--all-users", "--country", "vn"); r.code != 2 || !strings.Contains(r.stderr, "protocols") {
		t.Errorf("--all-users --country vn: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "qoltanba")); err == nil {
		t.Error("a refused install wrote its configuration")
	}
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, []byte(`{"locale": "ru", "protocols": ["vgca"], "tsaURL": "http://tsa.example"}`), 0o600)
	if err := addProtocols(path, []string{"vnpt", "vgca"}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Locale, TSAURL string
		Protocols      []string
		Port           *int
	}
	b, _ := os.ReadFile(path)
	if json.Unmarshal(b, &got) != nil || got.Locale != "ru" || got.TSAURL != "http://tsa.example" || strings.Join(got.Protocols, ",") != "vgca,vnpt" || got.Port != nil {
		t.Errorf("config after addProtocols: %s", b)
	}
}
