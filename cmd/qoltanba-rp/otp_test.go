package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/internal/testkit/redistest"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify/redisstore"
)

// loginWith signs the browser c in with p's certificate.
func loginWith(t *testing.T, c *http.Client, base string, p ncatest.LoginPKI) (int, string) {
	ch := getChallenge(t, c, base)
	cms, err := signer.SignCMS(context.Background(), ch, signer.KeyPair{Certificate: p.Leaf, Signer: p.UserKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return postLogin(t, c, base, map[string]string{"protocol": "ncalayer", "format": "cms",
		"signature": base64.StdEncoding.EncodeToString(cms), "challenge": base64.StdEncoding.EncodeToString(ch)})
}

func postOTP(t *testing.T, c *http.Client, base, code string) (int, string) {
	r, err := c.PostForm(base+"/otp", url.Values{"code": {code}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

var codeInLog = regexp.MustCompile(`code=(\d{6})`)

// wrong is a code that is not code.
func wrong(code string, i int) string {
	for {
		w := fmt.Sprintf("%06d", (i*7919+1)%1000000)
		if w != code {
			return w
		}
		i++
	}
}

// TestOTPAttempts, with the site's state in memory and in a real
// redis-server: a login's one-time code may be tried five times; the
// fifth wrong one ends the login, and the right code is refused after it.
// A new login gets a new code and new tries. Parallel guesses each use up
// a try: of 20 at once none gets through, nor the right code after them.
func TestOTPAttempts(t *testing.T) {
	for _, name := range []string{"memory", "redis"} {
		t.Run(name, func(t *testing.T) {
			now := time.Now()
			p := ncatest.NewLoginPKI(t, "rp OTP CA", now)
			var logs syncbuf.Buffer
			// loginWith uses the NCALayer login: the protocol is not what
			// this test is about.
			s := &site{roots: []*x509.Certificate{p.CA}, otp: true, log: slog.New(slog.NewTextHandler(&logs, nil)), store: &memStore{}, allowNCALayer: true}
			if name == "redis" {
				srv := redistest.Start(t)
				rs, err := redisstore.Open(srv.URL, "otp.example.kz")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { rs.Close() })
				s.store = rs
			}
			_, ts, c := startSite(t, s)
			login := func() string {
				if code, body := loginWith(t, c, ts.URL, p); code != 200 || !strings.Contains(body, `"otp":true`) {
					t.Fatalf("login: %d %s", code, body)
				}
				m := codeInLog.FindAllStringSubmatch(logs.String(), -1)
				if len(m) == 0 {
					t.Fatal("no code logged")
				}
				return m[len(m)-1][1]
			}
			code := login()
			for i := 1; i <= 4; i++ {
				if st, body := postOTP(t, c, ts.URL, wrong(code, i)); st != 403 || !strings.Contains(body, "wrong code") {
					t.Fatalf("wrong code %d: %d %s", i, st, body)
				}
			}
			if st, body := postOTP(t, c, ts.URL, wrong(code, 5)); st != 403 || !strings.Contains(body, "log in again") {
				t.Errorf("fifth wrong code: %d %s", st, body)
			}
			if st, body := postOTP(t, c, ts.URL, code); st != 403 {
				t.Errorf("the right code after five wrong ones: %d %s", st, body)
			}
			if st, _ := me(t, c, ts.URL); st != http.StatusSeeOther {
				t.Errorf("/me after the tries ran out: %d", st)
			}
			// A new login: a new code, five new tries.
			code = login()
			for i := 1; i <= 2; i++ {
				postOTP(t, c, ts.URL, wrong(code, i))
			}
			if st, body := postOTP(t, c, ts.URL, code); st != http.StatusSeeOther {
				t.Fatalf("the right code on the third try: %d %s", st, body)
			}
			if st, body := me(t, c, ts.URL); st != 200 || !strings.Contains(body, "123456789011") {
				t.Errorf("/me: %d", st)
			}
			// Twenty guesses at once.
			code = login()
			var through atomic.Int32
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if st, _ := postOTP(t, c, ts.URL, wrong(code, i)); st != 403 {
						through.Add(1)
					}
				}()
			}
			wg.Wait()
			if st, _ := postOTP(t, c, ts.URL, code); st != 403 || through.Load() != 0 {
				t.Errorf("the right code after 20 parallel guesses: %d (%d guesses not refused)", st, through.Load())
			}
		})
	}
}

// TestBodyCaps: a 64 MB upload to /otp is answered 413 before it is sent
// (the answer comes while at most the socket buffers' worth has been
// written); one without a length is cut at the cap; a login over 64 kB is
// refused the same way.
func TestBodyCaps(t *testing.T) {
	_, srv, _ := newSite(t, true)
	const total = 64 << 20
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute)) // a guard against hanging, not a measure
	head := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	tail := "\r\n--b--\r\n"
	fmt.Fprintf(conn, "POST /otp HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n%s",
		strings.TrimPrefix(srv.URL, "http://"), total, head)
	var sent atomic.Int64
	go func() {
		chunk := make([]byte, 64<<10)
		for n := len(head); n < total-len(tail); {
			k, err := conn.Write(chunk[:min(len(chunk), total-len(tail)-n)])
			n += k
			sent.Add(int64(k))
			if err != nil {
				return
			}
		}
		io.WriteString(conn, tail)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	atResponse := sent.Load()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	t.Logf("64 MB to /otp: %d after %d bytes sent", resp.StatusCode, atResponse)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || atResponse > 16<<20 {
		t.Errorf("64 MB to /otp: %d after %d bytes sent", resp.StatusCode, atResponse)
	}
	// Without a length (chunked): read up to the cap, then refused.
	var read atomic.Int64
	body := &countingReader{r: io.LimitReader(zeros{}, 1<<20), n: &read}
	r, err := http.Post(srv.URL+"/otp", "application/x-www-form-urlencoded", body)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MB chunked to /otp: %d", r.StatusCode)
	}
	t.Logf("1 MB chunked to /otp: %d after %d bytes read from the body", r.StatusCode, read.Load())
	// A login over the cap.
	r, err = http.Post(srv.URL+"/login", "application/json", strings.NewReader(`{"signature":"`+strings.Repeat("A", 100<<10)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("100 kB login: %d", r.StatusCode)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestSessionsOnlyWhenNeeded: 50 cookieless GETs of the login page and
// /me, posts of a code or a login without a session, store nothing; a
// challenge stores one session, for the challenge's lifetime.
func TestSessionsOnlyWhenNeeded(t *testing.T) {
	s, srv, _ := newSite(t, true)
	m := s.store.(*memStore)
	for range 50 {
		c := newClient()
		for _, path := range []string{"/", "/me"} {
			r, err := c.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
		}
		postOTP(t, c, srv.URL, "123456")
		postLogin(t, c, srv.URL, map[string]string{"protocol": "qoltanba", "format": "cms", "signature": "x", "challenge": "AAAA"})
	}
	m.mu.Lock()
	n := len(m.vals)
	m.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d values stored by cookieless requests", n)
	}
	getChallenge(t, newClient(), srv.URL)
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.vals) != 1 {
		t.Fatalf("%d sessions after a challenge", len(m.vals))
	}
	for k, v := range m.vals {
		if !strings.HasPrefix(k, "session:") || time.Until(v.exp) > challengeTTL {
			t.Errorf("%s stored until %s", k, v.exp)
		}
	}
}

// TestSessionRenewedAtLogin: a session id known before the login (set
// into the victim's browser by a sibling subdomain, say) is not the
// signed-in session: the login gives the browser a new one, and the old
// one is nobody's.
func TestSessionRenewedAtLogin(t *testing.T) {
	p := ncatest.NewLoginPKI(t, "rp fixation CA", time.Now())
	s := &site{roots: []*x509.Certificate{p.CA}, log: slog.New(slog.NewTextHandler(io.Discard, nil)), store: &memStore{}, allowNCALayer: true}
	_, ts, victim := startSite(t, s)
	getChallenge(t, victim, ts.URL)
	u, _ := url.Parse(ts.URL)
	fixed := victim.Jar.Cookies(u)
	attacker := newClient()
	attacker.Jar.SetCookies(u, fixed)
	if code, body := loginWith(t, victim, ts.URL, p); code != 200 {
		t.Fatalf("login: %d %s", code, body)
	}
	if code, _ := me(t, victim, ts.URL); code != 200 {
		t.Errorf("the victim is not logged in: %d", code)
	}
	if got := victim.Jar.Cookies(u); len(got) != 1 || len(fixed) != 1 || got[0].Value == fixed[0].Value {
		t.Errorf("the session id was not renewed at login: %v -> %v", fixed, got)
	}
	if code, _ := me(t, attacker, ts.URL); code == 200 {
		t.Error("the session id known before the login is logged in")
	}
}
