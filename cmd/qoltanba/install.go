package main

import (
	"fmt"
	"os"
	"path/filepath"

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
	return installer.Options{Home: home, ConfigDir: agent.ConfigDir(), Exe: desktopExe(exe)}, nil
}

// cmdInstall sets up the local certificate, browser trust and autostart.
func cmdInstall(e *env, args []string) error {
	fs := newFlags(e, "install", "[--all-users] [--no-autostart]")
	allUsers := fs.Bool("all-users", false, "for every user of this machine: the machine's trust store and start at everyone's login (needs root, or an elevated prompt on Windows)")
	noAutostart := fs.Bool("no-autostart", false, "do not start the agent at login")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *allUsers && !privileged() {
		return usageErr("--all-users needs %s", privilegeName)
	}
	o, err := installOptions()
	if err != nil {
		return err
	}
	o.AllUsers, o.NoAutostart = *allUsers, *noAutostart
	cfg, err := agent.LoadConfig(filepath.Join(o.ConfigDir, "config.json"))
	if *allUsers {
		// Every user's agent reads the machine's certificate.
		o.ConfigDir = agent.MachineDir()
	}
	if err != nil {
		return err
	}
	if holder := portHolder(cfg.Port); holder != "" {
		fmt.Fprintf(e.stderr, "note: port %d is in use by %s; the agent will not start while it is\n", cfg.Port, holder)
	}
	if note := trustNote(o); note != "" {
		fmt.Fprintln(e.stdout, note)
	}
	st, err := installer.Install(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "local CA: %s (until %s)\n", st.CANickname, st.CANotAfter.Format("2006-01-02"))
	for _, db := range st.NSSDatabases {
		fmt.Fprintf(e.stdout, "trusted in: %s\n", db)
	}
	if st.SystemStore {
		fmt.Fprintln(e.stdout, "trusted in: the system store")
	}
	if len(st.NSSMissed) > 0 {
		fmt.Fprintf(e.stderr, "warning: certutil is missing, so these browsers' stores do not trust the agent yet:\n")
		for _, db := range st.NSSMissed {
			fmt.Fprintf(e.stderr, "  %s\n", db)
		}
		fmt.Fprintf(e.stderr, "  to fix it: %s\n", installer.CertutilHint())
	}
	if st.Autostart != "" {
		fmt.Fprintf(e.stdout, "starts at login: %s (%s)\n", st.Autostart, st.AutostartPath)
	}
	if st.AutostartAside != "" {
		fmt.Fprintf(e.stdout, "note: your own %s was moved to %s; qoltanba uninstall puts it back\n", st.AutostartPath, st.AutostartAside)
	}
	fmt.Fprintln(e.stdout, "Restart the browsers, then check with: qoltanba status")
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
		return usageErr("--all-users needs %s", privilegeName)
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
	if *allUsers {
		// The machine's CA also sits in the NSS stores of every user who
		// logged in since (added by run); it leaves them first.
		// Each user's part runs as that user (this binary's hidden
		// untrust-machine-ca): root never acts on paths a user controls.
		self, err := os.Executable()
		if err != nil {
			return err
		}
		homes, err := installer.RemoveMachineCAFromUsers([]string{self, untrustMachineCACommand})
		for _, h := range homes {
			fmt.Fprintf(e.stdout, "removed from the browsers of: %s\n", h)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "warning: %v\n", err)
		}
	}
	if err := installer.Uninstall(o); err != nil {
		return err
	}
	if *purge {
		for _, d := range dirs {
			if err := os.RemoveAll(d); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(e.stdout, "removed: the local CA from every store it was added to, the autostart entry and the certificates")
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
		return usageErr("HOME is not set")
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
	cfg, err := agent.LoadConfig(filepath.Join(o.ConfigDir, "config.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "qoltanba %s\n", version)
	pol, polErr := agent.LoadMachinePolicy(*policyFile)
	printSettings(e.stdout, cfg, pol, polErr)
	if polErr != nil {
		return &invalidError{fmt.Errorf("the machine policy cannot be read, so the agent will not start: %w", polErr)}
	}
	cfg = pol.Apply(cfg)
	if _, _, err := loadServeFiles(cfg); err != nil {
		fmt.Fprintf(e.stdout, "FAIL configuration: %v\n", err)
		return &invalidError{fmt.Errorf("the agent will not start with this configuration: correct or remove what %s names", filepath.Join(o.ConfigDir, "config.json"))}
	}
	var userChecks []installer.Check
	if st, _ := installer.LoadState(o.ConfigDir); st == nil || st.MachineCA {
		if machine, _ := installer.LoadState(agent.MachineDir()); machine != nil {
			if st != nil { // the machine's CA in this user's browsers, added at login
				userChecks = installer.NSSChecks(st)
			}
			o.ConfigDir = agent.MachineDir() // installed for every user
			fmt.Fprintf(e.stdout, "installed for every user of this machine (%s)\n", o.ConfigDir)
		}
	}
	checks := append(installer.Status(o, cfg.Port), userChecks...)
	for _, c := range checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(e.stdout, "%s %s: %s\n", mark, c.What, c.Detail)
	}
	if !installer.Ready(checks) {
		if holder := portHolder(cfg.Port); holder != "" {
			fmt.Fprintf(e.stdout, "port %d is held by %s\n", cfg.Port, holder)
		}
		return &invalidError{fmt.Errorf("not everything a browser needs is in place")}
	}
	return nil
}
