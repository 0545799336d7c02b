package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/token/p11"
	"github.com/qoltanba/qoltanba/update"
)

// cmdUpdate checks the signed update repository and, for a per-user
// install, replaces the program with a newer verified version (package
// update). A copy installed by a package manager or the MSI only says that
// an update exists: its administrator updates the package.
func cmdUpdate(e *env, args []string) error {
	fs := newFlags(e, "update", "[--check] [--policy FILE]")
	onlyCheck := fs.Bool("check", false, "only say whether a newer version exists; install nothing")
	policyFile := fs.String("policy", "", "read the machine policy from this `file` instead of "+agent.PolicyPath+" (tests)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := updateConfig(*policyFile)
	if err != nil {
		return err
	}
	exe, replaceable, err := runningProgram()
	if err != nil {
		return err
	}
	u := updateRun{cfg: cfg, exe: exe, stateDir: updateStateDir(), onlyCheck: *onlyCheck || !replaceable, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		lockWait: terminalLockWait()}
	// Root never updates a per-user copy: it only reports
	// (updateOnlyReportsAsAdmin: not on Windows, update_windows.go). It uses the state folder its
	// environment names only when that is root's own (its own HOME; a
	// user's, with sudo -E, is not): else it checks from a folder of its
	// own that it removes.
	asRoot := updateOnlyReportsAsAdmin()
	if asRoot {
		u.onlyCheck = true
	}
	if asRoot && update.StateDirOwned(u.stateDir) != nil {
		// In /tmp, not $TMPDIR: the environment may be a user's.
		tmp, err := os.MkdirTemp("/tmp", "qoltanba-update-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		u.stateDir, u.onlyCheck = filepath.Join(tmp, "update"), true
	}
	st, err := u.once(e.ctx)
	var unsafe *update.UnsafePathError
	switch {
	case errors.As(err, &unsafe):
		return failMsg("cli-update-unsafe", version, unsafe.Path)
	case errors.Is(err, update.ErrBusy):
		return failMsg("cli-update-busy", version)
	case errors.Is(err, errUpdatesOff):
		return failMsg("cli-update-off", updateSource(cfg))
	case errors.Is(err, errNoUpdateURL):
		return failMsg("cli-update-no-url")
	case err != nil:
		return failMsg("cli-update-failed", version, updateReason(e.locale, st))
	}
	switch st.Result {
	case update.ResultUpToDate:
		fmt.Fprintln(e.stdout, e.T("cli-update-up-to-date", version))
	case update.ResultAvailable:
		if u.managed() {
			fmt.Fprintln(e.stdout, e.T("cli-update-available-managed", st.Version, version, exe))
		} else if asRoot {
			fmt.Fprintln(e.stdout, e.T("cli-update-available-root", st.Version, version, exe))
		} else {
			fmt.Fprintln(e.stdout, e.T("cli-update-available", st.Version, version))
		}
	case update.ResultUpdated:
		fmt.Fprintln(e.stdout, e.T("cli-update-updated", st.Version))
	}
	if st.CompanionError != "" {
		fmt.Fprintln(e.stderr, e.T("cli-update-companion-failed", st.CompanionError))
	}
	if len(st.Data) > 0 {
		fmt.Fprintln(e.stdout, e.T("cli-update-data", strings.Join(st.Data, ", ")))
	}
	return nil
}

// programToReplace is the program an update replaces: the one running,
// or on Windows the GUI qoltanba.exe beside the console qoltanba-cli.exe
// that runs (the repository carries qoltanba.exe). A console build alone
// is not replaced by the GUI one: false, it only reports.
func programToReplace(exe string) (string, bool) {
	exe = desktopExe(exe)
	return exe, !strings.EqualFold(filepath.Base(exe), "qoltanba-cli.exe")
}

// updateConfig is config.json with the machine policy applied.
func updateConfig(policyFile string) (agent.Config, error) {
	cfg, err := loadConfig(filepath.Join(agent.ConfigDir(), "config.json"))
	if err != nil {
		return cfg, err
	}
	pol, err := loadPolicy(policyFile)
	if err != nil {
		return cfg, err
	}
	return pol.Apply(cfg), nil
}

// updateStateDir keeps the trusted update metadata, the state file
// status reads, and the verified data files (data/).
func updateStateDir() string { return filepath.Join(agent.DataDir(), "update") }

// updateSource says who turned checks off: the policy, or config.json.
func updateSource(cfg agent.Config) string {
	if cfg.Managed["updateChecks"] {
		return cfg.PolicySource
	}
	return filepath.Join(agent.ConfigDir(), "config.json")
}

var (
	errUpdatesOff  = errors.New("update checks are turned off")
	errNoUpdateURL = errors.New("no update repository is configured")
)

// updateRun is one check (qoltanba update, the agent's daily check).
type updateRun struct {
	cfg       agent.Config
	exe       string // the program to replace
	stateDir  string
	onlyCheck bool
	log       *slog.Logger
	// timeout and idle replace the download timeouts (tests; 0: defaults).
	timeout, idle time.Duration
	// root replaces the carried root (tests; nil: update.ShippedRoot).
	root []byte
	// lockWait is how long to wait for another update to end (0: not at
	// all, the agent's daily check tries again later).
	lockWait time.Duration
}

// updateLockWait is how long `qoltanba update` waits for another update
// (the agent's daily check, another terminal) before it says so: a
// string, so that a test's build can shorten it (-X main.updateLockWait=2s).
var updateLockWait = "30s"

func terminalLockWait() time.Duration {
	d, err := time.ParseDuration(updateLockWait)
	if err != nil || d < 0 {
		return 30 * time.Second
	}
	return d
}

// managed: this copy belongs to a package manager or the MSI (or an
// administrator's install for every user): it is never replaced here.
func (u *updateRun) managed() bool { return managedInstall(u.exe) }

// once checks the repository, writes the verified data files and, unless
// only checking or managed, installs a newer program. The state file
// records the result; the running version is kept on every failure.
func (u *updateRun) once(ctx context.Context) (update.State, error) {
	if u.cfg.UpdateChecks == "off" {
		return update.State{Result: update.ResultOff}, errUpdatesOff
	}
	url := u.cfg.UpdateURL
	if url == "" {
		url = update.DefaultURL
	}
	if url == "" {
		return update.State{}, errNoUpdateURL
	}
	// One update at a time: the metadata, the data files, the program and
	// the state file are written by the lock's holder only. The other
	// waits its time and writes nothing.
	unlock, err := update.Lock(u.stateDir, u.lockWait)
	if errors.Is(err, update.ErrBusy) {
		u.log.Info("another update is running; this check is left out", "state", u.stateDir)
		return update.State{}, err
	}
	if errors.Is(err, update.ErrUnsafePath) {
		// Nothing is written there, not even the state file.
		u.log.Warn("update refused: its folder is not this user's own", "err", err)
		return update.State{Result: update.ResultFailed, Reason: update.ReasonUnsafe, Error: err.Error()}, err
	}
	if err == nil {
		defer unlock()
		u.repair()
	}
	st := update.State{LastCheck: time.Now().UTC()}
	if err == nil {
		err = u.check(ctx, url, &st)
	}
	if err != nil {
		st.Result, st.Reason, st.Error = update.ResultFailed, update.Classify(err), err.Error()
		st.FailingSince = st.LastCheck
		if prev, _ := update.LoadState(u.stateDir); prev != nil && !prev.FailingSince.IsZero() {
			st.FailingSince = prev.FailingSince
		}
		u.log.Warn("update failed; the running version is kept", "url", url, "err", err, "failing_since", st.FailingSince)
	}
	if serr := update.SaveState(u.stateDir, st); serr != nil {
		u.log.Warn("update state not saved", "err", serr)
	}
	return st, err
}

// repair puts right what an interrupted update left (update.Repair):
// run with the lock held, before a check and at run's start.
func (u *updateRun) repair() {
	exe := u.exe
	if u.managed() {
		exe = "" // a package's files are its package manager's
	}
	done, err := update.Repair(exe, u.stateDir)
	if exe != "" {
		for _, name := range companionsOf(exe) {
			d, cerr := update.Repair(filepath.Join(filepath.Dir(exe), name), u.stateDir)
			done, err = append(done, d...), errors.Join(err, cerr)
		}
	}
	for _, d := range done {
		u.log.Info("repaired after an interrupted update", "did", d)
	}
	if err != nil {
		u.log.Warn("an interrupted update could not be repaired", "err", err)
	}
}

func (u *updateRun) check(ctx context.Context, url string, st *update.State) error {
	root, err := update.ShippedRoot()
	if u.root != nil {
		root, err = u.root, nil
	}
	if err != nil {
		return err
	}
	ch, err := update.Check(ctx, update.Options{URL: url, Root: root, StateDir: u.stateDir, Version: version,
		Timeout: u.timeout, IdleTimeout: u.idle})
	if err != nil {
		return err
	}
	rel, err := ch.Newest()
	if err != nil {
		return err
	}
	if !u.onlyCheck && !u.managed() {
		files, err := ch.UpdateData(filepath.Join(u.stateDir, "data"))
		for _, f := range files {
			if f.Changed {
				st.Data = append(st.Data, f.Name)
			}
		}
		if err != nil {
			return err
		}
	}
	if rel == nil {
		st.Result = update.ResultUpToDate
		// The program is the newest; a companion a check could not swap
		// then is tried again.
		if cur := ch.Release(version); cur != nil && !u.onlyCheck && !u.managed() {
			more, err := u.downloadCompanions(ch, cur)
			if err != nil {
				return err
			}
			u.applyCompanions(more, cur.Version, st)
		}
		return nil
	}
	st.Result, st.Version = update.ResultAvailable, rel.Version
	if u.onlyCheck || u.managed() {
		return nil
	}
	// The programs that come with this one (Windows: qoltanba-cli.exe,
	// the browsers' plug-in host, beside qoltanba.exe) are downloaded and
	// verified before anything is swapped. One already as signed (a
	// check that swapped it before) is left as it is; so is the program.
	more, err := u.downloadCompanions(ch, rel)
	if err != nil {
		return err
	}
	if !sameSHA256(u.exe, rel.SHA256) {
		data, err := ch.Download(rel)
		if err != nil {
			return err
		}
		if err := update.ApplyRecorded(u.exe, data, rel.SHA256, runsAs(rel.Version), u.stateDir, rel.Version); err != nil {
			return err
		}
		u.log.Info("updated", "version", rel.Version, "program", u.exe)
	}
	// The program is the new one: the check is "updated" whatever its
	// companions do (run restarts into it).
	st.Result = update.ResultUpdated
	u.applyCompanions(more, rel.Version, st)
	return nil
}

// companionSwap is a verified companion program waiting to be swapped.
type companionSwap struct {
	exe       string
	data, sum []byte
}

// companionsOf are the programs swapped with exe (companionPrograms;
// tests replace it).
var companionsOf = companionPrograms

// downloadCompanions fetches and verifies the companions of rel that
// differ from the ones on disk.
func (u *updateRun) downloadCompanions(ch *update.Checker, rel *update.Release) ([]companionSwap, error) {
	var more []companionSwap
	for _, name := range companionsOf(u.exe) {
		comp, err := ch.Companion(rel, name)
		if err != nil {
			return nil, err
		}
		if comp == nil {
			u.log.Warn("the repository has no "+name+" for this version: it keeps its version", "version", rel.Version)
			continue
		}
		exe := filepath.Join(filepath.Dir(u.exe), name)
		if sameSHA256(exe, comp.SHA256) {
			continue
		}
		b, err := ch.Download(comp)
		if err != nil {
			return nil, err
		}
		more = append(more, companionSwap{exe, b, comp.SHA256})
	}
	return more, nil
}

// applyCompanions swaps the companions after the program. One that fails
// is put back by Apply, recorded in st (CompanionError) and the log, and
// tried again at the next check: the program on disk is then the signed
// one already and is left as it is.
func (u *updateRun) applyCompanions(more []companionSwap, v string, st *update.State) {
	var failed []string
	for _, m := range more {
		if err := update.ApplyRecorded(m.exe, m.data, m.sum, runsAs(v), u.stateDir, v); err != nil {
			u.log.Warn("a companion program was not updated: it keeps its version and is tried again at the next check", "program", m.exe, "err", err)
			failed = append(failed, err.Error())
			continue
		}
		u.log.Info("updated", "version", v, "program", m.exe)
	}
	st.CompanionError = strings.Join(failed, "; ")
}

// sameSHA256: the file at name hashes to sum.
func sameSHA256(name string, sum []byte) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	got, err := update.SHA256Of(f)
	return err == nil && bytes.Equal(got, sum)
}

// runsAs checks that the new program starts and says it is version v.
func runsAs(v string) func(exe string) error {
	return func(exe string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, exe, "version").Output()
		if err != nil {
			return err
		}
		if got := strings.TrimSpace(string(out)); got != "qoltanba "+v {
			return fmt.Errorf("it says %q, not qoltanba %s", got, v)
		}
		return nil
	}
}

// updateReason is a failed check's reason in the user's language.
func updateReason(locale string, st update.State) string {
	key := "cli-update-why-other"
	switch st.Reason {
	case update.ReasonUnreachable:
		key = "cli-update-why-unreachable"
	case update.ReasonRefused:
		key = "cli-update-why-refused"
	case update.ReasonOlder:
		key = "cli-update-why-older"
	case update.ReasonSlow:
		key = "cli-update-why-slow"
	case update.ReasonTooLarge:
		key = "cli-update-why-too-large"
	case update.ReasonNoRoot:
		key = "cli-update-why-no-root"
	case update.ReasonWrite:
		key = "cli-update-why-write"
	case update.ReasonUnsafe:
		key = "cli-update-why-unsafe"
	}
	return (&msg{key: key}).in(locale)
}

// printUpdateStatus is status's line on updates: the last check and its
// result.
func printUpdateStatus(e *env, cfg agent.Config) {
	if cfg.UpdateChecks == "off" {
		fmt.Fprintln(e.stdout, e.T("cli-update-status-off", updateSource(cfg)))
		return
	}
	st, err := update.LoadState(updateStateDir())
	if err != nil || st == nil {
		fmt.Fprintln(e.stdout, e.T("cli-update-status-never"))
		return
	}
	when := st.LastCheck.Local().Format("2006-01-02 15:04")
	var result string
	switch st.Result {
	case update.ResultUpToDate:
		result = e.T("cli-update-result-up-to-date")
	case update.ResultAvailable:
		result = e.T("cli-update-result-available", st.Version)
	case update.ResultUpdated:
		result = e.T("cli-update-result-updated", st.Version)
	default:
		result = e.T("cli-update-result-failed", updateReason(e.locale, *st))
	}
	fmt.Fprintln(e.stdout, e.T("cli-update-status", when, result))
}

// printDataFiles says what the update's data files add (docs/updates.md),
// and which of them are not used; nothing when there are none.
func printDataFiles(e *env) {
	d := agent.LoadDataFiles(agent.UpdateDataDir(), nil)
	modules := 0
	if d.TokenModules != nil {
		if m, err := p11.ParseCatalogFile(d.TokenModules); err != nil {
			d.Unused = append(d.Unused, agent.TokenModulesFile)
		} else {
			modules = len(m)
		}
	}
	if len(d.KnownSites)+len(d.ProductionCAs)+modules > 0 {
		fmt.Fprintln(e.stdout, e.T("cli-update-data-read", len(d.KnownSites), len(d.ProductionCAs), modules))
	}
	if len(d.Unused) > 0 {
		fmt.Fprintln(e.stdout, e.T("cli-update-data-unused", strings.Join(d.Unused, ", "), agent.UpdateDataDir()))
	}
}

// runningProgram is the program an update replaces and whether it may
// (programToReplace), read at start: after a swap, the running program's
// own path names the old file.
func runningProgram() (string, bool, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", false, err
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	exe, replaceable := programToReplace(exe)
	return exe, replaceable, nil
}

// dailyUpdateChecks is run's background check: at most once a day (four
// hours after a failure), at a random minute after login (jitter: a fleet
// does not reach the server at once, a login is not slowed). A per-user
// install is replaced on disk; checked is called after each check (the
// update watch then redraws the tray and restarts the agent into the new
// program when no dialog is open). Nothing happens with checks off, in a
// development build (no root) or without an update URL.
func dailyUpdateChecks(ctx context.Context, cfg agent.Config, exe string, replaceable bool, log *slog.Logger, checked func()) {
	if cfg.UpdateChecks == "off" || (cfg.UpdateURL == "" && update.DefaultURL == "") {
		return
	}
	if _, err := update.ShippedRoot(); err != nil {
		return
	}
	u := updateRun{cfg: cfg, exe: exe, stateDir: updateStateDir(), onlyCheck: !replaceable, log: log}
	first, err := time.ParseDuration(updateFirstCheck)
	firstSet := err == nil
	for {
		st, _ := update.LoadState(u.stateDir)
		wait := nextUpdateCheck(time.Now(), st, time.Duration(rand.Int64N(int64(time.Hour))))
		if firstSet {
			wait, firstSet = first, false
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if st, err := u.once(ctx); err == nil && st.Result == update.ResultUpdated {
			log.Info("a newer qoltanba is installed; the agent restarts into it when no dialog is open", "version", st.Version)
		}
		checked()
	}
}

// updateFirstCheck, when a test's build sets it (-ldflags -X
// main.updateFirstCheck=300ms), is the wait before run's first check, for
// the first one only; a release waits nextUpdateCheck's time.
var updateFirstCheck = ""

// nextUpdateCheck is how long to wait before the next check: a day after
// the last one (four hours after a failure), never sooner than five
// minutes from now nor later than that interval; jitter is added.
func nextUpdateCheck(now time.Time, last *update.State, jitter time.Duration) time.Duration {
	wait := 5 * time.Minute
	if last != nil {
		every := 24 * time.Hour
		if last.Result == update.ResultFailed {
			every = 4 * time.Hour
		}
		// Never longer than the interval: a clock set back must not
		// postpone the checks by as much.
		wait = min(max(wait, last.LastCheck.Add(every).Sub(now)), every)
	}
	return wait + jitter
}
