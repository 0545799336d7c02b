package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
	"github.com/qoltanba/qoltanba/transport"
)

// startNativeDoor opens the agent's end of the native messaging hosts (a
// socket only this user can open) and serves it until the agent stops.
// The agent runs on without it when it cannot be opened (another agent of
// this user has it, or this system has no implementation yet): WebSocket
// pages still work, and the log says why Gosuslugi's cannot.
func startNativeDoor(e *env, a *agent.Agent, cfg agent.Config, log *slog.Logger) {
	path := transport.NativeSocketPath()
	l, err := transport.ListenNative(path)
	if err != nil {
		log.Warn("native messaging door closed", "err", err)
		return
	}
	keys := e.nativeKeys
	if keys == nil {
		keys = knownKeyLister{a}
	}
	d := &transport.NativeDoor{Agent: a, Version: version, Log: log, Keys: keys,
		// With "my keys" empty and no token showing a certificate, a page
		// that lists certificates gets the one the user chooses in the
		// dialog (nothing is signed there).
		AskForKeys: e.nativeKeys == nil, RequestMemory: cfg.MaxRequestMemoryBytes}
	log.Info("native messaging door", "socket", path)
	go func() {
		if err := d.Serve(e.ctx, l); err != nil {
			log.Warn("native messaging door stopped", "err", err)
		}
	}()
}

// knownKeyLister lists "my keys" (the key files the user keeps) and the
// certificates tokens show without login: what pages may see before any
// password or PIN.
type knownKeyLister struct{ a *agent.Agent }

// ListedKeys implements transport.KeyLister.
func (l knownKeyLister) ListedKeys(ctx context.Context) []transport.ListedKey {
	var out []transport.ListedKey
	for _, k := range l.a.KnownKeys(ctx) {
		label := k.Alias
		if k.Path != "" {
			label = filepath.Base(k.Path)
		}
		out = append(out, transport.ListedKey{Certificate: k.Certificate, Storage: k.Storage, Label: label})
	}
	return out
}

// unattendedKeyList: in unattended mode pages may list the one configured
// key (its certificate; the key itself stays with the prompter).
func unattendedKeyList(keys []*token.Key, keyFile bool) transport.KeyList {
	storage := "PKCS11"
	if keyFile {
		storage = agent.StorePKCS12
	}
	var l transport.KeyList
	for _, k := range keys {
		l = append(l, transport.ListedKey{Certificate: k.Certificate, Storage: storage})
	}
	return l
}
