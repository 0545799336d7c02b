package main

// The desktop UI for Windows: native Win32 dialogs and the notification
// area icon (ui/winui), which need no OpenGL and so run on every desktop,
// RDP sessions and VMs included.

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
	"github.com/qoltanba/qoltanba/ui/winui"
)

// desktopBuilt: the Win32 dialogs are always built on Windows (they need
// no OpenGL).
const desktopBuilt = true

// runDesktop runs the agent with the Win32 dialogs and tray. If no window
// can be created, the user is told in a message box (and the log), and the
// agent keeps serving, refusing every request with a clear error.
func runDesktop(e *env, cfg agent.Config, configPath string, log *slog.Logger) error {
	prefs := &ui.FilePrefs{Path: filepath.Join(agent.ConfigDir(), "ui.json")}
	language := &ui.Language{Prefs: prefs, Config: cfg}
	locale := language.Get
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	ce := *e
	ce.ctx = ctx
	u, err := winui.Start()
	if err != nil {
		log.Error("the desktop dialogs cannot be shown: requests are refused until qoltanba restarts", "err", err)
		winui.MessageBox("qoltanba", ui.T(locale(), "no-desktop"))
		return serve(&ce, cfg, agent.NoDialog{}, nil, log, nil)
	}
	defer u.Quit()
	var tray *winui.Tray
	desk := &ui.Desk{Renderer: &winui.Desktop{UI: u}, Locale: locale, Delay: time.Second, Recent: &ui.RecentFiles{Prefs: prefs}, OnBusy: func(busy bool) {
		if tray != nil {
			tray.SetState(ui.BusyState(busy))
		}
	}}
	err = serve(&ce, cfg, desk, nil, log, func(ag *agent.Agent, port int, auditPath string) {
		t := &winui.Tray{UI: u, Agent: ag, Port: port, Version: version, AuditPath: auditPath, Language: language, ConfigPath: configPath,
			Log: log, OnQuit: cancel, Update: e.updates.line()}
		if err := t.Install(); err != nil {
			log.Warn("no notification-area icon", "err", err)
			return
		}
		tray = t
		e.updates.setRefresh(t.Refresh)
	})
	if err == nil || ctx.Err() != nil {
		return err
	}
	// The agent could not start (a taken port, most often): say so with the
	// tray's error state and a message box, and stay until Quit.
	log.Error("agent stopped", "err", err)
	msg := startFailure(locale(), err, cfg.Port)
	t := &winui.Tray{UI: u, Language: language, Log: log, OnQuit: cancel}
	if t.InstallError(msg) != nil {
		winui.MessageBox("qoltanba", msg)
		return err
	}
	<-ctx.Done()
	return err
}
