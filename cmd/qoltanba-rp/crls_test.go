package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/internal/testkit/syncbuf"
	"github.com/qoltanba/qoltanba/signer"
)

// crlServer serves whatever CRL (DER) is put in it and counts the fetches.
type crlServer struct {
	*httptest.Server
	der     atomic.Pointer[[]byte]
	fetches atomic.Int32
}

func newCRLServer(t *testing.T) *crlServer {
	s := &crlServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		if b := s.der.Load(); b != nil {
			w.Write(*b)
			return
		}
		http.Error(w, "none yet", http.StatusServiceUnavailable)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *crlServer) serve(crl *x509.RevocationList) { b := crl.Raw; s.der.Store(&b) }

// crlSite is a site trusting the CAs of pkis, keeping url's CRL.
func crlSite(t *testing.T, url string, log *slog.Logger, pkis ...ncatest.LoginPKI) (*site, *httptest.Server) {
	var roots []*x509.Certificate
	for _, p := range pkis {
		roots = append(roots, p.CA)
	}
	s := &site{roots: roots, log: log, store: &memStore{}, allowNCALayer: true, // loginAs: NCALayer's login
		crls: &crlSet{roots: roots, refresh: time.Hour, http: http.DefaultClient, log: log, urls: []string{url}}}
	_, ts, _ := startSite(t, s)
	return s, ts
}

// loginAs logs in with p's certificate through a fresh browser.
func loginAs(t *testing.T, base string, p ncatest.LoginPKI) (int, string) {
	c := newClient()
	ch := getChallenge(t, c, base)
	cms, err := signer.SignCMS(context.Background(), ch, signer.KeyPair{Certificate: p.Leaf, Signer: p.UserKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return postLogin(t, c, base, map[string]string{"protocol": "ncalayer", "format": "cms",
		"signature": base64.StdEncoding.EncodeToString(cms), "challenge": base64.StdEncoding.EncodeToString(ch)})
}

func numbers(crls []*x509.RevocationList) []int64 {
	var out []int64
	for _, c := range crls {
		out = append(out, c.Number.Int64())
	}
	return out
}

// TestCRLFromAnotherCA: the login certificate (serial 42) of CA A names
// the site's --crl-url. Another trusted CA's CRL served there never lets
// it in: not as the URL's first CRL, not in place of A's CRL that revokes
// it. A stale or older CRL of A is refused and the good one kept.
func TestCRLFromAnotherCA(t *testing.T) {
	now := time.Now()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := newCRLServer(t)
	a := ncatest.NewLoginPKI(t, "rp CA A", now).NamingCRL(t, srv.URL)
	b := ncatest.NewLoginPKI(t, "rp CA B", now)
	ctx := context.Background()

	// B's CRL is all the URL has ever served: A's certificate is unchecked.
	s, ts := crlSite(t, srv.URL, log, a, b)
	srv.serve(b.CRL(t, 1, now.Add(-time.Minute), now.Add(time.Hour)))
	s.crls.fetch(ctx, srv.URL)
	if err := s.crls.ready(); err != nil {
		t.Fatal(err)
	}
	if code, body := loginAs(t, ts.URL, a); code != 403 || !strings.Contains(body, "could not be checked") {
		t.Errorf("A's certificate with only B's CRL at its URL: %d %s", code, body)
	}

	// A's CRL revokes it; then B's, a stale and an older one of A are
	// served: each refused, A's kept, the certificate still revoked.
	s, ts = crlSite(t, srv.URL, log, a, b)
	srv.serve(a.CRL(t, 5, now.Add(-time.Hour), now.Add(time.Hour), 42))
	if _, err := s.crls.fetch(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	if code, body := loginAs(t, ts.URL, a); code != 403 || !strings.Contains(body, "revoked") {
		t.Fatalf("with A's CRL: %d %s", code, body)
	}
	for _, tc := range []struct {
		name string
		crl  *x509.RevocationList
	}{
		{"B's current CRL", b.CRL(t, 9, now.Add(-time.Minute), now.Add(time.Hour))},
		{"B's stale CRL", b.CRL(t, 9, now.Add(-time.Minute), now.Add(-time.Second))},
		{"A's stale CRL", a.CRL(t, 6, now.Add(-30*time.Minute), now.Add(-time.Minute))},
		{"A's older CRL", a.CRL(t, 4, now.Add(-2*time.Hour), now.Add(time.Hour))},
	} {
		srv.serve(tc.crl)
		if _, err := s.crls.fetch(ctx, srv.URL); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: taken (%v)", tc.name, err)
		}
		if n := numbers(s.crls.List()); len(n) != 1 || n[0] != 5 {
			t.Errorf("%s: CRLs held %v, want A's no. 5", tc.name, n)
		}
		if code, body := loginAs(t, ts.URL, a); code != 403 || !strings.Contains(body, "revoked") {
			t.Errorf("%s: the revoked certificate: %d %s", tc.name, code, body)
		}
	}
	// A's next CRL no longer lists it: taken.
	srv.serve(a.CRL(t, 7, now.Add(-time.Minute), now.Add(time.Hour)))
	if _, err := s.crls.fetch(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	if code, body := loginAs(t, ts.URL, a); code != 200 {
		t.Errorf("after A's next CRL: %d %s", code, body)
	}
}

// TestCRLRefusedNotRefetched: a URL serving another CA's stale CRL is not
// asked again every second: in a 2.5 s window it is fetched once (the next
// try is a minute away).
func TestCRLRefusedNotRefetched(t *testing.T) {
	now := time.Now()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := newCRLServer(t)
	a := ncatest.NewLoginPKI(t, "rp CA A", now).NamingCRL(t, srv.URL)
	b := ncatest.NewLoginPKI(t, "rp CA B", now)
	srv.serve(b.CRL(t, 1, now.Add(-2*time.Hour), now.Add(-time.Hour)))
	s, _ := crlSite(t, srv.URL, log, a, b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.crls.run(ctx)
	time.Sleep(2500 * time.Millisecond)
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("%d fetches in 2.5 s, want 1", n)
	}
}

// fakeClock runs the refresh loop without waiting: every wait asked for
// is recorded and passes at once, moving the clock on.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
	stop  int // cancel after this many waits
	done  func()
}

func (f *fakeClock) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }

func (f *fakeClock) sleep(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	f.t = f.t.Add(d)
	if len(f.waits) == f.stop {
		f.done()
		return nil // ctx is done; never fires
	}
	ch := make(chan time.Time, 1)
	ch <- f.t
	return ch
}

// TestCRLBackoff: with a clock of its own, the waits between fetches of a
// URL that serves a refused CRL double from a minute up to an hour while
// the held CRL is current, never past its nextUpdate, and up to ten
// minutes once it is not; every refusal is logged; a CRL of its CA is
// fetched again halfway to its nextUpdate. Once the held CRL is past its
// nextUpdate, another CA's current CRL takes the URL over.
func TestCRLBackoff(t *testing.T) {
	start := time.Now().Truncate(time.Second) // CRL times are whole seconds
	srv := newCRLServer(t)
	a := ncatest.NewLoginPKI(t, "rp CA A", start)
	b := ncatest.NewLoginPKI(t, "rp CA B", start)
	var logs syncbuf.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	run := func(stop int, good *x509.RevocationList, bad *x509.RevocationList) (*crlSet, []time.Duration) {
		ctx, cancel := context.WithCancel(context.Background())
		clk := &fakeClock{t: start, stop: stop, done: cancel}
		c := &crlSet{roots: []*x509.Certificate{a.CA, b.CA}, refresh: 24 * time.Hour, http: http.DefaultClient, log: log,
			urls: []string{srv.URL}, now: clk.now, sleep: clk.sleep}
		if good != nil {
			srv.serve(good)
			if _, err := c.fetch(ctx, srv.URL); err != nil {
				t.Fatal(err)
			}
		}
		srv.serve(bad)
		c.keep(ctx, srv.URL) // returns once the clock cancels ctx
		return c, clk.waits
	}
	m := time.Minute
	// A's CRL held, current for 5 h; B's served from then on.
	_, waits := run(9, a.CRL(t, 1, start, start.Add(5*time.Hour)), b.CRL(t, 1, start, start.Add(48*time.Hour)))
	want := []time.Duration{m, 2 * m, 4 * m, 8 * m, 16 * m, 32 * m, 60 * m, 60 * m, 60 * m}
	if !equalDurations(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
	if n := strings.Count(logs.String(), "CRL not taken"); n != 9 {
		t.Errorf("%d refusals logged, want 9:\n%s", n, logs.String())
	}
	// A's CRL held, current for 20 min; then only a stale one of A's:
	// the try when it expires (and a second later, past it), then at most
	// ten minutes apart.
	_, waits = run(7, a.CRL(t, 1, start.Add(-time.Hour), start.Add(20*time.Minute)),
		a.CRL(t, 2, start.Add(-30*time.Minute), start.Add(-time.Second)))
	want = []time.Duration{m, 2 * m, 4 * m, 8 * m, 5 * m, time.Second, 10 * m}
	if !equalDurations(waits, want) {
		t.Errorf("stale: waits %v, want %v", waits, want)
	}
	// A's CRL current for 4 h, served again and again: fetched every 2 h.
	_, waits = run(3, nil, a.CRL(t, 1, start, start.Add(4*time.Hour)))
	if want := []time.Duration{2 * time.Hour, time.Hour, 30 * m}; !equalDurations(waits, want) {
		t.Errorf("good: waits %v, want %v", waits, want)
	}
	// A's held CRL past its nextUpdate (30 s; tried then and a second
	// later): B's current one is taken.
	c, _ := run(3, a.CRL(t, 1, start, start.Add(30*time.Second)), b.CRL(t, 3, start, start.Add(48*time.Hour)))
	c.mu.RLock()
	h := c.held[srv.URL]
	c.mu.RUnlock()
	if !h.ca.Equal(b.CA) || h.crl.Number.Int64() != 3 {
		t.Errorf("after A's expired: the URL holds %v of %s", h.crl.Number, h.ca.Subject)
	}
	// A's expired CRL is still listed: A's certificates (here one that
	// names no CRL URL) are refused as unchecked, not let through.
	if n := numbers(c.List()); len(n) != 2 {
		t.Errorf("after A's expired: listed %v", n)
	}
	if _, err := signer.VerifyChain(a.Leaf, signer.ChainOptions{Roots: c.roots, CRLs: c.List(), Time: start.Add(time.Minute)}); !errors.Is(err, signer.ErrStaleRevocation) {
		t.Errorf("A's certificate after its URL went to B: %v", err)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCRLURLKeepsCompleteCRL: the CA's own delta CRL, or its CA-only CRL,
// served at the URL of its complete CRL (plain http: anyone on the path
// can) is refused and the complete CRL kept; taken, it would push the
// complete one out, and being newer keep it out.
func TestCRLURLKeepsCompleteCRL(t *testing.T) {
	now := time.Now()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := newCRLServer(t)
	a := ncatest.NewLoginPKI(t, "rp CA A", now).NamingCRL(t, srv.URL)
	s, ts := crlSite(t, srv.URL, log, a)
	full := a.CRL(t, 3, now.Add(-time.Hour), now.Add(time.Hour), 42)
	srv.serve(full)
	if _, err := s.crls.fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	scoped := func(id asn1.ObjectIdentifier, value []byte) *x509.RevocationList {
		der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(7), ThisUpdate: now.Add(-time.Minute),
			NextUpdate: now.Add(2 * time.Hour), ExtraExtensions: []pkix.Extension{{Id: id, Critical: true, Value: value}}}, a.CA, a.CAKey)
		if err != nil {
			t.Fatal(err)
		}
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		return crl
	}
	for name, crl := range map[string]*x509.RevocationList{
		"delta":   scoped(asn1.ObjectIdentifier{2, 5, 29, 27}, []byte{2, 1, 3}),
		"CA-only": scoped(asn1.ObjectIdentifier{2, 5, 29, 28}, []byte{0x30, 0x03, 0x82, 0x01, 0xff}),
	} {
		srv.serve(crl)
		if _, err := s.crls.fetch(context.Background(), srv.URL); err == nil {
			t.Errorf("%s CRL taken at the complete CRL's URL", name)
		}
		if got := numbers(s.crls.List()); len(got) != 1 || got[0] != 3 {
			t.Errorf("after the %s CRL the site holds CRLs %v, want [3]", name, got)
		}
	}
	if code, _ := loginAs(t, ts.URL, a); code == 200 {
		t.Error("the revoked certificate logs in")
	}
}
