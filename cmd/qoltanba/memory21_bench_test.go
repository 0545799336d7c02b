package main

// Memory of one hostile request (issue 21, section 5): a single message
// from any origin must not take the agent past 4x its size nor 512 MB,
// and the agent must be back under 100 MB within 10 s. Reported per
// benchmark: peak RSS, peak RSS over the message size, RSS when the
// answer is in and 10 s later; the answer's first bytes are logged.

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// size60MB is the size of the hostile messages (under the 72 MB message
// limit).
const size60MB = 60 << 20

// dupDocumentsMessage is a native sign request of about size bytes that
// repeats its "documents" key, each with 1000 empty documents: a decoder
// that appends repeated keys makes 20 million documents of it.
func dupDocumentsMessage(size int) []byte {
	one := `"documents":[` + strings.Repeat(`"",`, 999) + `""],`
	var b bytes.Buffer
	b.WriteString(`{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"cms","allowExpired":true,`)
	for b.Len()+len(one) < size-64 {
		b.WriteString(one)
	}
	b.WriteString(`"detached":false}}`)
	return b.Bytes()
}

// tinyElementsXML is an XML document of about size bytes made of empty
// elements (4 bytes each): the most tree per byte.
func tinyElementsXML(size int) string {
	return "<r>" + strings.Repeat("<a/>", (size-7)/4) + "</r>"
}

// oneHostileRequest sends msg on one connection to an unattended agent
// and measures its memory.
func oneHostileRequest(b *testing.B, path string, msg []byte) {
	for b.Loop() {
		p := launch(b, rsaKey)
		pid := p.cmd.Process.Pid
		s := sampleRSS(b, pid)
		d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, WriteBufferSize: 1 << 20}
		ws, _, err := d.Dial(fmt.Sprintf("wss://127.0.0.1:%d%s", p.port, path), http.Header{"Origin": {"https://bench.example"}})
		if err != nil {
			b.Fatal(err)
		}
		ws.SetReadLimit(256 << 20)
		if path == "/" {
			ws.ReadMessage() // greeting
		}
		start := time.Now()
		if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		ws.SetReadDeadline(time.Now().Add(5 * time.Minute))
		_, ans, err := ws.ReadMessage()
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		ws.Close()
		atEnd := procKB(b, pid, "VmRSS")
		time.Sleep(10 * time.Second)
		after := procKB(b, pid, "VmRSS")
		peak := max(s.end(), procKB(b, pid, "VmHWM"))
		b.Logf("%d-byte message answered in %v: %.160s", len(msg), took.Round(time.Millisecond), ans)
		b.ReportMetric(peak/1024, "peak-RSS-MB")
		b.ReportMetric(peak*1024/float64(len(msg)), "peak/msg")
		b.ReportMetric(atEnd/1024, "end-RSS-MB")
		b.ReportMetric(after/1024, "after10s-RSS-MB")
	}
}

// BenchmarkDupDocuments60MB: the native sign message with repeated
// "documents" keys.
func BenchmarkDupDocuments60MB(b *testing.B) {
	oneHostileRequest(b, "/qoltanba/v1", dupDocumentsMessage(size60MB))
}

// BenchmarkTinyXML60MBBasics: a 60 MB XML of empty elements through
// NCALayer's basics.sign (format xml). commonUtils.signXml takes the same
// path to the signer, but cannot reach it here: it has no allowExpired,
// and every NCA test key has expired.
func BenchmarkTinyXML60MBBasics(b *testing.B) {
	msg := []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"` +
		tinyElementsXML(size60MB) + `","signingParams":{"allowExpired":true},"signerParams":{"chain":[]}}}`)
	oneHostileRequest(b, "/", msg)
}

// BenchmarkTinyXML60MBSignXml: the same XML through commonUtils.signXml,
// which must be refused before any key is chosen.
func BenchmarkTinyXML60MBSignXml(b *testing.B) {
	msg := []byte(`{"module":"kz.gov.pki.knca.commonUtils","method":"signXml","uuid":"x","args":["PKCS12","SIGNATURE","` +
		tinyElementsXML(size60MB) + `","",""]}`)
	oneHostileRequest(b, "/", msg)
}

// BenchmarkTinyXML60MBNativeSign: a 60 MB native sign message whose one
// XML document of empty elements is 45 MB (base64 makes it 60 MB; a
// 60 MB document would not fit the 72 MB message limit).
func BenchmarkTinyXML60MBNativeSign(b *testing.B) {
	doc := base64.StdEncoding.EncodeToString([]byte(tinyElementsXML(size60MB / 4 * 3)))
	msg := []byte(`{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"xml","allowExpired":true,"documents":["` + doc + `"]}}`)
	oneHostileRequest(b, "/qoltanba/v1", msg)
}
