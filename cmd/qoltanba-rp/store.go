package main

import (
	"context"
	"strconv"
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
	// Incr adds one to a counter and returns it (1 the first time),
	// atomically; the counter expires ttl after its last Incr.
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
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
	m.sweep()
	m.vals[key] = memVal{append([]byte(nil), value...), time.Now().Add(ttl)}
	return nil
}

// sweep drops expired values now and then (m.mu held).
func (m *memStore) sweep() {
	if len(m.vals) < 1024 || len(m.vals)%1024 != 0 {
		return
	}
	now := time.Now()
	for k, v := range m.vals {
		if now.After(v.exp) {
			delete(m.vals, k)
		}
	}
}

func (m *memStore) Incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.vals == nil {
		m.vals = map[string]memVal{}
	}
	var n int64
	if v, ok := m.vals[key]; ok && !time.Now().After(v.exp) {
		n, _ = strconv.ParseInt(string(v.b), 10, 64)
	}
	n++
	m.sweep()
	m.vals[key] = memVal{strconv.AppendInt(nil, n, 10), time.Now().Add(ttl)}
	return n, nil
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
