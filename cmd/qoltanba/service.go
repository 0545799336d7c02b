package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kardianos/service"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/installer"
)

const serviceUsage = `usage: qoltanba service <command> [flags]

  install --unattended (--p12 F --password-file F | --pkcs11 M --pin-file F) --allow-origin O... [--port N]
            register the agent as a system service that signs every request of those
            sites with one key, WITHOUT a dialog, from boot (kiosks, servers)
  uninstall [--if-installed]   stop and remove it
  start | stop | status        the service manager's verbs
  run [serve's unattended flags]   what the service manager starts (in a terminal: the
            same in the foreground, until Ctrl-C)
`

// cmdService manages the headless system service (docs/admin.md).
func cmdService(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, serviceUsage)
		return usageMsg("cli-service-command-needed")
	}
	switch args[0] {
	case "install":
		return serviceInstall(e, args[1:])
	case "uninstall":
		return serviceUninstall(e, args[1:])
	case "start", "stop", "status":
		return serviceControl(e, args[0], args[1:])
	case "run":
		return serviceRun(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, serviceUsage)
		return nil
	}
	fmt.Fprint(e.stderr, serviceUsage)
	return usageMsg("cli-service-unknown-command", args[0])
}

func serviceInstall(e *env, args []string) error {
	fs := newFlags(e, "service install", "--unattended (--p12 F --password-file F | --pkcs11 M --pin-file F) --allow-origin O... [--port N]")
	unattended := fs.Bool("unattended", false, "required: you register a service that signs WITHOUT asking anyone")
	port := fs.Int("port", 0, "listen on this `port` (default: the configured one, 13579)")
	policyFile := fs.String("policy", "", "check against this machine policy `file` instead of "+agent.PolicyPath+" (tests)")
	user := fs.String("user", "", "macOS: the `account` the daemon runs as (it must own the secret files)")
	var allow listFlag
	fs.Var(&allow, "allow-origin", "a site `origin` (https://host[:port]) whose requests are signed; repeatable")
	var ks keySource
	ks.register(fs, true)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*unattended {
		return usageMsg("cli-service-unattended")
	}
	if len(allow) == 0 {
		return usageMsg("cli-service-allow-origin")
	}
	secret := ks.pwFile
	if ks.module != "" {
		secret = ks.pinFile
	}
	if secret == "" || (ks.p12 == "" && ks.module == "") {
		return usageMsg("cli-service-secret")
	}
	if err := ks.check(); err != nil {
		return err
	}
	origins := make([]string, 0, len(allow))
	for _, a := range allow {
		o, err := agent.ParseOrigin(a)
		if err != nil || o.IsLocal() || (o.Scheme != "https" && o.Scheme != "http") {
			return usageMsg("cli-service-bad-origin", a)
		}
		origins = append(origins, o.String())
	}
	if !privileged() {
		return usageMsg("cli-needs-privilege", "service install", failMsg(privilegeName))
	}
	pol, err := loadPolicy(*policyFile)
	if err != nil {
		return err
	}
	cfg := pol.Apply(agent.DefaultConfig())
	if cfg.DisableUnattended {
		return failMsg("cli-unattended-off", cfg.PolicySource)
	}
	if cfg.DisableKeyFiles && ks.p12 != "" {
		return errKeyFilesOff(cfg)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	spec := installer.ServiceSpec{Exe: exe, Port: *port, Origins: origins, P12: ks.p12, Module: ks.module, Slot: ks.slot,
		Alias: ks.alias, KeyID: ks.keyID, User: *user, AuditDir: cfg.AuditDir}
	if ks.module != "" {
		spec.PINFile = ks.pinFile
	} else {
		spec.PasswordFile = ks.pwFile
	}
	// Every word goes into the service's definition: a line break would
	// start a line of its own there.
	if err := spec.Validate(); err != nil {
		return usageErr("%v", err)
	}
	// The secret must be the service's alone, and the key file (or the
	// token's module) root's: systemd reads them as root at every start,
	// so nobody else may be able to change them, or a directory on their
	// way. The unit names the absolute paths checked here.
	abs, err := installer.CheckSecretFile(secret)
	if err != nil {
		return err
	}
	if ks.module != "" {
		spec.PINFile = abs
	} else {
		spec.PasswordFile = abs
	}
	if ks.p12 != "" {
		if spec.P12, err = installer.CheckServiceFile(ks.p12); err != nil {
			return err
		}
	}
	if strings.ContainsRune(ks.module, os.PathSeparator) {
		if spec.Module, err = installer.CheckServiceFile(ks.module); err != nil {
			return err
		}
	}
	// The key must open with the secret now rather than fail at every start.
	keys, closeKeys, err := ks.open(e)
	if err != nil {
		return failMsg("cli-service-key", err)
	}
	closeKeys()
	s, err := installer.NewService(spec)
	if err != nil {
		return err
	}
	if installer.ServiceInstalled(s) {
		return failMsg("cli-service-already")
	}
	if err := s.Install(); err != nil {
		return fmt.Errorf("service install: %w", err)
	}
	fmt.Fprintln(e.stdout, e.T("cli-service-installed", installer.ServiceName, s.Platform(), strings.Join(origins, ", "), keys[0].Certificate.Subject.CommonName))
	fmt.Fprintln(e.stdout, e.T("cli-service-next"))
	return nil
}

func serviceUninstall(e *env, args []string) error {
	fs := newFlags(e, "service uninstall", "[--if-installed]")
	ifInstalled := fs.Bool("if-installed", false, "succeed when there is no service (package scripts)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := installer.NewService(installer.ServiceSpec{})
	if err != nil {
		if *ifInstalled {
			return nil
		}
		return err
	}
	if !installer.ServiceInstalled(s) {
		if *ifInstalled {
			return nil
		}
		return failMsg("cli-service-not-installed")
	}
	if !privileged() {
		return usageMsg("cli-needs-privilege", "service uninstall", failMsg(privilegeName))
	}
	s.Stop() // it may not be running
	if err := s.Uninstall(); err != nil {
		return fmt.Errorf("service uninstall: %w", err)
	}
	fmt.Fprintln(e.stdout, e.T("cli-service-removed"))
	return nil
}

func serviceControl(e *env, verb string, args []string) error {
	fs := newFlags(e, "service "+verb, "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := installer.NewService(installer.ServiceSpec{})
	if err != nil {
		if verb == "status" {
			fmt.Fprintf(e.stdout, "not installed: %v\n", err)
			return failMsg("cli-service-not-installed")
		}
		return err
	}
	switch verb {
	case "start":
		if st, err := s.Status(); err == nil && st == service.StatusRunning {
			fmt.Fprintln(e.stdout, "already running")
			return nil
		}
		return s.Start()
	case "stop":
		return s.Stop()
	}
	st, err := s.Status()
	switch {
	case errors.Is(err, service.ErrNotInstalled):
		fmt.Fprintln(e.stdout, "not installed")
		return failMsg("cli-service-not-installed")
	case err != nil:
		return err
	case st == service.StatusRunning:
		fmt.Fprintln(e.stdout, "running")
		return nil
	}
	fmt.Fprintln(e.stdout, "stopped")
	return failMsg("cli-service-not-running")
}

// serviceProgram runs `serve --unattended` under the service manager.
type serviceProgram struct {
	e      *env
	args   []string
	cancel context.CancelFunc
	done   chan error
	mu     sync.Mutex
	stop   bool
}

func (p *serviceProgram) Start(service.Service) error {
	ctx, cancel := context.WithCancel(p.e.ctx)
	p.cancel, p.done = cancel, make(chan error, 1)
	ce := *p.e
	ce.ctx = ctx
	go func() {
		err := cmdServe(&ce, p.args)
		p.mu.Lock()
		stopping := p.stop
		p.mu.Unlock()
		if !stopping && ctx.Err() == nil { // it could not start (a wrong PIN, a taken port): the manager restarts it
			fmt.Fprintf(p.e.stderr, "qoltanba service: %v\n", err)
			os.Exit(exitInvalid)
		}
		p.done <- err
	}()
	return nil
}

func (p *serviceProgram) Stop(service.Service) error {
	p.mu.Lock()
	p.stop = true
	p.mu.Unlock()
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
	return nil
}

// serviceRun is what the service manager starts: serve --unattended with
// the given flags, logging to the journal (standard error under systemd)
// or the Windows event log; never a dialog. In a terminal it runs in the
// foreground until Ctrl-C.
func serviceRun(e *env, args []string) error {
	var serveArgs []string
	windowsService := false
	for _, a := range args {
		switch {
		case a == "--windows-service": // written by service install on Windows
			windowsService = true
			continue
		case a == "--ui" || strings.HasPrefix(a, "--ui=") || a == "--unattended":
			return usageErr("service run always runs unattended and without UI; %s is not needed", a)
		}
		serveArgs = append(serveArgs, a)
	}
	p := &serviceProgram{e: e, args: append([]string{"--unattended"}, serveArgs...)}
	s, err := installer.RunningService(p)
	if err != nil {
		return err
	}
	ce := *e
	ce.requireAudit = true
	ce.stderr = serviceLog(s, e.stderr, !windowsService && service.Interactive())
	p.e = &ce
	slog.New(slog.NewTextHandler(ce.stderr, nil)).Info("service starting", "manager", windowsService || !service.Interactive(), "pid", strconv.Itoa(os.Getpid()))
	if windowsService {
		return runUnderServiceManager(p, s)
	}
	return s.Run()
}
