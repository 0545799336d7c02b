package installer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// Autostart kinds (what the state file records; each OS's file makes its
// own).
const (
	AutostartSystemd     = "systemd-user"
	AutostartXDG         = "xdg"
	AutostartXDGSystem   = "xdg-system"   // every user of the machine (/etc/xdg/autostart)
	AutostartWinRun      = "windows-run"  // HKCU (or, for all users, HKLM) ...\CurrentVersion\Run
	AutostartLaunchAgent = "launch-agent" // macOS: ~/Library/LaunchAgents (or /Library/LaunchAgents for all users)
)

// autostartMarker is in every autostart file install writes: a file
// without it (and not one an older version wrote, legacyAutostart) is
// someone else's, which install sets aside and uninstall gives back.
const autostartMarker = "X-Qoltanba-Autostart=1"

// asideSuffix names where install moves a file of the user's that was in
// its autostart entry's place.
const asideSuffix = ".before-qoltanba"

// legacyAutostart matches the autostart files versions without the
// marker wrote (the XDG entry, the systemd user unit, the LaunchAgent).
var legacyAutostart = regexp.MustCompile(`^\[Desktop Entry\]\nType=Application\nName=qoltanba\nComment=Local signing agent\nExec=[^\n]* run\nIcon=qoltanba\nTerminal=false\nX-GNOME-Autostart-enabled=true\n$|` +
	`(?s)^\[Unit\]\nDescription=qoltanba: local signing agent \(wss://127\.0\.0\.1:13579\)\n.*\nWantedBy=graphical-session\.target\n$|` +
	`(?s)^<\?xml [^\n]*\n<!DOCTYPE plist[^\n]*\n<plist version="1\.0">\n<dict>\n\t<key>Label</key><string>kz\.qoltanba\.agent</string>\n\t<key>ProgramArguments</key><array><string>[^<]*</string><string>run</string></array>\n\t<key>RunAtLoad</key><true/>\n\t<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>\n\t<key>LimitLoadToSessionType</key><string>Aqua</string>\n</dict>\n</plist>\n$`)

// ourAutostart reports whether the file at path is one install wrote: a
// regular file with the marker, or an older version's exact text.
func ourAutostart(path string) (bool, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > 64<<10 {
		return false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	return strings.Contains(string(b), autostartMarker) || legacyAutostart.Match(b), nil
}

// setAside makes room for install's autostart file at path: a file of
// someone else's there moves to path+asideSuffix, which it returns (""
// when the place was free or held ours).
func setAside(path string) (string, error) {
	ours, err := ourAutostart(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("installer: autostart: %w", err)
	case ours:
		return "", nil
	}
	aside := path + asideSuffix
	if _, err := os.Lstat(aside); err == nil {
		return "", fmt.Errorf("installer: %s is not one qoltanba wrote, and %s is taken too: move one of them away, or install with --no-autostart", path, aside)
	}
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("installer: autostart: %w", err)
	}
	return aside, nil
}

// removeOurs removes the autostart file at path if it is ours; someone
// else's stays (the user may have replaced ours since).
func removeOurs(path string) error {
	ours, err := ourAutostart(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !ours:
		return nil
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// restoreAside gives back the file install set aside (aside, from the
// state) at path, once install's own is gone.
func restoreAside(path, aside string) error {
	if aside == "" {
		return nil
	}
	if _, err := os.Lstat(aside); err != nil {
		return nil // the user moved it themselves
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("installer: %s is in the way of giving back %s", path, aside)
	}
	if err := os.Rename(aside, path); err != nil {
		return fmt.Errorf("installer: autostart: %w", err)
	}
	if strings.HasSuffix(path, ".service") {
		exec.Command("systemctl", "--user", "daemon-reload").Run()
	}
	return nil
}
