package main

// make soak: mixed traffic against an unattended agent for a while
// (QOLTANBA_SOAK, e.g. 10m), sampling its RSS and goroutines; it fails when
// they grow. Not part of make test (too long).

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

type soakSample struct {
	at         time.Duration
	rssMB      float64
	goroutines int
	heapMB     float64
}

func TestSoak(t *testing.T) {
	d := os.Getenv("QOLTANBA_SOAK")
	if d == "" {
		t.Skip("QOLTANBA_SOAK=10m runs the soak test (make soak)")
	}
	dur, err := time.ParseDuration(d)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	pw := filepath.Join(home, "pw")
	os.WriteFile(pw, []byte("Qwerty12\n"), 0o600)
	stats := filepath.Join(home, "stats")
	port := freePort(t)
	origins := []string{"https://soak-a.example", "https://soak-b.example"}
	cmd := exec.Command(binary, "serve", "--port", strconv.Itoa(port), "--unattended", "--p12", rsaKey, "--password-file", pw,
		"--allow-origin", origins[0], "--allow-origin", origins[1])
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home+"/c", "XDG_DATA_HOME="+home+"/d", statsEnv+"="+stats)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	sample := func(start time.Time) soakSample {
		b, _ := os.ReadFile(stats)
		var g int
		var heap float64
		fmt.Sscan(string(b), &g, &heap)
		return soakSample{at: time.Since(start).Round(time.Second), rssMB: procKB(t, pid, "VmRSS") / 1024, goroutines: g, heapMB: heap / (1 << 20)}
	}

	small := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("soak ", 200)))
	bigDoc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("0123456789abcdef", 52500<<10/16)))
	shapes := []string{
		`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"cms","data":"` + small + `","signingParams":{"decode":true,"allowExpired":true},"signerParams":{"chain":[]}}}`,
		`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"xml","data":"<doc><a>1</a></doc>","signingParams":{"allowExpired":true},"signerParams":{"chain":[]},"locale":"ru"}}`,
		`{"module":"kz.gov.pki.knca.basics","method":"sign","args":{"format":"raw","data":["` + small + `","` + small + `"],"signingParams":{"decode":true,"allowExpired":true,"outputCert":true},"signerParams":{"chain":[]}}}`,
		`{"module":"kz.gov.pki.knca.commonUtils","method":"getActiveTokens","uuid":"s"}`,
		`{"module":"kz.gov.pki.knca.commonUtils","method":"createCAdESFromBase64","args":["PKCS12","SIGNATURE","` + small + `",true],"uuid":"c"}`,
		`{"module":"kz.gov.pki.knca.commonUtils","method":"signXmls","args":["PKCS12","SIGNATURE",["<a/>","<b>x</b>"],"",""]}`,
		`{"module":"kz.gov.pki.knca.commonUtils","method":"getKeyInfo","args":["PKCS12"]}`,
		`{"module":"kz.digiflow.mobile.extensions","method":"getVersion"}`,
		`{"module":"kz.gov.pki.knca.basics","method":"sign","args":"not an object"}`,
		`not json at all`,
		"--heartbeat--",
	}
	native := []string{
		`{"jsonrpc":"2.0","id":1,"method":"sign","params":{"format":"cms","documents":["` + small + `"],"allowExpired":true}}`,
		`{"jsonrpc":"2.0","id":2,"method":"login","params":{"challenge":"` + base64.StdEncoding.EncodeToString(make([]byte, 32)) + `","allowExpired":true}}`,
		`{"jsonrpc":"2.0","id":3,"method":"version"}`,
		`{"jsonrpc":"2.0","id":4,"method":"nope"}`,
	}
	dialer := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, WriteBufferSize: 1 << 20}
	dial := func(path string, origin string) (*websocket.Conn, error) {
		ws, _, err := dialer.Dial(fmt.Sprintf("wss://127.0.0.1:%d%s", port, path), http.Header{"Origin": {origin}})
		if err == nil && path == "/" {
			ws.ReadMessage() // greeting
		}
		return ws, err
	}
	stop := time.Now().Add(dur)
	var answers, drops, bursts atomic.Int64
	var wg sync.WaitGroup
	worker := func(id int, fn func(r *rand.Rand)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(id), 42))
			for time.Now().Before(stop) {
				fn(r)
			}
		}()
	}
	// Pages that sign, one request at a time, and reconnect now and then.
	for i := range 4 {
		worker(i, func(r *rand.Rand) {
			ws, err := dial("/", origins[r.IntN(2)])
			if err != nil {
				time.Sleep(100 * time.Millisecond)
				return
			}
			defer ws.Close()
			for range 1 + r.IntN(50) {
				ws.SetReadDeadline(time.Now().Add(30 * time.Second))
				if ws.WriteMessage(websocket.TextMessage, []byte(shapes[r.IntN(len(shapes))])) != nil {
					return
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
				answers.Add(1)
			}
		})
	}
	// The native protocol, several requests in flight.
	worker(10, func(r *rand.Rand) {
		ws, err := dial("/qoltanba/v1", origins[r.IntN(2)])
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			return
		}
		defer ws.Close()
		for range 1 + r.IntN(30) {
			n := 1 + r.IntN(4)
			for range n {
				ws.WriteMessage(websocket.TextMessage, []byte(native[r.IntN(len(native))]))
			}
			for range n {
				ws.SetReadDeadline(time.Now().Add(30 * time.Second))
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
				answers.Add(1)
			}
		}
	})
	// Pages that go away mid-request, send bad UTF-8, or pipeline.
	worker(20, func(r *rand.Rand) {
		ws, err := dial("/", origins[r.IntN(2)])
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			return
		}
		switch r.IntN(3) {
		case 0:
			ws.WriteMessage(websocket.TextMessage, []byte(shapes[0]))
		case 1:
			ws.WriteMessage(websocket.TextMessage, []byte("{\"module\":\"\xff\"}"))
			ws.ReadMessage()
		case 2:
			for range 5 {
				ws.WriteMessage(websocket.TextMessage, []byte(shapes[r.IntN(4)]))
			}
		}
		ws.Close()
		drops.Add(1)
		time.Sleep(time.Duration(r.IntN(50)) * time.Millisecond)
	})
	// Every half minute, a burst of 70 MB messages, over the budget.
	worker(30, func(r *rand.Rand) {
		var bw sync.WaitGroup
		for i := range 6 {
			bw.Add(1)
			go func() {
				defer bw.Done()
				ws, err := dial("/qoltanba/v1", origins[i%2])
				if err != nil {
					return
				}
				defer ws.Close()
				ws.SetReadLimit(256 << 20)
				ws.WriteMessage(websocket.TextMessage, []byte(`{"jsonrpc":"2.0","id":9,"method":"sign","params":{"format":"cms","documents":["`+bigDoc+`"],"allowExpired":true}}`))
				ws.SetReadDeadline(time.Now().Add(60 * time.Second))
				ws.ReadMessage()
			}()
		}
		bw.Wait()
		bursts.Add(1)
		for i := 0; i < 30 && time.Now().Before(stop); i++ {
			time.Sleep(time.Second)
		}
	})

	start := time.Now()
	var samples []soakSample
	for time.Now().Before(stop) {
		time.Sleep(10 * time.Second)
		s := sample(start)
		samples = append(samples, s)
		t.Logf("%5s RSS %6.1f MB, heap %6.1f MB, %4d goroutines, %d answers, %d drops, %d bursts", s.at, s.rssMB, s.heapMB, s.goroutines, answers.Load(), drops.Load(), bursts.Load())
	}
	wg.Wait()
	time.Sleep(5 * time.Second) // connections wind down, the budget empties
	idle := sample(start)
	t.Logf("idle after the traffic: RSS %.1f MB, heap %.1f MB, %d goroutines", idle.rssMB, idle.heapMB, idle.goroutines)
	if len(samples) < 3 {
		t.Fatal("too short to judge growth")
	}
	// Growth: the second half of the run against the first (the first
	// sample is warm-up); and nothing left behind when the traffic stops.
	half := len(samples) / 2
	early, late := maxOf(samples[1:half]), maxOf(samples[half:])
	if late.goroutines > early.goroutines+20 {
		t.Errorf("goroutines grew: %d in the first half, %d in the second", early.goroutines, late.goroutines)
	}
	if late.heapMB > early.heapMB*1.5+32 {
		t.Errorf("heap grew: %.1f MB in the first half, %.1f MB in the second", early.heapMB, late.heapMB)
	}
	if idle.goroutines > 20 {
		t.Errorf("%d goroutines left when idle", idle.goroutines)
	}
	if idle.rssMB > 100 {
		t.Errorf("RSS %.1f MB when idle", idle.rssMB)
	}
	if answers.Load() == 0 || bursts.Load() == 0 {
		t.Error("no traffic went through")
	}
}

func maxOf(s []soakSample) soakSample {
	var m soakSample
	for _, x := range s {
		m.goroutines = max(m.goroutines, x.goroutines)
		m.heapMB = max(m.heapMB, x.heapMB)
		m.rssMB = max(m.rssMB, x.rssMB)
	}
	return m
}
