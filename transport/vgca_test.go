package transport

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
)

// vgcaCall opens one socket for one call, as the page scripts do, and
// checks the agent closes it after its one answer.
func vgcaCall(t testing.TB, host, endpoint string, req any) map[string]any {
	t.Helper()
	ws := dialVN(t, host, "/"+endpoint)
	var msg []byte
	if s, ok := req.(string); ok {
		msg = []byte(s)
	} else {
		msg, _ = json.Marshal(req)
	}
	if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		t.Fatal(err)
	}
	ans := read(t, ws)
	var m map[string]any
	if err := json.Unmarshal([]byte(ans), &m); err != nil {
		t.Fatalf("%s: %v: %.200q", endpoint, err, ans)
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("%s: the socket is not closed after the answer: %v", endpoint, err)
	}
	return m
}

func TestVGCASignService(t *testing.T) {
	for _, ec := range []bool{false, true} {
		key := vnKey(t, ec)
		_, host := startVN(t, DoorVGCA, key, opts{})
		ci := vgcaCall(t, host, "GetCertInfo", "get_cert_info")
		info, _ := ci["CertInfo"].(map[string]any)
		if ci["Status"] != 0.0 || info == nil || info["Base64Data"] != base64.StdEncoding.EncodeToString(key.Certificate.Raw) || !strings.Contains(info["Subject"].(string), "Nguyễn Văn A") {
			t.Errorf("GetCertInfo %v", ci)
		}
		if v := vgcaCall(t, host, "GetVersion", ""); v["Status"] != 0.0 || v["Version"] == "" {
			t.Errorf("GetVersion %v", v)
		}
		// A sign-in: the server's session key, signed as a JWS.
		content := `{"sessionKey":"c2Vzc2lvbg","nonce":"` + time.Now().String() + `"}`
		algs := []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256}
		for _, pss := range []bool{false, true} {
			for _, detached := range []bool{false, true} {
				a := vgcaCall(t, host, "SignJson", map[string]any{"JsonContent": content, "DetachPayload": detached, "IsPss": pss})
				sig, _ := a["Signature"].(string)
				if a["Status"] != 0.0 || sig == "" {
					t.Fatalf("SignJson ec=%v pss=%v detached=%v: %v", ec, pss, detached, a)
				}
				obj, err := jose.ParseSigned(sig, algs)
				if err != nil {
					t.Fatal(err)
				}
				want := "RS256"
				switch {
				case ec:
					want = "ES256"
				case pss:
					want = "PS256"
				}
				if got := obj.Signatures[0].Header.Algorithm; got != want {
					t.Errorf("alg %s, want %s", got, want)
				}
				var payload []byte
				if detached {
					if strings.Split(sig, ".")[1] != "" {
						t.Errorf("detached JWS with a payload: %s", sig)
					}
					err = obj.DetachedVerify([]byte(content), key.Certificate.PublicKey)
					payload = []byte(content)
				} else {
					payload, err = obj.Verify(key.Certificate.PublicKey)
				}
				if err != nil || string(payload) != content {
					t.Errorf("go-jose: %v %q", err, payload)
				}
				// VerifyJson agrees.
				v := vgcaCall(t, host, "VerifyJson", map[string]any{"Signature": sig, "JsonContent": content})
				if v["Status"] != 0.0 || v["JsonContent"] != content {
					t.Errorf("VerifyJson %v", v)
				}
				tampered := strings.Replace(sig, sig[len(sig)-6:], "AAAAAA", 1)
				if v := vgcaCall(t, host, "VerifyJson", map[string]any{"Signature": tampered, "JsonContent": content}); v["Status"] == 0.0 {
					t.Errorf("VerifyJson of a tampered JWS: %v", v)
				}
			}
		}
		// SignXML, whole document and signature only.
		doc := `<HoSo Id="a"><Ten>Trần Thị B</Ten></HoSo>`
		a := vgcaCall(t, host, "SignXML", map[string]any{"Base64Content": base64.StdEncoding.EncodeToString([]byte(doc)),
			"ReturnSignatureOnly": "false", "HashAlg": "Sha256", "XmlDsigForm": "true"})
		signed, _ := base64.StdEncoding.DecodeString(a["Signature"].(string))
		xmlsecVerify(t, signed, key.Certificate)
		if v := vgcaCall(t, host, "VerifyXML", map[string]any{"Base64Content": a["Signature"]}); v["Status"] != 0.0 {
			t.Errorf("VerifyXML %v", v)
		}
		a = vgcaCall(t, host, "SignXML", map[string]any{"Base64Content": base64.StdEncoding.EncodeToString([]byte(doc)), "ReturnSignatureOnly": true})
		only, _ := base64.StdEncoding.DecodeString(a["Signature"].(string))
		if !strings.HasPrefix(string(only), "<ds:Signature") || !strings.HasSuffix(string(only), "</ds:Signature>") {
			t.Errorf("signature only: %.100q", only)
		}
		// SignMsg of a hash (RSA: PKCS#1 v1.5).
		if !ec {
			h := sha256.Sum256([]byte("thông điệp"))
			a = vgcaCall(t, host, "SignMsg", map[string]any{"HashAlg": "SHA256", "HashValue": base64.StdEncoding.EncodeToString(h[:]), "Encode": "RSA"})
			sig, _ := base64.StdEncoding.DecodeString(a["Signature"].(string))
			if err := rsa.VerifyPKCS1v15(key.Certificate.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil || a["CertBase64"] == "" {
				t.Errorf("SignMsg: %v %v", err, a)
			}
			a = vgcaCall(t, host, "SignMsg", base64.StdEncoding.EncodeToString([]byte("thông điệp")))
			sig, _ = base64.StdEncoding.DecodeString(a["Signature"].(string))
			if err := rsa.VerifyPKCS1v15(key.Certificate.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
				t.Errorf("SignMsg of a text: %v %v", err, a)
			}
		}
	}
}

// TestVGCABadInput: a bad request gets a Status the page reads as an
// error; unknown endpoints are refused before the upgrade.
func TestVGCABadInput(t *testing.T) {
	_, host := startVN(t, DoorVGCA, vnKey(t, false), opts{})
	for _, tc := range []struct {
		endpoint, msg, want string
	}{
		{"SignJson", `not json`, "SignJson takes"},
		{"SignJson", `{"JsonContent":"a","JsonContent":"b"}`, "SignJson takes"},
		{"SignJson", `{}`, "SignJson takes"},
		{"SignXML", `{"Base64Content":"%%%"}`, "base64"},
		{"SignXML", `{"Base64Content":"PGEvPg==","HashAlg":"SHA1"}`, "SHA256"},
		{"SignXML", `{"Base64Content":"` + base64.StdEncoding.EncodeToString([]byte("<a>")) + `"}`, "not well-formed"},
		{"SignMsg", `{"HashValue":"AAAA"}`, "digest"},
		{"SignMsg", `[1]`, "base64"},
		{"Auth", `{}`, "not supported"},
		{"VerifyMsg", `{}`, "not supported"},
		{"VerifyJson", `{"Signature":"a.b.c"}`, "does not verify"},
	} {
		a := vgcaCall(t, host, tc.endpoint, tc.msg)
		if a["Status"] == 0.0 || !strings.Contains(a["Message"].(string), tc.want) {
			t.Errorf("%s %s: %v", tc.endpoint, tc.msg, a)
		}
	}
	vh := &harness{host: host}
	if _, err := vh.tryDial(page, "/DeleteEverything", ""); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("unknown endpoint: %v", err)
	}
	if _, err := vh.tryDial(page, "/plugin", ""); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("the VNPT path on the VGCA door: %v", err)
	}
}

func FuzzVGCARequest(f *testing.F) {
	f.Add("SignJson", `{"JsonContent":"{\"a\":1}","DetachPayload":true,"IsPss":"true"}`)
	f.Add("SignXML", `{"Base64Content":"PGEvPg==","ReturnSignatureOnly":"true","HashAlg":"Sha256"}`)
	f.Add("SignMsg", `{"HashAlg":"SHA256","HashValue":"AAAA","Encode":"RSA"}`)
	f.Add("SignMsg", `"aGk="`)
	f.Add("VerifyJson", `{"Signature":"eyJhbGciOiJSUzI1NiJ9..AAAA","JsonContent":{"a":1}}`)
	f.Add("VerifyXML", `PGEvPg==`)
	f.Add("GetCertInfo", `get_cert_info`)
	a, _ := agent.New(agent.Options{Config: agent.DefaultConfig(), Prompter: &cancelPrompter{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := &Server{Agent: a}
	srv.init()
	h := &vgcaHandler{s: srv, origin: agent.Origin{Scheme: "https", Host: "dichvucong.gov.vn", Port: 443}}
	f.Fuzz(func(t *testing.T, endpoint, msg string) {
		e := vgcaEndpointOf("/" + endpoint)
		if e == "" {
			e = "SignJson"
		}
		m := &message{data: []byte(msg), lease: srv.budget.lease("gov.vn")}
		defer m.lease.release()
		ans := mustJSON(h.handle(context.Background(), e, m))
		var v struct{ Status *int }
		if json.Unmarshal(ans, &v) != nil || v.Status == nil {
			t.Fatalf("answer %s", ans)
		}
	})
}

// TestVGCALongDialog: a user who takes longer than the socket's idle time
// in the dialog still gets the answer (the pings keep the socket).
func TestVGCALongDialog(t *testing.T) {
	key := vnKey(t, false)
	origin, _ := agent.ParseOrigin(page)
	slow := &agent.Unattended{Origins: []agent.Origin{origin}, Open: func(context.Context) ([]*token.Key, func(), error) {
		time.Sleep(5 * time.Second) // > 3 pings of the harness (1 s)
		return []*token.Key{key}, func() {}, nil
	}}
	_, host := startVN(t, DoorVGCA, key, opts{prompter: slow})
	if a := vgcaCall(t, host, "GetCertInfo", "get_cert_info"); a["Status"] != 0.0 {
		t.Errorf("after a long dialog: %v", a)
	}
}
