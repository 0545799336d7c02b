package main

import (
	"context"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/signer/verify"
)

// store is where a site keeps what must outlive one request: the issued
// challenges (verify.Store) and the sessions. memStore serves one instance;
// redisstore.Store every instance behind a load balancer.
type store interface {
	verify.Store
	Save(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Load(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, key string) error
}

// memStore keeps both in this process.
type memStore struct {
	verify.MemoryStore
	mu   sync.Mutex
	vals map[string]memVal
}

type memVal struct {
	b   []byte
	exp time.Time
}

func (m *memStore) Save(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.vals == nil {
		m.vals = map[string]memVal{}
	}
	m.vals[key] = memVal{append([]byte(nil), value...), time.Now().Add(ttl)}
	return nil
}

func (m *memStore) Load(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vals[key]
	if !ok || time.Now().After(v.exp) {
		delete(m.vals, key)
		return nil, nil
	}
	return v.b, nil
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.vals, key)
	return nil
}
