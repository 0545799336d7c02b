package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// AuditEntry is one line of the audit log: who asked what and the outcome,
// with document hashes. Never passwords, PINs, document contents or error
// texts (those can quote a document).
type AuditEntry struct {
	Time      time.Time `json:"time"`
	Origin    string    `json:"origin"`
	Method    string    `json:"method"`
	Format    string    `json:"format,omitempty"`
	Documents int       `json:"documents"`
	// SHA256 has one hash per document, for requests that reached the
	// dialog; a request refused before (limits, consent) has none.
	SHA256 []string `json:"sha256,omitempty"`
	// SHA256OfList replaces SHA256 when the list would make the line
	// longer than MaxAuditLine: the SHA-256 of the documents' hashes (raw
	// 32 bytes each, in order), which an auditor with the documents can
	// recompute.
	SHA256OfList string  `json:"sha256OfList,omitempty"`
	Serial       string  `json:"certSerial,omitempty"`
	Subject      string  `json:"certSubject,omitempty"`
	Outcome      Outcome `json:"outcome"`
}

// Audit log limits: one line is at most MaxAuditLine bytes; the file is
// rotated when it passes RotateAuditAt (audit.jsonl -> audit.jsonl.1 ->
// ... -> audit.jsonl.<KeepAuditFiles>, the oldest dropped).
const (
	MaxAuditLine   = 64 << 10
	RotateAuditAt  = 10 << 20
	KeepAuditFiles = 5
)

// Audit appends JSON lines to a file (0600), kept open between entries.
type Audit struct {
	mu   sync.Mutex
	path string
	f    *os.File
	size int64
	// rotateAt is RotateAuditAt (smaller in tests).
	rotateAt int64
}

// NewAudit writes to path ("" = no audit log, for tests of other parts).
func NewAudit(path string) *Audit { return &Audit{path: path, rotateAt: RotateAuditAt} }

// Write appends an entry.
func (a *Audit) Write(e AuditEntry) error {
	if a == nil || a.path == "" {
		return nil
	}
	b, err := marshalAudit(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		if err := a.open(); err != nil {
			return err
		}
	}
	if a.size > 0 && a.size+int64(len(b))+1 > a.rotateAt {
		if err := a.rotate(); err != nil {
			return err
		}
	}
	n, err := a.f.Write(append(b, '\n'))
	a.size += int64(n)
	if err != nil {
		a.f.Close() // reopen next time (the file may have been moved away)
		a.f = nil
		return err
	}
	return nil
}

// marshalAudit writes e as one line of at most MaxAuditLine bytes: the
// hash list gives way to its digest, then the subject is cut.
func marshalAudit(e AuditEntry) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil || len(b) <= MaxAuditLine {
		return b, err
	}
	if len(e.SHA256) > 0 {
		h := sha256.New()
		for _, s := range e.SHA256 {
			raw, _ := hex.DecodeString(s)
			h.Write(raw)
		}
		e.SHA256, e.SHA256OfList = nil, hex.EncodeToString(h.Sum(nil))
	}
	if len(e.Subject) > 1024 {
		e.Subject = e.Subject[:1024]
	}
	b, err = json.Marshal(e)
	if err == nil && len(b) > MaxAuditLine {
		return nil, fmt.Errorf("audit: a line of %d bytes", len(b))
	}
	return b, err
}

func (a *Audit) open() error {
	if err := os.MkdirAll(filepath.Dir(a.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	a.f, a.size = f, st.Size()
	return nil
}

// rotate shifts audit.jsonl.N up by one (dropping the oldest) and starts a
// new file.
func (a *Audit) rotate() error {
	a.f.Close()
	a.f = nil
	if err := os.Remove(fmt.Sprintf("%s.%d", a.path, KeepAuditFiles)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("audit rotation: %w", err)
	}
	for i := KeepAuditFiles - 1; i >= 1; i-- {
		if err := os.Rename(fmt.Sprintf("%s.%d", a.path, i), fmt.Sprintf("%s.%d", a.path, i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("audit rotation: %w", err)
		}
	}
	if err := os.Rename(a.path, a.path+".1"); err != nil {
		return fmt.Errorf("audit rotation: %w", err)
	}
	return a.open()
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
