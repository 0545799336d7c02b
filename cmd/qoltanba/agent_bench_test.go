package main

// Process-level benchmarks of the agent (issue 4): start-up, memory, and
// round trips through `qoltanba serve --unattended`, measured from a real
// WebSocket client. Memory is read from /proc (Linux).

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/token"
)

type agentProc struct {
	cmd  *exec.Cmd
	port int
}

func launch(tb testing.TB, key string) *agentProc {
	tb.Helper()
	pw := filepath.Join(tb.TempDir(), "pw")
	os.WriteFile(pw, []byte("Qwerty12\n"), 0o600)
	home := tb.TempDir()
	port := freePortTB(tb)
	cmd := exec.Command(binary, "serve", "--port", strconv.Itoa(port), "--unattended", "--p12", key, "--password-file", pw, "--allow-origin", "https://bench.example")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home+"/c", "XDG_DATA_HOME="+home+"/d")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return &agentProc{cmd: cmd, port: port}
}

func freePortTB(tb testing.TB) int {
	l, err := netListen()
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.port
}

func (p *agentProc) dial(tb testing.TB) *websocket.Conn {
	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	ws, _, err := d.Dial(fmt.Sprintf("wss://127.0.0.1:%d/", p.port), http.Header{"Origin": {"https://bench.example"}})
	if err != nil {
		tb.Fatal(err)
	}
	ws.ReadMessage() // greeting
	return ws
}

// procKB reads a field (VmRSS, VmHWM) of /proc/<pid>/status in KB.
func procKB(tb testing.TB, pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			f := strings.Fields(l)
			v, _ := strconv.ParseFloat(f[1], 64)
			return v
		}
	}
	tb.Fatalf("no %s", field)
	return 0
}

// BenchmarkAgentStartup: process start to the first accepted WebSocket
// connection (target: under 100 ms).
func BenchmarkAgentStartup(b *testing.B) {
	pw := filepath.Join(b.TempDir(), "pw")
	os.WriteFile(pw, []byte("Qwerty12\n"), 0o600)
	home := b.TempDir()
	d := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, HandshakeTimeout: time.Second}
	for b.Loop() {
		port := freePortTB(b)
		start := time.Now()
		cmd := exec.Command(binary, "serve", "--port", strconv.Itoa(port), "--unattended", "--p12", rsaKey, "--password-file", pw, "--allow-origin", "https://bench.example")
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home+"/c", "XDG_DATA_HOME="+home+"/d")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			ws, _, err := d.Dial(fmt.Sprintf("wss://127.0.0.1:%d/", port), http.Header{"Origin": {"https://bench.example"}})
			if err == nil {
				ws.Close()
				break
			}
			if time.Since(start) > 10*time.Second {
				b.Fatal(err)
			}
			time.Sleep(time.Millisecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// BenchmarkAgentMemory: RSS idle and with 200 open connections (targets:
// under 30 MB and 60 MB).
func BenchmarkAgentMemory(b *testing.B) {
	for b.Loop() {
		p := launch(b, rsaKey)
		pid := p.cmd.Process.Pid
		ws := p.dial(b)
		time.Sleep(200 * time.Millisecond)
		idle := procKB(b, pid, "VmRSS")
		conns := []*websocket.Conn{ws}
		for range 199 {
			conns = append(conns, p.dial(b))
		}
		time.Sleep(200 * time.Millisecond)
		many := procKB(b, pid, "VmRSS")
		for _, c := range conns {
			c.Close()
		}
		b.ReportMetric(idle/1024, "idle-RSS-MB")
		b.ReportMetric(many/1024, "200conn-RSS-MB")
	}
}

// BenchmarkBasicsSignRoundTrip: a 1 KB basics.sign CMS through the agent
// (unattended, RSA-2048), p50/p99, against the bare in-process SignCMS with
// the same key (target: overhead under 1 ms).
func BenchmarkBasicsSignRoundTrip(b *testing.B) {
	p := launch(b, rsaKey)
	ws := p.dial(b)
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("a"), 1024))
	req := []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"` + data + `","signingParams":{"decode":true,"allowExpired":true},"signerParams":{"chain":[]}}}`)
	raw, _ := os.ReadFile(rsaKey)
	keys, err := token.ParsePKCS12(raw, []byte("Qwerty12"))
	if err != nil {
		b.Fatal(err)
	}
	defer token.CloseAll(keys)
	pair := signer.KeyPair{Certificate: keys[0].Certificate, Signer: keys[0].Signer}
	doc := bytes.Repeat([]byte("a"), 1024)
	// Round trips and bare signatures alternate, so both see the same
	// machine conditions.
	var lat, bare []time.Duration
	for b.Loop() {
		t := time.Now()
		ws.WriteMessage(websocket.TextMessage, req)
		_, ans, err := ws.ReadMessage()
		if err != nil || !bytes.Contains(ans, []byte(`"status":true`)) {
			b.Fatalf("%v %s", err, ans)
		}
		lat = append(lat, time.Since(t))
		t = time.Now()
		signer.SignCMS(context.Background(), doc, pair, nil)
		bare = append(bare, time.Since(t))
	}
	slices.Sort(lat)
	slices.Sort(bare)
	pct := func(d []time.Duration, q float64) float64 {
		return float64(d[int(float64(len(d)-1)*q)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(lat, 0.5), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	b.ReportMetric(pct(bare, 0.5), "bare-p50-ms")
	b.ReportMetric(pct(lat, 0.5)-pct(bare, 0.5), "overhead-ms")
}

// BenchmarkBasicsSign20MB: a 20 MB document through basics.sign (attached
// CMS); peak RSS of the agent (target: under 5x the document).
func BenchmarkBasicsSign20MB(b *testing.B) {
	doc := bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16)
	req := []byte(`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"` + base64.StdEncoding.EncodeToString(doc) + `","signingParams":{"decode":true,"allowExpired":true},"signerParams":{"chain":[]}}}`)
	for b.Loop() {
		p := launch(b, rsaKey)
		ws := p.dial(b)
		ws.WriteMessage(websocket.TextMessage, req)
		_, ans, err := ws.ReadMessage()
		if err != nil || !bytes.Contains(ans[:200], []byte(`"result":["-----BEGIN CMS`)) {
			b.Fatalf("%v %.200s", err, ans)
		}
		peak := procKB(b, p.cmd.Process.Pid, "VmHWM")
		b.ReportMetric(peak/1024, "peak-RSS-MB")
		b.ReportMetric(peak*1024/float64(len(doc)), "peak/doc")
	}
}

type portListener struct {
	port  int
	close func() error
}

func (p portListener) Close() error { return p.close() }

func netListen() (portListener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return portListener{}, err
	}
	return portListener{port: l.Addr().(*net.TCPAddr).Port, close: l.Close}, nil
}
