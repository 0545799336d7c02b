package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// AuditEntry is one line of the audit log: who asked what and the outcome,
// with document hashes. Never passwords, PINs or document contents.
type AuditEntry struct {
	Time      time.Time `json:"time"`
	Origin    string    `json:"origin"`
	Method    string    `json:"method"`
	Format    string    `json:"format,omitempty"`
	Documents int       `json:"documents"`
	SHA256    []string  `json:"sha256,omitempty"`
	Serial    string    `json:"certSerial,omitempty"`
	Subject   string    `json:"certSubject,omitempty"`
	Outcome   string    `json:"outcome"` // "signed", "canceled", "denied", "error: ..."
}

// Audit appends JSON lines to a file (0600), kept open between entries.
type Audit struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

// NewAudit writes to path ("" = no audit log, for tests of other parts).
func NewAudit(path string) *Audit { return &Audit{path: path} }

// Write appends an entry.
func (a *Audit) Write(e AuditEntry) error {
	if a == nil || a.path == "" {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		if err := os.MkdirAll(filepath.Dir(a.path), 0o700); err != nil {
			return err
		}
		f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		a.f = f
	}
	if _, err := a.f.Write(append(b, '\n')); err != nil {
		a.f.Close() // reopen next time (the file may have been rotated away)
		a.f = nil
		return err
	}
	return nil
}

// Close closes the log file.
func (a *Audit) Close() error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}

func docHashes(docs [][]byte) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		s := sha256.Sum256(d)
		out[i] = hex.EncodeToString(s[:])
	}
	return out
}
