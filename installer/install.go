package installer

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// Options say where and how to install.
type Options struct {
	Home        string // the user's home (NSS databases, autostart)
	ConfigDir   string // agent.ConfigDir(): tls/ and the state file
	Exe         string // the qoltanba binary to start at login
	AllUsers    bool   // the system trust store and autostart for every user (root)
	NoAutostart bool
	// SystemAutostartDir overrides /etc/xdg/autostart (tests).
	SystemAutostartDir string
	// NoNativeHosts: do not register the native messaging hosts
	// (nativemsg.go; tests of other parts).
	NoNativeHosts bool
	// SystemRoot prefixes the system-wide native messaging directories
	// (tests; "" is /).
	SystemRoot string
	// XDGConfigHome is $XDG_CONFIG_HOME, where Linux Chromium browsers
	// keep their settings ("": Home/.config).
	XDGConfigHome string
	Now           time.Time
}

// State records what install put where.
type State struct {
	CAFingerprint string    `json:"caFingerprint"`
	CANickname    string    `json:"caNickname"`
	CANotAfter    time.Time `json:"caNotAfter"`
	NSSDatabases  []string  `json:"nssDatabases"`
	// NSSMissed are the NSS databases (or, for Chromium, the place of
	// one) left unchanged because certutil is not installed.
	NSSMissed   []string `json:"nssMissed,omitempty"`
	SystemStore bool     `json:"systemStore"`
	// SystemAllUsers: the machine's store (Windows LOCAL_MACHINE), not
	// the user's.
	SystemAllUsers bool   `json:"systemAllUsers,omitempty"`
	Autostart      string `json:"autostart,omitempty"` // kind
	AutostartPath  string `json:"autostartPath,omitempty"`
	// AutostartAside is where install moved a file of someone else's
	// that was at AutostartPath; uninstall puts it back.
	AutostartAside string `json:"autostartAside,omitempty"`
	// MachineCA: this user's state records only the NSS databases the
	// machine's CA was added to at login (TrustMachineCA); the certificate,
	// system store and autostart are the machine's.
	MachineCA bool `json:"machineCA,omitempty"`
	// CreatedNSS are NSS databases Install or TrustMachineCA created
	// (Chromium's, before Chromium ever ran); uninstall removes them when
	// they hold nothing else (removeCreatedNSS).
	CreatedNSS []string `json:"createdNSS,omitempty"`
	// NativeHosts are the native messaging hosts registered (nativemsg.go);
	// NativeDirs the directories install made for them (removed when
	// empty); NativeSkipped the system directories left alone because a
	// user could change them.
	NativeHosts   []NativeManifest `json:"nativeHosts,omitempty"`
	NativeDirs    []string         `json:"nativeDirs,omitempty"`
	NativeSkipped []string         `json:"nativeSkipped,omitempty"`
}

func statePath(configDir string) string { return filepath.Join(configDir, "install-state.json") }

// LoadState reads the state file (nil when nothing is installed).
func LoadState(configDir string) (*State, error) {
	b, err := os.ReadFile(statePath(configDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("installer: state file: %w", err)
	}
	return &s, nil
}

// saveState writes the state readable by all: it holds no secret, and the
// machine's (/etc/qoltanba) is read by every user's agent and status.
func saveState(configDir string, s *State) error {
	b, _ := json.MarshalIndent(s, "", "  ")
	return writeFileAtomic(statePath(configDir), append(b, '\n'), 0o644)
}

// Install makes or keeps the local CA and server certificate, trusts the
// CA in the user's NSS stores (the system store instead with AllUsers), and registers
// autostart. It is idempotent; a CA near expiry is replaced (and the old
// one removed from the stores).
func Install(o Options) (*State, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	files := TLSFiles{Dir: filepath.Join(o.ConfigDir, "tls")}
	st, err := LoadState(o.ConfigDir)
	if err != nil {
		return nil, err
	}
	ca, _ := loadCert(files.CA())
	fresh := ca == nil || st == nil || fingerprint(ca) != st.CAFingerprint || ca.NotAfter.Sub(o.Now) < RenewBefore || !exists(files.Key())
	if fresh {
		if st != nil { // renewal: the old CA leaves every store it was in
			removeCA(st, o)
		}
		if ca, err = issueLocal(files, o.Now, o.AllUsers); err != nil {
			return nil, err
		}
		old := st
		st = &State{CAFingerprint: fingerprint(ca), CANickname: ca.Subject.CommonName, CANotAfter: ca.NotAfter}
		if old != nil { // what the CA does not change stays recorded
			st.CreatedNSS, st.NativeHosts, st.NativeDirs = old.CreatedNSS, old.NativeHosts, old.NativeDirs
		}
	}
	// NSS stores (Chromium on Linux, Firefox everywhere) need certutil;
	// without it everything else is still set up and the missed
	// databases are recorded, so install and status can say which
	// browsers will not trust the agent and what to install.
	// For all users, the installing account's own NSS stores are not
	// touched (root's, or LocalSystem's): each user's are added by `run`
	// at their login (TrustMachineCA), Firefox on Windows reads the
	// system store by policy.
	st.NSSMissed = nil
	var dbs []string
	if !o.AllUsers {
		chromium := chromiumNSSDB(o.Home)
		had := chromium == "" || exists(filepath.Join(chromium, "cert9.db"))
		dbs, err = nssDatabases(o.Home, haveCertutil())
		if err != nil {
			return nil, err
		}
		if !had && exists(filepath.Join(chromium, "cert9.db")) && !slices.Contains(st.CreatedNSS, chromium) {
			st.CreatedNSS = append(st.CreatedNSS, chromium) // uninstall removes it while it holds nothing else
		}
	}
	if !haveCertutil() && !o.AllUsers {
		st.NSSMissed = dbs
		if c := chromiumNSSDB(o.Home); c != "" && !slices.Contains(dbs, c) {
			st.NSSMissed = append(st.NSSMissed, c)
		}
		dbs = nil
	}
	for _, db := range dbs {
		if err := nssAdd(db, st.CANickname, files.CA()); err != nil {
			return nil, err
		}
		if !slices.Contains(st.NSSDatabases, db) {
			st.NSSDatabases = append(st.NSSDatabases, db)
		}
	}
	// The OS store: always on Windows and macOS (their browsers use it),
	// on Linux for all users only (see systemTrustWanted).
	if systemTrustWanted(o) {
		if err := systemTrust(ca, o.AllUsers); err != nil {
			return nil, err
		}
		st.SystemStore, st.SystemAllUsers = true, o.AllUsers
	}
	if !o.NoAutostart && st.Autostart == "" {
		kind, path, aside, err := installAutostart(o.Home, o.Exe, o.AllUsers, o.SystemAutostartDir)
		if err != nil {
			return nil, err
		}
		st.Autostart, st.AutostartPath, st.AutostartAside = kind, path, aside
	}
	if !o.NoNativeHosts {
		err := registerNativeHosts(o, st)
		if err != nil {
			saveState(o.ConfigDir, st) // what was written is recorded for uninstall
			return nil, err
		}
	}
	if err := saveState(o.ConfigDir, st); err != nil {
		return nil, err
	}
	return st, nil
}

func removeCA(st *State, o Options) error {
	var errs []error
	for _, db := range st.NSSDatabases {
		if exists(db) {
			errs = append(errs, nssRemove(db, st.CANickname))
		}
	}
	if st.SystemStore {
		if ca, err := loadCert(TLSFiles{Dir: filepath.Join(o.ConfigDir, "tls")}.CA()); err == nil {
			errs = append(errs, systemUntrust(ca, st.SystemAllUsers))
		} else {
			errs = append(errs, fmt.Errorf("installer: the CA to remove from the system store: %w", err))
		}
	}
	return errors.Join(errs...)
}

// CertutilHint says what to install so that NSS browsers (Firefox, and
// Chromium on Linux) trust the agent.
func CertutilHint() string { return certutilHint }

// Removed is what Uninstall took away, for `qoltanba uninstall` to report
// that and nothing else.
type Removed struct {
	Stores       []string // the NSS databases the CA left (that still exist)
	SystemStore  bool     // the CA left the OS store
	Autostart    string   // the autostart entry removed (its path)
	Certificates bool     // the local CA and server certificate files
	NativeHosts  []string // the native messaging manifests (Windows: registry keys) removed
}

// Nothing reports that nothing was installed to remove.
func (r Removed) Nothing() bool {
	return len(r.Stores) == 0 && !r.SystemStore && r.Autostart == "" && !r.Certificates && len(r.NativeHosts) == 0
}

// Uninstall removes exactly what the state file records: the CA from every
// store, the autostart entry, the TLS files and the state file; it says
// what it removed (nothing, when nothing was installed).
func Uninstall(o Options) (Removed, error) {
	var rm Removed
	st, err := LoadState(o.ConfigDir)
	if err != nil {
		return rm, err
	}
	var errs []error
	switch {
	case st != nil && st.MachineCA: // only the machine's CA in this user's browsers
		err := untrustNSS(st, o.Home, certutilHere)
		if err == nil {
			rm.Stores = existing(st.NSSDatabases)
		}
		errs = append(errs, err)
	case st != nil:
		err := removeCA(st, o)
		if err == nil {
			rm.Stores, rm.SystemStore = existing(st.NSSDatabases), st.SystemStore
			for _, db := range st.CreatedNSS {
				if db == chromiumNSSDB(o.Home) {
					removeCreatedNSS(db, certutilHere)
				}
			}
		}
		errs = append(errs, err)
		if st.Autostart != "" {
			err := removeAutostart(st.Autostart, st.AutostartPath, o.Exe)
			if err == nil {
				err = restoreAside(st.AutostartPath, st.AutostartAside)
			}
			if err == nil {
				rm.Autostart = st.AutostartPath
			}
			errs = append(errs, err)
		}
		removed, err := unregisterNativeHosts(st)
		rm.NativeHosts = removed
		errs = append(errs, err)
	}
	files := TLSFiles{Dir: filepath.Join(o.ConfigDir, "tls")}
	for _, f := range []string{files.CA(), files.Cert(), files.Key(), statePath(o.ConfigDir)} {
		err := os.Remove(f)
		switch {
		case err == nil && f != statePath(o.ConfigDir):
			rm.Certificates = true
		case err != nil && !os.IsNotExist(err):
			errs = append(errs, err)
		}
	}
	os.Remove(files.Dir)
	os.Remove(o.ConfigDir) // only if nothing else (settings, logs) is left
	return rm, errors.Join(errs...)
}

// existing are those of paths that exist.
func existing(paths []string) []string {
	var out []string
	for _, p := range paths {
		if exists(p) {
			out = append(out, p)
		}
	}
	return out
}

func systemScope(allUsers bool) string {
	if allUsers {
		return "for every user of this machine"
	}
	return "for this user"
}

// Check is one line of `qoltanba status`. What and Detail are English
// (logs, tests); Kind and Arg let the CLI say it in the user's language.
type Check struct {
	What   string
	OK     bool
	Detail string
	Kind   CheckKind
	Arg    string // the path or address the check is about
	Target string // CheckNativeOther: the program the manifest starts
}

// CheckKind says which check a Check is (and, for some, which outcome).
type CheckKind string

// The checks of Status and NSSChecks.
const (
	CheckNotInstalled  CheckKind = "not-installed"
	CheckNoCertificate CheckKind = "no-certificate"
	CheckCertificate   CheckKind = "certificate"         // Arg: valid-to date
	CheckNotListening  CheckKind = "not-listening"       // Arg: the address
	CheckListening     CheckKind = "listening"           // Arg: the address
	CheckOtherListener CheckKind = "other-listener"      // Arg: the address
	CheckSystemStore   CheckKind = "system-store"        // Arg: "all" for every user
	CheckAutostart     CheckKind = "autostart"           // Arg: the entry's path
	CheckNoAutostart   CheckKind = "no-autostart"        // --no-autostart
	CheckNSS           CheckKind = "nss"                 // Arg: the database
	CheckNSSNoCertutil CheckKind = "nss-no-certutil"     // Arg: the database
	CheckNative        CheckKind = "native-host"         // Arg: the manifest (Windows: the key), starting this program
	CheckNativeMissing CheckKind = "native-host-missing" // Arg: the manifest or key, gone
	CheckNativeOther   CheckKind = "native-host-other"   // Arg: the manifest or key; Target: the other program it starts
	CheckNativeSkipped CheckKind = "native-host-skipped" // Arg: a system directory a user could change, left alone
)

// Status reports what a browser needs: the agent listening with a valid
// certificate, the CA in each store, autostart. All OK means ready.
func Status(o Options, port int) []Check {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	var out []Check
	files := TLSFiles{Dir: filepath.Join(o.ConfigDir, "tls")}
	st, err := LoadState(o.ConfigDir)
	if st == nil || err != nil {
		out = append(out, Check{What: "installed", Detail: "not installed: run `qoltanba install`", Kind: CheckNotInstalled})
	}
	cert, err := loadCert(files.Cert())
	switch {
	case err != nil:
		out = append(out, Check{What: "certificate", Detail: "no server certificate", Kind: CheckNoCertificate})
	default:
		ok := o.Now.Before(cert.NotAfter) && o.Now.After(cert.NotBefore)
		out = append(out, Check{What: "certificate", OK: ok, Detail: fmt.Sprintf("valid to %s, names %v %v", cert.NotAfter.Format("2006-01-02"), cert.DNSNames, cert.IPAddresses),
			Kind: CheckCertificate, Arg: cert.NotAfter.Format("2006-01-02")})
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		out = append(out, Check{What: "listening", Detail: "nothing answers on " + addr, Kind: CheckNotListening, Arg: addr})
	} else {
		served := conn.ConnectionState().PeerCertificates
		conn.Close()
		ok := cert != nil && len(served) > 0 && served[0].Equal(cert)
		detail, kind := "the agent on "+addr+" serves the installed certificate", CheckListening
		if !ok {
			detail, kind = addr+" serves another certificate (another program, or a temporary certificate)", CheckOtherListener
		}
		out = append(out, Check{What: "listening", OK: ok, Detail: detail, Kind: kind, Arg: addr})
	}
	if st != nil {
		out = append(out, NSSChecks(st)...)
		if st.SystemStore {
			ca, _ := loadCert(files.CA())
			ok := ca != nil && systemTrusted(ca, st.SystemAllUsers)
			scope := ""
			if st.SystemAllUsers {
				scope = "all"
			}
			out = append(out, Check{What: "trust system store", OK: ok, Detail: systemScope(st.SystemAllUsers), Kind: CheckSystemStore, Arg: scope})
		}
		if st.Autostart != "" {
			present := autostartPresent(st.Autostart, st.AutostartPath)
			out = append(out, Check{What: "autostart", OK: present, Detail: st.Autostart + " " + st.AutostartPath, Kind: CheckAutostart, Arg: st.AutostartPath})
		} else {
			out = append(out, Check{What: "autostart", OK: true, Detail: "not requested (--no-autostart)", Kind: CheckNoAutostart})
		}
		out = append(out, NativeChecks(st, o.Exe)...)
	}
	return out
}

// NSSChecks are the status lines of the NSS databases a state records.
func NSSChecks(st *State) []Check {
	var out []Check
	for _, db := range st.NSSDatabases {
		out = append(out, Check{What: "trust " + db, OK: nssHas(db, st.CANickname), Detail: "NSS database", Kind: CheckNSS, Arg: db})
	}
	for _, db := range st.NSSMissed {
		out = append(out, Check{What: "trust " + db, Detail: "not changed: certutil is missing; " + certutilHint, Kind: CheckNSSNoCertutil, Arg: db})
	}
	return out
}

// Ready reports whether every check passed.
func Ready(checks []Check) bool {
	for _, c := range checks {
		if !c.OK {
			return false
		}
	}
	return true
}
