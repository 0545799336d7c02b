package verify

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/qoltanba/qoltanba/signer"
)

// TestMemoryStore: issued challenges are taken once, only in their scope,
// only before they expire.
func TestMemoryStore(t *testing.T) {
	now := time.Now()
	m := &MemoryStore{Now: func() time.Time { return now }}
	ch, err := IssueChallenge(ctx, m, "session-a", time.Minute)
	if err != nil || len(ch) != ChallengeSize {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scope string
		ch    []byte
		want  bool
	}{
		{"session-b", ch, false}, // another browser's session
		{"session-a", bytes.Repeat([]byte{1}, 32), false},
		{"session-a", ch, true},
		{"session-a", ch, false}, // the second time
	} {
		if ok, err := Issued(m, tc.scope).Consume(ctx, tc.ch); ok != tc.want || err != nil {
			t.Errorf("%s: %v %v, want %v", tc.scope, ok, err, tc.want)
		}
	}
	ch, _ = IssueChallenge(ctx, m, "session-a", time.Minute)
	now = now.Add(61 * time.Second)
	if ok, _ := Issued(m, "session-a").Consume(ctx, ch); ok {
		t.Error("an expired challenge was taken")
	}
}

type brokenStore struct{}

func (brokenStore) Put(context.Context, string, time.Duration) error {
	return errors.New("connection refused")
}
func (brokenStore) Take(context.Context, string) (bool, error) {
	return false, errors.New("connection refused")
}

// TestChallengeStoreDown: a store that cannot be asked refuses the login
// (fail closed) and says why.
func TestChallengeStoreDown(t *testing.T) {
	k := key(t, "official-gost2015-bundle/Gost2015_2025-10-17_2026-10-17/FL/valid/GOST512_d6d1e53515d516a7d95d399b668cf09011bf118d.p12")
	ch := bytes.Repeat([]byte{4}, 32)
	cms, err := signer.SignCMS(context.Background(), ch, k, &signer.CMSOptions{Time: time2026})
	if err != nil {
		t.Fatal(err)
	}
	_, err = VerifyLogin(ctx, Login{Protocol: NCALayer, AllowNCALayer: true, Format: "cms", Signature: cms, Challenge: ch, Roots: gostRoots(t),
		Time: time2026, Challenges: Issued(brokenStore{}, "s")})
	if !errors.Is(err, ErrChallengeStore) || !bytes.Contains([]byte(err.Error()), []byte("connection refused")) {
		t.Errorf("store down: %v", err)
	}
	if _, err := IssueChallenge(ctx, brokenStore{}, "s", time.Minute); !errors.Is(err, ErrChallengeStore) {
		t.Errorf("issue with the store down: %v", err)
	}
}
