package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/token/p11/p11test"
)

// TestPKCS11CLI runs tokens, keys and sign against a real SoftHSM2 token.
func TestPKCS11CLI(t *testing.T) {
	tok := p11test.New(t) // sets SOFTHSM2_CONF for the child processes
	tok.AddRSA(t, "01", "rsa key")
	tok.AddECDSA(t, "02", "ec key")
	pin := tempFile(t, "pin", []byte(tok.PIN+"\n"))
	ca := tok.CAPEM(t)

	r := qoltanba(t, nil, "tokens", "--pkcs11", tok.Lib).mustOK(t)
	if !strings.Contains(r.stdout, `label="qoltanba"`) || !strings.Contains(r.stdout, `pin="ok"`) || !strings.Contains(r.stdout, "storage=SoftHSMStore") {
		t.Errorf("tokens:\n%s", r.stdout)
	}

	r = qoltanba(t, nil, "keys", "--pkcs11", "softhsm", "--pin-file", pin).mustOK(t)
	if strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, `alias="rsa key" algorithm=RSA`) || !strings.Contains(r.stdout, "id=02") {
		t.Errorf("keys:\n%s", r.stdout)
	}
	if r := qoltanba(t, nil, "keys", "--pkcs11", "softhsm", "--pin-file", tempFile(t, "bad", []byte("9999\n"))); r.code != 1 || !strings.Contains(r.stderr, "wrong PIN") || !strings.Contains(r.stderr, "count low") {
		t.Errorf("wrong PIN: %+v", r)
	}
	// In Russian, the dialog's words for it (a wrong PIN before: few tries left).
	ru := runBinary(t, append(withoutLocale(os.Environ()), "LANG=ru_RU.UTF-8"), nil, "keys", "--pkcs11", "softhsm", "--pin-file", tempFile(t, "bad", []byte("9999\n")))
	if ru.code != 1 || !strings.Contains(ru.stderr, `токен "qoltanba": Неверный PIN-код. Попыток осталось немного`) {
		t.Errorf("wrong PIN in Russian: %+v", ru)
	}
	// Two keys and no choice: a usage error that lists them.
	if r := qoltanba(t, []byte("x"), "sign", "--pkcs11", "softhsm", "--pin-file", pin, "--format", "cms"); r.code != 2 || !strings.Contains(r.stderr, "id 01") {
		t.Errorf("ambiguous key: %+v", r)
	}
	for _, id := range []string{"01", "02"} {
		out := tempFile(t, "s.cms", nil)
		qoltanba(t, []byte("token document"), "sign", "--pkcs11", tok.Lib, "--pin-file", pin, "--key-id", id, "--format", "cms", "--out", out).mustOK(t)
		v := qoltanba(t, nil, "verify", "--format", "cms", "--in", out, "--ca", ca).mustOK(t)
		if !strings.Contains(v.stdout, "iin=123456789011") {
			t.Errorf("verify: %s", v.stdout)
		}
		if b, err := exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-in", out, "-CAfile", ca, "-purpose", "any", "-out", os.DevNull).CombinedOutput(); err != nil {
			t.Errorf("openssl: %v %s", err, b)
		}
		x := qoltanba(t, []byte("<doc>токен</doc>"), "sign", "--pkcs11", "softhsm", "--pin-file", pin, "--key-id", id, "--format", "xml").mustOK(t)
		xf := tempFile(t, "s.xml", []byte(x.stdout))
		qoltanba(t, nil, "verify", "--format", "xml", "--in", xf, "--ca", ca).mustOK(t)
		if b, err := exec.Command("xmlsec1", "--verify", "--trusted-pem", ca, xf).CombinedOutput(); err != nil {
			t.Errorf("xmlsec1: %v %s", err, b)
		}
	}
	if r := qoltanba(t, nil, "keys", "--pkcs11", "/nonexistent/lib.so", "--pin-file", pin); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("missing module: %+v", r)
	}
	if r := qoltanba(t, nil, "keys", "--pkcs11", "softhsm", "--p12", rsaKey); r.code != 2 {
		t.Errorf("--p12 with --pkcs11: %+v", r)
	}
}
