package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/qoltanba/qoltanba/agent"
	"github.com/qoltanba/qoltanba/installer"
)

func installOptions() (installer.Options, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return installer.Options{}, err
	}
	exe, err := os.Executable()
	if err != nil {
		return installer.Options{}, err
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return installer.Options{Home: home, ConfigDir: agent.ConfigDir(), Exe: desktopExe(exe), XDGConfigHome: os.Getenv("XDG_CONFIG_HOME")}, nil
}

// cmdInstall sets up the local certificate, browser trust and autostart.
func cmdInstall(e *env, args []string) error {
	fs := newFlags(e, "install", "[--all-users] [--no-autostart] [--country vn]")
	allUsers := fs.Bool("all-users", false, "for every user of this machine: the machine's trust store and start at everyone's login (needs root, or an elevated prompt on Windows)")
	noAutostart := fs.Bool("no-autostart", false, "do not start the agent at login")
	country := fs.String("country", "", "also serve this country's signing-tool protocols: vn (VNPT-CA Plugin, VGCA SignService; docs/vietnam.md)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkCountry(*country, *allUsers); err != nil {
		return err
	}
	if *allUsers && !privileged() {
		return usageMsg("cli-needs-privilege", "--all-users", failMsg(privilegeName))
	}
	o, err := installOptions()
	if err != nil {
		return err
	}
	o.AllUsers, o.NoAutostart = *allUsers, *noAutostart
	if *allUsers {
		// Every user's browser and login would start this copy.
		if err := installer.CheckAllUsersProgram(o.Exe); err != nil {
			return &msg{key: "cli-install-program-unsafe", args: []any{o.Exe, err}, cause: err}
		}
	}
	cfg, err := loadConfig(filepath.Join(o.ConfigDir, "config.json"))
	if *allUsers {
		// Every user's agent reads the machine's certificate.
		o.ConfigDir = agent.MachineDir()
	}
	if err != nil {
		return err
	}
	if holder := portHolder(cfg.Port); holder != "" {
		fmt.Fprintln(e.stderr, e.T("cli-install-port-held", cfg.Port, holder))
	}
	if note := trustNote(o); note != "" {
		fmt.Fprintln(e.stdout, e.T(note))
	}
	st, err := installer.Install(o)
	if err != nil {
		return err
	}
	if *country != "" {
		if err := installCountry(e, *country); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, e.T("cli-install-ca", st.CANickname, st.CANotAfter.Format("2006-01-02")))
	for _, db := range st.NSSDatabases {
		fmt.Fprintln(e.stdout, e.T("cli-install-trusted-in", db))
	}
	if st.SystemStore {
		fmt.Fprintln(e.stdout, e.T("cli-install-trusted-system"))
	}
	if len(st.NSSMissed) > 0 {
		fmt.Fprintln(e.stderr, e.T("cli-install-no-certutil"))
		for _, db := range st.NSSMissed {
			fmt.Fprintf(e.stderr, "  %s\n", db)
		}
		fmt.Fprintf(e.stderr, "  %s\n", e.T("cli-install-fix", installer.CertutilHint()))
	}
	if st.Autostart != "" {
		fmt.Fprintln(e.stdout, e.T("cli-install-autostart", st.Autostart, st.AutostartPath))
	}
	if st.AutostartAside != "" {
		fmt.Fprintln(e.stdout, e.T("cli-install-aside", st.AutostartPath, st.AutostartAside))
	}
	printNativeHosts(e, st)
	// install does not start the agent (it may run as root, or in a
	// session without a display): it says how, and status says it again.
	if st.Autostart != "" {
		fmt.Fprintln(e.stdout, e.T("cli-install-next-autostart"))
	} else {
		fmt.Fprintln(e.stdout, e.T("cli-install-next"))
	}
	return nil
}

// cmdUninstall removes what install did (and with --purge config and logs).
func cmdUninstall(e *env, args []string) error {
	fs := newFlags(e, "uninstall", "[--all-users] [--purge]")
	allUsers := fs.Bool("all-users", false, "undo install --all-users (needs the same rights)")
	purge := fs.Bool("purge", false, "also delete the configuration, remembered permissions and audit log")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *allUsers && !privileged() {
		return usageMsg("cli-needs-privilege", "--all-users", failMsg(privilegeName))
	}
	o, err := installOptions()
	if err != nil {
		return err
	}
	dirs := []string{agent.ConfigDir(), agent.DataDir()}
	if *allUsers {
		o.ConfigDir, o.AllUsers = agent.MachineDir(), true
		dirs = []string{agent.MachineDir()}
	}
	var homes []string
	if *allUsers {
		// The machine's CA also sits in the NSS stores of every user who
		// logged in since (added by run); it leaves them first.
		// Each user's part runs as that user (this binary's hidden
		// untrust-machine-ca): root never acts on paths a user controls.
		self, err := os.Executable()
		if err != nil {
			return err
		}
		homes, err = installer.RemoveMachineCAFromUsers([]string{self, untrustMachineCACommand})
		for _, h := range homes {
			fmt.Fprintln(e.stdout, e.T("cli-uninstall-user-browsers", h))
		}
		if err != nil {
			fmt.Fprintln(e.stderr, e.T("cli-warning", errText(e.locale, err)))
		}
	}
	// Only what was there is reported: a second uninstall says that
	// nothing was installed.
	rm, err := installer.Uninstall(o)
	for _, db := range rm.Stores {
		fmt.Fprintln(e.stdout, e.T("cli-uninstall-store", db))
	}
	if rm.SystemStore {
		fmt.Fprintln(e.stdout, e.T("cli-uninstall-system-store"))
	}
	if rm.Autostart != "" {
		fmt.Fprintln(e.stdout, e.T("cli-uninstall-autostart", rm.Autostart))
	}
	if rm.Certificates {
		fmt.Fprintln(e.stdout, e.T("cli-uninstall-certificates", filepath.Join(o.ConfigDir, "tls")))
	}
	for _, m := range rm.NativeHosts {
		fmt.Fprintln(e.stdout, e.T("cli-uninstall-native", m))
	}
	if err != nil {
		return err
	}
	purged := false
	if *purge {
		for _, d := range dirs {
			if _, err := os.Stat(d); err != nil {
				continue
			}
			if err := os.RemoveAll(d); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.T("cli-uninstall-purged", d))
			purged = true
		}
	}
	if rm.Nothing() && len(homes) == 0 && !purged {
		fmt.Fprintln(e.stdout, e.T("cli-uninstall-nothing"))
	}
	return nil
}

// untrustMachineCACommand is the hidden command uninstall --all-users runs
// as each user who has the machine's CA in their browsers.
const untrustMachineCACommand = "untrust-machine-ca"

// cmdUntrustMachineCA takes the machine's CA out of this user's browser
// stores ($HOME), as run for every user by uninstall --all-users.
func cmdUntrustMachineCA(e *env, args []string) error {
	fs := newFlags(e, untrustMachineCACommand, "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	home := os.Getenv("HOME")
	if home == "" {
		return usageMsg("cli-no-home")
	}
	return installer.UntrustMachineCA(home)
}

// cmdStatus says what is and is not in place; exit 0 only when a browser
// has everything it needs.
func cmdStatus(e *env, args []string) error {
	fs := newFlags(e, "status", "[--policy FILE]")
	policyFile := fs.String("policy", "", "read the machine policy from this `file` instead of "+agent.PolicyPath+" (tests)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	o, err := installOptions()
	if err != nil {
		return err
	}
	cfg, err := loadConfig(filepath.Join(o.ConfigDir, "config.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "qoltanba %s\n", version)
	pol, polErr := loadPolicy(*policyFile)
	printSettings(e, cfg, pol, polErr)
	if polErr != nil {
		return failMsg("cli-status-policy", polErr)
	}
	cfg = pol.Apply(cfg)
	printUpdateStatus(e, cfg)
	printDataFiles(e)
	if _, _, err := loadServeFiles(cfg); err != nil {
		fmt.Fprintf(e.stdout, "FAIL %s\n", e.T("cli-check-config", errText(e.locale, err)))
		return failMsg("cli-status-config", filepath.Join(o.ConfigDir, "config.json"))
	}
	var userChecks []installer.Check
	if st, _ := installer.LoadState(o.ConfigDir); st == nil || st.MachineCA {
		if machine, _ := installer.LoadState(agent.MachineDir()); machine != nil {
			if st != nil { // the machine's CA in this user's browsers, added at login
				userChecks = installer.NSSChecks(st)
			}
			o.ConfigDir = agent.MachineDir() // installed for every user
			fmt.Fprintln(e.stdout, e.T("cli-status-all-users", o.ConfigDir))
		}
	}
	checks := append(installer.Status(o, cfg.Port), userChecks...)
	for _, c := range checks {
		// ok/FAIL stay as they are in every language (scripts grep them).
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(e.stdout, "%s %s\n", mark, checkText(e, c))
	}
	printDoors(e, cfg)
	if !installer.Ready(checks) {
		holder := portHolder(cfg.Port)
		if holder != "" {
			fmt.Fprintln(e.stdout, e.T("cli-status-port-held", cfg.Port, holder))
		}
		if holder == "" && onlyNotRunning(checks) {
			return failMsg("cli-status-not-running")
		}
		return failMsg("cli-status-not-ready")
	}
	return nil
}

// onlyNotRunning: everything is installed and in place, only the agent is
// not running (right after install, or after Quit).
func onlyNotRunning(checks []installer.Check) bool {
	running := true
	for _, c := range checks {
		switch {
		case c.Kind == installer.CheckNotListening:
			running = false
		case !c.OK:
			return false
		}
	}
	return !running
}

// checkText is a status line in the user's language.
func checkText(e *env, c installer.Check) string {
	switch c.Kind {
	case installer.CheckNotInstalled:
		return e.T("cli-check-not-installed")
	case installer.CheckNoCertificate:
		return e.T("cli-check-no-certificate")
	case installer.CheckCertificate:
		return e.T("cli-check-certificate", c.Arg)
	case installer.CheckNotListening:
		return e.T("cli-check-not-listening", c.Arg)
	case installer.CheckListening:
		return e.T("cli-check-listening", c.Arg)
	case installer.CheckOtherListener:
		return e.T("cli-check-other-listener", c.Arg)
	case installer.CheckSystemStore:
		if c.Arg == "all" {
			return e.T("cli-check-system-store-all")
		}
		return e.T("cli-check-system-store")
	case installer.CheckAutostart:
		return e.T("cli-check-autostart", c.Arg)
	case installer.CheckNoAutostart:
		return e.T("cli-check-no-autostart")
	case installer.CheckNSS:
		return e.T("cli-check-nss", c.Arg)
	case installer.CheckNSSNoCertutil:
		return e.T("cli-check-nss-no-certutil", c.Arg, installer.CertutilHint())
	case installer.CheckNative:
		return e.T("cli-check-native", c.Arg)
	case installer.CheckNativeMissing:
		return e.T("cli-check-native-missing", c.Arg)
	case installer.CheckNativeOther:
		return e.T("cli-check-native-other", c.Arg, c.Target)
	case installer.CheckNativeSkipped:
		return e.T("cli-check-native-skipped", c.Arg)
	}
	return c.What + ": " + c.Detail
}

// browserNames are the browsers' own names (not translated).
var browserNames = map[string]string{installer.BrowserChrome: "Google Chrome", installer.BrowserChromium: "Chromium",
	installer.BrowserEdge: "Microsoft Edge", installer.BrowserYandex: "Yandex Browser", installer.BrowserFirefox: "Firefox"}

// printNativeHosts says where the Gosuslugi plug-in hosts were registered:
// one line a browser and place (directory, or registry key on Windows),
// then what was set aside or left alone.
func printNativeHosts(e *env, st *installer.State) {
	type place struct{ browser, where string }
	var order []place
	hosts := map[place][]string{}
	for _, m := range st.NativeHosts {
		p := place{m.Browser, filepath.Dir(m.File)}
		if m.Key != "" {
			p.where = m.Key[:strings.LastIndex(m.Key, `\`)]
		}
		if _, ok := hosts[p]; !ok {
			order = append(order, p)
		}
		hosts[p] = append(hosts[p], m.Host)
	}
	for _, p := range order {
		fmt.Fprintln(e.stdout, e.T("cli-install-native", browserNames[p.browser], p.where, strings.Join(hosts[p], ", ")))
	}
	for _, m := range st.NativeHosts {
		if m.Aside != "" {
			fmt.Fprintln(e.stdout, e.T("cli-install-native-aside", m.File, m.Aside))
		}
		if m.Previous != "" {
			fmt.Fprintln(e.stdout, e.T("cli-install-native-previous", m.Key, m.Previous))
		}
	}
	for _, d := range st.NativeSkipped {
		fmt.Fprintln(e.stderr, e.T("cli-install-native-skipped", d))
	}
}
