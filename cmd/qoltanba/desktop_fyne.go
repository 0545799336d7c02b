//go:build !windows && !nodesktop

package main

// The desktop UI for Linux and macOS: fyne's dialogs and tray
// (ui/fyneui), with the agent's server beside fyne's loop. A build with
// -tags nodesktop leaves it out (desktop_none.go), and with it OpenGL and X11.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/transport"
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
	locale := &fyneui.LocaleSetting{App: a, Config: cfg}
	// A window that is never closed keeps fyne's loop alive when the last
	// dialog closes (fyne quits when its last window is destroyed). It is
	// the first window: where the display went away since hasDisplay
	// looked, GLFW panics here, and that is said in one line.
	keep, err := newFyneWindow(a, "qoltanba")
	if err != nil {
		return failMsg("cli-serve-no-display")
	}
	keep.SetCloseIntercept(keep.Hide)
	var tray *fyneui.Tray
	desk := &ui.Desk{Renderer: &fyneui.Desktop{App: a}, Locale: locale.Get, Delay: time.Second,
		Recent: &ui.RecentFiles{Prefs: a.Preferences()}, OnBusy: func(busy bool) {
			if tray != nil {
				if busy {
					tray.SetState(fyneui.TrayWaiting)
				} else {
					tray.SetState(fyneui.TrayIdle)
				}
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
			t := &fyneui.Tray{App: a, Agent: ag, Port: port, Version: version, AuditPath: auditPath, Log: log, Locale: locale, OnQuit: cancel,
				ConfigPath: configPath}
			fyne.DoAndWait(func() {
				if t.Install() {
					tray = t
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
		msg := ui.T(locale.Get(), "port-taken", wrapText(err.Error(), 80))
		if errors.Is(err, transport.ErrPortTaken) {
			msg = ui.T(locale.Get(), "port-busy", cfg.Port)
		}
		fyne.Do(func() {
			if tray != nil {
				tray.SetState(fyneui.TrayError)
			} else {
				(&fyneui.Tray{App: a, Locale: locale, Log: log}).InstallError(msg)
			}
			w := a.NewWindow("qoltanba")
			w.SetContent(container.NewVBox(widget.NewLabel(msg), container.NewHBox(layout.NewSpacer(), widget.NewButton(ui.T(locale.Get(), "tray-quit"), a.Quit))))
			w.SetCloseIntercept(a.Quit)
			w.CenterOnScreen()
			w.Show()
		})
	}()
	if err := runFyne(a); err != nil {
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

// newFyneWindow is a.NewWindow, turning the panic GLFW raises when the
// display cannot be opened into an error.
func newFyneWindow(a fyne.App, title string) (w fyne.Window, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return a.NewWindow(title), nil
}

// runFyne runs fyne's loop, turning the panic fyne raises when its driver
// cannot start (GLFW without OpenGL) into an error.
func runFyne(a fyne.App) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	a.Run()
	return nil
}

// wrapText breaks s into lines of at most n characters at spaces.
func wrapText(s string, n int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && line+1+len([]rune(w)) > n {
			b.WriteByte('\n')
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len([]rune(w))
	}
	return b.String()
}
