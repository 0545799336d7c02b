package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/ui"
	"github.com/qoltanba/qoltanba/update"
)

// errRestart ends run's context so that the agent starts again as the
// updated program (reexec, a platform difference: restart_*.go).
var errRestart = errors.New("restarting into the updated program")

// idleHolder is the agent's side of a restart: (*agent.Agent).HoldIdle.
type idleHolder interface {
	HoldIdle() (release func(), ok bool)
}

// updateWatch connects run's update state with the running agent: the
// tray's line on updates, and the restart into a program the daily check
// (or the user's `qoltanba update`) installed — only when no dialog is
// open; while one is, it tries again at the next look.
type updateWatch struct {
	exe        string // the program as started (read before any swap)
	canRestart bool   // a per-user copy that updates replace
	managed    bool   // a package's or the MSI's copy: it only reports
	running    string // this program's version
	stateDir   string
	log        *slog.Logger
	every      time.Duration                   // how often the state file is read (a minute)
	verify     func(exe, version string) error // the new program runs and names version (runsAs)
	restart    func()                          // ends run's context with errRestart

	mu      sync.Mutex
	agent   idleHolder // set once the agent serves
	refresh func()     // redraws the tray's menu
	kick    chan struct{}
	refused string // a version whose program did not run: not tried again
}

// updateWatchEvery is how often run reads the update state: a string, so
// that a test's build can shorten it (-ldflags -X main.updateWatchEvery=200ms).
var updateWatchEvery = "1m"

func newUpdateWatch(exe string, replaceable bool, stateDir string, log *slog.Logger, restart func()) *updateWatch {
	every, err := time.ParseDuration(updateWatchEvery)
	if err != nil || every <= 0 {
		every = time.Minute
	}
	return &updateWatch{exe: exe, canRestart: replaceable && !managedInstall(exe), managed: managedInstall(exe), running: version,
		stateDir: stateDir, log: log, every: every, restart: restart, kick: make(chan struct{}, 1),
		verify: func(exe, v string) error { return runsAs(v)(exe) }}
}

// setAgent tells the watch the agent serves (serve's onReady).
func (w *updateWatch) setAgent(a idleHolder) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.agent = a
	w.mu.Unlock()
	w.changed()
}

// setRefresh gives the watch the tray's redraw.
func (w *updateWatch) setRefresh(f func()) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.refresh = f
	w.mu.Unlock()
}

// changed makes the watch look at the state file now (a check just ended).
func (w *updateWatch) changed() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// line is the tray's Update func (nil without a watch: serve).
func (w *updateWatch) line() func() ui.TrayUpdate {
	if w == nil {
		return nil
	}
	return w.trayLine
}

// trayLine is the tray's line on updates from the state file now.
func (w *updateWatch) trayLine() ui.TrayUpdate {
	st, err := update.LoadState(w.stateDir)
	if err != nil {
		return ui.TrayUpdate{}
	}
	return trayUpdate(st, w.running, w.managed, w.canRestart)
}

// trayUpdate is what the tray says about the update state st while
// version running runs: nothing once the newer version runs.
func trayUpdate(st *update.State, running string, managed, canRestart bool) ui.TrayUpdate {
	if st == nil || st.Version == "" || st.Version == running {
		return ui.TrayUpdate{}
	}
	switch {
	case st.Result == update.ResultAvailable && managed:
		return ui.TrayUpdate{Note: ui.UpdateAvailableManaged, Version: st.Version}
	case st.Result == update.ResultAvailable:
		return ui.TrayUpdate{Note: ui.UpdateAvailable, Version: st.Version}
	case st.Result == update.ResultUpdated && canRestart:
		return ui.TrayUpdate{Note: ui.UpdateInstalled, Version: st.Version}
	}
	return ui.TrayUpdate{}
}

// run reads the state file every w.every (and when kicked) until ctx
// ends or the restart begins.
func (w *updateWatch) run(ctx context.Context) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	var last ui.TrayUpdate
	for {
		st, err := update.LoadState(w.stateDir)
		if err == nil {
			line := trayUpdate(st, w.running, w.managed, w.canRestart)
			w.mu.Lock()
			refresh := w.refresh
			w.mu.Unlock()
			if line != last && refresh != nil {
				refresh()
			}
			last = line
			if w.step(st) {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.kick:
		}
	}
}

// step restarts when st says a newer program was installed, this copy
// can restart, and no dialog is open: it holds off new dialogs, checks
// the new program runs and names its version, and ends run's context
// (true). With a dialog open it does nothing (false): the next look tries
// again.
func (w *updateWatch) step(st *update.State) bool {
	if !w.canRestart || st == nil || st.Result != update.ResultUpdated || st.Version == "" || st.Version == w.running {
		return false
	}
	w.mu.Lock()
	a, refused := w.agent, w.refused
	w.mu.Unlock()
	if a == nil || st.Version == refused {
		return false
	}
	release, ok := a.HoldIdle()
	if !ok {
		w.log.Debug("updated program installed; restarting when no dialog is open", "version", st.Version)
		return false
	}
	if err := w.verify(w.exe, st.Version); err != nil {
		release()
		w.mu.Lock()
		w.refused = st.Version
		w.mu.Unlock()
		w.log.Warn("the installed program does not start as it should: the agent keeps running this version", "version", st.Version, "program", w.exe, "err", err)
		return false
	}
	// The slot stays held: no dialog opens while the agent stops.
	w.log.Info("restarting into the updated program", "version", st.Version, "program", w.exe)
	w.restart()
	return true
}
