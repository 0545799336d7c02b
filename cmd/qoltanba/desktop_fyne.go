//go:build !windows && !nodesktop

package main

// The desktop UI for Linux and macOS: fyne's dialogs and tray
// (ui/fyneui), with the agent's server beside fyne's loop. This file only
// wires them: every window is built in ui/fyneui. A build with
// -tags nodesktop leaves it out (desktop_none.go), and with it OpenGL and X11.

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/ui"
	"github.com/qoltanba/qoltanba/ui/fyneui"
)

// desktopBuilt: this build has the desktop dialogs.
const desktopBuilt = true

// runDesktop runs the agent with fyne dialogs and the tray. fyne's loop
// must own the main goroutine, so the server runs beside it.
func runDesktop(e *env, cfg agent.Config, configPath string, log *slog.Logger) error {
	a := app.NewWithID("kz.qoltanba.agent")
	a.SetIcon(fyneui.Icon)
	a.Lifecycle().SetOnStarted(fyneui.SetWindowClass)
	language := &ui.Language{Prefs: a.Preferences(), Config: cfg}
	if fyneui.KeepAlive(a) != nil {
		return failMsg("cli-serve-no-display")
	}
	var tray *fyneui.Tray
	desk := &ui.Desk{Renderer: &fyneui.Desktop{App: a}, Locale: language.Get, Delay: time.Second,
		Recent: &ui.RecentFiles{Prefs: a.Preferences()}, OnBusy: func(busy bool) {
			if tray != nil {
				tray.SetState(ui.BusyState(busy))
			}
		}}
	prompter := newSwitchPrompter(desk)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	ce := *e
	ce.ctx = ctx
	errc := make(chan error, 1)
	go func() {
		err := serve(&ce, cfg, prompter, nil, log, func(ag *agent.Agent, port int, auditPath string) {
			t := &fyneui.Tray{App: a, Agent: ag, Port: port, Version: version, AuditPath: auditPath, Log: log, Language: language,
				OnQuit: cancel, ConfigPath: configPath, Update: e.updates.line()}
			fyne.DoAndWait(func() {
				if t.Install() {
					tray = t
					e.updates.setRefresh(t.Refresh)
				}
			})
		})
		errc <- err
		if err == nil || ctx.Err() != nil {
			fyne.Do(a.Quit)
			return
		}
		// The agent could not start (a taken port, most often): say so in
		// the tray's error state and a window, and stay until the user
		// closes it.
		log.Error("agent stopped", "err", err)
		msg := startFailure(language.Get(), err, cfg.Port)
		fyne.Do(func() {
			t := tray
			if t == nil {
				t = &fyneui.Tray{App: a, Language: language, Log: log}
			}
			t.ShowStartError(msg)
		})
	}()
	if err := fyneui.Run(a); err != nil {
		// No window can be created (no OpenGL, a broken display): say so
		// in the log, refuse requests with a clear error, keep serving.
		log.Error("the desktop dialogs cannot be shown: requests are refused until qoltanba restarts", "err", err)
		prompter.set(agent.NoDialog{})
		select {
		case <-ctx.Done():
		case err := <-errc:
			return err
		}
	}
	cancel()
	return <-errc
}
