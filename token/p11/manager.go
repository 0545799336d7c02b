package p11

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Manager owns the loaded modules of the process: one Module per library
// (a library's state is process-wide, so two handles would finalise each
// other), and answers "which token storages are plugged in now".
type Manager struct {
	catalog []ModuleSpec
	log     *slog.Logger
	// CacheFor is how long an ActiveStorages answer is reused.
	CacheFor time.Duration

	mu       sync.Mutex
	modules  map[string]*Module // by library path
	failed   map[string]error   // libraries that would not load
	tokens   []ModuleToken      // last scan
	tokensAt time.Time
}

// NewManager manages the catalog's modules plus the admin's extra ones.
func NewManager(catalog []ModuleSpec, log *slog.Logger) *Manager {
	if log == nil {
		log = slog.Default()
	}
	return &Manager{catalog: catalog, log: log, CacheFor: time.Second, modules: map[string]*Module{}, failed: map[string]error{}}
}

// Module returns the loaded module for a found library, loading it once.
func (mg *Manager) Module(ctx context.Context, f Found) (*Module, error) {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	if m := mg.modules[f.Path]; m != nil {
		return m, nil
	}
	m, err := Open(ctx, f.Path, f.Spec)
	if err != nil {
		if mg.failed[f.Path] == nil {
			mg.log.Warn("pkcs11 module not usable", "module", f.Spec.Name, "path", f.Path, "err", err)
		}
		mg.failed[f.Path] = err
		return nil, err
	}
	delete(mg.failed, f.Path)
	mg.modules[f.Path] = m
	return m, nil
}

// ModuleToken is a token with the module that serves it.
type ModuleToken struct {
	Module *Module
	TokenInfo
}

// Tokens lists every token of every installed catalog module, rescanning
// idle modules so that plugged and unplugged tokens show. A module that
// fails or hangs is logged and skipped: the others still answer. A scan is
// reused for CacheFor, so pages polling getActiveTokens cost little.
func (mg *Manager) Tokens(ctx context.Context) []ModuleToken {
	mg.mu.Lock()
	if mg.tokens != nil && time.Since(mg.tokensAt) < mg.CacheFor {
		c := slices.Clone(mg.tokens)
		mg.mu.Unlock()
		return c
	}
	mg.mu.Unlock()
	out := []ModuleToken{}
	for _, f := range Installed(mg.catalog) {
		m, err := mg.Module(ctx, f)
		if err != nil {
			continue
		}
		if _, err := m.Reinit(ctx); err != nil {
			mg.log.Warn("pkcs11 rescan failed", "module", f.Spec.Name, "err", err)
			continue
		}
		ts, err := m.Tokens(ctx)
		if err != nil {
			mg.log.Warn("pkcs11 token list failed", "module", f.Spec.Name, "err", err)
			continue
		}
		for _, t := range ts {
			out = append(out, ModuleToken{m, t})
		}
	}
	mg.mu.Lock()
	mg.tokens, mg.tokensAt = out, time.Now()
	mg.mu.Unlock()
	return slices.Clone(out)
}

// ActiveStorages answers NCALayer's getActiveTokens: the storage names of
// tokens plugged in now, sorted, each once.
func (mg *Manager) ActiveStorages(ctx context.Context) []string {
	set := []string{}
	for _, t := range mg.Tokens(ctx) {
		if !slices.Contains(set, t.Storage) {
			set = append(set, t.Storage)
		}
	}
	slices.Sort(set)
	return set
}

// Close unloads every module.
func (mg *Manager) Close() {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	for p, m := range mg.modules {
		m.Close()
		delete(mg.modules, p)
	}
}
