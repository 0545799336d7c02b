package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/ncatest"
	"github.com/qoltanba/qoltanba/internal/testkit/redistest"
	"github.com/qoltanba/qoltanba/signer"
	"github.com/qoltanba/qoltanba/signer/verify/redisstore"
	"github.com/qoltanba/qoltanba/signer/verify/trust"
)

// TestTwoInstancesRedis: two instances of one site share a real
// redis-server, as behind a load balancer. A challenge issued by one is
// accepted by the other once; the replay is refused by both; the session
// cookie works on both; with Redis stopped, logins are refused with a
// clear answer (503), never accepted.
func TestTwoInstancesRedis(t *testing.T) {
	srv := redistest.Start(t)
	roots, _ := trust.Load(trust.Test, "")
	instance := func() *httptest.Server {
		rs, err := redisstore.Open(srv.URL, "login.example.kz")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rs.Close() })
		_, ts, _ := startSite(t, &site{roots: roots, verifyTime: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
			log: slog.New(slog.NewTextHandler(io.Discard, nil)), store: rs, allowNCALayer: true})
		return ts
	}
	a, b := instance(), instance()
	c := newClient() // one browser; cookies are per host, not per port
	k := gostKey(t)
	ch := getChallenge(t, c, a.URL)
	cms, _ := signer.SignCMS(context.Background(), ch, k, nil)
	login := map[string]string{"protocol": "ncalayer", "format": "cms", "signature": base64.StdEncoding.EncodeToString(cms),
		"challenge": base64.StdEncoding.EncodeToString(ch)}
	if code, body := postLogin(t, c, b.URL, login); code != 200 {
		t.Fatalf("login at the other instance: %d %s", code, body)
	}
	for _, inst := range []*httptest.Server{a, b} {
		if code, body := postLogin(t, c, inst.URL, login); code != 403 || !strings.Contains(body, "already used") {
			t.Errorf("replay at %s: %d %s", inst.URL, code, body)
		}
		if code, body := me(t, c, inst.URL); code != 200 || !strings.Contains(body, "123456789011") {
			t.Errorf("session at %s: %d", inst.URL, code)
		}
	}
	// Another browser cannot use this browser's challenge.
	ch = getChallenge(t, c, a.URL)
	cms, _ = signer.SignCMS(context.Background(), ch, k, nil)
	login["signature"], login["challenge"] = base64.StdEncoding.EncodeToString(cms), base64.StdEncoding.EncodeToString(ch)
	if code, _ := postLogin(t, newClient(), b.URL, login); code != 403 {
		t.Errorf("another browser's challenge: %d", code)
	}
	// Redis stops: challenges cannot be issued or taken; both say so.
	srv.Stop()
	if r, err := c.Post(a.URL+"/challenge", "", nil); err != nil || r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("challenge with Redis stopped: %v %v", r.StatusCode, err)
	}
	if code, body := postLogin(t, c, b.URL, login); code != http.StatusServiceUnavailable || !strings.Contains(body, "unavailable") {
		t.Errorf("login with Redis stopped: %d %s", code, body)
	}
}

// TestCRLRefresh: --crl-url is fetched before its nextUpdate: a
// certificate the CA revokes after the site started is refused once the
// new CRL is in; until the first CRL has come, logins are refused.
func TestCRLRefresh(t *testing.T) {
	now := time.Now()
	pki := ncatest.NewLoginPKI(t, "rp CRL test CA", now)
	ca, caKey, leaf, userKey := pki.CA, pki.CAKey, pki.Leaf, pki.UserKey
	var revoked, fetches atomic.Int32
	var up atomic.Bool
	crlSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		n := fetches.Add(1)
		var entries []x509.RevocationListEntry
		if revoked.Load() == 1 {
			entries = append(entries, x509.RevocationListEntry{SerialNumber: big.NewInt(42), RevocationTime: time.Now()})
		}
		der, _ := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(int64(n)), ThisUpdate: time.Now(),
			NextUpdate: time.Now().Add(2 * time.Second), RevokedCertificateEntries: entries}, ca, caKey)
		w.Write(der)
	}))
	defer crlSrv.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := &site{roots: []*x509.Certificate{ca}, log: log, store: &memStore{}, allowNCALayer: true,
		crls: &crlSet{roots: []*x509.Certificate{ca}, refresh: time.Hour, http: http.DefaultClient, log: log, urls: []string{crlSrv.URL}}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, ts, c := startSite(t, s)
	try := func() (int, string) {
		ch := getChallenge(t, c, ts.URL)
		cms, _ := signer.SignCMS(context.Background(), ch, signer.KeyPair{Certificate: leaf, Signer: userKey}, nil)
		return postLogin(t, c, ts.URL, map[string]string{"protocol": "ncalayer", "format": "cms",
			"signature": base64.StdEncoding.EncodeToString(cms), "challenge": base64.StdEncoding.EncodeToString(ch)})
	}
	if code, body := try(); code != 403 || !strings.Contains(body, "could not be checked") {
		t.Errorf("before the first CRL: %d %s", code, body)
	}
	up.Store(true)
	s.crls.run(ctx)
	for i := 0; s.crls.ready() != nil; i++ {
		if i > 100 {
			t.Fatal("the CRL did not load")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := try(); code != 200 {
		t.Fatalf("with a current CRL: %d %s", code, body)
	}
	revoked.Store(1)
	before := fetches.Load()
	deadline := time.Now().Add(5 * time.Second)
	for fetches.Load() < before+2 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if fetches.Load() < before+2 {
		t.Fatalf("the CRL was not fetched again before its next update (%d fetches)", fetches.Load())
	}
	if code, body := try(); code != 403 || !strings.Contains(body, "revoked") {
		t.Errorf("after the CA revoked it: %d %s", code, body)
	}
}
