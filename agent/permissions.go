package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
)

// Consent is the user's answer to "allow this site to ask for signatures?".
type Consent int

// Consents.
const (
	AllowOnce Consent = iota
	AllowAlways
	Block
	// Dismiss is the question closed without an answer (Esc, the
	// window's close box): this request is canceled, nothing is
	// remembered, and the site is asked again next time.
	Dismiss
)

// Decision is a remembered per-origin permission.
type Decision string

// Decisions.
const (
	Unknown Decision = ""
	Allowed Decision = "allow"
	Denied  Decision = "deny"
)

// Permissions remembers per-origin decisions in a JSON file; the admin's
// config lists override the user's.
type Permissions struct {
	path                  string
	adminAllow, adminDeny []string

	mu    sync.Mutex
	saved map[string]Decision
}

// LoadPermissions reads the user's decisions (a missing file is empty).
func LoadPermissions(path string, adminAllow, adminDeny []string) (*Permissions, error) {
	p := &Permissions{path: path, adminAllow: adminAllow, adminDeny: adminDeny, saved: map[string]Decision{}}
	if path == "" {
		return p, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("permissions: %w", err)
	}
	if err := json.Unmarshal(b, &p.saved); err != nil {
		return nil, fmt.Errorf("permissions %s: %w", path, err)
	}
	return p, nil
}

// Get returns the decision for an origin: admin deny, admin allow, then
// the user's.
func (p *Permissions) Get(origin string) Decision {
	if slices.Contains(p.adminDeny, origin) {
		return Denied
	}
	if slices.Contains(p.adminAllow, origin) {
		return Allowed
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.saved[origin]
}

// Set remembers a decision (Unknown revokes it) and saves the file.
func (p *Permissions) Set(origin string, d Decision) error {
	p.mu.Lock()
	if d == Unknown {
		delete(p.saved, origin)
	} else {
		p.saved[origin] = d
	}
	b, _ := json.MarshalIndent(p.saved, "", "  ")
	p.mu.Unlock()
	if p.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p.path), 0o700); err != nil {
		return err
	}
	tmp := p.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, p.path)
}

// List returns the remembered decisions, sorted by origin.
func (p *Permissions) List() []struct {
	Origin   string
	Decision Decision
} {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]struct {
		Origin   string
		Decision Decision
	}, 0, len(p.saved))
	for o, d := range p.saved {
		out = append(out, struct {
			Origin   string
			Decision Decision
		}{o, d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Origin < out[j].Origin })
	return out
}
