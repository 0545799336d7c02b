// Package redisstore keeps a relying party's issued challenges, and its
// sessions, in Redis, so that every instance of a site behind a load
// balancer sees them: a challenge issued by one instance is taken exactly
// once by any of them (GETDEL, atomic in Redis ≥ 6.2), and expires with a
// Redis TTL. Keys are namespaced by site.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Store is a verify.Store (and a session store) in Redis.
type Store struct {
	c      redis.UniversalClient
	prefix string
}

// New uses client with keys under "qoltanba:<site>:".
func New(client redis.UniversalClient, site string) *Store {
	return &Store{c: client, prefix: "qoltanba:" + site + ":"}
}

// Open connects to a redis:// URL (redis://[user:password@]host:port/db).
func Open(url, site string) (*Store, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = 2*time.Second, 2*time.Second, 2*time.Second
	return New(redis.NewClient(o), site), nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.c.Close() }

// Ping checks the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// Put issues key for ttl.
func (s *Store) Put(ctx context.Context, key string, ttl time.Duration) error {
	if err := s.c.Set(ctx, s.prefix+key, 1, ttl).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// Take removes key and reports whether it was there (GETDEL: of two
// instances taking it at once, exactly one gets true).
func (s *Store) Take(ctx context.Context, key string) (bool, error) {
	err := s.c.GetDel(ctx, s.prefix+key).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("redis: %w", err)
	}
	return true, nil
}

// Save stores a value (a session) for ttl.
func (s *Store) Save(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.c.Set(ctx, s.prefix+key, value, ttl).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// Load returns a saved value, or nil when there is none.
func (s *Store) Load(ctx context.Context, key string) ([]byte, error) {
	b, err := s.c.Get(ctx, s.prefix+key).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("redis: %w", err)
	}
	return b, nil
}

// Delete removes a saved value.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.c.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// Incr adds one to a counter and returns it (1 the first time), atomically
// (INCR, in one MULTI with its PEXPIRE): of many instances counting at
// once, each gets its own number. The counter expires ttl after its last
// Incr.
func (s *Store) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	var incr *redis.IntCmd
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, s.prefix+key)
		p.PExpire(ctx, s.prefix+key, ttl)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("redis: %w", err)
	}
	return incr.Val(), nil
}
