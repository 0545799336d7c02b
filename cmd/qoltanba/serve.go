package main

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token"
	"github.com/qoltanba/qoltanba/token/p11"
	"github.com/qoltanba/qoltanba/transport"
	"github.com/qoltanba/qoltanba/ui"
)

// cmdServe runs the agent: wss://127.0.0.1:13579 with the NCALayer and
// native protocols.
func cmdServe(e *env, args []string) (err error) {
	name := "serve"
	if e.defaultUI == "auto" {
		name = "run"
	}
	fs := newFlags(e, name, "[--ui desktop|tty|auto] [--config FILE] [--port N] [--unattended --allow-origin ORIGIN... (--p12 FILE [--alias A] --password-file F | --pkcs11 MODULE [--slot N] [--key-id HEX] --pin-file F)]")
	uiKind := fs.String("ui", e.defaultUI, "how to ask the user: desktop (dialogs and tray), tty (this terminal), or auto (desktop when there is a display)")
	configFile := fs.String("config", filepath.Join(agent.ConfigDir(), "config.json"), "configuration `file` (docs/config.md)")
	port := fs.Int("port", 0, "listen on this `port` instead of the configured one (13579)")
	policyFile := fs.String("policy", "", "read the machine policy from this `file` instead of "+agent.PolicyPath+" (tests)")
	unattended := fs.Bool("unattended", false, "sign every request of the --allow-origin sites with one key, with NO dialog (automated tests, kiosks)")
	var allow listFlag
	fs.Var(&allow, "allow-origin", "unattended: a site `origin` (https://host[:port]) or a browser extension (chrome-extension://<id>, docs/russia.md) whose requests are signed; repeatable")
	var ks keySource
	ks.register(fs, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := agent.LoadConfig(*configFile)
	if err != nil {
		return err
	}
	if *port != 0 {
		cfg.Port = *port
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// The organisation's policy wins over config.json; one that cannot be
	// read stops the agent rather than let it run unmanaged.
	pol, err := loadPolicy(*policyFile)
	if err != nil {
		return failMsg("cli-serve-policy-unreadable", err)
	}
	if pol != nil {
		cfg = pol.Apply(cfg)
		log.Info("managed by a machine policy", "source", pol.Source)
	}

	if e.defaultUI == "auto" { // run: the user's login
		trustMachineCA(log)
		if exe, replaceable, xerr := runningProgram(); xerr == nil {
			// The update watch ends run's context to restart into a newer
			// program (restart.go); run then starts again as it.
			ctx, stop := context.WithCancelCause(e.ctx)
			defer stop(nil)
			re := *e
			re.ctx = ctx
			e = &re
			e.updates = newUpdateWatch(exe, replaceable, updateStateDir(), log, func() { stop(errRestart) })
			go e.updates.run(ctx)
			go dailyUpdateChecks(ctx, cfg, exe, replaceable, log, e.updates.changed)
			defer func() {
				if errors.Is(context.Cause(ctx), errRestart) {
					log.Info("starting the updated program", "program", exe)
					if rerr := reexec(exe, os.Args); rerr != nil {
						log.Error("the updated program could not be started: start qoltanba again", "program", exe, "err", rerr)
						err = rerr
					} else {
						err = nil // Windows: the new agent runs; this one ends
					}
				}
			}()
		}
	}

	var prompter agent.Prompter
	var unattendedOrigins []agent.Origin
	if *unattended {
		if cfg.DisableUnattended {
			return failMsg("cli-serve-unattended-off", cfg.PolicySource)
		}
		if cfg.DisableKeyFiles && ks.p12 != "" {
			return errKeyFilesOff(cfg)
		}
		if len(allow) == 0 {
			return usageMsg("cli-serve-unattended-origin")
		}
		if (ks.p12 == "" || ks.pwFile == "") && (ks.module == "" || ks.pinFile == "") {
			return usageMsg("cli-serve-unattended-key")
		}
		if err := ks.check(); err != nil {
			return err
		}
		for _, a := range allow {
			o, err := agent.ParseOrigin(a)
			if err != nil || o.IsLocal() {
				return usageMsg("cli-serve-bad-origin", a)
			}
			unattendedOrigins = append(unattendedOrigins, o)
		}
		// Unattended mode opens the key once, at start: a wrong password
		// fails now rather than at the first request, and requests do not
		// pay the key-file KDF. The key stays in memory for the process's
		// life (the operator chose a mode without dialogs); it is wiped on
		// exit.
		keys, closeKeys, err := ks.open(e)
		if err != nil {
			return err
		}
		defer closeKeys()
		warnUnusableKeys(e, keys, time.Now())
		e.nativeKeys = unattendedKeyList(keys, ks.p12 != "")
		prompter = &agent.Unattended{Origins: unattendedOrigins, Open: func(context.Context) ([]*token.Key, func(), error) {
			return keys, func() {}, nil
		}}
		fmt.Fprintf(e.stderr, "%s\n%s\n%s\n", strings.Repeat("!", 72), e.T("cli-serve-banner", strings.Join(allow, ", ")), strings.Repeat("!", 72))
	} else {
		if ks.p12 != "" || ks.module != "" || len(allow) > 0 {
			return usageMsg("cli-serve-key-without-unattended")
		}
		kind := *uiKind
		if kind == "auto" {
			kind = autoUI(e, log)
		}
		switch kind {
		case "desktop":
			if !desktopBuilt {
				return failMsg("cli-serve-no-desktop-build")
			}
			if !hasDisplay() {
				return failMsg("cli-serve-no-display")
			}
			return runDesktop(e, cfg, *configFile, log)
		case "tty":
			f, ok := terminalIn(e)
			if !ok {
				return failMsg("cli-serve-tty-needs-terminal")
			}
			tty := ui.NewTTY(f, e.stdout, int(f.Fd()))
			tty.Locale = func() string { return ui.EffectiveLocale(cfg, "") } // the desktop dialog's language
			prompter = tty
		case "none":
			prompter = agent.NoDialog{}
		default:
			return usageMsg("cli-serve-bad-ui")
		}
	}
	return serve(e, cfg, prompter, unattendedOrigins, log, nil)
}

// autoUI picks how run asks the user: the desktop dialogs when this build
// has them and there is a display, else this terminal, else no one — the
// agent still runs, and pages are told the dialog cannot be shown (the
// log says why), instead of run failing at a login with neither.
func autoUI(e *env, log *slog.Logger) string {
	switch _, tty := terminalIn(e); {
	case desktopBuilt && hasDisplay():
		return "desktop"
	case tty:
		log.Info("no display: asking in the terminal")
		return "tty"
	}
	log.Warn("no display and no terminal: no one can be asked, so every request is refused until qoltanba runs in a desktop session or a terminal")
	return "none"
}

// terminalIn is standard input when it is a terminal.
func terminalIn(e *env) (*os.File, bool) {
	f, _ := e.stdin.(*os.File)
	return f, isTerminal(e.stdin)
}

// loadServeFiles reads the files the configuration names that serve needs
// before it listens: the permissions and the production CA certificates.
// status calls it too, so it reports what would stop serve.
func loadServeFiles(cfg agent.Config) (*agent.Permissions, []*x509.Certificate, error) {
	perms, err := agent.LoadPermissions(filepath.Join(agent.DataDir(), "permissions.json"), cfg.AllowedOrigins, cfg.DeniedOrigins)
	if err != nil {
		return nil, nil, err
	}
	var prodCAs []*x509.Certificate
	if len(cfg.ProductionCAFiles) > 0 {
		if prodCAs, err = loadCerts(cfg.ProductionCAFiles); err != nil {
			return nil, nil, fmt.Errorf("productionCAFiles: %w", err)
		}
	}
	return perms, prodCAs, nil
}

// serve wires the agent and runs the server until the context ends;
// onReady, if set, is called once it listens.
func serve(e *env, cfg agent.Config, prompter agent.Prompter, unattended []agent.Origin, log *slog.Logger,
	onReady func(a *agent.Agent, port int, auditPath string)) error {
	dataDir := agent.DataDir()
	perms, prodCAs, err := loadServeFiles(cfg)
	if err != nil {
		return err
	}
	// The signed data files `qoltanba update` wrote: more known sites,
	// production CAs and token modules; a bad one is logged and skipped.
	data := agent.LoadDataFiles(agent.UpdateDataDir(), log)
	cfg = data.Apply(cfg)
	prodCAs = append(prodCAs, data.ProductionCAs...)
	catalog := p11.DefaultCatalog()
	if data.TokenModules != nil {
		if extra, err := p11.ParseCatalogFile(data.TokenModules); err != nil {
			log.Warn("a data file from the update is not used: running with the built-in data", "file", filepath.Join(agent.UpdateDataDir(), agent.TokenModulesFile), "err", err)
		} else {
			catalog = append(catalog, extra...)
		}
	}
	if cfg.PKCS11Only { // the policy names the only modules to load
		catalog = nil
	}
	for _, m := range cfg.PKCS11Modules {
		catalog = append(catalog, p11.ModuleSpec{Name: m.Name, Storage: m.Storage, Paths: []string{m.Path}})
	}
	mgr := p11.NewManager(catalog, log)
	defer mgr.Close()
	auditPath := filepath.Join(dataDir, "audit.jsonl")
	if cfg.AuditDir != "" {
		auditPath = filepath.Join(cfg.AuditDir, "audit.jsonl")
	}
	audit := agent.NewAudit(auditPath)
	// An organisation that names the audit directory, and the system
	// service (which signs without anyone watching), rely on the log: no
	// signature leaves without its line there.
	audit.Required = cfg.AuditDir != "" || e.requireAudit
	defer audit.Close()
	a, err := agent.New(agent.Options{Config: cfg, Prompter: prompter, KeyStores: tokenStores{mgr}, Permissions: perms,
		KnownKeys: knownKeys(), Audit: audit, ProductionCAs: prodCAs, Log: log})
	if err != nil {
		return err
	}
	// The user's own certificate (qoltanba install), else the machine's
	// (install --all-users, the MSI or the package), else a temporary one.
	tlsDir := filepath.Join(agent.ConfigDir(), "tls")
	if _, err := os.Stat(filepath.Join(tlsDir, "cert.pem")); err != nil {
		if machine := filepath.Join(agent.MachineDir(), "tls"); fileExists(filepath.Join(machine, "cert.pem")) {
			tlsDir = machine
		}
	}
	tlsCfg, generated, err := transport.LoadTLS(filepath.Join(tlsDir, "cert.pem"), filepath.Join(tlsDir, "key.pem"))
	if err != nil {
		return err
	}
	if generated {
		log.Warn("no installed TLS certificate: using a temporary self-signed one; browsers will not trust it until `qoltanba install`", "dir", tlsDir)
	}
	srv := &transport.Server{Agent: a, Version: version, Port: cfg.Port, TLS: tlsCfg, Log: log,
		MaxMessage: cfg.MaxMessageBytes, RequestMemory: cfg.MaxRequestMemoryBytes, Unattended: unattended}
	if err := srv.Listen(); err != nil {
		if errors.Is(err, transport.ErrPortTaken) {
			if h := portHolder(cfg.Port); h != "" {
				return fmt.Errorf("%w: held by %s", transport.ErrPortTaken, h)
			}
			return fmt.Errorf("%w: is NCALayer or another qoltanba running? (%v)", transport.ErrPortTaken, err)
		}
		return err
	}
	startNativeDoor(e, a, cfg, log) // Gosuslugi's extensions (issue 24)
	log.Info("listening", "url", fmt.Sprintf("wss://127.0.0.1:%d/", srv.Port), "version", version)
	fmt.Fprintf(e.stdout, "qoltanba %s listening on wss://127.0.0.1:%d/\n", version, srv.Port)
	for _, d := range vendorDoors(cfg, srv, log) {
		fmt.Fprintf(e.stdout, "qoltanba %s listening on wss://127.0.0.1:%d%s (%s)\n", version, d.srv.Port, d.path, d.name)
		go d.srv.Serve(e.ctx)
	}
	if onReady != nil {
		onReady(a, srv.Port, auditPath)
	}
	e.updates.setAgent(a) // run: may restart into an update when idle
	// Package initialisers (fyne's themes and translations among them)
	// leave garbage behind; give it back before idling for hours.
	debug.FreeOSMemory()
	writeStats(e.ctx)
	if os.Getenv("GOMEMLIMIT") == "" {
		// The request budget bounds what pages can make the agent hold;
		// a soft limit a little above it makes the collector keep the
		// garbage of large documents from piling up on top.
		debug.SetMemoryLimit(cfg.MaxRequestMemoryBytes + 128<<20)
	}
	return srv.Serve(e.ctx)
}

// vendorDoor is a Vietnamese vendor's door the agent serves.
type vendorDoor struct {
	srv        *transport.Server
	name, path string
}

// vendorDoors binds the doors the configuration turns on (docs/vietnam.md):
// the VNPT-CA Plugin on the first free port of 4433, 4434, 4435 (pages
// try them in that order), VGCA SignService on 8987. A port held by
// another program (the vendor's own tool) leaves that door off, with a
// warning: the agent still serves the others.
func vendorDoors(cfg agent.Config, srv *transport.Server, log *slog.Logger) []vendorDoor {
	var out []vendorDoor
	try := func(door transport.Door, name, path string, ports []int) {
		for _, p := range ports {
			s := srv.Sibling(door, p)
			err := s.Listen()
			if err == nil {
				log.Info("listening", "door", name, "url", fmt.Sprintf("wss://127.0.0.1:%d%s", p, path))
				out = append(out, vendorDoor{s, name, path})
				return
			}
			log.Warn("port taken", "door", name, "port", p, "holder", portHolder(p), "err", err)
		}
		log.Warn("every port of this door is taken: it stays off until they are free", "door", name, "ports", ports)
	}
	if cfg.Serves(agent.ProtocolVNPT) {
		try(transport.DoorVNPT, "VNPT-CA Plugin", "/plugin", transport.VNPTPorts)
	}
	if cfg.Serves(agent.ProtocolVGCA) {
		try(transport.DoorVGCA, "VGCA SignService", "/", []int{transport.VGCAPort})
	}
	return out
}

// errKeyFilesOff refuses --p12 where the policy allows tokens only.
func errKeyFilesOff(cfg agent.Config) error {
	return failMsg("cli-serve-key-files-off", cfg.PolicySource)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// tokenStores adapts the PKCS#11 manager to the agent.
type tokenStores struct{ mg *p11.Manager }

func (t tokenStores) Tokens(ctx context.Context) []agent.StoreInfo {
	var out []agent.StoreInfo
	for _, mt := range t.mg.Tokens(ctx) {
		out = append(out, agent.StoreInfo{Storage: mt.Storage, Label: mt.Label, PIN: mt.PIN, Ref: mt})
	}
	return out
}

func (t tokenStores) ActiveStorages(ctx context.Context) []string { return t.mg.ActiveStorages(ctx) }

// Certificates lists a token's certificates without a PIN (agent.KnownKeys).
func (t tokenStores) Certificates(ctx context.Context, s agent.StoreInfo) ([]agent.KnownKey, error) {
	mt, ok := s.Ref.(p11.ModuleToken)
	if !ok {
		return nil, agent.ErrUnknownStore
	}
	certs, err := mt.Module.Certificates(ctx, mt.Slot)
	if err != nil {
		return nil, err
	}
	out := make([]agent.KnownKey, 0, len(certs))
	for _, c := range certs {
		alias := c.Label
		if alias == "" {
			alias = hex.EncodeToString(c.ID)
		}
		out = append(out, agent.KnownKey{Alias: alias, ID: c.ID, Certificate: c.Cert})
	}
	return out, nil
}

func (t tokenStores) Open(ctx context.Context, s agent.StoreInfo, pin []byte) ([]*token.Key, func(), error) {
	mt, ok := s.Ref.(p11.ModuleToken)
	if !ok {
		return nil, nil, agent.ErrUnknownStore
	}
	sess, err := mt.Module.Login(ctx, mt.Slot, pin)
	if err != nil {
		return nil, nil, err
	}
	keys, err := sess.Keys(ctx)
	if err != nil {
		sess.Close()
		return nil, nil, err
	}
	return keys, func() { sess.Close() }, nil
}
