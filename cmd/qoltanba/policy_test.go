package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestServePolicy: a machine policy wins over the command line and
// config.json — onlyAllowedOrigins refuses every other site at the
// handshake, auditDir moves the log — and a policy that cannot be read
// stops the agent.
func TestServePolicy(t *testing.T) {
	auditDir := t.TempDir()
	pol := tempFile(t, "policy.json", []byte(`{"onlyAllowedOrigins":true,"allowedOrigins":["https://site.example"],
		"auditDir":`+strconv.Quote(auditDir)+`}`))
	pw := passwordFile(t)
	port, _, stderr := startServe(t, "--policy", pol, "--unattended", "--p12", gostKey, "--password-file", pw,
		"--allow-origin", "https://site.example", "--allow-origin", "https://other.example")
	if !stderr.WaitFor("managed by a machine policy", 5*time.Second) {
		t.Errorf("the policy is not reported:\n%s", stderr)
	}
	// A site outside the policy's list is refused, though --allow-origin names it.
	signAs(t, port, nil, "https://site.example")
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(auditDir, "audit.jsonl"))
		if strings.Contains(string(b), `"origin":"https://site.example"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no audit entry in the policy's auditDir: %q", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestServePolicyRefusals(t *testing.T) {
	pw := passwordFile(t)
	unattended := []string{"--unattended", "--p12", gostKey, "--password-file", pw, "--allow-origin", "https://a.example"}
	for _, tc := range []struct {
		name, policy, want string
	}{
		{"unattended off", `{"disableUnattended":true}`, "unattended mode is turned off by the machine's policy"},
		{"malformed", `{"allowedOrigins":"https://a.example"}`, `line 1: the value of "allowedOrigins" is of the wrong kind: it must be a list`},
		{"bad value", `{"locale":"fr"}`, `locale "fr"`},
		{"not JSON", `allowedOrigins = x`, "line 1: this is not valid JSON"}, // not encoding/json's "invalid character"
		// A typo, a key in the wrong case or given twice, null, a
		// dialog that closes at once: refused, naming the line and key.
		{"unknown key", `{"disableKeyFile":true}`, `line 1: key "disableKeyFile" is not a setting`},
		{"wrong case", "{\"disableUnattended\":true,\n \"DisableUnattended\":false}", `line 2: key "DisableUnattended" repeats "disableUnattended"`},
		{"duplicate", "{\"disableUnattended\":true,\n \"disableUnattended\":false}", `line 2: key "disableUnattended" is given twice`},
		{"null", `null`, "null, not a set of settings"},
		{"1ns timeout", `{"promptTimeout":"1ns"}`, "promptTimeout 1ns is out of range"},
		{"key files off", `{"disableKeyFiles":true}`, "key files are turned off by the machine's policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := tempFile(t, "policy.json", []byte(tc.policy))
			args := append([]string{"serve", "--port", strconv.Itoa(freePort(t)), "--policy", pol}, unattended...)
			r := qoltanba(t, nil, args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stdout, "listening") {
				t.Errorf("exit %d, stdout %q, stderr %q; want a refusal naming %q", r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
	r := qoltanba(t, nil, append([]string{"serve", "--policy", filepath.Join(t.TempDir(), "missing.json")}, unattended...)...)
	if r.code != 1 || !strings.Contains(r.stderr, "does not exist") {
		t.Errorf("missing --policy file: %+v", r)
	}
	// A policy link whose target is gone: the agent does not start, and
	// status says the same.
	link := filepath.Join(t.TempDir(), "policy.json")
	os.Symlink(filepath.Join(t.TempDir(), "moved-away.json"), link)
	r = qoltanba(t, nil, append([]string{"serve", "--port", strconv.Itoa(freePort(t)), "--policy", link}, unattended...)...)
	if r.code != 1 || !strings.Contains(r.stderr, "which does not exist") || strings.Contains(r.stdout, "listening") {
		t.Errorf("dangling policy link: %+v", r)
	}
	if r := qoltanba(t, nil, "status", "--policy", link); r.code != 1 || !strings.Contains(r.stdout, "FAIL policy:") {
		t.Errorf("status with a dangling policy link: %+v", r)
	}
}

// TestStatusPolicy: status prints the policy in force and where each
// setting comes from; an unreadable policy is a failure.
func TestStatusPolicy(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "config", "qoltanba"), 0o700)
	os.WriteFile(filepath.Join(home, "config", "qoltanba", "config.json"), []byte(`{"tsaURL":"http://user.example/tsp","locale":"en"}`), 0o600)
	pol := tempFile(t, "policy.json", []byte(`{"locale":"kk","disableKeyFiles":true,"allowedOrigins":["https://egov.kz"]}`))
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"))
	r := qoltanbaEnv(t, env, "status", "--policy", pol)
	for _, want := range []string{
		"policy: " + pol + " (managed by your organisation)",
		`locale             = "kk"  [policy]`,
		`disableKeyFiles    = true  [policy]`,
		`allowedOrigins     = ["https://egov.kz"]  [policy]`,
		`tsaURL             = "http://user.example/tsp"  [config.json]`,
		`promptTimeout      = "5m0s"  [default]`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
	// Status refuses what serve refuses (here a key it does not know,
	// which serve would not start with), rather than call it ignored.
	for _, bad := range []string{`{"promptTimeout":-1}`, `{"locale":"kk","newKey":1}`, "{\"disableUnattended\":true,\"DisableUnattended\":false}"} {
		r = qoltanbaEnv(t, env, "status", "--policy", tempFile(t, "bad.json", []byte(bad)))
		if r.code != 1 || !strings.Contains(r.stdout, "FAIL policy:") || !strings.Contains(r.stderr, "the agent will not start") {
			t.Errorf("bad policy %s: %+v", bad, r)
		}
	}
}

// TestPolicyCommand: policy set/unset edit a policy file (the machine's
// without --policy), refuse what would make it invalid, and show prints it.
func TestPolicyCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	qoltanba(t, nil, "policy", "set", "--policy", path, "--skip-empty", "locale=kk", "allowedOrigins=https://egov.kz https://portal.corp.kz",
		"disableUnattended=1", "tsaURL=").mustOK(t)
	show := qoltanba(t, nil, "policy", "show", "--policy", path).mustOK(t)
	for _, want := range []string{`locale             = "kk"  [policy]`, `allowedOrigins     = ["https://egov.kz","https://portal.corp.kz"]  [policy]`,
		`disableUnattended  = true  [policy]`, `tsaURL             = "http://tsp.pki.gov.kz"  [default]`} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, show.stdout)
		}
	}
	// Refusals in the user's language, without a line (the value was
	// typed, not read from a file), and the file left as it was.
	before, _ := os.ReadFile(path)
	for _, c := range []struct{ lang, kv, want string }{
		{"en", "locale=de", `(command line): locale "de": write kk, ru, en or vi`},
		{"en", "disableKeyFile=1", `(command line): key "disableKeyFile" is not a setting this version knows`},
		{"ru", "disableKeyFiles=maybe", `(command line): у ключа "disableKeyFiles" значение не того вида: нужно true или false`},
		{"kk", "promptTimeout=soon", `(command line): promptTimeout мәні "5m" немесе "90s" сияқты`},
		{"vi", "knownOrigins=[{", `(command line): đây không phải JSON hợp lệ`},
		{"ru", `knownOrigins=[{"domain":"egov-kz.com","names":{"en":"X"}}]`, `(command line): knownOrigins: "egov-kz.com" похож на egov.kz (к имени egov.kz добавлено слово или дефис`},
		{"kk", `knownOrigins=[{"domain":"https://portal.corp.kz"}]`, `(command line): knownOrigins: "https://portal.corp.kz" — мекенжай`},
		{"en", "protocols=ncalayer,telnet", `(command line): protocols "ncalayer, telnet": write one of ncalayer, vnpt, vgca`},
	} {
		r := qoltanbaEnv(t, []string{"LANG=" + c.lang, "LC_ALL=", "LC_MESSAGES="}, "policy", "set", "--policy", path, c.kv)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "line 1") || strings.Contains(r.stderr, "строка 1") {
			t.Errorf("LANG=%s policy set %s: %+v, want %q", c.lang, c.kv, r, c.want)
		}
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a refused value changed the file:\n%s", after)
	}
	qoltanba(t, nil, "policy", "set", "--policy", path, "protocols=ncalayer vgca").mustOK(t)
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"protocols": ["ncalayer","vgca"]`) {
		t.Errorf("protocols not set:\n%s", b)
	}
	qoltanba(t, nil, "policy", "unset", "--policy", path, "protocols").mustOK(t)
	qoltanba(t, nil, "policy", "unset", "--policy", path, "locale").mustOK(t)
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "locale") || !strings.Contains(string(b), `"disableUnattended": true`) {
		t.Errorf("after unset:\n%s", b)
	}
	if r := qoltanba(t, nil, "policy", "set", "--policy", path, "--msi", "locale=kk"); r.code != 2 {
		t.Errorf("--msi with a file: %+v", r)
	}
}

// TestServeAuditRequired: a policy auditDir that cannot be written (here
// a regular file's place) makes the agent refuse to sign: the page is
// told why, and no signature is in the answer.
func TestServeAuditRequired(t *testing.T) {
	blocker := tempFile(t, "not-a-dir", nil)
	pol := tempFile(t, "policy.json", []byte(`{"auditDir":`+strconv.Quote(filepath.Join(blocker, "audit"))+`}`))
	port, _, stderr := startServe(t, "--policy", pol, "--unattended", "--p12", gostKey, "--password-file", passwordFile(t),
		"--allow-origin", "https://site.example")
	ws := dialAgent(t, port, "https://site.example")
	ws.WriteMessage(websocket.TextMessage, []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"aGVsbG8=","signingParams":{"decode":true,"allowExpired":true},"signerParams":{"chain":[]}}}`))
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(msg), `"status":true`) || strings.Contains(string(msg), "MII") || !strings.Contains(string(msg), "audit log") {
		t.Errorf("answer with an unwritable audit log: %s", msg)
	}
	if !stderr.WaitFor("outcome=audit-failed", 5*time.Second) {
		t.Errorf("the local log does not say why:\n%s", stderr)
	}
}
