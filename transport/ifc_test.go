package transport

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/gost"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

const ifcExt = "chrome-extension://pbefkdcndngodfeigfdgiodgnmbgcfha"

// ruKey makes a Russian GOST R 34.10-2012 key and certificate with
// OpenSSL's gost engine (SNILS, INN and OGRN in the subject) and loads it
// as qoltanba loads a key file.
func ruKey(t testing.TB, alg string) *token.Key {
	t.Helper()
	dir := t.TempDir()
	run := func(args ...string) {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s (the gost engine is Debian libengine-gost-openssl, installed by .ci/run)", args, err, out)
		}
	}
	key, cert, p12 := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.p12")
	run("genpkey", "-engine", "gost", "-algorithm", alg, "-pkeyopt", "paramset:A", "-out", key)
	run("req", "-engine", "gost", "-utf8", "-new", "-x509", "-key", key, "-days", "30", "-out", cert,
		"-subj", "/C=RU/OGRN=1027700070518/INN=007707049388/SNILS=12345678901/CN=Иванов Иван Иванович")
	run("pkcs12", "-engine", "gost", "-export", "-inkey", key, "-in", cert, "-out", p12, "-passout", "pass:Qwerty12")
	b, err := os.ReadFile(p12)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.ParsePKCS12(b, []byte("Qwerty12"))
	if err != nil || len(keys) != 1 {
		t.Fatalf("%v %d", err, len(keys))
	}
	return keys[0]
}

// gatePrompter signs like Unattended but waits for a go-ahead (to hold a
// request pending).
type gatePrompter struct {
	agent.Unattended
	gate chan struct{}
}

func (g *gatePrompter) Choose(ctx context.Context, s *agent.Session) error {
	if g.gate != nil {
		select {
		case <-g.gate:
		case <-ctx.Done():
			return agent.ErrCanceled
		}
	}
	return g.Unattended.Choose(ctx, s)
}

type ifcClient struct {
	t    testing.TB
	conn net.Conn
	done chan struct{}
}

// startIFC serves one door connection for the extension origin with an
// unattended agent that signs with k for allowed.
func startIFC(t testing.TB, k *token.Key, origin string, allowed []string, gate chan struct{}) *ifcClient {
	t.Helper()
	var allow []agent.Origin
	for _, a := range allowed {
		o, err := agent.ParseOrigin(a)
		if err != nil {
			t.Fatal(err)
		}
		allow = append(allow, o)
	}
	p := &gatePrompter{Unattended: agent.Unattended{Origins: allow, Open: func(context.Context) ([]*token.Key, func(), error) {
		return []*token.Key{k}, func() {}, nil
	}}, gate: gate}
	a, err := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: p})
	if err != nil {
		t.Fatal(err)
	}
	d := &NativeDoor{Agent: a, Version: "test", Keys: KeyList{{Certificate: k.Certificate, Storage: agent.StorePKCS12}}}
	client, server := net.Pipe()
	done := make(chan struct{})
	go func() { d.ServeConn(t.Context(), server); close(done) }()
	c := &ifcClient{t: t, conn: client, done: done}
	c.send(mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: origin + "/"}))
	t.Cleanup(func() { client.Close(); <-done })
	return c
}

func (c *ifcClient) send(b []byte) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := WriteRequestFrame(c.conn, b); err != nil {
		c.t.Fatal(err)
	}
}

func (c *ifcClient) read() map[string]any {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	b, err := ReadFrame(c.conn, MaxNativeAnswer)
	if err != nil {
		c.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("%v: %s", err, b)
	}
	return m
}

func (c *ifcClient) call(fn string, params any) map[string]any {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"func_name": fn, "params": params})
	c.send(b)
	return c.read()
}

func code(m map[string]any) int {
	f, _ := m["error_code"].(float64)
	if _, ok := m["error_code"]; !ok {
		return -1000
	}
	return int(f)
}

// TestIFCSequence: Gosuslugi's sequence and every signType, the
// signatures checked with the project's verifier; a changed document is
// refused.
func TestIFCSequence(t *testing.T) {
	k := ruKey(t, "gost2012_256")
	c := startIFC(t, k, ifcExt, []string{ifcExt}, nil)
	if m := c.call("create", map[string]any{"file_config": "", "config_string": ""}); code(m) != 0 {
		t.Fatalf("create: %v", m)
	}
	if m := c.call("version", nil); code(m) != 0 || m["version"] != IFCCompatVersion || m["qoltanba_version"] != "test" {
		t.Fatalf("version: %v", m)
	}
	m := c.call("get_list_info", map[string]any{"cryptoType": nil})
	list, _ := m["ifc_list"].([]any)
	if code(m) != 0 || len(list) != 1 || list[0].(map[string]any)["alias"] != "qoltanba" || list[0].(map[string]any)["type"] != "pkcs11" {
		t.Fatalf("get_list_info: %v", m)
	}
	if m := c.call("get_list_info", map[string]any{"cryptoType": "capi"}); len(m["ifc_list"].([]any)) != 0 {
		t.Errorf("get_list_info capi: %v", m)
	}
	m = c.call("get_list_certs", map[string]any{"cryptoID": "qoltanba/0"})
	certs, _ := m["cert_list"].([]any)
	if code(m) != 0 || len(certs) != 1 {
		t.Fatalf("get_list_certs: %v", m)
	}
	cert := certs[0].(map[string]any)
	subject := cert["cert_subject"].(string)
	for _, line := range []string{"CN=Иванов Иван Иванович", "SNILS=12345678901", "INN=007707049388", "OGRN=1027700070518", "C=RU"} {
		if !slices.Contains(strings.Split(subject, "\n"), line) {
			t.Errorf("subject %q has no line %q", subject, line)
		}
	}
	if cert["cert_sign_alg"] != "1.2.643.7.1.1.1.1" || cert["cert_sn"] == "" || !strings.HasSuffix(cert["cert_valid_to"].(string), " GMT") {
		t.Errorf("certificate entry: %v", cert)
	}
	if m := c.call("get_list_certs", map[string]any{"cryptoID": "ruTokenECP/0"}); code(m) != int(ifcCryptoNotFound) {
		t.Errorf("another crypto id: %v", m)
	}
	m = c.call("get_list_certs_by_cryptoid_array", map[string]any{"cryptoID_array": []string{"qoltanba/0", "x/1"}, "show_progress": 0})
	if ra, _ := m["result_array"].([]any); code(m) != 0 || len(ra) != 1 || ra[0].(map[string]any)["crypto_id"] != "qoltanba/0" {
		t.Errorf("by array: %v", m)
	}
	container := "qoltanba/0/" + cert["id"].(string)
	m = c.call("load_x509_from_container", map[string]any{"containerId": container})
	h, ok := m["x509Handle"].(float64)
	if code(m) != 0 || !ok {
		t.Fatalf("load_x509_from_container: %v", m)
	}
	m = c.call("get_x509_info", map[string]any{"x509Handle": h})
	info, _ := m["cert_info"].(map[string]any)
	if code(m) != 0 || info["base64"] != base64.StdEncoding.EncodeToString(k.Certificate.Raw) || !strings.Contains(info["pem"].(string), "BEGIN CERTIFICATE") || info["cert_subject"] != subject {
		t.Errorf("get_x509_info: %v", m)
	}
	if m := c.call("free_x509", map[string]any{"x509Handle": h}); code(m) != 0 {
		t.Errorf("free: %v", m)
	}
	if m := c.call("get_x509_info", map[string]any{"x509Handle": h}); code(m) != int(ifcCertNotFound) {
		t.Errorf("after free: %v", m)
	}
	m = c.call("load_x509_from_data", map[string]any{"cert": info["pem"], "cert_data_type": 3})
	if code(m) != 0 {
		t.Errorf("load_x509_from_data: %v", m)
	}
	if m := c.call("load_x509_from_data", map[string]any{"cert": "not base64!", "cert_data_type": 2}); code(m) != int(ifcErrorBase64) {
		t.Errorf("bad certificate data: %v", m)
	}
	if m := c.call("load_x509_from_container", map[string]any{"containerId": "qoltanba/0/ffff"}); code(m) != int(ifcContainerMissing) {
		t.Errorf("unknown container: %v", m)
	}

	challenge := base64.StdEncoding.EncodeToString([]byte(time.Now().String() + "-challenge"))
	sign := func(signType, inType int, data string) []byte {
		t.Helper()
		m := c.call("sign", map[string]any{"containerId": container, "userPin": "the page's PIN, never used", "inDataType": inType,
			"data": data, "hashType": 1, "signType": signType, "cspUI": 1, "outDataType": 1})
		if code(m) != 0 {
			t.Fatalf("sign %d/%d: %v", signType, inType, m)
		}
		b, err := base64.StdEncoding.DecodeString(m["sign_value"].(string))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	verify := func(cms, detachedData []byte) *signer.CMSResult {
		t.Helper()
		o := signer.VerifyOptions{NoChain: true}
		if detachedData != nil {
			o.Data = bytes.NewReader(detachedData)
		}
		r, err := signer.VerifyCMS(cms, o)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Signers[0].Certificate.Equal(k.Certificate) {
			t.Error("signed by another certificate")
		}
		return r
	}
	// Gosuslugi's login: signType 3, inDataType 1.
	for _, st := range []int{ifcSignCMS, ifcSignBES} {
		r := verify(sign(st, ifcInData, challenge), nil)
		if string(r.Content) != challenge || r.Detached {
			t.Errorf("signType %d: content %q", st, r.Content)
		}
	}
	for _, st := range []int{ifcSignCMSDetached, ifcSignBESDetached} {
		der := sign(st, ifcInData, challenge)
		verify(der, []byte(challenge))
		if _, err := signer.VerifyCMS(der, signer.VerifyOptions{NoChain: true, Data: strings.NewReader(challenge + "x")}); err == nil {
			t.Errorf("signType %d: a changed document verified", st)
		}
		// The same as base64 data.
		verify(sign(st, ifcInDataBase64, base64.StdEncoding.EncodeToString([]byte("документ"))), []byte("документ"))
	}
	// A detached CMS over a digest the page made.
	digest := gost.Streebog256([]byte("файл"))
	verify(sign(ifcSignCMSDetached, ifcInHashBase64, base64.StdEncoding.EncodeToString(digest)), []byte("файл"))
	// Raw: s‖r over the data's digest; reversed is the same bytes reversed.
	pub, _ := signer.PublicKey(k.Certificate)
	scheme, _ := signer.SchemeFor(pub)
	raw := sign(ifcSignRaw, ifcInData, challenge)
	if err := signer.VerifyDigest(pub, scheme, scheme.Digest([]byte(challenge)), raw); err != nil {
		t.Errorf("raw: %v", err)
	}
	rev := sign(ifcSignRawReversed, ifcInData, challenge)
	slices.Reverse(rev)
	if err := signer.VerifyDigest(pub, scheme, scheme.Digest([]byte(challenge)), rev); err != nil {
		t.Errorf("raw reversed: %v", err)
	}
	if m := c.call("sign", map[string]any{"containerId": container, "inDataType": 3, "data": "00", "signType": 3, "outDataType": 1}); code(m) != int(ifcBadInType) {
		t.Errorf("attached over a digest: %v", m)
	}
	if m := c.call("sign", map[string]any{"containerId": container, "inDataType": 1, "data": "x", "signType": 9, "outDataType": 1}); code(m) != int(ifcBadSignType) {
		t.Errorf("signType 9: %v", m)
	}
	if m := c.call("sign", map[string]any{"containerId": container, "inDataType": 7, "data": "x", "signType": 3, "outDataType": 1}); code(m) != int(ifcBadInType) {
		t.Errorf("inDataType 7: %v", m)
	}
	if m := c.call("sign", map[string]any{"containerId": container, "inDataType": 1, "data": "x", "signType": 3, "outDataType": 0}); code(m) != int(ifcUnsupportedFmt) {
		t.Errorf("outDataType 0: %v", m)
	}
	// hash: GOST R 34.11-2012.
	m = c.call("hash", map[string]any{"containerId": container, "inDataType": 1, "data": "abc", "outDataType": 1})
	if code(m) != 0 || m["hashValue"] != base64.StdEncoding.EncodeToString(gost.Streebog256([]byte("abc"))) {
		t.Errorf("hash: %v", m)
	}
}

// TestIFCBadInput: each bad frame gets a clear code and the connection
// (and the agent) go on.
func TestIFCBadInput(t *testing.T) {
	k := ruKey(t, "gost2012_256")
	gate := make(chan struct{})
	c := startIFC(t, k, ifcExt, []string{ifcExt}, gate)
	for _, tc := range []struct {
		frame string
		want  ifcCode
	}{
		{"not json", ifcBadParams},
		{`{"func_name":"version","func_name":"sign"}`, ifcBadParams},
		{`{"params":{}}`, ifcBadParams},
		{`{"func_name":"version","params":[1]}`, ifcBadParams},
		{`{"func_name":"get_list_keys","params":{"userPin":"1234"}}`, ifcNotSupported},
		{`{"func_name":"verify","params":{}}`, ifcNotSupported},
		{"\xff\xfe", ifcBadParams},
		{`{"func_name":"sign","params":{"containerId":"qoltanba/0/zz"}}`, ifcContainerMissing},
	} {
		c.send([]byte(tc.frame))
		if m := c.read(); code(m) != int(tc.want) {
			t.Errorf("%q: %v", tc.frame, m)
		}
	}
	// Over the limit: read past, refused, the next frame answered.
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.conn.Write(frame(bytes.Repeat([]byte(" "), MaxNativeRequest+1))); err != nil {
		t.Fatal(err)
	}
	if m := c.read(); code(m) != int(ifcBadParams) || m["qoltanba_outcome"] != "too-large" {
		t.Errorf("too large: %v", m)
	}
	if m := c.call("version", nil); code(m) != 0 {
		t.Errorf("after a large frame: %v", m)
	}
	// A second request while a sign waits for the user: busy at once,
	// the first one still answered.
	m := c.call("get_list_certs", map[string]any{"cryptoID": "qoltanba/0"})
	container := "qoltanba/0/" + m["cert_list"].([]any)[0].(map[string]any)["id"].(string)
	b, _ := json.Marshal(map[string]any{"func_name": "sign", "params": map[string]any{"containerId": container, "inDataType": 1, "data": "x", "signType": 3, "outDataType": 1}})
	c.send(b)
	time.Sleep(100 * time.Millisecond)
	if m := c.call("version", nil); code(m) != int(ifcGeneralError) || m["qoltanba_outcome"] != "busy" {
		t.Errorf("a second request while one is pending: %v", m)
	}
	close(gate)
	if m := c.read(); code(m) != 0 || m["sign_value"] == "" {
		t.Errorf("the pending sign: %v", m)
	}
}

// TestIFCCallerIsTheExtension: the agent sees the extension the browser
// named; another extension is refused in unattended mode, and a page's
// "origin" field changes nothing.
func TestIFCCallerIsTheExtension(t *testing.T) {
	k := ruKey(t, "gost2012_256")
	other := "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	c := startIFC(t, k, other, []string{ifcExt}, nil)
	m := c.call("get_list_certs", map[string]any{"cryptoID": "qoltanba/0"})
	container := "qoltanba/0/" + m["cert_list"].([]any)[0].(map[string]any)["id"].(string)
	m = c.call("sign", map[string]any{"containerId": container, "inDataType": 1, "data": "x", "signType": 3, "outDataType": 1, "origin": ifcExt})
	if code(m) != int(ifcGeneralError) || m["qoltanba_outcome"] != "denied" {
		t.Errorf("another extension: %v", m)
	}
}

// TestNativeHelloRefused: a hello that names no extension, or a host the
// door does not know, closes the connection unanswered.
func TestNativeHelloRefused(t *testing.T) {
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: agent.NoDialog{}})
	d := &NativeDoor{Agent: a}
	for _, hello := range []string{
		`{"qoltanba":"native-host","v":1,"host":"ru.rtlabs.ifcplugin","origin":"https://evil.example"}`,
		`{"qoltanba":"native-host","v":1,"host":"ru.rtlabs.ifcplugin","origin":""}`,
		`{"qoltanba":"native-host","v":1,"host":"com.example.other","origin":"` + ifcExt + `"}`,
		`{"qoltanba":"native-host","v":2,"host":"ru.rtlabs.ifcplugin","origin":"` + ifcExt + `"}`,
		`not json`,
	} {
		client, server := net.Pipe()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); d.ServeConn(t.Context(), server); server.Close() }()
		client.SetDeadline(time.Now().Add(5 * time.Second))
		WriteRequestFrame(client, []byte(hello))
		WriteRequestFrame(client, []byte(`{"func_name":"version"}`))
		if b, err := ReadFrame(client, MaxNativeAnswer); err == nil {
			t.Errorf("%s: answered %s", hello, b)
		}
		client.Close()
		wg.Wait()
	}
}

// TestNativeSocket: the socket is the user's own (0600 in a 0700
// directory), a host reaches the agent through it, a second agent is
// refused, a directory others can enter is refused.
func TestNativeSocket(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	path := NativeSocketPath()
	if path != filepath.Join(dir, "qoltanba", "native.sock") {
		t.Fatalf("path %s", path)
	}
	l, err := ListenNative(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes %v %v", fi.Mode(), di.Mode())
	}
	if _, err := ListenNative(path); err == nil {
		t.Error("a second agent listened")
	}
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: agent.NoDialog{}})
	d := &NativeDoor{Agent: a, Version: "v"}
	go d.Serve(t.Context(), l)
	c, err := DialNative(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	WriteRequestFrame(c, mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt}))
	WriteRequestFrame(c, []byte(`{"func_name":"version","params":{}}`))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := ReadFrame(c, MaxNativeAnswer); err != nil || !strings.Contains(string(b), `"error_code":0`) {
		t.Errorf("version over the socket: %s %v", b, err)
	}
	os.Chmod(filepath.Dir(path), 0o755)
	if _, err := DialNative(path); err == nil {
		t.Error("dialed through a directory others can enter")
	}
	os.Chmod(filepath.Dir(path), 0o700)
}

// FuzzIFCRequest: any frame gets one answer with an error_code (agent
// with no dialog: nothing signs).
func FuzzIFCRequest(f *testing.F) {
	f.Add([]byte(`{"func_name":"version","params":{}}`))
	f.Add([]byte(`{"func_name":"get_list_info","params":{"cryptoType":"pkcs11"}}`))
	f.Add([]byte(`{"func_name":"load_x509_from_data","params":{"cert":"MIIB","cert_data_type":2}}`))
	f.Add([]byte(`{"func_name":"sign","params":{"containerId":"qoltanba/0/x","inDataType":1,"data":"x","signType":3}}`))
	f.Add([]byte(`{"func_name":"hash","params":{"inDataType":2,"data":"YWJj"}}`))
	f.Add([]byte(`{"func_name":"free_x509","params":{"x509Handle":1}}`))
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: agent.NoDialog{}})
	s := &ifcSession{d: &NativeDoor{Agent: a}, origin: agent.Origin{Scheme: agent.SchemeChromeExtension, Host: "pbefkdcndngodfeigfdgiodgnmbgcfha"}}
	f.Fuzz(func(t *testing.T, msg []byte) {
		out := s.handle(context.Background(), msg)
		if len(out) != 1 || len(out[0]) > MaxNativeAnswer {
			t.Fatalf("%d answers", len(out))
		}
		var m map[string]any
		if err := json.Unmarshal(out[0], &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["error_code"]; !ok {
			t.Fatalf("no error_code: %s", out[0])
		}
	})
}

// FuzzGosRequest: any frame gets one error envelope.
func FuzzGosRequest(f *testing.F) {
	f.Add([]byte(`{"id":"1","node":"","module":"crypto","method":{"type":"certificates","data":"{}"},"meta":{}}`))
	f.Add([]byte(`{}`))
	s := &gosSession{d: &NativeDoor{}}
	s.d.init()
	f.Fuzz(func(t *testing.T, msg []byte) {
		out := s.handle(context.Background(), msg)
		var m map[string]any
		if len(out) != 1 || json.Unmarshal(out[0], &m) != nil || m["error"] == nil {
			t.Fatalf("%s", out)
		}
	})
}

// TestIFCAskForKeys: with no key listed before a PIN, the certificate
// list asks the user to choose one (a key-info dialog, nothing signed),
// lists it for the connection, and a sign by its containerId uses it.
func TestIFCAskForKeys(t *testing.T) {
	k := ruKey(t, "gost2012_256")
	origin, _ := agent.ParseOrigin(ifcExt)
	p := &agent.Unattended{Origins: []agent.Origin{origin}, Open: func(context.Context) ([]*token.Key, func(), error) {
		return []*token.Key{k}, func() {}, nil
	}}
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: p})
	d := &NativeDoor{Agent: a, AskForKeys: true}
	client, server := net.Pipe()
	go d.ServeConn(t.Context(), server)
	c := &ifcClient{t: t, conn: client}
	defer client.Close()
	c.send(mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt}))
	m := c.call("get_list_certs", map[string]any{"cryptoID": "qoltanba/0"})
	certs, _ := m["cert_list"].([]any)
	if code(m) != 0 || len(certs) != 1 {
		t.Fatalf("get_list_certs: %v", m)
	}
	container := "qoltanba/0/" + certs[0].(map[string]any)["id"].(string)
	m = c.call("sign", map[string]any{"containerId": container, "inDataType": 1, "data": "challenge", "signType": 3, "outDataType": 1})
	if code(m) != 0 {
		t.Fatalf("sign: %v", m)
	}
	// Without AskForKeys the list is empty.
	d2 := &NativeDoor{Agent: a}
	client2, server2 := net.Pipe()
	go d2.ServeConn(t.Context(), server2)
	defer client2.Close()
	c2 := &ifcClient{t: t, conn: client2}
	c2.send(mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt}))
	if m := c2.call("get_list_certs", map[string]any{"cryptoID": "qoltanba/0"}); code(m) != 0 || len(m["cert_list"].([]any)) != 0 {
		t.Errorf("without AskForKeys: %v", m)
	}
}

// TestIFCHostGoneCancels: when the host goes while a sign waits for the
// user, the dialog is canceled and the door's connection ends at once.
func TestIFCHostGoneCancels(t *testing.T) {
	k := ruKey(t, "gost2012_256")
	gate := make(chan struct{}) // never opened: the "user" does not answer
	c := startIFC(t, k, ifcExt, []string{ifcExt}, gate)
	m := c.call("get_list_certs", map[string]any{"cryptoID": "qoltanba/0"})
	container := "qoltanba/0/" + m["cert_list"].([]any)[0].(map[string]any)["id"].(string)
	b, _ := json.Marshal(map[string]any{"func_name": "sign", "params": map[string]any{"containerId": container, "inDataType": 1, "data": "x", "signType": 3, "outDataType": 1}})
	c.send(b)
	time.Sleep(100 * time.Millisecond)
	c.conn.Close()
	select {
	case <-c.done:
	case <-time.After(3 * time.Second):
		t.Fatal("the door still waits for the dialog of a host that went")
	}
}

// TestIFCPolicyDeniesExtension: a machine policy (or the user) that
// denies the extension's origin refuses its requests like a site's, the
// certificate lists included.
func TestIFCPolicyDeniesExtension(t *testing.T) {
	k := ruKey(t, "gost2012_256")
	origin, _ := agent.ParseOrigin(ifcExt)
	p := &agent.Unattended{Origins: []agent.Origin{origin}, Open: func(context.Context) ([]*token.Key, func(), error) {
		return []*token.Key{k}, func() {}, nil
	}}
	cfg := agent.DefaultConfig()
	cfg.DeniedOrigins = []string{ifcExt}
	a, _ := agent.New(agent.Options{Config: cfg, Prompter: p})
	d := &NativeDoor{Agent: a, Keys: KeyList{{Certificate: k.Certificate}}}
	client, server := net.Pipe()
	go d.ServeConn(t.Context(), server)
	defer client.Close()
	c := &ifcClient{t: t, conn: client}
	c.send(mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt}))
	container := "qoltanba/0/" + keyID(k.Certificate)
	m := c.call("sign", map[string]any{"containerId": container, "inDataType": 1, "data": "x", "signType": 3, "outDataType": 1})
	if code(m) != int(ifcGeneralError) || m["qoltanba_outcome"] != "denied" || m["sign_value"] != nil {
		t.Errorf("a denied extension: %v", m)
	}
	// Nor does it learn who the user is: no certificate list, no info.
	for _, f := range []struct {
		name   string
		params map[string]any
	}{
		{"get_list_certs", map[string]any{"cryptoID": "qoltanba/0"}},
		{"get_list_certs_by_cryptoid_array", map[string]any{"cryptoID_array": []string{"qoltanba/0"}}},
		{"get_list_info", map[string]any{"cryptoType": 0}},
		{"load_x509_from_container", map[string]any{"containerId": container}},
	} {
		m := c.call(f.name, f.params)
		if code(m) != int(ifcGeneralError) || m["qoltanba_outcome"] != "denied" || m["cert_list"] != nil || m["result_array"] != nil || m["x509Handle"] != nil {
			t.Errorf("%s for a denied extension: %v", f.name, m)
		}
	}
}

// TestIFCMemoryBudget: a frame that does not fit in the request memory
// budget is refused with IFC_ERROR_MALLOC, and a small one still works.
func TestIFCMemoryBudget(t *testing.T) {
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: agent.NoDialog{}})
	d := &NativeDoor{Agent: a, RequestMemory: 4 << 10} // 2 KiB for one caller
	client, server := net.Pipe()
	go d.ServeConn(t.Context(), server)
	defer client.Close()
	c := &ifcClient{t: t, conn: client}
	c.send(mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt}))
	big, _ := json.Marshal(map[string]any{"func_name": "hash", "params": map[string]any{"inDataType": 1, "data": strings.Repeat("я", 2000)}})
	c.send(big)
	if m := c.read(); code(m) != int(ifcErrorMalloc) {
		t.Errorf("over the budget: %v", m)
	}
	if m := c.call("hash", map[string]any{"inDataType": 1, "data": "abc"}); code(m) != 0 {
		t.Errorf("a small request after it: %v", m)
	}
}

// TestNativeConnsPerCaller: one extension keeps at most
// MaxNativeConnsPerCaller host connections open; the next is closed after
// its hello, and a place frees when one closes.
func TestNativeConnsPerCaller(t *testing.T) {
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: agent.NoDialog{}})
	d := &NativeDoor{Agent: a}
	hello := mustJSONAnswer(NativeHello{Qoltanba: "native-host", Version: 1, Host: HostIFCPlugin, Origin: ifcExt})
	open := func() *ifcClient {
		client, server := net.Pipe()
		go d.ServeConn(t.Context(), server)
		c := &ifcClient{t: t, conn: client}
		c.send(hello)
		return c
	}
	var conns []*ifcClient
	for range MaxNativeConnsPerCaller {
		c := open()
		if m := c.call("version", map[string]any{}); code(m) != 0 {
			t.Fatalf("connection %d: %v", len(conns)+1, m)
		}
		conns = append(conns, c)
	}
	extra := open()
	extra.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := WriteFrame(extra.conn, mustJSONAnswer(map[string]any{"func_name": "version", "params": map[string]any{}})); err == nil {
		if _, err := ReadFrame(extra.conn, 1<<20); err == nil {
			t.Fatal("a connection past the cap was served")
		}
	}
	conns[0].conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := open()
		c.conn.SetDeadline(time.Now().Add(2 * time.Second))
		if err := WriteFrame(c.conn, mustJSONAnswer(map[string]any{"func_name": "version", "params": map[string]any{}})); err == nil {
			if _, err := ReadFrame(c.conn, 1<<20); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no place freed after a connection closed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
