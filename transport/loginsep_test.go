package transport

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify"
)

// signedByDoor asks one door of the agent to sign doc and returns the
// signature as VerifyLogin takes it ("" and the answer when refused).
type door struct {
	name, format string
	ask          func(t *testing.T, ws *websocket.Conn, doc []byte) (sig []byte, answer string)
}

func basicsDoor(format string, decode bool) door {
	return door{"basics.sign " + format, format, func(t *testing.T, ws *websocket.Conn, doc []byte) ([]byte, string) {
		data := string(doc)
		if decode {
			data = base64.StdEncoding.EncodeToString(doc)
		}
		ans := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"`+format+`","data":`+string(mustJSON(data))+
			`,"signingParams":{"decode":`+map[bool]string{true: "true", false: "false"}[decode]+`,"encapsulate":true},"signerParams":{"chain":[]}}}`)
		var a struct {
			Body   struct{ Result []string }
			Status bool
		}
		if json.Unmarshal([]byte(ans), &a); !a.Status || len(a.Body.Result) != 1 {
			return nil, ans
		}
		if format == "cms" {
			blk, _ := pem.Decode([]byte(a.Body.Result[0]))
			return blk.Bytes, ans
		}
		return []byte(a.Body.Result[0]), ans
	}}
}

func commonDoor(method, format string) door {
	return door{"commonUtils." + method, format, func(t *testing.T, ws *websocket.Conn, doc []byte) ([]byte, string) {
		var args string
		switch method {
		case "createCAdESFromBase64":
			args = `["PKCS12","AUTHENTICATION","` + base64.StdEncoding.EncodeToString(doc) + `",true]`
		case "signXml":
			args = `["PKCS12","AUTHENTICATION",` + string(mustJSON(string(doc))) + `,"",""]`
		case "signXmls":
			args = `["PKCS12","AUTHENTICATION",[` + string(mustJSON(string(doc))) + `],"",""]`
		}
		ans := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"`+method+`","args":`+args+`}`)
		var a struct {
			Code           string
			ResponseObject json.RawMessage
		}
		if json.Unmarshal([]byte(ans), &a); a.Code != "200" {
			return nil, ans
		}
		var s string
		if json.Unmarshal(a.ResponseObject, &s) != nil {
			var l []string
			json.Unmarshal(a.ResponseObject, &l)
			s = l[0]
		}
		if format == "cms" {
			b, _ := base64.StdEncoding.DecodeString(s)
			return b, ans
		}
		return []byte(s), ans
	}}
}

func nativeDoor(format string) door {
	return door{"native sign " + format, format, func(t *testing.T, ws *websocket.Conn, doc []byte) ([]byte, string) {
		ans := call(t, ws, `{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"`+format+`","documents":["`+base64.StdEncoding.EncodeToString(doc)+`"]}}`)
		var r struct{ Result struct{ Signatures []string } }
		if json.Unmarshal([]byte(ans), &r); len(r.Result.Signatures) != 1 {
			return nil, ans
		}
		if format == "cms" {
			b, _ := base64.StdEncoding.DecodeString(r.Result.Signatures[0])
			return b, ans
		}
		return []byte(r.Result.Signatures[0]), ans
	}}
}

// TestDocumentSignatureIsNeverALogin: a page (here the phishing page
// itself, in unattended mode) asks every door to sign the exact bytes of a
// qoltanba login naming another site. Issue 21: the agent signed them as a
// document and VerifyLogin took the result for a login to that site.
func TestDocumentSignatureIsNeverALogin(t *testing.T) {
	const site = "https://site.example.kz"
	challenge := bytes.Repeat([]byte{5}, 32)
	at := time2026
	jsonLogin := verify.LoginContent(site, challenge, at)
	ch := base64.StdEncoding.EncodeToString(challenge)
	ts := at.UTC().Format(time.RFC3339)
	variants := map[string][2][]byte{ // name -> document, the format it is signed in
		"login JSON":            {jsonLogin, []byte("cms")},
		"login JSON, spaces":    {[]byte(" {\n \"time\" : \"" + ts + "\", \"origin\":\"" + site + "\",\t\"challenge\":\"" + ch + "\" }\n"), []byte("cms")},
		"login JSON, extra":     {[]byte(`{"challenge":"` + ch + `","origin":"` + site + `","time":"` + ts + `","x":1}`), []byte("cms")},
		"login JSON, case":      {[]byte(`{"Challenge":"` + ch + `","ORIGIN":"` + site + `","time":"` + ts + `"}`), []byte("cms")},
		"login XML":             {verify.LoginXML(site, challenge, at), []byte("xml")},
		"login XML, no ns":      {[]byte("<?xml version=\"1.0\"?>\n<login>\n  <time>" + ts + "</time><origin>" + site + "</origin><challenge>" + ch + "</challenge></login>"), []byte("xml")},
		"login XML as CMS data": {verify.LoginXML(site, challenge, at), []byte("cms")},
	}
	// A login element outside qoltanba's namespace is the shape of pages'
	// own NCALayer logins (egov.kz signs <login><timeTicket>…</login>):
	// it stays signable, and VerifyLogin must still refuse what comes of it.
	signable := map[string]bool{"login XML, no ns": true}
	for _, key := range []struct {
		name, file string
		now        time.Time
		roots      []string
		doors      []door
	}{
		{"RSA auth key", ncatest.RSAAuth, time2020, []string{ncatest.RSARoot2018, ncatest.RSACA2018},
			[]door{basicsDoor("cms", true), basicsDoor("cms", false), basicsDoor("xml", false), commonDoor("createCAdESFromBase64", "cms"), commonDoor("signXml", "xml"), commonDoor("signXmls", "xml")}},
		{"GOST both key", gostFL, time2026, []string{ncatest.GOSTRoot2022, ncatest.GOSTCA2022},
			[]door{nativeDoor("cms"), nativeDoor("xml"), basicsDoor("cms", true)}},
	} {
		h := start(t, opts{key: key.file, now: key.now})
		roots := ncatest.Certs(t, key.roots...)
		nca := h.nca(t)
		native := h.dial(t, page, "/qoltanba/v1")
		for _, d := range key.doors {
			ws := nca
			if strings.HasPrefix(d.name, "native") {
				ws = native
			}
			for name, v := range variants {
				if string(v[1]) != d.format {
					continue
				}
				sig, ans := d.ask(t, ws, v[0])
				if signable[name] {
					if sig == nil {
						t.Errorf("%s, %s, %s: a page's own login document was refused: %s", key.name, d.name, name, ans)
					} else if _, err := verify.VerifyLogin(context.Background(), verify.Login{Protocol: verify.Qoltanba, Format: d.format, Signature: sig,
						Challenge: challenge, Origin: site, Roots: roots, Time: at, CertTime: key.now}); err == nil {
						t.Errorf("%s, %s, %s: VerifyLogin took a document signature for a login", key.name, d.name, name)
					}
					continue
				}
				if sig == nil {
					if !strings.Contains(ans, "login") {
						t.Errorf("%s, %s, %s: refused without saying why: %s", key.name, d.name, name, ans)
					}
					continue
				}
				t.Errorf("%s, %s, %s: the agent signed login content as a document", key.name, d.name, name)
				id, err := verify.VerifyLogin(context.Background(), verify.Login{Protocol: verify.Qoltanba, Format: d.format, Signature: sig,
					Challenge: challenge, Origin: site, Roots: roots, Time: at, CertTime: key.now})
				if err == nil {
					t.Errorf("%s, %s, %s: VerifyLogin took a document signature for a login to %s as %s", key.name, d.name, name, site, id.CommonName)
				}
			}
		}
	}
}

// TestRawSigningCannotForgeALogin: raw signing gives a page a signature
// over bytes it chose; the bytes of a login's signed attributes or
// SignedInfo (they carry the login mark) are refused, and so is a bare
// digest for a key that can log in.
func TestRawSigningCannotForgeALogin(t *testing.T) {
	h := start(t, opts{key: ncatest.RSAAuth, now: time2020})
	ws := h.nca(t)
	raw := func(data string, digested bool) string {
		return call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"raw","data":"`+data+
			`","signingParams":{"decode":true,"digested":`+strconv.FormatBool(digested)+`},"signerParams":{"chain":[]}}}`)
	}
	// A SET of attributes with the mark: what a page would sign raw to
	// build a login's SignerInfo itself.
	mark := signer.LoginAttribute()
	value := append([]byte{0x31, byte(len(mark.Value))}, mark.Value...)
	attr := append(append([]byte{0x30, byte(len(mark.Type) + len(value))}, mark.Type...), value...)
	attrs := append([]byte{0x31, byte(len(attr))}, attr...)
	si := `<ds:SignedInfo><ds:Reference Type="` + signer.LoginReferenceType + `" URI=""></ds:Reference></ds:SignedInfo>`
	for name, data := range map[string][]byte{"signed attributes": attrs, "SignedInfo": []byte(si), "purpose": []byte(signer.LoginPurpose)} {
		if ans := raw(base64.StdEncoding.EncodeToString(data), false); !strings.Contains(ans, `"status":false`) || !strings.Contains(ans, "login") {
			t.Errorf("raw %s: %s", name, ans)
		}
	}
	digest := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	if ans := raw(digest, true); !strings.Contains(ans, `"status":false`) || !strings.Contains(ans, "no key matches") {
		t.Errorf("raw digest with an auth key: %s", ans)
	}
	// Still signed: raw data without the mark.
	if ans := raw(b64("ordinary"), false); !strings.Contains(ans, `"status":true`) {
		t.Errorf("raw: %s", ans)
	}
}

// TestNativeLoginVerifies: the real agent's native login passes
// VerifyLogin (CMS and XML) for the page's origin and no other.
func TestNativeLoginVerifies(t *testing.T) {
	h := start(t, opts{})
	ws := h.dial(t, page, "/qoltanba/v1")
	challenge := bytes.Repeat([]byte{2}, 32)
	roots := ncatest.Certs(t, ncatest.GOSTRoot2022, ncatest.GOSTCA2022)
	for _, format := range []string{"cms", "xml"} {
		ans := call(t, ws, `{"jsonrpc":"2.0","id":1,"method":"login","params":{"challenge":"`+base64.StdEncoding.EncodeToString(challenge)+`","format":"`+format+`"}}`)
		var r struct{ Result struct{ Signature string } }
		mustDecode(t, ans, &r)
		l := verify.Login{Protocol: verify.Qoltanba, Format: format, Signature: []byte(r.Result.Signature), Challenge: challenge,
			Origin: page, Roots: roots, CertTime: time2026}
		if _, err := verify.VerifyLogin(context.Background(), l); err != nil {
			t.Errorf("%s login: %v", format, err)
		}
		l.Origin = "https://phish.example"
		if _, err := verify.VerifyLogin(context.Background(), l); !errors.Is(err, verify.ErrWrongOrigin) {
			t.Errorf("%s login for another site: %v", format, err)
		}
	}
}

// TestCanonicalOriginMatchesTheAgent: a site's configured origin, read by
// verify.CanonicalOrigin, is the very string the agent signs for a page
// of that origin.
func TestCanonicalOriginMatchesTheAgent(t *testing.T) {
	for _, o := range []string{"https://Login.Example.KZ", "https://login.example.kz:443", "http://127.0.0.1:8080",
		"http://localhost:80", "https://egov.kz:8443", "http://[::1]:8080", "https://[::1]"} {
		a, err := agent.ParseOrigin(o)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := verify.CanonicalOrigin(o); err != nil || c != a.String() {
			t.Errorf("%s: site %q (%v), agent %q", o, c, err, a.String())
		}
	}
}
