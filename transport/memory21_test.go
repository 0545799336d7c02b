package transport

import (
	"errors"
	"strings"
	"testing"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/signer"
)

// TestDuplicateKeysRefused: an object that repeats a key, at any level
// and however the repetition is spelled (case, escapes), is refused in the
// protocol's words for a bad request, on both protocols; the same request
// without the repetition is signed (the harness signs unattended).
func TestDuplicateKeysRefused(t *testing.T) {
	h := start(t, opts{})
	const (
		notJSON    = `{"success":false,"code":"COMMON_JSON_WRAPPING_EXCEPTION"}`
		basicsDup  = `{"code":"INVOCATION_ERROR","message":"args: an object repeats a key","status":false}`
		mismatchXs = `{"code":"500","message":"java.lang.IllegalArgumentException: argument type mismatch. Method: signXml","uuid":"u"}`
	)
	nca := h.nca(t)
	for _, c := range []struct{ name, req, want string }{
		{"envelope module twice", `{"module":"kz.gov.pki.knca.basics","module":"kz.gov.pki.knca.commonUtils","method":"sign","args":{"format":"cms","data":"MTEK"}}`, notJSON},
		{"envelope args twice", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK"},"args":{"format":"cms","data":"MTIK"}}`, notJSON},
		{"envelope Args by case", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK"},"ARGS":{"format":"cms","data":"MTIK"}}`, notJSON},
		{"basics data twice", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","data":"MTIK","signerParams":{"chain":[]}}}`, basicsDup},
		{"basics data escaped", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","d\u0061ta":"MTIK","signerParams":{"chain":[]}}}`, basicsDup},
		{"basics Data by case", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","Data":"MTEK","data":"MTIK","signerParams":{"chain":[]}}}`, basicsDup},
		{"basics signingParams decode twice", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{"decode":true,"decode":false},"signerParams":{"chain":[]}}}`, basicsDup},
		{"basics signerParams chain twice", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signerParams":{"chain":[],"chain":null}}}`, basicsDup},
		{"basics tsaProfile inner twice", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{"tsaProfile":{"a":1,"a":2}},"signerParams":{"chain":[]}}}`, basicsDup},
		{"commonUtils object argument", `{"module":"kz.gov.pki.knca.commonUtils","method":"signXml","uuid":"u","args":["PKCS12","SIGNATURE",{"x":1,"x":2},"",""]}`, mismatchXs},
	} {
		if got := call(t, nca, c.req); got != c.want {
			t.Errorf("NCALayer, %s: %.200s\n want %s", c.name, got, c.want)
		}
	}
	// Without the repetition the same request is signed.
	if got := call(t, nca, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signingParams":{"decode":true},"signerParams":{"chain":[]}}}`); !strings.HasPrefix(got, `{"body":{"result":["-----BEGIN CMS-----`) {
		t.Errorf("NCALayer, no repetition: %.200s", got)
	}

	nat := h.dial(t, page, "/qoltanba/v1")
	bad := func(id, what string) string {
		return `{"jsonrpc":"2.0","id":` + id + `,"error":{"code":-32602,"message":"BAD_REQUEST","data":"` + what + `"}}`
	}
	for _, c := range []struct{ name, req, want string }{
		{"documents twice", `{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"cms","documents":["MTEK"],"documents":["MTIK"],"allowExpired":true}}`, bad("1", "an object repeats a key")},
		{"Documents by case", `{"jsonrpc":"2.0","id":2,"method":"sign","params":{"format":"cms","documents":["MTEK"],"Documents":["MTIK"],"allowExpired":true}}`, bad("2", "an object repeats a key")},
		{"documents escaped", `{"jsonrpc":"2.0","id":3,"method":"sign","params":{"format":"cms","documents":["MTEK"],"document\u0073":["MTIK"],"allowExpired":true}}`, bad("3", "an object repeats a key")},
		{"format twice", `{"jsonrpc":"2.0","id":4,"method":"sign","params":{"format":"xml","format":"cms","documents":["MTEK"],"allowExpired":true}}`, bad("4", "an object repeats a key")},
		{"login challenge twice", `{"jsonrpc":"2.0","id":5,"method":"login","params":{"challenge":"` + b64(strings.Repeat("c", 32)) + `","challenge":"` + b64(strings.Repeat("d", 32)) + `"}}`, bad("5", "an object repeats a key")},
		{"method twice", `{"jsonrpc":"2.0","id":6,"method":"version","method":"sign","params":{"format":"cms","documents":["MTEK"]}}`, bad("null", "an object repeats a key")},
		{"id twice", `{"jsonrpc":"2.0","id":7,"id":8,"method":"version"}`, bad("null", "an object repeats a key")},
		{"too deep", `{"jsonrpc":"2.0","id":9,"method":"version","params":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, bad("9", "nested too deep")},
	} {
		if got := call(t, nat, c.req); got != c.want {
			t.Errorf("native, %s: %.200s\n want %s", c.name, got, c.want)
		}
	}
	if got := call(t, nat, `{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"cms","documents":["MTEK"],"allowExpired":true}}`); !strings.Contains(got, `"signatures":["`) {
		t.Errorf("native, no repetition: %.200s", got)
	}
	waitBudget(t, h, 0)
}

// TestDocumentsCountedWhileDecoding: the 1000-document limit holds for
// all the documents decoded into a request, not per array: two arrays of
// 600 stop at the 1001st.
func TestDocumentsCountedWhileDecoding(t *testing.T) {
	six := []byte("[" + strings.Repeat(`"",`, 599) + `""]`)
	var d docsList
	if err := d.UnmarshalJSON(six); err != nil {
		t.Fatal(err)
	}
	if err := d.UnmarshalJSON(six); !errors.Is(err, errTooMany) {
		t.Fatalf("1200 documents: %v", err)
	}
	if len(d) > agent.MaxDocuments {
		t.Fatalf("%d documents decoded", len(d))
	}
}

// TestShortListsBounded: lists that name a few things (arguments,
// storages, key usages, CA certificates) are counted before they are
// decoded: a million items are refused without a million strings.
func TestShortListsBounded(t *testing.T) {
	h := start(t, opts{})
	ws := h.nca(t)
	million := strings.Repeat(`"",`, 1_000_000) + `""`
	for _, c := range []struct{ name, req, want string }{
		{"commonUtils args", `{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens","args":[` + million + `]}`,
			`{"code":"500","message":"NoSuchMethodException getActiveTokens"}`},
		{"allowedStorages array", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","allowedStorages":[` + million + `]}}`,
			`{"code":"INVOCATION_ERROR","message":"allowedStorages names too many storages","status":false}`},
		{"allowedStorages string", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","allowedStorages":"` + strings.Repeat("PKCS12,", 1_000_000) + `"}}`,
			`{"code":"INVOCATION_ERROR","message":"allowedStorages names too many storages","status":false}`},
		{"extKeyUsageOids", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signerParams":{"extKeyUsageOids":[` + million + `]}}}`,
			`{"code":"INVALID_SIGNING_PARAMS","message":"bad signerParams: extKeyUsageOids is an array of strings, iin, bin and serialNumber are strings","status":false}`},
		{"chain", `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"MTEK","signerParams":{"chain":[` + million + `]}}}`,
			`{"code":"INVALID_SIGNING_PARAMS","message":"signerParams.chain must be an array of PEM certificates","status":false}`},
	} {
		if got := call(t, ws, c.req); got != c.want {
			t.Errorf("%s: %.200s\n want %s", c.name, got, c.want)
		}
	}
}

// TestXMLTreeBounded: an XML document with more elements or deeper
// nesting than the signer builds a tree for is answered "too large" on
// every door to the XML signer, before any dialog; so is one whose tree
// would not fit the origin's share of the budget, while a smaller one is
// signed and its tree's charge is given back.
func TestXMLTreeBounded(t *testing.T) {
	h := start(t, opts{})
	many := "<r>" + strings.Repeat("<a/>", signer.MaxXMLElements) + "</r>"
	deep := strings.Repeat("<a>", signer.MaxXMLDepth+1) + strings.Repeat("</a>", signer.MaxXMLDepth+1)
	msg := "request too large: document 1: more than 1048576 XML elements or nested deeper than 256"
	for name, doc := range map[string]string{"elements": many, "depth": deep} {
		// Fresh connections: one the client does not read while it
		// waits on another misses the server's pings and is closed.
		nca := h.nca(t)
		if got := call(t, nca, `{"module":"kz.gov.pki.knca.commonUtils","method":"signXml","uuid":"u","args":["PKCS12","SIGNATURE","`+doc+`","",""]}`); got != `{"code":"500","message":"`+msg+`","uuid":"u"}` {
			t.Errorf("signXml, %s: %.300s", name, got)
		}
		if got := call(t, nca, `{"module":"kz.gov.pki.knca.commonUtils","method":"signXmls","uuid":"u","args":["PKCS12","SIGNATURE",["<ok/>","`+doc+`"],"",""]}`); got != `{"code":"500","message":"`+strings.Replace(msg, "document 1", "document 2", 1)+`","uuid":"u"}` {
			t.Errorf("signXmls, %s: %.300s", name, got)
		}
		if got := call(t, nca, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"`+doc+`","signerParams":{"chain":[]}}}`); got != `{"code":"INVALID_SIGNING_PARAMS","message":"`+msg+`","status":false}` {
			t.Errorf("basics, %s: %.300s", name, got)
		}
		nat := h.dial(t, page, "/qoltanba/v1")
		if got := call(t, nat, `{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"xml","documents":["`+b64(doc)+`"]}}`); got != `{"jsonrpc":"2.0","id":1,"error":{"code":-32006,"message":"TOO_LARGE","data":"`+msg+`"}}` {
			t.Errorf("native, %s: %.300s", name, got)
		}
	}
	waitBudget(t, h, 0)

	// The tree is charged: with 1 MB of budget (768 kB for an origin),
	// 10 000 empty elements (a 40 kB document, a 1.6 MB tree) do not fit.
	small := start(t, opts{requestMemory: 1 << 20})
	ws := small.nca(t)
	wide := "<r>" + strings.Repeat("<a/>", 10000) + "</r>"
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"`+wide+`","signerParams":{"chain":[]}}}`); !strings.HasPrefix(got, `{"code":"INVALID_SIGNING_PARAMS","message":"request too large: the XML document needs`) {
		t.Errorf("tree over the budget: %.300s", got)
	}
	narrow := "<r>" + strings.Repeat("<a/>", 1000) + "</r>"
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"`+narrow+`","signerParams":{"chain":[]}}}`); !strings.HasPrefix(got, `{"body":{"result":["<?xml`) {
		t.Errorf("tree within the budget: %.300s", got)
	}
	waitBudget(t, small, 0)
}

// TestEscapedCopiesCharged: strings with escapes are decoded into copies;
// the copies are charged to the budget before they are made. With 1 MB
// of budget (512 kB for a site) a 150 kB document whose base64 escapes
// its slashes does not fit; the same document unescaped is signed.
func TestEscapedCopiesCharged(t *testing.T) {
	h := start(t, opts{requestMemory: 1 << 20})
	doc := b64(strings.Repeat("\xff\xfe\xfd", 50<<10)) // "//79"...: slashes
	nat := h.dial(t, page, "/qoltanba/v1")
	escaped := strings.ReplaceAll(doc, "/", `\/`)
	if got := call(t, nat, `{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"cms","documents":["`+escaped+`"],"allowExpired":true}}`); got != `{"jsonrpc":"2.0","id":1,"error":{"code":-32007,"message":"BUSY","data":"`+agent.OutcomeBusy.Message()+`"}}` {
		t.Errorf("escaped: %.200s", got)
	}
	waitBudget(t, h, 0)
	if got := call(t, nat, `{"jsonrpc":"2.0","id":2,"method":"sign","params":{"format":"cms","documents":["`+doc+`"],"allowExpired":true}}`); !strings.Contains(got, `"signatures":["`) {
		t.Errorf("plain: %.200s", got)
	}
	ws := h.nca(t)
	if got := call(t, ws, `{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","uuid":"e","args":["PKCS12","SIGNATURE","`+escaped+`",true]}`); got != `{"code":"500","message":"`+agent.OutcomeBusy.Message()+`","uuid":"e"}` {
		t.Errorf("NCALayer escaped: %.200s", got)
	}
	waitBudget(t, h, 0)
}
