package verify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Challenges makes a login's challenge single use: Consume reports whether
// the challenge was issued (to this browser session), is unused and
// unexpired, and marks it used, atomically. An error (the store could not
// be asked) refuses the login: never an acceptance.
type Challenges interface {
	Consume(ctx context.Context, challenge []byte) (bool, error)
}

// ErrChallengeStore means the issued challenges could not be checked (a
// shared store is down); the login is refused and may be tried again.
var ErrChallengeStore = errors.New("the issued challenges could not be checked")

// Store keeps short-lived, single-use keys for one site: Put issues a key
// for ttl, Take removes it and reports whether it was there (atomically:
// of two instances taking the same key at once, one gets true). MemoryStore
// serves one instance; redisstore.Store several behind a load balancer.
type Store interface {
	Put(ctx context.Context, key string, ttl time.Duration) error
	Take(ctx context.Context, key string) (bool, error)
}

// ChallengeSize is the length of an issued challenge in bytes.
const ChallengeSize = 32

// IssueChallenge makes a random challenge for a scope (a browser session)
// and puts it in the store for ttl.
func IssueChallenge(ctx context.Context, s Store, scope string, ttl time.Duration) ([]byte, error) {
	ch := make([]byte, ChallengeSize)
	if _, err := rand.Read(ch); err != nil {
		return nil, err
	}
	if err := s.Put(ctx, challengeKey(scope, ch), ttl); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrChallengeStore, err)
	}
	return ch, nil
}

// Issued is the Challenges of one scope in a store: what IssueChallenge
// put there for that scope, each taken once.
func Issued(s Store, scope string) Challenges { return issued{s, scope} }

type issued struct {
	s     Store
	scope string
}

func (i issued) Consume(ctx context.Context, ch []byte) (bool, error) {
	return i.s.Take(ctx, challengeKey(i.scope, ch))
}

func challengeKey(scope string, ch []byte) string {
	return "challenge:" + scope + ":" + base64.RawURLEncoding.EncodeToString(ch)
}

// MemoryStore is a Store in this process's memory (one instance of a
// site). Expired keys are dropped as new ones come.
type MemoryStore struct {
	mu   sync.Mutex
	keys map[string]time.Time // key -> expiry
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

func (m *MemoryStore) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Put issues key until ttl from now.
func (m *MemoryStore) Put(_ context.Context, key string, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string]time.Time{}
	}
	now := m.now()
	if len(m.keys) >= 1024 && len(m.keys)%1024 == 0 { // sweep now and then
		for k, exp := range m.keys {
			if !now.Before(exp) {
				delete(m.keys, k)
			}
		}
	}
	m.keys[key] = now.Add(ttl)
	return nil
}

// Take removes key and reports whether it was there and unexpired.
func (m *MemoryStore) Take(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.keys[key]
	delete(m.keys, key)
	return ok && m.now().Before(exp), nil
}
