package redisstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/internal/testkit/redistest"
	"github.com/qoltanba/qoltanba/signer/verify"
)

var ctx = context.Background()

// TestSingleUse against a real redis-server: a challenge issued through
// one connection is taken once through another, even by 50 racing takers;
// scopes and sites are apart; it expires with its TTL.
func TestSingleUse(t *testing.T) {
	srv := redistest.Start(t)
	a, err := Open(srv.URL, "login.example.kz")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, _ := Open(srv.URL, "login.example.kz")
	defer b.Close()
	other, _ := Open(srv.URL, "other.example.kz")
	defer other.Close()
	ch, err := verify.IssueChallenge(ctx, a, "session-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := verify.Issued(other, "session-1").Consume(ctx, ch); ok || err != nil {
		t.Errorf("another site took it: %v %v", ok, err)
	}
	if ok, _ := verify.Issued(b, "session-2").Consume(ctx, ch); ok {
		t.Error("another session took it")
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := verify.Issued(b, "session-1").Consume(ctx, ch); ok && err == nil {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("taken %d times", wins.Load())
	}
	ch, _ = verify.IssueChallenge(ctx, a, "session-1", 100*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	if ok, _ := verify.Issued(b, "session-1").Consume(ctx, ch); ok {
		t.Error("taken after its TTL")
	}
	// Sessions: saved by one, loaded by the other, gone when deleted.
	if err := a.Save(ctx, "session:x", []byte(`{"user":"ТЕСТОВ"}`), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Load(ctx, "session:x"); err != nil || string(v) != `{"user":"ТЕСТОВ"}` {
		t.Errorf("load: %q %v", v, err)
	}
	b.Delete(ctx, "session:x")
	if v, err := a.Load(ctx, "session:x"); v != nil || err != nil {
		t.Errorf("after delete: %q %v", v, err)
	}
	// Redis gone: errors, never a "yes".
	srv.Stop()
	if ok, err := verify.Issued(b, "session-1").Consume(ctx, ch); ok || err == nil {
		t.Errorf("with Redis stopped: %v %v", ok, err)
	}
	if _, err := verify.IssueChallenge(ctx, a, "s", time.Minute); err == nil {
		t.Error("issued with Redis stopped")
	}
}

// TestIncr against a real redis-server: 50 racing counters through two
// connections each get their own number, 1 to 50; the counter expires
// with its TTL and starts again at 1.
func TestIncr(t *testing.T) {
	srv := redistest.Start(t)
	a, err := Open(srv.URL, "login.example.kz")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, _ := Open(srv.URL, "login.example.kz")
	defer b.Close()
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			n, err := s.Incr(ctx, "otp-tries:x", time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[n] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	for n := int64(1); n <= 50; n++ {
		if !seen[n] {
			t.Fatalf("no Incr got %d: %v", n, seen)
		}
	}
	a.Incr(ctx, "otp-tries:y", 100*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	if n, err := b.Incr(ctx, "otp-tries:y", time.Minute); n != 1 || err != nil {
		t.Errorf("after its TTL: %d %v", n, err)
	}
}
