package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
)

// FilePrefs keeps the user's interface choices (language, recent key
// files) in a small JSON file, for renderers whose toolkit has no
// preferences store of its own (Win32). Never passwords.
type FilePrefs struct {
	Path string

	mu sync.Mutex
}

type prefsData struct {
	Strings map[string]string   `json:"strings,omitempty"`
	Lists   map[string][]string `json:"lists,omitempty"`
}

func (p *FilePrefs) load() prefsData {
	var d prefsData
	if b, err := os.ReadFile(p.Path); err == nil {
		json.Unmarshal(b, &d)
	}
	if d.Strings == nil {
		d.Strings = map[string]string{}
	}
	if d.Lists == nil {
		d.Lists = map[string][]string{}
	}
	return d
}

func (p *FilePrefs) save(d prefsData) {
	b, _ := json.MarshalIndent(d, "", "  ")
	os.MkdirAll(filepath.Dir(p.Path), 0o700)
	tmp := p.Path + ".tmp"
	if os.WriteFile(tmp, b, 0o600) == nil {
		os.Rename(tmp, p.Path)
	}
}

// String returns a kept string ("" when none).
func (p *FilePrefs) String(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.load().Strings[key]
}

// SetString keeps a string.
func (p *FilePrefs) SetString(key, v string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.load()
	d.Strings[key] = v
	p.save(d)
}

// StringList returns a kept list.
func (p *FilePrefs) StringList(key string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.load().Lists[key]
}

// SetStringList keeps a list.
func (p *FilePrefs) SetStringList(key string, v []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.load()
	d.Lists[key] = v
	p.save(d)
}
