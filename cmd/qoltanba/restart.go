package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qoltanba/qoltanba/ui"
	"github.com/qoltanba/qoltanba/update"
)

// errRestart ends run's context so that the agent starts again as the
// updated program, or as itself to read updated data files (reexec, a
// platform difference: restart_*.go).
var errRestart = errors.New("restarting into the updated program")

// idleHolder is the agent's side of a restart: (*agent.Agent).HoldIdle.
type idleHolder interface {
	HoldIdle() (release func(), ok bool)
}

// updateWatch connects run's update state with the running agent: the
// tray's line on updates, and the restart into a program the daily check
// (or the user's `qoltanba update`) installed, or to read the data files
// it wrote — only when no dialog is open; while one is, it tries again at
// the next look. A restart is simpler than swapping the agent's tables in
// place (known sites, production CAs, the token catalog the PKCS#11
// manager loaded modules from) and reads them exactly as a start does.
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
	// dataDir holds the update's data files, which the agent read at
	// start; dataSeen is what they were then (dataFingerprint).
	dataDir, dataSeen string

	mu          sync.Mutex
	agent       idleHolder // set once the agent serves
	refresh     func()     // redraws the tray's menu
	kick        chan struct{}
	refused     string // a version whose program did not run: not tried again
	dataRefused string // data files whose restart was refused: not tried again
}

// updateWatchEvery is how often run reads the update state: a string, so
// that a test's build can shorten it (-ldflags -X main.updateWatchEvery=200ms).
var updateWatchEvery = "1m"

func newUpdateWatch(exe string, replaceable bool, stateDir string, log *slog.Logger, restart func()) *updateWatch {
	every, err := time.ParseDuration(updateWatchEvery)
	if err != nil || every <= 0 {
		every = time.Minute
	}
	// The data files as they are now, before serve reads them: a change
	// after this restarts the agent (one between the two only once more).
	dataDir := filepath.Join(stateDir, "data")
	return &updateWatch{exe: exe, canRestart: replaceable && !managedInstall(exe), managed: managedInstall(exe), running: version,
		stateDir: stateDir, log: log, every: every, restart: restart, kick: make(chan struct{}, 1),
		verify: func(exe, v string) error { return runsAs(v)(exe) }, dataDir: dataDir, dataSeen: dataFingerprint(dataDir)}
}

// dataFingerprint names the data files in dir as they are: name, size
// and time of each (the updater replaces a file by a rename, so a new one
// always differs); "" without a directory.
func dataFingerprint(dir string) string {
	if dir == "" {
		return ""
	}
	names := slices.Sorted(maps.Values(update.DataFiles))
	var b strings.Builder
	for _, n := range names {
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", n, fi.Size(), fi.ModTime().UnixNano())
		} else {
			fmt.Fprintf(&b, "%s -\n", n)
		}
	}
	return b.String()
}

// dataChanged: the data files differ from what the agent read, no update
// is writing them now (the lock is free: all of one update's files count
// at once), and a restart for them was not refused.
func (w *updateWatch) dataChanged() (string, bool) {
	if w.dataDir == "" {
		return "", false
	}
	changed := func() (string, bool) {
		fp := dataFingerprint(w.dataDir)
		w.mu.Lock()
		defer w.mu.Unlock()
		return fp, fp != w.dataSeen && fp != w.dataRefused
	}
	// Most looks find nothing new: only a change is looked at again under
	// the lock.
	if _, ok := changed(); !ok {
		return "", false
	}
	if stateDirExists(w.stateDir) { // else there is no update and nothing to lock
		unlock, err := update.Lock(w.stateDir, 0)
		if err != nil {
			return "", false
		}
		defer unlock()
	}
	return changed()
}

// repairAtStart puts right what an interrupted update left (the program
// missing with only qoltanba.old there, a stale .qoltanba.new: package
// update's Repair), unless an update runs now. Without a state directory
// no update ever ran here: nothing is looked at, nothing made.
func (w *updateWatch) repairAtStart() {
	if !stateDirExists(w.stateDir) {
		return
	}
	unlock, err := update.Lock(w.stateDir, 0)
	if err != nil {
		return
	}
	defer unlock()
	(&updateRun{exe: w.exe, stateDir: w.stateDir, log: w.log}).repair()
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

// updatesFailingFor is how long checks may keep failing before the tray
// says so: a day's outage is not worth a word, three days of a mirror that
// is down or frozen (an expired timestamp) are.
const updatesFailingFor = 3 * 24 * time.Hour

// trayUpdate is what the tray says about the update state st while
// version running runs: nothing once the newer version runs.
func trayUpdate(st *update.State, running string, managed, canRestart bool) ui.TrayUpdate {
	if st != nil && st.Result == update.ResultFailed && !st.FailingSince.IsZero() && time.Since(st.FailingSince) >= updatesFailingFor {
		return ui.TrayUpdate{Note: ui.UpdateFailing, Version: running, Since: st.FailingSince}
	}
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
	w.repairAtStart()
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

// step restarts when st says a newer program was installed, or the
// update's data files changed since the agent read them, this copy can
// restart, and no dialog is open: it holds off new dialogs, checks the
// program runs and names the version it should (the new one; for data
// files, this one), and ends run's context (true), holding the update
// lock (without waiting: as dataChanged) from the check to the end. With a
// dialog open, or an update running, it does nothing (false): the next
// look tries again.
func (w *updateWatch) step(st *update.State) bool {
	if !w.canRestart {
		return false
	}
	w.mu.Lock()
	a, refused := w.agent, w.refused
	w.mu.Unlock()
	if a == nil {
		return false
	}
	var want, fp string
	switch {
	case st != nil && st.Result == update.ResultUpdated && st.Version != "" && st.Version != w.running && st.Version != refused:
		want = st.Version
	default:
		var changed bool
		if fp, changed = w.dataChanged(); !changed {
			return false
		}
		want = w.running
	}
	if fp == "" && stateDirExists(w.stateDir) {
		// No update writes the program while it is checked and the agent
		// restarts into it (a swap cut in two, Windows' renames): an
		// update that runs now means the next look tries again.
		unlock, err := update.Lock(w.stateDir, 0)
		if err != nil {
			w.log.Debug("restarting once the update that runs now ends", "version", want, "err", err)
			return false
		}
		defer unlock()
	}
	release, ok := a.HoldIdle()
	if !ok {
		w.log.Debug("restarting when no dialog is open", "version", want, "data", fp != "")
		return false
	}
	if err := w.verify(w.exe, want); err != nil {
		release()
		w.mu.Lock()
		if fp != "" {
			w.dataRefused = fp
		} else {
			w.refused = want
		}
		w.mu.Unlock()
		w.log.Warn("the installed program does not start as it should: the agent keeps running this version", "version", want, "program", w.exe, "err", err)
		return false
	}
	// The slot stays held: no dialog opens while the agent stops.
	if fp != "" {
		w.log.Info("restarting to read the updated data files", "dir", w.dataDir, "program", w.exe)
	} else {
		w.log.Info("restarting into the updated program", "version", want, "program", w.exe)
	}
	w.restart()
	return true
}

func stateDirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}
